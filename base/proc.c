/* proc.c: forking, supervising and restarting the process roles. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LOG_MODULE "proc"
#include "err.h"
#include "log.h"
#include "../mem/lock.h"
#include "../mem/pkg.h"
#include "../mem/shm.h"
#include "proc.h"
#include "timer.h"

#define MAX_ROLES 32

/* in shm; written by the main process only (see proc.h) */
struct proc_table {
	int count, max;
	struct proc_info procs[];
};

/* per process (pkg), set up before fork and read-only in children */
struct proc_role {
	char desc[PROC_DESC_MAX];
	int count;
	proc_run_fn run;
	void *arg;
};

/* main process only: when each slot was last restarted */
struct restart_hist {
	int64_t at[PROC_MAX_RESTARTS];
	unsigned next;
};

int process_no;
int (*proc_child_init)(int rank);
void (*proc_shutdown_hook)(void);
int proc_kill_grace_ms = 3000;

static struct proc_table *table;
static struct proc_role roles[MAX_ROLES];
static int nroles;
static struct restart_hist *hist;
static pid_t main_pid;
static sigset_t sup_set, saved_mask;
static char *pid_file;
/* daemonize(): the write end of the pipe the original process waits on
 * until daemonize_ready() (or -1) */
static int ready_fd = -1;

/* Locks in shm whose holder must not die (proc_watch_locks); main
 * process's pkg, read only by the main process. */
#define MAX_WATCHED 16

struct watched {
	const char *base;
	size_t stride;
	unsigned n;
	const char *what;
	void (*repair)(void);    /* NULL: a death inside it is fatal */
};

static struct watched watched[MAX_WATCHED];
static int nwatched;

int
proc_table_init(int max_procs)
{
	if (max_procs < 1 || table != NULL)
		return E_INVAL;
	table = shm_zalloc(sizeof(*table) +
	    (size_t)max_procs * sizeof(table->procs[0]));
	hist = pkg_zalloc((size_t)max_procs * sizeof(*hist));
	if (table == NULL || hist == NULL) {
		shm_free(table);
		pkg_free(hist);
		table = NULL;
		hist = NULL;
		return E_NOMEM;
	}
	table->max = max_procs;
	table->count = 1;
	table->procs[0].pid = getpid();
	table->procs[0].role = -1;
	snprintf(table->procs[0].desc, PROC_DESC_MAX, "attendant");
	process_no = 0;
	nroles = 0;
	return 0;
}

int
proc_watch_locks(const struct gen_lock *first, size_t stride, unsigned n,
    const char *what)
{
	if (first == NULL || n == 0 || what == NULL)
		return E_INVAL;
	if (nwatched >= MAX_WATCHED)
		return E_TOOBIG;
	watched[nwatched++] = (struct watched){ (const char *)first,
		stride != 0 ? stride : sizeof(*first), n, what, NULL };
	return 0;
}

int
proc_watch_lock_repairable(struct gen_lock *l, const char *what,
    void (*repair)(void))
{
	int rc;

	if (repair == NULL)
		return E_INVAL;
	if ((rc = proc_watch_locks(l, 0, 1, what)) == 0)
		watched[nwatched - 1].repair = repair;
	return rc;
}

/* pid died: repair and release what it held that can be repaired.
 * Returns the name of a held lock that cannot be, or NULL. */
static const char *
watched_recover(pid_t pid, const char *desc)
{
	struct gen_lock *l;
	unsigned i;
	int w;

	for (w = 0; w < nwatched; w++)
		for (i = 0; i < watched[w].n; i++) {
			l = (struct gen_lock *)(uintptr_t)(watched[w].base +
			    (size_t)i * watched[w].stride);
			if (lock_owner(l) != pid)
				continue;
			if (watched[w].repair == NULL ||
			    !lock_take_over(l, pid))
				return watched[w].what;
			LM_ERR("process %d (%s) died holding the %s lock: "
			    "repairing it", (int)pid, desc, watched[w].what);
			watched[w].repair();
			lock_release(l);
		}
	return NULL;
}

void
proc_table_destroy(void)
{
	nwatched = 0;
	shm_free(table);
	pkg_free(hist);
	table = NULL;
	hist = NULL;
	nroles = 0;
	pkg_free(pid_file);
	pid_file = NULL;
}

int
proc_add_role(const char *desc, int count, proc_run_fn run, void *arg)
{
	struct proc_role *r;
	struct proc_info *p;
	int i;

	if (table == NULL || count < 1 || run == NULL || desc == NULL)
		return E_INVAL;
	if (nroles == MAX_ROLES || count > table->max - table->count)
		return E_TOOBIG;
	r = &roles[nroles];
	snprintf(r->desc, sizeof(r->desc), "%s", desc);
	r->count = count;
	r->run = run;
	r->arg = arg;
	for (i = 0; i < count; i++) {
		p = &table->procs[table->count];
		memset(p, 0, sizeof(*p));
		p->rank = table->count;
		p->role = nroles;
		p->role_rank = i;
		if (count > 1)
			snprintf(p->desc, PROC_DESC_MAX, "%.45s child=%d", desc,
			    i);
		else
			snprintf(p->desc, PROC_DESC_MAX, "%s", desc);
		table->count++;
	}
	return nroles++;
}

int
proc_count(void)
{
	return table != NULL ? table->count : 0;
}

const struct proc_info *
proc_get(int i)
{
	if (table == NULL || i < 0 || i >= table->count)
		return NULL;
	return &table->procs[i];
}

/* In the child: never returns. */
static void __attribute__((noreturn))
child_main(int slot)
{
	struct proc_info *p = &table->procs[slot];
	struct proc_role *r = &roles[p->role];
	int rc;

	lock_proc_init();
	/* only the main process tells the waiting starter it is ready */
	if (ready_fd != -1) {
		close(ready_fd);
		ready_fd = -1;
	}
	/* die with the attendant; the check closes the race with its exit
	 * between fork() and prctl() */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != main_pid)
		_exit(0);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	process_no = slot;
	p->pid = getpid();
	if (proc_child_init != NULL && (rc = proc_child_init(slot)) != 0) {
		LM_ERR("child init failed for process %d (%s): %d", slot,
		    p->desc, rc);
		_exit(1);
	}
	rc = r->run(p->role_rank, r->arg);
	fflush(NULL);
	_exit(rc == 0 ? 0 : 1);
}

static int
fork_slot(int slot)
{
	pid_t pid;

	fflush(NULL); /* or buffered output would be written twice */
	if ((pid = fork()) == -1) {
		LM_ERRNO(L_CRIT, errno, "cannot fork process %d (%s)", slot,
		    table->procs[slot].desc);
		return E_IO;
	}
	if (pid == 0)
		child_main(slot);
	table->procs[slot].pid = pid;
	return 0;
}

static void signal_all(int sig);
static void reap_all_blocking(void);

int
proc_start_all(void)
{
	int i;

	if (table == NULL)
		return E_INVAL;
	main_pid = getpid();
	table->procs[0].pid = main_pid;
	sigemptyset(&sup_set);
	sigaddset(&sup_set, SIGCHLD);
	sigaddset(&sup_set, SIGTERM);
	sigaddset(&sup_set, SIGINT);
	sigaddset(&sup_set, SIGHUP);
	sigprocmask(SIG_BLOCK, &sup_set, &saved_mask);
	shm_sanitizer_multiproc();
	for (i = 1; i < table->count; i++) {
		if (fork_slot(i) != 0) {
			signal_all(SIGKILL);
			reap_all_blocking();
			sigprocmask(SIG_SETMASK, &saved_mask, NULL);
			return E_IO;
		}
	}
	return 0;
}

static int
slot_of(pid_t pid)
{
	int i;

	for (i = 1; i < table->count; i++)
		if (table->procs[i].pid == pid)
			return i;
	return -1;
}

static void
log_exit(int slot, pid_t pid, int status)
{
	const char *desc = slot >= 0 ? table->procs[slot].desc : "unknown";

	if (WIFSIGNALED(status))
		LM_ERR("process %d (%s) killed by signal %d%s", (int)pid, desc,
		    WTERMSIG(status), WCOREDUMP(status) ? " (core dumped)" : "");
	else if (WEXITSTATUS(status) != 0)
		LM_ERR("process %d (%s) exited with status %d", (int)pid, desc,
		    WEXITSTATUS(status));
	else
		LM_WARN("process %d (%s) exited with status 0", (int)pid, desc);
}

/* A child died outside shutdown: restart its slot.  Returns 0 or E_BUG
 * when the proxy must stop. */
static int
restart_slot(int slot, pid_t dead)
{
	struct restart_hist *h = &hist[slot];
	int64_t now = (int64_t)timer_now_ms(), oldest;
	const char *what;

	if (shm_lock_owner() == dead) {
		LM_CRIT("process %d (%s) died holding the shm lock; shutting "
		    "down", (int)dead, table->procs[slot].desc);
		return E_BUG;
	}
	/* what it guarded may be half-changed and nobody can take the lock
	 * again: a restart would only stall the others */
	if ((what = watched_recover(dead, table->procs[slot].desc)) != NULL) {
		LM_CRIT("process %d (%s) died holding the %s lock; shutting "
		    "down", (int)dead, table->procs[slot].desc, what);
		return E_BUG;
	}
	/* the oldest of the last PROC_MAX_RESTARTS restarts */
	oldest = h->at[h->next];
	if (table->procs[slot].restarts >= PROC_MAX_RESTARTS &&
	    now - oldest < PROC_RESTART_WINDOW_MS) {
		LM_CRIT("process %d (%s) restarted %d times within %d s; "
		    "giving up and shutting down", slot,
		    table->procs[slot].desc, PROC_MAX_RESTARTS,
		    PROC_RESTART_WINDOW_MS / 1000);
		return E_BUG;
	}
	h->at[h->next] = now;
	h->next = (h->next + 1) % PROC_MAX_RESTARTS;
	table->procs[slot].restarts++;
	if (fork_slot(slot) != 0)
		return E_BUG;
	LM_NOTICE("restarted process %d (%s) as pid %d", slot,
	    table->procs[slot].desc, (int)table->procs[slot].pid);
	return 0;
}

/* Reap every dead child; restart them unless stopping.  Returns the number
 * of children reaped, or E_BUG when the proxy must stop. */
static int
reap(bool restart)
{
	pid_t pid;
	int status, slot, n = 0;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		n++;
		slot = slot_of(pid);
		if (slot >= 0)
			table->procs[slot].pid = 0;
		if (restart || (WIFSIGNALED(status) &&
		    WTERMSIG(status) != SIGTERM && WTERMSIG(status) != SIGKILL))
			log_exit(slot, pid, status);
		if (restart && slot >= 0 && restart_slot(slot, pid) != 0)
			return E_BUG;
	}
	return n;
}

static void
signal_all(int sig)
{
	int i;

	for (i = 1; i < table->count; i++)
		if (table->procs[i].pid > 0)
			kill(table->procs[i].pid, sig);
}

static int
alive_count(void)
{
	int i, n = 0;

	for (i = 1; i < table->count; i++)
		if (table->procs[i].pid > 0)
			n++;
	return n;
}

static void
reap_all_blocking(void)
{
	int i;

	for (i = 1; i < table->count; i++)
		if (table->procs[i].pid > 0) {
			waitpid(table->procs[i].pid, NULL, 0);
			table->procs[i].pid = 0;
		}
}

/* SIGTERM everyone, wait up to the grace period, SIGKILL the rest. */
static void
stop_children(void)
{
	int64_t deadline = (int64_t)timer_now_ms() + proc_kill_grace_ms, left;
	struct timespec ts;
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	signal_all(SIGTERM);
	reap(false);
	while (alive_count() > 0 &&
	    (left = deadline - (int64_t)timer_now_ms()) > 0) {
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000;
		sigtimedwait(&chld, NULL, &ts);
		reap(false);
	}
	if (alive_count() > 0) {
		LM_WARN("%d processes still alive after %d ms; killing them",
		    alive_count(), proc_kill_grace_ms);
		signal_all(SIGKILL);
		reap_all_blocking();
	}
}

/* Drop signals that arrived during shutdown so that unblocking them does
 * not kill the caller. */
static void
drain_signals(void)
{
	struct timespec zero = { 0, 0 };

	while (sigtimedwait(&sup_set, NULL, &zero) > 0)
		;
}

int
proc_supervise(void)
{
	siginfo_t info;
	int sig, rc = 0;

	if (table == NULL)
		return E_INVAL;
	for (;;) {
		if ((sig = sigwaitinfo(&sup_set, &info)) == -1)
			continue;
		if (sig == SIGCHLD) {
			if (reap(true) < 0) {
				rc = E_BUG;
				break;
			}
		} else if (sig == SIGTERM || sig == SIGINT) {
			LM_NOTICE("signal %d received, shutting down", sig);
			break;
		} else {
			LM_INFO("signal %d ignored", sig);
		}
	}
	stop_children();
	if (proc_shutdown_hook != NULL)
		proc_shutdown_hook();
	if (pid_file != NULL && unlink(pid_file) == -1 && errno != ENOENT)
		LM_ERRNO(L_WARN, errno, "cannot remove pid file %s", pid_file);
	drain_signals();
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	return rc;
}

int
pid_file_write(const char *path)
{
	char buf[32];
	int fd, n;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1) {
		LM_ERRNO(L_ERR, errno, "cannot create pid file %s", path);
		return E_IO;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		LM_ERRNO(L_ERR, errno, "cannot write pid file %s", path);
		close(fd);
		return E_IO;
	}
	close(fd);
	pkg_free(pid_file);
	pid_file = pkg_strndup(path, strlen(path));
	return 0;
}

int
daemonize(const char *pid_path)
{
	pid_t pid;
	int fd, fds[2];
	char c;
	ssize_t n;

	fflush(NULL);
	if (pipe2(fds, O_CLOEXEC) == -1)
		goto fail;
	if ((pid = fork()) == -1)
		goto fail;
	if (pid != 0) {
		/* the starter (a shell, systemd's Type=forking): exit 0 once
		 * the daemon is ready, 1 if it died first */
		close(fds[1]);
		do
			n = read(fds[0], &c, 1);
		while (n == -1 && errno == EINTR);
		_exit(n == 1 && c == 0 ? 0 : 1);
	}
	close(fds[0]);
	if (setsid() == -1)
		goto fail;
	/* a second fork: the session leader exits, so the daemon can never
	 * reacquire a controlling terminal */
	if ((pid = fork()) == -1)
		goto fail;
	if (pid != 0)
		_exit(0);
	ready_fd = fds[1];
	lock_proc_init();
	if (chdir("/") == -1)
		goto fail;
	if (pid_path != NULL && pid_file_write(pid_path) != 0)
		return E_IO;
	if (!log_stderr) {
		if ((fd = open("/dev/null", O_RDWR)) == -1)
			goto fail;
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	return 0;
fail:
	LM_ERRNO(L_CRIT, errno, "cannot daemonize");
	return E_IO;
}

void
daemonize_ready(void)
{
	char c = 0;

	if (ready_fd == -1)
		return;
	if (write(ready_fd, &c, 1) != 1)
		LM_ERRNO(L_WARN, errno, "cannot tell the starter we are ready");
	close(ready_fd);
	ready_fd = -1;
}

/* A name or a number. */
static bool
parse_id(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return *s != '\0' && *end == '\0' && errno == 0;
}

int
drop_privileges(const char *user, const char *group)
{
	struct passwd *pw = NULL;
	struct group *gr;
	unsigned long id;
	uid_t uid = 0;
	gid_t gid = 0;
	bool set_uid = false, set_gid = false;

	if (user != NULL) {
		if ((pw = getpwnam(user)) != NULL) {
			uid = pw->pw_uid;
			gid = pw->pw_gid;
			set_gid = true;
		} else if (parse_id(user, &id)) {
			uid = (uid_t)id;
		} else {
			LM_ERR("unknown user \"%s\"", user);
			return E_INVAL;
		}
		set_uid = true;
	}
	if (group != NULL) {
		if ((gr = getgrnam(group)) != NULL) {
			gid = gr->gr_gid;
		} else if (parse_id(group, &id)) {
			gid = (gid_t)id;
		} else {
			LM_ERR("unknown group \"%s\"", group);
			return E_INVAL;
		}
		set_gid = true;
	}
	if (set_gid) {
		if ((pw != NULL ? initgroups(pw->pw_name, gid)
				: setgroups(1, &gid)) == -1)
			LM_ERRNO(L_WARN, errno, "cannot set supplementary "
			    "groups");
		if (setgid(gid) == -1) {
			LM_ERRNO(L_ERR, errno, "setgid(%u)", (unsigned)gid);
			return E_IO;
		}
	}
	if (set_uid && setuid(uid) == -1) {
		LM_ERRNO(L_ERR, errno, "setuid(%u)", (unsigned)uid);
		return E_IO;
	}
	return 0;
}
