/* sr_module.h: what a module exports (see api/sr_api.h, the module API,
 * which also defines MODULE_ABI). */
#ifndef SR_MODULE_H
#define SR_MODULE_H

#include <stdbool.h>

#include "../cfg/cfg_param.h"
#include "../base/err.h"
#include "../parser/msg_parser.h"
#include "../cfg/route_struct.h"
#include "../base/str.h"
#include "cmd.h"

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
