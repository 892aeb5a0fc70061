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

/* An interface one module offers others (auth to auth_db, usrloc to
 * registrar, a DB driver to the DB API): a name and a pointer to a
 * struct of functions, whose layout the two modules agree on through a
 * header of the offering module. */
struct module_api {
	const char *name;
	const void *api;
};

#define MODULE_API_END { .name = NULL }

struct module_exports {
	int abi;
	const char *name;
	const struct cmd_export *cmds;
	const struct param_def *params;
	int (*init)(void);             /* main process, after the config */
	int (*child_init)(int rank);   /* each process after fork */
	void (*destroy)(void);
	const struct module_api *apis;  /* MODULE_API_END-terminated, or NULL */
};

/* The interface name of module mod (loaded), or NULL.  Main process,
 * after the config is parsed (a module's init), or any process later. */
const void *module_api_find(const char *mod, const char *name);
/* True if some module is loaded under this name. */
bool module_loaded(const char *name);

#endif
