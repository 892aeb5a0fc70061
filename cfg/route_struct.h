/* route_struct.h: the routing script as the config parser builds it.
 *
 * The grammar only builds this tree (all strings pkg, NUL-terminated);
 * names are resolved and arguments checked afterwards by the fix-up pass
 * (route.c), which fills the "fixed" fields.  Core functions such as
 * forward() or log() are A_CALL nodes like module functions. */
#ifndef ROUTE_STRUCT_H
#define ROUTE_STRUCT_H

#include <stdbool.h>
#include <stddef.h>

#define MAX_ACTION_ARGS 6

/* Where something was written: for file:line:col messages. */
struct cfg_pos {
	const char *file;   /* interned, lives as long as the program */
	int line;
	int col;
};

enum operand_type {
	OPD_NONE = 0,
	/* message attributes (bare words in conditions) */
	OPD_METHOD, OPD_URI, OPD_FROM_URI, OPD_TO_URI, OPD_SRC_IP, OPD_DST_IP,
	OPD_SRC_PORT, OPD_DST_PORT, OPD_PROTO, OPD_AF, OPD_MSGLEN, OPD_RETCODE,
	OPD_MYSELF,
	/* values */
	OPD_PV,     /* s = "$avp(i:400)", "$ru", ... as written */
	OPD_STR,    /* s = string literal without quotes, escapes resolved */
	OPD_NUM,    /* n */
	OPD_ID,     /* s = bare word or address-like token: tls, INET, 1.2.3.4,
		     * 10.0.0.0/8, [::1] ... (meaning depends on the other side) */
};

struct operand {
	enum operand_type type;
	char *s;
	size_t len;
	long n;
	void *fixed;        /* set by fix-up (compiled regex, pv spec, ...) */
	struct cfg_pos pos;
};

enum expr_type {
	EXP_AND,
	EXP_OR,
	EXP_NOT,
	EXP_CMP,    /* lhs op rhs */
	EXP_CALL,   /* a function call used as a condition: true when > 0 */
	EXP_VALUE,  /* a lone operand: true when set / non-zero */
};

enum expr_op {
	OP_NONE = 0,
	OP_EQ,      /* == */
	OP_NE,      /* != */
	OP_RE,      /* =~ */
	OP_NRE,     /* !~ */
	OP_GT, OP_LT, OP_GE, OP_LE,
};

struct action;

struct expr {
	enum expr_type type;
	enum expr_op op;
	struct expr *l, *r;        /* AND/OR: both; NOT: l */
	struct operand lhs, rhs;   /* CMP: both; VALUE: lhs */
	struct action *call;       /* CALL: an A_CALL node */
	struct cfg_pos pos;
};

enum action_type {
	A_CALL,      /* name(args...) */
	A_IF,        /* if (cond) then_a else else_a */
	A_ASSIGN,    /* lhs (a PV) = rhs */
	A_DROP,
	A_EXIT,
	A_BREAK,
	A_RETURN,    /* args[0] optional number */
	A_BLOCK,     /* { ... } standing alone: then_a */
};

enum arg_type {
	ARG_STR,     /* "quoted" (escapes resolved) */
	ARG_NUM,
	ARG_ID,      /* bare word: route(foo), forward(host) etc. */
	ARG_PV,      /* $x as written */
};

struct action_arg {
	enum arg_type type;
	char *s;     /* text; for ARG_NUM the digits as written */
	size_t len;
	long n;
};

struct cmd_export;

struct action {
	enum action_type type;
	char *name;                /* A_CALL */
	int nargs;
	struct action_arg args[MAX_ACTION_ARGS];
	struct expr *cond;         /* A_IF */
	struct action *then_a;     /* A_IF, A_BLOCK */
	struct action *else_a;     /* A_IF (may be another A_IF) */
	struct operand lhs, rhs;   /* A_ASSIGN */
	struct action *next;
	struct cfg_pos pos;
	/* filled by fix-up */
	const struct cmd_export *cmd;
	void *fixed[MAX_ACTION_ARGS];
};

enum route_kind {
	ROUTE_REQUEST = 0,   /* route{} and route[x]{} */
	ROUTE_FAILURE,
	ROUTE_ONREPLY,
	ROUTE_BRANCH,
	ROUTE_KIND_COUNT,
};

struct route_block {
	enum route_kind kind;
	char *name;          /* NULL for the main route{} / onreply_route{} */
	struct action *actions;
	struct cfg_pos pos;
	struct route_block *next;
};

/* Builders used by the grammar (route_struct.c); NULL on OOM. */
struct action *action_new(enum action_type type, const struct cfg_pos *pos);
struct expr *expr_new(enum expr_type type, const struct cfg_pos *pos);
/* Append b after the last node of a; returns the head. */
struct action *action_append(struct action *a, struct action *b);
void action_free_list(struct action *a);
void expr_free(struct expr *e);
void route_blocks_free(struct route_block *r);

#endif
