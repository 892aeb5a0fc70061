/* db/db.c: binding, handles, lazy connection with back-off, and the
 * calls of the API (see db.h).
 *
 * Every call builds its SQL text (db_sql.c), finds the prepared statement
 * for that text in the connection's cache (db_stmt.c) or prepares it, and
 * runs it with the values bound.  The connection is opened by the first
 * call that needs it; when it cannot be, calls fail at once with E_AGAIN
 * until the back-off delay has passed, so a dead server costs each
 * process one connect attempt per delay, not one per SIP request. */
#define LOG_MODULE "db"
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../base/err.h"
#include "../base/log.h"
#include "../mem/pkg.h"
#include "db.h"
#include "db_int.h"

/* Bumped in every child at fork: a connection opened in an earlier
 * generation belongs to the parent. */
static unsigned fork_gen;
static bool atfork_done;

static void
on_fork_child(void)
{
	fork_gen++;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
no_driver_log(const char *url)
{
	char *err = NULL;

	if (db_url_check(url, &err) != 0 && err != NULL)
		LM_ERR("%s", err);
	else
		LM_ERR("no DB driver for this URL");
	pkg_free(err);
}

/* clang-format off */
static const struct db_func func_template = {
	.cap = DB_CAP_ALL,
	.init = db_init,
	.close = db_close,
	.use_table = db_use_table,
	.query = db_query,
	.raw_query = db_raw_query,
	.free_result = db_free_result,
	.insert = db_insert,
	.update = db_update,
	.delete = db_delete,
	.replace = db_replace,
	.affected_rows = db_affected_rows,
	.last_error = db_last_error,
};
/* clang-format on */

int
db_bind_mod(const char *url, struct db_func *dbf)
{
	const struct db_driver *d;
	const char *sep;
	char masked[256];

	if (url == NULL || (sep = strstr(url, "://")) == NULL) {
		LM_ERR("DB URL '%s' has no scheme://",
		    db_url_mask(url, masked, sizeof(masked)));
		return E_PARSE;
	}
	if ((d = db_driver_find(url, (size_t)(sep - url))) == NULL) {
		no_driver_log(url);
		return E_NOTFOUND;
	}
	*dbf = func_template;
	dbf->drv = d;
	return 0;
}

int
bind_dbmod(const char *url, struct db_func *dbf)
{
	return db_bind_mod(url, dbf);
}

struct db_handle *
db_init(const char *url)
{
	const struct db_driver *d;
	struct db_handle *h;
	struct db_url u;
	char *err = NULL;

	if (db_url_parse(url, &u, &err) != 0) {
		LM_ERR("%s", err ? err : "out of memory");
		pkg_free(err);
		return NULL;
	}
	if ((d = db_driver_find(u.scheme, strlen(u.scheme))) == NULL) {
		no_driver_log(url);
		db_url_clear(&u);
		return NULL;
	}
	if ((h = pkg_zalloc(sizeof(*h))) == NULL) {
		db_url_clear(&u);
		return NULL;
	}
	if (!atfork_done && pthread_atfork(NULL, NULL, on_fork_child) == 0)
		atfork_done = true;
	h->drv = d;
	h->url = u;
	db_sql_reset(&h->sql, d);
	return h;
}

static void
stmt_free_cb(void *ctx, void *stmt)
{
	struct db_handle *h = ctx;

	h->drv->stmt_free(h->conn, stmt, true);
}

static void
disconnect(struct db_handle *h)
{
	if (h->conn == NULL)
		return;
	if (h->conn_gen != fork_gen) {
		/* the parent's: closing it would end the parent's session */
		db_stmt_clear(&h->cache, NULL, NULL);
	} else {
		db_stmt_clear(&h->cache, stmt_free_cb, h);
		h->drv->disconnect(h->conn);
	}
	h->conn = NULL;
}

void
db_close(struct db_handle *h)
{
	if (h == NULL)
		return;
	disconnect(h);
	db_res_free(h->spare);
	db_shape_clear(&h->shapes);
	db_sql_free(&h->sql);
	db_url_clear(&h->url);
	pkg_free(h);
}

int
db_use_table(struct db_handle *h, const char *table)
{
	if (h == NULL)
		return E_INVAL;
	if (!db_ident_ok(table)) {
		db_err(h->err, E_INVAL,
		    "table name '%.64s' is not an "
		    "identifier",
		    table ? table : "(null)");
		LM_ERR("%s: %s", h->url.masked, h->err);
		return E_INVAL;
	}
	strcpy(h->table, table);
	return 0;
}

/* A usable connection, or E_AGAIN at once while backing off. */
static int
conn_get(struct db_handle *h)
{
	int64_t now;
	int rc;

	if (h->conn != NULL) {
		if (h->conn_gen == fork_gen)
			return 0;
		LM_CRIT("%s: connection opened before fork; this process "
		        "opens its own (close DB handles before fork)",
		    h->url.masked);
		disconnect(h);
	}
	now = now_ms();
	if (h->next_try_ms != 0 && now < h->next_try_ms) {
		if (now - h->last_log_ms >= 1000) {
			h->last_log_ms = now;
			LM_ERR("%s unavailable (%s); next try in %lld ms",
			    h->url.masked, h->down_err,
			    (long long)(h->next_try_ms - now));
		}
		db_err(h->err, E_AGAIN, "not connected: %s", h->down_err);
		return E_AGAIN;
	}
	h->err[0] = '\0';
	if ((rc = h->drv->connect(&h->url, &h->conn, h->err)) == 0) {
		h->conn_gen = fork_gen;
		if (h->was_down)
			LM_NOTICE("%s: connected again", h->url.masked);
		h->was_down = false;
		h->backoff_ms = 0;
		h->next_try_ms = 0;
		return 0;
	}
	h->conn = NULL;
	h->backoff_ms = h->backoff_ms == 0          ? DB_BACKOFF_MIN_MS
	    : h->backoff_ms * 2 > DB_BACKOFF_MAX_MS ? DB_BACKOFF_MAX_MS
	                                            : h->backoff_ms * 2;
	now = now_ms();
	h->next_try_ms = now + h->backoff_ms;
	h->last_log_ms = now;
	h->was_down = true;
	snprintf(h->down_err, sizeof(h->down_err), "%s", h->err);
	LM_ERR("cannot connect to %s: %s (next try in %u ms)", h->url.masked,
	    h->err, h->backoff_ms);
	return E_AGAIN;
}

/* Run the statement in h->sql.  cached: keep the prepared statement;
 * retry: once more on a new connection if the old one was lost. */
static int
run(struct db_handle *h, const char *what, bool cached, bool retry,
    struct db_res **res_out)
{
	struct db_sql *q = &h->sql;
	struct db_res *res = NULL;
	void *stmt, *old;
	bool keep;
	int rc, attempt;

	for (attempt = 0;; attempt++) {
		if ((rc = conn_get(h)) != 0)
			return rc; /* logged */
		keep = cached;
		/* the statement of a remembered call, else by its text */
		stmt = cached ? db_shape_stmt(q->shape, h->cache.epoch) : NULL;
		if (cached && stmt == NULL)
			stmt = db_stmt_get(&h->cache, q->buf, q->len, q->hash);
		if (stmt == NULL) {
			rc = h->drv->prepare(h->conn, q->buf, q->np, &stmt,
			    h->err);
			if (rc != 0)
				goto failed;
			if (keep &&
			    db_stmt_put(&h->cache, q->buf, q->len, q->hash,
			        stmt, &old) != 0)
				keep = false;
			else if (keep && old != NULL)
				h->drv->stmt_free(h->conn, old, false);
		}
		if (keep)
			db_shape_set_stmt(q->shape, stmt, h->cache.epoch);
		if (res_out != NULL && h->spare != NULL) {
			res = h->spare;
			h->spare = NULL;
		} else if (res_out != NULL && (res = db_res_new()) == NULL) {
			rc = db_err(h->err, E_NOMEM, "out of memory");
			if (!keep)
				h->drv->stmt_free(h->conn, stmt, false);
			goto failed;
		}
		h->affected = 0;
		rc = h->drv->execute(h->conn, stmt, q->params, q->np, res,
		    &h->affected, h->err);
		if (!keep)
			h->drv->stmt_free(h->conn, stmt,
			    rc == E_CLOSED || rc == E_TIMEOUT);
		if (rc == 0) {
			if (res_out != NULL)
				*res_out = res;
			return 0;
		}
		db_free_result(h, res);
		res = NULL;
	failed:
		if (rc == E_CLOSED || rc == E_TIMEOUT)
			disconnect(h);
		if (rc == E_CLOSED && retry && attempt == 0) {
			LM_INFO("%s: connection lost (%s); reconnecting",
			    h->url.masked, h->err);
			continue;
		}
		break;
	}
	LM_ERR_RL("%s: %s failed: %s [%s]", h->url.masked, what, h->err,
	    q->buf ? q->buf : "");
	return rc;
}

/* Common start of a call: h usable, a table chosen when needed. */
static int
call_start(struct db_handle *h, bool table)
{
	if (h == NULL)
		return E_INVAL;
	db_sql_reset(&h->sql, h->drv);
	h->err[0] = '\0';
	h->affected = 0;
	if (table && h->table[0] == '\0') {
		db_err(h->err, E_INVAL, "no table chosen (use_table)");
		LM_ERR("%s: %s", h->url.masked, h->err);
		return E_INVAL;
	}
	return 0;
}

static int
build_failed(struct db_handle *h, const char *what, int rc)
{
	if (rc != E_INVAL)
		db_err(h->err, rc, "%s", err_str(rc));
	LM_ERR_RL("%s: %s: %s", h->url.masked, what, h->err);
	return rc;
}

int
db_query(struct db_handle *h, const char *const *keys, const char *const *ops,
    const struct db_val *vals, const char *const *cols, int n, int nc,
    const char *order, struct db_res **res)
{
	struct db_call c = { .kind = DB_CALL_SELECT,
		.keys = keys,
		.ops = ops,
		.vals = vals,
		.n = n,
		.cols = cols,
		.nc = nc,
		.order = order };
	int rc;

	if ((rc = call_start(h, true)) != 0)
		return rc;
	if (res == NULL)
		return build_failed(h, "query",
		    db_err(h->err, E_INVAL, "no result pointer"));
	c.table = h->table;
	if (!db_shape_find(&h->shapes, &c, &h->sql)) {
		if ((rc = db_sql_select(&h->sql, h->table, keys, ops, vals,
		         cols, n, nc, order, h->err)) != 0)
			return build_failed(h, "query", rc);
		db_shape_keep(&h->shapes, &c, &h->sql);
	}
	return run(h, "query", true, true, res);
}

int
db_raw_query(struct db_handle *h, const char *sql, const struct db_val *vals,
    int n, struct db_res **res)
{
	int rc;

	if ((rc = call_start(h, false)) != 0)
		return rc;
	if ((rc = db_sql_raw(&h->sql, sql, vals, n, h->err)) != 0)
		return build_failed(h, "raw_query", rc);
	return run(h, "raw_query", false, false, res);
}

void
db_free_result(struct db_handle *h, struct db_res *res)
{
	if (res == NULL)
		return;
	/* keep one result's memory for the next query of the handle */
	if (h != NULL && h->spare == NULL)
		h->spare = db_res_recycle(res);
	else
		db_res_free(res);
}

int
db_insert(struct db_handle *h, const char *const *keys,
    const struct db_val *vals, int n)
{
	struct db_call c = { .kind = DB_CALL_INSERT,
		.keys = keys,
		.vals = vals,
		.n = n };
	int rc;

	if ((rc = call_start(h, true)) != 0)
		return rc;
	c.table = h->table;
	if (!db_shape_find(&h->shapes, &c, &h->sql)) {
		if ((rc = db_sql_insert(&h->sql, h->table, keys, vals, n,
		         h->err)) != 0)
			return build_failed(h, "insert", rc);
		db_shape_keep(&h->shapes, &c, &h->sql);
	}
	return run(h, "insert", true, false, NULL);
}

int
db_update(struct db_handle *h, const char *const *keys, const char *const *ops,
    const struct db_val *vals, const char *const *ukeys,
    const struct db_val *uvals, int n, int un)
{
	struct db_call c = { .kind = DB_CALL_UPDATE,
		.keys = keys,
		.ops = ops,
		.vals = vals,
		.n = n,
		.cols = ukeys,
		.nc = un,
		.uvals = uvals };
	int rc;

	if ((rc = call_start(h, true)) != 0)
		return rc;
	c.table = h->table;
	if (!db_shape_find(&h->shapes, &c, &h->sql)) {
		if ((rc = db_sql_update(&h->sql, h->table, keys, ops, vals,
		         ukeys, uvals, n, un, h->err)) != 0)
			return build_failed(h, "update", rc);
		db_shape_keep(&h->shapes, &c, &h->sql);
	}
	return run(h, "update", true, true, NULL);
}

int
db_delete(struct db_handle *h, const char *const *keys, const char *const *ops,
    const struct db_val *vals, int n)
{
	struct db_call c = { .kind = DB_CALL_DELETE,
		.keys = keys,
		.ops = ops,
		.vals = vals,
		.n = n };
	int rc;

	if ((rc = call_start(h, true)) != 0)
		return rc;
	c.table = h->table;
	if (!db_shape_find(&h->shapes, &c, &h->sql)) {
		if ((rc = db_sql_delete(&h->sql, h->table, keys, ops, vals, n,
		         h->err)) != 0)
			return build_failed(h, "delete", rc);
		db_shape_keep(&h->shapes, &c, &h->sql);
	}
	return run(h, "delete", true, true, NULL);
}

int
db_replace(struct db_handle *h, const char *const *keys,
    const struct db_val *vals, int n, int nkeys)
{
	struct db_call c = { .kind = DB_CALL_REPLACE,
		.keys = keys,
		.vals = vals,
		.n = n,
		.nkeys = nkeys };
	int rc;

	if ((rc = call_start(h, true)) != 0)
		return rc;
	c.table = h->table;
	if (!db_shape_find(&h->shapes, &c, &h->sql)) {
		if ((rc = db_sql_replace(&h->sql, h->table, keys, vals, n,
		         nkeys, h->err)) != 0)
			return build_failed(h, "replace", rc);
		db_shape_keep(&h->shapes, &c, &h->sql);
	}
	return run(h, "replace", true, true, NULL);
}

long
db_affected_rows(struct db_handle *h)
{
	return h != NULL ? h->affected : 0;
}

const char *
db_last_error(struct db_handle *h)
{
	return h != NULL ? h->err : "no handle";
}

const char *
db_url_masked(struct db_handle *h)
{
	return h != NULL ? h->url.masked : "";
}
