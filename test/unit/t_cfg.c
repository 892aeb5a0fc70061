/* t_cfg.c: the config front end: statements, operands, globals, listen
 * forms, TLS blocks and rules, error messages with their positions, the
 * printer's round trip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "../../cfg/cfg.h"
#include "../../cfg/cfg_tls.h"
#include "../../base/err.h"
#include "../../cfg/core_cfg.h"
#include "../../base/log.h"
#include "../../tls/tls.h"
#include "unit.h"

static char errs[8192];

static int
ok_module(const char *path, const struct cfg_pos *pos, char **err)
{
	(void)path;
	(void)pos;
	(void)err;
	return 0;
}

static int
ok_param(const char *mod, const char *param, const struct cfg_val *v,
    char **err)
{
	(void)mod;
	(void)param;
	(void)v;
	(void)err;
	return 0;
}

static int
ok_global(const char *name, const struct cfg_val *v, char **err)
{
	(void)name;
	(void)v;
	(void)err;
	return 0;
}

static int
ok_open(enum tls_domain_type t, const struct cfg_val *v, char **err)
{
	(void)t;
	(void)v;
	(void)err;
	return 0;
}

static int
ok_close(char **err)
{
	(void)err;
	return 0;
}

static const struct cfg_hooks std_hooks = {
	.loadmodule = ok_module, .modparam = ok_param,
};
/* accepts every global and TLS block: syntax only */
static const struct cfg_hooks syntax_hooks = {
	.global = ok_global, .loadmodule = ok_module, .modparam = ok_param,
	.tls_domain_open = ok_open, .tls_domain_set = ok_global,
	.tls_domain_close = ok_close,
};

/* Parse src; errors text into errs; returns the error count. */
static int
parse_h(const char *src, const struct cfg_hooks *base, struct route_block **r)
{
	struct cfg_hooks h = *base;
	char *buf = NULL;
	size_t len = 0;
	int n = -1;

	cfg_tls_compiled = tls_compiled();
	h.err_file = open_memstream(&buf, &len);
	cfg_parse_buffer("t.cfg", src, strlen(src), &h, r, &n);
	fclose(h.err_file);
	snprintf(errs, sizeof(errs), "%s", buf ? buf : "");
	free(buf);
	return n;
}

static int
parse(const char *src, struct route_block **r)
{
	return parse_h(src, &std_hooks, r);
}

static void
cleanup(struct route_block *r)
{
	route_blocks_free(r);
	core_cfg_reset();
	tls_cfg_reset();
}

static int
t_statements(void)
{
	struct route_block *r;
	struct action *a;

	CHECK_INT(0, parse("route {\n f();\n g(\"s\", 1, w, $x, a.b:c, -2);\n"
	    " if (loose_route()) { exit; } else if ($x) drop; else { break; };\n"
	    " { return; }\n return(3);\n return 4;\n $avp(i:400) = $fd;\n"
	    " $ru = \"sip:x@y\";\n $avp(s:foo) = 5;\n route(1);\n;;\n}\n",
	    &r));
	CHECK(r != NULL && r->kind == ROUTE_REQUEST && r->name == NULL);
	a = r->actions;
	CHECK(a->type == A_CALL && strcmp(a->name, "f") == 0 && a->nargs == 0);
	CHECK_INT(2, a->pos.line);
	CHECK_INT(2, a->pos.col);
	a = a->next;
	CHECK_INT(6, a->nargs);
	CHECK_INT(ARG_STR, a->args[0].type);
	CHECK_STRN("s", a->args[0].s, a->args[0].len);
	CHECK_INT(ARG_NUM, a->args[1].type);
	CHECK_INT(1, a->args[1].n);
	CHECK_INT(ARG_ID, a->args[2].type);
	CHECK_INT(ARG_PV, a->args[3].type);
	CHECK_STRN("$x", a->args[3].s, a->args[3].len);
	CHECK_INT(ARG_ID, a->args[4].type);
	CHECK_STRN("a.b:c", a->args[4].s, a->args[4].len);
	CHECK_INT(-2, a->args[5].n);
	a = a->next;
	CHECK(a->type == A_IF && a->cond->type == EXP_CALL);
	CHECK(strcmp(a->cond->call->name, "loose_route") == 0);
	CHECK(a->then_a->type == A_EXIT && a->then_a->next == NULL);
	CHECK(a->else_a->type == A_IF && a->else_a->cond->type == EXP_VALUE);
	CHECK(a->else_a->then_a->type == A_DROP);
	CHECK(a->else_a->else_a->type == A_BREAK);
	a = a->next;
	CHECK(a->type == A_BLOCK && a->then_a->type == A_RETURN);
	CHECK_INT(0, a->then_a->nargs);
	a = a->next;
	CHECK(a->type == A_RETURN && a->nargs == 1 && a->args[0].n == 3);
	a = a->next;
	CHECK(a->type == A_RETURN && a->args[0].n == 4);
	a = a->next;
	CHECK(a->type == A_ASSIGN && a->lhs.type == OPD_PV);
	CHECK_STRN("$avp(i:400)", a->lhs.s, a->lhs.len);
	CHECK(a->rhs.type == OPD_PV);
	a = a->next;
	CHECK(a->type == A_ASSIGN && a->rhs.type == OPD_STR);
	CHECK_STRN("sip:x@y", a->rhs.s, a->rhs.len);
	a = a->next;
	CHECK(a->rhs.type == OPD_NUM && a->rhs.n == 5);
	a = a->next;
	CHECK(a->type == A_CALL && strcmp(a->name, "route") == 0);
	CHECK(a->args[0].type == ARG_NUM && a->next == NULL);
	cleanup(r);
	return 0;
}

static int
t_route_kinds(void)
{
	struct route_block *r, *b;

	CHECK_INT(0, parse("route{}\nroute[1]{}\nroute[name]{}\n"
	    "failure_route[1]{}\nonreply_route{}\nonreply_route[2]{}\n"
	    "branch_route[1]{};\n", &r));
	b = r;
	CHECK(b->kind == ROUTE_REQUEST && b->name == NULL);
	b = b->next;
	CHECK(b->kind == ROUTE_REQUEST && strcmp(b->name, "1") == 0);
	b = b->next;
	CHECK(strcmp(b->name, "name") == 0);
	b = b->next;
	CHECK(b->kind == ROUTE_FAILURE && strcmp(b->name, "1") == 0);
	b = b->next;
	CHECK(b->kind == ROUTE_ONREPLY && b->name == NULL);
	b = b->next;
	CHECK(b->kind == ROUTE_ONREPLY && strcmp(b->name, "2") == 0);
	b = b->next;
	CHECK(b->kind == ROUTE_BRANCH && b->next == NULL);
	CHECK_INT(7, b->pos.line);
	cleanup(r);
	return 0;
}

/* clang-format off */
static const struct {
	const char *cond;
	enum operand_type lt;
	enum expr_op op;
	enum operand_type rt;
	const char *rs;
} cmp_cases[] = {
	{ "method==\"INVITE\"",   OPD_METHOD,   OP_EQ,  OPD_STR, "INVITE" },
	{ "uri!=myself",          OPD_URI,      OP_NE,  OPD_MYSELF, NULL },
	{ "from_uri=~\"^sip:\"",  OPD_FROM_URI, OP_RE,  OPD_STR, "^sip:" },
	{ "to_uri!~\"x\\.y\"",    OPD_TO_URI,   OP_NRE, OPD_STR, "x\\.y" },
	{ "src_ip==127.0.0.1",    OPD_SRC_IP,   OP_EQ,  OPD_ID, "127.0.0.1" },
	{ "src_ip==10.0.0.0/8",   OPD_SRC_IP,   OP_EQ,  OPD_ID, "10.0.0.0/8" },
	{ "src_ip==myself",       OPD_SRC_IP,   OP_EQ,  OPD_MYSELF, NULL },
	{ "dst_ip==[::1]",        OPD_DST_IP,   OP_EQ,  OPD_ID, "[::1]" },
	{ "src_port>1024",        OPD_SRC_PORT, OP_GT,  OPD_NUM, "1024" },
	{ "dst_port<5060",        OPD_DST_PORT, OP_LT,  OPD_NUM, "5060" },
	{ "proto==tls",           OPD_PROTO,    OP_EQ,  OPD_ID, "tls" },
	{ "proto==TLS",           OPD_PROTO,    OP_EQ,  OPD_ID, "TLS" },
	{ "af==INET6",            OPD_AF,       OP_EQ,  OPD_ID, "INET6" },
	{ "msg:len>=4096",        OPD_MSGLEN,   OP_GE,  OPD_NUM, "4096" },
	{ "retcode<=-1",          OPD_RETCODE,  OP_LE,  OPD_NUM, "-1" },
	{ "myself==src_ip",       OPD_MYSELF,   OP_EQ,  OPD_SRC_IP, NULL },
	{ "$rU==$avp(s:foo)",     OPD_PV,       OP_EQ,  OPD_PV, "$avp(s:foo)" },
	{ "$hdr(Alert-Info)=~\"a\"", OPD_PV,    OP_RE,  OPD_STR, "a" },
};
/* clang-format on */

static int
t_operands(void)
{
	struct route_block *r;
	struct expr *e;
	char src[256];
	size_t i;

	for (i = 0; i < sizeof(cmp_cases) / sizeof(cmp_cases[0]); i++) {
		snprintf(src, sizeof(src), "route { if (%s) exit; }",
		    cmp_cases[i].cond);
		if (parse(src, &r) != 0) {
			printf("%s: %s", cmp_cases[i].cond, errs);
			return 1;
		}
		e = r->actions->cond;
		CHECK(e->type == EXP_CMP);
		CHECK_INT(cmp_cases[i].lt, e->lhs.type);
		CHECK_INT(cmp_cases[i].op, e->op);
		CHECK_INT(cmp_cases[i].rt, e->rhs.type);
		if (cmp_cases[i].rs != NULL)
			CHECK_STRN(cmp_cases[i].rs, e->rhs.s, e->rhs.len);
		CHECK_INT(13, e->pos.col);
		cleanup(r);
	}
	/* && binds tighter than ||; ! and parentheses */
	CHECK_INT(0, parse("route { if (!(a()) || b() && !$x) exit; }", &r));
	e = r->actions->cond;
	CHECK(e->type == EXP_OR && e->l->type == EXP_NOT);
	CHECK(e->l->l->type == EXP_CALL && e->r->type == EXP_AND);
	CHECK(e->r->r->type == EXP_NOT && e->r->r->l->type == EXP_VALUE);
	cleanup(r);
	return 0;
}

/* clang-format off */
static const struct {
	const char *src;
	const char *err;
} err_cases[] = {
	{ "route {\n\tf()\n}\n", "t.cfg:3:1: syntax error: unexpected '}', expecting ';'\n" },
	{ "route { f(\"a\" \"b\"); }", "t.cfg:1:15: syntax error: unexpected string \"b\", expecting ',' or ')'\n" },
	{ "route { if (x==1) exit; }", "t.cfg:1:14: syntax error: unexpected '==', expecting '('\n" },
	{ "debug = = 3\nfork=yes\n", "t.cfg:1:9: syntax error: unexpected '=', expecting identifier or word or string or number\n" },
	{ "foo=1", "t.cfg:1:5: unknown global parameter 'foo'\n" },
	{ "children=0", "t.cfg:1:10: children: 0 is out of range 1..1024\n" },
	{ "debug=yes", "t.cfg:1:7: debug: expected a number, got 'yes'\n" },
	{ "fork=maybe", "t.cfg:1:6: fork: expected a boolean (yes/no, on/off, true/false, 1/0), got 'maybe'\n" },
	{ "port=\"x\"", "t.cfg:1:6: port: expected a number, got 'x'\n" },
	{ "log_facility=LOG_KERN", "t.cfg:1:14: log_facility: unknown facility 'LOG_KERN' (expected LOG_DAEMON, LOG_USER, LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6 or LOG_LOCAL7)\n" },
	{ "listen=IP_1:port1", "t.cfg:1:8: listen: 'IP_1:port1': port 'port1' is not a number in 1..65535\n" },
	{ "listen=sctp:1.2.3.4", "t.cfg:1:8: listen: 'sctp:1.2.3.4': protocol not supported (udp, tcp or tls)\n" },
	{ "route[1]{}\n route[1]{}", "t.cfg:2:2: route[1] is already defined at t.cfg:1\n" },
	{ "route{}\nroute[0]{}", "t.cfg:2:1: route is already defined at t.cfg:1\n" },
	{ "route { f(1,2,3,4,5,6,7); }", "t.cfg:1:23: too many arguments (at most 6)\n" },
	{ "route { a @ b; }", "t.cfg:1:11: invalid character '@'\nt.cfg:1:13: syntax error: unexpected identifier 'b', expecting '('\n" },
	{ "route { xlog(\"x); }", "t.cfg:1:14: unterminated string\nt.cfg:1:14: syntax error: unexpected end of file, expecting ',' or ')'\n" },
	{ "\n/* x", "t.cfg:2:1: unterminated comment\n" },
	{ "route { return(99999999999); }", "t.cfg:1:16: number 99999999999 out of range\n" },
	{ "loadmodule x", "t.cfg:1:12: syntax error: unexpected identifier 'x', expecting string\n" },
	{ "modparam(\"a\", \"b\", c)", "t.cfg:1:20: syntax error: unexpected identifier 'c', expecting string or number\n" },
	{ "route { f(); \n} } route[2] { g(); }", "t.cfg:2:3: syntax error: unexpected '}'\n" },
	{ "route {\n if (uri==myself {\n exit;\n }\n}\nroute[2] { f(1,2,3,4,5,6,7); }",
	  "t.cfg:2:18: syntax error: unexpected '{', expecting '&&' or '||' or ')'\nt.cfg:6:26: too many arguments (at most 6)\n" },
	{ "route {\n f()\n}\nroute[2] {\n g()\n}\n",
	  "t.cfg:3:1: syntax error: unexpected '}', expecting ';'\nt.cfg:6:1: syntax error: unexpected '}', expecting ';'\n" },
	{ "tls_method=SSLv3", "t.cfg:1:12: tls_method: SSLv3 is insecure and has been removed from OpenSSL; use SSLv23 or TLSv1.2+\n" },
	{ "tls_method=sslv2", "t.cfg:1:12: tls_method: sslv2 is insecure and has been removed from OpenSSL; use SSLv23 or TLSv1.2+\n" },
	{ "tls_method=TLSv9", "t.cfg:1:12: tls_method: unknown method 'TLSv9' (expected SSLv23, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3, TLSv1+, TLSv1.1+, TLSv1.2+ or TLSv1.3+)\n" },
	{ "tls_send_timeout=0", "t.cfg:1:18: tls_send_timeout: 0 is out of range 1..3600\n" },
	{ "tls_server_domain[1.2.3.4:5061] {\n tls_verify_server=1\n}",
	  "t.cfg:2:20: tls_verify_server can only be set in a tls_client_domain, not in a tls_server_domain\n" },
	{ "tls_client_domain[1.2.3.4:5061] {\n tls_verify_client=1\n tls_require_client_certificate=0\n server_name=\"a\"\n}",
	  "t.cfg:2:20: tls_verify_client can only be set in a tls_server_domain, not in a tls_client_domain\n"
	  "t.cfg:3:33: tls_require_client_certificate can only be set in a tls_server_domain, not in a tls_client_domain\n"
	  "t.cfg:4:14: server_name can only be set in a tls_server_domain, not in a tls_client_domain\n" },
	{ "tls_server_domain[1.2.3.4] { tls_handshake_timeout=5 tls_send_timeout=5 }",
	  "t.cfg:1:52: tls_handshake_timeout can only be set globally, not in a TLS domain\n"
	  "t.cfg:1:71: tls_send_timeout can only be set globally, not in a TLS domain\n" },
	{ "tls_server_domain[IP_2:port2] {}", "t.cfg:1:19: tls_server_domain[IP_2:port2]: expected an IP address and an optional port (1.2.3.4:5061, [::1]:5061)\n" },
	{ "tls_client_domain[\"a\"] {}\ntls_client_domain[\"a\"] {}", "t.cfg:2:19: tls_client_domain[a] is already defined at t.cfg:1\n" },
	{ "tls_server_domain[1.2.3.4:5061] { server_name=\"x\" }\ntls_server_domain[1.2.3.4:5061] { server_name=\"x\" }",
	  "t.cfg:2:19: tls_server_domain[1.2.3.4:5061] with server_name \"x\" is already defined at t.cfg:1\n" },
	{ "server_name=\"x\"", "t.cfg:1:13: unknown global parameter 'server_name'\n" },
	{ "tls_client_domain[1.2.3.4] { foo=1 }", "t.cfg:1:34: unknown TLS domain parameter 'foo'\n" },
};
/* clang-format on */

static int
t_errors(void)
{
	struct route_block *r;
	size_t i;
	int n;

	for (i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		n = parse(err_cases[i].src, &r);
		cleanup(r);
#ifndef USE_TLS
		if (strncmp(err_cases[i].src, "tls_", 4) == 0)
			continue;   /* see t_tls_not_compiled */
#endif
		if (n == 0 || strcmp(errs, err_cases[i].err) != 0) {
			printf("case %zu: %s\nexpected: %sgot:      %s\n", i,
			    err_cases[i].src, err_cases[i].err, errs);
			return 1;
		}
	}
	return 0;
}

static int
t_bools(void)
{
	static const struct {
		const char *w;
		int v;
	} b[] = {
		{ "yes", 1 }, { "YES", 1 }, { "on", 1 }, { "true", 1 },
		{ "1", 1 }, { "\"yes\"", 1 }, { "no", 0 }, { "off", 0 },
		{ "False", 0 }, { "0", 0 },
	};
	struct route_block *r;
	char src[64];
	size_t i;

	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		snprintf(src, sizeof(src), "fork=%s\ndns=%s;", b[i].w, b[i].w);
		core_cfg.fork = !b[i].v;
		CHECK_INT(0, parse(src, &r));
		CHECK_INT(b[i].v, core_cfg.fork);
		CHECK_INT(b[i].v, core_cfg.dns);
		cleanup(r);
	}
	CHECK_INT(1, parse("fork=2", &r));
	cleanup(r);
	return 0;
}

static int
t_globals(void)
{
	struct route_block *r;

	CHECK_INT(1, core_cfg.debug);
	CHECK_INT(2048, core_cfg.tcp_max_connections);
	CHECK_INT(120, core_cfg.tcp_connection_lifetime);
	CHECK_INT(65536, core_cfg.tcp_max_msg_size);
	CHECK_INT(0, parse("debug=4 log_stderror=yes port=5070 children=2 "
	    "tcp_children=3 disable_tcp=1 open_files_limit=1000 fifo=\"/f\" "
	    "user=u group=\"g\" mpath=\"/m/\" check_via=1 rev_dns=on "
	    "log_facility=LOG_LOCAL3 tcp_max_connections=10 "
	    "tcp_connection_lifetime=20 tcp_connect_timeout=3 "
	    "tcp_send_timeout=4 tcp_accept_aliases=yes tcp_max_msg_size=2048 "
	    "debug=-1", &r));
	CHECK_INT(-1, core_cfg.debug);
	CHECK_INT(-1, log_level);
	CHECK(log_stderr);
	CHECK_INT(5070, core_cfg.port);
	CHECK_INT(2, core_cfg.children);
	CHECK_INT(3, core_cfg.tcp_children);
	CHECK_INT(1, core_cfg.disable_tcp);
	CHECK_INT(1000, core_cfg.open_files_limit);
	CHECK(strcmp(core_cfg.fifo, "/f") == 0);
	CHECK(strcmp(core_cfg.user, "u") == 0);
	CHECK(strcmp(core_cfg.group, "g") == 0);
	CHECK(strcmp(core_cfg.mpath, "/m/") == 0);
	CHECK(strcmp(core_cfg.log_facility, "LOG_LOCAL3") == 0);
	CHECK_INT(1, core_cfg.check_via);
	CHECK_INT(1, core_cfg.rev_dns);
	CHECK_INT(10, core_cfg.tcp_max_connections);
	CHECK_INT(20, core_cfg.tcp_connection_lifetime);
	CHECK_INT(3, core_cfg.tcp_connect_timeout);
	CHECK_INT(4, core_cfg.tcp_send_timeout);
	CHECK_INT(1, core_cfg.tcp_accept_aliases);
	CHECK_INT(2048, core_cfg.tcp_max_msg_size);
	cleanup(r);
	CHECK_INT(L_WARN, log_level);
	CHECK(core_cfg.fifo == NULL);
	return 0;
}

/* clang-format off */
static const struct {
	const char *v;
	enum proto proto;
	const char *host;
	int port;
} listen_cases[] = {
	{ "udp:127.0.0.1",          PROTO_UDP,  "127.0.0.1", 0 },
	{ "127.0.0.1:5060",         PROTO_NONE, "127.0.0.1", 5060 },
	{ "[::1]:5061",             PROTO_NONE, "::1", 5061 },
	{ "tcp:[2001:db8::1]:5060", PROTO_TCP,  "2001:db8::1", 5060 },
	{ "udp:[::1]:5060",         PROTO_UDP,  "::1", 5060 },
	{ "2001:db8::1",            PROTO_NONE, "2001:db8::1", 0 },
	{ "udp:::1",                PROTO_UDP,  "::1", 0 },
	{ "udp:*:5060",             PROTO_UDP,  "*", 5060 },
	{ "*",                      PROTO_NONE, "*", 0 },
	{ "foo.example.com",        PROTO_NONE, "foo.example.com", 0 },
	{ "_your_serv_IP_",         PROTO_NONE, "_your_serv_IP_", 0 },
	{ "\"udp:10.0.0.1:5062\"",  PROTO_UDP,  "10.0.0.1", 5062 },
	{ "TCP:host-1:1",           PROTO_TCP,  "host-1", 1 },
};
/* clang-format on */

static int
t_listen(void)
{
	struct route_block *r;
	struct alias_cfg *a;
	char src[128];
	size_t i;

	for (i = 0; i < sizeof(listen_cases) / sizeof(listen_cases[0]); i++) {
		snprintf(src, sizeof(src), "listen=%s\nlisten=%s\n",
		    listen_cases[i].v, listen_cases[i].v);
		if (parse(src, &r) != 0) {
			printf("%s: %s", listen_cases[i].v, errs);
			return 1;
		}
		CHECK(core_cfg.listen != NULL && core_cfg.listen->next != NULL);
		CHECK_INT(listen_cases[i].proto, core_cfg.listen->proto);
		CHECK(strcmp(core_cfg.listen->host, listen_cases[i].host) == 0);
		CHECK_INT(listen_cases[i].port, core_cfg.listen->port);
		CHECK_INT(2, core_cfg.listen->next->pos.line);
		cleanup(r);
	}
	CHECK_INT(0, parse("alias=a.example.com:5070\nalias=[::2]\n", &r));
	a = core_cfg.alias;
	CHECK(strcmp(a->host, "a.example.com") == 0 && a->port == 5070);
	CHECK(strcmp(a->next->host, "::2") == 0 && a->next->port == 0);
	cleanup(r);
	CHECK_INT(1, parse("listen=udp:[::1", &r) >= 1);
	cleanup(r);
	CHECK_INT(1, parse("listen=1.2.3.4:0", &r));
	cleanup(r);
	return 0;
}

static const char *tls_block =
    "listen=tls:1.2.3.4:5061\n"
    "disable_tls = 0\ntls_port_no=5062\ntls_method = tlsv1\n"
    "tls_certificate=\"/c.pem\"\ntls_private_key=\"/k.pem\"\n"
    "tls_ca_list=\"/ca.pem\"\ntls_ciphers_list=\"HIGH\"\n"
    "tls_cipher_suites=\"TLS_AES_128_GCM_SHA256\"\n"
    "tls_verify_client=0\ntls_require_client_certificate=off\n"
    "tls_verify_server=no\ntls_handshake_timeout=119\n"
    "tls_send_timeout=121\ntls_client_domain_avp=400\n"
    "tls_server_name_avp=401\ntls_verify_depth=3\ntls_crl=\"/crl\"\n"
    "tls_keylog_file=\"/kl\"\ntls_max_handshakes=7\n"
    "tls_handshake_rate_per_ip=2\ntls_check_server_identity=0\n"
    "tls_server_domain[1.2.3.4:5061] {\n tls_method=TLSv1.2+\n"
    " tls_verify_client = 1\n server_name = \"a.example.com\"\n"
    " tls_verify = off\n}\n"
    "tls_client_domain[\"atlanta.com\"] { tls_verify_server = 0 }\n"
    "tls_client_domain[[::1]:6677] { tls_verify=1 tls_verify_depth=2 }\n";

#ifdef USE_TLS
static int
t_tls(void)
{
	struct route_block *r;
	struct tls_domain_cfg *d;

	CHECK(!tls_cfg.any_tls_setting);
	CHECK_INT(1, tls_cfg.disable_tls.v);
	CHECK_INT(5061, tls_cfg.port_no.v);
	CHECK_INT(30, tls_cfg.handshake_timeout.v);
	CHECK_INT(9, tls_cfg.def.verify_depth.v);
	CHECK_INT(0, parse(tls_block, &r));
	CHECK(tls_cfg.any_tls_setting);
	CHECK(tls_cfg.disable_tls.set && tls_cfg.disable_tls.v == 0);
	CHECK_INT(5062, tls_cfg.port_no.v);
	CHECK(strcmp(tls_cfg.def.method.s, "tlsv1") == 0);
	CHECK(strcmp(tls_cfg.def.certificate.s, "/c.pem") == 0);
	CHECK(strcmp(tls_cfg.def.private_key.s, "/k.pem") == 0);
	CHECK(strcmp(tls_cfg.def.ca_list.s, "/ca.pem") == 0);
	CHECK(strcmp(tls_cfg.def.ciphers_list.s, "HIGH") == 0);
	CHECK(tls_cfg.def.cipher_suites.set);
	CHECK(strcmp(tls_cfg.def.crl.s, "/crl") == 0);
	CHECK(strcmp(tls_cfg.keylog_file.s, "/kl") == 0);
	CHECK(tls_cfg.def.verify_client.set && !tls_cfg.def.verify_client.v);
	CHECK_INT(0, tls_cfg.def.require_client_certificate.v);
	CHECK_INT(0, tls_cfg.def.verify_server.v);
	CHECK_INT(119, tls_cfg.handshake_timeout.v);
	CHECK_INT(121, tls_cfg.send_timeout.v);
	CHECK_INT(400, tls_cfg.client_domain_avp.v);
	CHECK_INT(401, tls_cfg.server_name_avp.v);
	CHECK_INT(3, tls_cfg.def.verify_depth.v);
	CHECK_INT(7, tls_cfg.max_handshakes.v);
	CHECK_INT(2, tls_cfg.handshake_rate_per_ip.v);
	CHECK_INT(0, tls_cfg.def.check_server_identity.v);
	d = tls_cfg.domains;
	CHECK(d->type == TLS_DOMAIN_SRV && strcmp(d->addr, "1.2.3.4:5061") == 0);
	CHECK(d->ip.af == AF_INET && d->port == 5061);
	CHECK(strcmp(d->server_name, "a.example.com") == 0);
	CHECK(strcmp(d->s.method.s, "TLSv1.2+") == 0);
	CHECK(d->s.verify_client.set && d->s.verify_client.v == 0);
	CHECK(!d->s.verify_server.set && !d->s.certificate.set);
	CHECK_INT(23, d->pos.line);
	d = d->next;
	CHECK(d->type == TLS_DOMAIN_CLI && d->addr == NULL);
	CHECK(strcmp(d->name, "atlanta.com") == 0);
	CHECK(d->s.verify_server.set && d->s.verify_server.v == 0);
	d = d->next;
	CHECK(d->ip.af == AF_INET6 && d->port == 6677);
	CHECK(d->s.verify_server.v == 1 && !d->s.verify_client.set);
	CHECK_INT(2, d->s.verify_depth.v);
	CHECK(d->next == NULL);
	cleanup(r);
	CHECK(tls_cfg.domains == NULL && !tls_cfg.any_tls_setting);
	return 0;
}
#else
static int
t_tls_not_compiled(void)
{
	static const char *const cases[] = {
		"tls_method=TLSv1", "disable_tls=1", "listen=tls:1.2.3.4:5061",
		"tls_server_domain[1.2.3.4:5061] { }",
		"tls_client_domain[\"a\"] { }",
	};
	struct route_block *r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(1, parse(cases[i], &r));
		CHECK(strstr(errs, "TLS support is not compiled in; rebuild "
		    "with `TLS=1 make all`") != NULL);
		cleanup(r);
	}
	CHECK(parse(tls_block, &r) > 20);
	cleanup(r);
	/* still parsed fully: later errors are found too */
	CHECK_INT(3, parse("tls_server_domain[1.2.3.4] {\n"
	    " tls_verify_server = 1\n}\nchildren=0\n", &r));
	CHECK(strstr(errs, "t.cfg:2:22: tls_verify_server can only") != NULL);
	CHECK(strstr(errs, "t.cfg:4:10: children: 0 is out of range") != NULL);
	cleanup(r);
	return 0;
}
#endif

static int
read_guide_example(char *buf, size_t n, const char *path)
{
	FILE *f = fopen(path, "r");
	size_t l;

	if (f == NULL)
		return -1;
	l = fread(buf, 1, n - 1, f);
	buf[l] = '\0';
	fclose(f);
	return 0;
}

static int
t_guide_1_14_verbatim(void)
{
	static char buf[16384];
	struct route_block *r;

	/* the guide's text with its IP_n:portn placeholders: syntax only */
	if (read_guide_example(buf, sizeof(buf),
	    "test/fuzz/corpus/cfg/tls_example_1_14_verbatim.cfg") != 0) {
		printf("(run from the repo root to find the example)\n");
		return 0;
	}
	CHECK_INT(0, parse_h(buf, &syntax_hooks, &r));
	CHECK(r == NULL);
	cleanup(r);
	return 0;
}

static int
t_roundtrip(void)
{
	static const char *src =
	    "route { if (a() && (b() || c()) && !(method == \"X\")) "
	    "{ f(\"q\\\"\\\\\\n\\t\\r\", 1, $x, id, 1.2.3.4:5); } "
	    "else if (a() || b() && c()) { $x = \"y\"; } else { drop; } "
	    "if (a() || (b() || c())) exit; { return(-1); } }\n"
	    "route[\"odd name\"] { return; }\nfailure_route[f1] { break; }\n";
	struct route_block *r;
	char *p1 = NULL, *p2 = NULL;
	size_t l1, l2;
	FILE *f;

	CHECK_INT(0, parse(src, &r));
	f = open_memstream(&p1, &l1);
	cfg_print_routes(f, r);
	fclose(f);
	cleanup(r);
	CHECK_INT(0, parse(p1, &r));
	f = open_memstream(&p2, &l2);
	cfg_print_routes(f, r);
	fclose(f);
	cleanup(r);
	if (strcmp(p1, p2) != 0 || strstr(p1, "(b() || c())") == NULL ||
	    strstr(p1, "route[\"odd name\"]") == NULL) {
		printf("first:\n%s\nsecond:\n%s\n", p1, p2);
		free(p1);
		free(p2);
		return 1;
	}
	free(p1);
	free(p2);
	return 0;
}

static int
t_parse_file(void)
{
	struct route_block *r;
	int n = 0;

	CHECK_INT(E_IO, cfg_parse_file("/nonexistent/x.cfg", &std_hooks, &r,
	    &n));
	CHECK_INT(1, n);
	CHECK(r == NULL);
	CHECK(cfg_intern("a.cfg") == cfg_intern("a.cfg"));
	return 0;
}

/* Drift fix: log_facility=LOG_USER was documented but refused.  One
 * table (base/log.c) now serves the parser, main.c and the reference. */
static int
t_log_facility(void)
{
	static const struct {
		const char *w;
		int fac;
	} f[] = {
		{ "LOG_DAEMON", LOG_DAEMON }, { "LOG_USER", LOG_USER },
		{ "log_user", LOG_USER }, { "\"Log_User\"", LOG_USER },
		{ "LOG_LOCAL0", LOG_LOCAL0 }, { "LOG_LOCAL1", LOG_LOCAL1 },
		{ "LOG_LOCAL2", LOG_LOCAL2 }, { "LOG_LOCAL3", LOG_LOCAL3 },
		{ "LOG_LOCAL4", LOG_LOCAL4 }, { "LOG_LOCAL5", LOG_LOCAL5 },
		{ "LOG_LOCAL6", LOG_LOCAL6 }, { "log_local7", LOG_LOCAL7 },
	};
	struct route_block *r;
	char src[64];
	size_t i;
	int fac;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		snprintf(src, sizeof(src), "log_facility=%s\n", f[i].w);
		log_facility = -1;
		CHECK_INT(0, parse(src, &r));
		CHECK_INT(f[i].fac, log_facility);
		CHECK(log_facility_parse(core_cfg.log_facility, &fac));
		CHECK_INT(f[i].fac, fac);
		cleanup(r);
		CHECK_INT(LOG_DAEMON, log_facility);
		CHECK(core_cfg.log_facility == NULL);
	}
	CHECK(!log_facility_parse("LOG_KERN", &fac));
	CHECK(!log_facility_parse(NULL, &fac));
	return 0;
}

/* Drift fix: debug accepts -3..9 (Kamailio 1.x took any number; levels
 * above 4 log as much as 4, and 1.x configs often say debug=9); the
 * reference prints the row's range, so docs and parser agree. */
static int
t_debug_range(void)
{
	static const int ok[] = { -3, -1, 0, 1, 4, 5, 9 };
	const struct param_def *p = param_find_def(core_params, "debug");
	struct route_block *r;
	char src[32];
	size_t i;

	CHECK(p != NULL && p->min == -3 && p->max == 9);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(src, sizeof(src), "debug=%d", ok[i]);
		CHECK_INT(0, parse(src, &r));
		CHECK_INT(ok[i], core_cfg.debug);
		CHECK_INT(ok[i], log_level);
		cleanup(r);
	}
	CHECK_INT(1, parse("debug=-4", &r));
	CHECK(strcmp(errs, "t.cfg:1:7: debug: -4 is out of range -3..9\n") == 0);
	cleanup(r);
	CHECK_INT(1, parse("debug=10", &r));
	CHECK(strcmp(errs, "t.cfg:1:7: debug: 10 is out of range -3..9\n") == 0);
	cleanup(r);
	return 0;
}

/* Every row: a name used once (core and TLS share the global namespace),
 * a doc line, a default inside its range (or explained), an enum default
 * among its words. */
static int
check_rows(const struct param_def *t)
{
	const struct param_def *p, *q;
	size_t i;
	bool found;

	for (p = t; p->name != NULL; p++) {
		if (p->doc == NULL || p->doc[0] == '\0') {
			printf("%s: no doc line\n", p->name);
			return 1;
		}
		for (q = p + 1; q->name != NULL; q++)
			CHECK(strcmp(p->name, q->name) != 0);
		if (p->kind == PK_SET) {
			CHECK(p->set != NULL && p->syntax != NULL);
			CHECK(!(p->flags & P_DEF));
			continue;
		}
		CHECK(p->flags & P_DEF);
		CHECK((p->target != NULL) != ((p->flags & P_OFF) != 0));
		if (p->kind == PK_INT && (p->def_i < p->min ||
		    p->def_i > p->max) && p->def_note == NULL) {
			printf("%s: default %ld outside %ld..%ld\n", p->name,
			    p->def_i, p->min, p->max);
			return 1;
		}
		if (p->kind == PK_ENUM) {
			for (i = 0, found = false; p->words[i] != NULL; i++)
				found |= strcmp(p->words[i], p->def_s) == 0;
			CHECK(found);
		}
	}
	return 0;
}

static int
t_param_tables(void)
{
	const struct param_def *p;

	if (check_rows(core_params) != 0 || check_rows(tls_params) != 0)
		return 1;
	for (p = core_params; p->name != NULL; p++)
		CHECK(param_find_def(tls_params, p->name) == NULL);
	for (p = tls_params; p->name != NULL; p++)
		CHECK((p->flags & P_TLS) && (p->scope & ~(PS_GLOBAL | PS_SRV |
		    PS_CLI)) == 0);
	return 0;
}

/* The defaults come from the rows alone: after a config set everything
 * and a reset, each int/bool holds its row's default and each string is
 * unset (NULL means the row's default). */
static int
t_defaults_from_rows(void)
{
	static const char src[] = "debug=4 fork=no log_stderror=yes "
	    "log_facility=LOG_LOCAL1 check_via=1 dns=1 rev_dns=1 port=5070 "
	    "children=3 tcp_children=2 disable_tcp=1 open_files_limit=99 "
	    "fifo=\"/f\" user=u group=g mpath=\"/m\" tcp_max_connections=5 "
	    "tcp_connection_lifetime=5 tcp_connect_timeout=5 "
	    "tcp_send_timeout=5 tcp_accept_aliases=1 tcp_max_msg_size=2000 "
	    "server_signature=no server_header=\"X-Server: t\" "
	    "tcp_max_connections_per_ip=7 tcp_message_timeout=7 "
	    "use_dns_cache=0 dns_cache_min_ttl=3 dns_cache_max_ttl=9 "
	    "dns_cache_negative_ttl=7 dns_cache_mem=99 dns_timeout=700 "
	    "dns_server=\"127.0.0.1\" use_dst_blacklist=1 "
	    "dst_blacklist_expire=9 dst_blacklist_mem=99\n";
	const struct param_def *p;
	struct route_block *r;

	CHECK_INT(0, parse(src, &r));
	for (p = core_params; p->name != NULL; p++)
		if (p->kind == PK_INT || p->kind == PK_BOOL)
			CHECK(*(int *)p->target != p->def_i);
		else if (p->kind == PK_STR || p->kind == PK_ENUM)
			CHECK(*(char **)p->target != NULL);
	cleanup(r);
	for (p = core_params; p->name != NULL; p++)
		if (p->kind == PK_INT || p->kind == PK_BOOL)
			CHECK_INT(p->def_i, *(int *)p->target);
		else if (p->kind == PK_STR || p->kind == PK_ENUM)
			CHECK(*(char **)p->target == NULL);
	CHECK_INT(L_WARN, log_level);
	CHECK(!log_stderr);
	for (p = tls_params; p->name != NULL; p++) {
		const void *t = param_target(p, &tls_cfg.def);

		if (p->kind == PK_INT || p->kind == PK_BOOL)
			CHECK(((const struct opt_int *)t)->v == p->def_i &&
			    !((const struct opt_int *)t)->set);
		else if (p->kind == PK_STR || p->kind == PK_ENUM)
			CHECK(((const struct opt_str *)t)->s == NULL);
	}
	return 0;
}

#ifdef USE_TLS
/* The guide (1.6.14): a domain's unset value is the global one, and an
 * unset global value is the table's default. */
static int
t_tls_inherit(void)
{
	struct route_block *r;
	const struct tls_settings *s, *c;
	const size_t cert = offsetof(struct tls_settings, certificate);
	const size_t depth = offsetof(struct tls_settings, verify_depth);
	const size_t vc = offsetof(struct tls_settings, verify_client);

	CHECK_INT(0, parse("tls_verify_depth=4\n"
	    "tls_server_domain[1.2.3.4:5061] { tls_certificate=\"/s.pem\" "
	    "tls_verify_depth=2 }\n"
	    "tls_client_domain[\"c\"] { tls_verify_server=0 }\n", &r));
	s = &tls_cfg.domains->s;
	c = &tls_cfg.domains->next->s;
	CHECK(strcmp(tls_setting_str(s, cert), "/s.pem") == 0);
	CHECK(strcmp(tls_setting_str(c, cert), "cert.pem") == 0);
	CHECK(strcmp(tls_setting_str(NULL, cert), "cert.pem") == 0);
	CHECK_INT(2, tls_setting_int(s, depth));
	CHECK_INT(4, tls_setting_int(c, depth));
	CHECK_INT(4, tls_setting_int(NULL, depth));
	CHECK_INT(1, tls_setting_int(s, vc));
	CHECK(strcmp(tls_setting_str(NULL, offsetof(struct tls_settings,
	    method)), "SSLv23") == 0);
	CHECK(tls_setting_str(NULL, offsetof(struct tls_settings, ca_list)) ==
	    NULL);
	cleanup(r);
	CHECK_INT(9, tls_setting_int(NULL, depth));
	return 0;
}
#endif

static const struct unit_test tests[] = {
	{ "statements", t_statements },
	{ "route_kinds", t_route_kinds },
	{ "operands", t_operands },
	{ "errors", t_errors },
	{ "bools", t_bools },
	{ "globals", t_globals },
	{ "listen", t_listen },
#ifdef USE_TLS
	{ "tls", t_tls },
#else
	{ "tls_not_compiled", t_tls_not_compiled },
#endif
	{ "guide_1_14_verbatim", t_guide_1_14_verbatim },
	{ "roundtrip", t_roundtrip },
	{ "parse_file", t_parse_file },
	{ "log_facility", t_log_facility },
	{ "debug_range", t_debug_range },
	{ "param_tables", t_param_tables },
	{ "defaults_from_rows", t_defaults_from_rows },
#ifdef USE_TLS
	{ "tls_inherit", t_tls_inherit },
#endif
	{ NULL, NULL },
};

UNIT_MAIN(tests)
