/* tls/tls_hooks.h: the guide's TCP-facing hooks (2.3), by name.
 *
 * Implemented as the PROTO_TLS struct transport_ops in tls_transport.c
 * (init = tls_tcpconn_init, read = tls_read, write = tls_blocking_write
 * made non-blocking: the reader retries and the supervisor bounds the
 * wait with tls_send_timeout, close = tls_tcpconn_clean; tls_fix_read_conn
 * is not needed: a connection never changes owner).  The contracts below
 * are what those functions do, on our struct tcp_conn; the prototypes
 * here are kept as the guide's documentation and have no definitions.
 *
 * All run in the connection's owner process (the reader that holds the
 * fd); the tls_conn is stored in the connection (pkg of the owner), never
 * in shm, and never used by another process. */
#ifndef TLS_HOOKS_H
#define TLS_HOOKS_H

#include <stddef.h>
#include <sys/types.h>

struct tcp_connection;

/* A new TCP connection became TLS.  Accepted (server) side:
 * tls_conn_new_server(&tc, fd, local ip, local port of the listening
 * socket).  Connected (client) side: tls_conn_new_client(&tc, fd, domain,
 * sni, host) with the domain and SNI the sender resolved (client domain
 * AVP / destination / default; tls_server_name_avp) and the target host
 * for the identity check.  Stores tc in c; the handshake is started by
 * the first read or write (or tls_conn_handshake when the fd is ready).
 * Returns 0 or E_NOMEM / E_TLS; on error the connection is dropped. */
int tls_tcpconn_init(struct tcp_connection *c, int fd);

/* tls_conn_free() of c's tls_conn: one non-blocking close_notify
 * attempt, then free.  Does not close the fd. */
void tls_tcpconn_clean(struct tcp_connection *c);

/* Read what is available into c's read buffer: loops tls_conn_read()
 * until TLS_WANT_READ / TLS_WANT_WRITE (then re-arm the fd for that
 * direction and return the bytes so far), the buffer is full, or an
 * error.  Also reads tls_conn_pending() bytes before going back to the
 * poller.  Returns the bytes read (>= 0), 0 with c marked EOF on close,
 * or E_* (c goes to the error state; tls_conn_error() has the text, logged
 * with the peer's address).  While the handshake is not done it enforces
 * tls_handshake_timeout from c's creation time. */
ssize_t tls_read(struct tcp_connection *c);

/* Write len bytes of buf on c, "blocking" for at most tls_send_timeout
 * seconds: tls_conn_write() in a loop, poll()ing the fd for the wanted
 * direction (TLS_WANT_READ too: a key update may need a read) with the
 * remaining time.  Never blocks the process longer.  Returns len, or
 * E_TIMEOUT / E_* (the connection is then closed). */
ssize_t tls_blocking_write(struct tcp_connection *c, int fd, const char *buf,
    size_t len);

/* After fd passing or when a reader takes over a connection in the
 * handshake state: re-attach the fd (SSL_set_fd semantics) and finish or
 * continue the handshake in this process.  With our model (a connection
 * never changes owner once its tls_conn exists) it only checks that the
 * tls_conn was created by this process and that the fd matches. */
void tls_fix_read_conn(struct tcp_connection *c);

#endif
