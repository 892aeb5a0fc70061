/* tls/tls_dest.c: the sender's choice of client domain, SNI and target
 * host for an outgoing TLS connection (guide 1.6; see tls.h). */
#define LOG_MODULE "tls"
#include <string.h>

#include "../base/err.h"
#include "../base/log.h"
#include "../base/usr_avp.h"
#include "../cfg/cfg_tls.h"
#include "../net/dest_info.h"
#include "../net/net_addr.h"
#include "../net/tcp_conn.h"
#include "tls.h"
#include "tls_domain.h"

static bool
avp_str(int id, struct str *out)
{
	struct avp_value v;

	if (id <= 0 || !avp_get_int_name(id, &v) || !v.is_str ||
	    v.s.len == 0)
		return false;
	*out = v.s;
	return true;
}

static bool
any_named_client_domain(void)
{
	const struct tls_domain *d;

	for (d = tls_client_domains; d != NULL; d = d->next)
		if (d->name != NULL)
			return true;
	return false;
}

int
tls_dest_target(const struct dest_info *d, struct tcp_tls_target *t)
{
	struct tls_domain *dom;
	struct ip_addr ip;
	struct str name = { 0 }, sni = { 0 }, host = d->host;
	bool by_name;

	memset(t, 0, sizeof(*t));
	ip_addr_from_su(&ip, &d->to);
	by_name = avp_str(tls_cfg.client_domain_avp.v, &name);
	dom = tls_select_client_domain(by_name ? &name : NULL, &ip,
	    su_port(&d->to));
	if (dom == NULL)
		return E_TLS;
	if (by_name && (dom->name == NULL || strlen(dom->name) != name.len ||
	    memcmp(dom->name, name.s, name.len) != 0))
		LM_LOG_RL(L_INFO, "$avp(i:%d) is \"%.*s\" but there is no "
		    "tls_client_domain[\"%.*s\"]: using %s; fix the name in "
		    "the route or add that domain", tls_cfg.client_domain_avp.v,
		    (int)name.len, name.s, (int)name.len, name.s, dom->desc);
	else if (!by_name && tls_cfg.client_domain_avp.v > 0 &&
	    dom == tls_default_client_domain && any_named_client_domain())
		LM_LOG_RL(L_INFO, "$avp(i:%d) (tls_client_domain_avp) is not "
		    "set for this connection: using %s although name-based "
		    "client domains exist; assign $avp(i:%d)=\"name\" in the "
		    "route before relaying", tls_cfg.client_domain_avp.v,
		    dom->desc, tls_cfg.client_domain_avp.v);
	t->dom = dom;
	if (avp_str(tls_cfg.server_name_avp.v, &sni)) {
		if (sni.len >= sizeof(t->sni))
			return E_TOOBIG;
		memcpy(t->sni, sni.s, sni.len);
	}
	host = str_unbracket(host);
	if (host.len == 0) {
		ip_addr_to_str(&ip, t->host, sizeof(t->host));
	} else {
		if (host.len >= sizeof(t->host))
			return E_TOOBIG;
		memcpy(t->host, host.s, host.len);
	}
	return 0;
}

