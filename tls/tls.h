/* tls/tls.h: the TLS layer as the rest of the proxy sees it.
 *
 * A TLS build implements these in the files of tls/; a build without
 * TLS links tls/tls_stub.c instead, whose functions say "not compiled
 * in" (or do nothing), so no caller needs #ifdef USE_TLS.  No OpenSSL
 * here.
 *
 * Start-up order, in the main process (guide 2.2):
 *	pre_init_tls()         before the config is parsed
 *	init_tls()             after the config, before fork: builds every
 *	                       domain and its SSL_CTX, the session ticket keys
 *	                       and the key log file; a failure stops start-up
 *	tls_init(si)           for each TLS socket, after init_tls()
 *	tls_transport_setup()  registers the PROTO_TLS transport ops
 *	destroy_tls()          at exit (also fine after a failed init_tls)
 * Children inherit everything by fork and only read it. */
#ifndef TLS_TLS_H
#define TLS_TLS_H

#include <stdbool.h>
#include <stddef.h>

struct dest_info;
struct socket_info;
struct tcp_tls_target;

/* Whether this build has the TLS transport. */
bool tls_compiled(void);

/* Initialise OpenSSL.  0 or E_TLS (the stub: 0). */
int pre_init_tls(void);
/* Build the domains from tls_cfg.  0, or E_TLS/E_INVAL/E_NOMEM after
 * logging the reason (domain, file, OpenSSL's reason) at L_ERR; the same
 * text is in tls_init_error().  The stub: E_INVAL. */
int init_tls(void);
/* The message of the last failed init_tls() ("" if none). */
const char *tls_init_error(void);
/* Free the domains and contexts, wipe the ticket keys, close the key
 * log.  Main process (children exit without it). */
void destroy_tls(void);
/* Check that TLS socket si has a usable server domain.  0 or E_TLS (and
 * an L_ERR line naming the socket). */
int tls_init(struct socket_info *si);
/* Main process, after init_tls(), before fork: register the PROTO_TLS
 * transport ops (the guide's tls_tcpconn_init, tls_read,
 * tls_blocking_write, tls_tcpconn_clean) and make the shared reload
 * counter.  0 or E_*. */
int tls_transport_setup(void);

/* The sender's part of a TLS send (any process, with the message's AVPs
 * current): the client domain (name from tls_client_domain_avp, else the
 * socket domain of d->to, else the default), the SNI (tls_server_name_avp)
 * and the host the server certificate must name (d->host, else the
 * destination IP).  0, E_TLS (no client domain), E_TOOBIG (a name longer
 * than TCP_TLS_NAME_MAX - 1) or, without TLS, E_NOTFOUND. */
int tls_dest_target(const struct dest_info *d, struct tcp_tls_target *t);

/* What $tls_* and is_peer_verified() read of a connection. */
enum tls_info {
	TLS_INFO_VERSION,
	TLS_INFO_CIPHER,
	TLS_INFO_CIPHER_BITS,       /* number */
	TLS_INFO_PEER_SUBJECT,
	TLS_INFO_PEER_CN,
	TLS_INFO_PEER_ISSUER,
	TLS_INFO_PEER_SERIAL,
	TLS_INFO_PEER_VERIFIED,     /* number: 1 or 0 */
	TLS_INFO_PEER_NOT_BEFORE,
	TLS_INFO_PEER_NOT_AFTER,
	TLS_INFO_SERVER_NAME,
	TLS_INFO_MY_SUBJECT,
};
/* The value of f for TLS connection conn_id, whose messages this process
 * reads (the owner): *s (NULL when there is none; valid while the
 * connection lives) or, for numbers, *n.  False when conn_id is not a TLS
 * connection of this process or its handshake is not done. */
bool tls_conn_info(int conn_id, enum tls_info f, const char **s, long *n);

/* tls_reload: read every domain's files again into throw-away contexts;
 * when all are good, tell every process to rebuild its contexts before
 * its next new connection (*gen: the reload number).  0, or E_* with the
 * reason in err (the running set is kept; the stub: not compiled in). */
int tls_reload(char *err, size_t size, int *gen);
/* A client domain's description as tls_list shows it ("-" for NULL);
 * dom is a struct tcp_tls_target's dom. */
const char *tls_domain_desc_of(const void *dom);

#endif
