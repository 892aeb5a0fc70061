/* tls/tls_transport.h: the guide's TCP-facing hooks (2.3), as the
 * PROTO_TLS struct transport_ops (net/tcp_conn.h) that tls_transport.c
 * registers.  The TCP reader calls them through the ops, never by name,
 * so tcp_read.c does not know which transport a connection uses.  All
 * run in the connection's owner (the reader that holds the fd); the
 * tls_conn lives in the owner's pkg memory, never in shm, and is never
 * used by another process.  Internal to tls/ (and its unit test).
 *
 * The guide's tls_fix_read_conn has no counterpart: a connection never
 * changes owner once its tls_conn exists (DESIGN.md), so there is nothing
 * to re-attach. */
#ifndef TLS_TRANSPORT_H
#define TLS_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct tcp_conn;
struct tls_conn;

/* A TCP connection became TLS: accepted (outgoing false: server side,
 * the listening socket's domain, switched by SNI) or connected (client
 * side, with the domain, SNI and identity the sender resolved into the
 * entry).  Moves c to TCP_S_HANDSHAKE and, for an outgoing connection,
 * sends the ClientHello.  0 or E_NOMEM / E_INVAL / E_TLS (the caller
 * closes the connection). */
int tls_tcpconn_init(struct tcp_conn *c, int fd, bool outgoing, void **ctx);
/* One read of plaintext (the reader loops, and calls again while
 * transport_ops.pending says bytes are buffered): n > 0, 0 on close,
 * TRANSPORT_WANT_READ / _WRITE or E_*.  The first call that sees the
 * handshake done publishes the connection's summary for tls_list. */
ssize_t tls_read(void *ctx, int fd, char *buf, size_t len);
/* The guide's "blocking" write, made non-blocking: n > 0 written, or
 * TRANSPORT_WANT_* (the reader retries with the same bytes when the fd
 * is ready) or E_*.  The wait is bounded by tls_send_timeout, which the
 * TCP supervisor enforces on the connection's queue. */
ssize_t tls_blocking_write(void *ctx, int fd, const char *buf, size_t len);
/* Free the tls_conn after one non-blocking close_notify attempt; counts
 * a failed handshake by its reason.  Does not close fd.  ctx may be
 * NULL. */
void tls_tcpconn_clean(void *ctx, int fd);

/* The tls_conn of connection conn_id in this process, or NULL: set by
 * tls_transport_setup() (the unit test sets its own). */
extern struct tls_conn *(*tls_conn_lookup)(int conn_id);

#endif
