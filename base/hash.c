/* hash.c: MD5 over several string views via OpenSSL's EVP API. */
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "hash.h"

/* Every forwarded request hashes a branch: fetch MD5 and make the
 * context once per process rather than per call (EVP_md5() alone does
 * an implicit fetch, a provider lookup with locks, each time).  OpenSSL
 * allocates from malloc, so a context made before fork is simply copied
 * into each child. */
static EVP_MD *md5;
static EVP_MD_CTX *md5_ctx;

size_t
hash_hex(const struct str *parts, int n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	int k;

	if (md5 == NULL && (md5 = EVP_MD_fetch(NULL, "MD5", NULL)) == NULL)
		goto fail;
	if (md5_ctx == NULL && (md5_ctx = EVP_MD_CTX_new()) == NULL)
		goto fail;
	if (EVP_DigestInit_ex2(md5_ctx, md5, NULL) != 1)
		goto fail;
	for (k = 0; k < n; k++)
		if (parts[k].len)
			EVP_DigestUpdate(md5_ctx, parts[k].s, parts[k].len);
	if (EVP_DigestFinal_ex(md5_ctx, md, &mdlen) != 1)
		goto fail;
	for (i = 0; i < mdlen && i < 16; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * i] = '\0';
	return 2 * i;
fail:
	out[0] = '0';
	out[1] = '\0';
	return 1;
}

const char *
openssl_version_text(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}
