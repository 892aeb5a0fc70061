/* t_helpers.c: the small helpers that replaced copies in several layers:
 * str_unbracket() and str_append() (base/str.h), proto_default_port(),
 * timer_now_ms(), parse_via_top() and pv_value_set_int(). */
#include <string.h>
#include <time.h>

#include "../../base/err.h"
#include "../../base/proto.h"
#include "../../base/str.h"
#include "../../base/timer.h"
#include "../../parser/msg_parser.h"
#include "../../parser/parse_via.h"
#include "../../script/pv.h"
#include "unit.h"

static int
test_unbracket(void)
{
	/* clang-format off */
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "[::1]",          "::1" },
		{ "[2001:db8::7]",  "2001:db8::7" },
		{ "[]",             "" },
		{ "[1.2.3.4]",      "1.2.3.4" },  /* brackets only: no check */
		{ "1.2.3.4",        "1.2.3.4" },
		{ "example.com",    "example.com" },
		{ "[::1",           "[::1" },     /* not a pair: unchanged */
		{ "::1]",           "::1]" },
		{ "[",              "[" },
		{ "]",              "]" },
		{ "",               "" },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct str in = str_from(cases[i].in);
		struct str got = str_unbracket(in);

		CHECK_STR(cases[i].out, &got);
		if (got.len != in.len)
			CHECK(got.s == in.s + 1); /* a view, not a copy */
		else
			CHECK(got.s == in.s);
	}
	return 0;
}

static int
test_append(void)
{
	char buf[8], *p = buf, *end = buf + sizeof(buf);
	const char *got = buf;

	CHECK_INT(0, str_append(&p, end, "abc", 3));
	CHECK_INT(3, p - buf);
	CHECK_INT(0, str_append(&p, end, "", 0));
	CHECK_INT(3, p - buf);
	/* does not fit: nothing written, p unchanged */
	memset(p, 'x', (size_t)(end - p));
	CHECK_INT(E_TOOBIG, str_append(&p, end, "123456", 6));
	CHECK_INT(3, p - buf);
	CHECK(buf[3] == 'x');
	/* exactly the rest */
	CHECK_INT(0, str_append(&p, end, "12345", 5));
	CHECK(p == end);
	CHECK_STRN("abc12345", got, sizeof(buf));
	CHECK_INT(E_TOOBIG, str_append(&p, end, "z", 1));
	CHECK_INT(0, str_append(&p, end, "", 0));
	return 0;
}

static int
test_default_port(void)
{
	CHECK_INT(5061, proto_default_port(PROTO_TLS));
	CHECK_INT(5060, proto_default_port(PROTO_UDP));
	CHECK_INT(5060, proto_default_port(PROTO_TCP));
	CHECK_INT(5060, proto_default_port(PROTO_SCTP));
	CHECK_INT(5060, proto_default_port(PROTO_NONE));
	return 0;
}

static int
test_now_ms(void)
{
	uint64_t a = timer_now_ms(), b;
	struct timespec ts = { 0, 20 * 1000000 };

	nanosleep(&ts, NULL);
	b = timer_now_ms();
	CHECK(a > 0);
	CHECK(b >= a + 19); /* monotonic and in milliseconds */
	CHECK(b < a + 5000);
	return 0;
}

static int
test_via_top(void)
{
	static const char with[] =
	    "OPTIONS sip:a@b SIP/2.0\r\n"
	    "Via: SIP/2.0/TCP [2001:db8::1]:5070;branch=z9hG4bK1;alias,"
	    " SIP/2.0/UDP 1.2.3.4\r\n"
	    "Via: SIP/2.0/UDP 5.6.7.8\r\n"
	    "From: <sip:x@y>;tag=1\r\nTo: <sip:a@b>\r\n"
	    "Call-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
	static const char bad[] = "OPTIONS sip:a@b SIP/2.0\r\n"
	                          "Via: SIP/2.0/UDP\r\n"
	                          "Call-ID: c\r\nContent-Length: 0\r\n\r\n";
	static const char reply[] =
	    "SIP/2.0 200 OK\r\nCall-ID: c\r\nContent-Length: 0\r\n\r\n";
	struct sip_msg m;
	struct via_body *v;

	CHECK(parse_msg(with, sizeof(with) - 1, &m) == 0);
	CHECK((v = parse_via_top(&m)) != NULL);
	CHECK_STR("[2001:db8::1]", &v->host);
	CHECK_INT(5070, v->port);
	CHECK_INT(PROTO_TCP, v->proto);
	CHECK(v->alias != NULL);
	CHECK(parse_via_top(&m) == v); /* parsed once, kept by the header */
	free_sip_msg(&m);

	CHECK(parse_msg(reply, sizeof(reply) - 1, &m) == 0);
	CHECK(parse_via_top(&m) == NULL); /* no Via at all */
	free_sip_msg(&m);

	CHECK(parse_msg(bad, sizeof(bad) - 1, &m) == 0);
	CHECK(parse_via_top(&m) == NULL); /* a Via that does not parse */
	free_sip_msg(&m);
	return 0;
}

static int
test_pv_int(void)
{
	struct pv_value v;

	memset(&v, 0, sizeof(v));
	CHECK_INT(0, pv_value_set_int(&v, -42));
	CHECK_INT(PV_INT | PV_STR, v.flags);
	CHECK_INT(-42, v.n);
	CHECK_STR("-42", &v.s);
	CHECK(v.s.s == v.buf);
	CHECK_INT(0, pv_value_set_int(&v, 5060));
	CHECK_STR("5060", &v.s);
	return 0;
}

static const struct unit_test tests[] = {
	{ "unbracket", test_unbracket },
	{ "append", test_append },
	{ "default_port", test_default_port },
	{ "now_ms", test_now_ms },
	{ "via_top", test_via_top },
	{ "pv_int", test_pv_int },
	{ NULL, NULL },
};

UNIT_MAIN(tests)
