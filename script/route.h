/* route.h: the loaded routing script: its blocks, the fix-up pass that
 * resolves names and compiles arguments, and the interpreter. */
#ifndef ROUTE_H
#define ROUTE_H

#include <stdbool.h>

#include "../cfg/route_struct.h"

struct sip_msg;

/* Result flags of running actions. */
#define RUN_EXIT 0x1   /* exit: stop the script */
#define RUN_DROP 0x2   /* drop: stop and do not forward (replies) */
#define RUN_RETURN 0x4 /* break/return: leave the current block */

struct run_ctx {
	unsigned flags;
	int last_ret; /* $retcode / retcode */
	int depth;    /* route() nesting */
	enum route_kind kind;
};

/* Take ownership of the parsed blocks and fix them up: every function
 * resolved (core, then modules), every argument fixed, every regex and
 * pseudo-variable compiled.  Errors are printed as file:line:col: msg;
 * returns the number of errors (0 = good). */
int route_fixup_all(struct route_block *blocks);

/* The block of a kind and name (NULL name: the main one), or NULL. */
const struct route_block *route_get(enum route_kind kind, const char *name);

/* Run a block on msg.  Returns the ctx flags (RUN_*). */
unsigned route_run(const struct route_block *rb, struct sip_msg *msg,
    struct run_ctx *ctx);

/* The SIP layer's entry into the script (receive_set_script): run the
 * main route{} (request) or the main onreply_route{} (a reply; none:
 * nothing runs) on msg.  True when the script dropped it. */
bool route_main(struct sip_msg *msg, bool request);

/* Run a list of actions (used by route() and modules such as tm). */
int run_actions(const struct action *a, struct sip_msg *msg,
    struct run_ctx *ctx);

/* route(x) from the script: run another request block with the current
 * context; its break/return ends only that block. */
int route_call(struct sip_msg *msg, const struct route_block *rb,
    struct run_ctx *ctx);
/* The context of the script run in progress in this process (or NULL). */
struct run_ctx *route_ctx(void);

void route_free_all(void);

#endif
