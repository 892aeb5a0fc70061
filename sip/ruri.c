/* ruri.c: request-URI rewriting. */
#include <stdio.h>
#include <string.h>

#include "../base/err.h"
#include "../mem/pkg.h"
#include "../parser/msg_parser.h"
#include "../parser/parse_uri.h"
#include "ruri.h"

struct str
ruri_get(const struct sip_msg *msg)
{
	if (msg->new_uri != NULL)
		return (struct str){ msg->new_uri, msg->new_uri_len };
	return msg->first.uri;
}

int
ruri_parse(struct sip_msg *msg, struct sip_uri **out)
{
	if (msg->new_uri != NULL) {
		if (!msg->new_parsed_uri_ok) {
			if (parse_uri(msg->new_uri, msg->new_uri_len,
				&msg->new_parsed_uri) != 0)
				return E_PARSE;
			msg->new_parsed_uri_ok = true;
		}
		*out = &msg->new_parsed_uri;
		return 0;
	}
	if (parse_sip_msg_uri(msg) != 0)
		return E_PARSE;
	*out = &msg->parsed_uri;
	return 0;
}

static int
ruri_store(struct sip_msg *msg, char *s, size_t len)
{
	struct sip_uri tmp;

	if (parse_uri(s, len, &tmp) != 0) {
		pkg_free(s);
		return E_PARSE;
	}
	pkg_free(msg->new_uri);
	msg->new_uri = s;
	msg->new_uri_len = len;
	msg->new_parsed_uri = tmp;
	msg->new_parsed_uri_ok = true;
	return 0;
}

static const char *
scheme_of(const struct sip_uri *u)
{
	switch (u->type) {
	case URI_SIPS: return "sips:";
	case URI_TEL: return "tel:";
	default: return "sip:";
	}
}

/* Rebuild a URI from u with one part replaced by v. */
static int
ruri_rebuild(struct sip_msg *msg, const struct sip_uri *u,
    enum ruri_part part, const char *v, size_t vlen)
{
	struct str user = u->user, host = u->host, port = u->port;
	size_t n;
	char *buf, *p;

	switch (part) {
	case RURI_USER: user = (struct str){ v, vlen }; break;
	case RURI_HOST: host = (struct str){ v, vlen }; break;
	case RURI_PORT: port = (struct str){ v, vlen }; break;
	case RURI_HOSTPORT: host = (struct str){ v, vlen }; port = STR_NULL; break;
	case RURI_ALL: return E_BUG;
	}
	n = 5 + user.len + 1 + u->passwd.len + 1 + host.len + 1 + port.len +
	    1 + u->params.len + 1 + u->headers.len + 1;
	if ((buf = pkg_malloc(n)) == NULL)
		return E_NOMEM;
	p = buf;
	p += sprintf(p, "%s", scheme_of(u));
	if (user.len) {
		memcpy(p, user.s, user.len), p += user.len;
		if (u->passwd.len) {
			*p++ = ':';
			memcpy(p, u->passwd.s, u->passwd.len);
			p += u->passwd.len;
		}
		*p++ = '@';
	}
	memcpy(p, host.s, host.len), p += host.len;
	if (port.len) {
		*p++ = ':';
		memcpy(p, port.s, port.len), p += port.len;
	}
	if (u->params.len) {
		*p++ = ';';
		memcpy(p, u->params.s, u->params.len), p += u->params.len;
	}
	if (u->headers.len) {
		*p++ = '?';
		memcpy(p, u->headers.s, u->headers.len), p += u->headers.len;
	}
	*p = '\0';
	return ruri_store(msg, buf, (size_t)(p - buf));
}

int
ruri_set(struct sip_msg *msg, enum ruri_part part, const char *s, size_t len)
{
	struct sip_uri *u;
	char *copy;

	if (part == RURI_ALL) {
		if ((copy = pkg_strndup(s, len)) == NULL)
			return E_NOMEM;
		return ruri_store(msg, copy, len);
	}
	if (ruri_parse(msg, &u) != 0)
		return E_PARSE;
	/* u may point into new_uri, which ruri_rebuild replaces: copy first */
	{
		struct sip_uri cur = *u;
		char *old = msg->new_uri;
		int rc;

		msg->new_uri = NULL;    /* keep the old text alive for cur */
		rc = ruri_rebuild(msg, &cur, part, s, len);
		if (rc != 0) {
			msg->new_uri = old;
			return rc;
		}
		pkg_free(old);
		return 0;
	}
}

int
ruri_strip(struct sip_msg *msg, size_t n)
{
	struct sip_uri *u;

	if (ruri_parse(msg, &u) != 0)
		return E_PARSE;
	if (n > u->user.len)
		n = u->user.len;
	return ruri_set(msg, RURI_USER, u->user.s + n, u->user.len - n);
}

int
ruri_prefix(struct sip_msg *msg, const char *s, size_t len)
{
	struct sip_uri *u;
	char *buf;
	int rc;

	if (ruri_parse(msg, &u) != 0)
		return E_PARSE;
	if ((buf = pkg_malloc(len + u->user.len + 1)) == NULL)
		return E_NOMEM;
	memcpy(buf, s, len);
	memcpy(buf + len, u->user.s, u->user.len);
	rc = ruri_set(msg, RURI_USER, buf, len + u->user.len);
	pkg_free(buf);
	return rc;
}

void
ruri_revert(struct sip_msg *msg)
{
	pkg_free(msg->new_uri);
	msg->new_uri = NULL;
	msg->new_uri_len = 0;
	msg->new_parsed_uri_ok = false;
}
