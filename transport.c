/* transport.c: stream transport dispatch.  TCP sends go to tcp_send()
 * (tcp_read.c); TLS is not part of this build yet: the config check
 * refuses listen=tls and forward_tls, so nothing reaches here expecting
 * it to work. */
#define LOG_MODULE "core"
#include "err.h"
#include "forward.h"
#include "globals.h"
#include "log.h"
#include "net/socket_info.h"
#include "proto.h"
#include "tcp_read.h"
#include "transport.h"

int
transport_stream_send(struct dest_info *d, const char *buf, size_t len)
{
	int rc;

	if (!transport_available(d->proto)) {
		LM_ERR("cannot send over %s: this build has no %s transport",
		    proto_name(d->proto), proto_name(d->proto));
		return E_NOTFOUND;
	}
	if ((rc = tcp_send(d, buf, len)) != 0)
		LM_DBG("send over %s failed: %s", proto_name(d->proto),
		    err_str(rc));
	return rc;
}

bool
transport_available(enum proto p)
{
	return p == PROTO_UDP || (p == PROTO_TCP && !core_cfg.disable_tcp);
}

const char *
socket_via_host(const struct socket_info *si)
{
	return si->via_host;
}
