/* mem/shm.c: the shared heap (see shm.h for the shape).
 *
 * Layout of the mapping:
 *	[struct shm_ctl][block][block]...[block][end sentinel header]
 * Every block starts with a 16-byte header holding its size and the size of
 * the block before it (boundary tags), so free() finds both neighbours in
 * O(1).  A free block keeps its free-list links in its payload.  Two free
 * blocks are never adjacent: they are merged when the second one is freed.
 *
 * Free lists: classes 0..NEXACT-1 hold blocks of exactly (c + 2) * 16 bytes
 * (32 .. 2048); the classes after them hold [2^k, 2^(k+1)) blocks.  A bitmap
 * of non-empty lists makes "smallest class that fits" a ctz instruction. */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define LOG_MODULE "shm"
#include "../base/err.h"
#include "../base/log.h"
#include "lock.h"
#include "shm.h"

#ifdef __has_feature
#if __has_feature(address_sanitizer)
#define SHM_ASAN 1
#endif
#endif
#ifdef __SANITIZE_ADDRESS__
#define SHM_ASAN 1
#endif

#ifdef SHM_ASAN
#include <sanitizer/asan_interface.h>
/* The allocator reads headers and links inside poisoned memory. */
#define SHM_INTERNAL __attribute__((no_sanitize_address))
static bool poison_on = true;
#define POISON(p, n)                                             \
	do {                                                     \
		if (poison_on)                                   \
			ASAN_POISON_MEMORY_REGION((p), (n));     \
	} while (0)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define SHM_INTERNAL
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define ALIGN 16u
#define HDR 16u               /* sizeof(struct blk) */
#define MIN_BLOCK 32u         /* header + two links */
#define EXACT_MAX 2048u
#define NEXACT (EXACT_MAX / ALIGN - 1)        /* sizes 32..2048: 127 */
#define LOG_MIN 11                            /* first bucket: 2^11.. */
#define NCLASSES (NEXACT + 64 - LOG_MIN)
#define NWORDS ((NCLASSES + 63) / 64)

#define MAGIC_USED 0x5e4d0a11u
#define MAGIC_FREE 0xf4eeb10cu
#define MAGIC_END 0xe4d0e4d0u

/* in shm; guarded by ctl->lock */
struct blk {
	uint32_t size_u;      /* this block, header included, in ALIGN units */
	uint32_t prev_u;      /* the block before, 0 for the first block */
	uint32_t req;         /* bytes asked for (used blocks) */
	uint32_t magic;
};

/* lives in a free block's payload */
struct links {
	struct blk *next, *prev;
};

/* in shm, at the start of the mapping; fields guarded by lock */
struct shm_ctl {
	struct gen_lock lock;
	size_t used, free;
	long live;
	uint64_t bitmap[NWORDS];
	struct blk *heads[NCLASSES];
};

/* per process, inherited over fork */
static struct shm_ctl *ctl;
static char *map_base, *arena_start, *arena_end;
static size_t map_size;
static long fail_countdown;

_Static_assert(sizeof(struct blk) == HDR, "block header size");

SHM_INTERNAL static inline size_t
bsize(const struct blk *b)
{
	return (size_t)b->size_u * ALIGN;
}

SHM_INTERNAL static inline struct links *
blinks(struct blk *b)
{
	return (struct links *)(void *)(b + 1);
}

SHM_INTERNAL static inline void *
bpayload(struct blk *b)
{
	return b + 1;
}

SHM_INTERNAL static inline struct blk *
bnext(struct blk *b)
{
	return (struct blk *)(void *)((char *)b + bsize(b));
}

static inline unsigned
class_of(size_t size)
{
	if (size <= EXACT_MAX)
		return (unsigned)(size / ALIGN) - 2;
	return NEXACT + (unsigned)(63 - __builtin_clzll(size)) - LOG_MIN;
}

SHM_INTERNAL static void
fl_insert(struct blk *b)
{
	unsigned c = class_of(bsize(b));
	struct links *l = blinks(b);

	b->magic = MAGIC_FREE;
	l->prev = NULL;
	l->next = ctl->heads[c];
	if (l->next != NULL)
		blinks(l->next)->prev = b;
	ctl->heads[c] = b;
	ctl->bitmap[c / 64] |= 1ull << (c % 64);
}

SHM_INTERNAL static void
fl_remove(struct blk *b)
{
	unsigned c = class_of(bsize(b));
	struct links *l = blinks(b);

	if (l->prev != NULL)
		blinks(l->prev)->next = l->next;
	else
		ctl->heads[c] = l->next;
	if (l->next != NULL)
		blinks(l->next)->prev = l->prev;
	if (ctl->heads[c] == NULL)
		ctl->bitmap[c / 64] &= ~(1ull << (c % 64));
}

/* First non-empty class >= c, or -1. */
static int
class_find(unsigned c)
{
	unsigned w = c / 64;
	uint64_t m;

	if (c >= NCLASSES)
		return -1;
	m = ctl->bitmap[w] & (~0ull << (c % 64));
	for (;;) {
		if (m != 0)
			return (int)(w * 64 + (unsigned)__builtin_ctzll(m));
		if (++w == NWORDS)
			return -1;
		m = ctl->bitmap[w];
	}
}

/* b is used and accounted as used; give back everything past `need` as a
 * free block (merged with the following block when that one is free). */
SHM_INTERNAL static void
blk_trim(struct blk *b, size_t need)
{
	size_t rest = bsize(b) - need;
	struct blk *r, *n;

	if (rest < MIN_BLOCK)
		return;
	b->size_u = (uint32_t)(need / ALIGN);
	r = bnext(b);
	r->size_u = (uint32_t)(rest / ALIGN);
	r->prev_u = b->size_u;
	ctl->used -= rest;
	ctl->free += rest;
	n = bnext(r);
	if (n->magic == MAGIC_FREE) {
		fl_remove(n);
		r->size_u += n->size_u;
		n = bnext(r);
	}
	n->prev_u = r->size_u;
	fl_insert(r);
}

SHM_INTERNAL static struct blk *
heap_alloc(size_t need)
{
	unsigned c = class_of(need);
	struct blk *b = ctl->heads[c];
	int found;

	if (c >= NEXACT)
		while (b != NULL && bsize(b) < need)
			b = blinks(b)->next;
	if (b == NULL) {
		/* any block of a higher class is big enough */
		if ((found = class_find(c + 1)) < 0)
			return NULL;
		b = ctl->heads[found];
	}
	fl_remove(b);
	b->magic = MAGIC_USED;
	ctl->free -= bsize(b);
	ctl->used += bsize(b);
	ctl->live++;
	blk_trim(b, need);
	return b;
}

SHM_INTERNAL static void
heap_free(struct blk *b)
{
	struct blk *p, *n;

	ctl->used -= bsize(b);
	ctl->free += bsize(b);
	ctl->live--;
	b->magic = MAGIC_FREE;
	if (b->prev_u != 0) {
		p = (struct blk *)(void *)((char *)b - (size_t)b->prev_u * ALIGN);
		if (p->magic == MAGIC_FREE) {
			fl_remove(p);
			p->size_u += b->size_u;
			b = p;
		}
	}
	n = bnext(b);
	if (n->magic == MAGIC_FREE) {
		fl_remove(n);
		b->size_u += n->size_u;
		n = bnext(b);
	}
	n->prev_u = b->size_u;
	fl_insert(b);
}

/* Header of a payload pointer, or NULL when p is not a live block. */
SHM_INTERNAL static struct blk *
blk_of(void *p)
{
	struct blk *b;

	if (!shm_owns(p) || ((uintptr_t)p & (ALIGN - 1)) != 0)
		return NULL;
	b = (struct blk *)p - 1;
	return b->magic == MAGIC_USED ? b : NULL;
}

static bool
size_ok(size_t n, size_t *need)
{
	if (n > (size_t)UINT32_MAX - 2 * ALIGN)
		return false;
	*need = (n + HDR + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (*need < MIN_BLOCK)
		*need = MIN_BLOCK;
	return true;
}

static bool
should_fail(void)
{
	return fail_countdown > 0 && --fail_countdown == 0;
}

/* Log an allocation failure once per call site (per process). */
static void
oom_log(size_t n, const char *file, int line)
{
	static struct {
		const char *file;
		int line;
	} seen[64];
	size_t i;

	for (i = 0; i < sizeof(seen) / sizeof(seen[0]); i++) {
		if (seen[i].file == file && seen[i].line == line)
			return;
		if (seen[i].file == NULL) {
			seen[i].file = file;
			seen[i].line = line;
			break;
		}
	}
	LM_ERR("out of shared memory: %zu bytes for %s:%d (%zu bytes free)",
	    n, file, line, ctl != NULL ? ctl->free : 0);
}

int
shm_init(size_t bytes)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t hdr = (sizeof(struct shm_ctl) + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	struct blk *b, *end;
	void *m;

	if (ctl != NULL || bytes < 64 * 1024 ||
	    bytes / ALIGN > UINT32_MAX - 1)
		return E_INVAL;
	bytes = (bytes + page - 1) & ~(page - 1);
	m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);
	if (m == MAP_FAILED)
		return E_NOMEM;
	map_base = m;
	map_size = bytes;
	ctl = m;
	memset(ctl, 0, sizeof(*ctl));
	lock_init(&ctl->lock);
	arena_start = map_base + hdr;
	arena_end = map_base + bytes - HDR;
	b = (struct blk *)(void *)arena_start;
	b->size_u = (uint32_t)((size_t)(arena_end - arena_start) / ALIGN);
	b->prev_u = 0;
	end = (struct blk *)(void *)arena_end;
	end->size_u = 0;
	end->prev_u = b->size_u;
	end->magic = MAGIC_END;
	ctl->free = bsize(b);
	fl_insert(b);
	POISON(arena_start, (size_t)(map_base + bytes - arena_start));
	return 0;
}

void
shm_destroy(void)
{
	if (ctl == NULL)
		return;
	UNPOISON(map_base, map_size);
	munmap(map_base, map_size);
	ctl = NULL;
	map_base = arena_start = arena_end = NULL;
	map_size = 0;
}

SHM_INTERNAL void *
shm_malloc_(size_t n, const char *file, int line)
{
	struct blk *b;
	size_t need;

	if (ctl == NULL || !size_ok(n, &need) || should_fail()) {
		oom_log(n, file, line);
		return NULL;
	}
	lock_get(&ctl->lock);
	b = heap_alloc(need);
	if (b != NULL)
		b->req = (uint32_t)n;
	lock_release(&ctl->lock);
	if (b == NULL) {
		oom_log(n, file, line);
		return NULL;
	}
	UNPOISON(bpayload(b), n);
	return bpayload(b);
}

void *
shm_zalloc_(size_t n, const char *file, int line)
{
	void *p = shm_malloc_(n, file, line);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

/* Resize b in place when possible; the lock is held. */
SHM_INTERNAL static bool
heap_resize(struct blk *b, size_t need)
{
	struct blk *n;

	if (need > bsize(b)) {
		n = bnext(b);
		if (n->magic != MAGIC_FREE || bsize(b) + bsize(n) < need)
			return false;
		fl_remove(n);
		ctl->free -= bsize(n);
		ctl->used += bsize(n);
		b->size_u += n->size_u;
		bnext(b)->prev_u = b->size_u;
	}
	blk_trim(b, need);
	return true;
}

SHM_INTERNAL void *
shm_realloc_(void *p, size_t n, const char *file, int line)
{
	struct blk *b;
	size_t need, old;
	void *q;
	bool done;

	if (p == NULL)
		return shm_malloc_(n, file, line);
	if (n == 0) {
		shm_free_(p, file, line);
		return NULL;
	}
	if (!size_ok(n, &need) || should_fail()) {
		oom_log(n, file, line);
		return NULL;
	}
	lock_get(&ctl->lock);
	if ((b = blk_of(p)) == NULL) {
		lock_release(&ctl->lock);
		LM_CRIT("realloc of %p (not a live shm block) at %s:%d", p, file,
		    line);
		return NULL;
	}
	old = b->req;
	if ((done = heap_resize(b, need)))
		b->req = (uint32_t)n;
	lock_release(&ctl->lock);
	if (done) {
		if (n < old)
			POISON((char *)p + n, old - n);
		else
			UNPOISON(p, n);
		return p;
	}
	if ((q = shm_malloc_(n, file, line)) == NULL)
		return NULL;
	memcpy(q, p, old);
	shm_free_(p, file, line);
	return q;
}

SHM_INTERNAL void
shm_free_(void *p, const char *file, int line)
{
	struct blk *b;

	if (p == NULL)
		return;
	if (ctl == NULL) {
		LM_CRIT("free of %p at %s:%d without a shm heap", p, file, line);
		return;
	}
	lock_get(&ctl->lock);
	if ((b = blk_of(p)) == NULL) {
		lock_release(&ctl->lock);
		LM_CRIT("free of %p at %s:%d: double free or not a shm block",
		    p, file, line);
		return;
	}
	POISON(p, bsize(b) - HDR);
	heap_free(b);
	lock_release(&ctl->lock);
}

SHM_INTERNAL bool
shm_owns(const void *p)
{
	return ctl != NULL && (const char *)p >= arena_start + HDR &&
	    (const char *)p < arena_end;
}

size_t
shm_used_bytes(void)
{
	size_t v;

	if (ctl == NULL)
		return 0;
	lock_get(&ctl->lock);
	v = ctl->used;
	lock_release(&ctl->lock);
	return v;
}

size_t
shm_free_bytes(void)
{
	size_t v;

	if (ctl == NULL)
		return 0;
	lock_get(&ctl->lock);
	v = ctl->free;
	lock_release(&ctl->lock);
	return v;
}

long
shm_live_blocks(void)
{
	long v;

	if (ctl == NULL)
		return 0;
	lock_get(&ctl->lock);
	v = ctl->live;
	lock_release(&ctl->lock);
	return v;
}

SHM_INTERNAL static size_t
largest_free(void)
{
	size_t best = 0;
	struct blk *b;
	int c;

	/* the highest non-empty class holds the largest block */
	for (c = NCLASSES - 1; c >= 0; c--)
		if (ctl->heads[c] != NULL)
			break;
	if (c < 0)
		return 0;
	for (b = ctl->heads[c]; b != NULL; b = blinks(b)->next)
		if (bsize(b) > best)
			best = bsize(b);
	return best;
}

size_t
shm_max_alloc(void)
{
	size_t v;

	if (ctl == NULL)
		return 0;
	lock_get(&ctl->lock);
	v = largest_free();
	lock_release(&ctl->lock);
	if (v < MIN_BLOCK)
		return 0;
	v -= HDR;
	return v > (size_t)UINT32_MAX - 2 * ALIGN ? (size_t)UINT32_MAX - 2 * ALIGN
						   : v;
}

pid_t
shm_lock_owner(void)
{
	return ctl != NULL ? lock_owner(&ctl->lock) : 0;
}

void
shm_fail_after(long n)
{
	fail_countdown = n;
}

void
shm_sanitizer_multiproc(void)
{
#ifdef SHM_ASAN
	if (map_base != NULL)
		UNPOISON(map_base, map_size);
	poison_on = false;
#endif
}
