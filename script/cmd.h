/* script/cmd.h: script functions: their export rows, the ready-made
 * fixups, and the registry the fix-up pass looks names up in.
 *
 * Tables are registered in the main process before the script is fixed
 * up: main.c registers the core's (cmds/core_cmds.c, cmds/tls_cmds.c)
 * first, the module loader each module's table in load order.  A name is
 * found in the first table that has it with that number of arguments. */
#ifndef SCRIPT_CMD_H
#define SCRIPT_CMD_H

#include <stdbool.h>

#include "../cfg/route_struct.h"

struct sip_msg;

/* Route types a function may be called from (bit set). */
#define RT_REQUEST (1u << ROUTE_REQUEST)
#define RT_FAILURE (1u << ROUTE_FAILURE)
#define RT_ONREPLY (1u << ROUTE_ONREPLY)
#define RT_BRANCH (1u << ROUTE_BRANCH)
#define RT_ANY (RT_REQUEST | RT_FAILURE | RT_ONREPLY | RT_BRANCH)

/* A function's arguments after fix-up: fixed[i] is what the fixup made of
 * argument i (by default the argument text, a NUL-terminated pkg string). */
struct cmd_args {
	int n;
	void *const *fixed;
	const struct action_arg *raw;
};

/* Script semantics: > 0 true, < 0 false, 0 stop the script. */
typedef int (*cmd_fn)(struct sip_msg *msg, const struct cmd_args *a);
/* Turn argument idx (of a) into a->fixed[idx]; 0 or E_* with *err (pkg). */
typedef int (*fixup_fn)(struct action *a, int idx, char **err);

struct cmd_export {
	const char *name;
	cmd_fn fn;
	int nargs;             /* rows may repeat a name with other counts */
	fixup_fn fixup;        /* NULL: arguments stay text */
	unsigned route_types;
	const char *doc;       /* one line for the reference (optional) */
};

/* A row: CMD("name", handler, nargs, fixup, route types, "one-line doc") */
#define CMD(n, f, na, fx, rt, d)                                          \
	{                                                                 \
		.name = (n), .fn = (f), .nargs = (na), .fixup = (fx),     \
		.route_types = (rt), .doc = (d),                          \
	}
#define CMD_END { .name = NULL }

/* Add a table (CMD_END-terminated, static storage).  owner names it in
 * the reference ("core", a module's name).  Main process, before fix-up.
 * 0, E_NOMEM or E_TOOBIG. */
int cmd_register(const char *owner, const struct cmd_export *table);
/* Make name a function this build or config cannot run: fix-up refuses
 * a call with "name(): why" instead of "unknown function".  why must be
 * static.  0 or E_NOMEM. */
int cmd_register_unavailable(const char *name, const char *why);
/* The function name with nargs arguments, or NULL. */
const struct cmd_export *cmd_find(const char *name, int nargs);
/* Why name cannot run here (cmd_register_unavailable), or NULL. */
const char *cmd_unavailable(const char *name);
/* Call fn for every row of every table, in lookup order. */
void cmd_foreach(void (*fn)(const char *owner, const struct cmd_export *c,
    void *arg), void *arg);
/* Forget every table (tests; main process). */
void cmd_registry_reset(void);

/* Ready-made fixups. */
int fixup_int(struct action *a, int idx, char **err);      /* -> (long) in fixed */
/* fixup_int, then min <= value <= max, else E_INVAL with
 * "what is min..max" in *err. */
int fixup_int_range(struct action *a, int idx, long min, long max,
    const char *what, char **err);
/* Argument 0 is a SIP reply code 100..699, the others stay text
 * (sl_send_reply, t_reply). */
int fixup_reply_code(struct action *a, int idx, char **err);
int fixup_pvfmt(struct action *a, int idx, char **err);    /* -> struct pv_fmt * */
/* -> regex_t * compiled with REG_EXTENDED | REG_ICASE (| cflags). */
int fixup_regex(struct action *a, int idx, char **err);
int fixup_regex_flags(struct action *a, int idx, int cflags, char **err);

#endif
