/* tls/tls_transport.c: TLS as a stream transport of the TCP layer: the
 * PROTO_TLS struct transport_ops (the guide's tls_tcpconn_init, tls_read,
 * tls_blocking_write, tls_tcpconn_clean) and what $tls_* reads of a
 * connection (see tls_transport.h and doc/tls.md, "Plugging into the TCP
 * transport").
 *
 * Each connection's state (struct tls_tconn, pkg of the owning reader)
 * holds its struct tls_conn; nothing of it is shared.  What the control
 * interface shows is copied into the shm connection entry once, when the
 * handshake is done. */
#define LOG_MODULE "tls"
#include <stdio.h>
#include <string.h>

#include "../base/err.h"
#include "../base/log.h"
#include "../mem/pkg.h"
#include "../mem/shm.h"
#include "../net/net_addr.h"
#include "../net/socket_info.h"
#include "../net/tcp_conn.h"
#include "../tcp_read.h"
#include "tls.h"
#include "tls_reload.h"
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
int
tls_tcpconn_init(struct tcp_conn *c, int fd, bool outgoing, void **ctx)
{
	struct tcp_tls_target tgt;
	struct tls_tconn *t;
	struct socket_info *si;
	int rc, id;

	tls_reload_check();
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
ssize_t
tls_read(void *ctx, int fd, char *buf, size_t len)
{
	struct tls_tconn *t = ctx;

	(void)fd;
	return tt_map(t, tls_conn_read(t->tc, buf, len));
}

/* The guide's tls_blocking_write, made non-blocking: the reader retries
 * with the same bytes, and the supervisor bounds the wait with
 * tls_send_timeout. */
ssize_t
tls_blocking_write(void *ctx, int fd, const char *buf, size_t len)
{
	struct tls_tconn *t = ctx;

	(void)fd;
	return tt_map(t, tls_conn_write(t->tc, buf, len));
}

/* The guide's tls_tcpconn_clean. */
void
tls_tcpconn_clean(void *ctx, int fd)
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
	.init = tls_tcpconn_init,
	.read = tls_read,
	.write = tls_blocking_write,
	.close = tls_tcpconn_clean,
	.pending = tt_pending,
};

struct tls_conn *(*tls_conn_lookup)(int conn_id);

/* tls_conn_lookup for $tls_*: the message was read by this process. */
static struct tls_conn *
tt_lookup(int conn_id)
{
	struct tls_tconn *t = tcp_owned_ctx(conn_id);

	return t != NULL ? t->tc : NULL;
}

/* ---------------------------------------------------------- info */

bool
tls_conn_info(int conn_id, enum tls_info f, const char **s, long *n)
{
	struct tls_conn *c;

	*s = NULL;
	*n = 0;
	if (conn_id <= 0 || tls_conn_lookup == NULL ||
	    (c = tls_conn_lookup(conn_id)) == NULL ||
	    !tls_conn_handshake_done(c))
		return false;
	switch (f) {
	case TLS_INFO_VERSION: *s = tls_conn_version(c); break;
	case TLS_INFO_CIPHER: *s = tls_conn_cipher(c); break;
	case TLS_INFO_CIPHER_BITS: *n = tls_conn_cipher_bits(c); break;
	case TLS_INFO_PEER_SUBJECT: *s = tls_conn_peer_subject(c); break;
	case TLS_INFO_PEER_CN: *s = tls_conn_peer_cn(c); break;
	case TLS_INFO_PEER_ISSUER: *s = tls_conn_peer_issuer(c); break;
	case TLS_INFO_PEER_SERIAL: *s = tls_conn_peer_serial(c); break;
	case TLS_INFO_PEER_VERIFIED: *n = tls_conn_peer_verified(c); break;
	case TLS_INFO_PEER_NOT_BEFORE: *s = tls_conn_peer_not_before(c); break;
	case TLS_INFO_PEER_NOT_AFTER: *s = tls_conn_peer_not_after(c); break;
	case TLS_INFO_SERVER_NAME: *s = tls_conn_server_name(c); break;
	case TLS_INFO_MY_SUBJECT: *s = tls_conn_my_subject(c); break;
	}
	return true;
}

/* ---------------------------------------------------------- set-up */

int
tls_transport_setup(void)
{
	int rc;

	if ((rc = transport_ops_register(PROTO_TLS, &tls_ops)) != 0)
		return rc;
	tls_conn_lookup = tt_lookup;
	return tls_reload_init();
}
