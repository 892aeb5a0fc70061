/* fifo_server.h: the control interface, a Kamailio 1.x style FIFO.
 *
 * The main process checks and creates the FIFO (core_cfg.fifo) and adds
 * the "fifo server" role; that process reads requests
 *
 *     :CMD:REPLY_NAME\n  ARG\n ...  \n
 *
 * and answers each through /tmp/REPLY_NAME with "CODE TEXT\n" and a body.
 * Commands come from a table; subsystems add theirs with fifo_register()
 * before fork.  The protocol and the commands are described in
 * doc/fifo.md. */
#ifndef FIFO_SERVER_H
#define FIFO_SERVER_H

#include <stdbool.h>

/* A reply being built (pkg, owned by the FIFO process). */
struct fifo_reply;

/* A command handler: argv[0..argc-1] are the argument lines (without a
 * leading "json", which selects JSON output: see fifo_reply_json()).
 * It writes the body with fifo_reply_printf()/fifo_reply_json_str() and
 * may set the status with fifo_reply_status().  Returning 0 without a
 * status gives "200 OK"; a negative E_* code without a status gives
 * "500 <err_str>".  Runs in the FIFO process; must not block for long
 * (the FIFO serves one request at a time). */
typedef int (*fifo_cmd_fn)(struct fifo_reply *r, int argc, char *argv[]);

/* Register (or complete) command `name` ([A-Za-z0-9._-]+, at most 31
 * chars) with handler fn and a one-line doc (a static string; NULL keeps
 * the table's doc).  Names already in the table without a handler
 * ("tls_list", "tls_reload") get fn; other names are added.  Main
 * process, before fork (the FIFO process inherits the table).  Returns
 * 0, E_INVAL (bad name, fn NULL, or name already has a handler) or
 * E_TOOBIG (table full). */
int fifo_register(const char *name, fifo_cmd_fn fn, const char *doc);

/* Set the status line: code 100..699 and a reason (printf format, one
 * line, truncated to 127 chars).  The last call wins. */
void fifo_reply_status(struct fifo_reply *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Append to the body.  A body over 1 MB turns the reply into "500 reply
 * too large". */
void fifo_reply_printf(struct fifo_reply *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append s as a JSON string literal (quoted and escaped). */
void fifo_reply_json_str(struct fifo_reply *r, const char *s);
/* True when the client asked for JSON (first argument "json"). */
bool fifo_reply_json(const struct fifo_reply *r);

/* Check that path can become the FIFO: nothing there, or a FIFO nobody
 * reads (a stale one).  Main process, before daemonize so that the error
 * reaches the terminal.  Returns 0, or E_INVAL with *err (pkg) saying why:
 * a non-FIFO file is there, or another process reads the FIFO. */
int fifo_server_check(const char *path, char **err);
/* The part of it "kamailio -c" runs: the FIFO's directory exists.  0 or
 * E_INVAL with *err (pkg). */
int fifo_server_check_dir(const char *path, char **err);
/* Replace any stale FIFO at path with a new one, mode 0600, owned by the
 * calling (already unprivileged) user, and remember path for
 * fifo_server_remove().  Main process, after drop_privileges(), before
 * fork.  Returns 0, or E_INVAL/E_IO with *err (pkg). */
int fifo_server_create(const char *path, char **err);
/* Remove the FIFO made by fifo_server_create() (if it is still a FIFO).
 * Main process at shutdown; harmless when none was made. */
void fifo_server_remove(void);

/* The "fifo server" role (a proc_run_fn; arg: the FIFO path).  Serves
 * requests until killed; returns non-zero only if the FIFO cannot be
 * opened. */
int fifo_server_run(int rank, void *arg);

#endif
