/* fuzz_auth.c: libFuzzer target for the Digest credentials parser.
 * The whole input is parsed as one Authorization body; then, split into
 * lines (see hdr_lines.h), as several Authorization headers searched by
 * realm.  Checks: every view inside the body and within AUTH_VALUE_MAX,
 * no control byte in any value (none may reach a username or a query),
 * the return code and the failure reason agree, required fields present
 * on success, unescaping works on every view, the search returns what a
 * parse of the header it names returns. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/err.h"
#include "../../mem/pkg.h"
#include "../../parser/parse_auth.h"
#include "hdr_lines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_value(const struct str *v, const struct str *body)
{
	char out[AUTH_VALUE_MAX + 1];
	ssize_t n;
	size_t i;

	view_within(v, body);
	if (v->len > AUTH_VALUE_MAX)
		abort();
	for (i = 0; i < v->len; i++)
		if ((unsigned char)v->s[i] < 0x20 && v->s[i] != '\t')
			abort();
	n = auth_unescape(v, out, sizeof(out));
	if (n < 0 || (size_t)n > v->len || strlen(out) > (size_t)n)
		abort();
}

static void
check_cred(const struct auth_cred *c, const struct str *body, int rc)
{
	const unsigned int need = AUTH_P_REALM | AUTH_P_NONCE | AUTH_P_URI |
	    AUTH_P_RESPONSE;
	const struct str *const v[] = { &c->username, &c->username_ext,
		&c->realm, &c->nonce, &c->uri, &c->response, &c->algorithm,
		&c->cnonce, &c->opaque, &c->qop, &c->nc };
	size_t i;

	if (auth_fail_str(c->fail) == NULL || c->fail >= AUTH_FAIL_COUNT)
		abort();
	view_within(&c->scheme, body);
	view_within(&c->fail_param, body);
	if (rc != 0) {
		if ((rc == E_NOTFOUND) != (c->fail == AUTH_FAIL_SCHEME) ||
		    (rc != E_NOTFOUND && rc != E_PARSE) ||
		    c->fail == AUTH_FAIL_NONE || c->fail_pos > body->len)
			abort();
		return;
	}
	if (c->fail != AUTH_FAIL_NONE || (c->present & need) != need ||
	    !(c->present & (AUTH_P_USERNAME | AUTH_P_USERNAME_EXT)) ||
	    ((c->present & AUTH_P_NC) && c->nc.len != 8) ||
	    ((c->present & AUTH_P_QOP) &&
	        !(c->present & AUTH_P_CNONCE && c->present & AUTH_P_NC)))
		abort();
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check_value(v[i], body);
}

/* The lines as Authorization headers, searched by realm. */
static void
find(struct hdr_lines *hl, const struct str *realm)
{
	const struct hdr_field *hf = NULL;
	struct auth_cred c, again;
	struct sip_msg m;
	int rc;

	memset(&m, 0, sizeof(m));
	m.h[HDR_AUTHORIZATION] = &hl->h[0];
	rc = auth_cred_find(&m, HDR_AUTHORIZATION, realm, &c, &hf);
	if (rc == E_NOTFOUND) {
		if (c.fail != AUTH_FAIL_NOT_FOUND)
			abort();
		return;
	}
	if (hf == NULL || hf < &hl->h[0] || hf >= &hl->h[hl->n])
		abort();
	check_cred(&c, &hf->body, rc);
	if (auth_cred_parse(&hf->body, &again) != rc || again.fail != c.fail ||
	    memcmp(&again, &c, sizeof(c)) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hdr_lines hl;
	const struct str realm = STR_LIT("example.com");
	char *buf = fuzz_dup(data, size);
	struct auth_cred c;
	struct str body;

	if (buf == NULL)
		return 0;
	body.s = buf;
	body.len = size;
	check_cred(&c, &body, auth_cred_parse(&body, &c));
	(void)hdr_lines_split(&hl, buf, size, HDR_AUTHORIZATION);
	find(&hl, &realm);
	find(&hl, NULL);
	free(buf);
	if (pkg_live_blocks() != 0)
		abort(); /* the parser must not allocate at all */
	return 0;
}
