/* timer.c: the timer process and the shared clock (see timer.h). */
#include <errno.h>
#include <stdbool.h>
#include <time.h>

#define LOG_MODULE "timer"
#include "err.h"
#include "log.h"
#include "../mem/shm.h"
#include "timer.h"

/* in shm; start is written once before fork, last_run by the timer
 * process only (atomic stores, no lock) */
struct timer_shared {
	int64_t start_ns;
	uint64_t last_run_ms;
};

/* per process: copied into the timer process by fork */
struct timer_entry {
	timer_fn fn;
	void *arg;
	unsigned interval_ms;
	uint64_t due_ms;
};

volatile sig_atomic_t timer_stop;

static struct timer_shared *shared;
static int64_t local_start_ns = -1;
static struct timer_entry timers[TIMER_MAX];
static int ntimers;
static bool running;

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

uint64_t
timer_now_ms(void)
{
	return (uint64_t)(mono_ns() / 1000000);
}

int
timer_init(void)
{
	if (shared != NULL)
		return E_INVAL;
	if ((shared = shm_zalloc(sizeof(*shared))) == NULL)
		return E_NOMEM;
	shared->start_ns = mono_ns();
	return 0;
}

void
timer_destroy(void)
{
	shm_free(shared);
	shared = NULL;
	ntimers = 0;
	running = false;
	local_start_ns = -1;
}

int
timer_register(timer_fn fn, void *arg, unsigned interval_ms)
{
	if (fn == NULL || interval_ms == 0 || running)
		return E_INVAL;
	if (ntimers == TIMER_MAX)
		return E_TOOBIG;
	timers[ntimers].fn = fn;
	timers[ntimers].arg = arg;
	timers[ntimers].interval_ms = interval_ms;
	ntimers++;
	return 0;
}

static int64_t
start_ns(void)
{
	if (shared != NULL)
		return shared->start_ns;
	if (local_start_ns < 0)
		local_start_ns = mono_ns();
	return local_start_ns;
}

uint64_t
get_ticks_ms(void)
{
	return (uint64_t)((mono_ns() - start_ns()) / 1000000);
}

unsigned
get_ticks(void)
{
	return (unsigned)(get_ticks_ms() / 1000);
}

uint64_t
timer_last_run_ms(void)
{
	return shared != NULL
	    ? __atomic_load_n(&shared->last_run_ms, __ATOMIC_RELAXED)
	    : 0;
}

/* Sleep until get_ticks_ms() reaches due (or a signal arrives). */
static void
sleep_until(uint64_t due)
{
	struct timespec ts;
	int64_t at = start_ns() + (int64_t)due * 1000000;

	ts.tv_sec = at / 1000000000;
	ts.tv_nsec = at % 1000000000;
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

int
timer_run(int rank, void *arg)
{
	uint64_t now, next;
	int i;

	(void)rank;
	(void)arg;
	running = true;
	now = get_ticks_ms();
	for (i = 0; i < ntimers; i++)
		timers[i].due_ms = now + timers[i].interval_ms;
	while (!timer_stop) {
		now = get_ticks_ms();
		if (shared != NULL)
			__atomic_store_n(&shared->last_run_ms, now,
			    __ATOMIC_RELAXED);
		next = now + 1000;
		for (i = 0; i < ntimers && !timer_stop; i++) {
			struct timer_entry *t = &timers[i];

			if (t->due_ms <= now) {
				t->fn(get_ticks(), t->arg);
				t->due_ms += t->interval_ms;
				now = get_ticks_ms();
				/* fell behind (slow callback, suspend):
				 * skip the missed runs instead of bursting */
				if (t->due_ms <= now)
					t->due_ms = now + t->interval_ms;
			}
			if (t->due_ms < next)
				next = t->due_ms;
		}
		if (!timer_stop)
			sleep_until(next);
	}
	running = false;
	return 0;
}
