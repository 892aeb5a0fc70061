/* db/db_driver.h: what a driver module gives the DB core.
 *
 * A driver module (db_sqlite, mysql, postgres) fills one struct
 * db_driver and registers it with db_driver_register() from a function
 * marked __attribute__((constructor)), which runs when the module is
 * loaded (dlopen, during "loadmodule"), before any other module's init
 * and before the rest of the config is read, so that modparam checks of
 * URLs already find it.  It unregisters from a destructor.
 *
 * The core builds the SQL text, caches prepared statements, connects
 * lazily, backs off and reconnects; the driver only talks to its engine.
 * Every driver function runs in the process that owns the connection,
 * and writes its error text (the engine's message, never a password) to
 * err, DB_ERR_LEN bytes.
 *
 * Driver return codes: 0; E_AGAIN (cannot connect: the core backs off);
 * E_CLOSED (the connection is unusable: lost, or the server went away;
 * the core drops it); E_TIMEOUT (connect, lock wait or statement timed
 * out; the core drops the connection too, so a half-read reply cannot
 * confuse the next call); E_INVAL (the engine refused the statement:
 * syntax, constraint, type, missing table); E_NOMEM; E_TOOBIG. */
#ifndef DB_DB_DRIVER_H
#define DB_DB_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "db_url.h"
#include "db_res.h"
#include "db_val.h"

#define DB_ERR_LEN 256

enum db_placeholder {
	DB_PH_QMARK,  /* ?, ?, ? (SQLite, MariaDB) */
	DB_PH_DOLLAR, /* $1, $2, $3 (PostgreSQL) */
};

enum db_upsert {
	DB_UPSERT_ON_CONFLICT, /* INSERT .. ON CONFLICT (keys) DO UPDATE SET
				  c = excluded.c (SQLite, PostgreSQL) */
	DB_UPSERT_DUP_KEY,     /* INSERT .. ON DUPLICATE KEY UPDATE
				  c = VALUES(c) (MariaDB) */
};

struct db_driver {
	const char *name;           /* the module: "db_sqlite" */
	const char *const *schemes; /* NULL-terminated, lower case */
	char quote;                 /* identifier quote: '"' or '`' */
	enum db_placeholder placeholder;
	enum db_upsert upsert;
	/* Config-time check of a parsed URL (optional): 0 or E_* with err. */
	int (*url_check)(const struct db_url *u, char *err);
	/* Open a connection (bounded by the module's connect_timeout). */
	int (*connect)(const struct db_url *u, void **conn, char *err);
	/* Close it; frees what connect allocated.  Statements are freed
	 * first with stmt_free. */
	void (*disconnect)(void *conn);
	/* Prepare one statement: sql is NUL-terminated, has nparams
	 * placeholders. */
	int (*prepare)(void *conn, const char *sql, int nparams, void **stmt,
	    char *err);
	/* Run a prepared statement with n parameters (in placeholder
	 * order).  res is NULL when no rows are wanted; otherwise the
	 * driver fills it with db_res_cols(), db_res_row_add() ...  Sets
	 * *affected to the rows inserted, changed or matched (engine's
	 * count), 0 for a SELECT. */
	int (*execute)(void *conn, void *stmt, const struct db_val *const *p,
	    int n, struct db_res *res, long *affected, char *err);
	/* Free a statement.  closing: the connection is about to be
	 * closed, so the server need not be told (it frees what a closed
	 * session prepared). */
	void (*stmt_free)(void *conn, void *stmt, bool closing);
};

/* Register d (it must stay valid while registered: a static struct of
 * the module).  Returns 0, E_INVAL (a scheme another driver has) or
 * E_TOOBIG (registry full).  Main process, at module load. */
int db_driver_register(const struct db_driver *d);
/* Remove d from the registry (no-op if absent). */
void db_driver_unregister(const struct db_driver *d);
/* The driver for a scheme (case-insensitive), or NULL. */
const struct db_driver *db_driver_find(const char *scheme, size_t len);

/* Format "fmt" into err (DB_ERR_LEN bytes); returns code.  For drivers:
 *	return db_err(err, E_INVAL, "prepare: %s", sqlite3_errmsg(db)); */
int db_err(char *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The config-time check: url parses, a driver for its scheme is loaded,
 * and the driver's own check passes (for sqlite: the file exists).
 * Returns 0, or E_PARSE / E_NOTFOUND / E_INVAL with *err (pkg), e.g.
 * "URL 'mysql://u:***@h/db': no DB driver loaded for scheme 'mysql'
 * (loadmodule \"mysql.so\"?)".  Main process, while the config is read;
 * a driver module registers itself when loaded, so the loadmodule line
 * must come before the check. */
int db_url_check(const char *url, char **err);

/* A ready-made setter for a module's db_url parameter: the row is a
 * PARAM_STR with .set = db_param_url; the value is checked with
 * db_url_check() (so "kamailio -c" names the modparam's line when the URL
 * does not parse or its driver is not loaded) and then stored. */
struct param_def;
struct cfg_val;
int db_param_url(const struct param_def *p, const struct cfg_val *v,
    char **err);

#endif
