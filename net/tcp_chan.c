/* net/tcp_chan.c: reader channels, wake-ups and load (see tcp_chan.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../base/err.h"
#include "../base/timer.h"
#include "../mem/pkg.h"
#include "../mem/shm.h"
#include "tcp_chan.h"
#include "tcp_conn.h"

#define TCP_CHAN_BUF (4 << 20)
#define TCP_PEND_MAX 256
/* a reader keeps what it accepts unless it owns this many more
 * connections than the least loaded reader */
#define TCP_BALANCE_SLACK 8
/* a reader whose loop did not run for this long gets no connection
 * passed (blocked in a long script, a DNS wait, stopped, dead) */
#define TCP_READER_STALE_MS 1000

int tcp_readers;
int tcp_reader_self = -1;

/* chan[r][0]: reader r receives; chan[r][1]: everyone sends.  pkg of the
 * main process, inherited by every child. */
static int (*chan)[2];
/* wake_fd[r]: reader r's eventfd, written when bytes were queued for one
 * of its connections; pend[r]: which ones (shm, under tcp_conn_lock).
 * Cheaper than a channel datagram per send: no socket buffer, and the
 * reader learns every pending connection at once. */
struct tcp_pend {
	int n;
	bool overflow;              /* more than fit: the reader scans all */
	int id[TCP_PEND_MAX];
};

static int *wake_fd;
static struct tcp_pend *pend;

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

int
tcp_chan_init(int nreaders, char **err)
{
	static char ebuf[96];
	int r, sz = TCP_CHAN_BUF;

	tcp_readers = nreaders;
	if ((chan = pkg_malloc(sizeof(*chan) * (size_t)nreaders)) == NULL ||
	    (rstat = shm_zalloc(sizeof(*rstat) * (size_t)nreaders)) == NULL ||
	    (wake_fd = pkg_malloc(sizeof(*wake_fd) * (size_t)nreaders)) ==
	    NULL ||
	    (pend = shm_zalloc(sizeof(*pend) * (size_t)nreaders)) == NULL)
		return E_NOMEM;
	for (r = 0; r < nreaders; r++) {
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

/* ---------------------------------------------------------- load */

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

void
tcp_reader_passing(int r, int delta)
{
	if (rstat != NULL && r >= 0 && r < tcp_readers)
		__atomic_add_fetch(&rstat[r].pending, delta, __ATOMIC_RELAXED);
}

static int
reader_weight(int r)
{
	return __atomic_load_n(&rstat[r].load, __ATOMIC_RELAXED) +
	    __atomic_load_n(&rstat[r].pending, __ATOMIC_RELAXED);
}

int
tcp_reader_pick(int self)
{
	uint64_t now, seen;
	int r, best = self, n, mine, min;

	if (rstat == NULL || self < 0 || self >= tcp_readers)
		return self;
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
