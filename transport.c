/* transport.c: stream transport dispatch.  TCP and TLS are not part of
 * this build yet: the config check refuses listen=tcp/tls and the
 * forward_tcp/forward_tls functions, so nothing reaches here expecting
 * them to work. */
#define LOG_MODULE "core"
#include "err.h"
#include "forward.h"
#include "log.h"
#include "net/socket_info.h"
#include "proto.h"
#include "transport.h"

int
transport_stream_send(struct dest_info *d, const char *buf, size_t len)
{
	(void)buf;
	(void)len;
	LM_ERR("cannot send over %s: this build has no %s transport",
	    proto_name(d->proto), proto_name(d->proto));
	return E_NOTFOUND;
}

bool
transport_available(enum proto p)
{
	return p == PROTO_UDP;
}

const char *
socket_via_host(const struct socket_info *si)
{
	return si->via_host;
}
