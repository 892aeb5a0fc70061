/* transport.h: the seam between the SIP layer and the stream transports
 * (TCP, TLS).  The SIP layer sends through msg_send(); for stream
 * protocols that ends here. */
#ifndef TRANSPORT_H
#define TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/ip_addr.h"

struct dest_info;
struct socket_info;

/* Send on an existing or new TCP/TLS connection.  0 or E_*. */
int transport_stream_send(struct dest_info *d, const char *buf, size_t len);

/* TLS is compiled in and turned on by the config (main.c sets it after
 * parsing, before the script is fixed up). */
extern bool transport_tls_on;

/* The AVP ids tls_client_domain_avp and tls_server_name_avp name (0:
 * not set): the sender's choice of client domain and SNI, which a module
 * that sends later (tm, per branch) must keep with its branch. */
long transport_tls_domain_avp(void);
long transport_tls_sni_avp(void);

/* True if this build and config can carry proto. */
bool transport_available(enum proto p);

/* The host part for our Via / Record-Route on socket si ("1.2.3.4",
 * "[2001:db8::1]"). */
const char *socket_via_host(const struct socket_info *si);

#endif
