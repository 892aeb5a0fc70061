/* parser/parse_util.h: character classes and scanning helpers shared by
 * the parser files.  Internal to parser/; not part of the public API.
 * Every helper takes an explicit end pointer and never reads at or past
 * it: message buffers are not NUL-terminated. */
#ifndef PARSER_PARSE_UTIL_H
#define PARSER_PARSE_UTIL_H

#include <stdbool.h>
#include <stddef.h>

static inline bool
pu_is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* Linear white space as it appears inside a header body: folding has
 * been left in place, so CR and LF count as white space here. */
static inline bool
pu_is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline bool
pu_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
pu_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool
pu_is_alnum(char c)
{
	return pu_is_alpha(c) || pu_is_digit(c);
}

static inline bool
pu_is_hex(char c)
{
	return pu_is_digit(c) || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* RFC 3261 token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" /
 * "`" / "'" / "~" */
extern const unsigned char pu_token_tab[256];

/* Called for nearly every byte of every header name and parameter: a
 * table lookup rather than a range test and a switch. */
static inline bool
pu_is_token(char c)
{
	return pu_token_tab[(unsigned char)c] != 0;
}

/* RFC 3261 unreserved: alphanum / mark */
static inline bool
pu_is_unreserved(char c)
{
	if (pu_is_alnum(c))
		return true;
	switch (c) {
	case '-': case '_': case '.': case '!': case '~':
	case '*': case '\'': case '(': case ')':
		return true;
	default:
		return false;
	}
}

static inline const char *
pu_skip_lws(const char *p, const char *end)
{
	while (p < end && pu_is_lws(*p))
		p++;
	return p;
}

static inline const char *
pu_skip_token(const char *p, const char *end)
{
	while (p < end && pu_is_token(*p))
		p++;
	return p;
}

/* p points at '"'.  Returns the position after the closing quote, or NULL
 * when the string is not terminated before end.  A backslash escapes any
 * following byte (quoted-pair). */
static inline const char *
pu_skip_quoted(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\') {
			if (++p >= end)
				return NULL;
		} else if (*p == '"') {
			return p + 1;
		}
	}
	return NULL;
}

/* Trim LWS on both sides of [*s, *s + *len). */
static inline void
pu_trim(const char **s, size_t *len)
{
	const char *b = *s, *e = *s + *len;

	while (b < e && pu_is_lws(*b))
		b++;
	while (e > b && pu_is_lws(e[-1]))
		e--;
	*s = b;
	*len = (size_t)(e - b);
}

/* Case-insensitive test of [s, s + len) against lit, a lower-case
 * letters-only literal of litlen bytes: OR-ing 0x20 maps exactly the two
 * cases of a letter onto the lower-case one. */
static inline bool
pu_is_name(const char *s, size_t len, const char *lit, size_t litlen)
{
	size_t i;

	if (len != litlen)
		return false;
	for (i = 0; i < len; i++)
		if ((s[i] | 0x20) != lit[i])
			return false;
	return true;
}

/* Parse a decimal number of at most maxdig digits from [p, end) into *val;
 * returns the position after the digits or NULL if there were none or
 * too many (the number then does not fit the caller's range). */
static inline const char *
pu_parse_uint(const char *p, const char *end, unsigned maxdig,
    unsigned long long *val)
{
	unsigned long long v = 0;
	unsigned n = 0;

	/* leading zeros do not count against the limit */
	while (p < end && *p == '0' && p + 1 < end && pu_is_digit(p[1]))
		p++;
	while (p < end && pu_is_digit(*p)) {
		if (++n > maxdig)
			return NULL;
		v = v * 10 + (unsigned long long)(*p - '0');
		p++;
	}
	if (n == 0)
		return NULL;
	*val = v;
	return p;
}

#endif
