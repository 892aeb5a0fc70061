/* fifo_cmds.h: the command table shared by fifo_server.c (protocol,
 * registry) and fifo_cmds.c (the core commands).  Not for other users:
 * they go through fifo_register() in fifo_server.h. */
#ifndef FIFO_CMDS_H
#define FIFO_CMDS_H

#include "../base/ctl_cmd.h"
#include "fifo_server.h"

#define FIFO_CMD_NAME_MAX 31

struct fifo_cmd {
	const char *name;
	fifo_cmd_fn fn;    /* NULL: a placeholder until fifo_register() */
	ctl_cmd_fn mod_fn; /* a module's command (base/ctl_cmd.h), when
			       * fn is NULL */
	const char *doc;
};

/* The core commands, ending with { .name = NULL }. */
extern const struct fifo_cmd fifo_core_cmds[];

/* The live table (core commands + registered ones), any order.  i in
 * 0 .. fifo_cmd_count()-1, else NULL. */
int fifo_cmd_count(void);
const struct fifo_cmd *fifo_cmd_get(int i);
const struct fifo_cmd *fifo_cmd_find(const char *name);

#endif
