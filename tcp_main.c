/* tcp_main.c: start-up of the TCP transport and the TCP supervisor.
 *
 * tcp_init() (main process, before fork) makes the shm connection table,
 * binds the TCP and TLS listening sockets and makes the readers'
 * channels (net/tcp_chan.c).  The readers accept (tcp_read.c); the
 * supervisor never does (a hand-off per connection cost a process
 * wake-up and five system calls, most of a cheap TLS handshake's
 * overhead; see doc/architecture.md, "TCP"): every 100 ms it works
 * through the connections whose deadline came (a timing wheel in the
 * table) and asks owners to close what exceeded tcp_connection_lifetime,
 * tcp_connect_timeout, tls_handshake_timeout or tcp_send_timeout.  It
 * never reads or writes a connection, so no peer can block it. */
#define LOG_MODULE "tcp"
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "base/proc.h"
#include "base/timer.h"
#include "cfg/cfg_tls.h"
#include "cfg/core_cfg.h"
#include "net/net_addr.h"
#include "net/socket_info.h"
#include "net/tcp_chan.h"
#include "net/tcp_conn.h"
#include "tcp_main.h"
#include "tcp_read.h"
#include "tls/tls_stats.h"

#define TCP_BACKLOG 4096
/* most readers the supervisor wakes (tcp_children is at most 1024) */
#define TCP_WAKE_MAX 1024

static int
tcp_bind_one(struct socket_info *si, char **err)
{
	static char ebuf[512];
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
	socket_bind_error(si, errno, ebuf, sizeof(ebuf));
	if (fd != -1)
		close(fd);
	*err = ebuf;
	return E_IO;
}

static void
tcp_limits_set(void)
{
	struct tcp_limits l = {
		.life_ms = (uint64_t)core_cfg.tcp_connection_lifetime * 1000,
		.connect_ms = (uint64_t)core_cfg.tcp_connect_timeout * 1000,
		.send_ms = (uint64_t)core_cfg.tcp_send_timeout * 1000,
		.tls_handshake_ms = (uint64_t)tls_cfg.handshake_timeout.v * 1000,
		.tls_send_ms = (uint64_t)tls_cfg.send_timeout.v * 1000,
		.message_ms = (uint64_t)core_cfg.tcp_message_timeout * 1000,
		.tls_hello_ms = (uint64_t)tls_cfg.hello_timeout.v * 1000,
	};

	tcp_conn_set_limits(&l);
}

int
tcp_init(char **err)
{
	struct socket_info *si;
	int rc, readers;

	if ((rc = tcp_conn_table_init(core_cfg.tcp_max_connections)) != 0) {
		*err = "cannot allocate the TCP connection table";
		return rc;
	}
	/* a process that dies inside it would stall every TCP/TLS
	 * process: the supervisor rebuilds the table and takes over */
	proc_watch_lock_repairable(tcp_conns->lock, "TCP connection table",
	    tcp_conn_table_repair);
	for (si = tcp_listen; si != NULL; si = si->next)
		if (si->fd == -1 && (rc = tcp_bind_one(si, err)) != 0)
			return rc;
	for (si = tls_listen; si != NULL; si = si->next)
		if (si->fd == -1 && (rc = tcp_bind_one(si, err)) != 0)
			return rc;
	readers = core_cfg.tcp_children > 0 ? core_cfg.tcp_children
					    : core_cfg.children;
	if (readers < 1)
		readers = 1;
	if ((rc = tcp_accept_init()) != 0)
		return rc;
	tcp_limits_set();
	return tcp_chan_init(readers, err);
}

/* Ask owners to close what timed out; drop entries nobody took.  The
 * work is per connection that comes due on the wheel (its deadline, or
 * a recheck every tcp_message_timeout), not per connection and second,
 * and the lock is held for a batch at a time. */
static void
tcp_expire(void)
{
	enum { BATCH = 256 };
	bool more, wake[TCP_WAKE_MAX];
	int r, hs = 0;

	memset(wake, 0, sizeof(wake));
	do {
		tcp_conn_lock();
		tcp_conn_wheel_step(get_ticks_ms(), BATCH, &more, wake, &hs);
		tcp_conn_unlock();
	} while (more);
	for (r = 0; r < tcp_readers && r < TCP_WAKE_MAX; r++)
		if (wake[r])
			tcp_wake(r);
	while (hs-- > 0)
		tls_stats_inc(TLS_STAT_HS_TIMEOUT);
}

int
tcp_main_loop(int rank, void *arg)
{
	(void)rank;
	(void)arg;
	for (;;) {
		poll(NULL, 0, TCP_WHEEL_TICK_MS);
		tcp_expire();
	}
}
