/* parser/parse_addr.c: name-addr / addr-spec values (RFC 3261 §20.10,
 * §20.20, §20.30, §20.34, §20.39).
 *
 *	name-addr = [ display-name ] LAQUOT addr-spec RAQUOT
 *	display-name = *(token LWS) / quoted-string
 * followed by ";"-separated header parameters.  A bare addr-spec may not
 * contain ',', ';' or '?' (RFC 3261 §20.10): its parameters are header
 * parameters. */
#include <string.h>

#include "../base/err.h"
#include "../mem/pkg.h"
#include "hdr.h"
#include "parse_addr.h"
#include "parse_util.h"

/* Display name at p: a quoted string or token words ending right before
 * '<'.  Sets *disp and returns the position of '<', or NULL when the value
 * has no '<' (a bare addr-spec) with *bad set when it is malformed. */
static const char *
addr_display(const char *p, const char *end, struct str *disp, bool *bad)
{
	const char *q, *last;

	*bad = false;
	if (p < end && *p == '"') {
		if ((q = pu_skip_quoted(p, end)) == NULL) {
			*bad = true;
			return NULL;
		}
		disp->s = p;
		disp->len = (size_t)(q - p);
		q = pu_skip_lws(q, end);
		if (q >= end || *q != '<') {
			*bad = true;
			return NULL;
		}
		return q;
	}
	if (p < end && *p == '<')
		return p;
	/* token words followed by '<'? */
	last = q = p;
	while (q < end && pu_is_token(*q)) {
		q = pu_skip_token(q, end);
		last = q;
		q = pu_skip_lws(q, end);
	}
	if (q < end && *q == '<' && last > p) {
		disp->s = p;
		disp->len = (size_t)(last - p);
		return q;
	}
	return NULL;
}

/* One value at *pp; `list` lets a ',' end it.  Leaves *pp after it. */
static int
addr_one(const char **pp, const char *end, bool list, struct name_addr *na)
{
	const char *p = pu_skip_lws(*pp, end), *q, *lt;
	bool bad;
	size_t i;
	int rc;

	na->raw.s = p;
	if ((lt = addr_display(p, end, &na->display, &bad)) != NULL) {
		if ((q = memchr(lt, '>', (size_t)(end - lt))) == NULL)
			return E_PARSE;
		na->uri.s = lt + 1;
		na->uri.len = (size_t)(q - lt - 1);
		q++;
	} else {
		if (bad)
			return E_PARSE;
		for (q = p; q < end && *q != ';' && *q != ',' &&
		    !pu_is_lws(*q); q++)
			if (*q == '?' || *q == '<' || *q == '>' || *q == '"')
				return E_PARSE;
		na->uri.s = p;
		na->uri.len = (size_t)(q - p);
	}
	/* the addr-spec itself: a scheme, no LWS (badaspec) */
	if (na->uri.len == 0 || memchr(na->uri.s, ':', na->uri.len) == NULL)
		return E_PARSE;
	for (i = 0; i < na->uri.len; i++)
		if (pu_is_lws(na->uri.s[i]) || na->uri.s[i] == '<')
			return E_PARSE;
	na->raw.len = (size_t)(q - na->raw.s);
	q = pu_skip_lws(q, end);
	if (q < end && *q == ';') {
		struct str rest = { q + 1, (size_t)(end - q - 1) };
		size_t used;

		rc = parse_params(&rest, list ? "," : "", &na->param_lst, &used);
		if (rc != 0)
			return rc;
		na->params.s = rest.s;
		na->params.len = used;
		pu_trim(&na->params.s, &na->params.len);
		q = rest.s + used;
		na->raw.len = (size_t)(na->params.s + na->params.len -
		    na->raw.s);
	}
	q = pu_skip_lws(q, end);
	if (q < end && !(list && *q == ','))
		return E_PARSE;
	*pp = q;
	return 0;
}

int
parse_name_addr_list(const struct str *body, struct name_addr **out)
{
	const char *p = body->s, *end = body->s + body->len;
	struct name_addr *head = NULL, **tail = &head, *na;
	int rc = 0;

	for (;;) {
		if ((na = pkg_zalloc(sizeof(*na))) == NULL) {
			rc = E_NOMEM;
			goto out;
		}
		*tail = na;
		tail = &na->next;
		if ((rc = addr_one(&p, end, true, na)) != 0)
			goto out;
		if (p >= end)
			break;
		p++; /* ',' */
	}
out:
	if (rc != 0)
		free_name_addr_list(head);
	else
		*out = head;
	return rc;
}

void
free_name_addr_list(struct name_addr *n)
{
	struct name_addr *next;

	for (; n != NULL; n = next) {
		next = n->next;
		free_params(n->param_lst);
		pkg_free(n);
	}
}

int
parse_to_body(const struct str *body, struct to_body **out)
{
	const char *p = body->s;
	struct name_addr na;
	struct to_body *t;
	struct param *tag;
	int rc;

	memset(&na, 0, sizeof(na));
	if ((rc = addr_one(&p, body->s + body->len, false, &na)) != 0) {
		free_params(na.param_lst);
		return rc;
	}
	if ((t = pkg_zalloc(sizeof(*t))) == NULL) {
		free_params(na.param_lst);
		return E_NOMEM;
	}
	t->display = na.display;
	t->uri = na.uri;
	t->params = na.params;
	t->param_lst = na.param_lst;
	if ((tag = param_find(t->param_lst, "tag")) != NULL)
		t->tag = tag->body;
	*out = t;
	return 0;
}

void
free_to_body(struct to_body *t)
{
	if (t == NULL)
		return;
	free_params(t->param_lst);
	pkg_free(t);
}

int
parse_to_hf(struct hdr_field *h)
{
	struct to_body *t;
	int rc;

	if (h->parsed != NULL)
		return 0;
	if ((rc = parse_to_body(&h->body, &t)) != 0)
		return rc;
	h->parsed = t;
	return 0;
}

void
free_contact_body(struct contact_body *c)
{
	if (c == NULL)
		return;
	free_name_addr_list(c->contacts);
	pkg_free(c);
}

int
parse_contact_hf(struct hdr_field *h)
{
	struct contact_body *c;
	int rc;

	if (h->parsed != NULL)
		return 0;
	if ((c = pkg_zalloc(sizeof(*c))) == NULL)
		return E_NOMEM;
	if (h->body.len == 1 && h->body.s[0] == '*') {
		c->star = true;
	} else if ((rc = parse_name_addr_list(&h->body, &c->contacts)) != 0) {
		pkg_free(c);
		return rc;
	}
	h->parsed = c;
	return 0;
}

int
parse_rr_hf(struct hdr_field *h)
{
	struct name_addr *n;
	int rc;

	if (h->parsed != NULL)
		return 0;
	if ((rc = parse_name_addr_list(&h->body, &n)) != 0)
		return rc;
	h->parsed = n;
	return 0;
}
