/* core_cmds.h: the script functions the core provides. */
#ifndef CORE_CMDS_H
#define CORE_CMDS_H

/* Register them with the function registry (script/cmd.h); forward_tcp
 * and forward_tls only when this build and config can carry them, else
 * as unavailable with the reason.  Main process, after the config is
 * parsed (transport_tls_on set), before fix-up.  0 or E_*. */
int core_cmds_register(void);

#endif
