/* tls/tls_transport.h: TLS as a stream transport of the TCP layer.
 *
 * tls_transport.c implements struct transport_ops for PROTO_TLS over
 * tls_server.h (it is where the guide's tls_tcpconn_init, tls_read,
 * tls_blocking_write and tls_tcpconn_clean hooks live, see tls_hooks.h),
 * the sender's client domain choice, $tls_* for the message's connection,
 * and the FIFO commands tls_list and tls_reload.  No OpenSSL here. */
#ifndef TLS_TRANSPORT_H
#define TLS_TRANSPORT_H

struct dest_info;
struct tcp_tls_target;

/* Main process, after init_tls(), before fork: register the transport
 * ops, the $tls_* connection lookup and the FIFO commands; make the
 * shared reload counter.  0 or E_*. */
int tls_transport_setup(void);

/* The sender's part of a TLS send (any process, with the message's AVPs
 * current): the client domain (name from tls_client_domain_avp, else the
 * socket domain of d->to, else the default), the SNI (tls_server_name_avp)
 * and the host the server certificate must name (d->host, else the
 * destination IP).  0, E_TLS (no client domain) or E_TOOBIG (a name
 * longer than TCP_TLS_NAME_MAX - 1). */
int tls_dest_target(const struct dest_info *d, struct tcp_tls_target *t);

#endif
