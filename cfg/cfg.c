/* cfg.c: the config parser's entry points, its glue to the hooks and the
 * canonical printer. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "../base/err.h"
#include "../mem/pkg.h"

/* Interned file names: malloc'd, never freed (positions point at them). */
struct intern {
	struct intern *next;
	char name[];
};
static struct intern *interned;

const char *
cfg_intern(const char *name)
{
	struct intern *i;
	size_t n;

	if (name == NULL)
		name = "<config>";
	for (i = interned; i != NULL; i = i->next)
		if (strcmp(i->name, name) == 0)
			return i->name;
	n = strlen(name);
	if ((i = malloc(sizeof(*i) + n + 1)) == NULL)
		return "<config>";
	memcpy(i->name, name, n + 1);
	i->next = interned;
	interned = i;
	return i->name;
}

void
cfg_error(struct cfg_parser *p, const struct cfg_pos *pos, const char *fmt,
    ...)
{
	FILE *f = p->h->err_file != NULL ? p->h->err_file : stderr;
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(f, "%s:%d:%d: %s\n", pos->file ? pos->file : p->file,
	    pos->line, pos->col, msg);
	p->nerrors++;
}

/* Report a hook's failure at pos and free its message. */
static void
hook_error(struct cfg_parser *p, const struct cfg_pos *pos, int rc, char *err)
{
	cfg_error(p, pos, "%s", err != NULL ? err : err_str(rc));
	pkg_free(err);
}

void
cfg_do_global(struct cfg_parser *p, char *name, struct cfg_val *v)
{
	char *err = NULL;
	int rc;

	if (p->h->global != NULL)
		rc = p->h->global(name, v, &err);
	else
		rc = core_param_set(name, v, &err);
	if (rc != 0)
		hook_error(p, &v->pos, rc, err);
	pkg_free(name);
	pkg_free((char *)v->s);
}

void
cfg_do_loadmodule(struct cfg_parser *p, char *path, const struct cfg_pos *pos)
{
	char *err = NULL;
	int rc;

	if (p->h->loadmodule != NULL)
		rc = p->h->loadmodule(path, pos, &err);
	else
		rc = E_INVAL, err = err_fmt("loadmodule \"%s\": no module "
		    "loader", path);
	if (rc != 0)
		hook_error(p, pos, rc, err);
	pkg_free(path);
}

void
cfg_do_modparam(struct cfg_parser *p, char *mod, char *param,
    struct cfg_val *v)
{
	char *err = NULL;
	int rc;

	if (p->h->modparam != NULL)
		rc = p->h->modparam(mod, param, v, &err);
	else
		rc = E_INVAL, err = err_fmt("modparam(\"%s\", \"%s\"): no "
		    "module loader", mod, param);
	if (rc != 0)
		hook_error(p, &v->pos, rc, err);
	pkg_free(mod);
	pkg_free(param);
	pkg_free((char *)v->s);
}

static const char *const route_kw[ROUTE_KIND_COUNT] = {
	[ROUTE_REQUEST] = "route",
	[ROUTE_FAILURE] = "failure_route",
	[ROUTE_ONREPLY] = "onreply_route",
	[ROUTE_BRANCH] = "branch_route",
};

void
cfg_do_route(struct cfg_parser *p, enum route_kind kind, char *name,
    struct action *body, const struct cfg_pos *pos)
{
	struct route_block *r, **tail;

	/* route[0] and onreply_route[0] are the main blocks (1.x numbering) */
	if (name != NULL && strcmp(name, "0") == 0 &&
	    (kind == ROUTE_REQUEST || kind == ROUTE_ONREPLY)) {
		pkg_free(name);
		name = NULL;
	}
	for (tail = &p->routes; *tail != NULL; tail = &(*tail)->next) {
		r = *tail;
		if (r->kind != kind || (r->name == NULL) != (name == NULL) ||
		    (name != NULL && strcmp(r->name, name) != 0))
			continue;
		if (name != NULL)
			cfg_error(p, pos, "%s[%s] is already defined at %s:%d",
			    route_kw[kind], name, r->pos.file, r->pos.line);
		else
			cfg_error(p, pos, "%s is already defined at %s:%d",
			    route_kw[kind], r->pos.file, r->pos.line);
		pkg_free(name);
		action_free_list(body);
		return;
	}
	if ((r = pkg_zalloc(sizeof(*r))) == NULL) {
		cfg_error(p, pos, "out of memory");
		pkg_free(name);
		action_free_list(body);
		return;
	}
	r->kind = kind;
	r->name = name;
	r->actions = body;
	r->pos = *pos;
	*tail = r;
}

void
cfg_do_domain_open(struct cfg_parser *p, enum tls_domain_type type,
    struct cfg_val *addr)
{
	char *err = NULL;
	int rc;

	if (p->in_domain)
		cfg_do_domain_close(p);
	if (p->h->tls_domain_open != NULL)
		rc = p->h->tls_domain_open(type, addr, &err);
	else
		rc = tls_cfg_domain_open(type, addr, &err);
	if (rc != 0)
		hook_error(p, &addr->pos, rc, err);
	p->in_domain = 1;
	p->dom_pos = addr->pos;
	pkg_free((char *)addr->s);
}

void
cfg_do_domain_set(struct cfg_parser *p, char *name, struct cfg_val *v)
{
	char *err = NULL;
	int rc;

	if (p->h->tls_domain_set != NULL)
		rc = p->h->tls_domain_set(name, v, &err);
	else
		rc = tls_cfg_domain_set(name, v, &err);
	if (rc != 0)
		hook_error(p, &v->pos, rc, err);
	pkg_free(name);
	pkg_free((char *)v->s);
}

void
cfg_do_domain_close(struct cfg_parser *p)
{
	char *err = NULL;
	int rc;

	if (!p->in_domain)
		return;
	p->in_domain = 0;
	if (p->h->tls_domain_close != NULL)
		rc = p->h->tls_domain_close(&err);
	else
		rc = tls_cfg_domain_close(&err);
	if (rc != 0)
		hook_error(p, &p->dom_pos, rc, err);
}

int
cfg_parse_buffer(const char *name, const char *buf, size_t len,
    const struct cfg_hooks *h, struct route_block **routes, int *nerrors)
{
	static const struct cfg_hooks none;
	struct cfg_parser p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.file = cfg_intern(name);
	p.h = h != NULL ? h : &none;
	rc = cfg_scan_run(&p, buf, len);
	if (rc != 0) {
		struct cfg_pos pos = { p.file, p.line, p.col };

		cfg_error(&p, &pos, "%s", rc == E_TOOBIG ? "file too big" :
		    "out of memory");
	}
	cfg_do_domain_close(&p);
	*routes = p.routes;
	if (nerrors != NULL)
		*nerrors = p.nerrors;
	if (rc != 0)
		return rc;
	return p.nerrors ? E_PARSE : 0;
}

int
cfg_parse_file(const char *path, const struct cfg_hooks *h,
    struct route_block **routes, int *nerrors)
{
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0, n;
	FILE *f;
	int rc;

	*routes = NULL;
	if (nerrors != NULL)
		*nerrors = 1;
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
		return E_IO;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((nb = pkg_realloc(buf, cap)) == NULL) {
				fprintf(stderr, "%s: out of memory\n", path);
				fclose(f);
				pkg_free(buf);
				return E_NOMEM;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
		fclose(f);
		pkg_free(buf);
		return E_IO;
	}
	fclose(f);
	rc = cfg_parse_buffer(path, buf, len, h, routes, nerrors);
	pkg_free(buf);
	return rc;
}

/* ---- canonical printer ---- */

static const char *const attr_name[] = {
	[OPD_METHOD] = "method", [OPD_URI] = "uri",
	[OPD_FROM_URI] = "from_uri", [OPD_TO_URI] = "to_uri",
	[OPD_SRC_IP] = "src_ip", [OPD_DST_IP] = "dst_ip",
	[OPD_SRC_PORT] = "src_port", [OPD_DST_PORT] = "dst_port",
	[OPD_PROTO] = "proto", [OPD_AF] = "af", [OPD_MSGLEN] = "msg:len",
	[OPD_RETCODE] = "retcode", [OPD_MYSELF] = "myself",
};

static const char *const op_name[] = {
	[OP_EQ] = "==", [OP_NE] = "!=", [OP_RE] = "=~", [OP_NRE] = "!~",
	[OP_GT] = ">", [OP_LT] = "<", [OP_GE] = ">=", [OP_LE] = "<=",
};

static void
print_quoted(FILE *f, const char *s, size_t len)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default: fputc(s[i], f); break;
		}
	}
	fputc('"', f);
}

static void
print_operand(FILE *f, const struct operand *o)
{
	if (o->type == OPD_STR)
		print_quoted(f, o->s, o->len);
	else if (o->type >= OPD_PV && o->s != NULL)
		fputs(o->s, f);
	else if (o->type > OPD_NONE && o->type <= OPD_MYSELF)
		fputs(attr_name[o->type], f);
	else
		fputs("?", f);
}

static void print_expr(FILE *f, const struct expr *e);
static void print_actions(FILE *f, const struct action *a, int depth);

static void
print_call(FILE *f, const struct action *a)
{
	int i;

	fprintf(f, "%s(", a->name ? a->name : "?");
	for (i = 0; i < a->nargs && i < MAX_ACTION_ARGS; i++) {
		if (i > 0)
			fputs(", ", f);
		if (a->args[i].type == ARG_STR)
			print_quoted(f, a->args[i].s, a->args[i].len);
		else
			fputs(a->args[i].s ? a->args[i].s : "", f);
	}
	fputc(')', f);
}

/* Child c of a binary node of type t: parenthesize when needed to keep
 * the same tree (&& binds tighter than ||; both are left-associative). */
static void
print_sub(FILE *f, const struct expr *c, enum expr_type t, bool right)
{
	bool paren = c != NULL && (c->type == EXP_AND || c->type == EXP_OR) &&
	    ((t == EXP_AND && c->type == EXP_OR) || (right && c->type == t));

	if (paren)
		fputc('(', f);
	print_expr(f, c);
	if (paren)
		fputc(')', f);
}

static void
print_expr(FILE *f, const struct expr *e)
{
	if (e == NULL) {
		fputs("?", f);
		return;
	}
	switch (e->type) {
	case EXP_AND:
	case EXP_OR:
		print_sub(f, e->l, e->type, false);
		fputs(e->type == EXP_AND ? " && " : " || ", f);
		print_sub(f, e->r, e->type, true);
		break;
	case EXP_NOT:
		if (e->l != NULL &&
		    (e->l->type == EXP_CALL || e->l->type == EXP_VALUE)) {
			fputc('!', f);
			print_expr(f, e->l);
		} else {
			fputs("!(", f);
			print_expr(f, e->l);
			fputc(')', f);
		}
		break;
	case EXP_CMP:
		print_operand(f, &e->lhs);
		fprintf(f, " %s ", e->op > OP_NONE && e->op <= OP_LE ?
		    op_name[e->op] : "?");
		print_operand(f, &e->rhs);
		break;
	case EXP_CALL:
		if (e->call != NULL)
			print_call(f, e->call);
		break;
	case EXP_VALUE:
		print_operand(f, &e->lhs);
		break;
	}
}

static void
indent(FILE *f, int depth)
{
	while (depth-- > 0)
		fputc('\t', f);
}

static void
print_if(FILE *f, const struct action *a, int depth)
{
	fputs("if (", f);
	print_expr(f, a->cond);
	fputs(") {\n", f);
	print_actions(f, a->then_a, depth + 1);
	indent(f, depth);
	fputc('}', f);
	if (a->else_a == NULL) {
		fputc('\n', f);
	} else if (a->else_a->type == A_IF && a->else_a->next == NULL) {
		fputs(" else ", f);
		print_if(f, a->else_a, depth);
	} else {
		fputs(" else {\n", f);
		print_actions(f, a->else_a, depth + 1);
		indent(f, depth);
		fputs("}\n", f);
	}
}

static void
print_actions(FILE *f, const struct action *a, int depth)
{
	for (; a != NULL; a = a->next) {
		indent(f, depth);
		switch (a->type) {
		case A_CALL:
			print_call(f, a);
			fputs(";\n", f);
			break;
		case A_IF:
			print_if(f, a, depth);
			break;
		case A_ASSIGN:
			print_operand(f, &a->lhs);
			fputs(" = ", f);
			print_operand(f, &a->rhs);
			fputs(";\n", f);
			break;
		case A_DROP: fputs("drop;\n", f); break;
		case A_EXIT: fputs("exit;\n", f); break;
		case A_BREAK: fputs("break;\n", f); break;
		case A_RETURN:
			if (a->nargs > 0 && a->args[0].s != NULL)
				fprintf(f, "return(%s);\n", a->args[0].s);
			else
				fputs("return;\n", f);
			break;
		case A_BLOCK:
			fputs("{\n", f);
			print_actions(f, a->then_a, depth + 1);
			indent(f, depth);
			fputs("}\n", f);
			break;
		}
	}
}

static bool
bare_name(const char *s)
{
	size_t i;
	bool digits = true;

	if (s[0] == '\0')
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
		if (!isdigit((unsigned char)s[i]))
			digits = false;
	}
	return digits || !isdigit((unsigned char)s[0]);
}

void
cfg_print_routes(FILE *f, const struct route_block *r)
{
	for (; r != NULL; r = r->next) {
		fputs(route_kw[r->kind < ROUTE_KIND_COUNT ? r->kind : 0], f);
		if (r->name != NULL && bare_name(r->name)) {
			fprintf(f, "[%s]", r->name);
		} else if (r->name != NULL) {
			fputc('[', f);
			print_quoted(f, r->name, strlen(r->name));
			fputc(']', f);
		}
		fputs(" {\n", f);
		print_actions(f, r->actions, 1);
		fputs("}\n", f);
		if (r->next != NULL)
			fputc('\n', f);
	}
}
