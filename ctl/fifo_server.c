/* fifo_server.c: the FIFO control process: request framing, reply FIFOs,
 * the command registry.  The commands themselves are in fifo_cmds.c. */
#define LOG_MODULE "fifo"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../cfg/cfg.h"
#include "../base/err.h"
#include "fifo_cmds.h"
#include "fifo_server.h"
#include "../base/log.h"
#include "../base/timer.h"
#include "../mem/pkg.h"
#include "../tls/tls.h"

#define FIFO_LINE_MAX 4096        /* longest request line, \n excluded */
#define FIFO_ARGS_MAX 32
#define FIFO_REPLY_NAME_MAX 128
#define FIFO_REQ_TIMEOUT_MS 3000  /* a request must be complete by then */
#define FIFO_OPEN_REPLY_MS 1000   /* wait for the client to open its end */
#define FIFO_WRITE_REPLY_MS 2000  /* and to read the reply */
#define FIFO_BODY_MAX (1024 * 1024)
#define FIFO_MAX_CMDS 64
#define FIFO_REPLY_DIR "/tmp/"

struct fifo_reply {
	int code;                 /* 0: not set yet */
	char text[128];
	char *body;               /* pkg */
	size_t len, cap;
	bool json;
	bool too_big;
};

enum fifo_state {
	FIFO_IDLE,                /* between requests */
	FIFO_ARGS,                /* header seen, reading argument lines */
};

/* The request being read (FIFO process, pkg). */
struct fifo_req {
	enum fifo_state state;
	char cmd[FIFO_CMD_NAME_MAX + 1];
	char reply[FIFO_REPLY_NAME_MAX + 1]; /* "": no way to answer */
	int argc;
	char *argv[FIFO_ARGS_MAX];
	int err_code;             /* != 0: answer this instead of running */
	char err_text[96];
	uint64_t started_ms;      /* first byte of the request */
	bool junk_logged;         /* one warning per run of junk */
};

static struct fifo_cmd cmds[FIFO_MAX_CMDS];
static int ncmds = -1;            /* -1: not yet copied from the core table */
static int nmod;                  /* module commands (ctl_cmd.h) copied */
static char *fifo_path;           /* main process: the FIFO it made (pkg) */

/* ------------------------------------------------------------ registry */

static const struct fifo_cmd *fifo_cmd_find_in(const char *name);

static void
cmds_load(void)
{
	int i;

	if (ncmds >= 0 && nmod == ctl_cmd_count())
		return;
	if (ncmds < 0) {
		for (i = 0; fifo_core_cmds[i].name != NULL &&
		    i < FIFO_MAX_CMDS; i++)
			cmds[i] = fifo_core_cmds[i];
		ncmds = i;
	}
	/* the modules' commands, registered in their init: copied when
	 * first looked at (before fork, or in the FIFO process) */
	for (; nmod < ctl_cmd_count() && ncmds < FIFO_MAX_CMDS; nmod++) {
		const struct ctl_cmd *m = ctl_cmd_get(nmod);

		if (fifo_cmd_find_in(m->name) != NULL) {
			LM_ERR("FIFO command %s exists: a module's is not added",
			    m->name);
			continue;
		}
		cmds[ncmds++] = (struct fifo_cmd){ .name = m->name,
			.mod_fn = m->fn, .doc = m->doc };
	}
}

static bool
name_ok(const char *s, size_t max)
{
	size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			     "0123456789._-");

	return n > 0 && n <= max && s[n] == '\0';
}

int
fifo_cmd_count(void)
{
	cmds_load();
	return ncmds;
}

const struct fifo_cmd *
fifo_cmd_get(int i)
{
	cmds_load();
	return i >= 0 && i < ncmds ? &cmds[i] : NULL;
}

/* Command names compare with '.' and '_' as the same character: the
 * issue's "tls.list" and kamctl's "tls_list" are one command (and so are
 * "get.statistics" and "get_statistics"). */
static bool
name_eq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (*a != *b && !((*a == '.' || *a == '_') &&
		    (*b == '.' || *b == '_')))
			return false;
	return *a == *b;
}

static const struct fifo_cmd *
fifo_cmd_find_in(const char *name)
{
	int i;

	for (i = 0; i < ncmds; i++)
		if (name_eq(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

const struct fifo_cmd *
fifo_cmd_find(const char *name)
{
	int i;

	cmds_load();
	for (i = 0; i < ncmds; i++)
		if (name_eq(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

int
fifo_register(const char *name, fifo_cmd_fn fn, const char *doc)
{
	struct fifo_cmd *c;

	if (name == NULL || fn == NULL || !name_ok(name, FIFO_CMD_NAME_MAX))
		return E_INVAL;
	if ((c = (struct fifo_cmd *)fifo_cmd_find(name)) != NULL) {
		if (c->fn != NULL || c->mod_fn != NULL)
			return E_INVAL;
		c->fn = fn;
		if (doc != NULL)
			c->doc = doc;
		return 0;
	}
	if (ncmds == FIFO_MAX_CMDS)
		return E_TOOBIG;
	cmds[ncmds++] = (struct fifo_cmd){ .name = name, .fn = fn,
		.doc = doc ? doc : "" };
	return 0;
}

/* ------------------------------------------------------------ replies */

void
fifo_reply_status(struct fifo_reply *r, int code, const char *fmt, ...)
{
	va_list ap;
	char *nl;

	r->code = code;
	va_start(ap, fmt);
	vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
	/* the status is one line */
	if ((nl = strpbrk(r->text, "\r\n")) != NULL)
		*nl = '\0';
}

static bool
reply_grow(struct fifo_reply *r, size_t need)
{
	size_t cap;
	char *p;

	if (r->too_big)
		return false;
	if (r->len + need + 1 <= r->cap)
		return true;
	if (r->len + need + 1 > FIFO_BODY_MAX) {
		r->too_big = true;
		return false;
	}
	cap = r->cap ? r->cap : 1024;
	while (cap < r->len + need + 1)
		cap *= 2;
	if ((p = pkg_realloc(r->body, cap)) == NULL) {
		r->too_big = true;
		return false;
	}
	r->body = p;
	r->cap = cap;
	return true;
}

void
fifo_reply_printf(struct fifo_reply *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0 || !reply_grow(r, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(r->body + r->len, r->cap - r->len, fmt, ap);
	va_end(ap);
	r->len += (size_t)n;
}

void
fifo_reply_json_str(struct fifo_reply *r, const char *s)
{
	const unsigned char *p;

	fifo_reply_printf(r, "\"");
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fifo_reply_printf(r, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fifo_reply_printf(r, "\\u%04x", *p);
		else
			fifo_reply_printf(r, "%c", *p);
	}
	fifo_reply_printf(r, "\"");
}

bool
fifo_reply_json(const struct fifo_reply *r)
{
	return r->json;
}

/* Open /tmp/name for writing without blocking.  kamctl opens its end
 * right after sending the request, so ENXIO (no reader yet) is retried
 * for a moment; after that the client is taken to be gone.  Only a FIFO
 * is written to: never follow a link, never write a regular file. */
static int
reply_open(const char *name)
{
	char path[sizeof(FIFO_REPLY_DIR) + FIFO_REPLY_NAME_MAX];
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 10 * 1000000 };
	struct stat st;
	int fd, waited;

	snprintf(path, sizeof(path), FIFO_REPLY_DIR "%s", name);
	for (waited = 0;; waited += 10) {
		fd = open(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
		if (fd != -1 || errno != ENXIO || waited >= FIFO_OPEN_REPLY_MS)
			break;
		nanosleep(&ts, NULL);
	}
	if (fd == -1) {
		LM_ERRNO(L_INFO, errno, "reply fifo %s: reply dropped", path);
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISFIFO(st.st_mode)) {
		LM_WARN("%s is not a FIFO: reply dropped", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* Write all of buf, waiting (bounded by deadline) while the pipe is full. */
static int
write_all(int fd, const char *buf, size_t len, uint64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	ssize_t n;
	uint64_t now;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno != EAGAIN)
			return E_IO;
		if ((now = timer_now_ms()) >= deadline)
			return E_TIMEOUT;
		poll(&pfd, 1, (int)(deadline - now));
	}
	return 0;
}

static void
reply_send(const char *name, struct fifo_reply *r)
{
	char status[160];
	uint64_t deadline;
	int fd, n, rc;

	if (r->too_big) {
		fifo_reply_status(r, 500, "reply too large");
		r->len = 0;
	}
	if (r->len > 0 && r->body[r->len - 1] != '\n')
		fifo_reply_printf(r, "\n");
	if ((fd = reply_open(name)) == -1)
		return;
	n = snprintf(status, sizeof(status), "%d %s\n", r->code, r->text);
	deadline = timer_now_ms() + FIFO_WRITE_REPLY_MS;
	rc = write_all(fd, status, (size_t)n, deadline);
	if (rc == 0 && r->len > 0)
		rc = write_all(fd, r->body, r->len, deadline);
	if (rc != 0)
		LM_WARN("reply to /tmp/%s cut short: %s", name, err_str(rc));
	close(fd);
}

/* Answer a request that cannot run (bad command name, bad line...). */
static void
reply_error(const char *name, int code, const char *text)
{
	struct fifo_reply r = { .code = 0 };

	if (name[0] == '\0')
		return;
	fifo_reply_status(&r, code, "%s", text);
	reply_send(name, &r);
	pkg_free(r.body);
}

/* ------------------------------------------------------------ requests */

static void
req_reset(struct fifo_req *q)
{
	int i;

	for (i = 0; i < q->argc; i++)
		pkg_free(q->argv[i]);
	q->argc = 0;
	q->state = FIFO_IDLE;
	q->cmd[0] = q->reply[0] = '\0';
	q->err_code = 0;
	q->started_ms = 0;
}

static void
req_fail(struct fifo_req *q, int code, const char *text)
{
	if (q->err_code != 0)
		return;   /* the first problem is the one reported */
	q->err_code = code;
	snprintf(q->err_text, sizeof(q->err_text), "%s", text);
}

/* A module's command writes a struct ctl_out; its status and body
 * become the reply. */
static void
run_module_cmd(const struct fifo_cmd *c, struct fifo_reply *r, int argc,
    char **argv)
{
	struct ctl_out o = { .json = r->json };
	int rc = c->mod_fn(&o, argc, argv);

	if (o.too_big)
		fifo_reply_status(r, 500, "reply too large");
	else if (o.code != 0)
		fifo_reply_status(r, o.code, "%s", o.reason);
	else if (rc != 0)
		fifo_reply_status(r, 500, "%s", err_str(rc));
	else
		fifo_reply_status(r, 200, "OK");
	if (o.len > 0 && !o.too_big)
		fifo_reply_printf(r, "%.*s", (int)o.len, o.body);
	ctl_out_free(&o);
}

static void
req_run(struct fifo_req *q)
{
	const struct fifo_cmd *c;
	struct fifo_reply r = { .code = 0 };
	char **argv = q->argv;
	int argc = q->argc, rc;

	if (argc > 0 && strcmp(argv[0], "json") == 0) {
		r.json = true;
		argv++;
		argc--;
	}
	if ((c = fifo_cmd_find(q->cmd)) == NULL) {
		fifo_reply_status(&r, 500, "unknown command %s", q->cmd);
	} else if (c->mod_fn != NULL) {
		LM_DBG("running %s (%d args)", q->cmd, argc);
		run_module_cmd(c, &r, argc, argv);
	} else if (c->fn == NULL) {
		fifo_reply_status(&r, 500, "%s", tls_compiled()
		    ? "command not available" : "TLS is not part of this build");
	} else {
		LM_DBG("running %s (%d args)", q->cmd, argc);
		rc = c->fn(&r, argc, argv);
		if (r.code == 0 && rc == 0)
			fifo_reply_status(&r, 200, "OK");
		else if (r.code == 0)
			fifo_reply_status(&r, 500, "%s", err_str(rc));
	}
	reply_send(q->reply, &r);
	pkg_free(r.body);
}

/* ":CMD:NAME" with a valid CMD and a valid reply name. */
static bool
is_header(const char *line)
{
	char cmd[FIFO_CMD_NAME_MAX + 1];
	const char *colon;
	size_t n;

	if (line[0] != ':' || (colon = strchr(line + 1, ':')) == NULL)
		return false;
	n = (size_t)(colon - line - 1);
	if (n == 0 || n > FIFO_CMD_NAME_MAX)
		return false;
	memcpy(cmd, line + 1, n);
	cmd[n] = '\0';
	return name_ok(cmd, FIFO_CMD_NAME_MAX) &&
	    name_ok(colon + 1, FIFO_REPLY_NAME_MAX) &&
	    strstr(colon + 1, "..") == NULL;
}

static void
junk(struct fifo_req *q, const char *what)
{
	if (!q->junk_logged)
		LM_WARN("skipping %s (a request starts with \":CMD:REPLY_FIFO\"); "
			"further junk is skipped silently", what);
	q->junk_logged = true;
}

/* The first line of a request. */
static void
line_header(struct fifo_req *q, const char *line)
{
	const char *colon;
	size_t n;

	if (line[0] != ':') {
		junk(q, "a line that is not a request");
		return;
	}
	q->state = FIFO_ARGS;
	colon = strchr(line + 1, ':');
	if (colon == NULL || colon[1] == '\0') {
		LM_WARN("request without a reply FIFO name: ignored");
		req_fail(q, 400, "missing reply FIFO name");
		return;
	}
	if (!name_ok(colon + 1, FIFO_REPLY_NAME_MAX) ||
	    strstr(colon + 1, "..") != NULL) {
		LM_WARN("request with a bad reply FIFO name (want a basename in "
			"/tmp, [A-Za-z0-9._-], no \"..\"): ignored");
		req_fail(q, 400, "bad reply FIFO name");
		return;
	}
	snprintf(q->reply, sizeof(q->reply), "%s", colon + 1);
	n = (size_t)(colon - line - 1);
	if (n == 0 || n > FIFO_CMD_NAME_MAX) {
		req_fail(q, 400, "bad command name");
		return;
	}
	memcpy(q->cmd, line + 1, n);
	q->cmd[n] = '\0';
	if (!name_ok(q->cmd, FIFO_CMD_NAME_MAX))
		req_fail(q, 400, "bad command name");
	q->junk_logged = false;
}

/* One complete line (without its \n; may contain NULs, then it is junk). */
static void
line_feed(struct fifo_req *q, const char *line, size_t len, bool too_long)
{
	bool has_nul = memchr(line, '\0', len) != NULL;

	if (q->state == FIFO_IDLE) {
		if (too_long || has_nul)
			junk(q, too_long ? "an over-long line" : "binary data");
		else if (len > 0)
			line_header(q, line);
		return;
	}
	/* FIFO_ARGS */
	if (len == 0 && !too_long) {
		if (q->err_code != 0)
			reply_error(q->reply, q->err_code, q->err_text);
		else
			req_run(q);
		req_reset(q);
		return;
	}
	if (!too_long && !has_nul && is_header(line)) {
		/* a client died half-way and the next one's request follows:
		 * answer the broken request, then start the new one */
		reply_error(q->reply, 400, "incomplete request");
		req_reset(q);
		line_header(q, line);
		return;
	}
	if (too_long)
		req_fail(q, 400, "line too long");
	else if (has_nul)
		req_fail(q, 400, "binary data in the request");
	else if (q->argc == FIFO_ARGS_MAX)
		req_fail(q, 400, "too many arguments");
	else if (q->err_code == 0 &&
	    (q->argv[q->argc] = pkg_strndup(line, len)) != NULL)
		q->argc++;
	else
		req_fail(q, 500, "out of memory");
}

/* Input buffer: complete lines are cut off the front as they arrive. */
struct fifo_in {
	char buf[FIFO_LINE_MAX + 1 + 4096];
	size_t len;
	bool discarding;          /* dropping the rest of an over-long line */
};

static void
in_process(struct fifo_req *q, struct fifo_in *in)
{
	char *nl;
	size_t used;

	for (;;) {
		nl = memchr(in->buf, '\n', in->len);
		if (nl == NULL) {
			if (in->discarding)
				in->len = 0;
			if (in->len <= FIFO_LINE_MAX)
				return;
			/* over-long: report once, then drop to the newline */
			if (!in->discarding)
				line_feed(q, in->buf, 0, true);
			in->discarding = true;
			in->len = 0;
			return;
		}
		*nl = '\0';
		used = (size_t)(nl - in->buf) + 1;
		if (in->discarding)
			in->discarding = false;
		else if (used - 1 > FIFO_LINE_MAX)
			line_feed(q, in->buf, 0, true);
		else
			line_feed(q, in->buf, used - 1, false);
		memmove(in->buf, in->buf + used, in->len - used);
		in->len -= used;
	}
}

/* A request (or a partial line) older than FIFO_REQ_TIMEOUT_MS is given
 * up: its client is gone, and waiting longer would glue the next
 * client's request onto it. */
static void
in_expire(struct fifo_req *q, struct fifo_in *in, uint64_t now)
{
	bool pending = q->state != FIFO_IDLE || in->len > 0 || in->discarding;

	if (!pending) {
		q->started_ms = 0;
		return;
	}
	if (q->started_ms == 0) {
		q->started_ms = now;
		return;
	}
	if (now - q->started_ms < FIFO_REQ_TIMEOUT_MS)
		return;
	LM_WARN("request %s%s not complete after %d ms: dropped",
	    q->cmd[0] ? ":" : "(unparsed)", q->cmd, FIFO_REQ_TIMEOUT_MS);
	if (q->state == FIFO_ARGS)
		reply_error(q->reply, 400, "incomplete request (timeout)");
	req_reset(q);
	in->len = 0;
	in->discarding = false;
}

/* Open the FIFO for reading, plus a writer of our own so that the reader
 * never sees end of file when the last client closes (which would make
 * poll() report POLLHUP forever). */
static int
fifo_open(const char *path, int *rfd, int *wfd)
{
	struct stat st;

	*rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (*rfd == -1) {
		LM_ERRNO(L_ERR, errno, "cannot open FIFO %s", path);
		return E_IO;
	}
	if (fstat(*rfd, &st) == -1 || !S_ISFIFO(st.st_mode)) {
		LM_ERR("%s is not a FIFO", path);
		close(*rfd);
		return E_IO;
	}
	*wfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (*wfd == -1) {
		LM_ERRNO(L_ERR, errno, "cannot open FIFO %s for writing", path);
		close(*rfd);
		return E_IO;
	}
	return 0;
}

int
fifo_server_run(int rank, void *arg)
{
	static struct fifo_in in;
	static struct fifo_req q;
	struct pollfd pfd;
	const char *path = arg;
	int rfd, wfd;
	ssize_t n;

	(void)rank;
	if (fifo_open(path, &rfd, &wfd) != 0)
		return E_IO;
	LM_INFO("serving control requests on FIFO %s", path);
	pfd = (struct pollfd){ .fd = rfd, .events = POLLIN };
	for (;;) {
		/* wake up now and then to expire half-sent requests */
		if (poll(&pfd, 1, 500) == -1 && errno != EINTR) {
			LM_ERRNO(L_ERR, errno, "poll on FIFO %s", path);
			return E_IO;
		}
		in_expire(&q, &in, timer_now_ms());
		if (!(pfd.revents & POLLIN))
			continue;
		n = read(rfd, in.buf + in.len, sizeof(in.buf) - in.len);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			LM_ERRNO(L_ERR, n == 0 ? 0 : errno, "read FIFO %s", path);
			return E_IO;
		}
		in.len += (size_t)n;
		if (q.started_ms == 0)
			q.started_ms = timer_now_ms();
		in_process(&q, &in);
	}
}

/* ------------------------------------------------------------ set-up */

/* The FIFO does not exist yet: its directory must, and must be a
 * directory (whether the proxy's user may write there is known only
 * after user=/-u took effect: see fifo_server_create). */
int
fifo_server_check_dir(const char *path, char **err)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	struct stat st;

	if (slash == NULL || slash == path)
		return 0;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (stat(dir, &st) == -1) {
		*err = err_fmt("fifo=\"%s\": its directory \"%s\": %s; create "
		    "it (writable by the proxy's user) or set fifo to a path "
		    "in an existing directory, e.g. "
		    "fifo=\"/tmp/kamailio_fifo\"",
		    path, dir, strerror(errno));
		return E_INVAL;
	}
	if (!S_ISDIR(st.st_mode)) {
		*err = err_fmt("fifo=\"%s\": \"%s\" is not a directory; set "
		    "fifo to a path in a directory", path, dir);
		return E_INVAL;
	}
	return 0;
}

int
fifo_server_check(const char *path, char **err)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return fifo_server_check_dir(path, err);
		*err = err_fmt("fifo=\"%s\": %s", path, strerror(errno));
		return E_INVAL;
	}
	if (!S_ISFIFO(st.st_mode)) {
		*err = err_fmt("fifo=\"%s\": that file exists and is not a "
				"FIFO; remove it or choose another path", path);
		return E_INVAL;
	}
	/* a FIFO that has a reader belongs to a running proxy */
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd != -1) {
		close(fd);
		*err = err_fmt("fifo=\"%s\": another process is reading this "
				"FIFO (is another proxy running?)", path);
		return E_INVAL;
	}
	return 0;
}

int
fifo_server_create(const char *path, char **err)
{
	int rc;

	if ((rc = fifo_server_check(path, err)) != 0)
		return rc;
	if (unlink(path) == -1 && errno != ENOENT) {
		*err = err_fmt("fifo=\"%s\": cannot remove the stale FIFO: %s",
		    path, strerror(errno));
		return E_IO;
	}
	if (mkfifo(path, 0600) == -1) {
		int e = errno;

		*err = err_fmt("fifo=\"%s\": cannot create it: %s%s", path,
		    strerror(e), e == EACCES || e == EPERM || e == EROFS
		    ? "; the FIFO is made after dropping privileges "
		      "(user=/-u): make its directory writable by that user, "
		      "or set fifo to a path in a directory it can write"
		    : "");
		return E_IO;
	}
	/* mkfifo applies the umask; make the mode exact */
	if (chmod(path, 0600) == -1) {
		*err = err_fmt("fifo=\"%s\": chmod: %s", path, strerror(errno));
		unlink(path);
		return E_IO;
	}
	pkg_free(fifo_path);
	fifo_path = pkg_strndup(path, strlen(path));
	return 0;
}

void
fifo_server_remove(void)
{
	struct stat st;

	if (fifo_path == NULL)
		return;
	if (lstat(fifo_path, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    unlink(fifo_path) == -1)
		LM_ERRNO(L_WARN, errno, "cannot remove FIFO %s", fifo_path);
	pkg_free(fifo_path);
	fifo_path = NULL;
}
