/* mem/lock.h: locks shared between the proxy's processes.
 *
 * A gen_lock is one 32-bit word placed in shared memory (or in memory that
 * is shared by every process which uses it).  The word holds 0 when free,
 * else the pid of the holder, with LOCK_WAITERS set when a process sleeps
 * on it.  Acquisition spins briefly, then sleeps on a (non-private) futex,
 * so it works across fork()ed processes.  Keeping the holder's pid lets the
 * supervisor tell whether a dead child died inside a critical section
 * (lock_owner()).
 *
 * Locks are not recursive.  A process that dies holding one leaves it
 * held: the supervisor then repairs what it guards and takes the lock
 * over (lock_take_over), when the lock's owner registered a repair, or
 * shuts down (see proc.c). */
#ifndef MEM_LOCK_H
#define MEM_LOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define LOCK_WAITERS 0x80000000u

/* in shared memory; the word is only touched through the functions below */
struct gen_lock {
	uint32_t word;
};

/* A fixed array of locks in shm, for hashing objects onto locks. */
struct gen_lock_set {
	unsigned size;
	struct gen_lock locks[];
};

/* pid written into lock words by this process; set by lock_proc_init() */
extern pid_t lock_self_pid;

/* Refresh the cached pid.  Any process; must be called right after fork()
 * in the child before it takes any lock (proc.c and daemonize() do it). */
void lock_proc_init(void);

/* Slow path of lock_get(); internal. */
void lock_get_slow(struct gen_lock *l);
/* Slow path of lock_release(): wakes a sleeper; internal. */
void lock_wake(struct gen_lock *l);

/* Make *l a free lock.  Any process, before the lock is shared. */
static inline int
lock_init(struct gen_lock *l)
{
	__atomic_store_n(&l->word, 0, __ATOMIC_RELEASE);
	return 0;
}

/* Nothing to release for a futex lock; kept for symmetry. */
static inline void
lock_destroy(struct gen_lock *l)
{
	(void)l;
}

static inline uint32_t
lock_self_word(void)
{
	if (lock_self_pid == 0)
		lock_proc_init();
	return (uint32_t)lock_self_pid;
}

/* Acquire l, sleeping if needed.  Any process; not recursive. */
static inline void
lock_get(struct gen_lock *l)
{
	uint32_t expect = 0;

	if (__atomic_compare_exchange_n(&l->word, &expect, lock_self_word(),
		false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	lock_get_slow(l);
}

/* Try to acquire l without waiting; true when acquired.  Any process. */
static inline bool
lock_try(struct gen_lock *l)
{
	uint32_t expect = 0;

	return __atomic_compare_exchange_n(&l->word, &expect, lock_self_word(),
	    false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Release l.  Only the holder may call it. */
static inline void
lock_release(struct gen_lock *l)
{
	if (__atomic_exchange_n(&l->word, 0, __ATOMIC_RELEASE) & LOCK_WAITERS)
		lock_wake(l);
}

/* Pid of the holder, 0 when free.  Any process; only a hint unless the
 * holder is known to be dead. */
static inline pid_t
lock_owner(const struct gen_lock *l)
{
	return (pid_t)(__atomic_load_n(&l->word, __ATOMIC_ACQUIRE) &
	    ~LOCK_WAITERS);
}

/* If l is held by dead (a process known to be gone), make this process
 * its holder, keeping the waiters bit, and return true; else false.  The
 * caller repairs what l guards, then lock_release()s it, which wakes the
 * processes that waited on the dead one. */
static inline bool
lock_take_over(struct gen_lock *l, pid_t dead)
{
	uint32_t v = __atomic_load_n(&l->word, __ATOMIC_ACQUIRE);

	while ((pid_t)(v & ~LOCK_WAITERS) == dead && dead != 0)
		if (__atomic_compare_exchange_n(&l->word, &v,
			lock_self_word() | (v & LOCK_WAITERS), false,
			__ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE))
			return true;
	return false;
}

/* Allocate a lock in shm (shm_init() done) and init it.  Any process.
 * Returns 0 or E_NOMEM; free with lock_free(). */
int lock_new(struct gen_lock **out);
/* Free a lock from lock_new(); NULL is fine.  Nobody may hold it. */
void lock_free(struct gen_lock *l);

/* Allocate a set of n locks in shm.  Returns 0, E_INVAL (n == 0) or
 * E_NOMEM.  Free with lock_set_free(). */
int lock_set_new(struct gen_lock_set **out, unsigned n);
void lock_set_free(struct gen_lock_set *s);

static inline void
lock_set_get(struct gen_lock_set *s, unsigned i)
{
	lock_get(&s->locks[i % s->size]);
}

static inline void
lock_set_release(struct gen_lock_set *s, unsigned i)
{
	lock_release(&s->locks[i % s->size]);
}

#endif
