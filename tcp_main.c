/* tcp_main.c: start-up of the TCP transport, the admission of accepted
 * connections, and the TCP supervisor.
 *
 * The readers accept (every reader watches every listening socket with
 * EPOLLEXCLUSIVE, so one wakes per connection); tcp_accept() applies the
 * limits, enters the connection in the shm table and keeps it with the
 * reader that accepted it, or passes its fd to the reader with the fewest
 * connections when that one has clearly fewer.  The supervisor no longer
 * accepts (a hand-off per connection cost a process wake-up and five
 * system calls, most of a cheap TLS handshake's overhead; see
 * doc/architecture.md, "TCP"): once a second it scans the table and asks
 * owners to close what exceeded tcp_connection_lifetime,
 * tcp_connect_timeout, tls_handshake_timeout or tcp_send_timeout.  It
 * never reads or writes a connection, so no peer can block it. */
#define LOG_MODULE "tcp"
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/err.h"
#include "cfg/cfg_tls.h"
#include "cfg/core_cfg.h"
#include "base/log.h"
#include "mem/pkg.h"
#include "mem/shm.h"
#include "net/net_addr.h"
#include "net/socket_info.h"
#include "net/tcp_conn.h"
#include "base/proc.h"
#include "tcp_main.h"
#include "base/timer.h"
#include "tls/tls_stats.h"

#define TCP_BACKLOG 4096
#define TCP_CHAN_BUF (4 << 20)

int tcp_readers;
/* chan[r][0]: reader r receives; chan[r][1]: everyone sends.  pkg of the
 * main process, inherited by every child. */
static int (*chan)[2];
/* wake_fd[r]: reader r's eventfd, written when bytes were queued for one
 * of its connections; pend[r]: which ones (shm, under tcp_conn_lock).
 * Cheaper than a channel datagram per send: no socket buffer, and the
 * reader learns every pending connection with one read(). */
#define TCP_PEND_MAX 256

struct tcp_pend {
	int n;
	bool overflow;              /* more than fit: the reader scans all */
	int id[TCP_PEND_MAX];
};

static int *wake_fd;
static struct tcp_pend *pend;

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
/* Per reader, in shm (relaxed atomics): the connections it owns as it
 * last published them, those passed to it and not yet taken (a reader
 * that does not run would otherwise look idle forever), and when its
 * loop last ran. */
struct reader_stat {
	int load;
	int pending;
	uint64_t alive_ms;
};

static struct reader_stat *rstat;
/* per process: a descriptor kept in reserve so that a connection can
 * still be accepted (and refused) when the process has no other one
 * left; -2 until opened */
static int spare_fd = -2;
/* a reader keeps what it accepts unless it owns this many more
 * connections than the least loaded reader */
#define TCP_BALANCE_SLACK 8
/* a reader whose loop did not run for this long gets no connection
 * passed (blocked in a long script, a DNS wait, stopped, dead) */
#define TCP_READER_STALE_MS 1000

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
	/* accepted sockets inherit it: no setsockopt per connection */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
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
	/* a reader that dies inside it would stall every TCP/TLS process */
	proc_watch_locks(tcp_conns->lock, 0, 1, "TCP connection table");
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
	if ((chan = pkg_malloc(sizeof(*chan) * (size_t)tcp_readers)) == NULL ||
	    (rstat = shm_zalloc(sizeof(*rstat) * (size_t)tcp_readers)) ==
	    NULL ||
	    (tls_rate = shm_zalloc(sizeof(*tls_rate) * TLS_RATE_SLOTS)) == NULL ||
	    (wake_fd = pkg_malloc(sizeof(*wake_fd) * (size_t)tcp_readers)) ==
	    NULL ||
	    (pend = shm_zalloc(sizeof(*pend) * (size_t)tcp_readers)) == NULL)
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
		if ((wake_fd[r] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) ==
		    -1) {
			snprintf(ebuf, sizeof(ebuf), "eventfd: %s",
			    strerror(errno));
			*err = ebuf;
			return E_IO;
		}
	}
	return 0;
}

int
tcp_wake_fd(int r)
{
	return wake_fd[r];
}

void
tcp_pending_add(int r, int id)
{
	struct tcp_pend *p;

	if (pend == NULL || r < 0 || r >= tcp_readers)
		return;
	p = &pend[r];
	if (p->n < TCP_PEND_MAX)
		p->id[p->n++] = id;
	else
		p->overflow = true;
}

void
tcp_wake(int r)
{
	uint64_t one = 1;
	ssize_t n;

	if (wake_fd == NULL || r < 0 || r >= tcp_readers)
		return;
	/* EAGAIN would mean a full counter: not in this universe */
	do {
		n = write(wake_fd[r], &one, sizeof(one));
	} while (n == -1 && errno == EINTR);
}

int
tcp_pending_take(int r, int *ids, int max, bool *overflow)
{
	struct tcp_pend *p = &pend[r];
	int n;

	/* the reader watches its eventfd edge-triggered: every write is an
	 * event of its own, so the counter is never read back (one system
	 * call less per wake-up; 2^64 writes are needed to fill it) */
	tcp_conn_lock();
	n = p->n < max ? p->n : max;
	memcpy(ids, p->id, sizeof(*ids) * (size_t)n);
	*overflow = p->overflow || p->n > max;
	p->n = 0;
	p->overflow = false;
	tcp_conn_unlock();
	return n;
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

/* ---------------------------------------------------------- admission */


static unsigned
ip_hash(const struct ip_addr *ip)
{
	unsigned h = 2166136261u, i;

	for (i = 0; i < ip->len; i++)
		h = (h ^ ip->u.b[i]) * 16777619u;
	return h % TLS_RATE_SLOTS;
}

/* Whether a new TLS connection from peer may start a handshake; why is
 * set when not.  tcp_conn_lock held. */
static bool
tls_accept_allowed(const union sockaddr_union *peer, const char **why)
{
	struct tls_rate *t;
	struct ip_addr ip;
	uint64_t sec = get_ticks_ms() / 1000;
	int max_hs = tls_cfg.max_handshakes.v;
	int rate = tls_cfg.handshake_rate_per_ip.v;

	if (max_hs > 0 && tcp_conns->tls_handshakes >= max_hs) {
		*why = "tls_max_handshakes reached";
		return false;
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

void
tcp_reader_load_set(int r, int n)
{
	if (rstat != NULL && r >= 0 && r < tcp_readers)
		__atomic_store_n(&rstat[r].load, n, __ATOMIC_RELAXED);
}

void
tcp_reader_alive(int r, uint64_t now_ms)
{
	if (rstat != NULL && r >= 0 && r < tcp_readers)
		__atomic_store_n(&rstat[r].alive_ms, now_ms, __ATOMIC_RELAXED);
}

void
tcp_reader_took(int r)
{
	if (rstat != NULL && r >= 0 && r < tcp_readers &&
	    __atomic_sub_fetch(&rstat[r].pending, 1, __ATOMIC_RELAXED) < 0)
		__atomic_store_n(&rstat[r].pending, 0, __ATOMIC_RELAXED);
}

static int
reader_weight(int r)
{
	return __atomic_load_n(&rstat[r].load, __ATOMIC_RELAXED) +
	    __atomic_load_n(&rstat[r].pending, __ATOMIC_RELAXED);
}

/* The reader that should own a connection reader self accepted: self,
 * unless it owns clearly more than a reader that is running. */
static int
tcp_pick_owner(int self)
{
	uint64_t now, seen;
	int r, best = self, n, mine, min;

	mine = min = reader_weight(self);
	if (mine <= TCP_BALANCE_SLACK)
		return self;
	now = get_ticks_ms();
	for (r = 0; r < tcp_readers; r++) {
		if (r == self)
			continue;
		seen = __atomic_load_n(&rstat[r].alive_ms, __ATOMIC_RELAXED);
		if (now > seen + TCP_READER_STALE_MS)
			continue;
		if ((n = reader_weight(r)) < min) {
			min = n;
			best = r;
		}
	}
	return mine - min > TCP_BALANCE_SLACK ? best : self;
}

int
tcp_accept(struct socket_info *si, int self, int *id_out, int *fd_out)
{
	union sockaddr_union peer;
	socklen_t l = sizeof(peer);
	struct tcp_conn *c;
	const char *why = NULL;
	int fd, rc = 0, id = 0, owner;

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
	owner = tcp_pick_owner(self);
	tcp_conn_lock();
	if (si->proto == PROTO_TLS && !tls_accept_allowed(&peer, &why))
		rc = E_AGAIN;
	else if ((rc = tcp_conn_add(&c, si->proto, &peer, si)) == 0) {
		c->created_ms = c->last_ms = get_ticks_ms();
		c->owner = owner;
		id = c->id;
	}
	tcp_conn_unlock();
	if (rc != 0) {
		char a[IP_ADDR_STR_MAX];
		struct ip_addr pip;

		ip_addr_from_su(&pip, &peer);
		ip_addr_to_str(&pip, a, sizeof(a));
		if (why != NULL) {
			LM_INFO("TLS connection from %s:%u refused: %s", a,
			    su_port(&peer), why);
			tls_stats_inc(TLS_STAT_HS_REFUSED);
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
		__atomic_add_fetch(&rstat[owner].pending, 1, __ATOMIC_RELAXED);
		if (tcp_cmd_send(owner, TCP_CMD_NEW, id, fd) == 0) {
			close(fd);
			return 2;
		}
		__atomic_sub_fetch(&rstat[owner].pending, 1, __ATOMIC_RELAXED);
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
	(void)rank;
	(void)arg;
	for (;;) {
		poll(NULL, 0, 1000);
		tcp_scan();
	}
}
