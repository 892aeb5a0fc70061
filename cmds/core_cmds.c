/* core_cmds.c: functions of the routing script that the core provides
 * (forward, log, setflag, strip, sethost, route, ...).  They are looked up
 * like module functions, before any module. */
#define LOG_MODULE "core"
#include <regex.h>
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
#include "../parser/parse_via.h"
#include "../script/sr_module.h"
#include "../net/tcp_conn.h"
#include "../sip/transport.h"
#include "../cfg/cfg_tls.h"
#ifdef USE_TLS
#include "../tls/tls_pv.h"
#endif

#define MAX_FLAG 31

static char *
err_dup(const char *s)
{
	return pkg_strndup(s, strlen(s));
}

/* ------------------------------------------------------------ fixups */

int
fixup_int(struct action *a, int idx, char **err)
{
	char *end;
	long v;

	if (a->args[idx].type == ARG_NUM) {
		a->fixed[idx] = (void *)(intptr_t)a->args[idx].n;
		return 0;
	}
	v = strtol(a->args[idx].s, &end, 10);
	if (a->args[idx].s[0] == '\0' || *end != '\0') {
		*err = err_dup("expected a number");
		return E_INVAL;
	}
	a->fixed[idx] = (void *)(intptr_t)v;
	return 0;
}

static int
fixup_flag(struct action *a, int idx, char **err)
{
	int rc = fixup_int(a, idx, err);

	if (rc == 0 && ((intptr_t)a->fixed[idx] < 0 ||
			   (intptr_t)a->fixed[idx] > MAX_FLAG)) {
		*err = err_dup("flags are 0..31");
		return E_INVAL;
	}
	return rc;
}

int
fixup_pvfmt(struct action *a, int idx, char **err)
{
	struct pv_fmt *f;

	if (pv_fmt_parse(a->args[idx].s, a->args[idx].len, &f, err) != 0)
		return E_INVAL;
	a->fixed[idx] = f;
	return 0;
}

int
fixup_regex(struct action *a, int idx, char **err)
{
	regex_t *re = pkg_malloc(sizeof(*re));
	int rc;

	if (re == NULL)
		return E_NOMEM;
	if ((rc = regcomp(re, a->args[idx].s, REG_EXTENDED | REG_ICASE))) {
		char msg[160];

		regerror(rc, re, msg, sizeof(msg));
		*err = err_dup(msg);
		pkg_free(re);
		return E_INVAL;
	}
	a->fixed[idx] = re;
	return 0;
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
		if (msg->h[HDR_VIA] == NULL || parse_via_hf(msg->h[HDR_VIA]))
			return -1;
		v = msg->h[HDR_VIA]->parsed;
		port = v->port ? v->port
		    : (msg->rcv.proto == PROTO_TLS ? 5061 : 5060);
	}
	if (tcp_alias_add(msg->rcv.conn_id, &msg->rcv.src_ip, port) != 0)
		return -1;
	return 1;
}

/* clang-format off */
static const struct cmd_export core_cmds[] = {
	/* name             handler         nargs fixup        routes */
	{ "forward",        w_forward,      0, NULL,        RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "forward",        w_forward,      1, fixup_fwd,   RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "forward",        w_forward,      2, fixup_fwd,   RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "forward_udp",    w_forward_udp,  0, NULL,        RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "forward_udp",    w_forward_udp,  1, fixup_fwd,   RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "forward_udp",    w_forward_udp,  2, fixup_fwd,   RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "forward_tcp",    w_forward_tcp,  0, NULL,        RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "forward_tcp",    w_forward_tcp,  1, fixup_fwd,   RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "forward_tcp",    w_forward_tcp,  2, fixup_fwd,   RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "forward_tls",    w_forward_tls,  0, NULL,        RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "forward_tls",    w_forward_tls,  1, fixup_fwd,   RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "forward_tls",    w_forward_tls,  2, fixup_fwd,   RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "setflag",        w_setflag,      1, fixup_flag,  RT_ANY },
	{ "resetflag",      w_resetflag,    1, fixup_flag,  RT_ANY },
	{ "isflagset",      w_isflagset,    1, fixup_flag,  RT_ANY },
	{ "log",            w_log,          1, NULL,        RT_ANY },
	{ "log",            w_log,          2, fixup_log,   RT_ANY },
	{ "strip",          w_strip,        1, fixup_int,   RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "prefix",         w_prefix,       1, NULL,        RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "sethost",        w_sethost,      1, NULL,        RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "rewritehost",    w_sethost,      1, NULL,        RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "setuser",        w_setuser,      1, NULL,        RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "rewriteuser",    w_setuser,      1, NULL,        RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "sethostport",    w_sethostport,  1, NULL,        RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "rewritehostport", w_sethostport, 1, NULL,        RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "setport",        w_setport,      1, NULL,        RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "rewriteport",    w_setport,      1, NULL,        RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "rewriteuri",     w_rewriteuri,   1, NULL,        RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "seturi",         w_rewriteuri,   1, NULL,        RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "revert_uri",     w_revert_uri,   0, NULL,        RT_REQUEST | RT_FAILURE | RT_BRANCH },
	{ "route",          w_route,        1, fixup_route, RT_ANY },
	{ "force_rport",    w_force_rport,  0, NULL,        RT_REQUEST | RT_BRANCH },
	{ "force_tcp_alias", w_force_tcp_alias, 0, NULL,    RT_REQUEST | RT_BRANCH },
	{ "force_tcp_alias", w_force_tcp_alias, 1, fixup_int, RT_REQUEST | RT_BRANCH },
	CMD_END
};
/* clang-format on */

const struct cmd_export *
core_cmd_find(const char *name, int nargs)
{
	const struct cmd_export *c;

	for (c = core_cmds; c->name != NULL; c++)
		if (c->nargs == nargs && strcmp(c->name, name) == 0) {
			/* stream transports this build cannot carry */
			if (c->fn == w_forward_tcp && !transport_available(PROTO_TCP))
				return NULL;
			if (c->fn == w_forward_tls && !transport_available(PROTO_TLS))
				return NULL;
			return c;
		}
#ifdef USE_TLS
	if (transport_available(PROTO_TLS))
		for (c = tls_cmd_exports; c->name != NULL; c++)
			if (c->nargs == nargs && strcmp(c->name, name) == 0)
				return c;
#endif
	return NULL;
}

bool
core_cmd_unavailable(const char *name, const char **why)
{
	if ((strcmp(name, "forward_tcp") == 0 &&
		!transport_available(PROTO_TCP)) ||
	    (strcmp(name, "forward_tls") == 0 &&
		!transport_available(PROTO_TLS))) {
#ifdef USE_TLS
		*why = strcmp(name, "forward_tls") == 0
		    ? "TLS is off: set disable_tls=0 or configure TLS "
		      "(listen=tls:..., tls_* settings)"
		    : "TCP is disabled (disable_tcp=yes)";
#else
		*why = strcmp(name, "forward_tls") == 0 ? TLS_NOT_COMPILED_MSG
		    : "TCP is disabled (disable_tcp=yes)";
#endif
		return true;
	}
#ifdef USE_TLS
	if (strcmp(name, "is_peer_verified") == 0 &&
	    !transport_available(PROTO_TLS)) {
		*why = "TLS is off: set disable_tls=0 or configure TLS";
		return true;
	}
#else
	if (strcmp(name, "is_peer_verified") == 0) {
		*why = TLS_NOT_COMPILED_MSG;
		return true;
	}
#endif
	return false;
}
