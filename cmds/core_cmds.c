/* core_cmds.c: functions of the routing script that the core provides
 * (forward, log, setflag, strip, sethost, route, ...).  main.c registers
 * them (core_cmds_register) before any module's, so they are found
 * first. */
#define LOG_MODULE "core"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_cmds.h"
#include "../base/err.h"
#include "../sip/forward.h"
#include "../base/log.h"
#include "../mem/pkg.h"
#include "../parser/msg_parser.h"
#include "../base/proto.h"
#include "../script/pv.h"
#include "../script/route.h"
#include "../sip/ruri.h"
#include "../sip/target.h"
#include "../parser/parse_via.h"
#include "../script/cmd.h"
#include "../net/tcp_conn.h"
#include "../sip/transport.h"
#include "../cfg/cfg_tls.h"
#include "../tls/tls.h"

#define MAX_FLAG 31

/* ------------------------------------------------------------ fixups */

static int
fixup_flag(struct action *a, int idx, char **err)
{
	return fixup_int_range(a, idx, 0, MAX_FLAG, "a flag", err);
}

/* forward(host[, port]): host as written, an IP address parsed here
 * once; port a number. */
static int
fixup_fwd(struct action *a, int idx, char **err)
{
	struct fwd_host *fh;

	if (idx == 1)
		return fixup_int(a, idx, err);
	if (a->args[idx].type == ARG_PV) {
		*err = err_dup("a host name or address is expected");
		return E_INVAL;
	}
	if ((fh = pkg_malloc(sizeof(*fh))) == NULL) {
		*err = err_dup("out of memory");
		return E_NOMEM;
	}
	fwd_host_init(fh, a->args[idx].s);
	a->fixed[idx] = fh;
	return 0;
}

static int
fixup_route(struct action *a, int idx, char **err)
{
	const struct route_block *rb = route_get(ROUTE_REQUEST, a->args[idx].s);

	if (rb == NULL) {
		char *e = pkg_malloc(128);

		if (e != NULL)
			snprintf(e, 128, "no route[%s] block is defined",
			    a->args[idx].s);
		*err = e;
		return E_NOTFOUND;
	}
	a->fixed[idx] = (void *)rb;
	return 0;
}

static int
fixup_log(struct action *a, int idx, char **err)
{
	if (a->nargs == 2 && idx == 0) {
		int lev;

		if (a->args[0].type == ARG_NUM) {
			a->fixed[0] = (void *)(intptr_t)a->args[0].n;
			return 0;
		}
		if (!log_level_parse(a->args[0].s, &lev)) {
			*err = err_dup("expected a log level (L_ERR, L_INFO, "
				       "... or a number)");
			return E_INVAL;
		}
		a->fixed[0] = (void *)(intptr_t)lev;
	}
	return 0;
}

/* ------------------------------------------------------------ functions */

static int
fwd_common(struct sip_msg *msg, const struct cmd_args *a, enum proto proto)
{
	unsigned short port = 0;
	int rc;

	if (msg->first.type != SIP_REQUEST) {
		LM_ERR("forward() on a reply: replies follow their Via");
		return -1;
	}
	if (a->n >= 1) {
		if (a->n == 2)
			port = (unsigned short)(intptr_t)a->fixed[1];
		rc = forward_request(msg, a->fixed[0], port, proto);
	} else {
		rc = forward_request(msg, NULL, 0, proto);
	}
	if (rc == E_BLOCKED) {
		/* use_dst_blacklist: expected, not an error of ours */
		LM_LOG_RL(L_INFO, "%.*s not forwarded: %s",
		    (int)msg->first.method.len, msg->first.method.s,
		    err_str(rc));
		return -1;
	}
	if (rc != 0) {
		LM_ERR_RL("forwarding %.*s failed: %s", (int)msg->first.method.len,
		    msg->first.method.s, err_str(rc));
		return -1;
	}
	return 1;
}

static int
w_forward(struct sip_msg *msg, const struct cmd_args *a)
{
	return fwd_common(msg, a, PROTO_NONE);
}

static int
w_forward_udp(struct sip_msg *msg, const struct cmd_args *a)
{
	return fwd_common(msg, a, PROTO_UDP);
}

static int
w_forward_tcp(struct sip_msg *msg, const struct cmd_args *a)
{
	return fwd_common(msg, a, PROTO_TCP);
}

static int
w_forward_tls(struct sip_msg *msg, const struct cmd_args *a)
{
	return fwd_common(msg, a, PROTO_TLS);
}

static int
w_setflag(struct sip_msg *msg, const struct cmd_args *a)
{
	msg->flags |= 1u << (intptr_t)a->fixed[0];
	return 1;
}

static int
w_resetflag(struct sip_msg *msg, const struct cmd_args *a)
{
	msg->flags &= ~(1u << (intptr_t)a->fixed[0]);
	return 1;
}

static int
w_isflagset(struct sip_msg *msg, const struct cmd_args *a)
{
	return (msg->flags & (1u << (intptr_t)a->fixed[0])) ? 1 : -1;
}

static int
w_log(struct sip_msg *msg, const struct cmd_args *a)
{
	int lev = L_ERR;   /* log("text") logs at L_ERR, as Kamailio 1.x did */
	const char *text = a->fixed[a->n - 1];

	(void)msg;
	if (a->n == 2)
		lev = (int)(intptr_t)a->fixed[0];
	if (LOG_ON(lev))
		log_emit(lev, "script", "log", "%s", text);
	return 1;
}

static int
w_strip(struct sip_msg *msg, const struct cmd_args *a)
{
	return ruri_strip(msg, (size_t)(intptr_t)a->fixed[0]) == 0 ? 1 : -1;
}

static int
w_prefix(struct sip_msg *msg, const struct cmd_args *a)
{
	const char *s = a->fixed[0];

	return ruri_prefix(msg, s, strlen(s)) == 0 ? 1 : -1;
}

static int
set_part(struct sip_msg *msg, enum ruri_part part, const char *s)
{
	if (msg->first.type != SIP_REQUEST)
		return -1;
	if (ruri_set(msg, part, s, strlen(s)) != 0) {
		LM_ERR_RL("cannot set the request-URI from \"%s\"", s);
		return -1;
	}
	return 1;
}

static int
w_sethost(struct sip_msg *msg, const struct cmd_args *a)
{
	return set_part(msg, RURI_HOST, a->fixed[0]);
}

static int
w_setuser(struct sip_msg *msg, const struct cmd_args *a)
{
	return set_part(msg, RURI_USER, a->fixed[0]);
}

static int
w_sethostport(struct sip_msg *msg, const struct cmd_args *a)
{
	return set_part(msg, RURI_HOSTPORT, a->fixed[0]);
}

static int
w_setport(struct sip_msg *msg, const struct cmd_args *a)
{
	return set_part(msg, RURI_PORT, a->fixed[0]);
}

static int
w_rewriteuri(struct sip_msg *msg, const struct cmd_args *a)
{
	return set_part(msg, RURI_ALL, a->fixed[0]);
}

static int
w_revert_uri(struct sip_msg *msg, const struct cmd_args *a)
{
	(void)a;
	ruri_revert(msg);
	return 1;
}

/* append_branch(): the current target (R-URI, $du, ...) becomes one
 * more branch of the destination set; append_branch("uri"): a branch to
 * uri.  t_relay() forks to all of them in parallel. */
static int
w_append_branch(struct sip_msg *msg, const struct cmd_args *a)
{
	struct branch b;
	int rc;

	msg_target_get(msg, &b);
	if (a->n == 1) {
		b.uri = a->fixed[0];
		b.uri_len = strlen(a->fixed[0]);
		b.dst_uri = b.path = NULL;
		b.dst_uri_len = b.path_len = 0;
		b.conn_id = 0;
	}
	if ((rc = branch_append(msg, &b)) != 0) {
		LM_ERR_RL("append_branch: %s", rc == E_TOOBIG
		    ? "too many branches" : err_str(rc));
		return -1;
	}
	return 1;
}

static int
w_route(struct sip_msg *msg, const struct cmd_args *a)
{
	struct run_ctx *ctx = route_ctx();

	if (ctx == NULL)
		return -1;
	return route_call(msg, a->fixed[0], ctx);
}

static int
w_force_rport(struct sip_msg *msg, const struct cmd_args *a)
{
	(void)a;
	msg->core_flags |= MSG_FLAG_FORCE_RPORT;
	return 1;
}

/* force_tcp_alias([port]): the request's source address with the top
 * Via's port (or port) becomes another name of the connection it came
 * on, so requests to that address reuse it.  Reader processes. */
static int
w_force_tcp_alias(struct sip_msg *msg, const struct cmd_args *a)
{
	struct via_body *v;
	unsigned short port;

	if (!proto_is_stream(msg->rcv.proto) || msg->rcv.conn_id <= 0)
		return -1;
	if (a->n == 1) {
		port = (unsigned short)(intptr_t)a->fixed[0];
	} else {
		if ((v = parse_via_top(msg)) == NULL)
			return -1;
		port = v->port ? v->port : proto_default_port(msg->rcv.proto);
	}
	if (tcp_alias_add(msg->rcv.conn_id, &msg->rcv.src_ip, port) != 0)
		return -1;
	return 1;
}

/* clang-format off */
static const struct cmd_export core_cmds[] = {
	/* name, handler, nargs, fixup, routes, doc */
	CMD("forward", w_forward, 0, NULL, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "relay the request statelessly to its next hop: $du, else the first Route, else the R-URI"),
	CMD("forward", w_forward, 1, fixup_fwd, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "relay the request statelessly to host"),
	CMD("forward", w_forward, 2, fixup_fwd, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "relay the request statelessly to host:port"),
	CMD("forward_udp", w_forward_udp, 0, NULL, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "forward() over UDP"),
	CMD("forward_udp", w_forward_udp, 1, fixup_fwd, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "forward(host) over UDP"),
	CMD("forward_udp", w_forward_udp, 2, fixup_fwd, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "forward(host, port) over UDP"),
	CMD("setflag", w_setflag, 1, fixup_flag, RT_ANY,
	    "set message flag n (0..31)"),
	CMD("resetflag", w_resetflag, 1, fixup_flag, RT_ANY,
	    "clear message flag n (0..31)"),
	CMD("isflagset", w_isflagset, 1, fixup_flag, RT_ANY,
	    "true if message flag n (0..31) is set"),
	CMD("log", w_log, 1, NULL, RT_ANY,
	    "write text to the log at level L_ERR... as for debug"),
	CMD("log", w_log, 2, fixup_log, RT_ANY,
	    "write text to the log at the given level"),
	CMD("strip", w_strip, 1, fixup_int, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "remove the first n characters of the R-URI user"),
	CMD("prefix", w_prefix, 1, NULL, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "prepend text to the R-URI user"),
	CMD("sethost", w_sethost, 1, NULL, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "set the R-URI host"),
	CMD("rewritehost", w_sethost, 1, NULL, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "the same as sethost()"),
	CMD("setuser", w_setuser, 1, NULL, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "set the R-URI user"),
	CMD("rewriteuser", w_setuser, 1, NULL, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "the same as setuser()"),
	CMD("sethostport", w_sethostport, 1, NULL, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "set the R-URI host and port (\"host:port\")"),
	CMD("rewritehostport", w_sethostport, 1, NULL, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "the same as sethostport()"),
	CMD("setport", w_setport, 1, NULL, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "set the R-URI port"),
	CMD("rewriteport", w_setport, 1, NULL, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "the same as setport()"),
	CMD("rewriteuri", w_rewriteuri, 1, NULL, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "replace the R-URI"),
	CMD("seturi", w_rewriteuri, 1, NULL, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "the same as rewriteuri()"),
	CMD("append_branch", w_append_branch, 0, NULL, RT_REQUEST | RT_FAILURE,
	    "add the current target (R-URI, $du) as one more branch for t_relay()"),
	CMD("append_branch", w_append_branch, 1, NULL, RT_REQUEST | RT_FAILURE,
	    "add a branch to the URI given; t_relay() forks to every branch in parallel"),
	CMD("revert_uri", w_revert_uri, 0, NULL, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "go back to the R-URI the request arrived with"),
	CMD("route", w_route, 1, fixup_route, RT_ANY,
	    "run route[x]"),
	CMD("force_rport", w_force_rport, 0, NULL, RT_REQUEST | RT_BRANCH,
	    "answer to the source port, as if the top Via had ;rport (RFC 3581)"),
	CMD("force_tcp_alias", w_force_tcp_alias, 0, NULL, RT_REQUEST | RT_BRANCH,
	    "make the source address:port another name of the request's TCP/TLS connection"),
	CMD("force_tcp_alias", w_force_tcp_alias, 1, fixup_int, RT_REQUEST | RT_BRANCH,
	    "the same with the given port"),
	CMD_END
};
/* clang-format on */

/* clang-format off */
static const struct cmd_export tcp_cmds[] = {
	CMD("forward_tcp", w_forward_tcp, 0, NULL, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "forward() over TCP"),
	CMD("forward_tcp", w_forward_tcp, 1, fixup_fwd, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "forward(host) over TCP"),
	CMD("forward_tcp", w_forward_tcp, 2, fixup_fwd, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "forward(host, port) over TCP"),
	CMD_END
};

static const struct cmd_export tls_fwd_cmds[] = {
	CMD("forward_tls", w_forward_tls, 0, NULL, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "forward() over TLS"),
	CMD("forward_tls", w_forward_tls, 1, fixup_fwd, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "forward(host) over TLS"),
	CMD("forward_tls", w_forward_tls, 2, fixup_fwd, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "forward(host, port) over TLS"),
	CMD_END
};
/* clang-format on */

int
core_cmds_register(void)
{
	int rc;

	if ((rc = cmd_register("core", core_cmds)) != 0)
		return rc;
	/* transports this build or config cannot carry */
	if (transport_available(PROTO_TCP))
		rc = cmd_register("core", tcp_cmds);
	else
		rc = cmd_register_unavailable("forward_tcp",
		    "TCP is disabled (disable_tcp=yes)");
	if (rc != 0)
		return rc;
	if (transport_available(PROTO_TLS))
		return cmd_register("core", tls_fwd_cmds);
	if (!tls_compiled())
		return cmd_register_unavailable("forward_tls",
		    TLS_NOT_COMPILED_MSG);
	return cmd_register_unavailable("forward_tls",
	    "TLS is off: set disable_tls=0 or configure TLS "
	    "(listen=tls:..., tls_* settings)");
}

void
core_cmds_tables(void (*fn)(const struct cmd_export *table, bool tls,
    void *arg), void *arg)
{
	fn(core_cmds, false, arg);
	fn(tcp_cmds, false, arg);
	fn(tls_fwd_cmds, true, arg);
}
