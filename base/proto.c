/* proto.c: transport protocol names. */
#include <strings.h>

#include "proto.h"

/* clang-format off */
static const struct { enum proto p; const char *lower, *upper; } protos[] = {
	{ PROTO_UDP,  "udp",  "UDP" },
	{ PROTO_TCP,  "tcp",  "TCP" },
	{ PROTO_TLS,  "tls",  "TLS" },
	{ PROTO_SCTP, "sctp", "SCTP" },
	{ PROTO_WS,   "ws",   "WS" },
	{ PROTO_WSS,  "wss",  "WSS" },
};
/* clang-format on */

#define NPROTOS (sizeof(protos) / sizeof(protos[0]))

const char *
proto_name(enum proto p)
{
	size_t i;

	for (i = 0; i < NPROTOS; i++)
		if (protos[i].p == p)
			return protos[i].lower;
	return "none";
}

const char *
proto_via_name(enum proto p)
{
	size_t i;

	for (i = 0; i < NPROTOS; i++)
		if (protos[i].p == p)
			return protos[i].upper;
	return "UDP";
}

enum proto
proto_parse(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < NPROTOS; i++)
		if (strlen(protos[i].lower) == len &&
		    strncasecmp(protos[i].lower, s, len) == 0)
			return protos[i].p;
	return PROTO_NONE;
}

bool
proto_is_stream(enum proto p)
{
	return p == PROTO_TCP || p == PROTO_TLS || p == PROTO_WS ||
	    p == PROTO_WSS;
}

unsigned short
proto_default_port(enum proto p)
{
	return p == PROTO_TLS ? 5061 : 5060;
}
