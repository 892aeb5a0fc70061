/* cfg_param.h: parameter tables: one row type for the core's globals, the
 * TLS parameters (cfg_tls.h) and every module's modparams.
 *
 * A row says: name, type (int, bool, string, one of some words, or a
 * setter for complex values), where the value goes (a pointer, or for the
 * TLS settings that domain blocks may override an offset into struct
 * tls_settings), range or words, default, scope (global, server domain,
 * client domain, module: bit flags), flags and a one-line doc.  The config
 * grammar hands "name = value" to core_param_set() and the module loader
 * hands modparam() to param_store(); defaults are applied by walking the
 * table (param_defaults()); kamailio --dump-params prints the tables as
 * doc/params.md.  Main process, before fork. */
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
	PK_INT,    /* target: int *, range min..max (both 0: any number) */
	PK_BOOL,   /* target: int *; yes/no/on/off/true/false/1/0 */
	PK_STR,    /* target: char **, pkg copy (old value freed) */
	PK_ENUM,   /* target: char **; one of words[] (case-insensitive),
		    * stored as written, like a string */
	PK_SET,    /* only the setter: complex values (lists, addresses) */
};

/* Scope: where a parameter may be written (bit set; a TLS parameter may
 * be valid in several places). */
#define PS_GLOBAL 0x01   /* top level: name = value */
#define PS_SRV 0x02      /* in a tls_server_domain[...] block */
#define PS_CLI 0x04      /* in a tls_client_domain[...] block */
#define PS_MODULE 0x08   /* modparam("module", "name", value) */
#define PS_MASK 0xffu

/* Flags (above PS_MASK, so that a row macro takes scope | flags in one
 * argument). */
#define P_RUNTIME 0x0100 /* may change at run time (FIFO) */
#define P_TLS 0x0200     /* belongs to the TLS layer: needs a TLS=1 build */
#define P_OPT 0x0400     /* target is a struct opt_int / opt_str: the value
			  * and whether the config set it */
#define P_OFF 0x0800     /* target is .off bytes into a settings struct
			  * given by the caller (struct tls_settings: the
			  * global one or a domain's), not .target */
#define P_NO_NUM 0x1000  /* a string that a bare number cannot be (file
			  * names, cipher lists): name = 5 is refused */
#define P_DEF 0x2000     /* the row has a default (def_i / def_s); set by
			  * the row macros */

/* A setting and whether the config set it explicitly (P_OPT targets). */
struct opt_int {
	int v;
	bool set;
};

struct opt_str {
	char *s;               /* pkg; NULL when not set */
	bool set;
};

struct param_def;
/* A setter: called instead of the generic store.  It may call
 * param_store_to(p, p->target, v, err) itself and act on the result.
 * Returns 0 or E_* with *err (pkg). */
typedef int (*param_set_fn)(const struct param_def *p, const struct cfg_val *v,
    char **err);

/* One parameter.  Write rows with the PARAM_* macros below; the table is
 * the one place that says what a parameter is, what it accepts and what
 * it defaults to: parsing, defaults, the range check and the reference
 * (kamailio --dump-params, doc/params.md) all read it. */
struct param_def {
	const char *name;
	enum param_kind kind;
	void *target;         /* where the value goes (not with P_OFF) */
	size_t off;           /* P_OFF: offset into the settings struct */
	long min, max;        /* PK_INT range; both 0: any */
	const char *const *words; /* PK_ENUM: accepted words, NULL-ended */
	param_set_fn set;     /* if set, called instead of the generic store */
	long def_i;           /* default of PK_INT / PK_BOOL */
	const char *def_s;    /* default of PK_STR / PK_ENUM (NULL: none) */
	const char *def_note; /* what the default means, for the reference
			       * ("the value of children"); optional */
	const char *syntax;   /* PK_SET: the accepted values, for the
			       * reference ("[proto:]host[:port]") */
	unsigned scope;       /* PS_* */
	unsigned flags;       /* P_* */
	const char *doc;      /* one line for the reference */
};

/* Row macros.  sf is scope | flags (PS_* | P_*); the tail is the doc line,
 * optionally followed by more designated initializers for the rare row
 * that needs them (.set = a hook, .def_note = ..., .off = ...).
 *
 *	PARAM_INT("port", &core_cfg.port, 1, 65535, 5060, PS_GLOBAL,
 *	    "default SIP port"),
 *	PARAM_ENUM("log_facility", &core_cfg.log_facility, log_facility_names,
 *	    "LOG_DAEMON", PS_GLOBAL, "syslog facility", .set = set_facility),
 */
#define PARAM_SF(sf) .scope = (sf) & PS_MASK, .flags = ((sf) & ~PS_MASK)
/* clang-format off */
#define PARAM_INT(n, t, lo, hi, d, sf, ...) { .name = (n), .kind = PK_INT, \
	.target = (t), .min = (lo), .max = (hi), .def_i = (d), PARAM_SF((sf) | P_DEF), \
	.doc = __VA_ARGS__ }
#define PARAM_BOOL(n, t, d, sf, ...) { .name = (n), .kind = PK_BOOL, \
	.target = (t), .def_i = (d), PARAM_SF((sf) | P_DEF), .doc = __VA_ARGS__ }
#define PARAM_STR(n, t, d, sf, ...) { .name = (n), .kind = PK_STR, \
	.target = (t), .def_s = (d), PARAM_SF((sf) | P_DEF), .doc = __VA_ARGS__ }
#define PARAM_ENUM(n, t, w, d, sf, ...) { .name = (n), .kind = PK_ENUM, \
	.target = (t), .words = (w), .def_s = (d), PARAM_SF((sf) | P_DEF), \
	.doc = __VA_ARGS__ }
/* A complex value: fn does all the work; syn says what it accepts. */
#define PARAM_SET(n, fn, syn, sf, ...) { .name = (n), .kind = PK_SET, \
	.set = (fn), .syntax = (syn), PARAM_SF(sf), .doc = __VA_ARGS__ }
/* clang-format on */
#define PARAM_END { .name = NULL }

/* Find name in table (NULL-terminated). */
const struct param_def *param_find_def(const struct param_def *table,
    const char *name);
/* Store v for p: p->set if the row has one, else param_store_to() into
 * p->target.  Returns 0 or E_INVAL with *err (pkg, caller frees) saying
 * what was expected. */
int param_store(const struct param_def *p, const struct cfg_val *v,
    char **err);
/* The generic store of p's kind into target (int *, char ** or, with
 * P_OPT, struct opt_int / opt_str *), after the checks every row shares:
 * one range check for every PK_INT row ("name: 5 is out of range
 * 1..3"), one boolean parser, the word check of PK_ENUM.  p->set is not
 * called.  0, E_INVAL with *err, or E_NOMEM. */
int param_store_to(const struct param_def *p, void *target,
    const struct cfg_val *v, char **err);
/* Where p's value lives: base + p->off for P_OFF rows (NULL when base is
 * NULL), else p->target. */
void *param_target(const struct param_def *p, void *base);
/* Give every row of table that has a default (P_DEF) its default: ints
 * and bools the number; strings are freed and set to NULL, which means
 * "the row's default" (read them through param_str()), or, with
 * copy_str, get a pkg copy of their default (module variables, which
 * module code reads directly).  P_OFF rows are offsets into base (skipped
 * when base is NULL).  Rows without a default keep their value.  Main
 * process; also before main() (core and TLS tables).  0 or E_NOMEM. */
int param_defaults(const struct param_def *table, void *base, bool copy_str);
/* Free the strings of table's P_OFF rows stored in base (a domain's
 * settings) and set them to NULL. */
void param_free_at(const struct param_def *table, void *base);
/* The value of string row p stored as value: value, or the row's default
 * when value is NULL. */
const char *param_str(const struct param_def *p, const char *value);
/* Parse a boolean word; false if it is not one. */
bool param_parse_bool(const struct cfg_val *v, int *out);

/* Split "[proto:]host[:port]" (host: "*", IPv4, "[v6]" or bare v6 when
 * no port follows, or a name).  *proto is PROTO_NONE when not given;
 * proto_ok false makes a protocol an error.  *host is a pkg copy without
 * brackets; *port 0 when not given.  0 or E_INVAL/E_NOMEM with *err. */
int cfg_parse_hostport(const char *s, bool proto_ok, enum proto *proto,
    char **host, unsigned short *port, char **err);

/* The core's globals (cfg_param.c), stored into core_cfg (core_cfg.h). */
extern const struct param_def core_params[];
/* Set a core global, or a TLS global via tls_cfg_global_set(); usable as
 * the cfg_hooks.global hook.  0 or E_INVAL with *err (pkg), also for an
 * unknown name. */
int core_param_set(const char *name, const struct cfg_val *v, char **err);
/* Free what the config set in core_cfg and restore the table's defaults
 * (base/log's level, stderr flag and facility follow them); fields that
 * are not parameters (the command line's) are kept.  The same defaults
 * are in place before main() runs. */
void core_cfg_reset(void);

#endif
