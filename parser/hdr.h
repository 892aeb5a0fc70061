/* parser/hdr.h: one header line of a parsed message (the type that the
 * header-value parsers share with msg_parser.h, kept apart so that they
 * need not include the whole message parser). */
#ifndef PARSER_HDR_H
#define PARSER_HDR_H

#include "../base/str.h"

enum hdr_type {
	HDR_OTHER = 0,
	HDR_VIA,
	HDR_TO,
	HDR_FROM,
	HDR_CSEQ,
	HDR_CALLID,
	HDR_CONTACT,
	HDR_MAXFORWARDS,
	HDR_ROUTE,
	HDR_RECORDROUTE,
	HDR_CONTENTLENGTH,
	HDR_CONTENTTYPE,
	HDR_EXPIRES,
	HDR_USERAGENT,
	HDR_SERVER,
	HDR_SUPPORTED,
	HDR_REQUIRE,
	HDR_PROXYREQUIRE,
	HDR_UNSUPPORTED,
	HDR_ALLOW,
	HDR_EVENT,
	HDR_AUTHORIZATION,
	HDR_PROXYAUTHORIZATION,
	HDR_WWWAUTHENTICATE,
	HDR_PROXYAUTHENTICATE,
	HDR_SUBJECT,
	HDR_ACCEPT,
	HDR_CONTENTENCODING,
	HDR_ALERTINFO,
	HDR_DATE,
	HDR_PATH,
	HDR_REFERTO,
	HDR_TYPE_COUNT,
};

struct hdr_field {
	enum hdr_type type;
	struct str name;        /* as written ("v", "Via", "VIA") */
	struct str body;        /* value, leading/trailing LWS trimmed;
				 * folded lines stay inside as written */
	struct str raw;         /* whole header incl. name and final CRLF */
	void *parsed;           /* lazily parsed value, owned by the header */
	struct hdr_field *next;
	struct hdr_field *next_same; /* next header of the same type (not OTHER) */
};

#endif
