/* t_timer.c: the transactions' timers, a hashed timing wheel in shm.
 *
 * Every timer is a struct tm_timer inside its cell; arming links it into
 * the wheel slot of its due tick.  The timer process (tm_timer_tick, every
 * TM_TICK_MS) takes due timers out one at a time and calls tm_timer_fire()
 * with no lock held; the handler re-checks the cell's state under the cell
 * lock, so a timer that was stopped meanwhile does nothing.  Cells are
 * freed only after their wait timer fired, which stops every other timer
 * of the cell first, so a fired timer always points to a live cell. */
#define LOG_MODULE "tm"
#include <string.h>

#include "../../api/sr_api.h"
#include "tm.h"

#define TM_TICK_MS 10
#define WHEEL_SLOTS 4096

/* in shm; guarded by lock (the timers' links too) */
struct tm_wheel {
	struct gen_lock lock;
	uint64_t done_tick;        /* last tick whose slot was processed */
	struct tm_timer *slot[WHEEL_SLOTS];
};

static struct tm_wheel *wheel;

int
tm_timer_init(void)
{
	if ((wheel = shm_zalloc(sizeof(*wheel))) == NULL)
		return E_NOMEM;
	lock_init(&wheel->lock);
	proc_watch_locks(&wheel->lock, 0, 1, "tm timer");
	wheel->done_tick = get_ticks_ms() / TM_TICK_MS;
	return timer_register(tm_timer_tick, NULL, TM_TICK_MS);
}

void
tm_timer_destroy(void)
{
	shm_free(wheel);
	wheel = NULL;
}

static void
unlink_locked(struct tm_timer *t)
{
	unsigned s;

	if (!t->linked)
		return;
	s = (unsigned)((t->due_ms / TM_TICK_MS) % WHEEL_SLOTS);
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		wheel->slot[s] = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	t->next = t->prev = NULL;
	t->linked = false;
}

void
tm_timer_set(struct tm_timer *t, unsigned ms)
{
	uint64_t due = get_ticks_ms() + ms;
	unsigned s;

	lock_get(&wheel->lock);
	unlink_locked(t);
	/* never into a slot the timer process has already passed */
	if (due / TM_TICK_MS <= wheel->done_tick)
		due = (wheel->done_tick + 1) * TM_TICK_MS;
	t->due_ms = due;
	s = (unsigned)((due / TM_TICK_MS) % WHEEL_SLOTS);
	t->prev = NULL;
	t->next = wheel->slot[s];
	if (t->next != NULL)
		t->next->prev = t;
	wheel->slot[s] = t;
	t->linked = true;
	lock_release(&wheel->lock);
}

void
tm_timer_stop(struct tm_timer *t)
{
	if (!__atomic_load_n(&t->linked, __ATOMIC_RELAXED))
		return;
	lock_get(&wheel->lock);
	unlink_locked(t);
	lock_release(&wheel->lock);
}

/* Take one timer due by the end of tick out of the slot of tick; NULL when
 * none, and then the tick is done (in the same critical section, so that
 * a timer armed meanwhile goes to a later slot). */
static struct tm_timer *
pop_due(uint64_t tick)
{
	struct tm_timer *t;

	lock_get(&wheel->lock);
	for (t = wheel->slot[tick % WHEEL_SLOTS]; t != NULL; t = t->next)
		if (t->due_ms / TM_TICK_MS <= tick)
			break;
	if (t != NULL)
		unlink_locked(t);
	else
		wheel->done_tick = tick;
	lock_release(&wheel->lock);
	return t;
}

void
tm_timer_tick(unsigned ticks, void *arg)
{
	uint64_t tick, last = get_ticks_ms() / TM_TICK_MS;
	struct tm_timer *t;

	(void)ticks;
	(void)arg;
	for (tick = wheel->done_tick + 1; tick <= last; tick++)
		while ((t = pop_due(tick)) != NULL)
			tm_timer_fire(t->cell, t->kind, t->branch);
	tm_conn_fail_run();
}
