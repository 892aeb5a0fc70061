/* db/db.h: the database API that modules (usrloc, auth_db, uri_db, ...)
 * stand on.  See doc/db.md for the user's side and a worked example.
 *
 *	struct db_func dbf;
 *	struct db_handle *h;
 *
 *	mod_init:   db_bind_mod(db_url, &dbf)      the driver by URL scheme
 *	            (optional) h = dbf.init(db_url);
 *	            db_check_table_version(&dbf, h, "location", 2001, &err);
 *	            dbf.close(h);                  before fork!
 *	child_init: h = dbf.init(db_url);          one handle per process
 *	use:        dbf.use_table(h, "location");
 *	            dbf.query(h, keys, NULL, vals, cols, 2, 3, NULL, &res);
 *	            ... res->rows[i].values[j] ...
 *	            dbf.free_result(h, res);
 *
 * Rules of the API:
 * - A handle belongs to the process that made it.  init() does not
 *   connect; the first call that needs the server does, in the calling
 *   process.  A connection opened before fork is never used by a child:
 *   the child opens its own (and logs CRITICAL once: close handles
 *   before fork).
 * - Every value is sent as a bound parameter of a prepared statement;
 *   statements are cached per connection by their SQL text.  Table,
 *   column and order names are identifiers (letters, digits, '_', not
 *   starting with a digit, at most DB_IDENT_MAX bytes), checked on every
 *   call and quoted; anything else is refused with E_INVAL.
 * - Failing calls return a negative E_* code at once: E_AGAIN while the
 *   server is unreachable (connect attempts are spaced by a back-off of
 *   0.25 s doubling to 2 s), E_TIMEOUT, E_CLOSED, E_INVAL (the engine
 *   refused the statement), E_NOMEM.  last_error() has the text.  The
 *   DB core logs the failure (rate-limited) with the URL, password
 *   masked, and the SQL text (which holds no values).
 * - A query, update, delete or replace that finds its connection lost
 *   reconnects and runs once more; an insert or raw_query does not (it
 *   may have been applied).
 *
 * All functions: the owning process only; no locks. */
#ifndef DB_DB_H
#define DB_DB_H

#include <stdbool.h>

#include "db_driver.h"
#include "db_url.h"
#include "db_val.h"

#define DB_IDENT_MAX 63 /* longest table or column name */
#define DB_MAX_COLS 64  /* most keys, values or columns in one call */

/* Comparison operators for ops[] (NULL ops: all DB_OP_EQ).  A NULL value
 * with DB_OP_EQ means "IS NULL", with DB_OP_NE "IS NOT NULL". */
#define DB_OP_EQ "="
#define DB_OP_NE "!="
#define DB_OP_LT "<"
#define DB_OP_GT ">"
#define DB_OP_LE "<="
#define DB_OP_GE ">="

/* cap bits: what the bound driver does (all three drivers: all). */
#define DB_CAP_QUERY 0x01
#define DB_CAP_RAW_QUERY 0x02
#define DB_CAP_INSERT 0x04
#define DB_CAP_DELETE 0x08
#define DB_CAP_UPDATE 0x10
#define DB_CAP_REPLACE 0x20
#define DB_CAP_ALL 0x3f

struct db_handle;

/* The functions a module calls, filled by db_bind_mod().  The same
 * functions are exported below as db_query() etc.; the table keeps the
 * Kamailio 1.x shape (dbf.query(...)). */
struct db_func {
	unsigned cap;
	const struct db_driver *drv;
	struct db_handle *(*init)(const char *url);
	void (*close)(struct db_handle *h);
	int (*use_table)(struct db_handle *h, const char *table);
	int (*query)(struct db_handle *h, const char *const *keys,
	    const char *const *ops, const struct db_val *vals,
	    const char *const *cols, int n, int nc, const char *order,
	    struct db_res **res);
	int (*raw_query)(struct db_handle *h, const char *sql,
	    const struct db_val *vals, int n, struct db_res **res);
	void (*free_result)(struct db_handle *h, struct db_res *res);
	int (*insert)(struct db_handle *h, const char *const *keys,
	    const struct db_val *vals, int n);
	int (*update)(struct db_handle *h, const char *const *keys,
	    const char *const *ops, const struct db_val *vals,
	    const char *const *ukeys, const struct db_val *uvals, int n,
	    int un);
	int (*delete)(struct db_handle *h, const char *const *keys,
	    const char *const *ops, const struct db_val *vals, int n);
	int (*replace)(struct db_handle *h, const char *const *keys,
	    const struct db_val *vals, int n, int nkeys);
	long (*affected_rows)(struct db_handle *h);
	const char *(*last_error)(struct db_handle *h);
};

/* Fill *dbf for the driver of url's scheme.  Returns 0, E_PARSE (no
 * "scheme://") or E_NOTFOUND (no driver loaded for it); logs why.  Any
 * process (usually mod_init, main process). */
int db_bind_mod(const char *url, struct db_func *dbf);
/* The Kamailio 1.x name of db_bind_mod(). */
int bind_dbmod(const char *url, struct db_func *dbf);

/* A new handle for url (pkg, the calling process): parses url, does not
 * connect.  NULL on a bad URL, no driver, or no memory (logged). */
struct db_handle *db_init(const char *url);
/* Disconnect and free h (NULL is fine). */
void db_close(struct db_handle *h);
/* The table the following calls use.  0 or E_INVAL (not an identifier). */
int db_use_table(struct db_handle *h, const char *table);

/* SELECT cols (all columns when nc == 0) FROM table WHERE keys[i]
 * ops[i] vals[i] (AND; no WHERE when n == 0) ORDER BY order ("col",
 * "col DESC" or "col ASC"; NULL: none).  On 0, *res is the result (the
 * caller frees it with db_free_result); otherwise *res is untouched. */
int db_query(struct db_handle *h, const char *const *keys,
    const char *const *ops, const struct db_val *vals, const char *const *cols,
    int n, int nc, const char *order, struct db_res **res);
/* One SQL statement as written, for administration and odd cases.
 * Never splice a value into sql: pass it in vals, with the engine's own
 * placeholders ("?" for SQLite and MariaDB, "$1" for PostgreSQL).  res
 * may be NULL when no rows are wanted; a statement without result
 * columns gives a result with n_cols == 0.  Not cached, not retried. */
int db_raw_query(struct db_handle *h, const char *sql,
    const struct db_val *vals, int n, struct db_res **res);
void db_free_result(struct db_handle *h, struct db_res *res);
/* INSERT INTO table (keys) VALUES (vals). */
int db_insert(struct db_handle *h, const char *const *keys,
    const struct db_val *vals, int n);
/* UPDATE table SET ukeys[j] = uvals[j] WHERE keys[i] ops[i] vals[i]. */
int db_update(struct db_handle *h, const char *const *keys,
    const char *const *ops, const struct db_val *vals, const char *const *ukeys,
    const struct db_val *uvals, int n, int un);
/* DELETE FROM table WHERE ... (n == 0: every row). */
int db_delete(struct db_handle *h, const char *const *keys,
    const char *const *ops, const struct db_val *vals, int n);
/* Insert the row, or update the row that has the same values in the
 * first nkeys columns (which must be a unique key: a PRIMARY KEY or
 * UNIQUE constraint).  MariaDB resolves the conflict on any unique key
 * of the table, not only the one named. */
int db_replace(struct db_handle *h, const char *const *keys,
    const struct db_val *vals, int n, int nkeys);
/* Rows inserted, changed or matched by the last insert, update, delete
 * or replace (for replace the count is the engine's: MariaDB says 2 for
 * an update). */
long db_affected_rows(struct db_handle *h);
/* Text of the last error on h ("" if none). */
const char *db_last_error(struct db_handle *h);
/* The URL of h with the password masked, for log lines. */
const char *db_url_masked(struct db_handle *h);

/* Start-up check: the row for table in table "version" must say want.
 * Returns 0, or E_INVAL / E_NOTFOUND / a connection error with *err
 * (pkg), e.g. "table 'location' has version 3, expected 2001 (run
 * kamdbctl migrate)".  Leaves h's current table as it was. */
int db_check_table_version(struct db_func *dbf, struct db_handle *h,
    const char *table, int want, char **err);

/* True if s is a valid table or column name. */
bool db_ident_ok(const char *s);

#endif
