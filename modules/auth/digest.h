/* digest.h: HTTP digest computation for SIP (RFC 2617, RFC 7616, RFC 8760).
 *
 * Pure functions over string views: no SIP message, no script, no shared
 * state.  H is MD5, SHA-256 or SHA-512/256 from OpenSSL's EVP API; every
 * hash comes out as lowercase hex, NUL-terminated, in a caller's buffer of
 * DIGEST_HEX_SIZE bytes.  Any process may call these (each process keeps
 * its own fetched EVP_MD objects and context; not thread-safe).
 *
 *   HA1      = H(user ":" realm ":" password)
 *   HA1-sess = H(HA1 ":" nonce ":" cnonce)              (the *-sess algorithms)
 *   HA2      = H(method ":" uri)                        (qop absent or "auth")
 *            = H(method ":" uri ":" H(body))            (qop "auth-int")
 *   response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)
 *            = H(HA1 ":" nonce ":" HA2)                 (no qop, RFC 2069)
 *
 * The -sess step hashes the hex HA1, as RFC 7616 §3.4.2 and every
 * deployed client do (RFC 2617's sample code hashed the binary digest;
 * that was an erratum). */
#ifndef AUTH_DIGEST_H
#define AUTH_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "../../api/sr_api.h"

#define DIGEST_HEX_MAX 64                    /* SHA-256, SHA-512/256 */
#define DIGEST_HEX_SIZE (DIGEST_HEX_MAX + 1) /* with the NUL */

/* The algorithm= values of RFC 7616 §6.1 (RFC 8760 for SIP).  The values
 * are stable (they go into nonce flags) and fit in 4 bits. */
enum digest_alg {
	DIGEST_MD5 = 0,
	DIGEST_MD5_SESS = 1,
	DIGEST_SHA256 = 2,
	DIGEST_SHA256_SESS = 3,
	DIGEST_SHA512_256 = 4,
	DIGEST_SHA512_256_SESS = 5,
	DIGEST_ALG_N
};

enum digest_qop {
	DIGEST_QOP_NONE = 0, /* RFC 2069 compatibility: no qop, no nc/cnonce */
	DIGEST_QOP_AUTH,
	DIGEST_QOP_AUTH_INT,
};

/* The fields of an Authorization/Proxy-Authorization header that the
 * response depends on, as views (quotes removed) into the message.  nc is
 * the 8 hex digits as sent (it is hashed as text); cnonce and nc are
 * ignored when qop is DIGEST_QOP_NONE.  uri is the digest-uri parameter,
 * not the Request-URI (the glue checks that they match). */
struct digest_cred {
	enum digest_alg alg;
	enum digest_qop qop;
	struct str nonce;
	struct str cnonce;
	struct str nc;
	struct str uri;
	struct str response;
};

/* "MD5", "MD5-sess", "SHA-256", ... ; NULL for a value out of range. */
const char *digest_alg_name(enum digest_alg alg);
/* Parse an algorithm= value, case-insensitively.  0 or E_NOTFOUND.  An
 * absent parameter means MD5 (RFC 7616 §3.3): the caller decides that. */
int digest_alg_parse(const struct str *name, enum digest_alg *out);
/* Hex length of H for alg: 32 or 64; 0 for a value out of range. */
size_t digest_alg_hex_len(enum digest_alg alg);
/* True for the *-sess algorithms. */
bool digest_alg_sess(enum digest_alg alg);
/* True when this process's OpenSSL provides H for alg (SHA-512/256 may be
 * missing from a restricted provider).  Call it at module init to refuse a
 * configured algorithm early. */
bool digest_alg_available(enum digest_alg alg);

/* "auth", "auth-int"; "" for DIGEST_QOP_NONE, NULL out of range. */
const char *digest_qop_name(enum digest_qop qop);
/* Parse a qop= value ("auth", "auth-int"), case-insensitively.  0 or
 * E_NOTFOUND. */
int digest_qop_parse(const struct str *name, enum digest_qop *out);

/*
 * Every function below returns 0 with out filled (digest_alg_hex_len(alg)
 * hex digits and a NUL), or E_INVAL (alg out of range), E_NOTFOUND (H not
 * provided by OpenSSL), E_NOMEM or E_BUG (OpenSSL failed); out is then
 * an empty string.  A NULL struct str pointer reads as the empty string.
 */

/* HA1 from a plaintext password (auth_db's calculate_ha1 = yes):
 * H(user:realm:password).  This is the plain HA1 even for a -sess alg;
 * digest_verify() applies the -sess step. */
int digest_calc_ha1(enum digest_alg alg, const struct str *user,
    const struct str *realm, const struct str *password,
    char out[DIGEST_HEX_SIZE]);
/* Kamailio 1.x's "ha1b" column: H(user@domain:realm:password), the HA1 to
 * use when a client sends username="user@domain". */
int digest_calc_ha1b(enum digest_alg alg, const struct str *user,
    const struct str *domain, const struct str *realm,
    const struct str *password, char out[DIGEST_HEX_SIZE]);
/* HA1 taken from storage (the ha1/ha1b column, calculate_ha1 = no): checks
 * it is digest_alg_hex_len(alg) hex digits (an MD5 HA1 cannot serve a
 * SHA-256 challenge) and copies it lowercased.  0, E_INVAL (alg) or
 * E_PARSE (wrong length or not hex). */
int digest_ha1_stored(enum digest_alg alg, const struct str *stored,
    char out[DIGEST_HEX_SIZE]);
/* The HA1 that goes into the response: H(ha1:nonce:cnonce) for a -sess
 * alg, a copy of ha1 otherwise.  ha1 is a NUL-terminated hex HA1 (may be
 * out itself). */
int digest_ha1_sess(enum digest_alg alg, const char *ha1,
    const struct str *nonce, const struct str *cnonce,
    char out[DIGEST_HEX_SIZE]);
/* HA2 (see the top of this file); body is the message body for auth-int
 * (NULL or empty: an empty body, H("")) and ignored otherwise. */
int digest_calc_ha2(enum digest_alg alg, enum digest_qop qop,
    const struct str *method, const struct str *uri, const struct str *body,
    char out[DIGEST_HEX_SIZE]);
/* The request-digest from the HA1 (after digest_ha1_sess) and HA2, both
 * NUL-terminated hex.  nc and cnonce are ignored for DIGEST_QOP_NONE. */
int digest_calc_response(enum digest_alg alg, const char *ha1,
    const struct str *nonce, const struct str *nc, const struct str *cnonce,
    enum digest_qop qop, const char *ha2, char out[DIGEST_HEX_SIZE]);
/* RFC 7616 §3.4.4 userhash: H(user:realm), for looking up a client that
 * sent userhash=true. */
int digest_userhash(enum digest_alg alg, const struct str *user,
    const struct str *realm, char out[DIGEST_HEX_SIZE]);

/* Compare a computed hex digest (NUL-terminated, lowercase) with the one a
 * client sent, in time independent of where they differ (CRYPTO_memcmp).
 * The client's hex digits may be upper case.  A length mismatch is false at
 * once: the length is public. */
bool digest_hex_eq(const char *expected, const struct str *given);

/* Check a client's credentials against its stored or computed HA1 (plain,
 * as from digest_calc_ha1/digest_ha1_stored: the -sess step is done here).
 * method is the request's method, body its body (auth-int only).  Returns 0
 * with *ok telling whether c->response is right, or one of the errors above
 * (then *ok is false).  Nonce validity, nc replay and the uri match are the
 * caller's (nonce.h, nc_table.h). */
int digest_verify(const struct digest_cred *c, const struct str *method,
    const struct str *body, const char *ha1, bool *ok);

#endif
