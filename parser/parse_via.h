/* parser/parse_via.h: Via header values (RFC 3261 §20.42, RFC 3581). */
#ifndef PARSER_PARSE_VIA_H
#define PARSER_PARSE_VIA_H

#include "../base/ip_addr.h"
#include "../base/str.h"
#include "parse_param.h"

struct hdr_field;
struct sip_msg;

struct via_body {
	struct str name;        /* "SIP" */
	struct str version;     /* "2.0" */
	struct str transport;   /* "UDP", "TCP", "TLS", ... as written */
	enum proto proto;
	struct str host;        /* IPv6 references keep their brackets */
	struct str port_str;
	unsigned short port;    /* 0 if absent */
	struct str params;      /* raw, without leading ';' */
	struct param *param_lst;
	/* well-known params, pointers into param_lst or NULL */
	struct param *branch, *received, *rport, *maddr, *ttl, *alias;
	struct str comment;     /* "(...)" after the value, if any */
	struct str raw;         /* this whole via-parm, "SIP/2.0/UDP h;p" */
	struct via_body *next;  /* next value in the same header line */
};

/* Parse every via-parm of h->body (comma-separated, with LWS/folding), store
 * the list in h->parsed (owned by the header, freed by free_sip_msg) and
 * return 0, or E_PARSE/E_NOMEM.  Idempotent: already parsed returns 0. */
int parse_via_hf(struct hdr_field *h);
/* The first via-parm of msg's first Via header, parsed on demand
 * (parse_via_hf): NULL when there is no Via or it does not parse.  Owned by
 * the header, valid for the message's lifetime. */
struct via_body *parse_via_top(struct sip_msg *msg);
/* Parse one header body into a pkg list (for tests/fuzzers). */
int parse_via_body(const struct str *body, struct via_body **out);
void free_via_list(struct via_body *v);

#endif
