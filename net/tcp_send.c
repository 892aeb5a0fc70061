/* net/tcp_send.c: finding or entering the connection for a send, and
 * queueing to its owner (see tcp_send.h). */
#include <string.h>

#include "../base/err.h"
#include "../base/timer.h"
#include "dest_info.h"
#include "net_addr.h"
#include "socket_info.h"
#include "tcp_chan.h"
#include "tcp_conn.h"
#include "tcp_send.h"

/* most bytes waiting for one connection (shm); beyond, sends fail */
#define TCP_QUEUE_MAX (4u << 20)

static const struct tcp_owner_ops *owner_ops;
static tcp_fail_fn fail_hooks[TCP_FAIL_HOOKS];
static int n_fail_hooks;

void
tcp_send_owner_set(const struct tcp_owner_ops *o)
{
	owner_ops = o;
}

int
tcp_fail_hook_add(tcp_fail_fn fn)
{
	if (n_fail_hooks == TCP_FAIL_HOOKS)
		return E_TOOBIG;
	fail_hooks[n_fail_hooks++] = fn;
	return 0;
}

void
tcp_fail_report(int conn_id)
{
	int i;

	for (i = 0; i < n_fail_hooks; i++)
		fail_hooks[i](conn_id);
}

/* Find or enter the connection for d and queue buf on it unless the
 * caller owns it (then nothing is queued).  *wake: the queue was empty
 * (its owner must be woken); *fresh: entered now (must be opened).
 * tcp_conn_lock held. */
static int
tcp_send_locked(struct dest_info *d, const char *buf, size_t len,
    const struct tcp_tls_target *t, struct tcp_conn **out, bool *wake,
    bool *fresh)
{
	struct tcp_conn *c = NULL;
	struct ip_addr ip;
	int rc;

	if (d->conn_id > 0) {
		c = tcp_conn_find_id(d->conn_id);
		if (c != NULL && (c->close_req || c->state == TCP_S_CLOSING))
			c = NULL;
	}
	if (c == NULL && d->conn_only)
		return E_CLOSED;   /* that connection or none */
	if (c == NULL) {
		ip_addr_from_su(&ip, &d->to);
		c = d->proto == PROTO_TLS
		    ? tcp_conn_find_tls(&ip, su_port(&d->to), t)
		    : tcp_conn_find_addr(&ip, su_port(&d->to), d->proto);
	}
	if (c == NULL && d->existing_only)
		return E_CLOSED;   /* the UA's flow is gone: never a new one */
	if (c == NULL) {
		if (d->proto == PROTO_TLS && t == NULL)
			return E_INVAL;   /* no client domain resolved */
		if ((rc = tcp_conn_add(&c, d->proto, &d->to, d->send_sock)))
			return rc;
		c->outgoing = true;
		if (t != NULL && (rc = tcp_conn_set_tls_target(c, t)) != 0) {
			tcp_conn_remove(c);
			return rc;
		}
		c->created_ms = c->last_ms = get_ticks_ms();
		/* a reader opens what it needs itself (no hand-off for the
		 * requests that follow); others ask readers in turn */
		c->owner = tcp_reader_self >= 0 ? tcp_reader_self
		    : (int)((unsigned)c->id % (unsigned)tcp_readers);
		*fresh = true;
	}
	*out = c;
	if (c->owner == tcp_reader_self && c->state != TCP_S_NEW)
		return 0;   /* we write it ourselves */
	if (c->q_bytes + len > TCP_QUEUE_MAX)
		return E_TOOBIG;   /* the peer does not read: don't pile up */
	*wake = c->q_bytes == 0;
	if ((rc = tcp_conn_queue(c, buf, len, get_ticks_ms())) != 0)
		return rc;
	if (*wake && c->state != TCP_S_NEW)
		tcp_pending_add(c->owner, c->id);
	return 0;
}

int
tcp_send(struct dest_info *d, const char *buf, size_t len)
{
	return tcp_send_tls(d, buf, len, NULL);
}

int
tcp_send_tls(struct dest_info *d, const char *buf, size_t len,
    const struct tcp_tls_target *t)
{
	struct tcp_conn *c = NULL;
	bool wake = false, fresh = false;
	int rc, owner = -1, id = 0, fd = -1;

	if (tcp_conns == NULL || tcp_readers < 1)
		return E_NOTFOUND;
	if (d->send_sock == NULL || d->send_sock->proto != d->proto)
		d->send_sock = socket_for_dst(&d->to, d->proto);
	if (d->send_sock == NULL)
		return E_NOTFOUND;
	tcp_conn_lock();
	rc = tcp_send_locked(d, buf, len, t, &c, &wake, &fresh);
	if (rc == 0) {
		owner = c->owner;
		id = c->id;
		fd = c->fd;
	}
	tcp_conn_unlock();
	if (rc != 0)
		return rc;
	d->conn_id = id;   /* the sender may watch it (tcp_fail_hook_add) */
	if (fresh) {
		if (owner == tcp_reader_self && owner_ops != NULL)
			owner_ops->connect(id);
		else if (tcp_cmd_send(owner, TCP_CMD_CONNECT, id, -1) != 0)
			return E_IO;   /* the supervisor drops the entry */
		return 0;
	}
	if (owner == tcp_reader_self) {
		/* queued while it was still NEW: the reader flushes it when
		 * it takes it */
		if (wake)
			return 0;
		return owner_ops != NULL ? owner_ops->send(id, fd, buf, len)
					 : E_NOTFOUND;
	}
	if (wake)
		tcp_wake(owner);
	return 0;
}

int
tcp_conn_keep(int conn_id, uint64_t until_ms)
{
	struct tcp_conn *c;

	if (tcp_conns == NULL)
		return E_NOTFOUND;
	tcp_conn_lock();
	if ((c = tcp_conn_find_id(conn_id)) != NULL && c->keep_ms < until_ms)
		c->keep_ms = until_ms;
	tcp_conn_unlock();
	return c != NULL ? 0 : E_NOTFOUND;
}

static tcp_closed_fn closed_hooks[TCP_CLOSED_HOOKS];
static int n_closed_hooks;

int
tcp_closed_hook_add(tcp_closed_fn fn)
{
	if (n_closed_hooks == TCP_CLOSED_HOOKS)
		return E_TOOBIG;
	closed_hooks[n_closed_hooks++] = fn;
	return 0;
}

void
tcp_closed_report(int conn_id)
{
	int i;

	for (i = 0; i < n_closed_hooks; i++)
		closed_hooks[i](conn_id);
}
