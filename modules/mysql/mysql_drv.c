/* mysql_drv.c: the MariaDB/MySQL driver (MariaDB Connector/C).
 *
 * Statements are server-side prepared (mysql_stmt_*), values bound in
 * the binary protocol.  The connection's character set is "binary" and
 * results are not converted (character_set_results = NULL): bytes go in
 * and come out as they are, the column's own character set decides what
 * it accepts (kamdbctl creates latin1 with a binary collation, so any
 * byte string is stored and compared as bytes).  The session runs in
 * UTC (time_zone = '+00:00') so TIMESTAMP columns are not shifted.
 *
 * Timeouts: connect_timeout bounds the connect; max_statement_time =
 * query_timeout makes the server abort a long statement with an error,
 * and the client's read/write timeouts (query_timeout + 2 s) bound a
 * server that stops answering at all. */
#define LOG_MODULE "mysql"
#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../api/sr_api.h"
#include "mysql_drv.h"

#define COL_BUF0 256 /* first buffer of a text/blob column */

/* in pkg: one per connection */
struct my_conn {
	MYSQL *m;
	int read_timeout;
};

/* a result column's buffer; in pkg, owned by its statement */
struct my_col {
	enum db_type type;
	char *buf;
	unsigned long cap, len;
	my_bool is_null, error;
	long long ll;
	double d;
	MYSQL_TIME t;
};

/* one parameter's storage */
struct my_par {
	long long ll;
	double d;
	MYSQL_TIME t;
	unsigned long len;
};

/* in pkg: one per prepared statement */
struct my_stmt {
	MYSQL_STMT *st; /* NULL: run as text (not preparable, no values) */
	char *sql;      /* text-protocol statements only */
	int np, nc;
	MYSQL_BIND *pb, *rb;
	struct my_par *par;
	struct my_col *col;
	MYSQL_RES *meta;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An error number as an E_* code.  elapsed: how long the call took, to
 * tell the client's read timeout from a lost connection. */
static int
my_code(unsigned no, int64_t elapsed_ms, int read_timeout)
{
	switch (no) {
	case CR_SERVER_LOST:
		if (elapsed_ms >= (int64_t)read_timeout * 1000 - 100)
			return E_TIMEOUT;
		return E_CLOSED;
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST_EXTENDED:
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_COMMANDS_OUT_OF_SYNC:
	case ER_CONNECTION_KILLED:
	case ER_SERVER_SHUTDOWN:
		return E_CLOSED;
	case ER_STATEMENT_TIMEOUT:
	case ER_LOCK_WAIT_TIMEOUT:
		return E_TIMEOUT;
	case CR_OUT_OF_MEMORY:
		return E_NOMEM;
	default:
		return E_INVAL;
	}
}

static int
my_stmt_err(struct my_conn *c, MYSQL_STMT *st, const char *what, int64_t t0,
    char *err)
{
	unsigned no = mysql_stmt_errno(st);
	int rc = my_code(no, now_ms() - t0, c->read_timeout);

	if (rc == E_TIMEOUT && no == CR_SERVER_LOST)
		return db_err(err, rc, "%s: no answer within %d s (%s)", what,
		    c->read_timeout, mysql_stmt_error(st));
	return db_err(err, rc, "%s: %s (%u)", what, mysql_stmt_error(st), no);
}

static int
my_conn_err(struct my_conn *c, const char *what, int64_t t0, char *err)
{
	unsigned no = mysql_errno(c->m);

	return db_err(err, my_code(no, now_ms() - t0, c->read_timeout),
	    "%s: %s (%u)", what, mysql_error(c->m), no);
}

static int
my_connect(const struct db_url *u, void **out, char *err)
{
	unsigned ct = (unsigned)mysql_connect_timeout;
	unsigned rt = (unsigned)mysql_query_timeout + 2;
	my_bool no = 0;
	struct my_conn *c;
	char set[128];
	MYSQL *m;

	if ((m = mysql_init(NULL)) == NULL)
		return db_err(err, E_NOMEM, "mysql_init: out of memory");
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rt);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &rt);
	mysql_options(m, MYSQL_OPT_RECONNECT, &no); /* the DB core does it */
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "binary");
	/* FOUND_ROWS: an UPDATE reports the rows matched, as SQLite and
	 * PostgreSQL do, not only those whose values changed */
	if (mysql_real_connect(m, u->host, u->user, u->password, u->database,
	        u->port, NULL, CLIENT_FOUND_ROWS) == NULL) {
		db_err(err, E_AGAIN, "%s (%u)", mysql_error(m), mysql_errno(m));
		mysql_close(m);
		return E_AGAIN;
	}
	if (mysql_query(m,
	        "SET time_zone = '+00:00', "
	        "character_set_results = NULL") != 0) {
		db_err(err, E_AGAIN, "session set-up: %s", mysql_error(m));
		mysql_close(m);
		return E_AGAIN;
	}
	/* MariaDB only (MySQL has max_execution_time for SELECTs) */
	snprintf(set, sizeof(set), "SET max_statement_time = %d",
	    mysql_query_timeout);
	if (mysql_query(m, set) != 0)
		LM_DBG("%s (not MariaDB?): %s", set, mysql_error(m));
	if ((c = pkg_zalloc(sizeof(*c))) == NULL) {
		mysql_close(m);
		return db_err(err, E_NOMEM, "out of memory");
	}
	c->m = m;
	c->read_timeout = (int)rt;
	*out = c;
	return 0;
}

static void
my_disconnect(void *conn)
{
	struct my_conn *c = conn;

	mysql_close(c->m);
	pkg_free(c);
}

static void
my_stmt_free(void *conn, void *stmt, bool closing)
{
	struct my_stmt *s = stmt;
	int i;

	(void)conn;
	(void)closing; /* COM_STMT_CLOSE has no reply: cheap either way */
	if (s == NULL)
		return;
	if (s->meta != NULL)
		mysql_free_result(s->meta);
	if (s->st != NULL)
		mysql_stmt_close(s->st);
	for (i = 0; s->col != NULL && i < s->nc; i++)
		pkg_free(s->col[i].buf);
	pkg_free(s->col);
	pkg_free(s->rb);
	pkg_free(s->pb);
	pkg_free(s->par);
	pkg_free(s->sql);
	pkg_free(s);
}

/* The API type of a result field. */
static enum db_type
my_field_type(const MYSQL_FIELD *f)
{
	switch (f->type) {
	case MYSQL_TYPE_TINY:
	case MYSQL_TYPE_SHORT:
	case MYSQL_TYPE_INT24:
	case MYSQL_TYPE_YEAR:
		return DB_INT;
	case MYSQL_TYPE_LONG:
		return f->flags & UNSIGNED_FLAG ? DB_BIGINT : DB_INT;
	case MYSQL_TYPE_LONGLONG:
		return DB_BIGINT;
	case MYSQL_TYPE_FLOAT:
	case MYSQL_TYPE_DOUBLE:
	case MYSQL_TYPE_DECIMAL:
	case MYSQL_TYPE_NEWDECIMAL:
		return DB_DOUBLE;
	case MYSQL_TYPE_DATETIME:
	case MYSQL_TYPE_TIMESTAMP:
	case MYSQL_TYPE_DATE:
		return DB_DATETIME;
	case MYSQL_TYPE_BIT:
	case MYSQL_TYPE_GEOMETRY:
		return DB_BLOB;
	default:
		/* strings: charset 63 is "binary" (BLOB, VARBINARY) */
		return f->charsetnr == 63 ? DB_BLOB : DB_STR;
	}
}

/* Result bindings for the statement's columns (once per statement). */
static int
my_bind_cols(struct my_stmt *s, char *err)
{
	MYSQL_FIELD *f = mysql_fetch_fields(s->meta);
	MYSQL_BIND *b;
	struct my_col *c;
	int i;

	s->rb = pkg_zalloc(sizeof(*s->rb) * (size_t)s->nc);
	s->col = pkg_zalloc(sizeof(*s->col) * (size_t)s->nc);
	if (s->rb == NULL || s->col == NULL)
		return db_err(err, E_NOMEM, "out of memory");
	for (i = 0; i < s->nc; i++) {
		b = &s->rb[i];
		c = &s->col[i];
		c->type = my_field_type(&f[i]);
		b->is_null = &c->is_null;
		b->error = &c->error;
		b->length = &c->len;
		switch (c->type) {
		case DB_INT:
		case DB_BIGINT:
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &c->ll;
			b->is_unsigned = (f[i].flags & UNSIGNED_FLAG) != 0;
			break;
		case DB_DOUBLE:
			b->buffer_type = MYSQL_TYPE_DOUBLE;
			b->buffer = &c->d;
			break;
		case DB_DATETIME:
			b->buffer_type = MYSQL_TYPE_DATETIME;
			b->buffer = &c->t;
			break;
		default:
			if ((c->buf = pkg_malloc(COL_BUF0)) == NULL)
				return db_err(err, E_NOMEM, "out of memory");
			c->cap = COL_BUF0;
			b->buffer_type = MYSQL_TYPE_BLOB;
			b->buffer = c->buf;
			b->buffer_length = c->cap;
			break;
		}
	}
	return 0;
}

static int
my_prepare(void *conn, const char *sql, int nparams, void **stmt, char *err)
{
	struct my_conn *c = conn;
	struct my_stmt *s;
	unsigned long pc;
	int64_t t0 = now_ms();
	int rc = 0;

	if ((s = pkg_zalloc(sizeof(*s))) == NULL)
		return db_err(err, E_NOMEM, "out of memory");
	if ((s->st = mysql_stmt_init(c->m)) == NULL) {
		rc = db_err(err, E_NOMEM, "mysql_stmt_init: out of memory");
		goto out;
	}
	if (mysql_stmt_prepare(s->st, sql, strlen(sql)) != 0) {
		if (mysql_stmt_errno(s->st) == ER_UNSUPPORTED_PS &&
		    nparams == 0) {
			/* e.g. BEGIN: sent as text, it has no values */
			mysql_stmt_close(s->st);
			s->st = NULL;
			if ((s->sql = pkg_strndup(sql, strlen(sql))) == NULL)
				rc = db_err(err, E_NOMEM, "out of memory");
			goto out;
		}
		rc = my_stmt_err(c, s->st, "prepare", t0, err);
		goto out;
	}
	pc = mysql_stmt_param_count(s->st);
	if (pc != (unsigned long)nparams) {
		rc = db_err(err, E_INVAL,
		    "prepare: statement has %lu "
		    "placeholders, %d values given",
		    pc, nparams);
		goto out;
	}
	s->np = nparams;
	if (nparams > 0 &&
	    ((s->pb = pkg_zalloc(sizeof(*s->pb) * (size_t)nparams)) == NULL ||
	        (s->par = pkg_zalloc(sizeof(*s->par) * (size_t)nparams)) ==
	            NULL)) {
		rc = db_err(err, E_NOMEM, "out of memory");
		goto out;
	}
	if ((s->meta = mysql_stmt_result_metadata(s->st)) != NULL) {
		s->nc = (int)mysql_num_fields(s->meta);
		rc = my_bind_cols(s, err);
	}
out:
	if (rc != 0)
		my_stmt_free(c, s, false);
	else
		*stmt = s;
	return rc;
}

static void
my_time_set(MYSQL_TIME *t, time_t v)
{
	struct tm tm;

	memset(t, 0, sizeof(*t));
	gmtime_r(&v, &tm);
	t->year = (unsigned)tm.tm_year + 1900;
	t->month = (unsigned)tm.tm_mon + 1;
	t->day = (unsigned)tm.tm_mday;
	t->hour = (unsigned)tm.tm_hour;
	t->minute = (unsigned)tm.tm_min;
	t->second = (unsigned)tm.tm_sec;
	t->time_type = MYSQL_TIMESTAMP_DATETIME;
}

static time_t
my_time_get(const MYSQL_TIME *t)
{
	struct tm tm = {
		.tm_year = (int)t->year - 1900,
		.tm_mon = (int)t->month - 1,
		.tm_mday = t->day ? (int)t->day : 1,
		.tm_hour = (int)t->hour,
		.tm_min = (int)t->minute,
		.tm_sec = (int)t->second,
	};

	return timegm(&tm);
}

static void
my_bind_params(struct my_stmt *s, const struct db_val *const *p)
{
	int i;

	for (i = 0; i < s->np; i++) {
		MYSQL_BIND *b = &s->pb[i];
		struct my_par *q = &s->par[i];
		const struct db_val *v = p[i];

		memset(b, 0, sizeof(*b));
		if (v->nul) {
			b->buffer_type = MYSQL_TYPE_NULL;
			continue;
		}
		switch (v->type) {
		case DB_INT:
			q->ll = v->v.i;
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &q->ll;
			break;
		case DB_BIGINT:
			q->ll = v->v.i64;
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &q->ll;
			break;
		case DB_DOUBLE:
			q->d = v->v.d;
			b->buffer_type = MYSQL_TYPE_DOUBLE;
			b->buffer = &q->d;
			break;
		case DB_DATETIME:
			my_time_set(&q->t, v->v.time);
			b->buffer_type = MYSQL_TYPE_DATETIME;
			b->buffer = &q->t;
			break;
		case DB_STRING:
			b->buffer_type = MYSQL_TYPE_STRING;
			b->buffer = (void *)(uintptr_t)v->v.string;
			b->buffer_length = strlen(v->v.string);
			break;
		case DB_STR:
		case DB_BLOB:
			b->buffer_type = v->type == DB_BLOB ? MYSQL_TYPE_BLOB
			                                    : MYSQL_TYPE_STRING;
			b->buffer = (void *)(uintptr_t)(v->v.str.s ? v->v.str.s
			                                           : "");
			b->buffer_length = v->v.str.len;
			break;
		}
	}
}

/* A text/blob column longer than its buffer: grow it, fetch the value
 * again, and keep the bigger buffer for the next rows. */
static int
my_fetch_long(struct my_stmt *s, int i, char *err)
{
	struct my_col *c = &s->col[i];
	unsigned long cap = c->cap;
	char *nb;

	while (cap < c->len)
		cap *= 2;
	if ((nb = pkg_realloc(c->buf, cap)) == NULL)
		return db_err(err, E_NOMEM, "out of memory");
	c->buf = nb;
	c->cap = cap;
	s->rb[i].buffer = nb;
	s->rb[i].buffer_length = cap;
	if (mysql_stmt_fetch_column(s->st, &s->rb[i], (unsigned)i, 0) != 0)
		return db_err(err, E_INVAL, "fetch column: %s",
		    mysql_stmt_error(s->st));
	return 1; /* bindings changed */
}

static int
my_row(struct my_stmt *s, struct db_res *res, char *err)
{
	struct db_val *v;
	struct my_col *c;
	int i, rc, rebind = 0;

	if ((v = db_res_row_add(res)) == NULL)
		return db_err(err, E_NOMEM, "out of memory");
	for (i = 0; i < s->nc; i++) {
		c = &s->col[i];
		if (c->is_null)
			continue;
		v[i].nul = false;
		switch (c->type) {
		case DB_INT:
			if (c->ll < INT32_MIN || c->ll > INT32_MAX) {
				v[i].type = DB_BIGINT;
				v[i].v.i64 = c->ll;
			} else {
				v[i].v.i = (int)c->ll;
			}
			break;
		case DB_BIGINT:
			v[i].v.i64 = c->ll;
			break;
		case DB_DOUBLE:
			v[i].v.d = c->d;
			break;
		case DB_DATETIME:
			v[i].v.time = my_time_get(&c->t);
			break;
		default:
			if (c->len > c->cap) {
				if ((rc = my_fetch_long(s, i, err)) < 0)
					return rc;
				rebind = 1;
			}
			if (db_res_val_bytes(res, &v[i], c->type, c->buf,
			        c->len) != 0)
				return db_err(err, E_NOMEM, "out of memory");
			break;
		}
	}
	if (rebind && mysql_stmt_bind_result(s->st, s->rb) != 0)
		return db_err(err, E_INVAL, "bind result: %s",
		    mysql_stmt_error(s->st));
	return 0;
}

static int
my_cols(struct db_res *res, MYSQL_RES *meta, int nc, const struct my_col *col)
{
	MYSQL_FIELD *f = mysql_fetch_fields(meta);
	int i, rc;

	if ((rc = db_res_cols(res, nc)) != 0)
		return rc;
	for (i = 0; i < nc; i++)
		if ((rc = db_res_col_set(res, i, f[i].name, f[i].name_length,
		         col ? col[i].type : my_field_type(&f[i]))) != 0)
			return rc;
	return 0;
}

static int
my_text_val(struct db_res *res, struct db_val *v, const MYSQL_FIELD *f,
    const char *s, unsigned long len, char *err)
{
	if (db_res_val_bytes(res, v, f->charsetnr == 63 ? DB_BLOB : DB_STR, s,
	        len) != 0)
		return db_err(err, E_NOMEM, "out of memory");
	return 0;
}

/* A statement the server cannot prepare, run as text (no values). */
static int
my_exec_text(struct my_conn *c, struct my_stmt *s, struct db_res *res,
    long *affected, char *err)
{
	MYSQL_RES *r;
	MYSQL_ROW row;
	MYSQL_FIELD *f;
	unsigned long *len;
	struct db_val *v;
	int64_t t0 = now_ms();
	int i, n, rc = 0;
	time_t t;

	if (mysql_real_query(c->m, s->sql, strlen(s->sql)) != 0)
		return my_conn_err(c, "query", t0, err);
	if ((r = mysql_store_result(c->m)) == NULL) {
		if (mysql_field_count(c->m) != 0)
			return my_conn_err(c, "store result", t0, err);
		*affected = (long)mysql_affected_rows(c->m);
		return 0;
	}
	n = (int)mysql_num_fields(r);
	f = mysql_fetch_fields(r);
	if (res != NULL && (rc = my_cols(res, r, n, NULL)) != 0)
		rc = db_err(err, E_NOMEM, "out of memory");
	while (rc == 0 && res != NULL && (row = mysql_fetch_row(r)) != NULL) {
		len = mysql_fetch_lengths(r);
		if ((v = db_res_row_add(res)) == NULL) {
			rc = db_err(err, E_NOMEM, "out of memory");
			break;
		}
		for (i = 0; i < n && rc == 0; i++) {
			if (row[i] == NULL)
				continue;
			v[i].nul = false;
			switch (res->col_types[i]) {
			case DB_INT:
				v[i].v.i = atoi(row[i]);
				break;
			case DB_BIGINT:
				v[i].v.i64 = strtoll(row[i], NULL, 10);
				break;
			case DB_DOUBLE:
				v[i].v.d = strtod(row[i], NULL);
				break;
			case DB_DATETIME:
				/* a zero date does not parse: give the text */
				if (db_time_parse(row[i], len[i], &t) == 0) {
					v[i].v.time = t;
					break;
				}
				rc = my_text_val(res, &v[i], &f[i], row[i],
				    len[i], err);
				break;
			default:
				rc = my_text_val(res, &v[i], &f[i], row[i],
				    len[i], err);
				break;
			}
		}
	}
	mysql_free_result(r);
	return rc;
}

static int
my_execute(void *conn, void *stmt, const struct db_val *const *p, int n,
    struct db_res *res, long *affected, char *err)
{
	struct my_conn *c = conn;
	struct my_stmt *s = stmt;
	int64_t t0 = now_ms();
	int rc;

	if (s->st == NULL)
		return my_exec_text(c, s, res, affected, err);
	if (n != s->np)
		return db_err(err, E_BUG, "%d values for %d placeholders", n,
		    s->np);
	if (n > 0) {
		my_bind_params(s, p);
		if (mysql_stmt_bind_param(s->st, s->pb) != 0)
			return my_stmt_err(c, s->st, "bind", t0, err);
	}
	if (mysql_stmt_execute(s->st) != 0)
		return my_stmt_err(c, s->st, "execute", t0, err);
	if (s->nc == 0) {
		*affected = (long)mysql_stmt_affected_rows(s->st);
		return 0;
	}
	/* the whole result to the client: the connection is free again */
	if (mysql_stmt_bind_result(s->st, s->rb) != 0 ||
	    mysql_stmt_store_result(s->st) != 0) {
		rc = my_stmt_err(c, s->st, "store result", t0, err);
		mysql_stmt_free_result(s->st);
		return rc;
	}
	rc = res != NULL ? my_cols(res, s->meta, s->nc, s->col) : 0;
	if (rc != 0)
		rc = db_err(err, E_NOMEM, "out of memory");
	while (rc == 0 && res != NULL) {
		int f = mysql_stmt_fetch(s->st);

		if (f == MYSQL_NO_DATA)
			break;
		if (f == 1) {
			rc = my_stmt_err(c, s->st, "fetch", t0, err);
			break;
		}
		/* 0 or MYSQL_DATA_TRUNCATED: long values fetched again */
		rc = my_row(s, res, err);
	}
	mysql_stmt_free_result(s->st);
	return rc;
}

void
mysql_drv_unload(void)
{
	mysql_library_end();
}

static const char *const schemes[] = { "mysql", NULL };

/* clang-format off */
const struct db_driver mysql_driver = {
	.name = "mysql",
	.schemes = schemes,
	.quote = '`',
	.placeholder = DB_PH_QMARK,
	.upsert = DB_UPSERT_DUP_KEY,
	.connect = my_connect,
	.disconnect = my_disconnect,
	.prepare = my_prepare,
	.execute = my_execute,
	.stmt_free = my_stmt_free,
};
/* clang-format on */
