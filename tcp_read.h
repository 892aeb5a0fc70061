/* tcp_read.h: the TCP readers.  Each reader accepts connections on the
 * listening sockets, owns them (reads, frames, writes, closes) and hands
 * every complete message to the receive_fn given before fork.  The send
 * path every process uses is net/tcp_send.h.  See doc/architecture.md,
 * "TCP". */
#ifndef TCP_READ_H
#define TCP_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/ip_addr.h"

/* One framing step over a stream buffer buf[0..len): *skip gets the
 * number of leading keep-alive bytes to drop, *msg_len the length of the
 * complete message after them (0: more bytes needed), *pong is set when
 * the keep-alives held a CRLFCRLF ping (answer with one CRLF, RFC 5626
 * §4.4.1).  A buffer that is only the start of a ping ("\r", "\r\n",
 * "\r\n\r") is kept whole (*skip 0), as the rest may come next.  Returns
 * 0, E_PARSE (headers complete, Content-Length missing or bad) or
 * E_TOOBIG (the message is or will be larger than max).  Pure; any
 * process. */
int tcp_frame_next(const char *buf, size_t len, size_t max, size_t *skip,
    size_t *msg_len, bool *pong);

/* What the readers hand every message to.  Main process, before fork. */
void tcp_read_set_receive(receive_fn fn);
/* The admission table (tls_handshake_rate_per_ip, in shm).  Main process,
 * after shm_init(), before fork (tcp_init calls it).  0 or E_NOMEM. */
int tcp_accept_init(void);

/* The transport state (transport_ops init's *ctx) of connection id when
 * this process owns it, else NULL.  For $tls_* on a message read here. */
void *tcp_owned_ctx(int id);

/* The reader role (proc_run_fn); rank is the reader index. */
int tcp_read_loop(int rank, void *arg);

#endif
