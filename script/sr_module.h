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
#include "cmd.h"

#define MODULE_ABI 0x4b01

struct module_exports {
	int abi;
	const char *name;
	const struct cmd_export *cmds;
	const struct param_def *params;
	int (*init)(void);             /* main process, after the config */
	int (*child_init)(int rank);   /* each process after fork */
	void (*destroy)(void);
};

/* True if some module is loaded under this name. */
bool module_loaded(const char *name);

#endif
