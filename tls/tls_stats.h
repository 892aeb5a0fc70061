/* tls/tls_stats.h: TLS counters for the control interface.
 *
 * A few counters in shm (handshakes done, failed by reason, refused at
 * accept), bumped with an atomic add by whichever process sees the event:
 * the reader that owns the connection (done, failed), the TCP supervisor
 * (timeout, refused).  They only grow; readers (the FIFO process) take no
 * lock.  And the days left on each loaded certificate, computed on demand
 * from the contexts of the calling process.  No OpenSSL here; without
 * TLS, tls_stub.c makes everything a no-op, so the core may call it always. */
#ifndef TLS_STATS_H
#define TLS_STATS_H

#include <stdbool.h>

struct tcp_conn;
struct tls_conn;

/* The counters; names and meanings are in doc/fifo.md ("tls:" group). */
enum tls_stat {
	TLS_STAT_HS_OK,           /* handshake completed, either direction */
	TLS_STAT_HS_VERIFY,       /* certificate verification failed (ours,
				   * of the peer's, or the peer's of ours) */
	TLS_STAT_HS_PROTOCOL,     /* version, cipher or alert */
	TLS_STAT_HS_TIMEOUT,      /* tls_handshake_timeout expired */
	TLS_STAT_HS_REFUSED,      /* tls_max_handshakes, rate per IP */
	TLS_STAT_HS_OTHER,        /* peer went away, I/O, anything else */
	TLS_STAT_MAX
};

/* Called for each loaded certificate: domain is the domain's description
 * ("default server domain", "tls_server_domain[1.2.3.4:5061]"), days the
 * whole days until its notAfter (negative once expired). */
typedef void (*tls_stats_cert_fn)(const char *domain, long days, void *arg);

/* Allocate the counters in shm.  Main process, after shm_init(), before
 * fork; again is harmless.  0 or E_NOMEM. */
int tls_stats_init(void);

/* Count one event.  Any process, no lock; a no-op before tls_stats_init()
 * or for an out-of-range stat. */
void tls_stats_inc(enum tls_stat st);

/* The current value of a counter (0 before tls_stats_init()).  Any
 * process. */
unsigned long tls_stats_get(enum tls_stat st);

/* The owner closes a TLS connection: if its handshake did not complete
 * (done false) and it failed with an error, count the failure under the
 * reason read from the connection's error.  A handshake closed without
 * an error (timeout, shutdown) is not counted here.  The owner only. */
void tls_stats_conn_closed(struct tls_conn *tc, bool done);

/* Call fn for the certificate of every domain (default server, default
 * client, server domains, client domains) that has one, in this process's
 * contexts (after a tls_reload, the FIFO process's rebuilt ones).  Any
 * process after init_tls(). */
void tls_stats_certs(tls_stats_cert_fn fn, void *arg);


#endif
