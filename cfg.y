/* cfg.y: the config grammar (Kamailio 1.x / OpenSER 1.4 syntax).
 *
 * Structure only: "name = value" goes to one rule that calls the global
 * hook (the core's param table); route blocks become route_struct.h trees;
 * TLS domain blocks go to the domain hooks.  There are no per-parameter
 * tokens.  Errors are reported as "file:line:col: msg" and parsing resumes
 * at the next statement. */
%define api.pure full
%define parse.error custom
%define api.prefix {cfg_yy}
%locations
%parse-param {struct cfg_parser *p}
%lex-param {struct cfg_parser *p}

%code requires {
#include "cfg/cfg.h"
#include "cfg/route_struct.h"

/* A token's text (pkg, NUL-terminated) and, for numbers, its value. */
struct cfg_tok {
	char *s;
	size_t len;
	long n;
};

/* route_head: which block and its name. */
struct cfg_rhead {
	enum route_kind kind;
	char *name;
};
}

%code {
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "mem/pkg.h"

/* The flex scanner (cfg.lex, prefix cfg_lx). */
int cfg_lxlex(CFG_YYSTYPE *lval, CFG_YYLTYPE *lloc, void *scanner);

static int
cfg_yylex(CFG_YYSTYPE *lval, CFG_YYLTYPE *lloc, struct cfg_parser *p)
{
	return cfg_lxlex(lval, lloc, p->scanner);
}

static void cfg_yyerror(CFG_YYLTYPE *loc, struct cfg_parser *p,
    const char *msg);

static struct cfg_pos
pos_of(struct cfg_parser *p, const CFG_YYLTYPE *l)
{
	struct cfg_pos pos = { .file = p->file, .line = l->first_line,
		.col = l->first_column };

	return pos;
}
#define POS(l) pos_of(p, &(l))

static void
oom(struct cfg_parser *p, const CFG_YYLTYPE *l)
{
	struct cfg_pos pos = pos_of(p, l);

	cfg_error(p, &pos, "out of memory");
}

static struct cfg_val
val_of(struct cfg_parser *p, enum cfg_val_type t, const struct cfg_tok *k,
    const CFG_YYLTYPE *l)
{
	struct cfg_val v = { .type = t, .n = k->n, .s = k->s, .len = k->len,
		.pos = pos_of(p, l) };

	return v;
}

static struct operand
opd_tok(struct cfg_parser *p, enum operand_type t, struct cfg_tok *k,
    const CFG_YYLTYPE *l)
{
	struct operand o = { .type = t, .s = k->s, .len = k->len, .n = k->n,
		.pos = pos_of(p, l) };

	return o;
}

static struct operand
opd_kw(struct cfg_parser *p, int t, const CFG_YYLTYPE *l)
{
	struct operand o = { .type = (enum operand_type)t,
		.pos = pos_of(p, l) };

	return o;
}

/* A new action, or NULL after reporting OOM. */
static struct action *
mk_action(struct cfg_parser *p, enum action_type t, const CFG_YYLTYPE *l)
{
	struct cfg_pos pos = pos_of(p, l);
	struct action *a = action_new(t, &pos);

	if (a == NULL)
		oom(p, l);
	return a;
}

/* Add one argument to the A_CALL a (created when NULL); takes k->s. */
static struct action *
add_arg(struct cfg_parser *p, struct action *a, enum arg_type t,
    struct cfg_tok *k, const CFG_YYLTYPE *l)
{
	struct cfg_pos pos = pos_of(p, l);

	if (a == NULL && (a = mk_action(p, A_CALL, l)) == NULL) {
		pkg_free(k->s);
		return NULL;
	}
	if (a->nargs >= MAX_ACTION_ARGS) {
		if (a->nargs++ == MAX_ACTION_ARGS)
			cfg_error(p, &pos, "too many arguments (at most %d)",
			    MAX_ACTION_ARGS);
		pkg_free(k->s);
		return a;
	}
	a->args[a->nargs].type = t;
	a->args[a->nargs].s = k->s;
	a->args[a->nargs].len = k->len;
	a->args[a->nargs].n = k->n;
	a->nargs++;
	return a;
}

/* Finish a call: name it (takes name); args may be NULL (no arguments). */
static struct action *
mk_call(struct cfg_parser *p, char *name, struct action *args,
    const CFG_YYLTYPE *l)
{
	if (args == NULL && (args = mk_action(p, A_CALL, l)) == NULL) {
		pkg_free(name);
		return NULL;
	}
	if (args->nargs > MAX_ACTION_ARGS)
		args->nargs = MAX_ACTION_ARGS;
	args->name = name;
	args->pos = pos_of(p, l);
	return args;
}

static struct expr *
mk_expr(struct cfg_parser *p, enum expr_type t, struct expr *l,
    struct expr *r, const CFG_YYLTYPE *loc)
{
	struct cfg_pos pos = pos_of(p, loc);
	struct expr *e = expr_new(t, &pos);

	if (e == NULL) {
		oom(p, loc);
		expr_free(l);
		expr_free(r);
		return NULL;
	}
	e->l = l;
	e->r = r;
	return e;
}

static struct expr *
mk_cmp(struct cfg_parser *p, struct operand *lhs, int op, struct operand *rhs,
    const CFG_YYLTYPE *loc)
{
	struct expr *e = mk_expr(p, EXP_CMP, NULL, NULL, loc);

	if (e == NULL) {
		pkg_free(lhs->s);
		pkg_free(rhs->s);
		return NULL;
	}
	e->op = (enum expr_op)op;
	e->lhs = *lhs;
	e->rhs = *rhs;
	e->pos = lhs->pos;
	return e;
}

/* A { } block standing as an if branch becomes its list. */
static struct action *
unwrap(struct action *a)
{
	struct action *l;

	if (a == NULL || a->type != A_BLOCK || a->next != NULL)
		return a;
	l = a->then_a;
	a->then_a = NULL;
	action_free_list(a);
	return l;
}

static struct action *
mk_if(struct cfg_parser *p, struct expr *c, struct action *t,
    struct action *e, const CFG_YYLTYPE *l)
{
	struct action *a = mk_action(p, A_IF, l);

	if (a == NULL) {
		expr_free(c);
		action_free_list(t);
		action_free_list(e);
		return NULL;
	}
	a->cond = c;
	a->then_a = unwrap(t);
	a->else_a = unwrap(e);
	return a;
}
}

%union {
	struct cfg_tok tok;
	struct action *act;
	struct expr *ex;
	struct operand opd;
	struct cfg_rhead rh;
	struct cfg_val val;
	int op;
}

%token <tok> ID "identifier"
%token <tok> ADDR "word"
%token <tok> STRING "string"
%token <tok> NUMBER "number"
%token <tok> PV "pseudo-variable"
%token <op> ATTR "message attribute"
%token ROUTE "route"
%token FAILURE_ROUTE "failure_route"
%token ONREPLY_ROUTE "onreply_route"
%token BRANCH_ROUTE "branch_route"
%token LOADMODULE "loadmodule"
%token MODPARAM "modparam"
%token TLS_SERVER_DOMAIN "tls_server_domain"
%token TLS_CLIENT_DOMAIN "tls_client_domain"
%token IF "if"
%token ELSE "else"
%token BREAK "break"
%token EXIT "exit"
%token DROP "drop"
%token RETURN "return"
%token EQ "=="
%token NE "!="
%token RE "=~"
%token NRE "!~"
%token GE ">="
%token LE "<="
%token AND "&&"
%token OR "||"

%type <act> stmts stmt call args
%type <ex> cond
%type <opd> lhs rhs rval
%type <op> cmpop
%type <rh> route_head
%type <tok> rname daddr
%type <val> value

%destructor { pkg_free($$.s); } <tok>
%destructor { action_free_list($$); } <act>
%destructor { expr_free($$); } <ex>
%destructor { pkg_free($$.s); } <opd>
%destructor { pkg_free($$.name); } <rh>
%destructor { pkg_free((char *)$$.s); } <val>

%left OR
%left AND
%precedence '!'
%precedence LOWER_THAN_ELSE
%precedence ELSE

%%

cfg:
	  %empty
	| cfg top
	;

top:
	  ID '=' value          { cfg_do_global(p, $1.s, &$3); }
	| ';'
	| LOADMODULE STRING {
		struct cfg_pos pos = POS(@2);
		cfg_do_loadmodule(p, $2.s, &pos);
	  }
	| MODPARAM '(' STRING ',' STRING ',' STRING ')' {
		struct cfg_val v = val_of(p, CV_STR, &$7, &@7);
		cfg_do_modparam(p, $3.s, $5.s, &v);
	  }
	| MODPARAM '(' STRING ',' STRING ',' NUMBER ')' {
		struct cfg_val v = val_of(p, CV_NUM, &$7, &@7);
		cfg_do_modparam(p, $3.s, $5.s, &v);
	  }
	| route_head '{' stmts '}' {
		struct cfg_pos pos = POS(@1);
		cfg_do_route(p, $1.kind, $1.name, $3, &pos);
	  }
	| route_head '{' stmts error '}' {
		struct cfg_pos pos = POS(@1);
		cfg_do_route(p, $1.kind, $1.name, $3, &pos);
	  }
	| domain_head '{' dom_items '}' { cfg_do_domain_close(p); }
	| error
	;

value:
	  NUMBER                { $$ = val_of(p, CV_NUM, &$1, &@1); }
	| STRING                { $$ = val_of(p, CV_STR, &$1, &@1); }
	| ID                    { $$ = val_of(p, CV_ID, &$1, &@1); }
	| ADDR                  { $$ = val_of(p, CV_ID, &$1, &@1); }
	;

route_head:
	  ROUTE                          { $$.kind = ROUTE_REQUEST; $$.name = NULL; }
	| ROUTE '[' rname ']'            { $$.kind = ROUTE_REQUEST; $$.name = $3.s; }
	| FAILURE_ROUTE '[' rname ']'    { $$.kind = ROUTE_FAILURE; $$.name = $3.s; }
	| ONREPLY_ROUTE                  { $$.kind = ROUTE_ONREPLY; $$.name = NULL; }
	| ONREPLY_ROUTE '[' rname ']'    { $$.kind = ROUTE_ONREPLY; $$.name = $3.s; }
	| BRANCH_ROUTE '[' rname ']'     { $$.kind = ROUTE_BRANCH; $$.name = $3.s; }
	;

rname: NUMBER | ID | STRING ;

domain_head:
	  TLS_SERVER_DOMAIN '[' daddr[a] ']' {
		struct cfg_val v = val_of(p, CV_ID, &$a, &@a);
		cfg_do_domain_open(p, TLS_DOMAIN_SRV, &v);
	  }
	| TLS_CLIENT_DOMAIN '[' daddr[a] ']' {
		struct cfg_val v = val_of(p, CV_ID, &$a, &@a);
		cfg_do_domain_open(p, TLS_DOMAIN_CLI, &v);
	  }
	| TLS_CLIENT_DOMAIN '[' STRING ']' {
		struct cfg_val v = val_of(p, CV_STR, &$3, &@3);
		cfg_do_domain_open(p, TLS_DOMAIN_CLI, &v);
	  }
	;

daddr: ADDR | ID | NUMBER ;

dom_items:
	  %empty
	| dom_items dom_item
	;

dom_item:
	  ID '=' value          { cfg_do_domain_set(p, $1.s, &$3); }
	| ';'
	| error
	;

stmts:
	  %empty                { $$ = NULL; }
	| stmts stmt            { $$ = action_append($1, $2); }
	;

stmt:
	  call ';'              { $$ = $1; }
	| IF '(' cond ')' stmt %prec LOWER_THAN_ELSE {
		$$ = mk_if(p, $3, $5, NULL, &@1);
	  }
	| IF '(' cond ')' stmt ELSE stmt {
		$$ = mk_if(p, $3, $5, $7, &@1);
	  }
	| '{' stmts '}' {
		if (($$ = mk_action(p, A_BLOCK, &@1)) != NULL)
			$$->then_a = $2;
		else
			action_free_list($2);
	  }
	| '{' stmts error '}' {
		if (($$ = mk_action(p, A_BLOCK, &@1)) != NULL)
			$$->then_a = $2;
		else
			action_free_list($2);
	  }
	| BREAK ';'             { $$ = mk_action(p, A_BREAK, &@1); }
	| EXIT ';'              { $$ = mk_action(p, A_EXIT, &@1); }
	| DROP ';'              { $$ = mk_action(p, A_DROP, &@1); }
	| RETURN ';'            { $$ = mk_action(p, A_RETURN, &@1); }
	| RETURN '(' ')' ';'    { $$ = mk_action(p, A_RETURN, &@1); }
	| RETURN NUMBER ';' {
		if (($$ = mk_action(p, A_RETURN, &@1)) != NULL)
			$$ = add_arg(p, $$, ARG_NUM, &$2, &@2);
		else
			pkg_free($2.s);
	  }
	| RETURN '(' NUMBER ')' ';' {
		if (($$ = mk_action(p, A_RETURN, &@1)) != NULL)
			$$ = add_arg(p, $$, ARG_NUM, &$3, &@3);
		else
			pkg_free($3.s);
	  }
	| PV '=' rval ';' {
		if (($$ = mk_action(p, A_ASSIGN, &@1)) != NULL) {
			$$->lhs = opd_tok(p, OPD_PV, &$1, &@1);
			$$->rhs = $3;
		} else {
			pkg_free($1.s);
			pkg_free($3.s);
		}
	  }
	| ';'                   { $$ = NULL; }
	| error ';'             { $$ = NULL; }
	;

call:
	  ID '(' ')'            { $$ = mk_call(p, $1.s, NULL, &@1); }
	| ID '(' args ')'       { $$ = mk_call(p, $1.s, $3, &@1); }
	| ROUTE '(' args ')' {
		char *n = pkg_strndup("route", 5);
		if (n == NULL) {
			oom(p, &@1);
			action_free_list($3);
			$$ = NULL;
		} else {
			$$ = mk_call(p, n, $3, &@1);
		}
	  }
	;

args:
	  STRING                { $$ = add_arg(p, NULL, ARG_STR, &$1, &@1); }
	| NUMBER                { $$ = add_arg(p, NULL, ARG_NUM, &$1, &@1); }
	| ID                    { $$ = add_arg(p, NULL, ARG_ID, &$1, &@1); }
	| ADDR                  { $$ = add_arg(p, NULL, ARG_ID, &$1, &@1); }
	| PV                    { $$ = add_arg(p, NULL, ARG_PV, &$1, &@1); }
	| args ',' STRING       { $$ = add_arg(p, $1, ARG_STR, &$3, &@3); }
	| args ',' NUMBER       { $$ = add_arg(p, $1, ARG_NUM, &$3, &@3); }
	| args ',' ID           { $$ = add_arg(p, $1, ARG_ID, &$3, &@3); }
	| args ',' ADDR         { $$ = add_arg(p, $1, ARG_ID, &$3, &@3); }
	| args ',' PV           { $$ = add_arg(p, $1, ARG_PV, &$3, &@3); }
	;

cond:
	  cond OR cond          { $$ = mk_expr(p, EXP_OR, $1, $3, &@2); }
	| cond AND cond         { $$ = mk_expr(p, EXP_AND, $1, $3, &@2); }
	| '!' cond              { $$ = mk_expr(p, EXP_NOT, $2, NULL, &@1); }
	| '(' cond ')'          { $$ = $2; }
	| lhs cmpop rhs         { $$ = mk_cmp(p, &$1, $2, &$3, &@2); }
	| call {
		if (($$ = mk_expr(p, EXP_CALL, NULL, NULL, &@1)) != NULL)
			$$->call = $1;
		else
			action_free_list($1);
	  }
	| PV {
		if (($$ = mk_expr(p, EXP_VALUE, NULL, NULL, &@1)) != NULL)
			$$->lhs = opd_tok(p, OPD_PV, &$1, &@1);
		else
			pkg_free($1.s);
	  }
	;

lhs:
	  ATTR                  { $$ = opd_kw(p, $1, &@1); }
	| PV                    { $$ = opd_tok(p, OPD_PV, &$1, &@1); }
	;

rhs:
	  rval
	| ATTR                  { $$ = opd_kw(p, $1, &@1); }
	;

rval:
	  STRING                { $$ = opd_tok(p, OPD_STR, &$1, &@1); }
	| NUMBER                { $$ = opd_tok(p, OPD_NUM, &$1, &@1); }
	| ID                    { $$ = opd_tok(p, OPD_ID, &$1, &@1); }
	| ADDR                  { $$ = opd_tok(p, OPD_ID, &$1, &@1); }
	| PV                    { $$ = opd_tok(p, OPD_PV, &$1, &@1); }
	;

cmpop:
	  EQ                    { $$ = OP_EQ; }
	| NE                    { $$ = OP_NE; }
	| RE                    { $$ = OP_RE; }
	| NRE                   { $$ = OP_NRE; }
	| '>'                   { $$ = OP_GT; }
	| '<'                   { $$ = OP_LT; }
	| GE                    { $$ = OP_GE; }
	| LE                    { $$ = OP_LE; }
	;

%%

static void
cfg_yyerror(CFG_YYLTYPE *loc, struct cfg_parser *p, const char *msg)
{
	struct cfg_pos pos = pos_of(p, loc);

	cfg_error(p, &pos, "%s", msg);
}

/* A token's name for messages: identifier, string, '==', '{', 'route'. */
static void
sym_name(char *buf, size_t n, yysymbol_kind_t k)
{
	const char *s = yysymbol_name(k);

	if (s[0] == '\'' || k == YYSYMBOL_YYEOF || k == YYSYMBOL_YYUNDEF ||
	    k == YYSYMBOL_ID || k == YYSYMBOL_ADDR || k == YYSYMBOL_STRING ||
	    k == YYSYMBOL_NUMBER || k == YYSYMBOL_PV || k == YYSYMBOL_ATTR)
		snprintf(buf, n, "%s", s);
	else
		snprintf(buf, n, "'%s'", s);
}

/* "syntax error: unexpected X 'text', expecting A or B" */
static int
yyreport_syntax_error(const yypcontext_t *ctx, struct cfg_parser *p)
{
	yysymbol_kind_t exp[4], tok = yypcontext_token(ctx);
	struct cfg_pos pos = pos_of(p, yypcontext_location(ctx));
	char msg[512], name[64];
	size_t o;
	int i, n;

	n = yypcontext_expected_tokens(ctx, exp, 4);
	if (n < 0)
		return n;
	sym_name(name, sizeof(name), tok);
	o = (size_t)snprintf(msg, sizeof(msg), "syntax error: unexpected %s",
	    name);
	if ((tok == YYSYMBOL_ID || tok == YYSYMBOL_ADDR ||
	    tok == YYSYMBOL_NUMBER || tok == YYSYMBOL_PV) &&
	    p->last[0] != '\0')
		o += (size_t)snprintf(msg + o, sizeof(msg) - o, " '%s'",
		    p->last);
	else if (tok == YYSYMBOL_STRING)
		o += (size_t)snprintf(msg + o, sizeof(msg) - o, " %s", p->last);
	for (i = 0; i < n && o < sizeof(msg); i++) {
		sym_name(name, sizeof(name), exp[i]);
		o += (size_t)snprintf(msg + o, sizeof(msg) - o, "%s%s",
		    i == 0 ? ", expecting " : " or ", name);
	}
	cfg_error(p, &pos, "%s", msg);
	return 0;
}
