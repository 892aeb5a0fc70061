/* cfg_param.h: parameter tables, shared by core globals and module params.
 *
 * One row describes a parameter: name, type, where the value goes, range,
 * an optional setter for complex values, and a doc string.  The config
 * grammar calls param_set() for "name = value" (globals) and the module
 * loader for modparam(). */
#ifndef CFG_PARAM_H
#define CFG_PARAM_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/ip_addr.h"
#include "route_struct.h"

enum cfg_val_type {
	CV_NUM,   /* 123 */
	CV_STR,   /* "quoted" */
	CV_ID,    /* bare word or address-like token: yes, tlsv1, tls:1.2.3.4:5061 */
};

struct cfg_val {
	enum cfg_val_type type;
	long n;
	const char *s;     /* text, NUL-terminated (numbers too) */
	size_t len;
	struct cfg_pos pos;
};

enum param_kind {
	PK_INT,    /* target: int *, range min..max */
	PK_BOOL,   /* target: int *; yes/no/on/off/true/false/1/0 */
	PK_STR,    /* target: char **, pkg copy (old value freed) */
	PK_SET,    /* only the setter */
};

#define P_RUNTIME 0x1  /* may change at run time (FIFO) */
#define P_TLS 0x2      /* belongs to the TLS layer */

struct param_def;
typedef int (*param_set_fn)(const struct param_def *p, const struct cfg_val *v,
    char **err);

struct param_def {
	const char *name;
	enum param_kind kind;
	void *target;
	long min, max;        /* PK_INT range; both 0: any */
	param_set_fn set;     /* if set, called instead of the generic store */
	unsigned flags;
	const char *doc;
};

#define PARAM_END { .name = NULL }

/* Find name in table (NULL-terminated). */
const struct param_def *param_find_def(const struct param_def *table,
    const char *name);
/* Store v into p per its kind.  Returns 0 or E_INVAL with *err (pkg,
 * caller frees) saying what was expected. */
int param_store(const struct param_def *p, const struct cfg_val *v,
    char **err);
/* Parse a boolean word; false if it is not one. */
bool param_parse_bool(const struct cfg_val *v, int *out);

/* Split "[proto:]host[:port]" (host: "*", IPv4, "[v6]" or bare v6 when
 * no port follows, or a name).  *proto is PROTO_NONE when not given;
 * proto_ok false makes a protocol an error.  *host is a pkg copy without
 * brackets; *port 0 when not given.  0 or E_INVAL/E_NOMEM with *err. */
int cfg_parse_hostport(const char *s, bool proto_ok, enum proto *proto,
    char **host, unsigned short *port, char **err);

/* The core's globals (cfg_param.c), stored into core_cfg (globals.h). */
extern const struct param_def core_params[];
/* Set a core global, or a TLS global via tls_cfg_global_set(); usable as
 * the cfg_hooks.global hook.  0 or E_INVAL with *err (pkg), also for an
 * unknown name. */
int core_param_set(const char *name, const struct cfg_val *v, char **err);
/* Free what the config set in core_cfg and restore the defaults (also
 * log_level, log_stderr, log_facility); command line fields are kept. */
void core_cfg_reset(void);

#endif
