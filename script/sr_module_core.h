/* sr_module_core.h: the module loader as the core uses it (modules see
 * only sr_module.h). */
#ifndef SR_MODULE_CORE_H
#define SR_MODULE_CORE_H

#include "../cfg/cfg_param.h"
#include "../cfg/route_struct.h"

/* loadmodule "path": find the file (absolute; mpath; the config's dir;
 * the current dir; the binary's dir; the installed module dir), dlopen it
 * and check its exports.  0 or E_* with *err (pkg). */
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

#endif
