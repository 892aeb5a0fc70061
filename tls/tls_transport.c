/* tls/tls_transport.c: the TLS transport ops of the TCP layer, the
 * sender's client domain choice, $tls_* for the message's connection and
 * the FIFO commands tls_list / tls_reload (see tls_transport.h and
 * doc/tls.md, "Plugging into the TCP transport" and "Reloading").
 *
 * Each connection's state (struct tls_tconn, pkg of the owning reader)
 * holds its struct tls_conn; nothing of it is shared.  What the control
 * interface shows is copied into the shm connection entry once, when the
 * handshake is done. */
#define LOG_MODULE "tls"
#include <stdio.h>
#include <string.h>

#include <openssl/ssl.h>

#include "../base/err.h"
#include "../ctl/fifo_server.h"
#include "../sip/forward.h"
#include "../base/log.h"
#include "../mem/pkg.h"
#include "../mem/shm.h"
#include "../net/net_addr.h"
#include "../net/socket_info.h"
#include "../net/tcp_conn.h"
#include "../script/pv.h"
#include "../tcp_read.h"
#include "../base/timer.h"
#include "../base/usr_avp.h"
#include "tls_domain.h"
#include "tls_int.h"
#include "tls_pv.h"
#include "tls_server.h"
#include "tls_stats.h"
#include "tls_transport.h"

/* One TLS connection, as its owner keeps it (the ops' ctx). */
struct tls_tconn {
	struct tls_conn *tc;
	struct tcp_conn *c;        /* shm entry; valid while we own it */
	int id;
	bool done;                 /* handshake finished and reported */
	char peer[IP_ADDR_STR_MAX + 8];
};

/* tls_reload: bumped by the FIFO process after it validated the files;
 * each reader rebuilds its contexts before its next new connection. */
static int *reload_gen;
static int my_gen;

static void
list_rebuild(struct tls_domain *d)
{
	char err[512];

	for (; d != NULL; d = d->next)
		if (tls_domain_build_ctx(d, err, sizeof(err)) != 0)
			LM_ERR("tls_reload: %s (this process keeps the old "
			       "context)", err);
}

static void
reload_check(void)
{
	int g;

	if (reload_gen == NULL)
		return;
	g = __atomic_load_n(reload_gen, __ATOMIC_ACQUIRE);
	if (g == my_gen)
		return;
	my_gen = g;
	list_rebuild(tls_default_server_domain);
	list_rebuild(tls_default_client_domain);
	list_rebuild(tls_server_domains);
	list_rebuild(tls_client_domains);
	LM_INFO("TLS contexts rebuilt (reload %d)", g);
}

/* ---------------------------------------------------------- ops */

static void
tt_peer(struct tls_tconn *t, const struct tcp_conn *c)
{
	char a[IP_ADDR_STR_MAX];
	struct ip_addr ip;

	ip_addr_from_su(&ip, &c->peer);
	ip_addr_to_str(&ip, a, sizeof(a));
	snprintf(t->peer, sizeof(t->peer), ip.af == AF_INET6 ? "[%s]:%u"
	    : "%s:%u", a, su_port(&c->peer));
}

/* The shm copy of what tls_list shows, one block sized to its strings. */
static struct tcp_tls_info *
tt_info_new(struct tls_conn *tc)
{
	const char *v[5] = {
		tls_conn_domain_desc(tc), tls_conn_version(tc),
		tls_conn_cipher(tc), tls_conn_server_name(tc),
		tls_conn_peer_subject(tc),
	};
	const char **dst[5];
	struct tcp_tls_info *info;
	size_t len[5], total = 0;
	char *p;
	int i;

	for (i = 0; i < 5; i++) {
		len[i] = v[i] != NULL ? strlen(v[i]) : 0;
		total += len[i] + 1;
	}
	if ((info = shm_malloc(sizeof(*info) + total)) == NULL)
		return NULL;
	dst[0] = &info->domain;
	dst[1] = &info->version;
	dst[2] = &info->cipher;
	dst[3] = &info->sni;
	dst[4] = &info->peer_subject;
	for (i = 0, p = info->data; i < 5; i++) {
		if (len[i] != 0)
			memcpy(p, v[i], len[i]);
		p[len[i]] = '\0';
		*dst[i] = p;
		p += len[i] + 1;
	}
	info->peer_verified = tls_conn_peer_verified(tc);
	return info;
}

/* The handshake just completed: log it, publish it, count it done. */
static void
tt_done(struct tls_tconn *t)
{
	struct tls_conn *tc = t->tc;

	t->done = true;
	tls_stats_inc(TLS_STAT_HS_OK);
	LM_DBG("TLS connection %d %s %s: handshake done, %s%s, %s, %s, "
	    "cipher %s, peer certificate: %s%s%s", t->id,
	    tls_conn_is_server(tc) ? "from" : "to", t->peer,
	    tls_conn_domain_desc(tc),
	    tls_conn_domain_by_sni(tc) ? " (chosen by SNI)" : "",
	    tls_conn_resumed(tc) ? "resumed" : "full",
	    tls_conn_version(tc), tls_conn_cipher(tc),
	    tls_conn_peer_subject(tc) == NULL ? "none"
	    : tls_conn_peer_verified(tc) ? "verified" : "NOT verified",
	    tls_conn_peer_subject(tc) ? " " : "",
	    tls_conn_peer_subject(tc) ? tls_conn_peer_subject(tc) : "");
	tcp_conn_tls_done(t->c, tt_info_new(tc));
}

static ssize_t
tt_map(struct tls_tconn *t, ssize_t n)
{
	if (!t->done && tls_conn_handshake_done(t->tc))
		tt_done(t);
	if (n == TLS_WANT_READ)
		return TRANSPORT_WANT_READ;
	if (n == TLS_WANT_WRITE)
		return TRANSPORT_WANT_WRITE;
	if (n < 0)
		LM_INFO("TLS connection %d %s %s (%s): %s", t->id,
		    tls_conn_is_server(t->tc) ? "from" : "to", t->peer,
		    tls_conn_domain_desc(t->tc), tls_conn_error(t->tc));
	return n;
}

/* The guide's tls_tcpconn_init. */
static int
tt_init(struct tcp_conn *c, int fd, bool outgoing, void **ctx)
{
	struct tcp_tls_target tgt;
	struct tls_tconn *t;
	struct socket_info *si;
	int rc, id;

	reload_check();
	if ((t = pkg_zalloc(sizeof(*t))) == NULL)
		return E_NOMEM;
	tcp_conn_lock();
	if (c->tls != NULL)
		tgt = *c->tls;
	else
		memset(&tgt, 0, sizeof(tgt));
	si = c->bind;
	id = c->id;
	tt_peer(t, c);
	tcp_conn_unlock();
	t->c = c;
	t->id = id;
	if (outgoing && tgt.dom == NULL) {
		rc = E_INVAL;
	} else if (outgoing) {
		rc = tls_conn_new_client(&t->tc, fd,
		    (struct tls_domain *)(uintptr_t)tgt.dom,
		    tgt.sni[0] ? tgt.sni : NULL,
		    tgt.host[0] ? tgt.host : NULL);
		if (rc == 0)
			LM_DBG("TLS connection %d to %s: client domain %s, SNI "
			    "%s, identity %s", id, t->peer,
			    tls_conn_domain_desc(t->tc),
			    tgt.sni[0] ? tgt.sni : "(none)",
			    tgt.host[0] ? tgt.host : "(not checked)");
	} else if (si == NULL) {
		rc = E_INVAL;
	} else {
		rc = tls_conn_new_server(&t->tc, fd, &si->address, si->port);
		if (rc == 0)
			LM_DBG("TLS connection %d from %s on %s:%u: socket "
			    "domain %s", id, t->peer, si->address_str,
			    si->port, tls_conn_domain_desc(t->tc));
	}
	if (rc != 0) {
		LM_ERR("TLS connection %d %s %s: cannot set up TLS: %s", id,
		    outgoing ? "to" : "from", t->peer, err_str(rc));
		pkg_free(t);
		return rc;
	}
	tcp_conn_set_state(c, TCP_S_HANDSHAKE);
	*ctx = t;
	if (outgoing) {
		/* send the ClientHello now, whatever is queued */
		rc = (int)tt_map(t, tls_conn_handshake(t->tc));
		if (rc < 0 && rc != TRANSPORT_WANT_READ &&
		    rc != TRANSPORT_WANT_WRITE)
			return rc;   /* the caller calls close */
	}
	return 0;
}

/* The guide's tls_read (one call; the reader loops). */
static ssize_t
tt_read(void *ctx, int fd, char *buf, size_t len)
{
	struct tls_tconn *t = ctx;

	(void)fd;
	return tt_map(t, tls_conn_read(t->tc, buf, len));
}

/* The guide's tls_blocking_write, made non-blocking: the reader retries
 * with the same bytes, and the supervisor bounds the wait with
 * tls_send_timeout. */
static ssize_t
tt_write(void *ctx, int fd, const char *buf, size_t len)
{
	struct tls_tconn *t = ctx;

	(void)fd;
	return tt_map(t, tls_conn_write(t->tc, buf, len));
}

/* The guide's tls_tcpconn_clean. */
static void
tt_close(void *ctx, int fd)
{
	struct tls_tconn *t = ctx;

	(void)fd;
	if (t == NULL)
		return;
	tls_stats_conn_closed(t->tc, t->done);
	tls_conn_free(t->tc);
	pkg_free(t);
}

static size_t
tt_pending(void *ctx)
{
	struct tls_tconn *t = ctx;

	return t != NULL && t->tc != NULL ? tls_conn_pending(t->tc) : 0;
}

static const struct transport_ops tls_ops = {
	.name = "tls",
	.init = tt_init,
	.read = tt_read,
	.write = tt_write,
	.close = tt_close,
	.pending = tt_pending,
};

/* tls_conn_lookup for $tls_*: the message was read by this process. */
static struct tls_conn *
tt_lookup(int conn_id)
{
	struct tls_tconn *t = tcp_owned_ctx(conn_id);

	return t != NULL ? t->tc : NULL;
}

/* ---------------------------------------------------------- sender */

static bool
avp_str(int id, struct str *out)
{
	struct avp_value v;

	if (id <= 0 || !avp_get_int_name(id, &v) || !v.is_str ||
	    v.s.len == 0)
		return false;
	*out = v.s;
	return true;
}

int
tls_dest_target(const struct dest_info *d, struct tcp_tls_target *t)
{
	struct tls_domain *dom;
	struct ip_addr ip;
	struct str name = { 0 }, sni = { 0 }, host = d->host;
	bool by_name;

	memset(t, 0, sizeof(*t));
	ip_addr_from_su(&ip, &d->to);
	by_name = avp_str(tls_cfg.client_domain_avp.v, &name);
	dom = tls_select_client_domain(by_name ? &name : NULL, &ip,
	    su_port(&d->to));
	if (dom == NULL)
		return E_TLS;
	if (by_name && (dom->name == NULL || strlen(dom->name) != name.len ||
	    memcmp(dom->name, name.s, name.len) != 0))
		LM_DBG("no tls_client_domain[\"%.*s\"]: using %s",
		    (int)name.len, name.s, dom->desc);
	t->dom = dom;
	if (avp_str(tls_cfg.server_name_avp.v, &sni)) {
		if (sni.len >= sizeof(t->sni))
			return E_TOOBIG;
		memcpy(t->sni, sni.s, sni.len);
	}
	if (host.len >= 2 && host.s[0] == '[' && host.s[host.len - 1] == ']') {
		host.s++;
		host.len -= 2;
	}
	if (host.len == 0) {
		ip_addr_to_str(&ip, t->host, sizeof(t->host));
	} else {
		if (host.len >= sizeof(t->host))
			return E_TOOBIG;
		memcpy(t->host, host.s, host.len);
	}
	return 0;
}

/* ---------------------------------------------------------- FIFO */

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
			    : (c->tls != NULL && c->tls->dom != NULL
				  ? ((const struct tls_domain *)c->tls->dom)->desc
				  : "-"),
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

/* Build a throw-away context for every domain of list: the files exist,
 * parse and match.  0 or E_* with err. */
static int
list_validate(struct tls_domain *d, char *err, size_t size)
{
	struct tls_domain tmp;
	int rc;

	for (; d != NULL; d = d->next) {
		tmp = *d;
		tmp.ctx = NULL;
		tmp.next = NULL;
		rc = tls_domain_build_ctx(&tmp, err, size);
		SSL_CTX_free(tmp.ctx);
		if (rc != 0)
			return rc;
	}
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
	err[0] = '\0';
	if ((rc = list_validate(tls_default_server_domain, err,
		 sizeof(err))) != 0 ||
	    (rc = list_validate(tls_default_client_domain, err,
		 sizeof(err))) != 0 ||
	    (rc = list_validate(tls_server_domains, err, sizeof(err))) != 0 ||
	    (rc = list_validate(tls_client_domains, err, sizeof(err))) != 0) {
		LM_ERR("tls_reload refused, the running set is kept: %s", err);
		fifo_reply_status(r, 500, "tls_reload failed: %s", err);
		fifo_reply_printf(r, "%s\n", err);
		return 0;
	}
	g = __atomic_add_fetch(reload_gen, 1, __ATOMIC_ACQ_REL);
	reload_check();   /* this process too: statistics show the new files */
	LM_INFO("tls_reload: certificates, keys, CA lists and CRLs read; "
		"new connections use them (reload %d)", g);
	fifo_reply_printf(r, "reload %d: new TLS connections use the files "
			     "read now\n", g);
	return 0;
}

/* ---------------------------------------------------------- set-up */

int
tls_transport_setup(void)
{
	int rc;

	if ((rc = transport_ops_register(PROTO_TLS, &tls_ops)) != 0)
		return rc;
	tls_conn_lookup = tt_lookup;
	if (reload_gen == NULL &&
	    (reload_gen = shm_zalloc(sizeof(*reload_gen))) == NULL)
		return E_NOMEM;
	my_gen = 0;
	if ((rc = fifo_register("tls_list", cmd_tls_list, NULL)) != 0 &&
	    rc != E_INVAL)
		return rc;
	if ((rc = fifo_register("tls_reload", cmd_tls_reload, NULL)) != 0 &&
	    rc != E_INVAL)
		return rc;
	return 0;
}
