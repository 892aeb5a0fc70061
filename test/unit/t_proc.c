/* t_proc.c: process table, restart and shutdown paths, timer, daemonize.
 * Every test is bounded to about a second. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../base/err.h"
#include "../../base/log.h"
#include "../../mem/lock.h"
#include "../../mem/shm.h"
#include "../../base/proc.h"
#include "../../base/timer.h"
#include "unit.h"

/* in shm: what the children saw */
struct seen {
	int runs;
	int inits;
	int init_ranks;          /* bit per process_no */
	pid_t pids[16];
};

static struct seen *seen;
static int hook_calls;

static int
setup(int max)
{
	if (shm_init(1024 * 1024) != 0)
		return 1;
	seen = shm_zalloc(sizeof(*seen));
	hook_calls = 0;
	proc_kill_grace_ms = 3000;
	return seen == NULL || proc_table_init(max) != 0;
}

static void
teardown(void)
{
	proc_table_destroy();
	shm_free(seen);
	proc_child_init = NULL;
	proc_shutdown_hook = NULL;
	shm_destroy();
}

static int
run_nothing(int rank, void *arg)
{
	(void)rank;
	(void)arg;
	return 0;
}

static int
t_table(void)
{
	const struct proc_info *p;

	CHECK_INT(E_INVAL, proc_table_init(0));
	CHECK_INT(0, setup(4));
	CHECK_INT(E_INVAL, proc_table_init(4));
	CHECK_INT(1, proc_count());
	p = proc_get(0);
	CHECK(p != NULL && p->pid == getpid() && p->role == -1);
	CHECK_INT(0, proc_add_role("udp receiver 127.0.0.1:5060", 2,
	    run_nothing, NULL));
	CHECK_INT(1, proc_add_role("timer", 1, run_nothing, NULL));
	CHECK_INT(E_TOOBIG, proc_add_role("tcp reader", 1, run_nothing, NULL));
	CHECK_INT(E_INVAL, proc_add_role("x", 0, run_nothing, NULL));
	CHECK_INT(E_INVAL, proc_add_role("x", 1, NULL, NULL));
	CHECK_INT(4, proc_count());
	p = proc_get(2);
	CHECK(strcmp(p->desc, "udp receiver 127.0.0.1:5060 child=1") == 0);
	CHECK_INT(2, p->rank);
	CHECK_INT(1, p->role_rank);
	CHECK(strcmp(proc_get(3)->desc, "timer") == 0);
	CHECK(proc_get(4) == NULL && proc_get(-1) == NULL);
	teardown();
	return 0;
}

static int
run_exit(int rank, void *arg)
{
	(void)rank;
	(void)arg;
	__atomic_add_fetch(&seen->runs, 1, __ATOMIC_SEQ_CST);
	return 1;
}

static void
on_shutdown(void)
{
	hook_calls++;
}

/* A child that always exits is restarted PROC_MAX_RESTARTS times, then the
 * supervisor gives up and shuts down. */
static int
t_restart_limit(void)
{
	int saved = log_level;

	CHECK_INT(0, setup(2));
	CHECK_INT(0, proc_add_role("exiter", 1, run_exit, NULL));
	proc_shutdown_hook = on_shutdown;
	log_level = L_ALERT - 1; /* the ERROR/CRIT lines are expected */
	CHECK_INT(0, proc_start_all());
	CHECK_INT(E_BUG, proc_supervise());
	log_level = saved;
	CHECK_INT(1 + PROC_MAX_RESTARTS, seen->runs);
	CHECK_INT(PROC_MAX_RESTARTS, proc_get(1)->restarts);
	CHECK_INT(0, proc_get(1)->pid);
	CHECK_INT(1, hook_calls);
	teardown();
	return 0;
}

static int
child_init(int rank)
{
	__atomic_add_fetch(&seen->inits, 1, __ATOMIC_SEQ_CST);
	__atomic_or_fetch(&seen->init_ranks, 1 << rank, __ATOMIC_SEQ_CST);
	return 0;
}

/* First run exits with 3 (restarted); the second asks the attendant to
 * shut down. */
static int
run_once_then_term(int rank, void *arg)
{
	int n = __atomic_add_fetch(&seen->runs, 1, __ATOMIC_SEQ_CST);

	(void)arg;
	seen->pids[n] = getpid();
	if (n == 1)
		return 3;
	(void)rank;
	/* let every other child finish its init first (bounded) */
	for (n = 0; n < 200 && seen->inits < 5; n++)
		usleep(5000);
	kill(getppid(), SIGTERM);
	for (;;)
		pause();
	return 0;
}

static int
run_pause(int rank, void *arg)
{
	(void)rank;
	(void)arg;
	for (;;)
		pause();
	return 0;
}

static int
run_restarting(int rank, void *arg)
{
	(void)rank;
	(void)arg;
	signal(SIGTERM, SIG_IGN);
	for (;;)
		pause();
	return 0;
}

static int
t_restart_and_term(void)
{
	char path[64];
	struct timespec t0, t1;
	int saved = log_level, i;
	long ms;

	CHECK_INT(0, setup(5));
	CHECK_INT(0, proc_add_role("once", 1, run_once_then_term, NULL));
	CHECK_INT(1, proc_add_role("sleeper", 2, run_pause, NULL));
	CHECK_INT(2, proc_add_role("restarting", 1, run_restarting, NULL));
	proc_child_init = child_init;
	proc_shutdown_hook = on_shutdown;
	proc_kill_grace_ms = 300;
	snprintf(path, sizeof(path), "/tmp/t_proc.%d.pid", (int)getpid());
	CHECK_INT(0, pid_file_write(path));
	CHECK(access(path, F_OK) == 0);
	log_level = L_ALERT - 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(0, proc_start_all());
	CHECK_INT(0, proc_supervise());
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_level = saved;
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(ms < 2000);
	CHECK_INT(2, seen->runs);
	CHECK(seen->pids[1] != seen->pids[2] && seen->pids[2] > 0);
	CHECK_INT(1, proc_get(1)->restarts);
	CHECK_INT(5, seen->inits); /* 4 slots + 1 restart */
	CHECK_INT(0x1e, seen->init_ranks);
	for (i = 1; i < proc_count(); i++)
		CHECK_INT(0, proc_get(i)->pid);
	CHECK_INT(1, hook_calls);
	CHECK(access(path, F_OK) == -1);
	/* every child is reaped */
	CHECK(waitpid(-1, NULL, WNOHANG) == -1);
	teardown();
	return 0;
}

/* fork=no: a table with only the main process. */
static int
t_single(void)
{
	CHECK_INT(0, setup(1));
	CHECK_INT(1, proc_count());
	CHECK_INT(E_TOOBIG, proc_add_role("x", 1, run_nothing, NULL));
	CHECK_INT(0, process_no);
	teardown();
	return 0;
}

static int fast_calls, slow_calls;

static void
on_fast(unsigned ticks, void *arg)
{
	(void)ticks;
	if ((uintptr_t)arg != 7)
		abort();
	if (++fast_calls == 10)
		timer_stop = 1;
}

static void
on_slow(unsigned ticks, void *arg)
{
	(void)ticks;
	(void)arg;
	slow_calls++;
}

static int
t_timer(void)
{
	uint64_t t0, t1;

	CHECK_INT(0, shm_init(1024 * 1024));
	CHECK_INT(0, timer_init());
	CHECK_INT(E_INVAL, timer_init());
	CHECK_INT(E_INVAL, timer_register(NULL, NULL, 10));
	CHECK_INT(E_INVAL, timer_register(on_slow, NULL, 0));
	CHECK_INT(0, timer_register(on_fast, (void *)(uintptr_t)7, 20));
	CHECK_INT(0, timer_register(on_slow, NULL, 50));
	t0 = get_ticks_ms();
	CHECK(t0 < 100);
	CHECK_INT(0, get_ticks());
	timer_stop = 0;
	CHECK_INT(0, timer_run(0, NULL));
	timer_stop = 0;
	t1 = get_ticks_ms();
	CHECK_INT(10, fast_calls);
	CHECK(slow_calls >= 3 && slow_calls <= 4);
	CHECK(t1 - t0 >= 200 && t1 - t0 < 600);
	CHECK(timer_last_run_ms() >= t0 + 180);
	timer_destroy();
	shm_destroy();
	return 0;
}

/* in shm: two watched locks */
static struct gen_lock *wlocks;

static int
run_die_locked(int rank, void *arg)
{
	(void)rank;
	(void)arg;
	__atomic_add_fetch(&seen->runs, 1, __ATOMIC_SEQ_CST);
	lock_get(&wlocks[1]);
	_exit(9);   /* dies inside the critical section */
}

/* A child that dies holding a watched lock is not restarted: the
 * supervisor shuts down (a restarted one would stall on the lock). */
static int
t_watched_lock(void)
{
	int saved = log_level;

	CHECK_INT(0, setup(3));
	CHECK((wlocks = shm_zalloc(2 * sizeof(*wlocks))) != NULL);
	lock_init(&wlocks[0]);
	lock_init(&wlocks[1]);
	CHECK_INT(E_INVAL, proc_watch_locks(NULL, 0, 1, "x"));
	CHECK_INT(E_INVAL, proc_watch_locks(wlocks, 0, 0, "x"));
	CHECK_INT(0, proc_watch_locks(wlocks, 0, 2, "test table"));
	CHECK_INT(0, proc_add_role("sleeper", 1, run_pause, NULL));
	CHECK_INT(1, proc_add_role("dier", 1, run_die_locked, NULL));
	proc_shutdown_hook = on_shutdown;
	proc_kill_grace_ms = 300;
	log_level = L_ALERT - 1;   /* the CRIT line is expected */
	CHECK_INT(0, proc_start_all());
	CHECK_INT(E_BUG, proc_supervise());
	log_level = saved;
	CHECK_INT(1, seen->runs);   /* not restarted */
	CHECK_INT(0, proc_get(2)->restarts);
	CHECK_INT(1, hook_calls);
	shm_free(wlocks);
	teardown();
	return 0;
}

static int
t_daemonize(void)
{
	char path[64], buf[32];
	pid_t pid, dpid = 0;
	FILE *f;
	int i, status;

	snprintf(path, sizeof(path), "/tmp/t_proc_d.%d.pid", (int)getpid());
	unlink(path);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		if (daemonize(path) != 0)
			_exit(1);
		daemonize_ready();
		_exit(0);
	}
	CHECK(pid > 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* the pid file is there when the starter exits */
	CHECK(access(path, R_OK) == 0);
	for (i = 0; i < 100 && dpid == 0; i++) {
		if ((f = fopen(path, "r")) != NULL) {
			if (fgets(buf, sizeof(buf), f) != NULL &&
			    strchr(buf, '\n') != NULL)
				dpid = atoi(buf);
			fclose(f);
		}
		if (dpid == 0)
			usleep(10000);
	}
	CHECK(dpid > 0 && dpid != pid);
	unlink(path);
	/* a daemon that ends before it is ready: the starter exits 1 */
	if ((pid = fork()) == 0) {
		if (daemonize(path) != 0)
			_exit(1);
		_exit(0);
	}
	CHECK(pid > 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	unlink(path);
	CHECK_INT(0, drop_privileges(NULL, NULL));
	log_level = L_ALERT - 1;
	CHECK_INT(E_INVAL, drop_privileges("no-such-user-xyz", NULL));
	CHECK_INT(E_INVAL, drop_privileges(NULL, "no-such-group-xyz"));
	log_level = L_WARN;
	return 0;
}

/* clang-format off */
static const struct unit_test tests[] = {
	{ "table",           t_table },
	{ "restart_limit",   t_restart_limit },
	{ "restart_and_term", t_restart_and_term },
	{ "single",          t_single },
	{ "watched_lock",    t_watched_lock },
	{ "timer",           t_timer },
	{ "daemonize",       t_daemonize },
	{ NULL, NULL },
};
/* clang-format on */

UNIT_MAIN(tests)
