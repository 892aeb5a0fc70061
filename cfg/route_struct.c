/* route_struct.c: builders and destructors for the routing script tree. */
#include "../mem/pkg.h"
#include "route_struct.h"

struct action *
action_new(enum action_type type, const struct cfg_pos *pos)
{
	struct action *a;

	if ((a = pkg_zalloc(sizeof(*a))) == NULL)
		return NULL;
	a->type = type;
	if (pos != NULL)
		a->pos = *pos;
	return a;
}

struct expr *
expr_new(enum expr_type type, const struct cfg_pos *pos)
{
	struct expr *e;

	if ((e = pkg_zalloc(sizeof(*e))) == NULL)
		return NULL;
	e->type = type;
	if (pos != NULL)
		e->pos = *pos;
	return e;
}

struct action *
action_append(struct action *a, struct action *b)
{
	struct action *t;

	if (a == NULL)
		return b;
	for (t = a; t->next != NULL; t = t->next)
		;
	t->next = b;
	return a;
}

static void
action_free(struct action *a)
{
	int i;

	pkg_free(a->name);
	for (i = 0; i < a->nargs && i < MAX_ACTION_ARGS; i++)
		pkg_free(a->args[i].s);
	expr_free(a->cond);
	action_free_list(a->then_a);
	action_free_list(a->else_a);
	pkg_free(a->lhs.s);
	pkg_free(a->rhs.s);
	pkg_free(a);
}

void
action_free_list(struct action *a)
{
	struct action *next;

	for (; a != NULL; a = next) {
		next = a->next;
		action_free(a);
	}
}

void
expr_free(struct expr *e)
{
	if (e == NULL)
		return;
	expr_free(e->l);
	expr_free(e->r);
	pkg_free(e->lhs.s);
	pkg_free(e->rhs.s);
	action_free_list(e->call);
	pkg_free(e);
}

void
route_blocks_free(struct route_block *r)
{
	struct route_block *next;

	for (; r != NULL; r = next) {
		next = r->next;
		pkg_free(r->name);
		action_free_list(r->actions);
		pkg_free(r);
	}
}
