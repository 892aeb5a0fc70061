/* parser/parse_auth.h: Digest credentials in Authorization and
 * Proxy-Authorization (RFC 3261 §22.4, §25.1; RFC 2617 §3.2.2; RFC 7616
 * §3.4).
 *
 *	credentials = "Digest" LWS digest-response
 *	digest-response = dig-resp *(COMMA dig-resp)
 *	dig-resp = username / realm / nonce / digest-uri / dresponse /
 *	           algorithm / cnonce / opaque / message-qop / nonce-count /
 *	           userhash / auth-param
 *
 * Stricter than the grammar's readers usually are, because these values
 * feed a password check and a database lookup:
 *   - a parameter given twice is an error (AUTH_FAIL_DUP), not "the last
 *     one wins": two usernames or two nonces have no safe meaning;
 *   - a value is at most AUTH_VALUE_MAX bytes as written;
 *   - a quoted string may not hold control characters, escaped or not
 *     (so no NUL, CR or LF ever reaches a username or a query);
 *   - anything but a ',' after a value is an error.
 * A value may be a quoted-string or a token; names, the scheme and the
 * well-known tokens (algorithm, qop, userhash) are case-insensitive.
 * Unknown auth-params are checked for form and skipped.
 *
 * The result is a caller-provided struct of views into the header body
 * (no allocation).  Quoted values are given as their inner text with the
 * backslash escapes still in (auth_unescape() decodes them).  Pure: no
 * globals, no logging; any process may call these, without a lock. */
#ifndef PARSER_PARSE_AUTH_H
#define PARSER_PARSE_AUTH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../base/str.h"

struct hdr_field;
struct sip_msg;

/* Longest value accepted, in bytes as written (escapes included). */
#define AUTH_VALUE_MAX 1024

enum auth_alg {
	AUTH_ALG_MD5 = 0, /* also when algorithm is absent (RFC 2617) */
	AUTH_ALG_MD5_SESS,
	AUTH_ALG_SHA256,
	AUTH_ALG_SHA256_SESS,
	AUTH_ALG_SHA512_256,
	AUTH_ALG_SHA512_256_SESS,
	AUTH_ALG_OTHER, /* unknown: the text is in algorithm */
};

enum auth_qop {
	AUTH_QOP_NONE = 0, /* no qop (RFC 2069 compatibility) */
	AUTH_QOP_AUTH,
	AUTH_QOP_AUTH_INT,
	AUTH_QOP_OTHER, /* unknown: the text is in qop */
};

/* Why a parse or a search failed; auth_fail_str() names each. */
enum auth_fail {
	AUTH_FAIL_NONE = 0,
	AUTH_FAIL_NO_SCHEME,     /* empty, or no auth-scheme token */
	AUTH_FAIL_SCHEME,        /* not Digest (the only E_NOTFOUND parse) */
	AUTH_FAIL_SYNTAX,        /* no "name =" where a parameter should be */
	AUTH_FAIL_NO_VALUE,      /* "name =" and then no value */
	AUTH_FAIL_QUOTE,         /* a quoted string is not closed */
	AUTH_FAIL_CHAR,          /* a control character in a quoted string */
	AUTH_FAIL_TOO_LONG,      /* a value over AUTH_VALUE_MAX */
	AUTH_FAIL_JUNK,          /* not ',' after a value */
	AUTH_FAIL_DUP,           /* a parameter given twice */
	AUTH_FAIL_BAD_NC,        /* nc is not exactly 8 hex digits */
	AUTH_FAIL_BAD_USERHASH,  /* userhash neither "true" nor "false" */
	AUTH_FAIL_USERNAME_BOTH, /* username and username* (RFC 7616) */
	AUTH_FAIL_NO_USERNAME,
	AUTH_FAIL_NO_REALM,
	AUTH_FAIL_NO_NONCE,
	AUTH_FAIL_NO_URI,
	AUTH_FAIL_NO_RESPONSE,
	AUTH_FAIL_NO_CNONCE, /* qop given without cnonce */
	AUTH_FAIL_NO_NC,     /* qop given without nc */
	AUTH_FAIL_NOT_FOUND, /* auth_cred_find: none for that realm */
	AUTH_FAIL_COUNT
};

/* Bits of auth_cred.present: which parameters the header carried (an
 * empty quoted value is present, unlike an absent one). */
enum auth_param_bit {
	AUTH_P_USERNAME = 1 << 0,
	AUTH_P_USERNAME_EXT = 1 << 1,
	AUTH_P_REALM = 1 << 2,
	AUTH_P_NONCE = 1 << 3,
	AUTH_P_URI = 1 << 4,
	AUTH_P_RESPONSE = 1 << 5,
	AUTH_P_ALGORITHM = 1 << 6,
	AUTH_P_CNONCE = 1 << 7,
	AUTH_P_OPAQUE = 1 << 8,
	AUTH_P_QOP = 1 << 9,
	AUTH_P_NC = 1 << 10,
	AUTH_P_USERHASH = 1 << 11,
};

/* Parsed credentials; every struct str is a view into the header body
 * (empty when absent).  Filled by the caller's call, owned by the caller. */
struct auth_cred {
	struct str scheme;       /* as written: "Digest", "digest", "Basic" */
	struct str username;     /* raw inner text; see auth_unescape() */
	struct str username_ext; /* username* (RFC 7616 §3.4.4), as written */
	struct str realm;
	struct str nonce;
	struct str uri;
	struct str response; /* not checked for form: the caller compares
				 * it with the digest it computes */
	struct str algorithm;
	enum auth_alg alg;
	struct str cnonce;
	struct str opaque;
	struct str qop;
	enum auth_qop qop_id;
	struct str nc;        /* the 8 hex digits */
	uint32_t nc_val;      /* nc as a number */
	bool userhash;        /* userhash=true (RFC 7616 §3.4.4) */
	unsigned int present; /* AUTH_P_* bits */
	/* on failure: why, where (offset in the body) and, for a parameter
	 * at fault, its name */
	enum auth_fail fail;
	size_t fail_pos;
	struct str fail_param;
};

/* Parse one Authorization or Proxy-Authorization header body (LWS and
 * folding allowed between items) into *cred, which is zeroed first.
 * Returns
 *	0		Digest credentials with username (or username*),
 *			realm, nonce, uri and response, plus cnonce and nc
 *			when qop is given
 *	E_NOTFOUND	another scheme (cred->scheme says which): the
 *			caller skips the header
 *	E_PARSE		malformed; cred->fail, fail_pos, fail_param say why
 * In every case cred->fail is set (AUTH_FAIL_NONE on success). */
int auth_cred_parse(const struct str *body, struct auth_cred *cred);

/* Among the headers of type (HDR_AUTHORIZATION or HDR_PROXYAUTHORIZATION)
 * of msg, taken in order along next_same, the first Digest credentials
 * whose realm (unescaped) equals realm, byte for byte: RFC 2617 §1.2
 * calls the realm case-sensitive.  realm NULL takes the first Digest
 * credentials.  Headers of other schemes are skipped.
 * Returns
 *	0		*cred parsed, *hf (when hf is not NULL) its header
 *	E_NOTFOUND	none matched; cred->fail is AUTH_FAIL_NOT_FOUND
 *	E_PARSE		a Digest header met before a match is malformed:
 *			cred->fail says why and *hf (when not NULL) is that
 *			header, so that the caller can answer 400 rather
 *			than guess what a broken header meant
 *	E_INVAL		type is neither of the two
 * msg is not changed (nothing is cached in the headers). */
int auth_cred_find(const struct sip_msg *msg, int type, const struct str *realm,
    struct auth_cred *cred, const struct hdr_field **hf);

/* Decode the backslash escapes (quoted-pair) of a value from *cred into
 * buf, NUL-terminated.  Returns the length (without the NUL), E_TOOBIG
 * when buf has fewer than that + 1 bytes (buf then holds no result), or
 * E_PARSE when v ends in a lone backslash (never for a parsed view). */
ssize_t auth_unescape(const struct str *v, char *buf, size_t size);

/* Text for a failure reason, e.g. "parameter given twice"; never NULL. */
const char *auth_fail_str(enum auth_fail why);

#endif
