/* str.h: non-owning string views used everywhere in the proxy. */
#ifndef STR_H
#define STR_H

#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <stdbool.h>

#include "err.h"

/* A view into memory someone else owns (usually a message buffer). */
struct str {
	const char *s;
	size_t len;
};

#define STR_NULL ((struct str){ NULL, 0 })
#define STR_LIT(lit) ((struct str){ (lit), sizeof(lit) - 1 })
#define STR_FMT(x) (int)(x)->len, (x)->s /* printf("%.*s", STR_FMT(&s)) */

static inline struct str
str_from(const char *s)
{
	return (struct str){ s, s ? strlen(s) : 0 };
}

static inline bool
str_eq(const struct str *a, const struct str *b)
{
	return a->len == b->len &&
	    (a->len == 0 || memcmp(a->s, b->s, a->len) == 0);
}

static inline bool
str_caseeq(const struct str *a, const struct str *b)
{
	return a->len == b->len &&
	    (a->len == 0 || strncasecmp(a->s, b->s, a->len) == 0);
}

static inline bool
str_caseeq_c(const struct str *a, const char *c)
{
	size_t n = strlen(c);

	return a->len == n && strncasecmp(a->s, c, n) == 0;
}

/* The text inside "[...]" (an IPv6 reference as URIs, Via and addresses
 * write it: RFC 3261 §25.1, RFC 3986 §3.2.2), or s itself when it is not
 * bracketed.  Only the brackets are looked at, not what is inside. */
static inline struct str
str_unbracket(struct str s)
{
	if (s.len >= 2 && s.s[0] == '[' && s.s[s.len - 1] == ']')
		return (struct str){ s.s + 1, s.len - 2 };
	return s;
}

/* Bounded append, for building a message in a fixed buffer: copy len
 * bytes of s to *p and advance *p, if they fit before end.  Returns 0, or
 * E_TOOBIG (nothing written) when they do not. */
static inline int
str_append(char **p, const char *end, const char *s, size_t len)
{
	if ((size_t)(end - *p) < len)
		return E_TOOBIG;
	memcpy(*p, s, len);
	*p += len;
	return 0;
}

#endif
