/* t_script.c: the routing script engine: conditions (incl. regex and
 * myself), core functions, pseudo-variables and assignments, route()
 * calls, break/exit/drop/return, and fix-up errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cfg/cfg.h"
#include "../../cmds/core_cmds.h"
#include "../../cfg/cfg_param.h"
#include "../../cfg/core_cfg.h"
#include "../../mem/pkg.h"
#include "../../net/net_addr.h"
#include "../../net/socket_info.h"
#include "../../parser/msg_parser.h"
#include "../../script/pv.h"
#include "../../script/route.h"
#include "../../sip/ruri.h"
#include "../../base/usr_avp.h"
#include "unit.h"

static const char script[] =
    "listen=udp:127.0.0.1:5099\n"
    "alias=proxy.example.com\n"
    "route {\n"
    "  if (method==\"OPTIONS\" && uri==myself) { setflag(1); return(7); }\n"
    "  if (uri=~\"^sip:1[0-9]+@\") { strip(1); prefix(\"00\"); setflag(2); }\n"
    "  if (src_ip==10.0.0.0/8) { setflag(3); }\n"
    "  if (src_ip==127.0.0.1 && proto==udp && af==INET) { setflag(4); }\n"
    "  if (from_uri==myself) { setflag(5); }\n"
    "  if ($hdr(Subject)==\"route me\") { route(sub); }\n"
    "  if (isflagset(6)) { exit; }\n"
    "  $avp(i:400) = $fd;\n"
    "  $avp(s:who) = \"u=$fU\";\n"
    "  if ($avp(i:400) == \"proxy.example.com\") { setflag(7); }\n"
    "  if (method==\"BYE\") { drop; }\n"
    "  if (method==\"INFO\") { sethost(\"b.example.org\"); $rU = \"bob\"; }\n"
    "  if (method==\"MESSAGE\") { rewriteuri(\"sip:x@y\"); revert_uri(); }\n"
    "  if (!(method==\"INVITE\") || src_port==5060) { setflag(8); }\n"
    "}\n"
    "route[sub] { setflag(6); break; setflag(9); }\n";

static bool loaded;

/* the core's functions, once (main.c does this after parsing) */
static void
register_cmds(void)
{
	static bool done;

	if (!done && core_cmds_register() == 0)
		done = true;
}

static int
load(void)
{
	struct route_block *rb = NULL;
	char *err = NULL;
	int nerr = 0;

	if (loaded)
		return 0;
	if (cfg_parse_buffer("t.cfg", script, sizeof(script) - 1, NULL, &rb,
		&nerr) != 0 || nerr != 0)
		return 1;
	register_cmds();
	if (route_fixup_all(rb) != 0)
		return 1;
	if (sockets_from_cfg(&core_cfg, &err) != 0) {
		printf("sockets: %s\n", err);
		return 1;
	}
	loaded = true;
	return 0;
}

struct run {
	struct sip_msg msg;
	char buf[2048];
	unsigned flags;
	int ret;
};

static int
run_msg(struct run *r, const char *method, const char *ruri,
    const char *from_host, const char *extra, const char *src)
{
	struct run_ctx ctx;
	int n;

	n = snprintf(r->buf, sizeof(r->buf),
	    "%s %s SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP %s:5060;branch=z9hG4bKabc\r\n"
	    "From: \"Al\" <sip:alice@%s>;tag=f1\r\n"
	    "To: <%s>\r\n"
	    "Call-ID: c1@x\r\n"
	    "CSeq: 1 %s\r\n"
	    "%s"
	    "Content-Length: 0\r\n\r\n",
	    method, ruri, src, from_host, ruri, method, extra);
	if (parse_msg(r->buf, (size_t)n, &r->msg) != 0)
		return 1;
	r->msg.rcv.proto = PROTO_UDP;
	ip_addr_parse(src, strlen(src), &r->msg.rcv.src_ip);
	r->msg.rcv.src_port = 5060;
	memset(&ctx, 0, sizeof(ctx));
	ctx.kind = ROUTE_REQUEST;
	r->flags = route_run(route_get(ROUTE_REQUEST, NULL), &r->msg, &ctx);
	r->ret = ctx.last_ret;
	return 0;
}

static void
run_done(struct run *r)
{
	pkg_free(r->msg.new_uri);
	pkg_free(r->msg.dst_uri);
	avp_reset();
	free_sip_msg(&r->msg);
}

#define FLAG(r, n) (((r)->msg.flags >> (n)) & 1u)

static int
test_myself_and_return(void)
{
	struct run r;

	CHECK(load() == 0);
	unit_leak_baseline();
	CHECK(run_msg(&r, "OPTIONS", "sip:proxy.example.com", "a.org", "",
	    "127.0.0.1") == 0);
	CHECK_INT(1, FLAG(&r, 1));
	CHECK_INT(7, r.ret);
	CHECK_INT(0, FLAG(&r, 8));  /* return left the route */
	run_done(&r);
	CHECK(run_msg(&r, "OPTIONS", "sip:127.0.0.1:5099", "a.org", "",
	    "127.0.0.1") == 0);
	CHECK_INT(1, FLAG(&r, 1));
	run_done(&r);
	CHECK(run_msg(&r, "OPTIONS", "sip:other.org", "a.org", "",
	    "127.0.0.1") == 0);
	CHECK_INT(0, FLAG(&r, 1));
	run_done(&r);
	return 0;
}

static int
test_regex_strip_prefix(void)
{
	struct run r;
	struct str u;

	CHECK(load() == 0);
	unit_leak_baseline();
	CHECK(run_msg(&r, "INVITE", "sip:1234@b.org", "a.org", "",
	    "127.0.0.1") == 0);
	CHECK_INT(1, FLAG(&r, 2));
	u = ruri_get(&r.msg);
	CHECK_STR("sip:00234@b.org", &u);
	run_done(&r);
	CHECK(run_msg(&r, "INVITE", "sip:alice@b.org", "a.org", "",
	    "127.0.0.1") == 0);
	CHECK_INT(0, FLAG(&r, 2));
	run_done(&r);
	return 0;
}

static int
test_ip_conditions(void)
{
	struct run r;

	CHECK(load() == 0);
	unit_leak_baseline();
	CHECK(run_msg(&r, "INVITE", "sip:a@b.org", "a.org", "", "10.1.2.3") == 0);
	CHECK_INT(1, FLAG(&r, 3));
	CHECK_INT(0, FLAG(&r, 4));
	run_done(&r);
	CHECK(run_msg(&r, "INVITE", "sip:a@b.org", "a.org", "", "127.0.0.1") == 0);
	CHECK_INT(0, FLAG(&r, 3));
	CHECK_INT(1, FLAG(&r, 4));
	CHECK_INT(1, FLAG(&r, 8));   /* src_port==5060 */
	run_done(&r);
	return 0;
}

static int
test_pv_and_avps(void)
{
	struct run r;
	struct avp_value v;
	struct avp_name who = { .is_str = true, .name = STR_LIT("who") };

	CHECK(load() == 0);
	unit_leak_baseline();
	CHECK(run_msg(&r, "INVITE", "sip:a@b.org", "proxy.example.com", "",
	    "127.0.0.1") == 0);
	CHECK_INT(1, FLAG(&r, 5));   /* from_uri==myself via alias */
	CHECK_INT(1, FLAG(&r, 7));   /* $avp(i:400) = $fd */
	CHECK(avp_get_int_name(400, &v));
	CHECK_STR("proxy.example.com", &v.s);
	CHECK(avp_get(&who, &v));
	CHECK_STR("u=alice", &v.s);
	run_done(&r);
	return 0;
}

static int
test_route_call_break_exit(void)
{
	struct run r;

	CHECK(load() == 0);
	unit_leak_baseline();
	CHECK(run_msg(&r, "INVITE", "sip:a@b.org", "a.org",
	    "Subject: route me\r\n", "127.0.0.1") == 0);
	CHECK_INT(1, FLAG(&r, 6));
	CHECK_INT(0, FLAG(&r, 9));   /* break ended route[sub] */
	CHECK_INT(0, FLAG(&r, 7));   /* exit in the main route */
	CHECK(r.flags & RUN_EXIT);
	run_done(&r);
	return 0;
}

static int
test_drop_and_rewrites(void)
{
	struct run r;
	struct str u;

	CHECK(load() == 0);
	unit_leak_baseline();
	CHECK(run_msg(&r, "BYE", "sip:a@b.org", "a.org", "", "127.0.0.1") == 0);
	CHECK(r.flags & RUN_DROP);
	run_done(&r);
	CHECK(run_msg(&r, "INFO", "sip:a@b.org:5070;transport=udp", "a.org",
	    "", "127.0.0.1") == 0);
	u = ruri_get(&r.msg);
	CHECK_STR("sip:bob@b.example.org:5070;transport=udp", &u);
	run_done(&r);
	CHECK(run_msg(&r, "MESSAGE", "sip:a@b.org", "a.org", "",
	    "127.0.0.1") == 0);
	u = ruri_get(&r.msg);
	CHECK_STR("sip:a@b.org", &u);
	run_done(&r);
	return 0;
}

/* fix-up errors: each must be reported and counted */
static int
fixup_errors_of(const char *text)
{
	struct route_block *rb = NULL;
	int nerr = 0;

	if (cfg_parse_buffer("e.cfg", text, strlen(text), NULL, &rb,
		&nerr) != 0 || nerr != 0)
		return -1;
	return route_fixup_all(rb);
}

static int
test_fixup_errors(void)
{
	static const char *const bad[] = {
		"route { nosuchfunction(); }\n",
		"route { setflag(1, 2); }\n",
		"route { setflag(99); }\n",
		"route { if (uri=~\"(\") { exit; } }\n",
		"route { if (proto==foo) { exit; } }\n",
		"route { if (src_ip==1.2.3) { exit; } }\n",
		"route { route(missing); }\n",
		"route { $fd = \"x\"; }\n",
		"route { $nosuchpv = 1; }\n",
		"route { forward(\"a\", \"x\"); }\n",
		NULL,
	};
	int i;

	/* these leak their half-built trees by design: not a per-message
	 * path */
	for (i = 0; bad[i] != NULL; i++) {
		int n = fixup_errors_of(bad[i]);

		if (n <= 0) {
			printf("no fix-up error for: %s", bad[i]);
			return 1;
		}
	}
	unit_leak_baseline();
	/* the good script is restored for later tests */
	loaded = false;
	return 0;
}

static const struct unit_test tests[] = {
	{ "myself_and_return", test_myself_and_return },
	{ "regex_strip_prefix", test_regex_strip_prefix },
	{ "ip_conditions", test_ip_conditions },
	{ "pv_and_avps", test_pv_and_avps },
	{ "route_call_break_exit", test_route_call_break_exit },
	{ "drop_and_rewrites", test_drop_and_rewrites },
	{ "fixup_errors", test_fixup_errors },
	{ NULL, NULL },
};

UNIT_MAIN(tests)
