/* parser/parse_uri.c: sip:, sips: and tel: URIs (RFC 3261 §19.1,
 * RFC 3966).  No allocation: every field is a view into the input. */
#include <string.h>

#include "../base/err.h"
#include "parse_uri.h"
#include "parse_util.h"

/* user-unreserved: "&" / "=" / "+" / "$" / "," / ";" / "?" / "/" */
static bool
uri_is_user(char c)
{
	return pu_is_unreserved(c) || (c != '\0' && strchr("&=+$,;?/", c));
}

/* password: unreserved / "&" / "=" / "+" / "$" / "," */
static bool
uri_is_passwd(char c)
{
	return pu_is_unreserved(c) || (c != '\0' && strchr("&=+$,", c));
}

/* paramchar: param-unreserved / unreserved (escapes handled apart) */
static bool
uri_is_paramchar(char c)
{
	return pu_is_unreserved(c) || (c != '\0' && strchr("[]/:&+$", c));
}

/* hnv-unreserved / unreserved, plus '=' and '&' separators */
static bool
uri_is_hdrchar(char c)
{
	return pu_is_unreserved(c) || (c != '\0' && strchr("[]/?:+$=&", c));
}

/* Check [s, s+len) against a class, allowing %HH escapes. */
static bool
uri_check(const char *s, size_t len, bool (*ok)(char))
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '%') {
			if (i + 2 >= len)
				return false;
			if (!pu_is_hex(s[i + 1]) || !pu_is_hex(s[i + 2]))
				return false;
			i += 2;
		} else if (!ok(s[i])) {
			return false;
		}
	}
	return true;
}

static bool
uri_is_hostchar(char c)
{
	return pu_is_alnum(c) || c == '-' || c == '.' || c == '_';
}

/* Host at [p, end): returns the position after it or NULL. */
static const char *
uri_host(const char *p, const char *end, struct sip_uri *uri)
{
	const char *q = p;

	if (p < end && *p == '[') {
		unsigned colons = 0;

		for (q = p + 1; q < end && *q != ']'; q++) {
			if (*q == ':')
				colons++;
			else if (!pu_is_hex(*q) && *q != '.')
				return NULL;
		}
		if (q >= end || colons < 2 || q - p < 3)
			return NULL;
		q++;
		uri->host_is_ipv6 = true;
	} else {
		while (q < end && uri_is_hostchar(*q))
			q++;
		if (q == p)
			return NULL;
	}
	uri->host.s = p;
	uri->host.len = (size_t)(q - p);
	return q;
}

static enum proto
uri_proto(const struct str *t)
{
	static const struct {
		const char *name;
		enum proto proto;
	} tab[] = {
		{ "udp", PROTO_UDP }, { "tcp", PROTO_TCP },
		{ "tls", PROTO_TLS }, { "sctp", PROTO_SCTP },
		{ "ws", PROTO_WS }, { "wss", PROTO_WSS },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (str_caseeq_c(t, tab[i].name))
			return tab[i].proto;
	return PROTO_OTHER;
}

/* Record one well-known parameter. */
static void
uri_known_param(struct sip_uri *uri, const struct str *name,
    const struct str *val)
{
	if (str_caseeq_c(name, "transport")) {
		uri->transport = *val;
		uri->proto = uri_proto(val);
	} else if (str_caseeq_c(name, "ttl")) {
		uri->ttl = *val;
	} else if (str_caseeq_c(name, "user")) {
		uri->user_param = *val;
	} else if (str_caseeq_c(name, "maddr")) {
		uri->maddr = *val;
	} else if (str_caseeq_c(name, "method")) {
		uri->method = *val;
	} else if (str_caseeq_c(name, "lr")) {
		uri->lr = *val;
		uri->lr_present = true;
	} else if (str_caseeq_c(name, "r2")) {
		uri->r2 = *val;
	}
}

/* Walk "a=b;c;d=e" (no allocation).  Empty segments are tolerated. */
static int
uri_params(struct sip_uri *uri)
{
	const char *p = uri->params.s, *end = p + uri->params.len;

	while (p < end) {
		const char *seg = p, *segend, *eq;
		struct str name, val;

		while (p < end && *p != ';')
			p++;
		segend = p;
		if (p < end)
			p++;
		if (segend == seg)
			continue;
		eq = memchr(seg, '=', (size_t)(segend - seg));
		name.s = seg;
		name.len = (size_t)((eq ? eq : segend) - seg);
		val.s = eq ? eq + 1 : segend;
		val.len = (size_t)(segend - val.s);
		if (name.len == 0 ||
		    !uri_check(name.s, name.len, uri_is_paramchar) ||
		    !uri_check(val.s, val.len, uri_is_paramchar))
			return E_PARSE;
		if (eq != NULL && val.len == 0)
			return E_PARSE;
		uri_known_param(uri, &name, &val);
	}
	return 0;
}

static int
uri_port_parse(const char *p, const char *end, struct sip_uri *uri,
    const char **next)
{
	unsigned long long v;
	const char *q;

	if ((q = pu_parse_uint(p, end, 5, &v)) == NULL || v == 0 || v > 65535)
		return E_PARSE;
	uri->port.s = p;
	uri->port.len = (size_t)(q - p);
	uri->port_no = (unsigned short)v;
	*next = q;
	return 0;
}

static int
uri_tel(const char *p, const char *end, struct sip_uri *uri)
{
	const char *q = p;

	while (q < end && *q != ';') {
		if (!pu_is_alnum(*q) && strchr("+-.()*#", *q) == NULL)
			return E_PARSE;
		q++;
	}
	if (q == p)
		return E_PARSE;
	uri->user.s = p;
	uri->user.len = (size_t)(q - p);
	if (q < end) {
		uri->params.s = q + 1;
		uri->params.len = (size_t)(end - q - 1);
		return uri_params(uri);
	}
	return 0;
}

static int
uri_sip(const char *p, const char *end, struct sip_uri *uri)
{
	const char *at, *colon, *q;
	int rc;

	if ((at = memchr(p, '@', (size_t)(end - p))) != NULL) {
		colon = memchr(p, ':', (size_t)(at - p));
		uri->user.s = p;
		uri->user.len = (size_t)((colon ? colon : at) - p);
		if (colon != NULL) {
			uri->passwd.s = colon + 1;
			uri->passwd.len = (size_t)(at - colon - 1);
		}
		if (uri->user.len == 0 ||
		    !uri_check(uri->user.s, uri->user.len, uri_is_user) ||
		    !uri_check(uri->passwd.s, uri->passwd.len, uri_is_passwd))
			return E_PARSE;
		p = at + 1;
	}
	if ((q = uri_host(p, end, uri)) == NULL)
		return E_PARSE;
	if (q < end && *q == ':' &&
	    (rc = uri_port_parse(q + 1, end, uri, &q)) != 0)
		return rc;
	if (q < end && *q == ';') {
		const char *qm = memchr(q, '?', (size_t)(end - q));

		uri->params.s = q + 1;
		uri->params.len = (size_t)((qm ? qm : end) - q - 1);
		if ((rc = uri_params(uri)) != 0)
			return rc;
		q = qm ? qm : end;
	}
	if (q < end && *q == '?') {
		uri->headers.s = q + 1;
		uri->headers.len = (size_t)(end - q - 1);
		if (!uri_check(uri->headers.s, uri->headers.len,
		    uri_is_hdrchar))
			return E_PARSE;
		q = end;
	}
	return q == end ? 0 : E_PARSE;
}

int
parse_uri(const char *s, size_t len, struct sip_uri *uri)
{
	const char *end = s + len;
	int rc;

	memset(uri, 0, sizeof(*uri));
	if (s == NULL) {
		rc = E_PARSE;
	} else if (len > 4 && strncasecmp(s, "sip:", 4) == 0) {
		uri->type = URI_SIP;
		rc = uri_sip(s + 4, end, uri);
	} else if (len > 5 && strncasecmp(s, "sips:", 5) == 0) {
		uri->type = URI_SIPS;
		rc = uri_sip(s + 5, end, uri);
	} else if (len > 4 && strncasecmp(s, "tel:", 4) == 0) {
		uri->type = URI_TEL;
		rc = uri_tel(s + 4, end, uri);
	} else {
		rc = E_PARSE;
	}
	if (rc != 0)
		memset(uri, 0, sizeof(*uri));
	return rc;
}

unsigned short
uri_port(const struct sip_uri *uri)
{
	if (uri->port_no != 0)
		return uri->port_no;
	if (uri->type == URI_SIPS || uri->proto == PROTO_TLS ||
	    uri->proto == PROTO_WSS)
		return 5061;
	return 5060;
}
