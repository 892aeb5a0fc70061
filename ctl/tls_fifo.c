/* ctl/tls_fifo.c: the FIFO commands tls_list and tls_reload (output in
 * doc/fifo.md). */
#define LOG_MODULE "tls"
#include <stdio.h>
#include <string.h>

#include "../base/err.h"
#include "../base/log.h"
#include "../base/timer.h"
#include "../net/net_addr.h"
#include "../net/tcp_conn.h"
#include "../tls/tls.h"
#include "fifo_server.h"
#include "tls_fifo.h"

static const char *
state_name(enum tcp_conn_state s)
{
	switch (s) {
	case TCP_S_NEW: return "new";
	case TCP_S_CONNECTING: return "connecting";
	case TCP_S_HANDSHAKE: return "handshake";
	case TCP_S_OPEN: return "open";
	case TCP_S_CLOSING: return "closing";
	}
	return "?";
}

static void
su_str(const union sockaddr_union *su, char *buf, size_t size)
{
	char a[IP_ADDR_STR_MAX];
	struct ip_addr ip;

	ip_addr_from_su(&ip, su);
	if (ip.len == 0) {
		snprintf(buf, size, "-");
		return;
	}
	ip_addr_to_str(&ip, a, sizeof(a));
	snprintf(buf, size, ip.af == AF_INET6 ? "[%s]:%u" : "%s:%u", a,
	    su_port(su));
}

/* tls_list: one line (or JSON object) per TLS connection. */
static int
cmd_tls_list(struct fifo_reply *r, int argc, char *argv[])
{
	uint64_t now = get_ticks_ms();
	bool json = fifo_reply_json(r), first = true;
	struct tcp_tls_info none = { .domain = "", .version = "", .cipher = "",
	    .sni = "", .peer_subject = "" };
	const struct tcp_tls_info *in;
	struct tcp_conn *c;
	char loc[64], peer[64];
	int n = 0;

	(void)argc;
	(void)argv;
	if (tcp_conns == NULL)
		return 0;
	if (json)
		fifo_reply_printf(r, "[");
	tcp_conn_lock();
	for (c = tcp_conns->all; c != NULL; c = c->all_next) {
		if (c->proto != PROTO_TLS)
			continue;
		in = c->tls_info != NULL ? c->tls_info : &none;
		su_str(&c->local, loc, sizeof(loc));
		su_str(&c->peer, peer, sizeof(peer));
		n++;
		if (!json) {
			fifo_reply_printf(r, "%d: %s %s %s %s, domain \"%s\", "
			    "%s, cipher %s, SNI \"%s\", peer \"%s\"%s, age "
			    "%llus\n", c->id, state_name(c->state),
			    loc, c->outgoing ? "->" : "<-", peer,
			    in->domain[0] ? in->domain
			    : tls_domain_desc_of(c->tls != NULL ? c->tls->dom
						      : NULL),
			    in->version[0] ? in->version : "-",
			    in->cipher[0] ? in->cipher : "-",
			    in->sni[0] ? in->sni : c->tls ? c->tls->sni : "",
			    in->peer_subject,
			    in->peer_verified ? " (verified)" : "",
			    (unsigned long long)((now - c->created_ms) / 1000));
			continue;
		}
		fifo_reply_printf(r, "%s{\"id\": %d, \"state\": \"%s\", "
		    "\"direction\": \"%s\", \"local\": \"%s\", \"peer\": "
		    "\"%s\", \"domain\": ", first ? "" : ", ", c->id,
		    state_name(c->state), c->outgoing ? "out" : "in", loc,
		    peer);
		fifo_reply_json_str(r, in->domain);
		fifo_reply_printf(r, ", \"version\": ");
		fifo_reply_json_str(r, in->version);
		fifo_reply_printf(r, ", \"cipher\": ");
		fifo_reply_json_str(r, in->cipher);
		fifo_reply_printf(r, ", \"sni\": ");
		fifo_reply_json_str(r, in->sni[0] ? in->sni
		    : c->tls ? c->tls->sni : "");
		fifo_reply_printf(r, ", \"peer_subject\": ");
		fifo_reply_json_str(r, in->peer_subject);
		fifo_reply_printf(r, ", \"peer_verified\": %s, \"age\": %llu}",
		    in->peer_verified ? "true" : "false",
		    (unsigned long long)((now - c->created_ms) / 1000));
		first = false;
	}
	tcp_conn_unlock();
	if (json)
		fifo_reply_printf(r, "]\n");
	else if (n == 0)
		fifo_reply_printf(r, "no TLS connections\n");
	return 0;
}

/* tls_reload: validate here, then let every reader rebuild. */
static int
cmd_tls_reload(struct fifo_reply *r, int argc, char *argv[])
{
	char err[512];
	int rc, g;

	(void)argc;
	(void)argv;
	if ((rc = tls_reload(err, sizeof(err), &g)) != 0) {
		LM_ERR("tls_reload refused, the running set is kept: %s", err);
		fifo_reply_status(r, 500, "tls_reload failed: %s", err);
		fifo_reply_printf(r, "%s\n", err);
		return 0;
	}
	LM_INFO("tls_reload: certificates, keys, CA lists and CRLs read; "
		"new connections use them (reload %d)", g);
	fifo_reply_printf(r, "reload %d: new TLS connections use the files "
			     "read now\n", g);
	return 0;
}

int
tls_fifo_register(void)
{
	int rc;

	if ((rc = fifo_register("tls_list", cmd_tls_list, NULL)) != 0 &&
	    rc != E_INVAL)
		return rc;
	if ((rc = fifo_register("tls_reload", cmd_tls_reload, NULL)) != 0 &&
	    rc != E_INVAL)
		return rc;
	return 0;
}
