/* net/dns_cache.h: the DNS cache, in shm, shared by every process.
 *
 * Entries are keyed by (type, name): A, AAAA, SRV and NAPTR answers with
 * the time they expire (their TTL clamped to dns_cache_min_ttl ..
 * dns_cache_max_ttl), negative answers (NXDOMAIN, NODATA: RFC 2308, kept
 * for the SOA minimum, at most dns_cache_negative_ttl) and "pending"
 * marks of a lookup one process has under way, so that other processes
 * do not queue behind the same slow server.  The whole cache takes at
 * most dns_cache_mem KB; past it the least recently used entries go.
 */
#ifndef NET_DNS_CACHE_H
#define NET_DNS_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/ip_addr.h"

#define DNS_T_A 1
#define DNS_T_AAAA 28
#define DNS_T_SRV 33
#define DNS_T_NAPTR 35

#define DNS_NAME_LEN 256
#define DNS_RR_MAX 16 /* records kept per entry */

/* One record.  A/AAAA: ip; SRV: prio, weight, port, name (target);
 * NAPTR: prio (order), weight (preference), flags, service, name
 * (replacement). */
struct dns_rr {
	uint16_t prio, weight, port;
	struct ip_addr ip;
	char flags[8];
	char service[32];
	char name[DNS_NAME_LEN];
};

/* dns_cache_get() results besides a count >= 0 */
#define DNS_MISS (-1)
#define DNS_PENDING (-2) /* another process is resolving it */

/* Map the cache (main process, after shm_init).  0 or E_NOMEM. */
int dns_cache_init(void);
void dns_cache_destroy(void);

/* Store an answer (n records; n == 0: negative) with its TTL in seconds,
 * replacing what the key had.  0, or E_NOMEM (nothing stored). */
int dns_cache_put(int type, const char *name, const struct dns_rr *rr, int n,
    unsigned ttl);

/* The records of a live entry copied to out (at most max); DNS_MISS when
 * there is none (an expired one is dropped), DNS_PENDING while another
 * process has a lookup under way.  0 records: a negative answer. */
int dns_cache_get(int type, const char *name, struct dns_rr *out, int max);

/* Mark a lookup as under way for ms milliseconds (no-op if the key has a
 * live entry).  True when this caller is to do it. */
bool dns_cache_claim(int type, const char *name, unsigned ms);
/* Drop a pending mark (the lookup failed without an answer to cache). */
void dns_cache_unclaim(int type, const char *name);

/* Drop every entry; returns how many. */
int dns_cache_flush(void);
/* Drop the entries of one name (every type); returns how many. */
int dns_cache_flush_name(const char *name);

/* Each live entry, in most recently used order, until fn returns
 * non-zero.  ttl_left in seconds.  Called under the cache lock: fn must
 * not call the cache. */
typedef int (*dns_cache_walk_fn)(void *arg, int type, const char *name,
    const struct dns_rr *rr, int n, unsigned ttl_left, bool pending);
void dns_cache_walk(dns_cache_walk_fn fn, void *arg);

struct dns_cache_stats {
	unsigned long entries, bytes, hits, misses, evicted;
};
void dns_cache_get_stats(struct dns_cache_stats *s);
/* The statistics dns:cache_entries, cache_bytes, cache_hits,
 * cache_misses, cache_evicted, and the lock watch (a process that dies
 * holding the cache lock empties the cache instead of stalling every
 * lookup).  Main process, before fork.  0 or E_*. */
int dns_cache_register_stats(void);

/* The type's name ("A", "SRV", ...) or "?". */
const char *dns_type_name(int type);

/* Tests: the clock the cache reads (NULL: timer_now_ms). */
void dns_cache_set_clock(uint64_t (*now_ms)(void));

#endif
