/* receive.c: parse, check, run the script, forward. */
#define LOG_MODULE "core"
#include <string.h>

#include "data_lump.h"
#include "target.h"
#include "../base/err.h"
#include "forward.h"
#include "../cfg/core_cfg.h"
#include "../base/ip_addr.h"
#include "../base/log.h"
#include "../mem/pkg.h"
#include "../net/net_addr.h"
#include "../parser/msg_parser.h"
#include "../parser/parse_via.h"
#include "../base/proto.h"
#include "../net/tcp_conn.h"
#include "receive.h"
#include "stats.h"
#include "../base/usr_avp.h"

static unsigned int msg_no;

static receive_script_fn script_fn;

struct hook_list {
	int n;
	receive_hook_fn fn[RECEIVE_HOOKS];
};

static struct hook_list request_hooks, reply_hooks;
static receive_done_fn done_hooks[RECEIVE_HOOKS];
static int n_done_hooks;

void
receive_set_script(receive_script_fn fn)
{
	script_fn = fn;
}

static int
hook_add(struct hook_list *l, receive_hook_fn fn)
{
	if (l->n == RECEIVE_HOOKS)
		return E_TOOBIG;
	l->fn[l->n++] = fn;
	return 0;
}

int
receive_request_hook_add(receive_hook_fn fn)
{
	return hook_add(&request_hooks, fn);
}

int
receive_reply_hook_add(receive_hook_fn fn)
{
	return hook_add(&reply_hooks, fn);
}

int
receive_done_hook_add(receive_done_fn fn)
{
	if (n_done_hooks == RECEIVE_HOOKS)
		return E_TOOBIG;
	done_hooks[n_done_hooks++] = fn;
	return 0;
}

/* 1 when a hook took the message. */
static int
hooks_run(const struct hook_list *l, struct sip_msg *msg)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->fn[i](msg) != 0)
			return 1;
	return 0;
}

static void
msg_done(struct sip_msg *msg)
{
	int i;

	for (i = 0; i < n_done_hooks; i++)
		done_hooks[i](msg);
	msg_targets_free(msg);
	avp_reset();
	free_sip_msg(msg);
}

static void
log_bad(const struct sip_msg *msg, const struct receive_info *rcv,
    const char *why)
{
	char ip[64];

	if (!LOG_ON(L_DBG))
		return;
	ip_addr_to_str(&rcv->src_ip, ip, sizeof(ip));
	LM_DBG("dropped a malformed message from %s:%u (%zu bytes): %s", ip,
	    rcv->src_port, msg->len, why);
}

/* tcp_accept_aliases: a request over a stream whose top Via carries
 * ;alias makes source-ip:via-port another name of its connection. */
static void
via_alias(struct sip_msg *msg)
{
	struct via_body *v;

	if (!proto_is_stream(msg->rcv.proto) || msg->rcv.conn_id <= 0 ||
	    (v = parse_via_top(msg)) == NULL || v->alias == NULL)
		return;
	tcp_alias_add(msg->rcv.conn_id, &msg->rcv.src_ip,
	    v->port ? v->port : proto_default_port(msg->rcv.proto));
}

int
receive_msg(char *buf, size_t len, struct receive_info *rcv)
{
	struct sip_msg msg;
	const char *why = NULL;

	buf[len] = '\0';
	if (parse_msg(buf, len, &msg) != 0) {
		msg.len = len;
		log_bad(&msg, rcv, "cannot parse the first line or headers");
		fwd_stats.bad_msgs++;
		free_sip_msg(&msg);
		stats_publish(rcv->proto);
		return E_PARSE;
	}
	msg.id = ++msg_no;
	msg.rcv = *rcv;
	if (rcv->flags & RCV_NO_CONTENT_LENGTH) {
		/* RFC 3261 §18.3: mandatory on streams; the connection
		 * closes after this answer */
		log_bad(&msg, rcv, "no Content-Length on a stream");
		fwd_stats.bad_msgs++;
		if (msg.first.type == SIP_REQUEST && msg.h[HDR_VIA] != NULL &&
		    msg.first.method_id != METHOD_ACK)
			reply_local(&msg, 400,
			    msg.h[HDR_CONTENTLENGTH] == NULL
			        ? "Missing Content-Length"
			        : "Bad Content-Length");
		msg_done(&msg);
		stats_publish(rcv->proto);
		return E_PARSE;
	}
	if (parse_msg_check(&msg, &why) != 0) {
		log_bad(&msg, rcv, why ? why : "bad headers");
		fwd_stats.bad_msgs++;
		/* answer a broken request if it can still be answered */
		if (msg.first.type == SIP_REQUEST && msg.h[HDR_VIA] != NULL &&
		    msg.first.method_id != METHOD_ACK)
			reply_local(&msg, 400, "Bad Request");
		msg_done(&msg);
		stats_publish(rcv->proto);
		return E_PARSE;
	}
	if (msg.first.type == SIP_REQUEST && core_cfg.tcp_accept_aliases)
		via_alias(&msg);
	if (msg.first.type == SIP_REQUEST) {
		fwd_stats.rcv_requests++;
		/* after the hooks (tm absorbs the ACKs of its own replies):
		 * the ACK of a reply_local() reply ends here (1.x's sl
		 * filtered these before the script) */
		if (hooks_run(&request_hooks, &msg) == 0) {
			if (reply_local_acked(&msg))
				LM_DBG("ACK of a local reply absorbed");
			else if (script_fn != NULL && script_fn(&msg, true))
				fwd_stats.drop_requests++;
		}
	} else {
		fwd_stats.rcv_replies++;
		if (hooks_run(&reply_hooks, &msg) == 0) {
			if (script_fn != NULL && script_fn(&msg, false))
				fwd_stats.drop_replies++;
			else if (forward_reply(&msg) != 0)
				fwd_stats.err_replies++;
		}
	}
	msg_done(&msg);
	stats_publish(rcv->proto);
	return 0;
}
