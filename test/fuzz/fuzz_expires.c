/* fuzz_expires.c: libFuzzer target for expires_parse, expires_msg_get
 * and contact_q_parse.  expires_parse is checked against a reference
 * that reads the digits another way (count the significant digits, and
 * compare with the cap only when they are few); a qvalue must be in
 * 0..1000 and have the grammar's shape. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/err.h"
#include "../../parser/parse_contact.h"
#include "../../parser/parse_expires.h"
#include "hdr_lines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Reference delta-seconds: 0 and *v, or -1. */
static int
ref_expires(const char *p, size_t len, uint32_t *v)
{
	unsigned long long x = 0;
	size_t i, b = 0, e = len, sig;

	while (b < e && is_lws(p[b]))
		b++;
	while (e > b && is_lws(p[e - 1]))
		e--;
	if (b == e)
		return -1;
	for (i = b; i < e; i++)
		if (p[i] < '0' || p[i] > '9')
			return -1;
	while (b + 1 < e && p[b] == '0')
		b++;
	sig = e - b;
	if (sig > 10) {
		*v = EXPIRES_MAX;
		return 0;
	}
	for (i = b; i < e; i++)
		x = x * 10 + (unsigned long long)(p[i] - '0');
	*v = x > EXPIRES_MAX ? EXPIRES_MAX : (uint32_t)x;
	return 0;
}

static void
check_q(const struct str *s)
{
	int q = -5, rc = contact_q_parse(s, &q);

	if (rc != 0) {
		if (rc != E_PARSE || q != -5)
			abort();
		return;
	}
	if (q < 0 || q > 1000 || s->len == 0 || s->len > 5 ||
	    (s->len > 1 && s->s[1] != '.') || (s->s[0] == '1' && q != 1000) ||
	    (s->s[0] == '0' && q == 1000))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hdr_lines hl;
	char *buf = fuzz_dup(data, size);
	struct sip_msg m;
	uint32_t v = 7, r = 0;
	struct str s;
	int rc, ref;

	if (buf == NULL)
		return 0;
	s.s = buf;
	s.len = size;
	rc = expires_parse(&s, &v);
	ref = ref_expires(buf, size, &r);
	if ((rc == 0) != (ref == 0) || (rc != 0 && rc != E_PARSE) ||
	    (rc == 0 && v != r) || (rc != 0 && v != 7))
		abort();
	check_q(&s);
	/* as Expires header lines: one parses as above, two are refused */
	memset(&m, 0, sizeof(m));
	m.h[HDR_EXPIRES] = hdr_lines_split(&hl, buf, size, HDR_EXPIRES);
	rc = expires_msg_get(&m, &v);
	if (hl.n > 1) {
		if (rc != E_PARSE)
			abort();
	} else if (rc != expires_parse(&hl.h[0].body, &r) ||
	    (rc == 0 && v != r)) {
		abort();
	}
	free(buf);
	return 0;
}
