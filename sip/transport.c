/* transport.c: stream transport dispatch.  TCP and TLS sends go to
 * tcp_send_tls() (net/tcp_send.c); for TLS the sender first resolves the
 * client domain, SNI and target host (tls_dest_target), which travel
 * with the connection entry to the reader that opens it. */
#define LOG_MODULE "core"
#include "../base/err.h"
#include "forward.h"
#include "../cfg/cfg_tls.h"
#include "../cfg/core_cfg.h"
#include "../base/log.h"
#include "../net/tcp_conn.h"
#include "../net/socket_info.h"
#include "../base/proto.h"
#include "../net/tcp_send.h"
#include "../tls/tls.h"
#include "transport.h"

bool transport_tls_on;

int
transport_stream_send(struct dest_info *d, const char *buf, size_t len)
{
	int rc;

	if (!transport_available(d->proto)) {
		LM_ERR("cannot send over %s: this build has no %s transport",
		    proto_name(d->proto), proto_name(d->proto));
		return E_NOTFOUND;
	}
	if (d->proto == PROTO_TLS) {
		struct tcp_tls_target t;

		if ((rc = tls_dest_target(d, &t)) != 0) {
			LM_ERR("cannot send over TLS: no client domain or a "
			       "name too long: %s", err_str(rc));
			return rc;
		}
		rc = tcp_send_tls(d, buf, len, &t);
		if (rc != 0)
			LM_DBG("send over tls failed: %s", err_str(rc));
		return rc;
	}
	if ((rc = tcp_send(d, buf, len)) != 0)
		LM_DBG("send over %s failed: %s", proto_name(d->proto),
		    err_str(rc));
	return rc;
}

long
transport_tls_domain_avp(void)
{
	return tls_cfg.client_domain_avp.v;
}

long
transport_tls_sni_avp(void)
{
	return tls_cfg.server_name_avp.v;
}

bool
transport_available(enum proto p)
{
	return p == PROTO_UDP || (p == PROTO_TCP && !core_cfg.disable_tcp) ||
	    (p == PROTO_TLS && transport_tls_on && !core_cfg.disable_tcp);
}

const char *
socket_via_host(const struct socket_info *si)
{
	return si->via_host;
}
