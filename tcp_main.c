/* tcp_main.c: the TCP supervisor.  It owns the listening sockets, accepts,
 * enters each connection in the shm table and passes its fd to one reader
 * (round robin), which owns it for its life.  Once a second it scans the
 * table and asks owners to close what exceeded tcp_connection_lifetime,
 * tcp_connect_timeout or tcp_send_timeout.  It never reads or writes a
 * connection, so no peer can block it. */
#define LOG_MODULE "tcp"
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "cfg_tls.h"
#include "globals.h"
#include "log.h"
#include "mem/pkg.h"
#include "net/net_addr.h"
#include "net/socket_info.h"
#include "net/tcp_conn.h"
#include "proc.h"
#include "tcp_main.h"
#include "timer.h"
#include "tls/tls_stats.h"

#define TCP_BACKLOG 4096
#define TCP_CHAN_BUF (4 << 20)

int tcp_readers;
/* chan[r][0]: reader r receives; chan[r][1]: everyone sends.  pkg of the
 * main process, inherited by every child. */
static int (*chan)[2];

static int
tcp_bind_one(struct socket_info *si, char **err)
{
	static char ebuf[160];
	int fd, on = 1;

	fd = socket(si->su.s.sa_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (si->su.s.sa_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if (bind(fd, &si->su.s, su_len(&si->su)) == -1 ||
	    listen(fd, TCP_BACKLOG) == -1)
		goto fail;
	if (si->port == 0) {
		union sockaddr_union su;
		socklen_t l = sizeof(su);

		if (getsockname(fd, &su.s, &l) == 0) {
			si->port = su_port(&su);
			si->su = su;
			snprintf(si->port_str, sizeof(si->port_str), "%u",
			    si->port);
		}
	}
	si->fd = fd;
	return 0;
fail:
	snprintf(ebuf, sizeof(ebuf), "bind %s:%s:%s: %s", proto_name(si->proto),
	    si->address_str, si->port_str, strerror(errno));
	if (fd != -1)
		close(fd);
	*err = ebuf;
	return E_IO;
}

int
tcp_init(char **err)
{
	static char ebuf[96];
	struct socket_info *si;
	int r, rc, sz = TCP_CHAN_BUF;

	if ((rc = tcp_conn_table_init(core_cfg.tcp_max_connections)) != 0) {
		*err = "cannot allocate the TCP connection table";
		return rc;
	}
	for (si = tcp_listen; si != NULL; si = si->next)
		if (si->fd == -1 && (rc = tcp_bind_one(si, err)) != 0)
			return rc;
	for (si = tls_listen; si != NULL; si = si->next)
		if (si->fd == -1 && (rc = tcp_bind_one(si, err)) != 0)
			return rc;
	tcp_readers = core_cfg.tcp_children > 0 ? core_cfg.tcp_children
						: core_cfg.children;
	if (tcp_readers < 1)
		tcp_readers = 1;
	if ((chan = pkg_malloc(sizeof(*chan) * (size_t)tcp_readers)) == NULL)
		return E_NOMEM;
	for (r = 0; r < tcp_readers; r++) {
		if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0,
			chan[r]) == -1) {
			snprintf(ebuf, sizeof(ebuf), "socketpair: %s",
			    strerror(errno));
			*err = ebuf;
			return E_IO;
		}
		fcntl(chan[r][0], F_SETFL, O_NONBLOCK);
		fcntl(chan[r][1], F_SETFL, O_NONBLOCK);
		setsockopt(chan[r][1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
		setsockopt(chan[r][0], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	}
	return 0;
}

int
tcp_cmd_fd(int r)
{
	return chan[r][0];
}

int
tcp_cmd_send(int r, int type, int id, int fd)
{
	struct tcp_cmd cmd = { .type = type, .id = id };
	struct iovec iov = { .iov_base = &cmd, .iov_len = sizeof(cmd) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh;
	struct cmsghdr *cm;
	ssize_t n;

	if (r < 0 || r >= tcp_readers)
		return E_INVAL;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	do {
		n = sendmsg(chan[r][1], &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (n == -1 && errno == EINTR);
	if (n == -1)
		return errno == EAGAIN || errno == EWOULDBLOCK ? E_AGAIN : E_IO;
	return 0;
}

/* ---------------------------------------------------------- supervisor */

static int next_reader;

/* Pass fd of connection c to a reader; tries each reader, waiting up to
 * 100 ms per round when every channel is full (a burst of accepts).
 * 0 or E_AGAIN (no reader took it). */
static int
tcp_hand_over(int id, int *owner_out, int fd)
{
	int round, i, r, rc;

	for (round = 0; round < 10; round++) {
		for (i = 0; i < tcp_readers; i++) {
			r = (next_reader + i) % tcp_readers;
			rc = tcp_cmd_send(r, TCP_CMD_NEW, id, fd);
			if (rc == 0) {
				next_reader = (r + 1) % tcp_readers;
				*owner_out = r;
				return 0;
			}
		}
		poll(NULL, 0, 10);
	}
	return E_AGAIN;
}

/* ---------------------------------------------------------- TLS limits */

/* New TLS connections per source IP and second (tls_handshake_rate_per_ip):
 * a small open-addressed table in the supervisor's own memory.  A slot
 * holds one address and its count for the current second; a collision
 * takes the slot over (a flood from many addresses then limits less, it
 * never refuses a legitimate client more). */
#define TLS_RATE_SLOTS 1024

struct tls_rate {
	struct ip_addr ip;
	uint64_t sec;
	unsigned count;
};

static struct tls_rate tls_rate[TLS_RATE_SLOTS];

static unsigned
ip_hash(const struct ip_addr *ip)
{
	unsigned h = 2166136261u, i;

	for (i = 0; i < ip->len; i++)
		h = (h ^ ip->u.b[i]) * 16777619u;
	return h % TLS_RATE_SLOTS;
}

/* Whether a new TLS connection from peer may start a handshake; why is
 * set when not.  Supervisor only. */
static bool
tls_accept_allowed(const union sockaddr_union *peer, const char **why)
{
	struct tls_rate *t;
	struct ip_addr ip;
	uint64_t sec = get_ticks_ms() / 1000;
	int max_hs = tls_cfg.max_handshakes.v;
	int rate = tls_cfg.handshake_rate_per_ip.v;
	bool full;

	if (max_hs > 0) {
		tcp_conn_lock();
		full = tcp_conns->tls_handshakes >= max_hs;
		tcp_conn_unlock();
		if (full) {
			*why = "tls_max_handshakes reached";
			return false;
		}
	}
	if (rate <= 0)
		return true;
	ip_addr_from_su(&ip, peer);
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

/* Accept one connection; false when there was none to accept. */
static bool
tcp_accept_one(struct socket_info *si)
{
	union sockaddr_union peer;
	socklen_t l = sizeof(peer);
	struct tcp_conn *c;
	int fd, rc, id, owner = -1, on = 1;

	fd = accept4(si->fd, &peer.s, &l, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED)
			LM_ERRNO(L_WARN, errno, "accept on %s:%s",
			    si->address_str, si->port_str);
		return false;
	}
	if (si->proto == PROTO_TLS) {
		const char *why = NULL;

		if (!tls_accept_allowed(&peer, &why)) {
			char a[IP_ADDR_STR_MAX];
			struct ip_addr pip;

			ip_addr_from_su(&pip, &peer);
			ip_addr_to_str(&pip, a, sizeof(a));
			LM_INFO("TLS connection from %s:%u refused: %s", a,
			    su_port(&peer), why);
			tls_stats_inc(TLS_STAT_HS_REFUSED);
			close(fd);
			return true;
		}
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	tcp_conn_lock();
	rc = tcp_conn_add(&c, si->proto, &peer, si);
	if (rc == 0) {
		c->created_ms = c->last_ms = get_ticks_ms();
		id = c->id;
		/* the owner is fixed before anyone may queue to c */
		c->owner = next_reader;
	}
	tcp_conn_unlock();
	if (rc != 0) {
		LM_WARN("connection refused: %s (tcp_max_connections=%d)",
		    err_str(rc), core_cfg.tcp_max_connections);
		close(fd);
		return true;
	}
	rc = tcp_hand_over(id, &owner, fd);
	close(fd);
	tcp_conn_lock();
	if ((c = tcp_conn_find_id(id)) != NULL) {
		if (rc != 0)
			tcp_conn_remove(c);
		else if (c->state == TCP_S_NEW)
			c->owner = owner;
	}
	tcp_conn_unlock();
	if (rc != 0)
		LM_WARN("no TCP reader takes new connections: closed");
	return true;
}

/* Ask owners to close what timed out; drop entries nobody took. */
static void
tcp_scan(void)
{
	uint64_t now = get_ticks_ms();
	uint64_t life = (uint64_t)core_cfg.tcp_connection_lifetime * 1000;
	uint64_t conn_to = (uint64_t)core_cfg.tcp_connect_timeout * 1000;
	uint64_t send_to = (uint64_t)core_cfg.tcp_send_timeout * 1000;
	uint64_t tls_hs_to = (uint64_t)tls_cfg.handshake_timeout.v * 1000;
	uint64_t tls_send_to = (uint64_t)tls_cfg.send_timeout.v * 1000;
	struct tcp_conn *c, *next;

	tcp_conn_lock();
	for (c = tcp_conns->all; c != NULL; c = next) {
		next = c->all_next;
		if (c->close_req)
			continue;
		switch (c->state) {
		case TCP_S_NEW:
			/* never taken by its reader (it died or missed it) */
			if (now - c->created_ms > conn_to + 5000)
				tcp_conn_remove(c);
			continue;
		case TCP_S_CONNECTING:
			if (now - c->created_ms > conn_to)
				c->close_req = true;
			break;
		case TCP_S_HANDSHAKE:
			/* TLS: tls_handshake_timeout from the accept (or the
			 * start of the connect) */
			if (now - c->created_ms > (c->proto == PROTO_TLS ?
			    tls_hs_to : conn_to))
				c->close_req = true;
			tls_stats_hs_expired(c);
			break;
		case TCP_S_OPEN:
			if (c->tls_hs_pending && now - c->created_ms >
			    tls_hs_to) {
				c->close_req = true;
				tls_stats_inc(TLS_STAT_HS_TIMEOUT);
				break;
			}
			if (c->q_bytes == 0 && now -
			    __atomic_load_n(&c->last_ms, __ATOMIC_RELAXED) >
			    life)
				c->close_req = true;
			break;
		case TCP_S_CLOSING:
			break;
		}
		if (c->q_bytes > 0 && now - c->q_since_ms >
		    (c->proto == PROTO_TLS ? tls_send_to : send_to))
			c->close_req = true;
	}
	tcp_conn_unlock();
}

int
tcp_main_loop(int rank, void *arg)
{
	struct epoll_event ev, evs[64];
	struct socket_info *si;
	uint64_t last_scan = 0, now;
	int ep, n, i;

	(void)rank;
	(void)arg;
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		LM_ERRNO(L_CRIT, errno, "epoll_create1");
		return E_IO;
	}
	for (si = tcp_listen; si != NULL; si = si->next) {
		ev.events = EPOLLIN;
		ev.data.ptr = si;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, si->fd, &ev) == -1) {
			LM_ERRNO(L_CRIT, errno, "epoll_ctl");
			return E_IO;
		}
	}
	for (si = tls_listen; si != NULL; si = si->next) {
		ev.events = EPOLLIN;
		ev.data.ptr = si;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, si->fd, &ev) == -1) {
			LM_ERRNO(L_CRIT, errno, "epoll_ctl");
			return E_IO;
		}
	}
	for (;;) {
		n = epoll_wait(ep, evs, 64, 500);
		if (n == -1 && errno != EINTR) {
			LM_ERRNO(L_CRIT, errno, "epoll_wait");
			return E_IO;
		}
		for (i = 0; i < n; i++) {
			int k;

			/* a bounded batch per socket and round */
			for (k = 0; k < 64; k++)
				if (!tcp_accept_one(evs[i].data.ptr))
					break;
		}
		now = get_ticks_ms();
		if (now - last_scan >= 1000) {
			last_scan = now;
			tcp_scan();
		}
	}
}
