/* net/dns_res.h: DNS lookups through the shared cache, with c-ares.
 *
 * A batch of queries goes out together on the process's channel; what
 * the cache has is answered from it, the rest from the server within one
 * deadline.  A name another process is already looking up is not asked
 * again: that query ends at once with DNS_PENDING, so no process queues
 * behind a slow server for a name someone else is waiting on. */
#ifndef NET_DNS_RES_H
#define NET_DNS_RES_H

#include <stddef.h>
#include <stdint.h>

#include "dns_cache.h"

/* One query: type and name in; n (records, 0: negative answer,
 * DNS_MISS: no answer, DNS_PENDING) and rr out. */
struct dns_q {
	int type;
	const char *name;
	int n;
	struct dns_rr rr[DNS_RR_MAX];
};

/* Servers (csv, NULL: resolv.conf) and the time a batch may take. */
struct dns_res_cfg {
	const char *servers;
	unsigned timeout_ms;
};

/* Answer every query of q[0..nq-1], from the cache or the server.  0, or
 * E_TIMEOUT when the deadline cut some queries off, E_IO / E_INVAL when
 * the channel cannot be made. */
int dns_res_lookup(const struct dns_res_cfg *cfg, struct dns_q *q, int nq);

/* The same with a deadline (timer_now_ms() clock) in place of the
 * setting's timeout: the steps of one resolution share one bound. */
int dns_res_lookup_until(const struct dns_res_cfg *cfg, struct dns_q *q, int nq,
    uint64_t deadline);

/* dns_res_lookup_until(), then a query another process has under way
 * (DNS_PENDING) is waited for, wait_ms at most (within the deadline):
 * its answer is read from the cache, or, when that lookup ended with
 * nothing cached (a TTL of 0, no answer), asked here.  A burst of
 * requests for a new name then shares one lookup, and a slow server
 * costs the waiters no more than wait_ms.  0 or E_*. */
#define DNS_PENDING_WAIT_MS 20
int dns_res_lookup_wait(const struct dns_res_cfg *cfg, struct dns_q *q, int nq,
    uint64_t deadline, unsigned wait_ms);

/* The hosts file only (no network): 0 and ip, or E_NOTFOUND (also when
 * the cache holds a DNS answer for the name: the file is then not read
 * on every call). */
int dns_res_hosts_file(const struct dns_res_cfg *cfg, const char *name,
    struct ip_addr *ip);

/* A name to one address: the hosts file, then A, then AAAA.  0 or
 * E_NOTFOUND / E_AGAIN (another process is resolving it) / E_TIMEOUT. */
int dns_res_host(const struct dns_res_cfg *cfg, const char *name,
    struct ip_addr *ip);

/* The core's settings (dns_server, dns_timeout). */
void dns_res_core_cfg(struct dns_res_cfg *c);

/* Check a dns_server value.  0 or E_INVAL. */
int dns_server_check(const char *csv);

/* From a DNS message: the least TTL of the answer records (*ans, 0 when
 * there are none) and the negative TTL of an SOA in the authority
 * section, min(its TTL, its MINIMUM) (RFC 2308 section 5; *neg = -1 when
 * there is none).  0, or E_INVAL for a malformed message. */
int dns_wire_ttls(const unsigned char *buf, size_t len, unsigned *ans,
    long *neg);

struct ares_channeldata; /* c-ares's channel (ares_channel) */

/* Drive the outstanding queries of a c-ares channel until *left (the
 * callbacks count it down) is 0 or deadline (timer_now_ms() clock)
 * passes; then they are cancelled.  0, E_TIMEOUT or E_IO. */
int dns_ares_wait(struct ares_channeldata *ch, const int *left,
    uint64_t deadline);

#endif
