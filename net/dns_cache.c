/* net/dns_cache.c: the shared DNS cache (see dns_cache.h).
 *
 * One shm table of hash chains, one lock, and one list in use order (the
 * head most recently used) for eviction.  An entry is a header and its
 * records in one shm block; its size counts against dns_cache_mem. */
#define LOG_MODULE "dns"
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "../base/err.h"
#include "../base/log.h"
#include "../base/proc.h"
#include "../base/stat.h"
#include "../base/timer.h"
#include "../cfg/core_cfg.h"
#include "../mem/lock.h"
#include "../mem/shm.h"
#include "dns_cache.h"

#define BUCKETS 512

struct dns_entry {
	struct dns_entry *hnext;       /* hash chain */
	struct dns_entry *prev, *next; /* use order */
	uint64_t expires_ms;
	size_t size; /* of this block */
	int type;
	int n;
	bool pending;
	char name[DNS_NAME_LEN];
	struct dns_rr rr[];
};

struct dns_table {
	struct gen_lock lock;
	struct dns_entry *head, *tail;
	struct dns_entry *bucket[BUCKETS];
	struct dns_cache_stats st;
};

static struct dns_table *tab;
static uint64_t (*clock_fn)(void) = timer_now_ms;

void
dns_cache_set_clock(uint64_t (*now_ms)(void))
{
	clock_fn = now_ms != NULL ? now_ms : timer_now_ms;
}

const char *
dns_type_name(int type)
{
	switch (type) {
	case DNS_T_A:
		return "A";
	case DNS_T_AAAA:
		return "AAAA";
	case DNS_T_SRV:
		return "SRV";
	case DNS_T_NAPTR:
		return "NAPTR";
	}
	return "?";
}

int
dns_cache_init(void)
{
	if (tab != NULL)
		return 0;
	if ((tab = shm_zalloc(sizeof(*tab))) == NULL)
		return E_NOMEM;
	lock_init(&tab->lock);
	return 0;
}

static unsigned
key_hash(int type, const char *name)
{
	unsigned h = (unsigned)type * 2654435761u;

	for (; *name != '\0'; name++) {
		unsigned char c = (unsigned char)*name;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * 16777619u;
	}
	return h % BUCKETS;
}

/* Unlink e from its chain and the use list and free it.  Locked. */
static void
entry_drop(struct dns_entry *e)
{
	struct dns_entry **pp = &tab->bucket[key_hash(e->type, e->name)];

	while (*pp != NULL && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp == e)
		*pp = e->hnext;
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		tab->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		tab->tail = e->prev;
	tab->st.entries--;
	tab->st.bytes -= e->size;
	shm_free(e);
}

static void
entry_front(struct dns_entry *e)
{
	if (tab->head == e)
		return;
	e->prev->next = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		tab->tail = e->prev;
	e->prev = NULL;
	e->next = tab->head;
	tab->head->prev = e;
	tab->head = e;
}

/* The entry of the key, live or not.  Locked. */
static struct dns_entry *
entry_find(int type, const char *name)
{
	struct dns_entry *e = tab->bucket[key_hash(type, name)];

	for (; e != NULL; e = e->hnext)
		if (e->type == type && strcasecmp(e->name, name) == 0)
			return e;
	return NULL;
}

/* Allocate an entry of n records and link it in front, evicting the
 * least recently used ones to stay within dns_cache_mem.  Locked. */
static struct dns_entry *
entry_new(int type, const char *name, int n)
{
	size_t size = sizeof(struct dns_entry) +
	    sizeof(struct dns_rr) * (size_t)n;
	size_t limit = (size_t)core_cfg.dns_cache_mem * 1024;
	struct dns_entry *e, **b;

	if (size > limit)
		return NULL;
	while (tab->tail != NULL && tab->st.bytes + size > limit) {
		tab->st.evicted++;
		entry_drop(tab->tail);
	}
	if ((e = shm_zalloc(size)) == NULL)
		return NULL;
	e->size = size;
	e->type = type;
	e->n = n;
	memcpy(e->name, name, strlen(name) + 1);
	b = &tab->bucket[key_hash(type, name)];
	e->hnext = *b;
	*b = e;
	e->next = tab->head;
	if (tab->head != NULL)
		tab->head->prev = e;
	tab->head = e;
	if (tab->tail == NULL)
		tab->tail = e;
	tab->st.entries++;
	tab->st.bytes += size;
	return e;
}

static unsigned
ttl_clamp(unsigned ttl, int n)
{
	unsigned lo = (unsigned)core_cfg.dns_cache_min_ttl;
	unsigned hi = (unsigned)(n > 0 ? core_cfg.dns_cache_max_ttl
	                               : core_cfg.dns_cache_negative_ttl);

	if (ttl > hi)
		ttl = hi;
	if (ttl < lo && n > 0)
		ttl = lo;
	return ttl;
}

int
dns_cache_put(int type, const char *name, const struct dns_rr *rr, int n,
    unsigned ttl)
{
	struct dns_entry *e;
	int rc = 0;

	if (tab == NULL || !core_cfg.use_dns_cache)
		return 0;
	if (strlen(name) >= DNS_NAME_LEN || n < 0)
		return E_INVAL;
	if (n > DNS_RR_MAX)
		n = DNS_RR_MAX;
	ttl = ttl_clamp(ttl, n);
	lock_get(&tab->lock);
	if ((e = entry_find(type, name)) != NULL)
		entry_drop(e);
	if (ttl == 0) {
		/* nothing to keep (dns_cache_negative_ttl=0) */
	} else if ((e = entry_new(type, name, n)) == NULL) {
		rc = E_NOMEM;
	} else {
		if (n > 0)
			memcpy(e->rr, rr, sizeof(*rr) * (size_t)n);
		e->expires_ms = clock_fn() + (uint64_t)ttl * 1000;
	}
	lock_release(&tab->lock);
	return rc;
}

int
dns_cache_get(int type, const char *name, struct dns_rr *out, int max)
{
	struct dns_entry *e;
	int n = DNS_MISS;

	if (tab == NULL || !core_cfg.use_dns_cache)
		return DNS_MISS;
	lock_get(&tab->lock);
	if ((e = entry_find(type, name)) != NULL &&
	    e->expires_ms <= clock_fn()) {
		entry_drop(e);
		e = NULL;
	}
	if (e == NULL) {
		tab->st.misses++;
	} else if (e->pending) {
		n = DNS_PENDING;
	} else {
		n = e->n < max ? e->n : max;
		if (n > 0)
			memcpy(out, e->rr, sizeof(*out) * (size_t)n);
		entry_front(e);
		tab->st.hits++;
	}
	lock_release(&tab->lock);
	return n;
}

bool
dns_cache_claim(int type, const char *name, unsigned ms)
{
	struct dns_entry *e;
	bool mine = true;

	if (tab == NULL || !core_cfg.use_dns_cache ||
	    strlen(name) >= DNS_NAME_LEN)
		return true;
	lock_get(&tab->lock);
	e = entry_find(type, name);
	if (e != NULL && e->expires_ms > clock_fn()) {
		mine = false;
	} else {
		if (e != NULL)
			entry_drop(e);
		if ((e = entry_new(type, name, 0)) != NULL) {
			e->pending = true;
			e->expires_ms = clock_fn() + ms;
		}
	}
	lock_release(&tab->lock);
	return mine;
}

void
dns_cache_unclaim(int type, const char *name)
{
	struct dns_entry *e;

	if (tab == NULL)
		return;
	lock_get(&tab->lock);
	if ((e = entry_find(type, name)) != NULL && e->pending)
		entry_drop(e);
	lock_release(&tab->lock);
}

int
dns_cache_flush(void)
{
	int n = 0;

	if (tab == NULL)
		return 0;
	lock_get(&tab->lock);
	while (tab->head != NULL) {
		entry_drop(tab->head);
		n++;
	}
	lock_release(&tab->lock);
	return n;
}

int
dns_cache_flush_name(const char *name)
{
	static const int types[] = { DNS_T_A, DNS_T_AAAA, DNS_T_SRV,
		DNS_T_NAPTR };
	struct dns_entry *e;
	size_t i;
	int n = 0;

	if (tab == NULL)
		return 0;
	lock_get(&tab->lock);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if ((e = entry_find(types[i], name)) != NULL) {
			entry_drop(e);
			n++;
		}
	lock_release(&tab->lock);
	return n;
}

void
dns_cache_walk(dns_cache_walk_fn fn, void *arg)
{
	struct dns_entry *e;
	uint64_t now;

	if (tab == NULL)
		return;
	lock_get(&tab->lock);
	now = clock_fn();
	for (e = tab->head; e != NULL; e = e->next) {
		if (e->expires_ms <= now)
			continue;
		if (fn(arg, e->type, e->name, e->rr, e->n,
		        (unsigned)((e->expires_ms - now + 999) / 1000),
		        e->pending) != 0)
			break;
	}
	lock_release(&tab->lock);
}

void
dns_cache_get_stats(struct dns_cache_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (tab == NULL)
		return;
	lock_get(&tab->lock);
	*s = tab->st;
	lock_release(&tab->lock);
}

static unsigned long
stat_read(void *arg)
{
	struct dns_cache_stats st;
	size_t off = (size_t)(uintptr_t)arg;

	dns_cache_get_stats(&st);
	return *(const unsigned long *)(const void *)((const char *)&st + off);
}

/* A process died holding the lock (main process, lock held): the chains
 * may be half-linked, so the cache starts empty again.  The old entries'
 * shm is not given back (walking them could fault); at most
 * dns_cache_mem KB per such crash. */
static void
cache_repair(void)
{
	memset(tab->bucket, 0, sizeof(tab->bucket));
	tab->head = tab->tail = NULL;
	tab->st.entries = 0;
	tab->st.bytes = 0;
}

int
dns_cache_register_stats(void)
{
	static const struct {
		const char *name;
		size_t off;
	} rows[] = {
		{ "cache_entries", offsetof(struct dns_cache_stats, entries) },
		{ "cache_bytes", offsetof(struct dns_cache_stats, bytes) },
		{ "cache_hits", offsetof(struct dns_cache_stats, hits) },
		{ "cache_misses", offsetof(struct dns_cache_stats, misses) },
		{ "cache_evicted", offsetof(struct dns_cache_stats, evicted) },
	};
	size_t i;
	int rc;

	if (tab != NULL)
		proc_watch_lock_repairable(&tab->lock, "DNS cache",
		    cache_repair);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if ((rc = stat_register_fn("dns", rows[i].name, stat_read,
		         (void *)(uintptr_t)rows[i].off)) != 0)
			return rc;
	return 0;
}

void
dns_cache_destroy(void)
{
	if (tab == NULL)
		return;
	dns_cache_flush();
	shm_free(tab);
	tab = NULL;
}
