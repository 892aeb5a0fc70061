/* parser/parse_uri.h: sip:, sips: and tel: URIs (RFC 3261 §19.1, RFC 3966).
 * Every field is a view into the input; no allocation. */
#ifndef PARSER_PARSE_URI_H
#define PARSER_PARSE_URI_H

#include <stdbool.h>

#include "../base/ip_addr.h"
#include "../base/str.h"

enum uri_type {
	URI_ERROR = 0,
	URI_SIP,
	URI_SIPS,
	URI_TEL,
};

struct sip_uri {
	enum uri_type type;
	struct str user;     /* tel: the number */
	struct str passwd;
	struct str host;     /* IPv6 references keep their brackets */
	struct str port;     /* digits as written, empty if none */
	unsigned short port_no; /* 0 if none */
	struct str params;   /* after the first ';' up to '?' or end, no leading ';' */
	struct str headers;  /* after '?', no leading '?' */
	/* well-known params, views into params (name=value: value only) */
	struct str transport;
	enum proto proto;    /* from transport=; PROTO_NONE if absent */
	struct str ttl;
	struct str user_param;
	struct str maddr;
	struct str method;
	struct str lr;       /* value of lr, empty when "lr" alone */
	bool lr_present;
	struct str r2;
	bool host_is_ipv6;
};

/* Parse len bytes at s.  Returns 0, or E_PARSE on a malformed URI (the
 * struct is then zeroed). */
int parse_uri(const char *s, size_t len, struct sip_uri *uri);

/* Port to use for this URI: port_no, else 5061 for sips/tls, else 5060. */
unsigned short uri_port(const struct sip_uri *uri);

#endif
