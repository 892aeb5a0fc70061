/* tcp_main.c: start-up of the TCP transport and the TCP supervisor.
 *
 * tcp_init() (main process, before fork) makes the shm connection table,
 * binds the TCP and TLS listening sockets and makes the readers'
 * channels (net/tcp_chan.c).  The readers accept (tcp_read.c); the
 * supervisor never does (a hand-off per connection cost a process
 * wake-up and five system calls, most of a cheap TLS handshake's
 * overhead; see doc/architecture.md, "TCP"): once a second it scans the
 * table and asks owners to close what exceeded tcp_connection_lifetime,
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
	struct socket_info *si;
	int rc, readers;

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
	readers = core_cfg.tcp_children > 0 ? core_cfg.tcp_children
					    : core_cfg.children;
	if (readers < 1)
		readers = 1;
	if ((rc = tcp_accept_init()) != 0)
		return rc;
	return tcp_chan_init(readers, err);
}

/* Ask owners to close what timed out; drop entries nobody took. */
static void
tcp_scan(void)
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
	struct tcp_conn *c, *next;
	uint64_t now;

	tcp_conn_lock();
	now = get_ticks_ms();   /* after the lock: entries are not newer */
	for (c = tcp_conns->all; c != NULL; c = next) {
		next = c->all_next;
		switch (tcp_conn_expired(c, now, &l)) {
		case TCP_EXP_KEEP:
			break;
		case TCP_EXP_REMOVE:
			tcp_conn_remove(c);
			break;
		case TCP_EXP_CLOSE:
			c->close_req = true;
			break;
		case TCP_EXP_TLS_HANDSHAKE:
			c->close_req = true;
			tls_stats_inc(TLS_STAT_HS_TIMEOUT);
			break;
		}
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
