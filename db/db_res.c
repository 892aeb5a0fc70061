/* db/db_res.c: the memory of results (a list of pkg chunks handed out by
 * a bump pointer, so that a result is one or two allocations however many
 * values it holds) and the shared column lists (see db_res.h). */
#include <stdlib.h>
#include <string.h>

#include "../base/err.h"
#include "../mem/pkg.h"
#include "db_res.h"

/* in pkg; owned by its result */
struct db_chunk {
	struct db_chunk *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

#define CHUNK_MIN 2048

struct db_res *
db_res_new(void)
{
	struct db_chunk *c;
	struct db_res *r;
	size_t hdr = (sizeof(*r) + 15) & ~(size_t)15;

	/* the result itself sits at the start of its first chunk */
	if ((c = pkg_malloc(sizeof(*c) + CHUNK_MIN)) == NULL)
		return NULL;
	c->next = NULL;
	c->size = CHUNK_MIN;
	c->used = hdr;
	r = (struct db_res *)(void *)c->data;
	memset(r, 0, sizeof(*r));
	r->chunks = c;
	return r;
}

struct db_res *
db_res_recycle(struct db_res *r)
{
	struct db_chunk *first = r->chunks, *c, *next;

	db_cols_unref(r->cols);
	for (c = first->next; c != NULL; c = next) {
		next = c->next;
		pkg_free(c);
	}
	first->next = NULL;
	first->used = (sizeof(*r) + 15) & ~(size_t)15;
	memset(r, 0, sizeof(*r));
	r->chunks = first;
	return r;
}

void
db_res_free(struct db_res *r)
{
	struct db_chunk *first, *c, *next;

	if (r == NULL)
		return;
	db_cols_unref(r->cols);
	/* the first chunk holds r itself: free it last */
	first = r->chunks;
	for (c = first->next; c != NULL; c = next) {
		next = c->next;
		pkg_free(c);
	}
	pkg_free(first);
}

void *
db_res_alloc(struct db_res *r, size_t n)
{
	struct db_chunk *c = r->chunks, *nc;
	size_t size;
	void *p;

	n = (n + 15) & ~(size_t)15;
	/* the newest chunk is second in the list (the first holds r) */
	if (c->next != NULL && c->next->size - c->next->used >= n)
		c = c->next;
	else if (c->size - c->used < n) {
		size = n > CHUNK_MIN * 4 ? n : CHUNK_MIN * 4;
		if ((nc = pkg_malloc(sizeof(*nc) + size)) == NULL)
			return NULL;
		nc->size = size;
		nc->used = 0;
		nc->next = c->next;
		c->next = nc;
		c = nc;
	}
	p = c->data + c->used;
	c->used += n;
	return p;
}

int
db_res_cols(struct db_res *r, int n)
{
	if (n < 0 || r->n_cols != 0)
		return E_BUG;
	if (n == 0)
		return 0;
	r->names_ = db_res_alloc(r, sizeof(*r->names_) * (size_t)n);
	r->types_ = db_res_alloc(r, sizeof(*r->types_) * (size_t)n);
	if (r->names_ == NULL || r->types_ == NULL)
		return E_NOMEM;
	memset(r->names_, 0, sizeof(*r->names_) * (size_t)n);
	memset(r->types_, 0, sizeof(*r->types_) * (size_t)n);
	r->col_names = r->names_;
	r->col_types = r->types_;
	r->n_cols = n;
	return 0;
}

int
db_res_col_set(struct db_res *r, int i, const char *name, size_t len,
    enum db_type t)
{
	char *s;

	if (i < 0 || i >= r->n_cols || r->names_ == NULL)
		return E_BUG;
	if ((s = db_res_alloc(r, len + 1)) == NULL)
		return E_NOMEM;
	memcpy(s, name, len);
	s[len] = '\0';
	r->names_[i] = s;
	r->types_[i] = t;
	return 0;
}

struct db_val *
db_res_row_add(struct db_res *r)
{
	struct db_row *rows;
	struct db_val *v;
	int cap, i;

	if (r->n_rows == r->rows_cap) {
		cap = r->rows_cap ? 2 * r->rows_cap : 4;
		/* the old array stays in the chunk: chunks are freed whole */
		if ((rows = db_res_alloc(r, sizeof(*rows) * (size_t)cap)) ==
		    NULL)
			return NULL;
		if (r->n_rows)
			memcpy(rows, r->rows,
			    sizeof(*rows) * (size_t)r->n_rows);
		r->rows = rows;
		r->rows_cap = cap;
	}
	if ((v = db_res_alloc(r,
	         sizeof(*v) * (size_t)(r->n_cols ? r->n_cols : 1))) == NULL)
		return NULL;
	for (i = 0; i < r->n_cols; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		v[i].type = r->col_types[i];
		v[i].nul = true;
	}
	r->rows[r->n_rows].n = r->n_cols;
	r->rows[r->n_rows].values = v;
	r->n_rows++;
	return v;
}

int
db_res_val_bytes(struct db_res *r, struct db_val *v, enum db_type t,
    const char *s, size_t len)
{
	char *p;

	if ((p = db_res_alloc(r, len + 1)) == NULL)
		return E_NOMEM;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	v->type = t;
	v->nul = false;
	v->v.str = (struct str){ p, len };
	return 0;
}

/* in pkg; refs: the statement's and each result's */
struct db_cols {
	int refs, n;
	size_t len, cap;   /* of names */
	char *names;       /* n NUL-terminated names, one after another */
	size_t *offs;      /* where each starts in names */
	const char **ptrs; /* made by the first db_res_cols_use() */
	enum db_type *types;
};

int
db_cols_add(struct db_cols **cp, const char *name, size_t len, enum db_type t)
{
	struct db_cols *c = *cp;
	size_t cap, *offs;
	enum db_type *types;
	char *names;

	if (c == NULL) {
		if ((c = pkg_zalloc(sizeof(*c))) == NULL)
			return E_NOMEM;
		c->refs = 1;
		*cp = c;
	}
	if (c->ptrs != NULL)
		return E_BUG;
	cap = c->cap ? c->cap : 64;
	while (cap < c->len + len + 1)
		cap *= 2;
	if (cap != c->cap) {
		if ((names = pkg_realloc(c->names, cap)) == NULL)
			return E_NOMEM;
		c->names = names;
		c->cap = cap;
	}
	offs = pkg_realloc(c->offs, sizeof(*offs) * (size_t)(c->n + 1));
	if (offs == NULL)
		return E_NOMEM;
	c->offs = offs;
	types = pkg_realloc(c->types, sizeof(*types) * (size_t)(c->n + 1));
	if (types == NULL)
		return E_NOMEM;
	c->types = types;
	memcpy(c->names + c->len, name, len);
	c->names[c->len + len] = '\0';
	c->offs[c->n] = c->len;
	c->types[c->n] = t;
	c->len += len + 1;
	c->n++;
	return 0;
}

void
db_cols_unref(struct db_cols *c)
{
	if (c == NULL || --c->refs > 0)
		return;
	pkg_free(c->names);
	pkg_free(c->offs);
	pkg_free(c->ptrs);
	pkg_free(c->types);
	pkg_free(c);
}

int
db_res_cols_use(struct db_res *r, struct db_cols *c)
{
	int i;

	if (r->n_cols != 0)
		return E_BUG;
	if (c == NULL || c->n == 0)
		return 0;
	if (c->ptrs == NULL) {
		if ((c->ptrs = pkg_malloc(sizeof(*c->ptrs) * (size_t)c->n)) ==
		    NULL)
			return E_NOMEM;
		for (i = 0; i < c->n; i++)
			c->ptrs[i] = c->names + c->offs[i];
	}
	c->refs++;
	r->cols = c;
	r->col_names = c->ptrs;
	r->col_types = c->types;
	r->n_cols = c->n;
	return 0;
}
