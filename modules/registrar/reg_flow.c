/* reg_flow.c: the flow Path (see reg_flow.h).  rr's loose_route() reads
 * it back on the proxy it names (its received= param: a flow token). */
#define LOG_MODULE "registrar"
#include <stdio.h>

#include "../../api/sr_api.h"
#include "reg_flow.h"

size_t
reg_flow_path(char *buf, size_t size, const char *via_host, unsigned short port,
    enum proto proto, const struct ip_addr *src, unsigned short src_port,
    reg_flow_sign_f *sign)
{
	char ip[IP_ADDR_STR_MAX], tok[IP_ADDR_STR_MAX + 16];
	char mac[RR_FLOW_MAC_HEX + 1];
	const char *p;
	bool v6;
	int n, t;

	if (!proto_is_stream(proto) || via_host == NULL ||
	    via_host[0] == '\0' || src_port == 0 ||
	    ip_addr_to_str(src, ip, sizeof(ip)) == 0)
		return 0;
	p = proto_name(proto);
	v6 = src->af == AF_INET6;
	t = snprintf(tok, sizeof(tok), "%s:%s%s%s:%u", p, v6 ? "[" : "", ip,
	    v6 ? "]" : "", src_port);
	if (t <= 0 || (size_t)t >= sizeof(tok) ||
	    sign(tok, (size_t)t, mac) != 0)
		return 0;
	n = snprintf(buf, size, "<sip:%s:%u;transport=%s;lr;received=%s;ft=%s>",
	    via_host, port, p, tok, mac);
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}
