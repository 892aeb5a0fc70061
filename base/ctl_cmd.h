/* base/ctl_cmd.h: control commands that modules add to the control
 * interface (the FIFO served by ctl/fifo_server.c, kamctl's transport),
 * and the answer such a command writes.
 *
 * The FIFO's own commands and the TLS ones are registered in ctl/ with
 * fifo_register(); a module cannot include ctl/ (it sits above the module
 * API), so it registers here, in the base layer, and the FIFO server
 * serves these commands too (ctl/ reads this table; nothing here calls
 * upward).  The answer is plain data: a status and a body in pkg, which
 * the FIFO server sends as its reply.
 *
 *	static int
 *	cmd_x(struct ctl_out *o, int argc, char *argv[])
 *	{
 *		ctl_out_printf(o, "Entries:: %d\n", n);
 *		return 0;           (200 OK; or ctl_out_status(o, 404, ...))
 *	}
 *	ctl_cmd_register("x_dump", cmd_x, "one line for the reference");
 */
#ifndef BASE_CTL_CMD_H
#define BASE_CTL_CMD_H

#include <stdbool.h>
#include <stddef.h>

/* The answer being written (pkg of the process that serves the command,
 * the FIFO server). */
struct ctl_out {
	int code; /* 0: not set (200 on success) */
	char reason[128];
	char *body; /* pkg, NUL-terminated when len > 0 */
	size_t len, cap;
	bool json;    /* the client asked for JSON ("json" first) */
	bool too_big; /* the body passed CTL_OUT_MAX: 500 */
};

#define CTL_OUT_MAX (1024 * 1024)

/* A command: argv[0..argc-1] are its argument lines (a leading "json" is
 * taken off and sets o->json).  Returns 0 (200 OK unless a status was
 * set) or a negative E_* (500 with its text unless a status was set).
 * Runs in the FIFO process: it must not block for long. */
typedef int (*ctl_cmd_fn)(struct ctl_out *o, int argc, char *argv[]);

struct ctl_cmd {
	const char *name; /* [A-Za-z0-9._-], at most 31 chars */
	ctl_cmd_fn fn;
	const char *doc; /* one line for the reference */
};

#define CTL_CMD_MAX 32

/* Add a command (name and doc static).  Main process, before fork (a
 * module's init).  0, E_INVAL (bad name, fn NULL, name taken here) or
 * E_TOOBIG (table full).  A name the FIFO serves already (a core
 * command) is refused by the FIFO server when it loads the table. */
int ctl_cmd_register(const char *name, ctl_cmd_fn fn, const char *doc);
/* Registered commands: i in 0 .. ctl_cmd_count()-1, else NULL. */
int ctl_cmd_count(void);
const struct ctl_cmd *ctl_cmd_get(int i);
/* Forget every command (tests). */
void ctl_cmd_reset(void);

/* Status: code 100..699 and a one-line reason (truncated to 127 chars,
 * cut at a line break).  The last call wins. */
void ctl_out_status(struct ctl_out *o, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Append to the body (past CTL_OUT_MAX: too_big, the rest dropped). */
void ctl_out_printf(struct ctl_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append s (len bytes) as a JSON string literal, quoted and escaped. */
void ctl_out_json_str(struct ctl_out *o, const char *s, size_t len);
/* Free the body (the struct is the caller's). */
void ctl_out_free(struct ctl_out *o);

#endif
