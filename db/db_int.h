/* db/db_int.h: what the files of the DB core share; not for modules. */
#ifndef DB_DB_INT_H
#define DB_DB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* ---- SQL text (db_sql.c) ---- */

/* A growing SQL buffer plus the parameters in placeholder order; one per
 * handle, reused by every call (pkg). */
struct db_sql {
	char *buf;
	size_t len, cap;
	uint32_t hash;   /* of the finished text (statement cache) */
	int rc;          /* first error while building, or 0 */
	const char *bad; /* the bad name, when rc is E_INVAL */
	const char *bad_what;
	struct db_shape *shape; /* the remembered shape of this call */
	const struct db_driver *drv;
	int np;
	const struct db_val *params[2 * DB_MAX_COLS];
};

void db_sql_reset(struct db_sql *q, const struct db_driver *drv);
void db_sql_free(struct db_sql *q);
/* Each returns 0 or E_INVAL / E_NOMEM / E_TOOBIG (err says why, for
 * E_INVAL). */
int db_sql_select(struct db_sql *q, const char *table, const char *const *keys,
    const char *const *ops, const struct db_val *vals, const char *const *cols,
    int n, int nc, const char *order, char *err);
int db_sql_insert(struct db_sql *q, const char *table, const char *const *keys,
    const struct db_val *vals, int n, char *err);
int db_sql_update(struct db_sql *q, const char *table, const char *const *keys,
    const char *const *ops, const struct db_val *vals, const char *const *ukeys,
    const struct db_val *uvals, int n, int un, char *err);
int db_sql_delete(struct db_sql *q, const char *table, const char *const *keys,
    const char *const *ops, const struct db_val *vals, int n, char *err);
int db_sql_replace(struct db_sql *q, const char *table, const char *const *keys,
    const struct db_val *vals, int n, int nkeys, char *err);
/* sql as given, with n parameters. */
int db_sql_raw(struct db_sql *q, const char *sql, const struct db_val *vals,
    int n, char *err);

/* ---- the text of recent calls (db_shape.c) ---- */

enum db_call_kind {
	DB_CALL_SELECT = 1,
	DB_CALL_INSERT,
	DB_CALL_UPDATE,
	DB_CALL_DELETE,
	DB_CALL_REPLACE,
};

/* The arguments of one call, as the memo compares them.  For an update,
 * cols/nc/uvals are the columns set; keys/ops/vals/n the WHERE part. */
struct db_call {
	enum db_call_kind kind;
	const char *table;
	const char *const *keys;
	const char *const *ops;
	const struct db_val *vals;
	int n;
	const char *const *cols;
	int nc;
	const struct db_val *uvals;
	const char *order;
	int nkeys;
};

#define DB_SHAPES 8

struct db_shape;

/* A handle's remembered call shapes (pkg), replaced round robin. */
struct db_shapes {
	struct db_shape *slot[DB_SHAPES];
	int next;
};

/* If c has the names of a remembered shape, fill q (text, hash, values
 * in placeholder order) and return true. */
bool db_shape_find(struct db_shapes *m, const struct db_call *c,
    struct db_sql *q);
/* Remember c and the text built for it in q (silently not, without
 * memory). */
void db_shape_keep(struct db_shapes *m, const struct db_call *c,
    struct db_sql *q);
void db_shape_clear(struct db_shapes *m);
/* The statement last used for shape s, if the statement cache has not
 * dropped any statement since (its epoch is still the same); or NULL. */
void *db_shape_stmt(const struct db_shape *s, unsigned epoch);
void db_shape_set_stmt(struct db_shape *s, void *stmt, unsigned epoch);

/* ---- prepared statements (db_stmt.c) ---- */

#define DB_STMT_BUCKETS 64
#define DB_STMT_MAX 128 /* per connection; the oldest goes first */

struct db_stmt_ent;

/* The statements prepared on one connection, by SQL text (pkg). */
struct db_stmt_cache {
	struct db_stmt_ent *bucket[DB_STMT_BUCKETS];
	struct db_stmt_ent *slot[DB_STMT_MAX];
	int n, victim;
	unsigned epoch; /* bumped whenever a statement leaves the cache */
};

/* The driver statement for sql (hash: as struct db_sql computed it), or
 * NULL. */
void *db_stmt_get(struct db_stmt_cache *c, const char *sql, size_t len,
    uint32_t hash);
/* Remember stmt for sql.  When the cache is full the oldest entry goes:
 * its statement is returned in *evicted for the caller to free (else
 * NULL).  0 or E_NOMEM (stmt is then not kept: the caller frees it). */
int db_stmt_put(struct db_stmt_cache *c, const char *sql, size_t len,
    uint32_t hash, void *stmt, void **evicted);
/* Forget every entry, calling fn(ctx, stmt) for each (fn may be NULL:
 * the statements are abandoned, e.g. inherited across fork). */
void db_stmt_clear(struct db_stmt_cache *c, void (*fn)(void *, void *),
    void *ctx);

/* ---- the handle (db.c) ---- */

/* One per process and URL (pkg).  conn is the driver's connection, NULL
 * when not connected. */
struct db_handle {
	const struct db_driver *drv;
	struct db_url url;
	char table[DB_IDENT_MAX + 1];
	void *conn;
	unsigned conn_gen;   /* fork generation the conn was opened in */
	bool was_down;       /* a connect failed since the last success */
	int64_t next_try_ms; /* no connect attempt before (monotonic) */
	unsigned backoff_ms;
	int64_t last_log_ms;       /* last "unavailable" line (rate limit) */
	char down_err[DB_ERR_LEN]; /* why the last connect failed */
	long affected;
	struct db_stmt_cache cache;
	struct db_sql sql;
	struct db_res *spare; /* a freed result, reused by the next */
	struct db_shapes shapes;
	char err[DB_ERR_LEN];
};

#define DB_BACKOFF_MIN_MS 250
#define DB_BACKOFF_MAX_MS 2000

#endif
