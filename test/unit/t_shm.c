/* t_shm.c: the shared heap and the process-shared locks. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../base/err.h"
#include "../../base/log.h"
#include "../../mem/lock.h"
#include "../../mem/shm.h"
#include "unit.h"

#define HEAP (1024 * 1024)

/* run with the expected out-of-memory ERROR lines silenced */
static int
quiet(int (*fn)(void))
{
	int saved = log_level, rc;

	log_level = L_ALERT - 1;
	rc = fn();
	log_level = saved;
	return rc;
}

static int
t_basic_(void)
{
	char *p, *q;
	int local;
	size_t free0;

	CHECK_INT(0, shm_init(HEAP));
	CHECK_INT(E_INVAL, shm_init(HEAP));
	free0 = shm_free_bytes();
	CHECK(free0 > HEAP - 4096 && free0 < HEAP);
	CHECK_INT(0, shm_used_bytes());
	p = shm_malloc(10);
	q = shm_zalloc(100);
	CHECK(p != NULL && q != NULL);
	CHECK_INT(0, (uintptr_t)p % 16);
	CHECK_INT(0, (uintptr_t)q % 16);
	CHECK(q[0] == 0 && q[99] == 0);
	memset(p, 'x', 10);
	CHECK(shm_owns(p) && shm_owns(q + 99));
	CHECK(!shm_owns(&local) && !shm_owns(NULL));
	CHECK_INT(2, shm_live_blocks());
	CHECK_INT(32 + 128, shm_used_bytes());
	CHECK_INT(free0, shm_used_bytes() + shm_free_bytes());
	shm_free(p);
	shm_free(q);
	shm_free(NULL);
	CHECK_INT(0, shm_live_blocks());
	CHECK_INT(free0, shm_free_bytes());
	shm_destroy();
	CHECK(!shm_owns(q));
	CHECK(shm_malloc(1) == NULL);
	return 0;
}

static int
t_alignment(void)
{
	size_t n;
	void *v[64];

	CHECK_INT(0, shm_init(HEAP));
	for (n = 0; n < 64; n++) {
		v[n] = shm_malloc(n * 7 + 1);
		CHECK(v[n] != NULL);
		CHECK_INT(0, (uintptr_t)v[n] % 16);
	}
	for (n = 0; n < 64; n++)
		shm_free(v[(n * 13) % 64]);
	CHECK_INT(0, shm_live_blocks());
	shm_destroy();
	return 0;
}

/* Fill the heap with small blocks, free them in a scattered order and
 * check the free space coalesced back into one block. */
static int
t_coalesce_(void)
{
	enum { MAX = 20000 };
	static void *v[MAX];
	size_t max0, free0;
	int n, i;
	void *big;

	CHECK_INT(0, shm_init(HEAP));
	max0 = shm_max_alloc();
	free0 = shm_free_bytes();
	CHECK(max0 > HEAP - 4096);
	for (n = 0; n < MAX; n++)
		if ((v[n] = shm_malloc(16 + (size_t)(n % 5) * 40)) == NULL)
			break;
	CHECK(n > 1000 && n < MAX);
	CHECK(shm_max_alloc() < 256);
	for (i = 0; i < n; i += 2)
		shm_free(v[i]);
	CHECK(shm_max_alloc() < 512);
	for (i = 1; i < n; i += 2)
		shm_free(v[i]);
	CHECK_INT(0, shm_live_blocks());
	CHECK_INT(free0, shm_free_bytes());
	CHECK_INT(max0, shm_max_alloc());
	big = shm_malloc(max0);
	CHECK(big != NULL);
	memset(big, 1, max0);
	CHECK(shm_malloc(1) == NULL);
	shm_free(big);
	CHECK(shm_malloc(max0 + 1) == NULL);
	CHECK_INT(free0, shm_free_bytes());
	shm_destroy();
	return 0;
}

static int
t_oom_(void)
{
	void *p;

	CHECK_INT(0, shm_init(HEAP));
	CHECK(shm_malloc(2 * HEAP) == NULL);
	CHECK(shm_malloc(SIZE_MAX) == NULL);
	CHECK(shm_malloc(SIZE_MAX - 8) == NULL);
	CHECK(shm_zalloc((size_t)UINT32_MAX + 1) == NULL);
	shm_fail_after(2);
	p = shm_malloc(8);
	CHECK(p != NULL);
	CHECK(shm_malloc(8) == NULL);
	CHECK(shm_realloc(p, 100) != NULL || 1);
	shm_fail_after(1);
	CHECK(shm_realloc(p, 4000) == NULL);
	shm_fail_after(0);
	CHECK_INT(1, shm_live_blocks());
	shm_free(p);
	CHECK_INT(0, shm_live_blocks());
	shm_destroy();
	return 0;
}

static int
t_realloc(void)
{
	char *p, *q, *r;
	size_t i;

	CHECK_INT(0, shm_init(HEAP));
	p = shm_realloc(NULL, 20);
	CHECK(p != NULL);
	memcpy(p, "0123456789abcdefghi", 20);
	/* grows in place: the rest of the heap follows p */
	q = shm_realloc(p, 5000);
	CHECK(q == p);
	for (i = 20; i < 5000; i++)
		q[i] = (char)i;
	CHECK(memcmp(q, "0123456789abcdefghi", 20) == 0);
	/* block the next neighbour, then grow: must move and copy */
	r = shm_malloc(10);
	CHECK(r != NULL);
	p = shm_realloc(q, 9000);
	CHECK(p != NULL && p != q);
	CHECK(memcmp(p, "0123456789abcdefghi", 20) == 0);
	for (i = 20; i < 5000; i++)
		CHECK(p[i] == (char)i);
	/* shrink in place */
	q = shm_realloc(p, 100);
	CHECK(q == p);
	CHECK(memcmp(q, "0123456789abcdefghi", 20) == 0);
	CHECK_INT(2, shm_live_blocks());
	CHECK(shm_realloc(q, 0) == NULL);
	shm_free(r);
	CHECK_INT(0, shm_live_blocks());
	CHECK_INT(0, shm_used_bytes());
	shm_destroy();
	return 0;
}

/* Random malloc/realloc/free with a fixed seed; every block carries a
 * pattern that must survive until it is freed. */
static int
t_stress(void)
{
	enum { SLOTS = 512, OPS = 200000 };
	static unsigned char *v[SLOTS];
	static size_t len[SLOTS];
	size_t free0, n, i;
	unsigned seed = 12345;
	int op, s;

	CHECK_INT(0, shm_init(8 * HEAP));
	free0 = shm_free_bytes();
	memset(v, 0, sizeof(v));
	for (op = 0; op < OPS; op++) {
		s = rand_r(&seed) % SLOTS;
		if (v[s] != NULL) {
			for (i = 0; i < len[s]; i++)
				CHECK(v[s][i] == (unsigned char)(s + i));
		}
		if (v[s] != NULL && rand_r(&seed) % 3 == 0) {
			shm_free(v[s]);
			v[s] = NULL;
			continue;
		}
		n = rand_r(&seed) % 8 == 0 ? (size_t)(rand_r(&seed) % 60000)
					    : (size_t)(rand_r(&seed) % 600);
		if (v[s] == NULL) {
			if ((v[s] = shm_malloc(n)) == NULL)
				continue;
		} else {
			unsigned char *q = shm_realloc(v[s], n);

			if (q == NULL && n != 0)
				continue;
			v[s] = q;
			if (q == NULL)
				continue;
		}
		len[s] = n;
		for (i = 0; i < n; i++)
			v[s][i] = (unsigned char)(s + i);
		CHECK_INT(free0, shm_used_bytes() + shm_free_bytes());
	}
	for (s = 0; s < SLOTS; s++)
		shm_free(v[s]);
	CHECK_INT(0, shm_live_blocks());
	CHECK_INT(free0, shm_free_bytes());
	CHECK(shm_malloc(shm_max_alloc()) != NULL);
	shm_destroy();
	return 0;
}

static int
t_bad_free(void)
{
	int saved = log_level;
	void *p;

	CHECK_INT(0, shm_init(HEAP));
	p = shm_malloc(40);
	shm_free(p);
	log_level = L_ALERT - 1; /* the CRIT lines are expected */
	shm_free(p);                 /* double free: ignored */
	shm_free(&saved);            /* not shm: ignored */
	CHECK(shm_realloc(&saved, 10) == NULL);
	log_level = saved;
	CHECK_INT(0, shm_live_blocks());
	shm_destroy();
	return 0;
}

/* Four processes bump one counter under a gen_lock. */
static int
t_lock_procs(void)
{
	enum { NPROC = 4, ROUNDS = 100000 };
	struct {
		struct gen_lock lock;
		long counter;
	} *sh;
	int i, j, status;
	pid_t pid;

	CHECK_INT(0, shm_init(HEAP));
	sh = shm_zalloc(sizeof(*sh));
	CHECK(sh != NULL);
	lock_init(&sh->lock);
	shm_sanitizer_multiproc();
	for (i = 0; i < NPROC; i++) {
		if ((pid = fork()) == 0) {
			lock_proc_init();
			for (j = 0; j < ROUNDS; j++) {
				lock_get(&sh->lock);
				sh->counter++;
				lock_release(&sh->lock);
			}
			_exit(0);
		}
		CHECK(pid > 0);
	}
	for (i = 0; i < NPROC; i++) {
		CHECK(wait(&status) > 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	CHECK_INT((long)NPROC * ROUNDS, sh->counter);
	CHECK_INT(0, lock_owner(&sh->lock));
	lock_get(&sh->lock);
	CHECK_INT(getpid(), lock_owner(&sh->lock));
	CHECK(!lock_try(&sh->lock));
	lock_release(&sh->lock);
	CHECK(lock_try(&sh->lock));
	lock_release(&sh->lock);
	lock_destroy(&sh->lock);
	shm_free(sh);
	shm_destroy();
	return 0;
}

static int
t_lock_set(void)
{
	struct gen_lock_set *s;
	struct gen_lock *l;

	CHECK_INT(0, shm_init(HEAP));
	CHECK_INT(E_INVAL, lock_set_new(&s, 0));
	CHECK_INT(0, lock_set_new(&s, 8));
	lock_set_get(s, 3);
	lock_set_get(s, 12);
	CHECK_INT(getpid(), lock_owner(&s->locks[3]));
	CHECK_INT(getpid(), lock_owner(&s->locks[4]));
	lock_set_release(s, 12);
	lock_set_release(s, 3);
	lock_set_free(s);
	CHECK_INT(0, lock_new(&l));
	lock_get(l);
	CHECK_INT(0, shm_lock_owner());
	lock_release(l);
	lock_free(l);
	lock_free(NULL);
	CHECK_INT(0, shm_live_blocks());
	shm_destroy();
	return 0;
}

static int
t_basic(void)
{
	return quiet(t_basic_);
}

static int
t_coalesce(void)
{
	return quiet(t_coalesce_);
}

static int
t_oom(void)
{
	return quiet(t_oom_);
}

/* clang-format off */
static const struct unit_test tests[] = {
	{ "basic",      t_basic },
	{ "alignment",  t_alignment },
	{ "coalesce",   t_coalesce },
	{ "oom",        t_oom },
	{ "realloc",    t_realloc },
	{ "stress",     t_stress },
	{ "bad_free",   t_bad_free },
	{ "lock_procs", t_lock_procs },
	{ "lock_set",   t_lock_set },
	{ NULL, NULL },
};
/* clang-format on */

UNIT_MAIN(tests)
