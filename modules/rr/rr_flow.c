/* rr_flow.c: the flow token's signature (see rr_flow.h). */
#define LOG_MODULE "rr"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "../../api/sr_api.h"
#include "rr_flow.h"

#define FLOW_MAC_BYTES (RR_FLOW_MAC_HEX / 2)
#define FLOW_PREFIX "sip-flow-1:"

static unsigned char flow_key[RR_FLOW_KEY_MAX];
static size_t flow_key_len;

int
rr_flow_key_set(const unsigned char *k, size_t n)
{
	if (n < RR_FLOW_KEY_MIN || n > RR_FLOW_KEY_MAX)
		return E_INVAL;
	memcpy(flow_key, k, n);
	flow_key_len = n;
	return 0;
}

int
rr_flow_key_random(void)
{
	if (RAND_bytes(flow_key, RR_FLOW_KEY_MIN) != 1)
		return E_BUG;
	flow_key_len = RR_FLOW_KEY_MIN;
	return 0;
}

int
rr_flow_key_load(const char *path, char *err, size_t errn)
{
	unsigned char buf[RR_FLOW_KEY_MAX + 1];
	size_t n = 0, b = 0;
	ssize_t r = 0;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errn, "%s: cannot read the flow secret: %s", path,
		    strerror(errno));
		return E_IO;
	}
	while (n <= RR_FLOW_KEY_MAX) {
		r = read(fd, buf + n, sizeof(buf) - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	if (r == -1) {
		snprintf(err, errn, "%s: cannot read the flow secret: %s", path,
		    strerror(errno));
		close(fd);
		return E_IO;
	}
	close(fd);
	if (n > RR_FLOW_KEY_MAX) {
		snprintf(err, errn, "%s: flow secret file over %d bytes", path,
		    RR_FLOW_KEY_MAX);
		return E_INVAL;
	}
	while (b < n && isspace(buf[b]))
		b++;
	while (n > b && isspace(buf[n - 1]))
		n--;
	rc = rr_flow_key_set(buf + b, n - b);
	OPENSSL_cleanse(buf, sizeof(buf));
	if (rc != 0)
		snprintf(err, errn,
		    "%s: flow secret of %zu bytes: need at least %d "
		    "(e.g. openssl rand -hex 32)",
		    path, n - b, RR_FLOW_KEY_MIN);
	return rc;
}

static int
flow_mac(const char *tok, size_t len, unsigned char mac[EVP_MAX_MD_SIZE])
{
	unsigned char msg[256];
	unsigned int mlen = 0;
	size_t pl = sizeof(FLOW_PREFIX) - 1;

	if (flow_key_len == 0 || len > sizeof(msg) - pl)
		return E_BUG;
	memcpy(msg, FLOW_PREFIX, pl);
	memcpy(msg + pl, tok, len);
	if (HMAC(EVP_sha256(), flow_key, (int)flow_key_len, msg, pl + len, mac,
	        &mlen) == NULL ||
	    mlen < FLOW_MAC_BYTES)
		return E_BUG;
	return 0;
}

int
rr_flow_sign(const char *tok, size_t len, char out[RR_FLOW_MAC_HEX + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[EVP_MAX_MD_SIZE];
	int i;

	if (flow_mac(tok, len, mac) != 0)
		return E_BUG;
	for (i = 0; i < FLOW_MAC_BYTES; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[RR_FLOW_MAC_HEX] = '\0';
	return 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool
rr_flow_verify(const char *tok, size_t len, const char *mac, size_t maclen)
{
	unsigned char want[EVP_MAX_MD_SIZE], got[FLOW_MAC_BYTES];
	int i, hi, lo;

	if (maclen != RR_FLOW_MAC_HEX || flow_mac(tok, len, want) != 0)
		return false;
	for (i = 0; i < FLOW_MAC_BYTES; i++) {
		if ((hi = hexval((unsigned char)mac[2 * i])) < 0 ||
		    (lo = hexval((unsigned char)mac[2 * i + 1])) < 0)
			return false;
		got[i] = (unsigned char)(hi << 4 | lo);
	}
	return CRYPTO_memcmp(want, got, FLOW_MAC_BYTES) == 0;
}
