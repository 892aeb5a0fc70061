/* net/tcp_send.h: the send path over TCP and TLS connections, which every
 * process uses (UDP receivers relaying to a stream, readers, the timer's
 * retransmissions).  See doc/architecture.md, "Sending, queues, reuse". */
#ifndef NET_TCP_SEND_H
#define NET_TCP_SEND_H

#include <stddef.h>

struct dest_info;
struct tcp_tls_target;

/* Send buf to d (d->proto PROTO_TCP or PROTO_TLS) over the connection
 * d->conn_id if it is still open, else over a connection to d->to (peer
 * address or alias), else over a new connection (opened by a reader, on
 * request).  The bytes are copied; the owner writes them now (when the
 * caller is the owner) or soon.  Never blocks.  Any process after fork.
 * On success d->conn_id names the connection used (a connection that
 * then fails with these bytes unsent is reported to the fail hooks).
 * 0, E_TOOBIG (tcp_max_connections reached, or 4 MB already queued for
 * the connection), E_NOMEM, E_NOTFOUND (no socket for the address
 * family, TCP off), E_INVAL (TLS without a client domain), E_IO. */
int tcp_send(struct dest_info *d, const char *buf, size_t len);
/* The same for TLS: t (may be NULL for TCP) says which client domain and
 * SNI a connection we open must use; an existing outgoing TLS connection
 * is reused only when they are the same (tcp_conn_find_tls). */
int tcp_send_tls(struct dest_info *d, const char *buf, size_t len,
    const struct tcp_tls_target *t);

/* What the send path needs from the reader that owns a connection when
 * the sender is that reader itself (no hand-off): set by the reader when
 * its loop starts (tcp_read.c).
 *  connect: open the new outgoing connection id now;
 *  send:    write buf on connection id (fd as the table has it) now, or
 *           queue what the socket does not take: 0 or E_* (E_NOTFOUND:
 *           not a connection this reader holds). */
struct tcp_owner_ops {
	void (*connect)(int id);
	int (*send)(int id, int fd, const char *buf, size_t len);
};
void tcp_send_owner_set(const struct tcp_owner_ops *o);

/* A stream connection we opened closed with bytes queued by senders
 * still unsent: the connect failed, the TLS handshake failed, a write
 * failed or a timeout closed it.  Hooks (added by modules before fork,
 * e.g. tm to fail over or end the branches that used it) run in the
 * process that owns the connection, possibly inside a sender's call
 * stack with the sender's locks held: they must only take note of the
 * id (dest_info.conn_id as tcp_send_tls() set it) and return. */
typedef void (*tcp_fail_fn)(int conn_id);
/* Add a hook (at most TCP_FAIL_HOOKS).  Main process, before fork.  0 or
 * E_TOOBIG. */
#define TCP_FAIL_HOOKS 4
int tcp_fail_hook_add(tcp_fail_fn fn);
/* Run every hook for conn_id (the owner, when it closes the
 * connection). */
void tcp_fail_report(int conn_id);

#endif
