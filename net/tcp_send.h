/* net/tcp_send.h: the send path over TCP and TLS connections, which every
 * process uses (UDP receivers relaying to a stream, readers, the timer's
 * retransmissions).  See doc/architecture.md, "Sending, queues, reuse". */
#ifndef NET_TCP_SEND_H
#define NET_TCP_SEND_H

#include <stddef.h>
#include <stdint.h>

struct dest_info;
struct tcp_tls_target;

/* Send buf to d (d->proto PROTO_TCP or PROTO_TLS) over the connection
 * d->conn_id if it is still open, else over a connection to d->to (peer
 * address or alias), else over a new connection (opened by a reader, on
 * request).  The bytes are copied; the owner writes them now (when the
 * caller is the owner) or soon.  Never blocks.  Any process after fork.
 * On success d->conn_id names the connection used (a connection that
 * then fails with these bytes unsent is reported to the fail hooks).
 * With d->conn_only set, only connection d->conn_id will do: E_CLOSED
 * when it is gone.  With d->existing_only, only an open connection to
 * d->to will do (any id): E_CLOSED when there is none.
 * 0, E_TOOBIG (tcp_max_connections reached, or 4 MB already queued for
 * the connection), E_NOMEM, E_CLOSED, E_NOTFOUND (no socket for the address
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

/* Keep connection conn_id open, however idle, until until_ms
 * (get_ticks_ms() time; a later call may extend it, never shorten it):
 * a UA registered over it is reached over it, so it must live as long as
 * the binding, not tcp_connection_lifetime (1.x's tcp_persistent_flag).
 * Takes tcp_conn_lock; any process.  0 or E_NOTFOUND. */
int tcp_conn_keep(int conn_id, uint64_t until_ms);

/* Hooks run by a connection's owner for every connection it closes, for
 * any reason, after the entry is gone (usrloc: the bindings that lived on
 * it are unreachable now).  A hook must be quick; no tcp_conn_lock is
 * held.  Added in the main process before fork, at most TCP_CLOSED_HOOKS.
 * 0 or E_TOOBIG. */
#define TCP_CLOSED_HOOKS 4
typedef void (*tcp_closed_fn)(int conn_id);
int tcp_closed_hook_add(tcp_closed_fn fn);
void tcp_closed_report(int conn_id);

#endif
