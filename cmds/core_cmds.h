/* core_cmds.h: the script functions the core provides. */
#ifndef CORE_CMDS_H
#define CORE_CMDS_H

#include <stdbool.h>

#include "../script/cmd.h"

/* Register them with the function registry (script/cmd.h); forward_tcp
 * and forward_tls only when this build and config can carry them, else
 * as unavailable with the reason.  Main process, after the config is
 * parsed (transport_tls_on set), before fix-up.  0 or E_*. */
int core_cmds_register(void);
/* For the reference (kamailio --dump-functions): call fn with each table
 * of core functions, whatever this build and config can run; tls: the
 * table needs a TLS=1 build (and TLS on). */
void core_cmds_tables(
    void (*fn)(const struct cmd_export *table, bool tls, void *arg), void *arg);

#endif
