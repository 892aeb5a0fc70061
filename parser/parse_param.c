/* parser/parse_param.c: ";name=value" lists of header parameters. */
#include <string.h>

#include "../base/err.h"
#include "../mem/pkg.h"
#include "parse_param.h"
#include "parse_util.h"

/* Called for every value byte: stop sets are a byte or two, so a loop
 * here is cheaper than a strchr() call. */
static bool
param_is_stop(char c, const char *stop)
{
	for (; *stop != '\0'; stop++)
		if (*stop == c)
			return true;
	return false;
}

/* Value characters: token, plus what hosts need ("[::1]" for received=,
 * "host:port" for alias-like params). */
static bool
param_is_value(char c)
{
	return pu_is_token(c) || c == '[' || c == ']' || c == ':';
}

/* Parse one "name[=value]" at *pp; returns 0 and advances *pp. */
static int
param_one(const char **pp, const char *end, const char *stop,
    struct param *prm)
{
	const char *p = *pp, *q;

	q = pu_skip_token(p, end);
	if (q == p)
		return E_PARSE;
	prm->name.s = p;
	prm->name.len = (size_t)(q - p);
	p = pu_skip_lws(q, end);
	if (p < end && *p == '=') {
		p = pu_skip_lws(p + 1, end);
		if (p < end && *p == '"') {
			if ((q = pu_skip_quoted(p, end)) == NULL)
				return E_PARSE;
			prm->body.s = p + 1;
			prm->body.len = (size_t)(q - p - 2);
		} else {
			for (q = p; q < end && param_is_value(*q) &&
			    !param_is_stop(*q, stop); q++)
				;
			if (q == p)
				return E_PARSE;
			prm->body.s = p;
			prm->body.len = (size_t)(q - p);
		}
		p = q;
	} else {
		prm->body.s = q;
		prm->body.len = 0;
		p = q;
	}
	*pp = p;
	return 0;
}

int
parse_params(const struct str *s, const char *stop, struct param **out,
    size_t *consumed)
{
	const char *p = s->s, *end = s->s + s->len;
	struct param *head = NULL, **tail = &head, *prm;
	int rc = 0;

	if (stop == NULL)
		stop = "";
	for (;;) {
		p = pu_skip_lws(p, end);
		if ((prm = pkg_zalloc(sizeof(*prm))) == NULL) {
			rc = E_NOMEM;
			goto out;
		}
		*tail = prm;
		tail = &prm->next;
		if ((rc = param_one(&p, end, stop, prm)) != 0)
			goto out;
		p = pu_skip_lws(p, end);
		if (p >= end || param_is_stop(*p, stop))
			break;
		if (*p != ';') {
			rc = E_PARSE;
			goto out;
		}
		p++;
	}
out:
	if (rc != 0) {
		free_params(head);
		return rc;
	}
	*out = head;
	if (consumed != NULL)
		*consumed = (size_t)(p - s->s);
	return 0;
}

void
free_params(struct param *p)
{
	struct param *n;

	for (; p != NULL; p = n) {
		n = p->next;
		pkg_free(p);
	}
}

struct param *
param_find(struct param *p, const char *name)
{
	for (; p != NULL; p = p->next)
		if (str_caseeq_c(&p->name, name))
			return p;
	return NULL;
}
