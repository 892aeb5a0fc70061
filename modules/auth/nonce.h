/* nonce.h: stateless digest nonces, authenticated with HMAC-SHA-256.
 *
 * A nonce carries its own expiry, so any process (or any proxy sharing the
 * secret file) can check one without shared state.  It is 48 characters of
 * base64url (RFC 4648 §5, no padding) over 36 bytes:
 *
 *   offset size
 *    0      1   version (1)
 *    1      8   expiry, UTC seconds, big-endian
 *    9      4   index (for the nc table, nc_table.h), big-endian
 *   13      2   flags (the caller's, below), big-endian
 *   15      5   random salt (RAND_bytes): nonces made in the same second
 *               with the same index still differ (RFC 7616 §3.3)
 *   20     16   HMAC-SHA-256(secret, bytes 0..19 || u32 len(realm) || realm
 *               || u32 len(bind) || bind), truncated to 128 bits
 *
 * The realm is authenticated, so a nonce issued for one realm is refused in
 * another.  bind is optional: extra bytes the nonce is tied to.  Binding
 * the client's source address (as bytes) makes a valid nonce proof that
 * the sender received our challenge there, which is what keeps spoofed UDP
 * sources out of the brute-force limiter (auth_limit.h); it also refuses
 * a client that moves to another address mid-nonce (it is re-challenged).
 *
 * The secret is process-global: set it in the main process before fork, so
 * every child inherits the same one. */
#ifndef AUTH_NONCE_H
#define AUTH_NONCE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../../api/sr_api.h"

#define NONCE_LEN 48               /* characters, no NUL */
#define NONCE_SIZE (NONCE_LEN + 1) /* buffer for nonce_make() */
#define NONCE_SECRET_MIN 32        /* bytes */
#define NONCE_SECRET_MAX 256
#define NONCE_SECRET_FILE_MAX 4096 /* bytes read from a secret file */

/* Suggested meaning of the 16 flag bits (nonce.c does not interpret them,
 * it only authenticates them): what the challenge offered. */
#define NONCE_F_ALG_MASK 0x000fu     /* the enum digest_alg of the challenge */
#define NONCE_F_QOP_AUTH 0x0010u     /* qop="auth" was offered */
#define NONCE_F_QOP_AUTH_INT 0x0020u /* qop="auth-int" was offered */

enum nonce_result {
	NONCE_OK = 0,  /* authentic and not expired */
	NONCE_STALE,   /* authentic but expired: re-challenge with stale=true */
	NONCE_FORGED,  /* well-formed, but the HMAC does not match (other
			* secret, realm or bind, or altered): no credentials */
	NONCE_INVALID, /* not one of our nonces at all (length, alphabet,
			* version) or no secret set: no credentials */
};

/* Use len bytes of key (NONCE_SECRET_MIN..NONCE_SECRET_MAX) as the secret,
 * replacing any previous one.  0 or E_INVAL.  Main process before fork. */
int nonce_secret_set(const void *key, size_t len);
/* Set a random secret (RAND_bytes, NONCE_SECRET_MIN bytes) unless one is
 * set: for a single proxy with no secret configured.  0, or E_BUG when
 * OpenSSL's RNG fails.  Main process before fork (a secret made after fork
 * would differ per process). */
int nonce_secret_ensure(void);
/* Load the secret from a file (shared by a cluster): either hex (the whole
 * file, surrounding whitespace ignored, an even number of digits, at least
 * 2 * NONCE_SECRET_MIN of them) or otherwise the raw bytes of the file
 * (NONCE_SECRET_MIN..NONCE_SECRET_MAX).  "openssl rand -hex 32 > f" and
 * "head -c 32 /dev/urandom > f" both work.  0, or E_IO / E_INVAL with a
 * message naming the file in *err (pkg memory, the caller frees it; NULL if
 * even that allocation failed).  Main process before fork. */
int nonce_secret_load_file(const char *path, char **err);
/* Wipe the secret (OPENSSL_cleanse); afterwards make fails and check says
 * NONCE_INVALID.  Any process. */
void nonce_secret_clear(void);

/* Write a nonce and a NUL into out.  expires is the absolute expiry (now +
 * the nonce lifetime; the same value the caller may keep); index and flags
 * are carried and authenticated.  realm must be the realm of the challenge;
 * bind may be NULL (no binding).  Returns 0, E_TOOBIG (outsize <
 * NONCE_SIZE), E_INVAL (no secret set, or expires < 0), E_NOMEM or E_BUG
 * (OpenSSL failed).  Any process. */
int nonce_make(char *out, size_t outsize, const struct str *realm,
    const struct str *bind, time_t expires, uint32_t index, uint16_t flags);

/* Check a nonce a client sent back (without quotes) for realm and bind
 * (both as given to nonce_make).  Valid while now < expiry: NONCE_STALE
 * from the expiry second on.  *index and *flags (either may be NULL) are
 * set only for NONCE_OK and NONCE_STALE.  Reads exactly nonce->len bytes;
 * the HMAC is compared in constant time.  Any process. */
enum nonce_result nonce_check(const struct str *nonce, const struct str *realm,
    const struct str *bind, time_t now, uint32_t *index, uint16_t *flags);

#endif
