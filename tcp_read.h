/* tcp_read.h: the TCP readers (each owns its connections: reads, frames,
 * writes) and the send path every process uses.  See
 * doc/architecture.md, "TCP". */
#ifndef TCP_READ_H
#define TCP_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct dest_info;

/* The reader index of this process, -1 in any other process. */
extern int tcp_reader_self;

/* One framing step over a stream buffer buf[0..len): *skip gets the
 * number of leading keep-alive bytes to drop, *msg_len the length of the
 * complete message after them (0: more bytes needed), *pong is set when
 * the keep-alives held a CRLFCRLF ping (answer with one CRLF, RFC 5626
 * §4.4.1).  A buffer that is only the start of a ping ("\r", "\r\n",
 * "\r\n\r") is kept whole (*skip 0), as the rest may come next.  Returns 0, E_PARSE (headers complete,
 * Content-Length missing or bad) or E_TOOBIG (the message is or will be
 * larger than max).  Pure; any process. */
int tcp_frame_next(const char *buf, size_t len, size_t max, size_t *skip,
    size_t *msg_len, bool *pong);

/* Send buf to d (d->proto PROTO_TCP or PROTO_TLS) over the connection
 * d->conn_id if it is still open, else over a connection to d->to (peer
 * address or alias), else over a new connection (opened by a reader, on
 * request).  The bytes are copied; the owner writes them now (when the
 * caller is the owner) or soon.  Never blocks.  Any process after fork.
 * On success d->conn_id names the connection used (a connection that
 * then fails with these bytes unsent is reported to
 * transport_fail_hook).
 * 0, E_TOOBIG (tcp_max_connections reached, or 4 MB already
 * queued for the connection), E_NOMEM, E_NOTFOUND (no
 * socket for the address family), E_IO. */
int tcp_send(struct dest_info *d, const char *buf, size_t len);
/* The same for TLS: t (may be NULL for TCP) says which client domain and
 * SNI a connection we open must use; an existing outgoing TLS connection
 * is reused only when they are the same (tcp_conn_find_tls). */
struct tcp_tls_target;
int tcp_send_tls(struct dest_info *d, const char *buf, size_t len,
    const struct tcp_tls_target *t);

/* The transport state (transport_ops init's *ctx) of connection id when
 * this process owns it, else NULL.  For $tls_* on a message read here. */
void *tcp_owned_ctx(int id);

/* Add ip:port of the connection conn_id as an alias (force_tcp_alias,
 * tcp_accept_aliases).  Any process.  0, E_NOTFOUND, E_TOOBIG. */
struct ip_addr;
int tcp_alias_add(int conn_id, const struct ip_addr *ip, unsigned short port);

/* The reader role (proc_run_fn); rank is the reader index. */
int tcp_read_loop(int rank, void *arg);

#endif
