/* parser/parse_via.c: Via header values (RFC 3261 §20.42, RFC 3581).
 *
 *	via-parm = sent-protocol LWS sent-by *( SEMI via-params ) [comment]
 *	sent-protocol = name SLASH version SLASH transport
 * A header body holds one or more via-parms separated by commas. */
#include <string.h>

#include "../base/err.h"
#include "../mem/pkg.h"
#include "hdr.h"
#include "msg_parser.h"
#include "parse_util.h"
#include "parse_via.h"

static enum proto
via_proto(const struct str *t)
{
	/* lower case for pu_is_name() */
	/* clang-format off */
	static const struct {
		const char *name;
		size_t len;
		enum proto proto;
	} tab[] = {
		{ "udp", 3, PROTO_UDP }, { "tcp", 3, PROTO_TCP },
		{ "tls", 3, PROTO_TLS }, { "sctp", 4, PROTO_SCTP },
		{ "ws", 2, PROTO_WS }, { "wss", 3, PROTO_WSS },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (pu_is_name(t->s, t->len, tab[i].name, tab[i].len))
			return tab[i].proto;
	return PROTO_OTHER;
}

/* token [LWS] "/" [LWS]; the slash is skipped when want_slash. */
static const char *
via_token(const char *p, const char *end, struct str *out, bool want_slash)
{
	const char *q = pu_skip_token(p, end);

	if (q == p)
		return NULL;
	out->s = p;
	out->len = (size_t)(q - p);
	if (!want_slash)
		return q;
	q = pu_skip_lws(q, end);
	if (q >= end || *q != '/')
		return NULL;
	return pu_skip_lws(q + 1, end);
}

static const char *
via_host(const char *p, const char *end, struct via_body *v)
{
	const char *q = p;

	if (q < end && *q == '[') {
		while (q < end && *q != ']') {
			if (q > p && !pu_is_hex(*q) && *q != ':' && *q != '.')
				return NULL;
			q++;
		}
		if (q >= end || q - p < 3)
			return NULL;
		q++;
	} else {
		while (q < end &&
		    (pu_is_alnum(*q) || *q == '-' || *q == '.' || *q == '_'))
			q++;
	}
	if (q == p)
		return NULL;
	v->host.s = p;
	v->host.len = (size_t)(q - p);
	return q;
}

/* "(" ... ")" with nesting and quoted-pairs. */
static const char *
via_comment(const char *p, const char *end)
{
	int depth = 0;

	for (; p < end; p++) {
		if (*p == '\\') {
			if (++p >= end)
				return NULL;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')' && --depth == 0) {
			return p + 1;
		}
	}
	return NULL;
}

/* One pass over the list (rather than a param_find() per name): the
 * first of each name wins, as with param_find(). */
static void
via_known_params(struct via_body *v)
{
	struct param *p, **slot;

	for (p = v->param_lst; p != NULL; p = p->next) {
		const char *n = p->name.s;
		size_t len = p->name.len;

		if (pu_is_name(n, len, "branch", 6))
			slot = &v->branch;
		else if (pu_is_name(n, len, "received", 8))
			slot = &v->received;
		else if (pu_is_name(n, len, "rport", 5))
			slot = &v->rport;
		else if (pu_is_name(n, len, "maddr", 5))
			slot = &v->maddr;
		else if (pu_is_name(n, len, "ttl", 3))
			slot = &v->ttl;
		else if (pu_is_name(n, len, "alias", 5))
			slot = &v->alias;
		else
			continue;
		if (*slot == NULL)
			*slot = p;
	}
}

/* One via-parm at *pp; leaves *pp after it (and after trailing LWS). */
static int
via_parm(const char **pp, const char *end, struct via_body *v)
{
	const char *p = *pp, *q, *last;
	unsigned long long port;
	int rc;

	v->raw.s = p;
	if ((p = via_token(p, end, &v->name, true)) == NULL ||
	    (p = via_token(p, end, &v->version, true)) == NULL ||
	    (p = via_token(p, end, &v->transport, false)) == NULL)
		return E_PARSE;
	v->proto = via_proto(&v->transport);
	q = pu_skip_lws(p, end);
	if (q == p || (p = via_host(q, end, v)) == NULL)
		return E_PARSE;
	last = p;
	q = pu_skip_lws(p, end);
	if (q < end && *q == ':') {
		q = pu_skip_lws(q + 1, end);
		p = pu_parse_uint(q, end, 5, &port);
		if (p == NULL || port == 0 || port > 65535)
			return E_PARSE;
		v->port_str.s = q;
		v->port_str.len = (size_t)(p - q);
		v->port = (unsigned short)port;
		last = p;
		q = pu_skip_lws(p, end);
	}
	if (q < end && *q == ';') {
		struct str rest = { q + 1, (size_t)(end - q - 1) };
		size_t used;

		if ((rc = parse_params(&rest, ",(", &v->param_lst, &used)) != 0)
			return rc;
		v->params.s = rest.s;
		v->params.len = used;
		pu_trim(&v->params.s, &v->params.len);
		last = rest.s + used;
		q = last;
		via_known_params(v);
	}
	q = pu_skip_lws(q, end);
	if (q < end && *q == '(') {
		if ((p = via_comment(q, end)) == NULL)
			return E_PARSE;
		v->comment.s = q;
		v->comment.len = (size_t)(p - q);
		last = p;
		q = pu_skip_lws(p, end);
	}
	v->raw.len = (size_t)(last - v->raw.s);
	pu_trim(&v->raw.s, &v->raw.len);
	*pp = q;
	return 0;
}

int
parse_via_body(const struct str *body, struct via_body **out)
{
	const char *p = body->s, *end = body->s + body->len;
	struct via_body *head = NULL, **tail = &head, *v;
	int rc = 0;

	for (;;) {
		p = pu_skip_lws(p, end);
		if ((v = pkg_zalloc(sizeof(*v))) == NULL) {
			rc = E_NOMEM;
			goto out;
		}
		*tail = v;
		tail = &v->next;
		if ((rc = via_parm(&p, end, v)) != 0)
			goto out;
		if (p >= end)
			break;
		if (*p != ',') {
			rc = E_PARSE;
			goto out;
		}
		p++;
	}
out:
	if (rc != 0)
		free_via_list(head);
	else
		*out = head;
	return rc;
}

int
parse_via_hf(struct hdr_field *h)
{
	struct via_body *v;
	int rc;

	if (h->parsed != NULL)
		return 0;
	if ((rc = parse_via_body(&h->body, &v)) != 0)
		return rc;
	h->parsed = v;
	return 0;
}

struct via_body *
parse_via_top(struct sip_msg *msg)
{
	struct hdr_field *h = msg->h[HDR_VIA];

	if (h == NULL || parse_via_hf(h) != 0)
		return NULL;
	return h->parsed;
}

void
free_via_list(struct via_body *v)
{
	struct via_body *n;

	for (; v != NULL; v = n) {
		n = v->next;
		free_params(v->param_lst);
		pkg_free(v);
	}
}
