/* proc.h: the process model.
 *
 * The main process (the "attendant", process_no 0) registers process roles
 * before fork, then proc_start_all() forks one process per role instance
 * and proc_supervise() waits: a child that dies is logged and restarted
 * (at most PROC_MAX_RESTARTS times in PROC_RESTART_WINDOW_MS per slot, else
 * everything is shut down); SIGTERM/SIGINT stop every child (SIGTERM, then
 * SIGKILL after proc_kill_grace_ms), run proc_shutdown_hook and remove the
 * pid file.  See doc/architecture.md, "Process model".
 *
 * The process table lives in shm so any process can list it (FIFO "ps");
 * only the main process writes it, except that a child stores its own pid
 * into its slot right after fork. */
#ifndef PROC_H
#define PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PROC_DESC_MAX 64
#define PROC_MAX_RESTARTS 5
#define PROC_RESTART_WINDOW_MS 10000

/* in shm; written by the main process (and a child's own pid) */
struct proc_info {
	pid_t pid;                 /* 0: not running */
	int rank;                  /* == slot == process_no of the process */
	int role;                  /* index in the roles table, -1: main */
	int role_rank;             /* 0 .. count-1 within the role */
	unsigned restarts;         /* times this slot was restarted */
	char desc[PROC_DESC_MAX];  /* "udp receiver 127.0.0.1:5060 child=1" */
};

typedef int (*proc_run_fn)(int rank, void *arg);

/* This process's slot: 0 in the main process, 1.. in children. */
extern int process_no;
/* Called in every child after fork, before its role runs, with the
 * child's process_no; non-zero makes the child exit with status 1.  Set
 * by the caller (module child_init) before proc_start_all(). */
extern int (*proc_child_init)(int rank);
/* Called in the main process by proc_supervise() after every child is
 * gone (module destroy, shm stats...).  May be NULL. */
extern void (*proc_shutdown_hook)(void);
/* How long children get after SIGTERM before SIGKILL (default 3000). */
extern int proc_kill_grace_ms;

/* Create the shm process table with room for max_procs processes, the
 * main one included (slot 0, "attendant").  Main process, after
 * shm_init(), before any proc_add_role().  Returns 0, E_INVAL (max < 1 or
 * already done) or E_NOMEM. */
int proc_table_init(int max_procs);
/* Free the table and the roles (main process, after proc_supervise(), or
 * tests).  Children must be gone. */
void proc_table_destroy(void);

/* Register `count` processes running run(role_rank, arg); desc names them
 * (truncated to PROC_DESC_MAX; " child=N" is appended when count > 1).
 * Main process, before proc_start_all().  Returns the role index (>= 0),
 * E_INVAL (count < 1, run NULL, no table) or E_TOOBIG (table full). */
int proc_add_role(const char *desc, int count, proc_run_fn run, void *arg);

/* Fork every registered process.  In each child: process_no is set,
 * PR_SET_PDEATHSIG(SIGTERM) armed, signals reset, proc_child_init(rank)
 * called, then run(); the child exits with 0 if run() returns 0, else 1.
 * In the main process it returns 0, or E_IO after killing the children
 * already started when a fork fails.  Blocks SIGCHLD/SIGTERM/SIGINT/SIGHUP
 * in the main process until proc_supervise() returns.  Main process. */
int proc_start_all(void);

/* Supervise the children until SIGTERM/SIGINT (returns 0) or until a slot
 * exceeds the restart limit, a restart fails or a child dies holding the
 * shm lock or a watched lock (returns E_BUG).  In every case every child has been reaped,
 * proc_shutdown_hook has run and the pid file is removed before it
 * returns; the caller then exits.  Main process. */
int proc_supervise(void);

struct gen_lock;

/* Watch n locks in shm, the first at first, the others every stride bytes
 * (0: an array of struct gen_lock): a child that dies holding one of them
 * makes proc_supervise() shut everything down (logging "died holding the
 * <what> lock") instead of restarting it into a proxy that would stall on
 * that lock.  what must outlive the supervisor.  Main process, before
 * proc_supervise().  0, E_INVAL or E_TOOBIG (more than 16 calls). */
/* The same for one lock whose guarded structure repair() can make
 * consistent again: a child that dies holding it is restarted after the
 * supervisor took the lock over, ran repair() (main process, lock held,
 * the other processes waiting on it), and released it.  0, E_INVAL or
 * E_TOOBIG. */
int proc_watch_lock_repairable(struct gen_lock *l, const char *what,
    void (*repair)(void));
int proc_watch_locks(const struct gen_lock *first, size_t stride, unsigned n,
    const char *what);

/* Number of slots in use (the main process included). */
int proc_count(void);
/* Slot i (0 <= i < proc_count()), NULL otherwise.  Any process. */
const struct proc_info *proc_get(int i);

/* Write getpid() to path and remember it for removal at shutdown.
 * Returns 0 or E_IO. */
int pid_file_write(const char *path);

/* Detach: fork twice, setsid, chdir /, stdio to /dev/null unless
 * log_stderr, then write pid_file (if not NULL) with the final pid.  The
 * caller's process waits until the daemon calls daemonize_ready() and
 * exits 0, or exits 1 when the daemon ends first (a failed start), so a
 * starter such as systemd's Type=forking sees the outcome; the pid file
 * exists by then.  Main process, before shm users fork (any time before
 * proc_start_all()).  Returns 0 in the daemon, E_IO if a step fails. */
int daemonize(const char *pid_file);

/* The daemon is up (every process started): let daemonize()'s waiting
 * process exit 0.  Does nothing without daemonize() or the second time.
 * Processes forked by proc_start_all() do not hold the pipe. */
void daemonize_ready(void);

/* Switch to group (name or number; default: user's primary group) and
 * user (name or number).  Either may be NULL.  Main process, after
 * binding privileged ports, before proc_start_all().  Returns 0, E_INVAL
 * (unknown user/group) or E_IO (set*id failed; logged). */
int drop_privileges(const char *user, const char *group);

#endif
