/* timer.h: periodic callbacks run by the timer process, and the tick
 * counters every process reads.
 *
 * Callbacks are registered in the main process before fork and run, one
 * after another, in the process that runs timer_run() (the "timer" role);
 * a slow callback delays the others, so callbacks must not block. */
#ifndef TIMER_H
#define TIMER_H

#include <signal.h>
#include <stdint.h>

#define TIMER_MAX 64

/* ticks: get_ticks() at the time of the call. */
typedef void (*timer_fn)(unsigned ticks, void *arg);

/* Set to make timer_run() return after the current round (tests, or a
 * SIGTERM handler). */
extern volatile sig_atomic_t timer_stop;

/* Allocate the shared tick state and start the clock at 0.  Main process,
 * after shm_init(), before fork.  Returns 0, E_INVAL (done already) or
 * E_NOMEM.  Without it ticks count from the first get_ticks*() call of
 * each process. */
int timer_init(void);
/* Free the shared state and forget every callback (main process at exit,
 * or tests). */
void timer_destroy(void);

/* Call fn(ticks, arg) every interval_ms (> 0), first after interval_ms.
 * Main process, before fork (the timer process must inherit it).  Returns
 * 0, E_INVAL (fn NULL, interval 0, timer already running) or E_TOOBIG
 * (more than TIMER_MAX). */
int timer_register(timer_fn fn, void *arg, unsigned interval_ms);

/* Seconds / milliseconds since timer_init().  Monotonic, identical in
 * every process (CLOCK_MONOTONIC against a start time kept in shm).  Any
 * process, no lock. */
unsigned get_ticks(void);
uint64_t get_ticks_ms(void);
/* Milliseconds of CLOCK_MONOTONIC: for deadlines and intervals within one
 * process (it needs no timer_init(), and its origin is not the one of
 * get_ticks_ms()).  Any process, no lock. */
uint64_t timer_now_ms(void);
/* get_ticks_ms() when the timer process last woke up (0: never); a
 * watchdog can compare it with get_ticks_ms(). */
uint64_t timer_last_run_ms(void);

/* The timer role: loop running due callbacks until timer_stop.  Matches
 * proc_run_fn: proc_add_role("timer", 1, timer_run, NULL).  Returns 0. */
int timer_run(int rank, void *arg);

#endif
