/* db/db_shape.c: the SQL text of a handle's recent calls, found again by
 * the call's names.
 *
 * A module makes the same few calls over and over (the same table, keys
 * and columns, other values).  Building and checking their text costs
 * more than SQLite takes to run an indexed lookup, so each handle
 * remembers the last DB_SHAPES call shapes: the kind of call, the counts,
 * which WHERE values are NULL (that changes the text), copies of every
 * name, and the text built for them.  A call whose names are byte for
 * byte those of a remembered shape reuses its text; the names are
 * compared, never their addresses, so a module may build them anywhere.
 * Remembered names were checked when the text was first built. */
#include <stdint.h>
#include <string.h>

#include "../base/err.h"
#include "../mem/pkg.h"
#include "db_int.h"

/* in pkg, one block: names, then the SQL text */
struct db_shape {
	enum db_call_kind kind;
	int n, nc, nkeys;
	uint64_t nuls; /* bit i: WHERE value i is NULL */
	size_t names_len, sql_len;
	uint32_t hash;
	void *stmt; /* the statement last used, valid in epoch */
	unsigned epoch;
	char data[]; /* names, each as a length byte and the bytes;
			      then the text, NUL-terminated */
};

/* Bits of the WHERE values that are NULL; vals may be NULL if n == 0. */
static uint64_t
nul_bits(const struct db_call *c)
{
	uint64_t b = 0;
	int i;

	if (c->kind == DB_CALL_INSERT || c->kind == DB_CALL_REPLACE)
		return 0; /* a NULL is bound there: the text is the same */
	for (i = 0; i < c->n && i < 64; i++)
		if (c->vals[i].nul)
			b |= (uint64_t)1 << i;
	return b;
}

/* The names of a call in order, with a callback per name; stops at the
 * first callback that returns false. */
static bool
each_name(const struct db_call *c, bool (*fn)(void *, const char *), void *arg)
{
	int i;

	if (!fn(arg, c->table))
		return false;
	for (i = 0; i < c->n; i++)
		if (!fn(arg, c->keys[i]))
			return false;
	if (c->kind == DB_CALL_SELECT || c->kind == DB_CALL_UPDATE ||
	    c->kind == DB_CALL_DELETE)
		for (i = 0; i < c->n; i++)
			if (!fn(arg,
			        c->ops && c->ops[i] ? c->ops[i] : DB_OP_EQ))
				return false;
	for (i = 0; i < c->nc; i++)
		if (!fn(arg, c->cols[i]))
			return false;
	return fn(arg, c->order ? c->order : "");
}

static bool
name_len(void *arg, const char *s)
{
	size_t *len = arg, n;

	if (s == NULL || (n = strlen(s)) > 255)
		return false; /* bad anyway: the builder says so */
	*len += n + 1;
	return true;
}

static bool
name_copy(void *arg, const char *s)
{
	unsigned char **p = arg;
	size_t n = strlen(s);

	**p = (unsigned char)n;
	memcpy(*p + 1, s, n);
	*p += n + 1;
	return true;
}

/* s equals the next name at *p (and *p moves past it); strlen and memcmp
 * rather than a loop over bytes: this runs for every name of every
 * call */
static bool
name_eq(void *arg, const char *s)
{
	const unsigned char **p = arg;
	size_t n;

	if (s == NULL || (n = strlen(s)) != **p || memcmp(*p + 1, s, n) != 0)
		return false;
	*p += n + 1;
	return true;
}

static bool
shape_eq(const struct db_shape *s, const struct db_call *c, uint64_t nuls)
{
	const unsigned char *p = (const unsigned char *)s->data;

	return s->kind == c->kind && s->n == c->n && s->nc == c->nc &&
	    s->nkeys == c->nkeys && s->nuls == nuls &&
	    each_name(c, name_eq, &p);
}

/* The values in placeholder order, as the builders of db_sql.c put
 * them. */
static void
shape_params(struct db_sql *q, const struct db_call *c)
{
	int i;

	q->np = 0;
	if (c->kind == DB_CALL_UPDATE)
		for (i = 0; i < c->nc; i++)
			q->params[q->np++] = &c->uvals[i];
	for (i = 0; i < c->n; i++)
		if (c->kind == DB_CALL_INSERT || c->kind == DB_CALL_REPLACE ||
		    !c->vals[i].nul)
			q->params[q->np++] = &c->vals[i];
}

bool
db_shape_find(struct db_shapes *m, const struct db_call *c, struct db_sql *q)
{
	const struct db_shape *s;
	uint64_t nuls;
	int i;

	if (c->n < 0 || c->n > DB_MAX_COLS || c->nc < 0 ||
	    c->nc > DB_MAX_COLS ||
	    (c->n > 0 && (c->keys == NULL || c->vals == NULL)) ||
	    (c->nc > 0 && c->cols == NULL) ||
	    (c->kind == DB_CALL_UPDATE && c->uvals == NULL))
		return false; /* the builder says what is wrong */
	nuls = nul_bits(c);
	for (i = 0; i < DB_SHAPES; i++) {
		if ((s = m->slot[i]) == NULL || !shape_eq(s, c, nuls))
			continue;
		q->len = 0;
		q->rc = 0;
		if (q->cap < s->sql_len + 1) {
			char *b = pkg_realloc(q->buf, s->sql_len + 1);

			if (b == NULL)
				return false;
			q->buf = b;
			q->cap = s->sql_len + 1;
		}
		memcpy(q->buf, s->data + s->names_len, s->sql_len + 1);
		q->len = s->sql_len;
		q->hash = s->hash;
		q->shape = m->slot[i];
		shape_params(q, c);
		return true;
	}
	return false;
}

void
db_shape_keep(struct db_shapes *m, const struct db_call *c, struct db_sql *q)
{
	struct db_shape *s;
	size_t names = 0;
	unsigned char *p;

	if (!each_name(c, name_len, &names))
		return;
	if ((s = pkg_malloc(sizeof(*s) + names + q->len + 1)) == NULL)
		return; /* not remembered: built again next time */
	s->kind = c->kind;
	s->n = c->n;
	s->nc = c->nc;
	s->nkeys = c->nkeys;
	s->nuls = nul_bits(c);
	s->names_len = names;
	s->sql_len = q->len;
	s->hash = q->hash;
	s->stmt = NULL;
	s->epoch = 0;
	p = (unsigned char *)s->data;
	each_name(c, name_copy, &p);
	memcpy(s->data + names, q->buf, q->len + 1);
	pkg_free(m->slot[m->next]);
	m->slot[m->next] = s;
	q->shape = s;
	m->next = (m->next + 1) % DB_SHAPES;
}

void
db_shape_clear(struct db_shapes *m)
{
	int i;

	for (i = 0; i < DB_SHAPES; i++) {
		pkg_free(m->slot[i]);
		m->slot[i] = NULL;
	}
	m->next = 0;
}

void *
db_shape_stmt(const struct db_shape *s, unsigned epoch)
{
	return s != NULL && s->stmt != NULL && s->epoch == epoch ? s->stmt
	                                                         : NULL;
}

void
db_shape_set_stmt(struct db_shape *s, void *stmt, unsigned epoch)
{
	if (s != NULL) {
		s->stmt = stmt;
		s->epoch = epoch;
	}
}
