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

#endif
