/* nc_table.c: the shared nonce-count table described in nc_table.h. */
#include <stdbool.h>

#include <openssl/rand.h>

#include "../../api/sr_api.h"
#include "nc_table.h"

/* in shm; guarded by the table's lock for (slot index % locks->size) */
struct nc_slot {
	uint32_t id;   /* index of the nonce that claimed the slot last */
	uint32_t top;  /* highest nc seen; 0: none yet */
	uint64_t seen; /* bit i set: nc top - i was seen (bit 0 is top) */
};

/* in shm; mask and locks are read-only after nc_table_new(), next is only
 * touched atomically */
struct nc_table {
	uint32_t mask;
	uint32_t next; /* the next index to hand out */
	struct gen_lock_set *locks;
	struct nc_slot slots[];
};

_Static_assert(sizeof(struct nc_slot) == 16, "nc slot size");

size_t
nc_table_mem(unsigned slots)
{
	unsigned nlocks = slots < NC_LOCKS ? slots : NC_LOCKS;

	return sizeof(struct nc_table) +
	    (size_t)slots * sizeof(struct nc_slot) +
	    sizeof(struct gen_lock_set) + nlocks * sizeof(struct gen_lock);
}

int
nc_table_new(struct nc_table **out, unsigned slots)
{
	struct nc_table *t;
	uint32_t i;
	int rc;

	if (slots < NC_SLOTS_MIN || slots > NC_SLOTS_MAX ||
	    (slots & (slots - 1)) != 0)
		return E_INVAL;
	t = shm_zalloc(sizeof(*t) + (size_t)slots * sizeof(struct nc_slot));
	if (t == NULL)
		return E_NOMEM;
	t->mask = slots - 1;
	if ((rc = lock_set_new(&t->locks,
	         slots < NC_LOCKS ? slots : NC_LOCKS)) != 0)
		goto out;
	if (RAND_bytes((unsigned char *)&t->next, sizeof(t->next)) != 1) {
		rc = E_BUG;
		goto out;
	}
	/* Slot i gets an id that maps to another slot (i + 1 never equals i
	 * modulo slots >= 2), so no index matches a slot never claimed. */
	for (i = 0; i < slots; i++)
		t->slots[i].id = i + 1;
out:
	if (rc != 0)
		nc_table_free(t);
	else
		*out = t;
	return rc;
}

void
nc_table_free(struct nc_table *t)
{
	if (t == NULL)
		return;
	if (t->locks != NULL)
		lock_set_free(t->locks);
	shm_free(t);
}

uint32_t
nc_index_new(struct nc_table *t)
{
	uint32_t idx = __atomic_fetch_add(&t->next, 1, __ATOMIC_RELAXED);
	struct nc_slot *s = &t->slots[idx & t->mask];

	lock_set_get(t->locks, idx & t->mask);
	s->id = idx;
	s->top = 0;
	s->seen = 0;
	lock_set_release(t->locks, idx & t->mask);
	return idx;
}

/* Mark nc seen in s; false when it already was or is out of the window.
 * Caller holds the slot's lock. */
static bool
slot_take(struct nc_slot *s, uint32_t nc)
{
	uint32_t d;

	if (nc > s->top) {
		d = nc - s->top;
		s->seen = d >= NC_WINDOW ? 0 : s->seen << d;
		s->seen |= 1;
		s->top = nc;
		return true;
	}
	d = s->top - nc;
	if (d >= NC_WINDOW || (s->seen & (UINT64_C(1) << d)) != 0)
		return false;
	s->seen |= UINT64_C(1) << d;
	return true;
}

enum nc_result
nc_check(struct nc_table *t, uint32_t index, uint32_t nc)
{
	struct nc_slot *s = &t->slots[index & t->mask];
	enum nc_result r;

	if (nc == 0)
		return NC_REPLAY;
	lock_set_get(t->locks, index & t->mask);
	if (s->id != index)
		r = NC_UNKNOWN;
	else
		r = slot_take(s, nc) ? NC_OK : NC_REPLAY;
	lock_set_release(t->locks, index & t->mask);
	return r;
}

enum nc_result
nc_use_once(struct nc_table *t, uint32_t index)
{
	return nc_check(t, index, 1);
}

int
nc_parse(const struct str *s, uint32_t *nc)
{
	uint32_t v = 0;
	size_t i;
	char c;

	if (s == NULL || s->len != 8)
		return E_PARSE;
	for (i = 0; i < 8; i++) {
		c = s->s[i];
		if (c >= '0' && c <= '9')
			v = v << 4 | (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v << 4 | (uint32_t)(c - 'A' + 10);
		else
			return E_PARSE;
	}
	if (v == 0)
		return E_PARSE;
	*nc = v;
	return 0;
}
