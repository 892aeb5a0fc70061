/* sr_module.h: the module API.  A module is a shared object that exports
 *
 *	const struct module_exports exports = { .abi = MODULE_ABI, ... };
 *
 * Modules include this header (and the parser / data-lump / pv headers it
 * names) and never core internals. */
#ifndef SR_MODULE_H
#define SR_MODULE_H

#include <stdbool.h>

#include "../cfg/cfg_param.h"
#include "../base/err.h"
#include "../parser/msg_parser.h"
#include "../cfg/route_struct.h"
#include "../base/str.h"

#define MODULE_ABI 0x4b01

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
};

#define CMD_END { .name = NULL }

struct module_exports {
	int abi;
	const char *name;
	const struct cmd_export *cmds;
	const struct param_def *params;
	int (*init)(void);             /* main process, after the config */
	int (*child_init)(int rank);   /* each process after fork */
	void (*destroy)(void);
};

/* Ready-made fixups. */
int fixup_int(struct action *a, int idx, char **err);      /* -> (long) in fixed */
int fixup_pvfmt(struct action *a, int idx, char **err);    /* -> struct pv_fmt * */
int fixup_regex(struct action *a, int idx, char **err);    /* -> regex_t * */

/* Find an exported function by name and argument count (core built-ins
 * first, then modules in load order); NULL if none. */
const struct cmd_export *find_cmd_export(const char *name, int nargs);
/* True if some module is loaded under this name. */
bool module_loaded(const char *name);

#endif
