/* hash.c: MD5 over several string views via OpenSSL's EVP API. */
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "hash.h"

size_t
hash_hex(const struct str *parts, int n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int k;

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_md5(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		out[0] = '0';
		out[1] = '\0';
		return 1;
	}
	for (k = 0; k < n; k++)
		if (parts[k].len)
			EVP_DigestUpdate(ctx, parts[k].s, parts[k].len);
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < mdlen && i < 16; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * i] = '\0';
	return 2 * i;
}

const char *
openssl_version_text(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}
