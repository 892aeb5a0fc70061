/* sr_module_core.h: the module loader as the core uses it (modules see
 * only sr_module.h). */
#ifndef SR_MODULE_CORE_H
#define SR_MODULE_CORE_H

#include "../cfg/cfg_param.h"
#include "../cfg/route_struct.h"

struct module_exports;

/* loadmodule "path": find the file (absolute; mpath; the config's dir;
 * the current dir; the binary's dir; the installed module dir), dlopen it,
 * check its exports and give its parameters the defaults of its rows
 * (param_defaults(); a module loaded twice keeps its first copy and its
 * values).  0 or E_* with *err (pkg). */
int module_load(const char *path, const struct cfg_pos *pos, char **err);
/* modparam("mod", "param", value). 0 or E_* with *err (pkg). */
int module_param(const char *mod, const char *param, const struct cfg_val *v,
    char **err);
/* Register every loaded module's functions (script/cmd.h), in load
 * order.  Main process, after the core's, before fix-up.  0 or E_*. */
int modules_register_cmds(void);
/* Call every module's init (main process, before fork). 0 or E_*. */
int modules_init(void);
/* Call every module's child_init (after fork). 0 or E_*. */
int modules_child_init(int rank);
void modules_destroy(void);
/* Print "name path" of each module (for -V / ps). */
void modules_list(void (*fn)(const char *name, const char *path));
/* For the reference (kamailio --dump-params, --dump-functions), without
 * a config: dlopen every module file of the binary's module directory
 * (the build tree's modules/<m>/<m>.so, else the installed
 * ../lib/NAME/modules/<m>.so), in path order, and call fn with its exports;
 * nothing is initialised or registered, and each module is closed after
 * fn returns.  0, or E_NOTFOUND / E_INVAL with *err (pkg) for no module
 * files or one that is not a module of this proxy. */
int modules_list_dir(
    void (*fn)(const char *file, const struct module_exports *exp, void *arg),
    void *arg, char **err);

#endif
