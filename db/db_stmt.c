/* db/db_stmt.c: prepared statements of one connection, found by their
 * SQL text.  The text holds no values (they are bound), so a module has
 * a handful of distinct statements and the cache rarely fills; when it
 * does, the oldest entry makes room (round robin over the slots). */
#include <stdint.h>
#include <string.h>

#include "../base/err.h"
#include "../mem/pkg.h"
#include "db_int.h"

/* in pkg, one block with its text */
struct db_stmt_ent {
	struct db_stmt_ent *next; /* bucket chain */
	uint32_t hash;
	size_t len;
	void *stmt;
	char sql[];
};

void *
db_stmt_get(struct db_stmt_cache *c, const char *sql, size_t len, uint32_t h)
{
	struct db_stmt_ent *e;

	for (e = c->bucket[h % DB_STMT_BUCKETS]; e != NULL; e = e->next)
		if (e->hash == h && e->len == len &&
		    memcmp(e->sql, sql, len) == 0)
			return e->stmt;
	return NULL;
}

static void
stmt_unlink(struct db_stmt_cache *c, struct db_stmt_ent *e)
{
	struct db_stmt_ent **pp = &c->bucket[e->hash % DB_STMT_BUCKETS];

	while (*pp != NULL && *pp != e)
		pp = &(*pp)->next;
	if (*pp == e)
		*pp = e->next;
}

int
db_stmt_put(struct db_stmt_cache *c, const char *sql, size_t len, uint32_t hash,
    void *stmt, void **evicted)
{
	struct db_stmt_ent *e, *old;
	int i;

	*evicted = NULL;
	if ((e = pkg_malloc(sizeof(*e) + len + 1)) == NULL)
		return E_NOMEM;
	e->hash = hash;
	e->len = len;
	e->stmt = stmt;
	memcpy(e->sql, sql, len);
	e->sql[len] = '\0';
	if (c->n < DB_STMT_MAX) {
		i = c->n++;
	} else {
		i = c->victim;
		c->victim = (c->victim + 1) % DB_STMT_MAX;
		old = c->slot[i];
		stmt_unlink(c, old);
		*evicted = old->stmt;
		pkg_free(old);
		c->epoch++;
	}
	c->slot[i] = e;
	e->next = c->bucket[e->hash % DB_STMT_BUCKETS];
	c->bucket[e->hash % DB_STMT_BUCKETS] = e;
	return 0;
}

void
db_stmt_clear(struct db_stmt_cache *c, void (*fn)(void *, void *), void *ctx)
{
	unsigned epoch = c->epoch + 1;
	int i;

	for (i = 0; i < c->n; i++) {
		if (fn != NULL)
			fn(ctx, c->slot[i]->stmt);
		pkg_free(c->slot[i]);
	}
	memset(c, 0, sizeof(*c));
	c->epoch = epoch;
}
