/* proto.h: transport protocol names. */
#ifndef PROTO_H
#define PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "ip_addr.h"

/* "udp", "tcp", "tls", ... (lower case; "none" for PROTO_NONE). */
const char *proto_name(enum proto p);
/* "UDP", "TCP", "TLS" as in a Via header. */
const char *proto_via_name(enum proto p);
/* Case-insensitive name -> proto; PROTO_NONE if unknown. */
enum proto proto_parse(const char *s, size_t len);
/* Reliable (stream) transports. */
bool proto_is_stream(enum proto p);
/* The port a SIP target without one gets (RFC 3261 §19.1.2, §18.2.1):
 * 5061 for TLS, 5060 for every other transport (and PROTO_NONE). */
unsigned short proto_default_port(enum proto p);

#endif
