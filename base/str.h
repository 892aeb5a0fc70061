/* str.h: non-owning string views used everywhere in the proxy. */
#ifndef STR_H
#define STR_H

#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <stdbool.h>

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
	return a->len == b->len && (a->len == 0 || memcmp(a->s, b->s, a->len) == 0);
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

#endif
