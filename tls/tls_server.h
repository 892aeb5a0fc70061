/* tls/tls_server.h: one TLS connection over a non-blocking fd (guide 2.3,
 * libtls-shaped).
 *
 * The TCP transport owns the fd and the event loop; this layer only turns
 * bytes on the fd into plaintext and back.  A struct tls_conn belongs to
 * the process that created it (the connection's owner) for its whole life
 * and is never shared: the SSL object lives in that process's libc heap.
 *
 * Every I/O call returns either a result (>= 0), TLS_WANT_READ or
 * TLS_WANT_WRITE (call again when the fd is readable / writable; the
 * wanted direction may differ from the operation, e.g. a read may need to
 * write during a handshake), or a negative E_* code (err.h), with the
 * text in tls_conn_error().  TLS_WANT_* are distinct from every E_* code.
 * All functions: owner process only, no locks. */
#ifndef TLS_SERVER_H
#define TLS_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../base/ip_addr.h"

#define TLS_WANT_READ (-20)
#define TLS_WANT_WRITE (-21)

struct tls_conn;
struct tls_domain;
struct tls_session;

/* Wrap an accepted fd (non-blocking) as the server side.  The domain is
 * tls_find_server_domain(local_ip, local_port); a ClientHello with SNI may
 * switch it to that socket's server_name domain.  The fd stays the
 * caller's (never closed here).  0 with *out (pkg), E_NOMEM or E_TLS. */
int tls_conn_new_server(struct tls_conn **out, int fd,
    const struct ip_addr *local_ip, unsigned short local_port);
/* Wrap a connected (or connecting) non-blocking fd as the client side of
 * domain d (the sender resolved it with tls_select_client_domain).  sni:
 * the server_name to send, or NULL.  verify_host: the name or IP literal
 * the server certificate must match when d verifies the server and checks
 * its identity (RFC 5922); NULL skips the identity check.  0 with *out,
 * E_NOMEM, E_INVAL (d has no context) or E_TLS. */
int tls_conn_new_client(struct tls_conn **out, int fd, struct tls_domain *d,
    const char *sni, const char *verify_host);
/* Advance the handshake: 0 when it is complete (also if it already was),
 * TLS_WANT_READ, TLS_WANT_WRITE, E_CLOSED (peer closed), E_IO or E_TLS
 * (refused: bad or missing certificate, no common version ...). */
int tls_conn_handshake(struct tls_conn *c);
/* Read up to len plaintext bytes; drives the handshake first if needed.
 * n > 0, 0 on close (close_notify or EOF), TLS_WANT_*, or E_*. */
ssize_t tls_conn_read(struct tls_conn *c, void *buf, size_t len);
/* Write up to len bytes; may write fewer (partial writes are on).  The
 * buffer may move between retries.  n > 0, TLS_WANT_*, or E_*. */
ssize_t tls_conn_write(struct tls_conn *c, const void *buf, size_t len);
/* Bytes already decrypted and buffered, or 1 if only undecrypted bytes
 * (read ahead from the fd) are buffered: read before waiting on the fd
 * again, it will not become readable for them. */
size_t tls_conn_pending(const struct tls_conn *c);
/* Send close_notify (best effort, never blocks) and free.  NULL is fine.
 * The fd is not closed. */
void tls_conn_free(struct tls_conn *c);
/* Why the connection failed, classified where the error happened. */
enum tls_fail {
	TLS_FAIL_NONE = 0,      /* no error (yet) */
	TLS_FAIL_VERIFY,        /* certificate verification: ours of the
				 * peer's, or the peer's alert about ours */
	TLS_FAIL_PROTOCOL,      /* version, cipher, alert, malformed record */
	TLS_FAIL_OTHER,         /* peer went away, I/O, anything else */
};
enum tls_fail tls_conn_fail(const struct tls_conn *c);
/* Text of the last error ("" if none); valid until the next call. */
const char *tls_conn_error(const struct tls_conn *c);

/* State and peer information, for $tls_* and the control interface.
 * Strings are NULL when there is no value (no handshake yet, no peer
 * certificate, ...); they belong to c and live until tls_conn_free(). */
bool tls_conn_handshake_done(const struct tls_conn *c);
bool tls_conn_is_server(const struct tls_conn *c);
int tls_conn_fd(const struct tls_conn *c);
const char *tls_conn_version(struct tls_conn *c);      /* "TLSv1.3" */
const char *tls_conn_cipher(struct tls_conn *c);
int tls_conn_cipher_bits(struct tls_conn *c);           /* 0 if none */
const char *tls_conn_peer_subject(struct tls_conn *c);  /* "/C=../CN=.." */
const char *tls_conn_peer_issuer(struct tls_conn *c);
const char *tls_conn_peer_serial(struct tls_conn *c);   /* decimal */
const char *tls_conn_peer_not_before(struct tls_conn *c);
const char *tls_conn_peer_not_after(struct tls_conn *c);
const char *tls_conn_peer_cn(struct tls_conn *c);
/* A peer certificate was presented and verified against the CA list. */
bool tls_conn_peer_verified(struct tls_conn *c);
/* SNI received (server side) or sent (client side); NULL if none. */
const char *tls_conn_server_name(struct tls_conn *c);
const char *tls_conn_my_subject(struct tls_conn *c);
/* The domain in use and whether SNI chose it (server side). */
struct tls_domain *tls_conn_domain(const struct tls_conn *c);
bool tls_conn_domain_by_sni(const struct tls_conn *c);
const char *tls_conn_domain_desc(const struct tls_conn *c);
/* The handshake resumed a session (ticket). */
bool tls_conn_resumed(const struct tls_conn *c);

/* Client sessions, for resumption on the next connection to the same
 * peer and domain: get one after the handshake (and after a first read
 * for TLS 1.3, whose tickets arrive after it), give it to a new
 * connection before its handshake.  Process-local; NULL if none. */
struct tls_session *tls_conn_session_get(struct tls_conn *c);
int tls_conn_session_set(struct tls_conn *c, struct tls_session *s);
void tls_session_free(struct tls_session *s);

/* Log OpenSSL's whole error queue in one L_ERR line and clear it. */
void tls_print_errstack(void);

#endif
