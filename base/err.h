/* err.h: error codes returned (negated) by fallible functions. */
#ifndef ERR_H
#define ERR_H

enum {
	E_OK = 0,
	E_NOMEM = -1,   /* out of memory */
	E_PARSE = -2,   /* malformed input */
	E_AGAIN = -3,   /* would block / need more data */
	E_CLOSED = -4,  /* peer closed */
	E_IO = -5,      /* system call failed (see errno) */
	E_TLS = -6,     /* TLS layer failure */
	E_INVAL = -7,   /* bad argument or config value */
	E_NOTFOUND = -8,
	E_TOOBIG = -9,  /* message or buffer over its limit */
	E_TIMEOUT = -10,
	E_BUG = -11,    /* internal inconsistency */
	E_BLOCKED = -12, /* next hop in the destination blocklist */
};

/* Text for a code; never NULL. */
const char *err_str(int rc);

/* Error texts for the char **err convention: a pkg copy of s, or the
 * printf result, which the caller frees with pkg_free.  NULL when out of
 * memory (callers then report the E_* code alone). */
char *err_dup(const char *s);
char *err_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
