/* tcp_read.c: the TCP readers: accepting, reading, framing, writing.
 *
 * A reader owns the connections it accepts (every reader watches the
 * listening sockets; tcp_accept() may pass one to a less loaded reader
 * instead), those passed to it, and the outgoing ones it opens on
 * request; it is the only process that reads, writes or closes them.
 * Its epoll loop watches the listening sockets, its command channel, its
 * wake-up eventfd (others queued bytes for one of its connections) and
 * its connections; every socket is non-blocking and every
 * I/O goes through the connection's struct transport_ops, so this file
 * never knows whether a connection is plain TCP or TLS.
 *
 * Per connection the reader keeps a small struct tcp_rconn (pkg) and a
 * read buffer that exists only while a message is incomplete: an idle
 * connection costs the rconn plus its shm entry. */
#define LOG_MODULE "tcp"
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "base/timer.h"
#include "cfg/cfg_tls.h"
#include "cfg/core_cfg.h"
#include "mem/pkg.h"
#include "mem/shm.h"
#include "net/dest_info.h"
#include "net/dst_blacklist.h"
#include "net/net_addr.h"
#include "net/socket_info.h"
#include "net/tcp_chan.h"
#include "net/tcp_conn.h"
#include "net/tcp_send.h"
#include "parser/msg_parser.h"
#include "tcp_read.h"
#include "tls/tls_stats.h"

#define RBUF_MIN 4096
#define TICK_MS 200
/* the safety sweep over every owned connection */
#define TCP_SWEEP_MS 5000

/* what every message read is handed to (tcp_read_set_receive) */
static receive_fn rcv_fn;

/* A connection as its owner sees it.  pkg of the owning reader. */
struct tcp_rconn {
	int fd;
	int id;
	struct tcp_conn *c;                /* shm entry, valid until we
					    * remove it */
	const struct transport_ops *ops;
	void *ctx;                         /* ops' per-connection state */
	char *buf;                         /* NULL while idle */
	unsigned len, cap;                 /* buf holds cap + 1 bytes */
	unsigned events;                   /* registered epoll events */
	bool connecting, busy, dead, closed;
	bool read_wants_out;               /* read said WANT_WRITE */
	bool write_wants_in;               /* write said WANT_READ */
	bool no_length;                    /* framing found no Content-Length */
	bool got_bytes;                    /* tcp_conn_got_bytes() done */
	struct tcp_rconn *next_dead;       /* graveyard list */
};

static int ep = -1;
static struct tcp_rconn **by_fd;       /* pkg, indexed by fd */
static int by_fd_size;
static int by_fd_top;                  /* highest fd + 1 ever used */
/* closed rconns, freed after the current batch of events (a later event
 * of the batch may still point to one) */
static struct tcp_rconn *graveyard;
/* connections came or went since the last malloc_trim() */
static bool heap_dirty;
/* connections this reader owns (published for tcp_accept's balance) */
static int n_owned;
/* epoll data of a listening socket: its socket_info with the low bit set
 * (an rconn pointer never has it; the command channel is NULL) */
#define LISTEN_TAG 1u
/* epoll data of the wake-up eventfd */
static int wake_mark;

/* ---------------------------------------------------------- framing */

int
tcp_frame_next(const char *buf, size_t len, size_t max, size_t *skip,
    size_t *msg_len, bool *pong)
{
	ssize_t n;
	size_t s, i;

	*msg_len = 0;
	*pong = false;
	n = sip_frame_len(buf, len, &s);
	for (i = 0; i + 3 < s; i++)
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
			*pong = true;
			break;
		}
	/* keep a buffer that is only the start of a ping ("\r", "\r\n",
	 * "\r\n\r"): the rest may come with the next read */
	if (!*pong && len < 4 && memcmp(buf, "\r\n\r", len) == 0)
		s = 0;
	*skip = s;
	if (n < 0)
		return n == E_TOOBIG ? E_TOOBIG : E_PARSE;
	if (n == 0) {
		if (len - s >= max)
			return E_TOOBIG;
		return 0;
	}
	if ((size_t)n > max)
		return E_TOOBIG;
	*msg_len = (size_t)n;
	return 0;
}

/* ---------------------------------------------------------- helpers */

static void
rconn_events(struct tcp_rconn *r, unsigned want)
{
	struct epoll_event ev;

	if (r->events == want)
		return;
	ev.events = want;
	ev.data.ptr = r;
	if (epoll_ctl(ep, EPOLL_CTL_MOD, r->fd, &ev) == 0)
		r->events = want;
}

/* Close and forget r; its shm entry goes too.  Owner only. */
static void
rconn_close(struct tcp_rconn *r, const char *why)
{
	union sockaddr_union peer;
	enum tcp_conn_state state;
	enum proto proto;
	size_t lost;
	bool outgoing;

	if (r->closed)
		return;
	if (r->busy) {
		/* inside receive_msg() on this connection: later */
		r->dead = true;
		return;
	}
	if (r->ops != NULL && r->ops->close != NULL)
		r->ops->close(r->ctx, r->fd);
	tcp_conn_lock();
	lost = r->c->q_bytes;
	outgoing = r->c->outgoing;
	state = r->c->state;
	proto = r->c->proto;
	peer = r->c->peer;
	tcp_conn_remove(r->c);
	tcp_conn_unlock();
	/* a connect or a TLS handshake of ours that failed: the next hop is
	 * skipped for a while (use_dst_blacklist) */
	if (outgoing && (state == TCP_S_NEW || state == TCP_S_CONNECTING))
		dst_blacklist_add(proto, &peer, DST_BL_REFUSED);
	else if (outgoing && state == TCP_S_HANDSHAKE)
		dst_blacklist_add(proto, &peer, DST_BL_TLS);
	if (lost > 0 && outgoing)
		tcp_fail_report(r->id);
	tcp_closed_report(r->id);
	if (lost > 0)
		LM_NOTICE("connection %d closed (%s): %zu queued bytes not "
			  "sent", r->id, why, lost);
	else
		LM_DBG("connection %d closed: %s", r->id, why);
	close(r->fd);
	if (r->fd < by_fd_size)
		by_fd[r->fd] = NULL;
	pkg_free(r->buf);
	r->buf = NULL;
	r->closed = r->dead = true;
	heap_dirty = true;
	tcp_reader_load_set(tcp_reader_self, --n_owned);
	r->next_dead = graveyard;
	graveyard = r;
}

static struct tcp_rconn *
rconn_new(int fd, struct tcp_conn *c)
{
	struct tcp_rconn *r;
	struct epoll_event ev;

	if (fd >= by_fd_size || (r = pkg_zalloc(sizeof(*r))) == NULL)
		return NULL;
	r->fd = fd;
	r->id = c->id;
	r->c = c;
	r->ops = transport_ops_get(c->proto);
	r->events = EPOLLIN;
	ev.events = r->events;
	ev.data.ptr = r;
	if (r->ops == NULL || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1) {
		pkg_free(r);
		return NULL;
	}
	by_fd[fd] = r;
	heap_dirty = true;
	tcp_reader_load_set(tcp_reader_self, ++n_owned);
	if (fd >= by_fd_top)
		by_fd_top = fd + 1;
	return r;
}

/* Write the queue until it is empty or the socket is full.  Owner only.
 * 0, or E_* when the connection must be closed. */
static int
rconn_flush(struct tcp_rconn *r)
{
	struct tcp_conn *c = r->c;
	struct tcp_chunk *k;
	ssize_t n;

	if (r->connecting)
		return 0;
	for (;;) {
		tcp_conn_lock();
		k = c->q_head;
		tcp_conn_unlock();
		if (k == NULL)
			break;
		n = r->ops->write(r->ctx, r->fd, k->data + k->off,
		    k->len - k->off);
		if (n == TRANSPORT_WANT_WRITE) {
			rconn_events(r, EPOLLIN | EPOLLOUT);
			return 0;
		}
		if (n == TRANSPORT_WANT_READ) {
			/* e.g. a TLS handshake waits for the peer: retried
			 * after the next read */
			r->write_wants_in = true;
			rconn_events(r, EPOLLIN);
			return 0;
		}
		if (n < 0)
			return (int)n;
		r->write_wants_in = false;
		__atomic_store_n(&c->last_ms, get_ticks_ms(), __ATOMIC_RELAXED);
		tcp_conn_lock();
		k->off += (size_t)n;
		c->q_bytes -= (size_t)n;
		if (k->off == k->len) {
			c->q_head = k->next;
			if (c->q_head == NULL)
				c->q_tail = NULL;
		} else {
			k = NULL;
		}
		if (c->q_bytes > 0)
			c->q_since_ms = get_ticks_ms();
		tcp_conn_unlock();
		if (k != NULL)
			shm_free(k);
	}
	rconn_events(r, EPOLLIN);
	return 0;
}

/* ---------------------------------------------------------- reading */

static void
rconn_dispatch(struct tcp_rconn *r, char *msg, size_t len)
{
	struct receive_info rcv;
	struct tcp_conn *c = r->c;
	char saved = msg[len];

	memset(&rcv, 0, sizeof(rcv));
	rcv.proto = c->proto;
	rcv.conn_id = r->id;
	rcv.src_su = c->peer;
	ip_addr_from_su(&rcv.src_ip, &c->peer);
	rcv.src_port = su_port(&c->peer);
	ip_addr_from_su(&rcv.dst_ip, &c->local);
	rcv.dst_port = su_port(&c->local);
	rcv.bind = c->bind;
	rcv.flags = r->no_length ? RCV_NO_CONTENT_LENGTH : 0;
	r->busy = true;
	rcv_fn(msg, len, &rcv);   /* sets msg[len] = '\0' */
	r->busy = false;
	msg[len] = saved;
}

/* The headers at r->buf + skip ended without Content-Length: hand them
 * up marked as such (the SIP layer answers 400); the caller closes. */
static void
rconn_no_length(struct tcp_rconn *r, size_t skip)
{
	char *h = r->buf + skip, *e;
	size_t n = r->len - skip;

	if ((e = memmem(h, n, "\r\n\r\n", 4)) == NULL)
		return;
	r->no_length = true;
	rconn_dispatch(r, h, (size_t)(e - h) + 4);
}

static void
rconn_consume(struct tcp_rconn *r, size_t n)
{
	r->len -= (unsigned)n;
	if (r->len > 0)
		memmove(r->buf, r->buf + n, r->len);
}

/* Frame and dispatch every complete message in r->buf.  0 or E_*. */
static int
rconn_frames(struct tcp_rconn *r)
{
	size_t max = (size_t)core_cfg.tcp_max_msg_size, skip, mlen;
	bool pong;
	int rc;

	while (r->len > 0 && !r->dead) {
		rc = tcp_frame_next(r->buf, r->len, max, &skip, &mlen, &pong);
		if (rc == E_PARSE)
			rconn_no_length(r, skip);
		if (rc != 0)
			return rc;
		if (pong) {
			struct dest_info d = { .proto = r->c->proto,
				.conn_id = r->id, .to = r->c->peer };

			tcp_send(&d, "\r\n", 2);
		}
		if (skip > 0)
			rconn_consume(r, skip);
		if (mlen == 0)
			break;
		rconn_dispatch(r, r->buf, mlen);
		rconn_consume(r, mlen);
	}
	return 0;
}

static int
rconn_grow(struct tcp_rconn *r)
{
	size_t max = (size_t)core_cfg.tcp_max_msg_size + 4;
	size_t ncap = r->cap ? (size_t)r->cap * 2 : RBUF_MIN;
	char *nb;

	if (r->cap >= max)
		return E_TOOBIG;
	if (ncap > max)
		ncap = max;
	if ((nb = pkg_realloc(r->buf, ncap + 1)) == NULL)
		return E_NOMEM;
	r->buf = nb;
	r->cap = (unsigned)ncap;
	return 0;
}

static void
rconn_read(struct tcp_rconn *r)
{
	const char *why = NULL;
	ssize_t n;
	size_t space;
	int rc, rounds;

	r->read_wants_out = false;
	if (!r->got_bytes) {
		/* the peer spoke: no longer a silent handshake (a read is
		 * also tried when a connection is taken, bytes or not) */
		int avail = 0;

		if (ioctl(r->fd, FIONREAD, &avail) == 0 && avail > 0) {
			r->got_bytes = true;
			tcp_conn_got_bytes(r->c);
		}
	}
	for (rounds = 0; why == NULL; rounds++) {
		/* a bounded batch, but never leave bytes a transport already
		 * decrypted behind: the fd will not wake us for them */
		if (rounds >= 4 && (r->ops->pending == NULL ||
		    r->ops->pending(r->ctx) == 0))
			break;
		if (r->len == r->cap && (rc = rconn_grow(r)) != 0) {
			why = rc == E_TOOBIG ? "message too big" : "no memory";
			break;
		}
		space = r->cap - r->len;
		n = r->ops->read(r->ctx, r->fd, r->buf + r->len, space);
		if (n == TRANSPORT_WANT_READ)
			break;
		if (n == TRANSPORT_WANT_WRITE) {
			r->read_wants_out = true;
			rconn_events(r, EPOLLIN | EPOLLOUT);
			break;
		}
		if (n == 0) {
			why = r->len ? "EOF in the middle of a message" : "EOF";
			break;
		}
		if (n < 0) {
			why = err_str((int)n);
			break;
		}
		r->len += (unsigned)n;
		__atomic_store_n(&r->c->last_ms, get_ticks_ms(),
		    __ATOMIC_RELAXED);
		if ((rc = rconn_frames(r)) != 0)
			why = rc == E_TOOBIG ? "message over tcp_max_msg_size"
					     : "no Content-Length";
		if (r->dead)
			why = "write failed";
		if ((size_t)n < space && (r->ops->pending == NULL ||
		    r->ops->pending(r->ctx) == 0))
			break;   /* drained for now */
	}
	if (why != NULL) {
		rconn_close(r, why);
		return;
	}
	/* tcp_message_timeout runs from the first byte of a message */
	if (r->len == 0)
		__atomic_store_n(&r->c->msg_start_ms, 0, __ATOMIC_RELAXED);
	else if (__atomic_load_n(&r->c->msg_start_ms, __ATOMIC_RELAXED) == 0)
		__atomic_store_n(&r->c->msg_start_ms, get_ticks_ms(),
		    __ATOMIC_RELAXED);
	if (r->len == 0 && r->buf != NULL) {
		/* idle between messages: give the buffer back */
		pkg_free(r->buf);
		r->buf = NULL;
		r->cap = 0;
	}
}

/* ---------------------------------------------------------- connecting */

/* Our non-blocking connect finished (or failed).  Owner only. */
static void
rconn_connected(struct tcp_rconn *r)
{
	union sockaddr_union local;
	socklen_t l = sizeof(local);
	int err = 0, rc;

	l = sizeof(err);
	if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &l) == -1)
		err = errno;
	if (err != 0) {
		LM_DBG("connect for connection %d failed: %s", r->id,
		    strerror(err));
		rconn_close(r, "connect failed");
		return;
	}
	r->connecting = false;
	l = sizeof(local);
	if (getsockname(r->fd, &local.s, &l) == -1)
		memset(&local, 0, sizeof(local));
	tcp_conn_lock();
	r->c->local = local;
	r->c->state = TCP_S_OPEN;
	r->c->last_ms = get_ticks_ms();
	tcp_conn_unlock();
	/* may move it to TCP_S_HANDSHAKE (TLS) */
	if ((rc = r->ops->init(r->c, r->fd, true, &r->ctx)) != 0) {
		rconn_close(r, "transport init failed");
		return;
	}
	rconn_events(r, EPOLLIN);
	if ((rc = rconn_flush(r)) != 0)
		rconn_close(r, err_str(rc));
}

/* Open the outgoing connection id (state TCP_S_NEW, owner us). */
static void
tcp_connect_start(int id)
{
	union sockaddr_union peer, src;
	struct socket_info *bind_si;
	struct tcp_conn *c;
	struct tcp_rconn *r;
	int fd, on = 1;

	tcp_conn_lock();
	c = tcp_conn_find_id(id);
	if (c == NULL || c->state != TCP_S_NEW || c->owner != tcp_reader_self) {
		tcp_conn_unlock();
		return;
	}
	c->state = TCP_S_CONNECTING;
	peer = c->peer;
	bind_si = c->bind;
	tcp_conn_unlock();
	fd = socket(peer.s.sa_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1) {
		LM_ERRNO(L_ERR, errno, "socket for connection %d", id);
		goto fail;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if (bind_si != NULL && !bind_si->is_any &&
	    bind_si->su.s.sa_family == peer.s.sa_family) {
		/* leave from the listening address, any port */
		src = bind_si->su;
		if (src.s.sa_family == AF_INET)
			src.sin.sin_port = 0;
		else
			src.sin6.sin6_port = 0;
		bind(fd, &src.s, su_len(&src));
	}
	tcp_conn_lock();
	c->fd = fd;
	tcp_conn_unlock();
	if ((r = rconn_new(fd, c)) == NULL) {
		close(fd);
		goto fail;
	}
	r->connecting = true;
	if (connect(fd, &peer.s, su_len(&peer)) == 0) {
		rconn_connected(r);
		return;
	}
	if (errno != EINPROGRESS) {
		LM_DBG("connect for connection %d: %s", id, strerror(errno));
		rconn_close(r, "connect failed");
		return;
	}
	rconn_events(r, EPOLLIN | EPOLLOUT);
	return;
fail:
	tcp_conn_lock();
	if ((c = tcp_conn_find_id(id)) != NULL)
		tcp_conn_remove(c);
	tcp_conn_unlock();
}

/* An accepted connection: ours (tcp_accept) or passed by another reader.
 * si: the listening socket when known (then a socket bound to one address
 * needs no getsockname). */
static void
tcp_take_new(int id, int fd, const struct socket_info *si)
{
	union sockaddr_union local;
	socklen_t l = sizeof(local);
	struct tcp_conn *c;
	struct tcp_rconn *r;

	if (si != NULL && !si->is_any)
		local = si->su;
	else if (getsockname(fd, &local.s, &l) == -1)
		memset(&local, 0, sizeof(local));
	tcp_conn_lock();
	c = tcp_conn_find_id(id);
	if (c != NULL && c->state == TCP_S_NEW) {
		c->owner = tcp_reader_self;
		c->fd = fd;
		c->local = local;
		c->state = TCP_S_OPEN;
	} else {
		c = NULL;
	}
	tcp_conn_unlock();
	if (c == NULL) {
		close(fd);
		return;
	}
	if ((r = rconn_new(fd, c)) == NULL) {
		tcp_conn_lock();
		tcp_conn_remove(c);
		tcp_conn_unlock();
		close(fd);
		return;
	}
	if (r->ops->init(c, fd, false, &r->ctx) != 0) {
		rconn_close(r, "transport init failed");
		return;
	}
	/* the peer spoke first while the fd travelled here (a TLS
	 * ClientHello, a request): take it now rather than after one more
	 * trip through epoll_wait; nothing there costs one EAGAIN read */
	rconn_read(r);
	if (r->closed)
		return;
	/* queued while it travelled here */
	if (c->q_bytes > 0 && rconn_flush(r) != 0)
		rconn_close(r, "write failed");
}

static struct tcp_rconn *
rconn_by_id(int id)
{
	struct tcp_conn *c;
	struct tcp_rconn *r = NULL;

	tcp_conn_lock();
	c = tcp_conn_find_id(id);
	if (c != NULL && c->owner == tcp_reader_self && c->fd >= 0 &&
	    c->fd < by_fd_size && by_fd[c->fd] != NULL &&
	    by_fd[c->fd]->id == id)
		r = by_fd[c->fd];
	tcp_conn_unlock();
	return r;
}

void *
tcp_owned_ctx(int id)
{
	struct tcp_rconn *r;

	if (tcp_reader_self < 0 || by_fd == NULL)
		return NULL;
	r = rconn_by_id(id);
	return r != NULL && !r->closed ? r->ctx : NULL;
}

/* Drain the command channel. */
static void
tcp_commands(int cfd)
{
	enum { BATCH = 16 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u[BATCH];
	struct tcp_cmd cmd[BATCH];
	struct iovec iov[BATCH];
	struct mmsghdr mm[BATCH];
	struct cmsghdr *cm;
	struct tcp_rconn *r;
	int k, i, n, fd, rc;

	/* recvmmsg takes what is queued in one call: a lone wake-up (the
	 * usual case) costs one system call, not a second one that says
	 * EAGAIN; epoll is level-triggered, so what comes later wakes us */
	for (k = 0; k < 256 / BATCH; k++) {
		memset(mm, 0, sizeof(mm));
		for (i = 0; i < BATCH; i++) {
			iov[i].iov_base = &cmd[i];
			iov[i].iov_len = sizeof(cmd[i]);
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
			mm[i].msg_hdr.msg_control = u[i].buf;
			mm[i].msg_hdr.msg_controllen = sizeof(u[i].buf);
		}
		n = recvmmsg(cfd, mm, BATCH, MSG_DONTWAIT | MSG_CMSG_CLOEXEC,
		    NULL);
		if (n <= 0)
			return;
		for (i = 0; i < n; i++) {
			fd = -1;
			cm = CMSG_FIRSTHDR(&mm[i].msg_hdr);
			if (cm != NULL && cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_RIGHTS)
				memcpy(&fd, CMSG_DATA(cm), sizeof(int));
			if (mm[i].msg_len != sizeof(cmd[i])) {
				if (fd >= 0)
					close(fd);
				continue;
			}
			switch (cmd[i].type) {
			case TCP_CMD_NEW:
				tcp_reader_took(tcp_reader_self);
				if (fd >= 0)
					tcp_take_new(cmd[i].id, fd, NULL);
				fd = -1;
				break;
			case TCP_CMD_CONNECT:
				tcp_connect_start(cmd[i].id);
				break;
			case TCP_CMD_SEND:
				if ((r = rconn_by_id(cmd[i].id)) != NULL &&
				    (rc = rconn_flush(r)) != 0)
					rconn_close(r, err_str(rc));
				break;
			case TCP_CMD_CLOSE:
				if ((r = rconn_by_id(cmd[i].id)) != NULL)
					rconn_close(r, "close requested");
				break;
			}
			if (fd >= 0)
				close(fd);
		}
		if (n < BATCH)
			return;
	}
}

/* Every tick: give memory back after connections came or went; every
 * TCP_SWEEP_MS, a sweep over the connections this reader owns for what
 * no wake-up announced (the supervisor asks owners to close through the
 * pending list, senders announce queued bytes the same way; a full list
 * makes tcp_pending() look at all of them at once).  An idle connection
 * costs nothing between sweeps. */
static void
tcp_tick(void)
{
	static uint64_t last_trim, last_sweep;
	uint64_t now = get_ticks_ms();
	struct tcp_rconn *r;
	int fd, rc;

	/* A TLS handshake allocates far more than an idle connection keeps
	 * (SSL_MODE_RELEASE_BUFFERS frees the record buffers): give the
	 * free pages left between live blocks back to the system, at most
	 * once a second and only after connections came or went. */
	if (heap_dirty && now - last_trim >= 1000) {
		heap_dirty = false;
		last_trim = now;
		malloc_trim(0);
	}
	if (now - last_sweep < TCP_SWEEP_MS)
		return;
	last_sweep = now;
	for (fd = 0; fd < by_fd_top; fd++) {
		if ((r = by_fd[fd]) == NULL)
			continue;
		if (__atomic_load_n(&r->c->close_req, __ATOMIC_RELAXED)) {
			rconn_close(r, "timeout");
			continue;
		}
		if (!r->connecting && r->events == EPOLLIN &&
		    __atomic_load_n(&r->c->q_bytes, __ATOMIC_RELAXED) > 0 &&
		    (rc = rconn_flush(r)) != 0)
			rconn_close(r, err_str(rc));
	}
}

/* ---------------------------------------------------------- sending */

/* The owner sends on its own connection: write now what the socket takes
 * (nothing queued before it), queue the rest. */
static int
tcp_send_own(struct tcp_rconn *r, const char *buf, size_t len)
{
	ssize_t n = 0;
	int rc = 0;

	if (!r->connecting && r->c->q_head == NULL) {
		n = r->ops->write(r->ctx, r->fd, buf, len);
		if (n == TRANSPORT_WANT_READ)
			r->write_wants_in = true;
		if (n == TRANSPORT_WANT_WRITE || n == TRANSPORT_WANT_READ)
			n = 0;
		if (n < 0) {
			rconn_close(r, err_str((int)n));
			return (int)n;
		}
		__atomic_store_n(&r->c->last_ms, get_ticks_ms(),
		    __ATOMIC_RELAXED);
		if ((size_t)n == len)
			return 0;
	}
	tcp_conn_lock();
	/* n > 0: the start is on the wire; the rest goes before whatever
	 * another process queued since we looked at the queue */
	rc = tcp_conn_queue_at(r->c, buf + n, len - (size_t)n, get_ticks_ms(),
	    n > 0);
	tcp_conn_unlock();
	if (rc == 0 && !r->connecting && !r->write_wants_in)
		rconn_events(r, EPOLLIN | EPOLLOUT);
	return rc;
}

/* The send path's view of this reader (net/tcp_send.h): a send on a
 * connection this reader owns is written at once. */
static int
own_send(int id, int fd, const char *buf, size_t len)
{
	struct tcp_rconn *r;

	if (fd < 0 || fd >= by_fd_size || (r = by_fd[fd]) == NULL ||
	    r->id != id)
		return E_NOTFOUND;
	return tcp_send_own(r, buf, len);
}

static const struct tcp_owner_ops own_ops = {
	.connect = tcp_connect_start,
	.send = own_send,
};

/* ---------------------------------------------------------- admission */

/* New TLS connections per source IP and second (tls_handshake_rate_per_ip):
 * a small open-addressed table in shm (any reader accepts), guarded by
 * tcp_conn_lock.  A slot holds one address and its count for the current
 * second; a collision takes the slot over (a flood from many addresses
 * then limits less, it never refuses a legitimate client more). */
#define TLS_RATE_SLOTS 1024

struct tls_rate {
	struct ip_addr ip;
	uint64_t sec;
	unsigned count;
};

static struct tls_rate *tls_rate;      /* shm, TLS_RATE_SLOTS */
/* per process: a descriptor kept in reserve so that a connection can
 * still be accepted (and refused) when the process has no other one
 * left; -2 until opened */
static int spare_fd = -2;

int
tcp_accept_init(void)
{
	if (tls_rate == NULL &&
	    (tls_rate = shm_zalloc(sizeof(*tls_rate) * TLS_RATE_SLOTS)) == NULL)
		return E_NOMEM;
	return 0;
}

static unsigned
ip_hash(const struct ip_addr *ip)
{
	unsigned h = 2166136261u, i;

	for (i = 0; i < ip->len; i++)
		h = (h ^ ip->u.b[i]) * 16777619u;
	return h % TLS_RATE_SLOTS;
}

/* Whether a new connection from peer on si may be entered; why is set
 * when not.  At the global TLS handshake limit, the oldest accepted TLS
 * connection that sent nothing yet makes room (its owner closes it): a
 * few silent connections a second from one address must not keep the
 * pool full for everyone.  tcp_conn_lock held. */
static bool
accept_allowed(const struct socket_info *si, const union sockaddr_union *peer,
    const char **why, int *wake_owner)
{
	const struct tcp_peer *p;
	struct tcp_conn *victim;
	struct tls_rate *t;
	struct ip_addr ip;
	uint64_t sec = get_ticks_ms() / 1000;
	int max_hs = tls_cfg.max_handshakes.v;
	int rate = tls_cfg.handshake_rate_per_ip.v;
	int per_ip = core_cfg.tcp_max_connections_per_ip;
	int hs_per_ip = tls_cfg.max_handshakes_per_ip.v;

	ip_addr_from_su(&ip, peer);
	p = tcp_peer_get(&ip);
	if (per_ip > 0 && p != NULL && p->conns >= per_ip) {
		*why = "tcp_max_connections_per_ip reached";
		return false;
	}
	if (si->proto != PROTO_TLS)
		return true;
	if (hs_per_ip > 0 && p != NULL && p->handshakes >= hs_per_ip) {
		*why = "tls_max_handshakes_per_ip reached";
		return false;
	}
	if (max_hs > 0 && tcp_conns->tls_handshakes >= max_hs) {
		if ((victim = tcp_conn_silent_take()) == NULL) {
			*why = "tls_max_handshakes reached";
			return false;
		}
		victim->close_req = true;
		if (victim->owner >= 0) {
			tcp_pending_add(victim->owner, victim->id);
			*wake_owner = victim->owner;
		}
		tls_stats_inc(TLS_STAT_HS_REFUSED);
		LM_LOG_RL(L_INFO, "tls_max_handshakes reached: closing the "
		    "oldest connection that sent nothing (%d) to make room",
		    victim->id);
	}
	if (rate <= 0)
		return true;
	t = &tls_rate[ip_hash(&ip)];
	if (t->sec != sec || !ip_addr_eq(&t->ip, &ip)) {
		t->ip = ip;
		t->sec = sec;
		t->count = 0;
	}
	if (++t->count > (unsigned)rate) {
		*why = "tls_handshake_rate_per_ip exceeded";
		return false;
	}
	return true;
}

/* Accept one connection on the listening socket si for reader self
 * (which found si readable): apply tcp_max_connections,
 * tls_max_handshakes and tls_handshake_rate_per_ip, enter it in the
 * table, and either keep it for self or pass it to a reader that owns
 * clearly fewer connections.  1: self must take it (*id_out, *fd_out;
 * state TCP_S_NEW, owner self); 2: handled here (refused or passed on),
 * try again; 0: nothing to accept now. */
static int
tcp_accept(struct socket_info *si, int self, int *id_out, int *fd_out)
{
	union sockaddr_union peer;
	socklen_t l = sizeof(peer);
	struct tcp_conn *c;
	const char *why = NULL;
	int fd, rc = 0, id = 0, owner, wake_owner = -1;

	if (spare_fd == -2)
		spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fd = accept4(si->fd, &peer.s, &l, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1 && (errno == EMFILE || errno == ENFILE) && spare_fd >= 0) {
		/* out of descriptors: the connection would stay in the
		 * backlog and the listening socket wake us forever; take
		 * it with the spare descriptor and close it at once */
		close(spare_fd);
		fd = accept4(si->fd, &peer.s, &l, SOCK_CLOEXEC);
		if (fd >= 0)
			close(fd);
		spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		LM_ERR_RL("connection on %s:%s refused: out of file "
		    "descriptors (open_files_limit)", si->address_str,
		    si->port_str);
		return fd >= 0 ? 2 : 0;
	}
	if (fd == -1) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM)
			LM_ERR_RL("accept on %s:%s: %s", si->address_str,
			    si->port_str, strerror(errno));
		/* ECONNABORTED: that one is gone, others may wait */
		return errno == ECONNABORTED || errno == EINTR ? 2 : 0;
	}
	owner = tcp_reader_pick(self);
	tcp_conn_lock();
	if (!accept_allowed(si, &peer, &why, &wake_owner))
		rc = E_AGAIN;
	else if ((rc = tcp_conn_add(&c, si->proto, &peer, si)) == 0 &&
	    (rc = tcp_conn_peer_attach(c)) != 0)
		tcp_conn_remove(c);
	if (rc == 0) {
		c->created_ms = c->last_ms = get_ticks_ms();
		c->owner = owner;
		id = c->id;
	}
	tcp_conn_unlock();
	if (wake_owner >= 0)
		tcp_wake(wake_owner);   /* ourselves too: the next loop */
	if (rc != 0) {
		char a[IP_ADDR_STR_MAX];
		struct ip_addr pip;

		ip_addr_from_su(&pip, &peer);
		ip_addr_to_str(&pip, a, sizeof(a));
		if (why != NULL) {
			LM_LOG_RL(L_INFO, "%s connection from %s:%u refused: "
			    "%s", proto_name(si->proto), a, su_port(&peer), why);
			if (si->proto == PROTO_TLS)
				tls_stats_inc(TLS_STAT_HS_REFUSED);
		} else if (rc == E_NOMEM) {
			LM_LOG_RL(L_WARN, "connection from %s:%u refused: out "
			    "of shared memory (%zu bytes free; raise -m, now "
			    "%ld MB)", a, su_port(&peer), shm_free_bytes(),
			    core_cfg.shm_mb);
		} else {
			LM_LOG_RL(L_WARN, "connection from %s:%u refused: %s "
			    "(tcp_max_connections=%d)", a, su_port(&peer),
			    err_str(rc), core_cfg.tcp_max_connections);
		}
		close(fd);
		return 2;
	}
	if (owner != self) {
		/* counted before it can be taken (tcp_reader_took) */
		tcp_reader_passing(owner, 1);
		if (tcp_cmd_send(owner, TCP_CMD_NEW, id, fd) == 0) {
			close(fd);
			return 2;
		}
		tcp_reader_passing(owner, -1);
		/* its channel is full: keep it */
		tcp_conn_lock();
		if ((c = tcp_conn_find_id(id)) != NULL)
			c->owner = self;
		tcp_conn_unlock();
	}
	*id_out = id;
	*fd_out = fd;
	return 1;
}

/* ---------------------------------------------------------- the loop */

/* Woken (tcp_wake): flush the connections others queued bytes for. */
static void
tcp_pending(void)
{
	int ids[64], n, i, fd, rc;
	bool overflow;
	struct tcp_rconn *r;

	n = tcp_pending_take(tcp_reader_self, ids, 64, &overflow);
	for (i = 0; i < n; i++) {
		if ((r = rconn_by_id(ids[i])) == NULL || r->closed)
			continue;
		if (__atomic_load_n(&r->c->close_req, __ATOMIC_RELAXED))
			rconn_close(r, "timeout");
		else if (!r->connecting && (rc = rconn_flush(r)) != 0)
			rconn_close(r, err_str(rc));
	}
	if (!overflow)
		return;
	for (fd = 0; fd < by_fd_top; fd++) {
		if ((r = by_fd[fd]) == NULL || r->closed)
			continue;
		if (__atomic_load_n(&r->c->close_req, __ATOMIC_RELAXED))
			rconn_close(r, "timeout");
		else if (!r->connecting &&
		    __atomic_load_n(&r->c->q_bytes, __ATOMIC_RELAXED) > 0 &&
		    (rc = rconn_flush(r)) != 0)
			rconn_close(r, err_str(rc));
	}
}

/* A listening socket is readable: accept a bounded batch (epoll is
 * level-triggered: what is left wakes a reader again). */
static void
tcp_accept_batch(struct socket_info *si)
{
	int k, id, fd, rc;

	for (k = 0; k < 16; k++) {
		rc = tcp_accept(si, tcp_reader_self, &id, &fd);
		if (rc == 0)
			return;
		if (rc == 1)
			tcp_take_new(id, fd, si);
	}
}

static int
listen_watch(struct socket_info *list)
{
	struct epoll_event ev;
	struct socket_info *si;

	for (si = list; si != NULL; si = si->next) {
		if (si->fd < 0)
			continue;
		/* one reader woken per connection, not all of them */
		ev.events = EPOLLIN | EPOLLEXCLUSIVE;
		ev.data.u64 = (uint64_t)(uintptr_t)si | LISTEN_TAG;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, si->fd, &ev) == -1) {
			LM_ERRNO(L_CRIT, errno, "epoll_ctl (listen %s:%s)",
			    si->address_str, si->port_str);
			return E_IO;
		}
	}
	return 0;
}

/* A reader that restarts forgets what its predecessor owned; their fds
 * died with it.  Whoever waited on them learns it at once: tm fails the
 * branches sent over our own connections over to their next target (or
 * ends them) instead of waiting for fr_timer, usrloc marks the bindings
 * on them unreachable. */
static void
tcp_forget_orphans(void)
{
	struct tcp_conn *c, *next;
	int *ids = NULL, n = 0, cap = 0, i;

	tcp_conn_lock();
	for (c = tcp_conns->all; c != NULL; c = c->all_next)
		if (c->owner == tcp_reader_self && c->state != TCP_S_NEW)
			cap++;
	if (cap > 0)
		ids = pkg_malloc(sizeof(*ids) * (size_t)cap);
	for (c = tcp_conns->all; c != NULL; c = next) {
		next = c->all_next;
		if (c->owner != tcp_reader_self || c->state == TCP_S_NEW)
			continue;
		if (ids != NULL && n < cap)
			ids[n++] = c->outgoing ? c->id : -c->id;
		tcp_conn_remove(c);
	}
	tcp_conn_unlock();
	for (i = 0; i < n; i++) {
		if (ids[i] > 0)
			tcp_fail_report(ids[i]);
		tcp_closed_report(ids[i] > 0 ? ids[i] : -ids[i]);
	}
	if (n > 0)
		LM_NOTICE("took over from a reader that died: %d of its "
		    "connections are gone", n);
	pkg_free(ids);
}

int
tcp_read_loop(int rank, void *arg)
{
	struct epoll_event ev, evs[64];
	struct rlimit rl;
	uint64_t last_tick = 0, now;
	int cfd, n, i;

	(void)arg;
	tcp_reader_self = rank;
	tcp_send_owner_set(&own_ops);
	cfd = tcp_cmd_fd(rank);
	by_fd_size = 1024;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		by_fd_size = (int)rl.rlim_cur;
	if ((by_fd = calloc((size_t)by_fd_size, sizeof(*by_fd))) == NULL)
		return E_NOMEM;
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		return E_IO;
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ev) == -1)
		return E_IO;
	tcp_forget_orphans();
	tcp_reader_load_set(rank, 0);
	tcp_reader_alive(rank, get_ticks_ms());
	/* edge-triggered: each tcp_wake() is one event, no read() needed */
	ev.events = EPOLLIN | EPOLLET;
	ev.data.ptr = &wake_mark;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, tcp_wake_fd(rank), &ev) == -1)
		return E_IO;
	if (listen_watch(tcp_listen) != 0 || listen_watch(tls_listen) != 0)
		return E_IO;
	for (;;) {
		n = epoll_wait(ep, evs, 64, TICK_MS);
		if (n == -1 && errno != EINTR) {
			LM_ERRNO(L_CRIT, errno, "epoll_wait");
			return E_IO;
		}
		for (i = 0; i < n; i++) {
			struct tcp_rconn *r = evs[i].data.ptr;
			unsigned e = evs[i].events;

			if (evs[i].data.ptr == &wake_mark) {
				tcp_pending();
				continue;
			}
			if (evs[i].data.u64 & LISTEN_TAG) {
				tcp_accept_batch((struct socket_info *)
				    (uintptr_t)(evs[i].data.u64 & ~(uint64_t)
				    LISTEN_TAG));
				continue;
			}
			if (r == NULL) {
				tcp_commands(cfd);
				continue;
			}
			if (r->closed)
				continue;
			if (r->connecting) {
				if (e & (EPOLLOUT | EPOLLERR | EPOLLHUP))
					rconn_connected(r);
				continue;
			}
			if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
				rconn_read(r);
				if (r->closed)
					continue;
			} else if ((e & EPOLLOUT) && r->read_wants_out) {
				/* a read (a TLS handshake) waited for this */
				rconn_read(r);
				if (r->closed)
					continue;
			}
			if ((e & EPOLLOUT) || (r->write_wants_in &&
			    (e & EPOLLIN))) {
				int rc = rconn_flush(r);

				if (rc != 0)
					rconn_close(r, err_str(rc));
			}
		}
		while (graveyard != NULL) {
			struct tcp_rconn *d = graveyard;

			graveyard = d->next_dead;
			pkg_free(d);
		}
		now = get_ticks_ms();
		tcp_reader_alive(tcp_reader_self, now);
		if (now - last_tick >= TICK_MS) {
			last_tick = now;
			tcp_tick();
		}
	}
}

void
tcp_read_set_receive(receive_fn fn)
{
	rcv_fn = fn;
}
