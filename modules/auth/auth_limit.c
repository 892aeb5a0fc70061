/* auth_limit.c: the failure tables described in auth_limit.h. */
#include <stdbool.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "../../api/sr_api.h"
#include "auth_limit.h"

#define LIM_KEY_LEN 16 /* SipHash key */

/* in shm; guarded by its table's lock for its bucket */
struct lim_entry {
	uint64_t key;   /* SipHash of what is counted; 0: free */
	int64_t start;  /* when the counting window began */
	int64_t until;  /* blocked (or protected) while now < until; 0: not */
	uint32_t count; /* failures since start */
	uint32_t pad;
};

_Static_assert(sizeof(struct lim_entry) == 32, "limiter entry size");

/* in shm; bmask and the pointers are read-only after auth_limit_new() */
struct lim_table {
	uint32_t bmask; /* buckets - 1 */
	struct gen_lock_set *locks;
	struct lim_entry *e; /* (bmask + 1) * AUTH_LIMIT_WAYS entries */
};

/* in shm; cfg and key are read-only after auth_limit_new(), the counters
 * are only touched atomically */
struct auth_limit {
	struct auth_limit_cfg cfg;
	unsigned char key[LIM_KEY_LEN];
	struct lim_table ip, user;
	uint64_t failures, ip_blocks, user_blocks, rejected;
};

/* per process: the fetched SipHash */
static EVP_MAC *siphash;
static EVP_MAC_CTX *siphash_ctx;

/* A 64-bit keyed hash of kind (domain separation) and the parts, each
 * length-prefixed so "ab"+"c" and "a"+"bc" differ; never 0.  0 when
 * OpenSSL fails. */
static uint64_t
lim_hash(const struct auth_limit *l, unsigned char kind,
    const struct str *const *parts, int n)
{
	size_t outsz = 8, outl = 0;
	OSSL_PARAM params[2];
	unsigned char out[8];
	uint32_t len;
	uint64_t h = 0;
	int i;

	if (siphash == NULL &&
	    (siphash = EVP_MAC_fetch(NULL, "SIPHASH", NULL)) == NULL)
		return 0;
	if (siphash_ctx == NULL &&
	    (siphash_ctx = EVP_MAC_CTX_new(siphash)) == NULL)
		return 0;
	params[0] = OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &outsz);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(siphash_ctx, l->key, LIM_KEY_LEN, params) != 1 ||
	    EVP_MAC_update(siphash_ctx, &kind, 1) != 1)
		return 0;
	for (i = 0; i < n; i++) {
		len = parts[i] != NULL ? (uint32_t)parts[i]->len : 0;
		if (EVP_MAC_update(siphash_ctx, (unsigned char *)&len,
		        sizeof(len)) != 1 ||
		    (len != 0 &&
		        EVP_MAC_update(siphash_ctx,
		            (const unsigned char *)parts[i]->s, len) != 1))
			return 0;
	}
	if (EVP_MAC_final(siphash_ctx, out, &outl, sizeof(out)) != 1 ||
	    outl != sizeof(out))
		return 0;
	for (i = 0; i < 8; i++)
		h = h << 8 | out[i];
	return h != 0 ? h : 1;
}

/* The key of a source address: IPv4-mapped IPv6 as IPv4, other IPv6
 * masked to the configured prefix. */
static uint64_t
lim_ip_key(const struct auth_limit *l, const struct str *ip)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff };
	unsigned char a[16];
	struct str v;
	const struct str *p = &v;
	unsigned bits, i;

	if (ip == NULL || ip->len == 0)
		return 0;
	v = *ip;
	if (ip->len == 16 && memcmp(ip->s, mapped, 12) == 0) {
		v.s = ip->s + 12;
		v.len = 4;
	} else if (ip->len == 16) {
		memcpy(a, ip->s, 16);
		bits = l->cfg.ip6_prefix;
		for (i = 0; i<16; i++, bits = bits> 8 ? bits - 8 : 0)
			if (bits < 8)
				a[i] &= (unsigned char)(0xff00u >> bits);
		v.s = (const char *)a;
	}
	return lim_hash(l, 'i', &p, 1);
}

static uint64_t
lim_user_key(const struct auth_limit *l, const struct str *user,
    const struct str *realm)
{
	const struct str *parts[] = { user, realm };

	if (user == NULL || user->len == 0)
		return 0;
	return lim_hash(l, 'u', parts, 2);
}

/* Bring e up to now: an ended block or window starts counting afresh. */
static void
lim_age(const struct auth_limit *l, struct lim_entry *e, time_t now)
{
	if (e->until != 0 && now >= e->until) {
		e->until = 0;
		e->count = 0;
	} else if (e->until == 0 && e->count != 0 &&
	    now - e->start >= (time_t)l->cfg.window) {
		e->count = 0;
	}
}

/* Replacement order in a full bucket: free, then idle (window over),
 * then counting (fewest failures, then oldest), then blocked (nearest end
 * first).  Entries are aged. */
static int
lim_class(const struct lim_entry *e)
{
	if (e->key == 0)
		return 0;
	if (e->until == 0)
		return e->count == 0 ? 1 : 2;
	return 3;
}

/* true when a should be replaced before b */
static bool
lim_before(const struct lim_entry *a, const struct lim_entry *b)
{
	int ca = lim_class(a), cb = lim_class(b);

	if (ca != cb)
		return ca < cb;
	if (ca == 2)
		return a->count < b->count ||
		    (a->count == b->count && a->start < b->start);
	if (ca == 3)
		return a->until < b->until;
	return false;
}

/* The entry for key in its bucket (aged), or a new one when create; NULL
 * when absent and !create.  Caller holds the bucket's lock. */
static struct lim_entry *
lim_find(const struct auth_limit *l, struct lim_table *t, uint64_t key,
    bool create, time_t now)
{
	struct lim_entry *b = &t->e[(key & t->bmask) * AUTH_LIMIT_WAYS];
	struct lim_entry *victim = NULL;
	int i;

	for (i = 0; i < AUTH_LIMIT_WAYS; i++) {
		if (b[i].key == key) {
			lim_age(l, &b[i], now);
			return &b[i];
		}
	}
	if (!create)
		return NULL;
	for (i = 0; i < AUTH_LIMIT_WAYS; i++) {
		if (b[i].key != 0)
			lim_age(l, &b[i], now);
		if (victim == NULL || lim_before(&b[i], victim))
			victim = &b[i];
	}
	memset(victim, 0, sizeof(*victim));
	victim->key = key;
	return victim;
}

static unsigned
lim_bucket(const struct lim_table *t, uint64_t key)
{
	return (unsigned)(key & t->bmask);
}

/* Count a failure against key in t; true when it started a block. */
static bool
lim_fail(const struct auth_limit *l, struct lim_table *t, uint64_t key,
    unsigned max, time_t now)
{
	struct lim_entry *e;
	bool started = false;

	lock_set_get(t->locks, lim_bucket(t, key));
	e = lim_find(l, t, key, true, now);
	if (e->count == 0)
		e->start = now;
	if (e->count < UINT32_MAX)
		e->count++;
	if (max != 0 && e->until == 0 && e->count >= max) {
		e->until = now + (time_t)l->cfg.cooldown;
		started = true;
	}
	lock_set_release(t->locks, lim_bucket(t, key));
	return started;
}

/* State of key in t: *blocked, and *failed (failures in the window). */
static void
lim_state(const struct auth_limit *l, struct lim_table *t, uint64_t key,
    time_t now, bool *blocked, bool *failed)
{
	struct lim_entry *e;

	lock_set_get(t->locks, lim_bucket(t, key));
	e = lim_find(l, t, key, false, now);
	*blocked = e != NULL && e->until != 0;
	*failed = e != NULL && e->count != 0;
	lock_set_release(t->locks, lim_bucket(t, key));
}

enum auth_limit_verdict
auth_limit_blocked(struct auth_limit *l, const struct str *ip,
    const struct str *user, const struct str *realm, time_t now)
{
	uint64_t ik = lim_ip_key(l, ip), uk = lim_user_key(l, user, realm);
	bool ip_blocked = false, ip_failed = false, u_blocked = false, dummy;

	if (ik != 0)
		lim_state(l, &l->ip, ik, now, &ip_blocked, &ip_failed);
	if (ip_blocked) {
		__atomic_add_fetch(&l->rejected, 1, __ATOMIC_RELAXED);
		return AUTH_LIMIT_IP;
	}
	if (!ip_failed || uk == 0)
		return AUTH_LIMIT_PASS;
	lim_state(l, &l->user, uk, now, &u_blocked, &dummy);
	if (!u_blocked)
		return AUTH_LIMIT_PASS;
	__atomic_add_fetch(&l->rejected, 1, __ATOMIC_RELAXED);
	return AUTH_LIMIT_USER;
}

unsigned
auth_limit_failed(struct auth_limit *l, const struct str *ip,
    const struct str *user, const struct str *realm, time_t now)
{
	uint64_t ik = lim_ip_key(l, ip), uk = lim_user_key(l, user, realm);
	unsigned r = 0;

	__atomic_add_fetch(&l->failures, 1, __ATOMIC_RELAXED);
	if (ik != 0 && lim_fail(l, &l->ip, ik, l->cfg.ip_max, now)) {
		__atomic_add_fetch(&l->ip_blocks, 1, __ATOMIC_RELAXED);
		r |= AUTH_LIMIT_NEW_IP;
	}
	if (uk != 0 && lim_fail(l, &l->user, uk, l->cfg.user_max, now)) {
		__atomic_add_fetch(&l->user_blocks, 1, __ATOMIC_RELAXED);
		r |= AUTH_LIMIT_NEW_USER;
	}
	return r;
}

uint64_t
auth_limit_stat_failures(const struct auth_limit *l)
{
	return __atomic_load_n(&l->failures, __ATOMIC_RELAXED);
}

uint64_t
auth_limit_stat_blocked_ips(const struct auth_limit *l)
{
	return __atomic_load_n(&l->ip_blocks, __ATOMIC_RELAXED);
}

uint64_t
auth_limit_stat_blocked_users(const struct auth_limit *l)
{
	return __atomic_load_n(&l->user_blocks, __ATOMIC_RELAXED);
}

uint64_t
auth_limit_stat_rejected(const struct auth_limit *l)
{
	return __atomic_load_n(&l->rejected, __ATOMIC_RELAXED);
}

static bool
slots_ok(unsigned n)
{
	return n >= AUTH_LIMIT_WAYS && n <= AUTH_LIMIT_SLOTS_MAX &&
	    (n & (n - 1)) == 0;
}

static bool
cfg_ok(const struct auth_limit_cfg *c)
{
	return c->window > 0 && c->cooldown > 0 && slots_ok(c->ip_slots) &&
	    slots_ok(c->user_slots) && c->ip6_prefix >= 32 &&
	    c->ip6_prefix <= 128;
}

static int
lim_table_init(struct lim_table *t, unsigned slots)
{
	unsigned buckets = slots / AUTH_LIMIT_WAYS;
	int rc;

	t->bmask = buckets - 1;
	if ((t->e = shm_zalloc((size_t)slots * sizeof(*t->e))) == NULL)
		return E_NOMEM;
	rc = lock_set_new(&t->locks,
	    buckets < AUTH_LIMIT_LOCKS ? buckets : AUTH_LIMIT_LOCKS);
	return rc;
}

int
auth_limit_new(struct auth_limit **out, const struct auth_limit_cfg *cfg)
{
	static const struct str probe = { "x", 1 };
	struct auth_limit *l;
	int rc;

	if (cfg == NULL || !cfg_ok(cfg))
		return E_INVAL;
	if ((l = shm_zalloc(sizeof(*l))) == NULL)
		return E_NOMEM;
	l->cfg = *cfg;
	if ((rc = lim_table_init(&l->ip, cfg->ip_slots)) != 0 ||
	    (rc = lim_table_init(&l->user, cfg->user_slots)) != 0)
		goto out;
	if (RAND_bytes(l->key, sizeof(l->key)) != 1) {
		rc = E_BUG;
		goto out;
	}
	/* fetch SipHash now: a missing one is a startup error, not a
	 * limiter that silently counts nothing */
	if (lim_user_key(l, &probe, &probe) == 0)
		rc = E_NOTFOUND;
out:
	if (rc != 0)
		auth_limit_free(l);
	else
		*out = l;
	return rc;
}

void
auth_limit_free(struct auth_limit *l)
{
	if (l == NULL)
		return;
	if (l->ip.locks != NULL)
		lock_set_free(l->ip.locks);
	if (l->user.locks != NULL)
		lock_set_free(l->user.locks);
	shm_free(l->ip.e);
	shm_free(l->user.e);
	OPENSSL_cleanse(l->key, sizeof(l->key));
	shm_free(l);
}
