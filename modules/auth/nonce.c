/* nonce.c: make and check the stateless nonces described in nonce.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "../../api/sr_api.h"
#include "nonce.h"

#define NONCE_VERSION 1
#define NONCE_HDR 20 /* version, expiry, index, flags, salt */
#define NONCE_MAC 16 /* truncated HMAC-SHA-256 */
#define NONCE_RAW (NONCE_HDR + NONCE_MAC)
#define NONCE_SALT 5

/* The binary form must fill whole base64 quanta: no padding to strip. */
_Static_assert(NONCE_RAW % 3 == 0 && NONCE_RAW / 3 * 4 == NONCE_LEN,
    "nonce length");

/* per process, set in the main process and inherited over fork */
static unsigned char secret[NONCE_SECRET_MAX];
static size_t secret_len;
/* per process: the fetched HMAC and a context already told its digest */
static EVP_MAC *hmac;
static EVP_MAC_CTX *hmac_ctx;

int
nonce_secret_set(const void *key, size_t len)
{
	if (key == NULL || len < NONCE_SECRET_MIN || len > NONCE_SECRET_MAX)
		return E_INVAL;
	nonce_secret_clear();
	memcpy(secret, key, len);
	secret_len = len;
	return 0;
}

int
nonce_secret_ensure(void)
{
	unsigned char key[NONCE_SECRET_MIN];
	int rc;

	if (secret_len != 0)
		return 0;
	if (RAND_bytes(key, sizeof(key)) != 1)
		return E_BUG;
	rc = nonce_secret_set(key, sizeof(key));
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

void
nonce_secret_clear(void)
{
	OPENSSL_cleanse(secret, sizeof(secret));
	secret_len = 0;
}

/* pkg copy of a formatted message for *err; NULL when out of memory */
static char *nonce_errf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static char *
nonce_errf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = pkg_malloc((size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Read up to NONCE_SECRET_FILE_MAX bytes of path into buf; *n gets the
 * length.  0, E_IO (errno kept) or E_TOOBIG. */
static int
read_secret_file(const char *path, unsigned char *buf, size_t *n)
{
	ssize_t r;
	int fd, rc = 0, saved;

	*n = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return E_IO;
	for (;;) {
		r = read(fd, buf + *n, NONCE_SECRET_FILE_MAX + 1 - *n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			rc = E_IO;
			break;
		}
		if (r == 0)
			break;
		*n += (size_t)r;
		if (*n > NONCE_SECRET_FILE_MAX) {
			rc = E_TOOBIG;
			break;
		}
	}
	saved = errno;
	close(fd);
	errno = saved; /* the read's, for the message */
	return rc;
}

/* The key in buf[0..n): hex when it is all hex digits (whitespace around
 * them ignored), else raw.  Writes the key to key, its length to *klen. */
static int
parse_secret(const unsigned char *buf, size_t n, unsigned char *key,
    size_t *klen, char **err, const char *path)
{
	size_t b = 0, e = n, i;

	while (b < e && is_space(buf[b]))
		b++;
	while (e > b && is_space(buf[e - 1]))
		e--;
	for (i = b; i < e && hexval(buf[i]) >= 0; i++)
		;
	if (i == e && e > b) {
		if ((e - b) % 2 != 0 || (e - b) / 2 < NONCE_SECRET_MIN ||
		    (e - b) / 2 > NONCE_SECRET_MAX) {
			*err = nonce_errf("%s: hex secret of %zu digits: "
			                  "need an even number, %d to %d",
			    path, e - b, 2 * NONCE_SECRET_MIN,
			    2 * NONCE_SECRET_MAX);
			return E_INVAL;
		}
		for (*klen = 0; b < e; b += 2)
			key[(*klen)++] = (unsigned char)(hexval(buf[b]) << 4 |
			    hexval(buf[b + 1]));
		return 0;
	}
	if (n < NONCE_SECRET_MIN || n > NONCE_SECRET_MAX) {
		*err = nonce_errf("%s: secret of %zu bytes: need %d to %d "
		                  "(or hex)",
		    path, n, NONCE_SECRET_MIN, NONCE_SECRET_MAX);
		return E_INVAL;
	}
	memcpy(key, buf, n);
	*klen = n;
	return 0;
}

int
nonce_secret_load_file(const char *path, char **err)
{
	unsigned char buf[NONCE_SECRET_FILE_MAX + 1];
	unsigned char key[NONCE_SECRET_MAX];
	size_t n = 0, klen = 0;
	int rc;

	*err = NULL;
	rc = read_secret_file(path, buf, &n);
	if (rc == E_IO) {
		*err = nonce_errf("%s: cannot read the nonce secret: %s", path,
		    strerror(errno));
		goto out;
	}
	if (rc == E_TOOBIG) {
		*err = nonce_errf("%s: nonce secret file over %d bytes", path,
		    NONCE_SECRET_FILE_MAX);
		rc = E_INVAL;
		goto out;
	}
	if ((rc = parse_secret(buf, n, key, &klen, err, path)) != 0)
		goto out;
	rc = nonce_secret_set(key, klen);
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

static void
put_be(unsigned char *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (unsigned char)v;
		v >>= 8;
	}
}

static uint64_t
get_be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* The context for this process, made on first use. */
static EVP_MAC_CTX *
mac_ctx(void)
{
	OSSL_PARAM params[2];
	char sha256[] = "SHA2-256";

	if (hmac_ctx != NULL)
		return hmac_ctx;
	if (hmac == NULL && (hmac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return NULL;
	if ((hmac_ctx = EVP_MAC_CTX_new(hmac)) == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    sha256, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_CTX_set_params(hmac_ctx, params) != 1) {
		EVP_MAC_CTX_free(hmac_ctx);
		hmac_ctx = NULL;
	}
	return hmac_ctx;
}

static bool
mac_update_str(EVP_MAC_CTX *ctx, const struct str *s)
{
	unsigned char len[4];
	size_t n = s != NULL ? s->len : 0;

	if (n > UINT32_MAX)
		return false;
	put_be(len, n, 4);
	if (EVP_MAC_update(ctx, len, 4) != 1)
		return false;
	return n == 0 ||
	    EVP_MAC_update(ctx, (const unsigned char *)s->s, n) == 1;
}

/* mac = the truncated HMAC of hdr, realm and bind */
static int
nonce_mac(const unsigned char hdr[NONCE_HDR], const struct str *realm,
    const struct str *bind, unsigned char mac[NONCE_MAC])
{
	unsigned char full[EVP_MAX_MD_SIZE];
	EVP_MAC_CTX *ctx;
	size_t n = 0;

	if ((ctx = mac_ctx()) == NULL)
		return E_NOMEM;
	/* the key is given on every init: the secret may have changed */
	if (EVP_MAC_init(ctx, secret, secret_len, NULL) != 1 ||
	    EVP_MAC_update(ctx, hdr, NONCE_HDR) != 1 ||
	    !mac_update_str(ctx, realm) || !mac_update_str(ctx, bind) ||
	    EVP_MAC_final(ctx, full, &n, sizeof(full)) != 1 || n < NONCE_MAC)
		return E_BUG;
	memcpy(mac, full, NONCE_MAC);
	OPENSSL_cleanse(full, sizeof(full));
	return 0;
}

int
nonce_make(char *out, size_t outsize, const struct str *realm,
    const struct str *bind, time_t expires, uint32_t index, uint16_t flags)
{
	unsigned char raw[NONCE_RAW];
	unsigned char b64[NONCE_LEN + 1];
	int rc, i;

	if (out == NULL || outsize < NONCE_SIZE)
		return E_TOOBIG;
	out[0] = '\0';
	if (secret_len == 0 || expires < 0)
		return E_INVAL;
	raw[0] = NONCE_VERSION;
	put_be(raw + 1, (uint64_t)expires, 8);
	put_be(raw + 9, index, 4);
	put_be(raw + 13, flags, 2);
	if (RAND_bytes(raw + 15, NONCE_SALT) != 1)
		return E_BUG;
	if ((rc = nonce_mac(raw, realm, bind, raw + NONCE_HDR)) != 0)
		return rc;
	if (EVP_EncodeBlock(b64, raw, NONCE_RAW) != NONCE_LEN)
		return E_BUG;
	/* base64 to base64url: no padding to strip (NONCE_RAW % 3 == 0) */
	for (i = 0; i < NONCE_LEN; i++) {
		if (b64[i] == '+')
			out[i] = '-';
		else if (b64[i] == '/')
			out[i] = '_';
		else
			out[i] = (char)b64[i];
	}
	out[NONCE_LEN] = '\0';
	return 0;
}

/* raw = the bytes of a base64url nonce; false unless it is exactly
 * NONCE_LEN characters of the base64url alphabet. */
static bool
nonce_decode(const struct str *nonce, unsigned char raw[NONCE_RAW])
{
	unsigned char b64[NONCE_LEN];
	unsigned char c;
	size_t i;

	if (nonce == NULL || nonce->s == NULL || nonce->len != NONCE_LEN)
		return false;
	for (i = 0; i < NONCE_LEN; i++) {
		c = (unsigned char)nonce->s[i];
		if (c == '-')
			c = '+';
		else if (c == '_')
			c = '/';
		else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		             (c >= '0' && c <= '9')))
			return false;
		b64[i] = c;
	}
	/* no '=' and no whitespace got through, so every quantum is full */
	return EVP_DecodeBlock(raw, b64, NONCE_LEN) == NONCE_RAW;
}

enum nonce_result
nonce_check(const struct str *nonce, const struct str *realm,
    const struct str *bind, time_t now, uint32_t *index, uint16_t *flags)
{
	unsigned char raw[NONCE_RAW], mac[NONCE_MAC];
	uint64_t expiry;

	if (secret_len == 0 || !nonce_decode(nonce, raw))
		return NONCE_INVALID;
	if (nonce_mac(raw, realm, bind, mac) != 0)
		return NONCE_INVALID;
	if (CRYPTO_memcmp(mac, raw + NONCE_HDR, NONCE_MAC) != 0)
		return NONCE_FORGED;
	/* authentic from here on: one of ours, made with this secret */
	if (raw[0] != NONCE_VERSION)
		return NONCE_INVALID;
	expiry = get_be(raw + 1, 8);
	if (index != NULL)
		*index = (uint32_t)get_be(raw + 9, 4);
	if (flags != NULL)
		*flags = (uint16_t)get_be(raw + 13, 2);
	if (now < 0 || (uint64_t)now >= expiry)
		return NONCE_STALE;
	return NONCE_OK;
}
