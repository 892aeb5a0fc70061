/* mem/lock.c: futex slow paths and shm-allocated locks. */
#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../base/err.h"
#include "lock.h"
#include "shm.h"

#define LOCK_SPINS 100

#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax() __builtin_ia32_pause()
#else
#define cpu_relax() __asm__ __volatile__("" ::: "memory")
#endif

pid_t lock_self_pid;

void
lock_proc_init(void)
{
	lock_self_pid = getpid();
}

static void
futex_wait(uint32_t *addr, uint32_t val)
{
	/* shared futex (no FUTEX_PRIVATE_FLAG): waiters live in other
	 * processes mapping the same page */
	syscall(SYS_futex, addr, FUTEX_WAIT, val, NULL, NULL, 0);
}

void
lock_get_slow(struct gen_lock *l)
{
	uint32_t self = lock_self_word();
	uint32_t v;
	int i;

	for (i = 0; i < LOCK_SPINS; i++) {
		v = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
		if (v == 0 && __atomic_compare_exchange_n(&l->word, &v, self,
			false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		cpu_relax();
	}
	for (;;) {
		v = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
		if (v == 0) {
			/* we were (or may have been) waiting: keep the
			 * waiters bit so the release wakes the next one */
			if (__atomic_compare_exchange_n(&l->word, &v,
				self | LOCK_WAITERS, false, __ATOMIC_ACQUIRE,
				__ATOMIC_RELAXED))
				return;
			continue;
		}
		if (!(v & LOCK_WAITERS) &&
		    !__atomic_compare_exchange_n(&l->word, &v, v | LOCK_WAITERS,
			false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			continue;
		futex_wait(&l->word, v | LOCK_WAITERS);
	}
}

void
lock_wake(struct gen_lock *l)
{
	syscall(SYS_futex, &l->word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

int
lock_new(struct gen_lock **out)
{
	struct gen_lock *l;

	if ((l = shm_malloc(sizeof(*l))) == NULL)
		return E_NOMEM;
	lock_init(l);
	*out = l;
	return 0;
}

void
lock_free(struct gen_lock *l)
{
	if (l != NULL)
		shm_free(l);
}

int
lock_set_new(struct gen_lock_set **out, unsigned n)
{
	struct gen_lock_set *s;
	unsigned i;

	if (n == 0)
		return E_INVAL;
	s = shm_malloc(sizeof(*s) + n * sizeof(s->locks[0]));
	if (s == NULL)
		return E_NOMEM;
	s->size = n;
	for (i = 0; i < n; i++)
		lock_init(&s->locks[i]);
	*out = s;
	return 0;
}

void
lock_set_free(struct gen_lock_set *s)
{
	if (s != NULL)
		shm_free(s);
}
