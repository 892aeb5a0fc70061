/* auth_check.h: digest authentication of one SIP request: the challenge
 * headers, and the checks of the request's credentials in the order of
 * the rules in doc/auth.md ("How a request is checked").
 *
 * Message-level but side-effect free towards the outside: nothing here
 * sends, logs or counts statistics.  auth_check() says what happened in
 * a struct auth_outcome and auth_mod.c turns that into the reply, the
 * failure log line, the statistics and the script code, so the rules are
 * unit-tested on parsed messages (test/unit/t_auth_check.c).  The nonce
 * table and the limiter it is given are in shm; any process may call
 * these, each for the message it is processing. */
#ifndef AUTH_AUTH_CHECK_H
#define AUTH_AUTH_CHECK_H

#include <stdbool.h>
#include <time.h>

#include "../../api/sr_api.h"
#include "auth.h"
#include "auth_limit.h"
#include "digest.h"
#include "nc_table.h"

#define AUTH_ALGS_MAX DIGEST_ALG_N
/* Longest realm we put in a challenge (escaped it may double). */
#define AUTH_REALM_MAX 256

/* Settings, made in the main process before fork; read-only after. */
struct auth_check_cfg {
	enum digest_alg algs[AUTH_ALGS_MAX]; /* offered, in this order */
	int n_algs;
	int nonce_expire;         /* s */
	bool bind_ip;             /* nonces carry the source address */
	bool one_time_nonce;      /* a nonce without qop serves one request */
	struct nc_table *nc;      /* NULL: nonce counts are not checked */
	struct auth_limit *limit; /* NULL: no brute-force limiter */
};

/* What auth_check() found.  The struct str fields are views into the
 * outcome's own buffers or the message: do not copy the struct. */
struct auth_outcome {
	int rc;         /* enum auth_rc */
	int reply_code; /* rc AUTH_RC_REPLIED: 400, 403 or 500 */
	const char *reply_reason;
	const char *why;     /* static, for the log: "wrong-password" */
	bool log_failure;    /* a failure the fixed log line reports */
	bool counted;        /* ... and the limiter counted it */
	bool stale;          /* the next challenge says stale=true */
	unsigned new_blocks; /* AUTH_LIMIT_NEW_* this failure started */
	bool have_user;      /* q holds the credentials' identity */
	struct auth_query q;
	const struct hdr_field *hf; /* the credentials' header, or NULL */
	char ubuf[AUTH_VALUE_MAX + 1];
};

/* Check the credentials of type hftype (HDR_AUTHORIZATION or
 * HDR_PROXYAUTHORIZATION) for realm in msg at time now, asking lookup
 * for the user's HA1 (at most once).  Always fills *o; returns o->rc. */
int auth_check(const struct auth_check_cfg *cfg, struct sip_msg *msg,
    int hftype, const struct str *realm, auth_ha1_fn lookup, void *arg,
    time_t now, struct auth_outcome *o);

/* Write the challenge headers for realm into buf: one
 * "WWW-Authenticate:" (www) or "Proxy-Authenticate:" line (CRLF
 * included) per configured algorithm, in order, each with a fresh nonce
 * offering qop (NONCE_F_QOP_* bits; 0: no qop) and stale=true when asked.
 * Returns the length, E_TOOBIG (buf), E_INVAL (a realm with control
 * characters or over AUTH_REALM_MAX) or the error of nonce_make(). */
long auth_challenge_build(const struct auth_check_cfg *cfg,
    const struct sip_msg *msg, bool www, const struct str *realm, unsigned qop,
    bool stale, time_t now, char *buf, size_t size);

/* The default realm: the host of the To URI (www) or of the From URI.
 * 0 with *out a view into msg, or E_PARSE. */
int auth_default_realm(struct sip_msg *msg, bool www, struct str *out);

/* Parse a challenge's qop argument: "" or "0" (none), "auth" or "1",
 * "auth-int" or "2", "auth,auth-int" or "3" (both).  0 with *out the
 * NONCE_F_QOP_* bits, or E_INVAL. */
int auth_qop_arg(const char *s, unsigned *out);

/* Parse the algorithm parameter: a comma-separated list of algorithm
 * names (digest_alg_parse), no repeats, at most AUTH_ALGS_MAX.  0 with
 * algs and *n filled, or E_INVAL. */
int auth_algs_parse(const char *s, enum digest_alg *algs, int *n);

/* The text a failure's log line gives: user and realm with every byte
 * outside printable ASCII, '"' and '\\' written as \xHH, NUL-terminated,
 * truncated to size.  Returns the length. */
size_t auth_log_escape(const struct str *s, char *buf, size_t size);

#endif
