/* t_dns.h: RFC 3263 next-hop resolution for tm (NAPTR, SRV, A/AAAA)
 * through the core resolver and its shared cache.  See doc/tm.md, "DNS". */
#ifndef TM_T_DNS_H
#define TM_T_DNS_H

#include <stdbool.h>

#include "../../api/sr_api.h"

#define TM_DNS_MAX 16              /* targets kept per destination */

/* One place to send to. */
struct tm_target {
	union sockaddr_union to;
	enum proto proto;
};

/* An ordered list of targets: the first is tried first (RFC 3263 §4.4:
 * NAPTR order/preference, SRV priority then weighted order, then the
 * addresses of each SRV target).  Plain data: may be copied into shm. */
struct tm_targets {
	int n;
	struct tm_target t[TM_DNS_MAX];
};

/* Parameters (tm_mod.c): DNS servers for c-ares ("addr[:port],..." or
 * NULL: /etc/resolv.conf), the bound on one resolution in ms. */
extern char *tm_dns_server;
extern int tm_dns_timeout;

/* Check a dns_server value ("1.2.3.4", "127.0.0.1:5353", "[::1]:53",
 * comma-separated).  0 or E_INVAL with a message in *err (pkg).
 * Config time, main process. */
int tm_dns_server_check(const char *csv, char **err);

/* Resolve a next hop (RFC 3263 §4): host (a name, IPv4 or [IPv6]); port
 * 0 when none was given; proto PROTO_NONE when no transport was given;
 * sips for a sips: URI (TLS only).  An IP literal or an explicit port
 * skips NAPTR and SRV; an explicit transport skips NAPTR.  Transports
 * this build/config cannot carry (transport_available) are left out.
 * The calling process blocks at most tm_dns_timeout ms in all (nothing
 * when the answers are cached).  0 (out->n >= 1), E_NOTFOUND (nothing usable), E_INVAL.
 * Any process after fork; not reentrant (one resolution at a time per
 * process). */
int tm_dns_resolve(const struct str *host, unsigned short port,
    enum proto proto, bool sips, struct tm_targets *out);

/* At exit: nothing left to free (the core owns the c-ares channel). */
void tm_dns_destroy(void);

#endif
