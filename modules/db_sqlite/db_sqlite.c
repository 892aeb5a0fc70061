/* db_sqlite.c: the SQLite driver (libsqlite3), the embedded default.
 *
 * One connection per process (sqlite3 opened without a mutex: a process
 * has one thread), in WAL mode so that readers never wait for the
 * writer; a writer waits for another at most query_timeout seconds
 * (busy timeout), and a statement that runs longer than that is
 * interrupted by the progress handler.  The database file must exist
 * (kamdbctl create makes it): a path with a typo fails at once instead
 * of creating an empty database. */
#define LOG_MODULE "db_sqlite"
#include <limits.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../api/sr_api.h"
#include "db_sqlite.h"

/* in pkg: a prepared statement and what its columns are declared as */
struct sq_stmt {
	sqlite3_stmt *st;
	int ncols;
	struct db_cols *cols; /* names, types as declared (DB_STR if not) */
	int decl[];           /* enum db_type, or -1: typed by value */
};

/* in pkg, one per process and handle */
struct sq_conn {
	sqlite3 *db;
	int64_t deadline_ms; /* statement must end by then (monotonic); 0:
				the running statement has not set it yet */
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Called every 1000 VM steps: non-zero interrupts the statement.  The
 * deadline is set at the first call, so that the short statements that
 * never get here cost no clock reading (it starts a few microseconds
 * late, which does not matter for a limit in seconds). */
static int
sq_progress(void *arg)
{
	struct sq_conn *c = arg;

	if (c->deadline_ms == 0) {
		c->deadline_ms = now_ms() +
		    (int64_t)db_sqlite_query_timeout * 1000;
		return 0;
	}
	return now_ms() > c->deadline_ms;
}

/* An engine error as an E_* code, with the engine's text. */
static int
sq_error(struct sq_conn *c, int rc, const char *what, char *err)
{
	const char *msg = sqlite3_errmsg(c->db);

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return db_err(err, E_TIMEOUT, "%s: %s (waited %d s)", what, msg,
		    db_sqlite_query_timeout);
	case SQLITE_INTERRUPT:
		return db_err(err, E_TIMEOUT,
		    "%s: statement ran longer than "
		    "query_timeout (%d s)",
		    what, db_sqlite_query_timeout);
	case SQLITE_NOMEM:
		return db_err(err, E_NOMEM, "%s: %s", what, msg);
	case SQLITE_TOOBIG:
		return db_err(err, E_TOOBIG, "%s: %s", what, msg);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		/* file gone or unreadable: reopen on the next call */
		return db_err(err, E_CLOSED, "%s: %s", what, msg);
	default:
		return db_err(err, E_INVAL, "%s: %s", what, msg);
	}
}

static int
sq_url_check(const struct db_url *u, char *err)
{
	char dir[PATH_MAX], *slash;
	struct stat st;

	if (access(u->database, F_OK) != 0)
		return db_err(err, E_NOTFOUND,
		    "database file '%s' does not "
		    "exist (create it with kamdbctl create)",
		    u->database);
	if (stat(u->database, &st) == 0 && S_ISDIR(st.st_mode))
		return db_err(err, E_INVAL,
		    "'%s' is a directory: the URL must name the SQLite "
		    "file, e.g. sqlite://%s/kamailio.db",
		    u->database, u->database);
	if (access(u->database, R_OK | W_OK) != 0)
		return db_err(err, E_INVAL,
		    "database file '%s' is not readable and writable by "
		    "this user: chown/chmod it for the proxy's user "
		    "(user=/-u)",
		    u->database);
	snprintf(dir, sizeof(dir), "%s", u->database);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (access(dir, W_OK | X_OK) != 0)
			return db_err(err, E_INVAL,
			    "directory '%s' is not writable: SQLite makes its "
			    "-wal and -shm files next to the database; make it "
			    "writable for the proxy's user",
			    dir);
	}
	return 0;
}

static int
sq_connect(const struct db_url *u, void **out, char *err)
{
	struct sq_conn *c;
	sqlite3 *db = NULL;
	char *msg = NULL;
	int rc;

	rc = sqlite3_open_v2(u->database, &db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		db_err(err, E_AGAIN, "cannot open '%s': %s", u->database,
		    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return E_AGAIN;
	}
	if ((c = pkg_zalloc(sizeof(*c))) == NULL) {
		sqlite3_close(db);
		return db_err(err, E_NOMEM, "out of memory");
	}
	c->db = db;
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, db_sqlite_query_timeout * 1000);
	sqlite3_progress_handler(db, 1000, sq_progress, c);
	/* WAL (kept in the file once set): readers do not block the
	 * writer nor it them.  NORMAL sync is safe with WAL (a power cut
	 * may lose the last commits, never corrupt the file).  Neither
	 * failing is fatal: a file that is no database, or is locked for
	 * longer than the busy timeout, shows in the first statement. */
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, &msg) !=
	    SQLITE_OK) {
		LM_WARN("%s: cannot switch to WAL mode: %s", u->database,
		    msg ? msg : "?");
		sqlite3_free(msg);
		msg = NULL;
	}
	if (sqlite3_exec(db, "PRAGMA synchronous=NORMAL", NULL, NULL, &msg) !=
	    SQLITE_OK) {
		LM_WARN("%s: PRAGMA synchronous=NORMAL: %s", u->database,
		    msg ? msg : "?");
		sqlite3_free(msg);
	}
	*out = c;
	return 0;
}

static void
sq_disconnect(void *conn)
{
	struct sq_conn *c = conn;

	/* every statement was finalized first: close cannot fail busy */
	sqlite3_close(c->db);
	pkg_free(c);
}

/* The API type of a declared column type (SQLite's affinity rules, plus
 * DATETIME); -1 when undeclared (an expression): typed by value. */
static int
sq_decl_type(const char *decl)
{
	char up[32];
	size_t i;

	if (decl == NULL || decl[0] == '\0')
		return -1;
	for (i = 0; decl[i] != '\0' && i < sizeof(up) - 1; i++)
		up[i] = (char)(decl[i] >= 'a' && decl[i] <= 'z' ? decl[i] - 32
		                                                : decl[i]);
	up[i] = '\0';
	if (strstr(up, "INT") != NULL)
		return strstr(up, "BIG") != NULL ? DB_BIGINT : DB_INT;
	if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
		return DB_STR;
	if (strstr(up, "BLOB"))
		return DB_BLOB;
	if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
		return DB_DOUBLE;
	if (strstr(up, "DATE") || strstr(up, "TIME"))
		return DB_DATETIME;
	return -1;
}

static int
sq_prepare(void *conn, const char *sql, int nparams, void **stmt, char *err)
{
	struct sq_conn *c = conn;
	struct sq_stmt *s;
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	int rc, n, i;

	rc = sqlite3_prepare_v2(c->db, sql, -1, &st, &tail);
	if (rc != SQLITE_OK)
		return sq_error(c, rc, "prepare", err);
	if (st == NULL) {
		return db_err(err, E_INVAL,
		    "prepare: no statement in the "
		    "text");
	}
	while (tail != NULL &&
	    (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';'))
		tail++;
	if (tail != NULL && *tail != '\0') {
		sqlite3_finalize(st);
		return db_err(err, E_INVAL, "prepare: more than one statement");
	}
	if ((n = sqlite3_bind_parameter_count(st)) != nparams) {
		sqlite3_finalize(st);
		return db_err(err, E_INVAL,
		    "prepare: statement has %d "
		    "placeholders, %d values given",
		    n, nparams);
	}
	n = sqlite3_column_count(st);
	if ((s = pkg_malloc(sizeof(*s) + sizeof(s->decl[0]) * (size_t)n)) ==
	    NULL) {
		sqlite3_finalize(st);
		return db_err(err, E_NOMEM, "out of memory");
	}
	memset(s, 0, sizeof(*s));
	s->st = st;
	s->ncols = n;
	/* names and declared types, once: looking them up is not free */
	for (i = 0; i < n; i++) {
		const char *name = sqlite3_column_name(st, i);

		s->decl[i] = sq_decl_type(sqlite3_column_decltype(st, i));
		if (db_cols_add(&s->cols, name ? name : "",
		        name ? strlen(name) : 0,
		        s->decl[i] < 0 ? DB_STR : (enum db_type)s->decl[i]) !=
		    0) {
			db_cols_unref(s->cols);
			sqlite3_finalize(st);
			pkg_free(s);
			return db_err(err, E_NOMEM, "out of memory");
		}
	}
	*stmt = s;
	return 0;
}

static void
sq_stmt_free(void *conn, void *stmt, bool closing)
{
	struct sq_stmt *s = stmt;

	(void)conn;
	(void)closing;
	sqlite3_finalize(s->st);
	db_cols_unref(s->cols);
	pkg_free(s);
}

static int
sq_bind(sqlite3_stmt *st, int i, const struct db_val *v)
{
	char tm[DB_TIME_LEN];

	if (v->nul)
		return sqlite3_bind_null(st, i);
	switch (v->type) {
	case DB_INT:
		return sqlite3_bind_int(st, i, v->v.i);
	case DB_BIGINT:
		return sqlite3_bind_int64(st, i, v->v.i64);
	case DB_DOUBLE:
		return sqlite3_bind_double(st, i, v->v.d);
	case DB_STRING:
		return sqlite3_bind_text(st, i, v->v.string ? v->v.string : "",
		    -1, SQLITE_STATIC);
	case DB_STR:
		/* a NULL pointer would bind SQL NULL: "" is an empty text */
		return sqlite3_bind_text64(st, i, v->v.str.s ? v->v.str.s : "",
		    v->v.str.len, SQLITE_STATIC, SQLITE_UTF8);
	case DB_DATETIME:
		if (db_time_format(v->v.time, tm) != 0)
			return SQLITE_RANGE;
		return sqlite3_bind_text(st, i, tm, -1, SQLITE_TRANSIENT);
	case DB_BLOB:
		if (v->v.str.len == 0)
			return sqlite3_bind_zeroblob(st, i, 0);
		return sqlite3_bind_blob64(st, i, v->v.str.s, v->v.str.len,
		    SQLITE_STATIC);
	}
	return SQLITE_MISUSE;
}

static int
sq_value(struct db_res *res, sqlite3_stmt *st, int i, int decl,
    struct db_val *v)
{
	const char *p;
	int64_t n;
	int len;

	/* text and blob columns (most of the bytes): the value's type is
	 * asked for only when there are no bytes (NULL or empty); affinity
	 * has made anything stored there text or a blob */
	if (decl == DB_STR || decl == DB_BLOB) {
		p = sqlite3_column_blob(st, i);
		len = sqlite3_column_bytes(st, i);
		if (p == NULL && sqlite3_column_type(st, i) == SQLITE_NULL)
			return 0;
		if (p == NULL && len > 0)
			return E_NOMEM;
		return db_res_val_bytes(res, v, (enum db_type)decl, p ? p : "",
		    (size_t)len);
	}
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		return 0; /* already NULL of the column's type */
	case SQLITE_INTEGER:
		n = sqlite3_column_int64(st, i);
		v->nul = false;
		if (decl == DB_DATETIME) {
			v->type = DB_DATETIME;
			v->v.time = (time_t)n;
		} else if (decl == DB_DOUBLE) {
			v->type = DB_DOUBLE;
			v->v.d = (double)n;
		} else if (decl == DB_INT && n >= INT32_MIN && n <= INT32_MAX) {
			v->type = DB_INT;
			v->v.i = (int)n;
		} else {
			v->type = DB_BIGINT;
			v->v.i64 = n;
		}
		return 0;
	case SQLITE_FLOAT:
		v->nul = false;
		v->type = DB_DOUBLE;
		v->v.d = sqlite3_column_double(st, i);
		return 0;
	case SQLITE_BLOB:
		p = sqlite3_column_blob(st, i);
		len = sqlite3_column_bytes(st, i);
		return db_res_val_bytes(res, v,
		    decl == DB_STR ? DB_STR : DB_BLOB, p ? p : "", (size_t)len);
	default: /* SQLITE_TEXT */
		/* the bytes as stored: column_text would copy them to add
		 * a NUL (we copy anyway, with the length) */
		p = sqlite3_column_blob(st, i);
		len = sqlite3_column_bytes(st, i);
		if (p == NULL && len > 0)
			return E_NOMEM;
		if (decl == DB_DATETIME && p != NULL &&
		    db_time_parse(p, (size_t)len, &v->v.time) == 0) {
			v->nul = false;
			v->type = DB_DATETIME;
			return 0;
		}
		return db_res_val_bytes(res, v,
		    decl == DB_BLOB ? DB_BLOB : DB_STR, p ? p : "",
		    (size_t)len);
	}
}

static int
sq_execute(void *conn, void *stmt, const struct db_val *const *p, int n,
    struct db_res *res, long *affected, char *err)
{
	struct sq_conn *c = conn;
	struct sq_stmt *s = stmt;
	sqlite3_stmt *st = s->st;
	struct db_val *row;
	int i, rc;

	for (i = 0; i < n; i++)
		if ((rc = sq_bind(st, i + 1, p[i])) != SQLITE_OK) {
			sqlite3_reset(st);
			if (rc == SQLITE_RANGE)
				return db_err(err, E_INVAL,
				    "bind: "
				    "parameter %d cannot be represented",
				    i + 1);
			return sq_error(c, rc, "bind", err);
		}
	if (res != NULL && (rc = db_res_cols_use(res, s->cols)) != 0) {
		sqlite3_reset(st);
		return db_err(err, rc, "out of memory");
	}
	c->deadline_ms = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (res == NULL)
			continue;
		if ((row = db_res_row_add(res)) == NULL) {
			sqlite3_reset(st);
			return db_err(err, E_NOMEM, "out of memory");
		}
		for (i = 0; i < s->ncols; i++)
			if (sq_value(res, st, i, s->decl[i], &row[i]) != 0) {
				sqlite3_reset(st);
				return db_err(err, E_NOMEM, "out of memory");
			}
	}
	c->deadline_ms = 0;
	if (rc != SQLITE_DONE) {
		rc = sq_error(c, rc, "step", err);
		sqlite3_reset(st);
		return rc;
	}
	*affected = s->ncols == 0 ? (long)sqlite3_changes(c->db) : 0;
	/* let go of the read transaction now, not at the next call */
	sqlite3_reset(st);
	return 0;
}

static const char *const schemes[] = { "sqlite", NULL };

/* clang-format off */
const struct db_driver db_sqlite_driver = {
	.name = "db_sqlite",
	.schemes = schemes,
	.quote = '"',
	.placeholder = DB_PH_QMARK,
	.upsert = DB_UPSERT_ON_CONFLICT,
	.url_check = sq_url_check,
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.prepare = sq_prepare,
	.execute = sq_execute,
	.stmt_free = sq_stmt_free,
};
/* clang-format on */
