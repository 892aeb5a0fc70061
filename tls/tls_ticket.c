/* tls/tls_ticket.c: session ticket keys (see tls_int.h).
 *
 * A ticket is encrypted with AES-256-CBC and authenticated with
 * HMAC-SHA256 under the first key; any key of the list decrypts one that
 * names it, so a ticket keeps resuming while its key is still in the
 * file.  Proxies that share the file (the operator's means: the cluster
 * guide) resume each other's sessions.  The keys are in each process's
 * own memory, inherited at fork, never in shm; wiped at exit. */
#define LOG_MODULE "tls"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "../base/err.h"
#include "../base/log.h"
#include "../cfg/cfg_tls.h"
#include "../cfg/core_cfg.h"
#include "tls_int.h"

/* nginx's 80-byte ssl_session_ticket_key layout */
#define TKEY_FILE_LEN 80
#define TKEYS_MAX 16

struct tkey {
	unsigned char name[16];
	unsigned char hmac[32];
	unsigned char aes[32];
};

static struct tkey keys[TKEYS_MAX];
static int nkeys;
static bool random_keys; /* made here, no file: kept across reloads */

/* The file's path: relative ones from the config's directory. */
static void
key_path(char *out, size_t size)
{
	const char *f = tls_cfg.ticket_key_file.s;

	if (f[0] == '/' || core_cfg.cfg_dir == NULL)
		snprintf(out, size, "%s", f);
	else
		snprintf(out, size, "%s/%s", core_cfg.cfg_dir, f);
}

/* Read the file into k (up to TKEYS_MAX keys).  The count, or E_* with
 * err. */
static int
read_keys(struct tkey *k, char *err, size_t errsize)
{
	unsigned char buf[TKEYS_MAX * TKEY_FILE_LEN + 1];
	char path[1024];
	ssize_t n;
	int fd, i;

	key_path(path, sizeof(path));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errsize, "tls_ticket_key_file \"%s\": %s", path,
		    strerror(errno));
		return E_IO;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0 || n % TKEY_FILE_LEN != 0 || n > TKEYS_MAX * TKEY_FILE_LEN) {
		snprintf(err, errsize,
		    "tls_ticket_key_file \"%s\": %zd bytes; "
		    "expected 1 to %d keys of %d random bytes each (e.g. "
		    "openssl rand %d > file)",
		    path, n, TKEYS_MAX, TKEY_FILE_LEN, TKEY_FILE_LEN);
		OPENSSL_cleanse(buf, sizeof(buf));
		return E_INVAL;
	}
	for (i = 0; i < n / TKEY_FILE_LEN; i++) {
		const unsigned char *b = buf + i * TKEY_FILE_LEN;

		memcpy(k[i].name, b, 16);
		memcpy(k[i].hmac, b + 16, 32);
		memcpy(k[i].aes, b + 48, 32);
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return (int)(n / TKEY_FILE_LEN);
}

static bool
have_file(void)
{
	return tls_cfg.ticket_key_file.s != NULL &&
	    tls_cfg.ticket_key_file.s[0] != '\0';
}

int
tls_ticket_keys_check(char *err, size_t errsize)
{
	struct tkey tmp[TKEYS_MAX];
	int n;

	if (!have_file())
		return 0;
	n = read_keys(tmp, err, errsize);
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return n < 0 ? n : 0;
}

int
tls_ticket_keys_load(char *err, size_t errsize)
{
	struct tkey tmp[TKEYS_MAX];
	int n;

	if (!have_file()) {
		/* once, before fork: the same in every process; a reload
		 * keeps them, or processes would disagree */
		if (random_keys)
			return 0;
		if (RAND_bytes((unsigned char *)keys, sizeof(keys[0])) != 1) {
			snprintf(err, errsize,
			    "RAND_bytes for the session "
			    "ticket keys failed");
			return E_TLS;
		}
		nkeys = 1;
		random_keys = true;
		return 0;
	}
	if ((n = read_keys(tmp, err, errsize)) < 0) {
		OPENSSL_cleanse(tmp, sizeof(tmp));
		return n;
	}
	memcpy(keys, tmp, sizeof(tmp[0]) * (size_t)n);
	OPENSSL_cleanse(tmp, sizeof(tmp));
	nkeys = n;
	random_keys = false;
	return 0;
}

void
tls_ticket_keys_wipe(void)
{
	OPENSSL_cleanse(keys, sizeof(keys));
	nkeys = 0;
	random_keys = false;
}

static int
set_hmac(EVP_MAC_CTX *hctx, const struct tkey *k)
{
	OSSL_PARAM params[3];
	char digest[] = "SHA256";

	params[0] = OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY,
	    (void *)(uintptr_t)k->hmac, sizeof(k->hmac));
	params[1] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest, 0);
	params[2] = OSSL_PARAM_construct_end();
	return EVP_MAC_CTX_set_params(hctx, params) == 1 ? 0 : -1;
}

int
tls_ticket_cb(SSL *s, unsigned char key_name[16], unsigned char *iv,
    EVP_CIPHER_CTX *cctx, EVP_MAC_CTX *hctx, int enc)
{
	const struct tkey *k;
	int i;

	(void)s;
	if (nkeys == 0)
		return enc ? -1 : 0;
	if (enc) {
		k = &keys[0];
		if (RAND_bytes(iv,
		        EVP_CIPHER_get_iv_length(EVP_aes_256_cbc())) != 1)
			return -1;
		memcpy(key_name, k->name, sizeof(k->name));
		if (EVP_EncryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, k->aes,
		        iv) != 1 ||
		    set_hmac(hctx, k) != 0)
			return -1;
		return 1;
	}
	for (i = 0; i < nkeys; i++)
		if (memcmp(key_name, keys[i].name, sizeof(keys[i].name)) == 0)
			break;
	if (i == nkeys)
		return 0; /* not one of ours (any more): full handshake */
	k = &keys[i];
	if (set_hmac(hctx, k) != 0 ||
	    EVP_DecryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, k->aes, iv) != 1)
		return -1;
	/* 2, "valid, renew it": without it OpenSSL sends no ticket after a
	 * resumed handshake, and a client that uses each ticket once (RFC
	 * 8446 C.4) does a full handshake every other connection; a ticket
	 * of an older key is renewed under the first one anyway */
	return 2;
}
