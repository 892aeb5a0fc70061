/* core_cmds.h: the script functions the core provides. */
#ifndef CORE_CMDS_H
#define CORE_CMDS_H

#include <stdbool.h>

struct cmd_export;

/* A core function by name and argument count, or NULL. */
const struct cmd_export *core_cmd_find(const char *name, int nargs);
/* True (with *why) for a core function this build cannot run. */
bool core_cmd_unavailable(const char *name, const char **why);

/* Set by force_rport(): replies go to the source port (RFC 3581). */
#define MSG_FLAG_FORCE_RPORT 0x40000000u

#endif
