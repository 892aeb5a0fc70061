/* net/dst_blacklist.c: the destination blocklist (see dst_blacklist.h).
 *
 * One shm table of hash chains under one lock; the key is (proto, ip,
 * port).  Entries are fixed-size; dst_blacklist_mem KB sets how many
 * there may be.  Expired entries go when they are met. */
#define LOG_MODULE "dst_blacklist"
#include <stdio.h>
#include <string.h>

#include "../base/err.h"
#include "../base/log.h"
#include "../base/proc.h"
#include "../base/stat.h"
#include "../base/timer.h"
#include "../cfg/core_cfg.h"
#include "../mem/lock.h"
#include "../mem/shm.h"
#include "dst_blacklist.h"
#include "net_addr.h"

#define BL_BUCKETS 256

struct bl_entry {
	struct bl_entry *next;
	uint64_t expires_ms;
	enum proto proto;
	struct ip_addr ip;
	unsigned short port;
	unsigned reason;
};

struct bl_table {
	struct gen_lock lock;
	unsigned long entries, max;
	unsigned long added, skipped, timeouts, refused, tls;
	struct bl_entry *bucket[BL_BUCKETS];
};

static struct bl_table *bl;
static uint64_t (*clock_fn)(void) = timer_now_ms;

void
dst_blacklist_set_clock(uint64_t (*now_ms)(void))
{
	clock_fn = now_ms != NULL ? now_ms : timer_now_ms;
}

static unsigned long
stat_of(void *arg)
{
	const unsigned long *v = arg;

	return bl != NULL ? __atomic_load_n(v, __ATOMIC_RELAXED) : 0;
}

/* A process died holding the lock (main process, lock held): start
 * empty (the old entries' shm is not walked, see dns_cache.c). */
static void
bl_repair(void)
{
	memset(bl->bucket, 0, sizeof(bl->bucket));
	bl->entries = 0;
}

int
dst_blacklist_init(void)
{
	if (bl != NULL)
		return 0;
	if ((bl = shm_zalloc(sizeof(*bl))) == NULL)
		return E_NOMEM;
	lock_init(&bl->lock);
	proc_watch_lock_repairable(&bl->lock, "destination blocklist",
	    bl_repair);
	bl->max = (unsigned long)core_cfg.dst_blacklist_mem * 1024 /
	    sizeof(struct bl_entry);
	/* statistics: get_statistics dst_blacklist: */
	stat_register_fn("dst_blacklist", "entries", stat_of, &bl->entries);
	stat_register_fn("dst_blacklist", "added", stat_of, &bl->added);
	stat_register_fn("dst_blacklist", "skipped", stat_of, &bl->skipped);
	stat_register_fn("dst_blacklist", "timeout", stat_of, &bl->timeouts);
	stat_register_fn("dst_blacklist", "refused", stat_of, &bl->refused);
	stat_register_fn("dst_blacklist", "tls_failed", stat_of, &bl->tls);
	return 0;
}

static bool
key_of(const union sockaddr_union *to, struct ip_addr *ip, unsigned short *port)
{
	if (to->s.sa_family != AF_INET && to->s.sa_family != AF_INET6)
		return false;
	memset(ip, 0, sizeof(*ip));
	ip_addr_from_su(ip, to);
	*port = su_port(to);
	return true;
}

static unsigned
key_hash(enum proto proto, const struct ip_addr *ip, unsigned short port)
{
	unsigned h = (unsigned)proto * 31u + port;
	unsigned i;

	for (i = 0; i < ip->len; i++)
		h = (h ^ ip->u.b[i]) * 16777619u;
	return h % BL_BUCKETS;
}

/* The entry's link, or the chain's end.  Expired entries met on the way
 * are dropped.  Locked. */
static struct bl_entry **
entry_find(enum proto proto, const struct ip_addr *ip, unsigned short port,
    uint64_t now)
{
	struct bl_entry **pp = &bl->bucket[key_hash(proto, ip, port)];

	while (*pp != NULL) {
		struct bl_entry *e = *pp;

		if (e->expires_ms <= now) {
			*pp = e->next;
			shm_free(e);
			bl->entries--;
			continue;
		}
		if (e->proto == proto && e->port == port &&
		    ip_addr_eq(&e->ip, ip))
			return pp;
		pp = &e->next;
	}
	return pp;
}

/* Make room: drop the entry that expires first.  Locked. */
static void
drop_oldest(void)
{
	struct bl_entry **best = NULL, **pp;
	int i;

	for (i = 0; i < BL_BUCKETS; i++)
		for (pp = &bl->bucket[i]; *pp != NULL; pp = &(*pp)->next)
			if (best == NULL ||
			    (*pp)->expires_ms < (*best)->expires_ms)
				best = pp;
	if (best != NULL) {
		struct bl_entry *e = *best;

		*best = e->next;
		shm_free(e);
		bl->entries--;
	}
}

void
dst_blacklist_add(enum proto proto, const union sockaddr_union *to,
    unsigned reason)
{
	struct bl_entry **pp, *e;
	struct ip_addr ip;
	unsigned short port;
	uint64_t now;
	char a[IP_ADDR_STR_MAX], why[32];

	if (bl == NULL || !core_cfg.use_dst_blacklist ||
	    !key_of(to, &ip, &port))
		return;
	lock_get(&bl->lock);
	now = clock_fn();
	pp = entry_find(proto, &ip, port, now);
	if ((e = *pp) == NULL) {
		if (bl->entries >= bl->max)
			drop_oldest();
		if ((e = shm_zalloc(sizeof(*e))) == NULL) {
			lock_release(&bl->lock);
			return;
		}
		e->proto = proto;
		e->ip = ip;
		e->port = port;
		pp = &bl->bucket[key_hash(proto, &ip, port)];
		e->next = *pp;
		*pp = e;
		bl->entries++;
	}
	e->reason |= reason;
	e->expires_ms = now + (uint64_t)core_cfg.dst_blacklist_expire * 1000;
	bl->added++;
	if (reason & DST_BL_TIMEOUT)
		bl->timeouts++;
	if (reason & DST_BL_REFUSED)
		bl->refused++;
	if (reason & DST_BL_TLS)
		bl->tls++;
	lock_release(&bl->lock);
	ip_addr_to_str(&ip, a, sizeof(a));
	LM_INFO("%s:%s:%u blocked for %d s (%s)", proto_name(proto), a, port,
	    core_cfg.dst_blacklist_expire,
	    dst_blacklist_reason_str(reason, why, sizeof(why)));
}

bool
dst_blacklist_check(enum proto proto, const union sockaddr_union *to)
{
	struct ip_addr ip;
	unsigned short port;
	bool hit;

	if (bl == NULL || !core_cfg.use_dst_blacklist ||
	    __atomic_load_n(&bl->entries, __ATOMIC_RELAXED) == 0 ||
	    !key_of(to, &ip, &port))
		return false;
	lock_get(&bl->lock);
	hit = *entry_find(proto, &ip, port, clock_fn()) != NULL;
	if (hit)
		bl->skipped++;
	lock_release(&bl->lock);
	return hit;
}

int
dst_blacklist_flush(void)
{
	int i, n = 0;

	if (bl == NULL)
		return 0;
	lock_get(&bl->lock);
	for (i = 0; i < BL_BUCKETS; i++)
		while (bl->bucket[i] != NULL) {
			struct bl_entry *e = bl->bucket[i];

			bl->bucket[i] = e->next;
			shm_free(e);
			n++;
		}
	bl->entries = 0;
	lock_release(&bl->lock);
	return n;
}

void
dst_blacklist_walk(dst_blacklist_walk_fn fn, void *arg)
{
	struct bl_entry *e;
	union sockaddr_union su;
	uint64_t now;
	int i;

	if (bl == NULL)
		return;
	lock_get(&bl->lock);
	now = clock_fn();
	for (i = 0; i < BL_BUCKETS; i++)
		for (e = bl->bucket[i]; e != NULL; e = e->next) {
			if (e->expires_ms <= now)
				continue;
			su_from_ip_port(&su, &e->ip, e->port);
			if (fn(arg, e->proto, &su, e->reason,
			        (unsigned)((e->expires_ms - now + 999) /
			            1000)) != 0)
				goto out;
		}
out:
	lock_release(&bl->lock);
}

const char *
dst_blacklist_reason_str(unsigned reason, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s%s",
	    reason & DST_BL_TIMEOUT ? "timeout" : "",
	    reason & DST_BL_TIMEOUT && reason & ~DST_BL_TIMEOUT ? "|" : "",
	    reason & DST_BL_REFUSED ? "refused" : "",
	    reason & DST_BL_REFUSED && reason & DST_BL_TLS ? "|" : "",
	    reason & DST_BL_TLS ? "tls" : "");
	return buf;
}

void
dst_blacklist_destroy(void)
{
	if (bl == NULL)
		return;
	dst_blacklist_flush();
	shm_free(bl);
	bl = NULL;
}
