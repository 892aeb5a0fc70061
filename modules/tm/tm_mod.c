/* tm: transaction-stateful processing (RFC 3261 §16, §17).  Export tables,
 * parameters, script wrappers and the receive hooks. */
#define LOG_MODULE "tm"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../api/sr_api.h"
#include "tm.h"

struct tm_cfg tm_cfg; /* defaults: the rows of params[] below */

/* "[proto:]host[:port]" -> parts; host stays a view into s. */
static int
parse_target(const char *s, struct str *host, unsigned short *port,
    enum proto *proto)
{
	const char *c;
	size_t len = strlen(s);

	*proto = PROTO_NONE;
	*port = 0;
	if (len > 4 && s[3] == ':') {
		if (strncasecmp(s, "udp", 3) == 0)
			*proto = PROTO_UDP;
		else if (strncasecmp(s, "tcp", 3) == 0)
			*proto = PROTO_TCP;
		else if (strncasecmp(s, "tls", 3) == 0)
			*proto = PROTO_TLS;
		if (*proto != PROTO_NONE) {
			s += 4;
			len -= 4;
		}
	}
	c = s[0] == '[' ? strchr(s, ']') : s;
	if (c == NULL)
		return E_INVAL;
	c = strchr(c, ':');
	if (c != NULL) {
		long p = strtol(c + 1, NULL, 10);

		if (p <= 0 || p > 65535)
			return E_INVAL;
		*port = (unsigned short)p;
		len = (size_t)(c - s);
	}
	if (len == 0)
		return E_INVAL;
	*host = (struct str){ s, len };
	return 0;
}

static int
fixup_target(struct action *a, int idx, char **err)
{
	struct str h;
	unsigned short port;
	enum proto proto;

	if (parse_target(a->fixed[idx], &h, &port, &proto) != 0) {
		*err = pkg_strndup("expected [proto:]host[:port]", 28);
		return E_INVAL;
	}
	return 0;
}

static int
w_t_relay(struct sip_msg *msg, const struct cmd_args *a)
{
	struct str h;
	unsigned short port;
	enum proto proto;

	if (a->n == 0)
		return tm_relay(msg, NULL, 0, PROTO_NONE);
	if (parse_target(a->fixed[0], &h, &port, &proto) != 0)
		return -1;
	return tm_relay(msg, &h, port, proto);
}

static int
relay_to(struct sip_msg *msg, const struct cmd_args *a, enum proto proto)
{
	const char *host = a->fixed[0];
	long port = strtol(a->fixed[1], NULL, 10);
	struct str h = { host, strlen(host) };

	if (port < 0 || port > 65535)
		return -1;
	return tm_relay(msg, &h, (unsigned short)port, proto);
}

static int
w_t_relay_to_udp(struct sip_msg *msg, const struct cmd_args *a)
{
	return relay_to(msg, a, PROTO_UDP);
}

static int
w_t_relay_to_tcp(struct sip_msg *msg, const struct cmd_args *a)
{
	return relay_to(msg, a, PROTO_TCP);
}

static int
w_t_relay_to_tls(struct sip_msg *msg, const struct cmd_args *a)
{
	return relay_to(msg, a, PROTO_TLS);
}

static int
w_t_newtran(struct sip_msg *msg, const struct cmd_args *a)
{
	(void)a;
	return tm_newtran(msg);
}

static int
w_t_reply(struct sip_msg *msg, const struct cmd_args *a)
{
	return tm_reply(msg, (int)(intptr_t)a->fixed[0], a->fixed[1]);
}

static int
w_t_on_failure(struct sip_msg *msg, const struct cmd_args *a)
{
	return tm_set_route(msg, ROUTE_FAILURE, a->fixed[0]);
}

static int
w_t_on_reply(struct sip_msg *msg, const struct cmd_args *a)
{
	return tm_set_route(msg, ROUTE_ONREPLY, a->fixed[0]);
}

static int
w_t_on_branch(struct sip_msg *msg, const struct cmd_args *a)
{
	return tm_set_route(msg, ROUTE_BRANCH, a->fixed[0]);
}

static int
w_t_check_trans(struct sip_msg *msg, const struct cmd_args *a)
{
	(void)a;
	return tm_check_trans(msg);
}

static int
w_t_was_cancelled(struct sip_msg *msg, const struct cmd_args *a)
{
	(void)a;
	return tm_was_cancelled(msg);
}

struct stat_var *tm_stat_shm_refused;

/* At 1000 calls/s about this many transactions are alive at once
 * (INVITE, its wait time, BYE...): below, say that -m is small. */
#define TM_SHM_WANT_CELLS 10000

static void
shm_budget(void)
{
	size_t per = tm_cell_size() + 1536; /* with a typical request */
	size_t room = shm_free_bytes() / per;

	if (room < TM_SHM_WANT_CELLS)
		LM_WARN("shared memory left for transactions: about %zu of "
		        "%zu bytes each (with a 1.5 KB request); a busy proxy "
		        "keeps %d alive at once: raise -m",
		    room, per, TM_SHM_WANT_CELLS);
}

static int
tm_init(void)
{
	int rc;

	if ((rc = stat_register("tm", "refused_no_shm",
	         &tm_stat_shm_refused)) != 0)
		return rc;
	if ((rc = tm_table_init()) != 0 || (rc = tm_timer_init()) != 0 ||
	    (rc = tm_conn_fail_init()) != 0) {
		LM_ERR("cannot initialise: %s", err_str(rc));
		return rc;
	}
	shm_budget();
	if (receive_request_hook_add(tm_request_hook) != 0 ||
	    receive_reply_hook_add(tm_reply_hook) != 0 ||
	    receive_done_hook_add(tm_done_hook) != 0)
		return E_TOOBIG;
	return 0;
}

static void
tm_destroy(void)
{
	tm_dns_destroy();
}

#define RT_REQ_FAIL (RT_REQUEST | RT_FAILURE)
#define RT_REQ_FAIL_BR (RT_REQUEST | RT_FAILURE | RT_BRANCH)

/* dns_server: checked now, used by each process's c-ares channel. */
static int
set_dns_server(const struct param_def *p, const struct cfg_val *v, char **err)
{
	char *s;
	int rc;

	(void)p;
	if ((rc = tm_dns_server_check(v->s, err)) != 0)
		return rc;
	if ((s = pkg_strndup(v->s, strlen(v->s))) == NULL)
		return E_NOMEM;
	pkg_free(tm_dns_server);
	tm_dns_server = s;
	return 0;
}

/* clang-format off */
static const struct cmd_export cmds[] = {
	CMD("t_relay", w_t_relay, 0, NULL, RT_REQ_FAIL,
	    "relay the request statefully (tm) to its next hop"),
	CMD("t_relay", w_t_relay, 1, fixup_target, RT_REQ_FAIL,
	    "relay the request statefully to a given target"),
	CMD("t_relay_to_udp", w_t_relay_to_udp, 2, NULL, RT_REQ_FAIL,
	    "t_relay() to host, port over UDP"),
	CMD("t_relay_to_tcp", w_t_relay_to_tcp, 2, NULL, RT_REQ_FAIL,
	    "t_relay() to host, port over TCP"),
	CMD("t_relay_to_tls", w_t_relay_to_tls, 2, NULL, RT_REQ_FAIL,
	    "t_relay() to host, port over TLS"),
	CMD("t_newtran", w_t_newtran, 0, NULL, RT_REQUEST,
	    "create the transaction for the request without relaying it"),
	CMD("t_reply", w_t_reply, 2, fixup_reply_code, RT_REQ_FAIL,
	    "send a stateful reply: code, reason"),
	CMD("t_on_failure", w_t_on_failure, 1, NULL, RT_REQ_FAIL_BR,
	    "run failure_route[x] when every branch failed"),
	CMD("t_on_reply", w_t_on_reply, 1, NULL, RT_REQ_FAIL_BR,
	    "run onreply_route[x] for the replies of this transaction"),
	CMD("t_on_branch", w_t_on_branch, 1, NULL, RT_REQ_FAIL,
	    "run branch_route[x] for each branch before it is sent"),
	CMD("t_check_trans", w_t_check_trans, 0, NULL, RT_REQ_FAIL,
	    "true if the request belongs to an existing transaction"),
	CMD("t_was_cancelled", w_t_was_cancelled, 0, NULL, RT_ANY,
	    "true if the transaction was cancelled by the caller"),
	CMD_END
};

#define M PS_MODULE
static const struct param_def params[] = {
	PARAM_INT("fr_timer", &tm_cfg.fr_timer, 1, 3600, 30, M,
	    "seconds a branch waits for a final reply (INVITE: for a first reply) before a local 408"),
	PARAM_INT("fr_inv_timer", &tm_cfg.fr_inv_timer, 1, 86400, 120, M,
	    "seconds an INVITE branch waits for the final reply after a provisional one"),
	PARAM_INT("wt_timer", &tm_cfg.wt_timer, 1, 3600, 5, M,
	    "seconds a completed transaction is kept (to absorb retransmissions and ACKs)"),
	PARAM_INT("retr_timer1", &tm_cfg.retr_timer1, 10, 60000, 500, M,
	    "T1: first UDP retransmission interval, ms"),
	PARAM_INT("retr_timer2", &tm_cfg.retr_timer2, 10, 60000, 4000, M,
	    "T2: longest UDP retransmission interval, ms"),
	PARAM_BOOL("noisy_ctimer", &tm_cfg.noisy_ctimer, 0, M,
	    "also CANCEL a timed-out INVITE branch that never sent a provisional reply (RFC 3261 9.1 says not to)"),
	PARAM_BOOL("auto_inv_100", &tm_cfg.auto_inv_100, 1, M,
	    "t_relay() answers an INVITE with 100 Trying"),
	PARAM_SET("dns_server", set_dns_server, "address[:port][,...]", M,
	    "DNS server(s) for RFC 3263 resolution, e.g. \"127.0.0.1:5353\" or \"[::1]:53,10.0.0.53\"; checked at config time",
	    .def_note = "the core's dns_server (by default the system's, /etc/resolv.conf)"),
	PARAM_INT("dns_timeout", &tm_dns_timeout, 50, 30000, 2000, M,
	    "ms one resolution (NAPTR, SRV and A/AAAA together) may hold the process; what has not answered by then counts as not found"),
	PARAM_INT("failover_timer", &tm_cfg.failover_timer, 0, 3600000, 0, M,
	    "ms a branch waits for a first reply before it moves to the next DNS target, while one is left; 0: fr_timer",
	    .def_note = "fr_timer"),
	PARAM_END
};
#undef M
/* clang-format on */

const struct module_exports exports = {
	.abi = MODULE_ABI,
	.name = "tm",
	.cmds = cmds,
	.params = params,
	.init = tm_init,
	.destroy = tm_destroy,
};
