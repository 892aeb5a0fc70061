/* t_parser.c: SIP message parser: first line, headers, folding, compact
 * names, lazy header parsers, framing and the RFC 4475 torture tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/err.h"
#include "../../mem/pkg.h"
#include "../../parser/msg_parser.h"
#include "../../parser/parse_addr.h"
#include "../../parser/parse_param.h"
#include "../../parser/parse_uri.h"
#include "../../parser/parse_util.h"
#include "../../parser/parse_via.h"
#include "unit.h"

#define INVITE_HDRS \
	"INVITE sip:bob@example.com SIP/2.0\r\n" \
	"Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds\r\n" \
	"Max-Forwards: 70\r\n" \
	"To: Bob <sip:bob@example.com>\r\n" \
	"From: \"Alice A.\" <sip:alice@example.com>;tag=1928301774\r\n" \
	"Call-ID: a84b4c76e66710@pc33.example.com\r\n" \
	"CSeq: 314159 INVITE\r\n" \
	"Contact: <sip:alice@pc33.example.com>\r\n" \
	"Content-Type: application/sdp\r\n"
#define INVITE INVITE_HDRS "Content-Length: 4\r\n\r\nv=0\n"

/* CHECK_STR that also accepts an empty view with a NULL pointer. */
#define CHECK_STR_E(exp, strp)                                          \
	do {                                                            \
		if ((strp)->len == 0)                                   \
			CHECK_INT(strlen(exp), 0);                      \
		else                                                    \
			CHECK_STR((exp), (strp));                       \
	} while (0)

/* Parse a C string; 0 or the parse_msg code. */
static int
parse_str(const char *s, struct sip_msg *m)
{
	return parse_msg(s, strlen(s), m);
}

static int
t_basic_invite(void)
{
	struct sip_msg m;
	struct cseq_body *cs;
	const char *why;

	CHECK_INT(0, parse_str(INVITE, &m));
	CHECK_INT(SIP_REQUEST, m.first.type);
	CHECK_STR("INVITE", &m.first.method);
	CHECK_INT(METHOD_INVITE, m.first.method_id);
	CHECK_STR("sip:bob@example.com", &m.first.uri);
	CHECK_STR("SIP/2.0", &m.first.version);
	CHECK(m.eoh);
	CHECK_INT(4, m.content_length);
	CHECK_STR("v=0\n", &m.body);
	CHECK(m.h[HDR_VIA] != NULL && m.h[HDR_TO] != NULL &&
	    m.h[HDR_FROM] != NULL && m.h[HDR_CALLID] != NULL &&
	    m.h[HDR_CSEQ] != NULL && m.h[HDR_CONTACT] != NULL &&
	    m.h[HDR_MAXFORWARDS] != NULL && m.h[HDR_CONTENTTYPE] != NULL);
	CHECK_STR("a84b4c76e66710@pc33.example.com", &m.h[HDR_CALLID]->body);
	CHECK_STR("Call-ID: a84b4c76e66710@pc33.example.com\r\n",
	    &m.h[HDR_CALLID]->raw);
	CHECK_INT(0, parse_msg_check(&m, &why));
	cs = m.h[HDR_CSEQ]->parsed;
	CHECK_INT(314159, cs->num);
	CHECK_INT(METHOD_INVITE, cs->method_id);
	CHECK_INT(70, parse_maxfwd(&m));
	CHECK_INT(-1, parse_expires(&m));
	CHECK_INT(0, parse_sip_msg_uri(&m));
	CHECK_STR("bob", &m.parsed_uri.user);
	CHECK_INT(0, parse_sip_msg_uri(&m)); /* idempotent */
	free_sip_msg(&m);
	return 0;
}

static int
t_reply(void)
{
	struct sip_msg m;
	const char *why;
	const char *s = "SIP/2.0 180 Ringing\r\n"
	    "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1;received=192.0.2.1\r\n"
	    "To: <sip:b@example.com>;tag=x\r\nFrom: <sip:a@example.com>;tag=y\r\n"
	    "Call-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

	CHECK_INT(0, parse_str(s, &m));
	CHECK_INT(SIP_REPLY, m.first.type);
	CHECK_INT(180, m.first.code);
	CHECK_STR("180", &m.first.code_str);
	CHECK_STR("Ringing", &m.first.reason);
	CHECK_INT(0, parse_msg_check(&m, &why));
	CHECK_INT(E_PARSE, parse_sip_msg_uri(&m));
	free_sip_msg(&m);
	return 0;
}

/* clang-format off */
static const struct {
	const char *line;
	int rc;
} first_lines[] = {
	{ "INVITE sip:a@b SIP/2.0\r\n\r\n",	0 },
	{ "FOO sip:a@b SIP/2.0\r\n\r\n",	0 },
	{ "INVITE sip:a@b sip/2.0\r\n\r\n",	0 },
	{ "INVITE sip:a@b SIP/2.0\n\n",		0 },
	{ "\r\n\r\nINVITE sip:a@b SIP/2.0\r\n\r\n", 0 },
	{ "SIP/2.0 200 OK\r\n\r\n",		0 },
	{ "SIP/2.0 100 \r\n\r\n",		0 },
	{ "SIP/2.0 100\r\n\r\n",		0 },
	{ "SIP/2.0 699 x\r\n\r\n",		0 },
	{ "SIP/2.0 099 x\r\n\r\n",		E_PARSE },
	{ "SIP/2.0 700 x\r\n\r\n",		E_PARSE },
	{ "SIP/2.0 2000 x\r\n\r\n",		E_PARSE },
	{ "SIP/2.0 20 x\r\n\r\n",		E_PARSE },
	{ "SIP/2.0 abc x\r\n\r\n",		E_PARSE },
	{ "SIP/2.0  200 OK\r\n\r\n",		E_PARSE },
	{ "SIP/3.0 200 OK\r\n\r\n",		E_PARSE },
	{ "SIP/2.0\r\n\r\n",			E_PARSE },
	{ "INVITE sip:a@b SIP/2.0",		E_PARSE },
	{ "INVITE sip:a@b SIP/2.1\r\n\r\n",	E_PARSE },
	{ "INVITE sip:a@b SIP/2.0 \r\n\r\n",	E_PARSE },
	{ "INVITE  sip:a@b SIP/2.0\r\n\r\n",	E_PARSE },
	{ "INVITE sip:a@b  SIP/2.0\r\n\r\n",	E_PARSE },
	{ "INVITE <sip:a@b> SIP/2.0\r\n\r\n",	E_PARSE },
	{ "INVITE sip:a@b\r\n\r\n",		E_PARSE },
	{ "INVITE\r\n\r\n",			E_PARSE },
	{ "IN<VITE sip:a@b SIP/2.0\r\n\r\n",	E_PARSE },
	{ " INVITE sip:a@b SIP/2.0\r\n\r\n",	E_PARSE },
	{ "",					E_PARSE },
	{ "\r\n",				E_PARSE },
};
/* clang-format on */

static int
t_first_line(void)
{
	size_t i;

	for (i = 0; i < sizeof(first_lines) / sizeof(first_lines[0]); i++) {
		struct sip_msg m;
		int rc = parse_str(first_lines[i].line, &m);

		free_sip_msg(&m);
		if (rc != first_lines[i].rc) {
			printf("first line %zu: \"%s\": expected %d got %d\n", i,
			    first_lines[i].line, first_lines[i].rc, rc);
			return 1;
		}
	}
	return 0;
}

static int
t_methods(void)
{
	/* clang-format off */
	static const struct { const char *s; enum method_id id; } tab[] = {
		{ "INVITE", METHOD_INVITE }, { "CANCEL", METHOD_CANCEL },
		{ "ACK", METHOD_ACK }, { "BYE", METHOD_BYE },
		{ "INFO", METHOD_INFO }, { "REGISTER", METHOD_REGISTER },
		{ "SUBSCRIBE", METHOD_SUBSCRIBE }, { "NOTIFY", METHOD_NOTIFY },
		{ "MESSAGE", METHOD_MESSAGE }, { "OPTIONS", METHOD_OPTIONS },
		{ "PRACK", METHOD_PRACK }, { "UPDATE", METHOD_UPDATE },
		{ "REFER", METHOD_REFER }, { "PUBLISH", METHOD_PUBLISH },
		{ "invite", METHOD_OTHER }, { "INVITEX", METHOD_OTHER },
		{ "", METHOD_OTHER }, { "IN%56ITE", METHOD_OTHER },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		struct str s = str_from(tab[i].s);

		CHECK_INT(tab[i].id, method_id_of(&s));
	}
	return 0;
}

static int
t_hdr_names(void)
{
	/* clang-format off */
	static const struct { const char *s; enum hdr_type t; } tab[] = {
		{ "Via", HDR_VIA }, { "v", HDR_VIA }, { "V", HDR_VIA },
		{ "VIA", HDR_VIA }, { "To", HDR_TO }, { "t", HDR_TO },
		{ "From", HDR_FROM }, { "f", HDR_FROM },
		{ "Call-ID", HDR_CALLID }, { "call-id", HDR_CALLID },
		{ "i", HDR_CALLID }, { "Contact", HDR_CONTACT },
		{ "m", HDR_CONTACT }, { "Content-Length", HDR_CONTENTLENGTH },
		{ "l", HDR_CONTENTLENGTH }, { "c", HDR_CONTENTTYPE },
		{ "Content-Type", HDR_CONTENTTYPE }, { "k", HDR_SUPPORTED },
		{ "s", HDR_SUBJECT }, { "e", HDR_CONTENTENCODING },
		{ "o", HDR_EVENT }, { "r", HDR_REFERTO },
		{ "CSeq", HDR_CSEQ }, { "Max-Forwards", HDR_MAXFORWARDS },
		{ "Route", HDR_ROUTE }, { "Record-Route", HDR_RECORDROUTE },
		{ "Expires", HDR_EXPIRES }, { "Path", HDR_PATH },
		{ "Proxy-Authorization", HDR_PROXYAUTHORIZATION },
		{ "X-Foo", HDR_OTHER }, { "Vias", HDR_OTHER },
		{ "", HDR_OTHER }, { "z", HDR_OTHER },
		{ "WWW-AUTHENTICATE", HDR_WWWAUTHENTICATE },
		{ "cseq", HDR_CSEQ }, { "L", HDR_CONTENTLENGTH },
		{ "Accept", HDR_ACCEPT }, { "Content-Encoding",
		HDR_CONTENTENCODING }, { "Content-Lengtx", HDR_OTHER },
		{ "@", HDR_OTHER }, { "`", HDR_OTHER }, { "9", HDR_OTHER },
		{ "\xd6", HDR_OTHER }, { "\xf6", HDR_OTHER },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		struct str s = str_from(tab[i].s);

		CHECK_INT(tab[i].t, hdr_type_of(&s));
	}
	return 0;
}

/* Folding, compact names, bare LF, next_same, multi-value Via. */
static int
t_folding_compact(void)
{
	const char *s = "REGISTER sip:example.com SIP/2.0\n"
	    "v: SIP/2.0/UDP a.example.com;branch=z9hG4bK1,\n"
	    "\tSIP/2.0/TCP [2001:db8::1]:5070;rport;received=10.0.0.1\n"
	    "Via: SIP/2.0/UDP c.example.com;branch=z9hG4bK3\n"
	    "t:\n <sip:u@example.com>\n"
	    "f: <sip:u@example.com>\n  ;tag=ab\n"
	    "i: x@y\n"
	    "CSeq: 7\r\n REGISTER\n"
	    "m: <sip:u@1.2.3.4>;expires=60, sip:u@5.6.7.8;q=0.5\n"
	    "X-Long: a\n b\n"
	    "Expires: 3600\n"
	    "l: 0\n\n";
	struct sip_msg m;
	struct via_body *v;
	struct contact_body *c;
	struct to_body *f;
	struct hdr_field *h;
	const char *why;

	CHECK_INT(0, parse_str(s, &m));
	CHECK_INT(0, parse_msg_check(&m, &why));
	CHECK_STR("v", &m.h[HDR_VIA]->name);
	CHECK(m.h[HDR_VIA]->next_same != NULL);
	CHECK(m.h[HDR_VIA]->next_same->next_same == NULL);
	v = m.h[HDR_VIA]->parsed;
	CHECK(v != NULL && v->next != NULL && v->next->next == NULL);
	CHECK_STR("a.example.com", &v->host);
	CHECK_STR("z9hG4bK1", &v->branch->body);
	CHECK_STR("SIP/2.0/UDP a.example.com;branch=z9hG4bK1", &v->raw);
	v = v->next;
	CHECK_STR("[2001:db8::1]", &v->host);
	CHECK_INT(5070, v->port);
	CHECK_INT(PROTO_TCP, v->proto);
	CHECK(v->rport != NULL && v->rport->body.len == 0);
	CHECK_STR("10.0.0.1", &v->received->body);
	CHECK(v->branch == NULL);
	f = m.h[HDR_FROM]->parsed;
	CHECK_STR("ab", &f->tag);
	CHECK_STR("sip:u@example.com", &f->uri);
	CHECK_INT(0, parse_contact_hf(m.h[HDR_CONTACT]));
	c = m.h[HDR_CONTACT]->parsed;
	CHECK(!c->star && c->contacts != NULL && c->contacts->next != NULL);
	CHECK_STR("sip:u@1.2.3.4", &c->contacts->uri);
	CHECK_STR("expires=60", &c->contacts->params);
	CHECK_STR("<sip:u@1.2.3.4>;expires=60", &c->contacts->raw);
	CHECK_STR("sip:u@5.6.7.8", &c->contacts->next->uri);
	CHECK_STR("0.5", &param_find(c->contacts->next->param_lst, "Q")->body);
	CHECK_INT(3600, parse_expires(&m));
	CHECK_INT(-1, parse_maxfwd(&m));
	for (h = m.headers; h != NULL; h = h->next)
		if (h->type == HDR_OTHER)
			break;
	CHECK(h != NULL);
	CHECK_STR("a\n b", &h->body);
	CHECK_INT(0, m.content_length);
	CHECK_INT(0, m.body.len);
	free_sip_msg(&m);
	return 0;
}

/* clang-format off */
static const char *const bad_header_msgs[] = {
	"OPTIONS sip:a@b SIP/2.0\r\n Via: x\r\n\r\n",	/* fold first */
	"OPTIONS sip:a@b SIP/2.0\r\nVia x\r\n\r\n",	/* no colon */
	"OPTIONS sip:a@b SIP/2.0\r\n: x\r\n\r\n",	/* no name */
	"OPTIONS sip:a@b SIP/2.0\r\nV(a: x\r\n\r\n",	/* bad name */
	"OPTIONS sip:a@b SIP/2.0\r\nVia",		/* truncated */
};
/* clang-format on */

static int
t_bad_headers(void)
{
	size_t i;

	for (i = 0; i < sizeof(bad_header_msgs) / sizeof(bad_header_msgs[0]);
	    i++) {
		struct sip_msg m;
		int rc = parse_str(bad_header_msgs[i], &m);

		free_sip_msg(&m);
		if (rc != E_PARSE) {
			printf("bad header %zu: expected E_PARSE got %d\n", i,
			    rc);
			return 1;
		}
	}
	return 0;
}

#define MIN_HDRS \
	"Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n" \
	"From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x\r\n"

/* clang-format off */
static const struct {
	const char *msg;
	int rc;         /* of parse_msg_check */
	const char *why;
} check_cases[] = {
	{ "OPTIONS sip:a@b SIP/2.0\r\n" MIN_HDRS "CSeq: 1 OPTIONS\r\n\r\n",
	  0, NULL },
	{ "OPTIONS sip:a@b SIP/2.0\r\n" MIN_HDRS "CSeq: 1 INVITE\r\n\r\n",
	  E_PARSE, "CSeq method does not match the request method" },
	{ "OPTIONS sip:a@b SIP/2.0\r\n" MIN_HDRS "CSeq: 1 options\r\n\r\n",
	  E_PARSE, "CSeq method does not match the request method" },
	{ "OPTIONS sip:a@b SIP/2.0\r\n" MIN_HDRS "\r\n",
	  E_PARSE, "no CSeq" },
	{ "OPTIONS sip:a@b SIP/2.0\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n"
	  "Call-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n", E_PARSE, "no Via" },
	{ "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP\r\n"
	  "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n"
	  "Call-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n", E_PARSE, "bad Via" },
	{ "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
	  "To: <sip:c@d>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n",
	  E_PARSE, "no From" },
	{ "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
	  "From: <sip:a@b>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\r\n",
	  E_PARSE, "no To" },
	{ "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
	  "From: <sip:a@b>\r\nTo: <sip:a@b>\r\nCSeq: 1 OPTIONS\r\n\r\n",
	  E_PARSE, "no Call-ID" },
	{ "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
	  "From: <sip:a@b>\r\nTo: <sip:a@b>\r\nCall-ID:\r\n"
	  "CSeq: 1 OPTIONS\r\n\r\n", E_PARSE, "empty Call-ID" },
	{ "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
	  "From: <sip:a@b\r\nTo: <sip:a@b>\r\nCall-ID: x\r\n"
	  "CSeq: 1 OPTIONS\r\n\r\n", E_PARSE, "bad From" },
	{ "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
	  "From: <sip:a@b>\r\nTo: \"x <sip:a@b>\r\nCall-ID: x\r\n"
	  "CSeq: 1 OPTIONS\r\n\r\n", E_PARSE, "bad To" },
	{ "OPTIONS sip:a@b SIP/2.0\r\n" MIN_HDRS "CSeq: OPTIONS\r\n\r\n",
	  E_PARSE, "bad CSeq" },
	{ "OPTIONS sip:a@b SIP/2.0\r\n" MIN_HDRS "CSeq: 1\r\n\r\n",
	  E_PARSE, "bad CSeq" },
	{ "OPTIONS sip:a@b SIP/2.0\r\n" MIN_HDRS "CSeq: 1 OPTIONS x\r\n\r\n",
	  E_PARSE, "bad CSeq" },
	{ "OPTIONS sip:a@b SIP/2.0\r\n" MIN_HDRS "CSeq: 2147483648 OPTIONS\r\n\r\n",
	  E_PARSE, "bad CSeq" },
	{ "OPTIONS sip:a@b SIP/2.0\r\n" MIN_HDRS "CSeq: 2147483647 OPTIONS\r\n\r\n",
	  0, NULL },
	{ "OPTIONS sip:a@b SIP/2.0\r\n" MIN_HDRS "CSeq: 1 OPTIONS\r\n"
	  "CSeq: 2 OPTIONS\r\n\r\n", E_PARSE, "more than one CSeq" },
	{ "OPTIONS sip:a@b SIP/2.0\r\n" MIN_HDRS "f: <sip:x@y>\r\n"
	  "CSeq: 1 OPTIONS\r\n\r\n", E_PARSE, "more than one From" },
	{ "OPTIONS sip:a@b SIP/2.0\r\n" MIN_HDRS "CSeq: 1 OPTIONS\r\n"
	  "Content-Length: x\r\n\r\n", E_PARSE, "bad Content-Length" },
	{ "OPTIONS sip:a@b SIP/2.0\r\n" MIN_HDRS "CSeq: 1 OPTIONS\r\n"
	  "Content-Length: 5\r\n\r\nabc", E_PARSE,
	  "Content-Length larger than the message" },
	{ "OPTIONS sip:a@b SIP/2.0\r\n" MIN_HDRS "CSeq: 1 OPTIONS\r\n"
	  "Content-Length: 2\r\nl: 3\r\n\r\nabc", E_PARSE,
	  "conflicting Content-Length headers" },
	{ "OPTIONS sip:a@b SIP/2.0\r\n" MIN_HDRS "CSeq: 1 OPTIONS\r\n"
	  "Content-Length: 3\r\nl: 3\r\n\r\nabc", 0, NULL },
	{ "SIP/2.0 200 OK\r\n" MIN_HDRS "CSeq: 1 INVITE\r\n\r\n", 0, NULL },
};
/* clang-format on */

static int
t_check(void)
{
	size_t i;

	for (i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		struct sip_msg m;
		const char *why = NULL;
		int rc;

		CHECK_INT(0, parse_str(check_cases[i].msg, &m));
		rc = parse_msg_check(&m, &why);
		free_sip_msg(&m);
		if (rc != check_cases[i].rc || (check_cases[i].why != NULL &&
		    (why == NULL || strcmp(why, check_cases[i].why) != 0))) {
			printf("check %zu: expected %d (%s) got %d (%s)\n", i,
			    check_cases[i].rc, check_cases[i].why, rc, why);
			return 1;
		}
	}
	return 0;
}

static int
t_body_framing(void)
{
	struct sip_msg m;
	const char *s1 = INVITE_HDRS "\r\nbody-to-end";
	const char *s2 = INVITE_HDRS "Content-Length: 2\r\n\r\nbody";
	const char *s3 = INVITE_HDRS "Content-Length: 20\r\n\r\nbody";
	const char *s4 = INVITE_HDRS "Content-Length: 99999999999\r\n\r\nbody";

	CHECK_INT(0, parse_str(s1, &m));
	CHECK_INT(-1, m.content_length);
	CHECK_STR("body-to-end", &m.body);
	free_sip_msg(&m);
	CHECK_INT(0, parse_str(s2, &m));
	CHECK_STR("bo", &m.body);
	free_sip_msg(&m);
	CHECK_INT(0, parse_str(s3, &m));
	CHECK_INT(20, m.content_length);
	CHECK_STR("body", &m.body);
	free_sip_msg(&m);
	CHECK_INT(0, parse_str(s4, &m));
	CHECK_INT(-1, m.content_length);
	CHECK_STR("body", &m.body);
	free_sip_msg(&m);
	/* no blank line: headers to the end, no body */
	CHECK_INT(0, parse_str("OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n", &m));
	CHECK(!m.eoh);
	CHECK_INT(0, m.body.len);
	free_sip_msg(&m);
	return 0;
}

static int
t_numbers(void)
{
	/* clang-format off */
	static const struct { const char *mf, *ex; int mfv; long exv; } tab[] = {
		{ "70", "0", 70, 0 },
		{ "0068", "4294967295", 68, 4294967295L },
		{ "255", "99999999999999999999999", 255, 4294967295L },
		{ "256", "-1", E_PARSE, E_PARSE },
		{ "", "", E_PARSE, E_PARSE },
		{ "7 0", "1x", E_PARSE, E_PARSE },
		{ "99999999999999999999", "1", E_PARSE, 1 },
	};
	/* clang-format on */
	char buf[512];
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		struct sip_msg m;

		snprintf(buf, sizeof(buf), "OPTIONS sip:a@b SIP/2.0\r\n"
		    "Max-Forwards: %s\r\nExpires: %s\r\n\r\n", tab[i].mf,
		    tab[i].ex);
		CHECK_INT(0, parse_str(buf, &m));
		CHECK_INT(tab[i].mfv, parse_maxfwd(&m));
		CHECK_INT(tab[i].exv, parse_expires(&m));
		free_sip_msg(&m);
	}
	return 0;
}

static int
t_route_lists(void)
{
	const char *s = "SIP/2.0 200 OK\r\n"
	    "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr;ftag=1>\r\n"
	    "Record-Route: \"Proxy, 3\" <sip:[::1]:5060;lr>\r\n"
	    "Route: <sip:x;lr>,\r\n <sip:y;lr>\r\n"
	    "Contact: *\r\n\r\n";
	struct sip_msg m;
	struct name_addr *n;
	struct contact_body *c;
	struct sip_uri u;

	CHECK_INT(0, parse_str(s, &m));
	CHECK_INT(0, parse_rr_hf(m.h[HDR_RECORDROUTE]));
	n = m.h[HDR_RECORDROUTE]->parsed;
	CHECK_STR("sip:p1.example.com;lr", &n->uri);
	CHECK_STR("sip:p2.example.com;lr;ftag=1", &n->next->uri);
	CHECK(n->next->next == NULL);
	CHECK_INT(0, parse_rr_hf(m.h[HDR_RECORDROUTE]->next_same));
	n = m.h[HDR_RECORDROUTE]->next_same->parsed;
	CHECK_STR("\"Proxy, 3\"", &n->display);
	CHECK_INT(0, parse_uri(n->uri.s, n->uri.len, &u));
	CHECK(u.host_is_ipv6 && u.lr_present && u.port_no == 5060);
	CHECK_INT(0, parse_rr_hf(m.h[HDR_ROUTE]));
	n = m.h[HDR_ROUTE]->parsed;
	CHECK_STR("sip:y;lr", &n->next->uri);
	CHECK_INT(0, parse_contact_hf(m.h[HDR_CONTACT]));
	c = m.h[HDR_CONTACT]->parsed;
	CHECK(c->star && c->contacts == NULL);
	CHECK_INT(0, parse_contact_hf(m.h[HDR_CONTACT]));
	free_sip_msg(&m);
	return 0;
}

/* clang-format off */
static const struct {
	const char *body;
	int rc;
	const char *display, *uri, *tag;
} to_cases[] = {
	{ "<sip:a@b>;tag=1", 0, "", "sip:a@b", "1" },
	{ "sip:a@b;tag=1", 0, "", "sip:a@b", "1" },
	{ "sip:a@b ; tag = 1", 0, "", "sip:a@b", "1" },
	{ "\"A \\\"q\\\" B\" <sip:a@b>", 0, "\"A \\\"q\\\" B\"", "sip:a@b", "" },
	{ "Alice  Smith <sip:a@b>;x;tag=z", 0, "Alice  Smith", "sip:a@b", "z" },
	{ "caller<sip:a@b>", 0, "caller", "sip:a@b", "" },
	{ "<tel:+1234>", 0, "", "tel:+1234", "" },
	{ "\"unterminated <sip:a@b>", E_PARSE, NULL, NULL, NULL },
	{ "<sip:a@b", E_PARSE, NULL, NULL, NULL },
	{ "< sip:a@b >", E_PARSE, NULL, NULL, NULL },
	{ "Bell, Alex <sip:a@b>", E_PARSE, NULL, NULL, NULL },
	{ "<sip:a@b>, <sip:c@d>", E_PARSE, NULL, NULL, NULL },
	{ "<sip:a@b>;", E_PARSE, NULL, NULL, NULL },
	{ "<sip:a@b>;tag=", E_PARSE, NULL, NULL, NULL },
	{ "<sip:a@b>;tag=\"x", E_PARSE, NULL, NULL, NULL },
	{ "<sip:a@b> junk", E_PARSE, NULL, NULL, NULL },
	{ "sip:a@b?x=y", E_PARSE, NULL, NULL, NULL },
	{ "nocolon", E_PARSE, NULL, NULL, NULL },
	{ "", E_PARSE, NULL, NULL, NULL },
	{ "<>", E_PARSE, NULL, NULL, NULL },
	{ "\"x\"", E_PARSE, NULL, NULL, NULL },
};
/* clang-format on */

static int
t_to_body(void)
{
	size_t i;

	for (i = 0; i < sizeof(to_cases) / sizeof(to_cases[0]); i++) {
		struct str b = str_from(to_cases[i].body);
		struct to_body *t = NULL;
		int rc = parse_to_body(&b, &t);

		if (rc != to_cases[i].rc) {
			printf("to %zu \"%s\": expected %d got %d\n", i,
			    to_cases[i].body, to_cases[i].rc, rc);
			free_to_body(t);
			return 1;
		}
		if (rc != 0)
			continue;
		CHECK_STR_E(to_cases[i].display, &t->display);
		CHECK_STR_E(to_cases[i].uri, &t->uri);
		CHECK_STR_E(to_cases[i].tag, &t->tag);
		free_to_body(t);
	}
	return 0;
}

/* clang-format off */
static const struct {
	const char *body;
	int rc;
	int count;
} list_cases[] = {
	{ "<sip:a@b>", 0, 1 },
	{ "<sip:a@b>,<sip:c@d>,sip:e@f", 0, 3 },
	{ "\"a,b\" <sip:a@b>;p=\"x,y\" , <sip:c@d>", 0, 2 },
	{ "<sip:a@b>,", E_PARSE, 0 },
	{ ",<sip:a@b>", E_PARSE, 0 },
	{ "<sip:a@b>,,<sip:c@d>", E_PARSE, 0 },
	{ "<sip:a@b>;;", E_PARSE, 0 },
	{ "<sip:a@b> <sip:c@d>", E_PARSE, 0 },
};
/* clang-format on */

static int
t_name_addr_list(void)
{
	size_t i;

	for (i = 0; i < sizeof(list_cases) / sizeof(list_cases[0]); i++) {
		struct str b = str_from(list_cases[i].body);
		struct name_addr *n = NULL, *x;
		int rc = parse_name_addr_list(&b, &n), cnt = 0;

		if (rc != list_cases[i].rc) {
			printf("list %zu: expected %d got %d\n", i,
			    list_cases[i].rc, rc);
			free_name_addr_list(n);
			return 1;
		}
		for (x = n; x != NULL; x = x->next)
			cnt++;
		free_name_addr_list(n);
		CHECK_INT(list_cases[i].count, cnt);
	}
	return 0;
}

/* clang-format off */
static const struct {
	const char *s;
	const char *stop;
	int rc;
	int count;
	size_t consumed;
} param_cases[] = {
	{ "a=b;c;d=\"x y\"", "", 0, 3, 13 },
	{ "a = b ; c", "", 0, 2, 9 },
	{ "a=b,c", ",", 0, 1, 3 },
	{ "a=\"b,c\",d", ",", 0, 1, 7 },
	{ "a=b;", "", E_PARSE, 0, 0 },
	{ "a=", "", E_PARSE, 0, 0 },
	{ "=b", "", E_PARSE, 0, 0 },
	{ "a=\"b", "", E_PARSE, 0, 0 },
	{ "a b", "", E_PARSE, 0, 0 },
	{ "", "", E_PARSE, 0, 0 },
};
/* clang-format on */

static int
t_params(void)
{
	struct param *p, *x;
	struct str s;
	size_t i, used;

	for (i = 0; i < sizeof(param_cases) / sizeof(param_cases[0]); i++) {
		int rc, cnt = 0;

		s = str_from(param_cases[i].s);
		p = NULL;
		used = 0;
		rc = parse_params(&s, param_cases[i].stop, &p, &used);
		CHECK_INT(param_cases[i].rc, rc);
		for (x = p; x != NULL; x = x->next)
			cnt++;
		CHECK_INT(param_cases[i].count, cnt);
		if (rc == 0)
			CHECK_INT(param_cases[i].consumed, used);
		if (i == 0) {
			CHECK_STR("x y", &param_find(p, "D")->body);
			CHECK(param_find(p, "c")->body.len == 0);
			CHECK(param_find(p, "e") == NULL);
		}
		free_params(p);
	}
	return 0;
}

/* Pipelined messages: complete only when the whole first one is there. */
static int
t_frame_split(void)
{
	const char *m1 = "\r\n\r\n" INVITE;
	const char *m2 = "BYE sip:b@c SIP/2.0\r\nl: 0\r\n\r\n";
	char buf[2048];
	size_t n1 = strlen(m1), n2 = strlen(m2), len, skip, i;
	ssize_t rc;

	memcpy(buf, m1, n1);
	memcpy(buf + n1, m2, n2);
	len = n1 + n2;
	for (i = 0; i <= len; i++) {
		char *copy = malloc(i ? i : 1);

		memcpy(copy, buf, i);
		skip = 99;
		rc = sip_frame_len(copy, i, &skip);
		free(copy);
		if (i < n1) {
			if (rc != 0) {
				printf("split %zu: expected 0 got %zd\n", i, rc);
				return 1;
			}
		} else {
			CHECK_INT(n1 - 4, rc);
			CHECK_INT(4, skip);
		}
	}
	/* the second message alone */
	rc = sip_frame_len(buf + n1, n2, &skip);
	CHECK_INT(n2, rc);
	CHECK_INT(0, skip);
	return 0;
}

/* clang-format off */
static const struct {
	const char *s;
	ssize_t rc;
	size_t skip;
} frame_cases[] = {
	{ "", 0, 0 },
	{ "\r\n", 0, 2 },
	{ "\r\n\r\n\r", 0, 4 },
	{ "\n\n", 0, 2 },
	{ "OPTIONS sip:a SIP/2.0\r\n\r\n", E_PARSE, 0 },
	{ "OPTIONS sip:a SIP/2.0\r\nX: y\r\n\r\n", E_PARSE, 0 },
	{ "OPTIONS sip:a SIP/2.0\r\nl: -1\r\n\r\n", E_PARSE, 0 },
	{ "OPTIONS sip:a SIP/2.0\r\nl: x\r\n\r\n", E_PARSE, 0 },
	{ "OPTIONS sip:a SIP/2.0\r\nl: 99999999999\r\n\r\n", E_PARSE, 0 },
	{ "OPTIONS sip:a SIP/2.0\r\nbad line\r\n\r\n", E_PARSE, 0 },
	{ "OPTIONS sip:a SIP/2.0\r\nl: 0\r\n\r\n", 31, 0 },
	{ "OPTIONS sip:a SIP/2.0\nl: 0\n\n", 28, 0 },
	{ "OPTIONS sip:a SIP/2.0\r\nContent-Length\t: \r\n 2\r\n\r\nab", 50, 0 },
	{ "OPTIONS sip:a SIP/2.0\r\nl: 3\r\n\r\nab", 0, 0 },
	{ "OPTIONS sip:a SIP/2.0\r\nX: l: 3\r\nl: 1\r\n\r\nab", 41, 0 },
	{ "OPTIONS sip:a SIP/2.0\r\nl: 0\r\n", 0, 0 },
	{ "OPTIONS sip:a SIP/2.0\r\nCONTENT-LENGTH: 1\r\n\r\na", 45, 0 },
	{ "OPTIONS sip:a SIP/2.0\r\nContent-Lengtx: 1\r\nL: 0\r\n\r\na",
	    50, 0 },
	{ "OPTIONS sip:a SIP/2.0\r\nContent-Type: 1\r\n\r\n", E_PARSE, 0 },
	{ "OPTIONS sip:a SIP/2.0\r\nX: 1\r\nbad line\r\nl: 0\r\n\r\n",
	    E_PARSE, 0 },
};
/* clang-format on */

static int
t_frame_cases(void)
{
	size_t i, skip;

	for (i = 0; i < sizeof(frame_cases) / sizeof(frame_cases[0]); i++) {
		const char *s = frame_cases[i].s;
		char *copy = malloc(strlen(s) + 1);
		ssize_t rc;

		memcpy(copy, s, strlen(s));
		rc = sip_frame_len(copy, strlen(s), &skip);
		free(copy);
		if (rc != frame_cases[i].rc || skip != frame_cases[i].skip) {
			printf("frame %zu: expected %zd/%zu got %zd/%zu\n", i,
			    frame_cases[i].rc, frame_cases[i].skip, rc, skip);
			return 1;
		}
	}
	return 0;
}

/* Every prefix of a message must parse or fail cleanly. */
static int
t_prefixes(void)
{
	const char *s = INVITE;
	size_t n = strlen(s), i;

	for (i = 0; i <= n; i++) {
		char *copy = malloc(i ? i : 1);
		struct sip_msg m;
		const char *why;

		memcpy(copy, s, i);
		if (parse_msg(copy, i, &m) == 0) {
			(void)parse_msg_check(&m, &why);
			(void)parse_sip_msg_uri(&m);
		}
		free_sip_msg(&m);
		free(copy);
	}
	return 0;
}

/* Allocation failures at every step leave nothing behind. */
static int
t_oom(void)
{
	long n;

	for (n = 1; n < 40; n++) {
		struct sip_msg m;
		const char *why;
		int rc;

		pkg_fail_after(n);
		rc = parse_str(INVITE, &m);
		if (rc == 0) {
			rc = parse_msg_check(&m, &why);
			CHECK(rc == 0 || rc == E_NOMEM);
			if (m.h[HDR_CONTACT] != NULL)
				(void)parse_contact_hf(m.h[HDR_CONTACT]);
		} else {
			CHECK_INT(E_NOMEM, rc);
		}
		free_sip_msg(&m);
		pkg_fail_after(0);
	}
	return 0;
}

/* ---- RFC 4475 */

enum expect {
	EX_OK,        /* parses and checks; sip R-URI parses */
	EX_OK_NOURI,  /* parses and checks; R-URI is not sip/sips/tel */
	EX_BAD,       /* refused somewhere in the parser */
	EX_NOCRASH,   /* invalid only semantically: just must not crash */
};

/* clang-format off */
static const struct {
	const char *file;
	enum expect ex;
} rfc4475[] = {
	{ "valid/wsinv.msg",		EX_OK },
	{ "valid/intmeth.msg",		EX_OK },
	{ "valid/esc01.msg",		EX_OK },
	{ "valid/escnull.msg",		EX_OK },
	{ "valid/esc02.msg",		EX_OK },
	{ "valid/lwsdisp.msg",		EX_OK },
	{ "valid/longreq.msg",		EX_OK },
	{ "valid/dblreq.msg",		EX_OK },
	{ "valid/semiuri.msg",		EX_OK },
	{ "valid/transports.msg",	EX_OK },
	{ "valid/mpart01.msg",		EX_OK },
	{ "valid/unreason.msg",		EX_OK },
	{ "valid/noreason.msg",		EX_OK },
	{ "valid/badbranch.msg",	EX_OK },
	{ "valid/unkscm.msg",		EX_OK_NOURI },
	{ "valid/novelsc.msg",		EX_OK_NOURI },
	{ "valid/unksm2.msg",		EX_OK },
	{ "valid/bext01.msg",		EX_OK },
	{ "valid/invut.msg",		EX_OK },
	{ "valid/regaut01.msg",		EX_OK },
	{ "valid/bcast.msg",		EX_OK },
	{ "valid/zeromf.msg",		EX_OK },
	{ "valid/cparam01.msg",		EX_OK },
	{ "valid/cparam02.msg",		EX_OK },
	{ "valid/regescrt.msg",		EX_OK },
	{ "valid/sdp01.msg",		EX_OK },
	{ "valid/inv2543.msg",		EX_OK },
	{ "invalid/badinv01.msg",	EX_BAD },
	{ "invalid/clerr.msg",		EX_BAD },
	{ "invalid/ncl.msg",		EX_BAD },
	{ "invalid/scalar02.msg",	EX_BAD },
	{ "invalid/scalarlg.msg",	EX_BAD },
	{ "invalid/quotbal.msg",	EX_BAD },
	{ "invalid/ltgtruri.msg",	EX_BAD },
	{ "invalid/lwsruri.msg",	EX_BAD },
	{ "invalid/lwsstart.msg",	EX_BAD },
	{ "invalid/trws.msg",		EX_BAD },
	{ "invalid/escruri.msg",	EX_BAD },
	/* A bad Date time zone: a stateless proxy never reads Date. */
	{ "invalid/baddate.msg",	EX_NOCRASH },
	{ "invalid/regbadct.msg",	EX_BAD },
	{ "invalid/badaspec.msg",	EX_BAD },
	{ "invalid/baddn.msg",		EX_BAD },
	{ "invalid/badvers.msg",	EX_BAD },
	{ "invalid/mismatch01.msg",	EX_BAD },
	{ "invalid/mismatch02.msg",	EX_BAD },
	{ "invalid/bigcode.msg",	EX_BAD },
	{ "invalid/insuf.msg",		EX_BAD },
	{ "invalid/multi01.msg",	EX_BAD },
	{ "invalid/mcl01.msg",		EX_BAD },
};
/* clang-format on */

static char *
load_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static bool
is_sipish(const struct str *u)
{
	return u->len > 4 && (strncasecmp(u->s, "sip:", 4) == 0 ||
	    strncasecmp(u->s, "sips:", 5) == 0);
}

/* Parse every header we know how to; 0 if all parsed. */
static int
parse_all_headers(struct sip_msg *m)
{
	struct hdr_field *h;
	struct name_addr *n;
	struct sip_uri u;
	int rc = 0;

	for (h = m->headers; h != NULL && rc == 0; h = h->next) {
		switch (h->type) {
		case HDR_VIA:
			rc = parse_via_hf(h);
			break;
		case HDR_TO:
		case HDR_FROM:
			if ((rc = parse_to_hf(h)) == 0 &&
			    is_sipish(&((struct to_body *)h->parsed)->uri))
				rc = parse_uri(((struct to_body *)h->parsed)
				    ->uri.s, ((struct to_body *)h->parsed)
				    ->uri.len, &u);
			break;
		case HDR_CONTACT:
			if ((rc = parse_contact_hf(h)) != 0)
				break;
			n = ((struct contact_body *)h->parsed)->contacts;
			for (; n != NULL && rc == 0; n = n->next)
				if (is_sipish(&n->uri))
					rc = parse_uri(n->uri.s, n->uri.len, &u);
			break;
		case HDR_ROUTE:
		case HDR_RECORDROUTE:
			if ((rc = parse_rr_hf(h)) != 0)
				break;
			for (n = h->parsed; n != NULL && rc == 0; n = n->next)
				rc = parse_uri(n->uri.s, n->uri.len, &u);
			break;
		default:
			break;
		}
	}
	return rc;
}

static int
t_rfc4475(void)
{
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(rfc4475) / sizeof(rfc4475[0]); i++) {
		struct sip_msg m;
		const char *why = NULL;
		size_t len;
		char *buf;
		int rc, stage = 0;

		snprintf(path, sizeof(path), "test/unit/rfc4475/%s",
		    rfc4475[i].file);
		if ((buf = load_file(path, &len)) == NULL) {
			printf("%s: cannot read (run from the repo root)\n",
			    path);
			return 1;
		}
		rc = parse_msg(buf, len, &m);
		if (rc == 0) {
			stage = 1;
			rc = parse_msg_check(&m, &why);
		}
		if (rc == 0 && m.first.type == SIP_REQUEST &&
		    rfc4475[i].ex != EX_OK_NOURI) {
			stage = 2;
			rc = parse_sip_msg_uri(&m);
		}
		if (rc == 0) {
			stage = 3;
			rc = parse_all_headers(&m);
		}
		if (rfc4475[i].ex == EX_OK_NOURI && rc == 0 &&
		    parse_sip_msg_uri(&m) != E_PARSE)
			rc = E_BUG;
		free_sip_msg(&m);
		free(buf);
		if ((rfc4475[i].ex == EX_OK || rfc4475[i].ex == EX_OK_NOURI) &&
		    rc != 0) {
			printf("%s: expected valid, failed at stage %d: %d %s\n",
			    rfc4475[i].file, stage, rc, why ? why : "");
			return 1;
		}
		if (rfc4475[i].ex == EX_BAD && rc == 0) {
			printf("%s: expected to be refused\n", rfc4475[i].file);
			return 1;
		}
	}
	return 0;
}

/* Details RFC 4475 calls out for wsinv and dblreq. */
static int
t_rfc4475_details(void)
{
	struct sip_msg m;
	struct via_body *v;
	struct to_body *t;
	size_t len;
	char *buf;

	CHECK((buf = load_file("test/unit/rfc4475/valid/wsinv.msg", &len)) !=
	    NULL);
	CHECK_INT(0, parse_msg(buf, len, &m));
	CHECK_INT(0, parse_msg_check(&m, NULL));
	CHECK_INT(68, parse_maxfwd(&m));
	CHECK_INT(9, ((struct cseq_body *)m.h[HDR_CSEQ]->parsed)->num);
	t = m.h[HDR_FROM]->parsed;
	CHECK_STR("98asjd8", &t->tag);
	CHECK_STR("\"J Rosenberg \\\\\\\"\"", &t->display);
	t = m.h[HDR_TO]->parsed;
	CHECK_STR("1918181833n", &t->tag);
	v = m.h[HDR_VIA]->parsed;
	CHECK_STR("192.0.2.2", &v->host);
	CHECK(v->rport != NULL);
	CHECK_STR("390skdjuw", &v->branch->body);
	CHECK_INT(0, parse_via_hf(m.h[HDR_VIA]->next_same));
	v = m.h[HDR_VIA]->next_same->parsed;
	CHECK_STR("spindle.example.com", &v->host);
	CHECK_STR("z9hG4bK9ikj8", &v->branch->body);
	CHECK_STR("z9hG4bK30239", &v->next->branch->body);
	CHECK_STR("", &m.h[HDR_SUBJECT]->body);
	CHECK_INT(150, m.body.len);
	CHECK_INT(0, parse_sip_msg_uri(&m));
	CHECK_STR("unknownparam", &m.parsed_uri.params);
	free_sip_msg(&m);
	free(buf);

	CHECK((buf = load_file("test/unit/rfc4475/valid/dblreq.msg", &len)) !=
	    NULL);
	CHECK_INT(0, parse_msg(buf, len, &m));
	CHECK_INT(0, m.content_length);
	CHECK_INT(0, m.body.len);
	CHECK_INT(METHOD_REGISTER, m.first.method_id);
	free_sip_msg(&m);
	free(buf);
	return 0;
}

/* clang-format off */
/* The token table against RFC 3261's definition, every byte. */
static int
t_token_class(void)
{
	int c;

	for (c = 0; c < 256; c++) {
		bool exp = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || (c != 0 && strchr("-.!%*_+`'~",
		    c) != NULL);

		CHECK_INT(exp, pu_is_token((char)c));
	}
	return 0;
}

static const struct unit_test tests[] = {
	{ "token_class",	t_token_class },
	{ "basic_invite",	t_basic_invite },
	{ "reply",		t_reply },
	{ "first_line",		t_first_line },
	{ "methods",		t_methods },
	{ "hdr_names",		t_hdr_names },
	{ "folding_compact",	t_folding_compact },
	{ "bad_headers",	t_bad_headers },
	{ "check",		t_check },
	{ "body_framing",	t_body_framing },
	{ "numbers",		t_numbers },
	{ "route_lists",	t_route_lists },
	{ "to_body",		t_to_body },
	{ "name_addr_list",	t_name_addr_list },
	{ "params",		t_params },
	{ "frame_split",	t_frame_split },
	{ "frame_cases",	t_frame_cases },
	{ "prefixes",		t_prefixes },
	{ "oom",		t_oom },
	{ "rfc4475",		t_rfc4475 },
	{ "rfc4475_details",	t_rfc4475_details },
	{ NULL, NULL },
};
/* clang-format on */

UNIT_MAIN(tests)
