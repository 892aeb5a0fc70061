/* ip_addr.h: plain address types shared by parser, transports and script.
 * Pure types and inline helpers: no state. */
#ifndef IP_ADDR_H
#define IP_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

enum proto {
	PROTO_NONE = 0,
	PROTO_UDP,
	PROTO_TCP,
	PROTO_TLS,
	PROTO_SCTP,
	PROTO_WS,
	PROTO_WSS,
	PROTO_OTHER,
};

struct ip_addr {
	int af;       /* AF_INET or AF_INET6 */
	unsigned len; /* 4 or 16 */
	union {
		uint8_t b[16];
		uint32_t w[4];
	} u;
};

union sockaddr_union {
	struct sockaddr s;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr_storage ss;
};

struct socket_info;

/* Where a message came from: filled by the transport that read it. */
struct receive_info {
	struct ip_addr src_ip;
	struct ip_addr dst_ip;
	unsigned short src_port;
	unsigned short dst_port;
	enum proto proto;
	int conn_id;                 /* TCP/TLS connection id, 0 for UDP */
	union sockaddr_union src_su; /* for replies over UDP */
	struct socket_info *bind;    /* socket it arrived on */
	unsigned flags;              /* RCV_* */
};

/* The stream framing failed: buf is only the header block of a message
 * that had no Content-Length (mandatory on streams, RFC 3261 §18.3).
 * The SIP layer answers a request 400 and routes nothing; the transport
 * closes the connection after the call. */
#define RCV_NO_CONTENT_LENGTH 0x1

/* What a transport calls for every message it read: buf[0..len) is one
 * whole message, buf[len] is writable (set to NUL by the callee) and buf
 * stays valid only during the call.  The SIP layer's receive_msg() is the
 * one main.c hands to every transport; the return value is ignored. */
typedef int (*receive_fn)(char *buf, size_t len, struct receive_info *rcv);

static inline bool
ip_addr_eq(const struct ip_addr *a, const struct ip_addr *b)
{
	return a->af == b->af && a->len == b->len &&
	    memcmp(a->u.b, b->u.b, a->len) == 0;
}

#endif
