/* digest.c: RFC 2617/7616 digest hashes over OpenSSL's EVP digests.
 *
 * Each process fetches an algorithm the first time it needs it and keeps
 * one EVP_MD_CTX: EVP_md5() and friends do an implicit provider fetch on
 * every call, and a REGISTER storm hashes four times per request.  OpenSSL
 * allocates from malloc, so state made before fork is copied, not shared. */
#include <stdint.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "../../api/sr_api.h"
#include "digest.h"

#define DIGEST_MAX_PARTS 11 /* the response: 6 fields and 5 colons */

/* The enum pairs each H with its -sess variant: alg / 2 is the H, alg & 1
 * the -sess flag. */
_Static_assert(DIGEST_MD5_SESS == 1 && DIGEST_SHA256 == 2 &&
        DIGEST_SHA512_256_SESS == 5 && DIGEST_ALG_N == 6,
    "digest_alg layout");
#define ALG_H(alg) ((unsigned)(alg) / 2)

/* clang-format off */
static const char *const alg_names[DIGEST_ALG_N] = {
	[DIGEST_MD5]             = "MD5",
	[DIGEST_MD5_SESS]        = "MD5-sess",
	[DIGEST_SHA256]          = "SHA-256",
	[DIGEST_SHA256_SESS]     = "SHA-256-sess",
	[DIGEST_SHA512_256]      = "SHA-512-256",
	[DIGEST_SHA512_256_SESS] = "SHA-512-256-sess",
};
static const struct {
	const char *ossl; /* OpenSSL's fetch name */
	size_t hexlen;
} hs[3] = {
	{ "MD5",          32 },
	{ "SHA2-256",     64 },
	{ "SHA2-512/256", 64 },
};
/* clang-format on */

/* per process: fetched digests (NULL until first use) and one context */
static EVP_MD *mds[3];
static bool md_missing[3];
static EVP_MD_CTX *md_ctx;

static const struct str colon = { ":", 1 };

static bool
alg_ok(enum digest_alg alg)
{
	return (unsigned)alg < DIGEST_ALG_N;
}

const char *
digest_alg_name(enum digest_alg alg)
{
	return alg_ok(alg) ? alg_names[alg] : NULL;
}

int
digest_alg_parse(const struct str *name, enum digest_alg *out)
{
	unsigned i;

	for (i = 0; i < DIGEST_ALG_N; i++)
		if (str_caseeq_c(name, alg_names[i])) {
			*out = (enum digest_alg)i;
			return 0;
		}
	return E_NOTFOUND;
}

size_t
digest_alg_hex_len(enum digest_alg alg)
{
	return alg_ok(alg) ? hs[ALG_H(alg)].hexlen : 0;
}

bool
digest_alg_sess(enum digest_alg alg)
{
	return alg_ok(alg) && ((unsigned)alg & 1) != 0;
}

const char *
digest_qop_name(enum digest_qop qop)
{
	switch (qop) {
	case DIGEST_QOP_NONE:
		return "";
	case DIGEST_QOP_AUTH:
		return "auth";
	case DIGEST_QOP_AUTH_INT:
		return "auth-int";
	}
	return NULL;
}

int
digest_qop_parse(const struct str *name, enum digest_qop *out)
{
	if (str_caseeq_c(name, "auth"))
		*out = DIGEST_QOP_AUTH;
	else if (str_caseeq_c(name, "auth-int"))
		*out = DIGEST_QOP_AUTH_INT;
	else
		return E_NOTFOUND;
	return 0;
}

/* The EVP_MD for alg, fetched once per process; NULL when unavailable
 * (remembered, so a missing SHA-512/256 is not looked up per request). */
static const EVP_MD *
alg_md(enum digest_alg alg)
{
	unsigned h = ALG_H(alg);

	if (mds[h] == NULL && !md_missing[h]) {
		mds[h] = EVP_MD_fetch(NULL, hs[h].ossl, NULL);
		md_missing[h] = mds[h] == NULL;
	}
	return mds[h];
}

bool
digest_alg_available(enum digest_alg alg)
{
	return alg_ok(alg) && alg_md(alg) != NULL;
}

static void
to_hex(const unsigned char *md, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * n] = '\0';
}

/* out = hex H(parts[0] || ... || parts[n-1]); NULL parts are empty. */
static int
digest_h(enum digest_alg alg, const struct str *const *parts, int n,
    char out[DIGEST_HEX_SIZE])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const EVP_MD *type;
	int k;

	out[0] = '\0';
	if (!alg_ok(alg))
		return E_INVAL;
	if ((type = alg_md(alg)) == NULL)
		return E_NOTFOUND;
	if (md_ctx == NULL && (md_ctx = EVP_MD_CTX_new()) == NULL)
		return E_NOMEM;
	if (EVP_DigestInit_ex2(md_ctx, type, NULL) != 1)
		return E_BUG;
	for (k = 0; k < n; k++) {
		if (parts[k] == NULL || parts[k]->len == 0)
			continue;
		if (EVP_DigestUpdate(md_ctx, parts[k]->s, parts[k]->len) != 1)
			return E_BUG;
	}
	if (EVP_DigestFinal_ex(md_ctx, md, &mdlen) != 1 ||
	    2 * (size_t)mdlen != hs[ALG_H(alg)].hexlen)
		return E_BUG;
	to_hex(md, mdlen, out);
	OPENSSL_cleanse(md, sizeof(md));
	return 0;
}

/* out = hex H(f[0] ":" f[1] ":" ... f[n-1]) */
static int
digest_h_fields(enum digest_alg alg, const struct str *const *f, int n,
    char out[DIGEST_HEX_SIZE])
{
	const struct str *parts[DIGEST_MAX_PARTS];
	int i, k = 0;

	if (n <= 0 || 2 * n - 1 > DIGEST_MAX_PARTS)
		return E_BUG;
	for (i = 0; i < n; i++) {
		if (i > 0)
			parts[k++] = &colon;
		parts[k++] = f[i];
	}
	return digest_h(alg, parts, k, out);
}

int
digest_calc_ha1(enum digest_alg alg, const struct str *user,
    const struct str *realm, const struct str *password,
    char out[DIGEST_HEX_SIZE])
{
	const struct str *f[] = { user, realm, password };

	return digest_h_fields(alg, f, 3, out);
}

int
digest_calc_ha1b(enum digest_alg alg, const struct str *user,
    const struct str *domain, const struct str *realm,
    const struct str *password, char out[DIGEST_HEX_SIZE])
{
	static const struct str at = { "@", 1 };
	const struct str *parts[] = { user, &at, domain, &colon, realm, &colon,
		password };

	return digest_h(alg, parts, 7, out);
}

int
digest_ha1_stored(enum digest_alg alg, const struct str *stored,
    char out[DIGEST_HEX_SIZE])
{
	size_t i, n;
	char c;

	out[0] = '\0';
	if (!alg_ok(alg))
		return E_INVAL;
	n = hs[ALG_H(alg)].hexlen;
	if (stored == NULL || stored->len != n)
		return E_PARSE;
	for (i = 0; i < n; i++) {
		c = stored->s[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			out[0] = '\0';
			return E_PARSE;
		}
		out[i] = c;
	}
	out[n] = '\0';
	return 0;
}

/* A NUL-terminated hex digest of alg as a view; E_INVAL when its length is
 * not that of alg (a caller mixing algorithms). */
static int
hex_view(enum digest_alg alg, const char *hex, struct str *v)
{
	size_t n = hs[ALG_H(alg)].hexlen;

	if (hex == NULL || strnlen(hex, DIGEST_HEX_SIZE) != n)
		return E_INVAL;
	v->s = hex;
	v->len = n;
	return 0;
}

int
digest_ha1_sess(enum digest_alg alg, const char *ha1, const struct str *nonce,
    const struct str *cnonce, char out[DIGEST_HEX_SIZE])
{
	char tmp[DIGEST_HEX_SIZE] = "";
	const struct str *f[3];
	struct str h;
	int rc;

	if (!alg_ok(alg) || hex_view(alg, ha1, &h) != 0) {
		out[0] = '\0';
		return E_INVAL;
	}
	if (!digest_alg_sess(alg)) {
		memmove(out, ha1, h.len + 1);
		return 0;
	}
	/* ha1 may be out: hash into tmp first */
	f[0] = &h;
	f[1] = nonce;
	f[2] = cnonce;
	rc = digest_h_fields(alg, f, 3, tmp);
	memcpy(out, tmp, sizeof(tmp));
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return rc;
}

int
digest_calc_ha2(enum digest_alg alg, enum digest_qop qop,
    const struct str *method, const struct str *uri, const struct str *body,
    char out[DIGEST_HEX_SIZE])
{
	char hbody[DIGEST_HEX_SIZE];
	const struct str *f[3] = { method, uri, NULL };
	struct str hb;
	int rc;

	if (qop != DIGEST_QOP_AUTH_INT)
		return digest_h_fields(alg, f, 2, out);
	f[0] = body;
	if ((rc = digest_h(alg, f, 1, hbody)) != 0) {
		out[0] = '\0';
		return rc;
	}
	hb.s = hbody;
	hb.len = hs[ALG_H(alg)].hexlen;
	f[0] = method;
	f[2] = &hb;
	return digest_h_fields(alg, f, 3, out);
}

int
digest_calc_response(enum digest_alg alg, const char *ha1,
    const struct str *nonce, const struct str *nc, const struct str *cnonce,
    enum digest_qop qop, const char *ha2, char out[DIGEST_HEX_SIZE])
{
	const struct str *f[6];
	struct str h1, h2, q;

	out[0] = '\0';
	if (!alg_ok(alg) || digest_qop_name(qop) == NULL)
		return E_INVAL;
	if (hex_view(alg, ha1, &h1) != 0 || hex_view(alg, ha2, &h2) != 0)
		return E_INVAL;
	f[0] = &h1;
	f[1] = nonce;
	if (qop == DIGEST_QOP_NONE) {
		f[2] = &h2;
		return digest_h_fields(alg, f, 3, out);
	}
	q = str_from(digest_qop_name(qop));
	f[2] = nc;
	f[3] = cnonce;
	f[4] = &q;
	f[5] = &h2;
	return digest_h_fields(alg, f, 6, out);
}

int
digest_userhash(enum digest_alg alg, const struct str *user,
    const struct str *realm, char out[DIGEST_HEX_SIZE])
{
	const struct str *f[] = { user, realm };

	return digest_h_fields(alg, f, 2, out);
}

bool
digest_hex_eq(const char *expected, const struct str *given)
{
	char buf[DIGEST_HEX_MAX];
	size_t i, n;
	char c;

	if (expected == NULL || given == NULL)
		return false;
	n = strnlen(expected, DIGEST_HEX_SIZE);
	if (n == 0 || n > DIGEST_HEX_MAX || given->len != n)
		return false;
	/* lowercasing depends only on the client's bytes, not on the secret */
	for (i = 0; i < n; i++) {
		c = given->s[i];
		buf[i] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
	}
	return CRYPTO_memcmp(buf, expected, n) == 0;
}

int
digest_verify(const struct digest_cred *c, const struct str *method,
    const struct str *body, const char *ha1, bool *ok)
{
	char h1[DIGEST_HEX_SIZE], h2[DIGEST_HEX_SIZE], resp[DIGEST_HEX_SIZE];
	int rc;

	*ok = false;
	if ((rc = digest_ha1_sess(c->alg, ha1, &c->nonce, &c->cnonce, h1)) != 0)
		goto out;
	if ((rc = digest_calc_ha2(c->alg, c->qop, method, &c->uri, body, h2)) !=
	    0)
		goto out;
	if ((rc = digest_calc_response(c->alg, h1, &c->nonce, &c->nc,
	         &c->cnonce, c->qop, h2, resp)) != 0)
		goto out;
	*ok = digest_hex_eq(resp, &c->response);
out:
	OPENSSL_cleanse(h1, sizeof(h1));
	return rc;
}
