/* reg_flow.h: the flow Path of registrar's cluster mode (doc/cluster.md):
 * the URI by which the other proxies of a cluster reach a UA's TCP/TLS
 * connection to this one (internal). */
#ifndef REGISTRAR_REG_FLOW_H
#define REGISTRAR_REG_FLOW_H

#include <stddef.h>

#include "../../api/sr_api.h"
#include "../rr/rr.h"

/* Longest flow Path reg_flow_path writes (NUL included). */
#define REG_FLOW_PATH_MAX 240

/* rr's flow_sign (rr.h). */
typedef int reg_flow_sign_f(const char *tok, size_t len,
    char out[RR_FLOW_MAC_HEX + 1]);

/* "<sip:HOST:PORT;transport=P;lr;received=P:SRC:SRCPORT;ft=MAC>" into buf
 * (size bytes): HOST:PORT is this proxy's socket the UA's connection came
 * in on (via_host, IPv6 in brackets), P its transport (tcp or tls), SRC
 * the UA's end of the connection, MAC sign's signature of the token
 * "P:SRC:SRCPORT".  Returns the length, or 0 when proto is not a stream,
 * sign fails or the text does not fit. */
size_t reg_flow_path(char *buf, size_t size, const char *via_host,
    unsigned short port, enum proto proto, const struct ip_addr *src,
    unsigned short src_port, reg_flow_sign_f *sign);

#endif
