/* auth.h: what the auth module offers the modules that know the
 * users (auth_db) or check identities against them (uri_db), through
 * module_api_find("auth", AUTH_API_NAME).
 *
 * auth owns the digest rules (nonces, nonce counts, the brute-force
 * limiter, the replies 400/403, the failure log line); a user module
 * only says where a user's HA1 comes from.  The layout of struct
 * auth_api is the contract between the two modules: change it only
 * together with AUTH_API_VERSION. */
#ifndef AUTH_AUTH_H
#define AUTH_AUTH_H

#include <stdbool.h>

#include "../../api/sr_api.h"
#include "digest.h"

#define AUTH_API_NAME "auth"
#define AUTH_API_VERSION 1

/* Script codes of www_authorize() / proxy_authorize(), as in Kamailio
 * 1.x (doc/auth.md): > 0 true, < 0 false, 0 stops the script. */
enum auth_rc {
	AUTH_RC_AUTHORIZED = 1,
	AUTH_RC_REPLIED = 0, /* a reply (400, 403, 500) was sent */
	AUTH_RC_USER_UNKNOWN = -1,
	AUTH_RC_INVALID_PASSWORD = -2,
	AUTH_RC_STALE_NONCE = -3,    /* the next challenge says stale=true */
	AUTH_RC_NO_CREDENTIALS = -4, /* none for the realm, or not ours */
	AUTH_RC_ERROR = -5,          /* the user lookup failed (DB down) */
	AUTH_RC_NONCE_REUSED = -6,   /* a replayed nonce count */
};

/* What the HA1 lookup is asked: views valid during the call. */
struct auth_query {
	struct str username; /* as sent, unescaped */
	struct str user;     /* username before its '@' (or all of it) */
	struct str domain;   /* after the '@', else the realm */
	struct str realm;
	bool at;             /* username had an '@' (the ha1b column) */
	enum digest_alg alg; /* HA1 wanted for this algorithm (plain,
				* without the -sess step) */
};

/* The lookup a user module gives authorize(): write the user's HA1 for
 * q->alg (digest_alg_hex_len(q->alg) hex digits and a NUL) into ha1.
 * Returns 0, E_NOTFOUND (no such user: answered exactly like a wrong
 * password) or another E_* (the lookup failed: AUTH_RC_ERROR).  Called
 * at most once per authorize(), in the process running the script. */
typedef int (*auth_ha1_fn)(struct sip_msg *msg, const struct auth_query *q,
    char ha1[DIGEST_HEX_SIZE], void *arg);

/* The identity of the credentials authorize() accepted for a message. */
struct auth_identity {
	struct str username; /* as sent, unescaped */
	struct str user;     /* before '@' */
	struct str domain;   /* after '@', else the realm */
	struct str realm;
};

struct auth_api {
	int version; /* AUTH_API_VERSION */
	/* Check msg's credentials of header type hftype (HDR_AUTHORIZATION
	 * or HDR_PROXYAUTHORIZATION) for realm, asking lookup for the HA1.
	 * Sends the 400/403/500 itself (then returns AUTH_RC_REPLIED), logs
	 * the failure line, counts statistics; returns an enum auth_rc. */
	int (*authorize)(struct sip_msg *msg, const struct str *realm,
	    int hftype, auth_ha1_fn lookup, void *arg);
	/* The realm of a challenge or check: fmt printed into buf (size
	 * bytes), or when that is empty (or fmt is NULL) the host of To
	 * (www, REGISTER) or From (proxy).  0 with *out, or E_PARSE. */
	int (*realm)(struct sip_msg *msg, const struct pv_fmt *fmt, bool www,
	    char *buf, size_t size, struct str *out);
	/* The credentials authorize() accepted for this message: true with
	 * *id filled (views valid while the message is processed). */
	bool (*identity)(const struct sip_msg *msg, struct auth_identity *id);
	/* HA1 helpers (digest.h) for a module that holds passwords. */
	int (*calc_ha1)(enum digest_alg alg, const struct str *user,
	    const struct str *realm, const struct str *password,
	    char out[DIGEST_HEX_SIZE]);
	int (*ha1_stored)(enum digest_alg alg, const struct str *stored,
	    char out[DIGEST_HEX_SIZE]);
	const char *(*alg_name)(enum digest_alg alg);
};

#endif
