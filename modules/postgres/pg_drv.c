/* pg_drv.c: the PostgreSQL driver (libpq).
 *
 * Statements are prepared on the server (one name per statement and
 * connection); the parameter types the server inferred are read once
 * (describe) so each value goes in the form its type wants: text and
 * bytea as raw bytes (binary format: no escaping, no copy, exact length),
 * numbers and times as text.  Results come back as text (bytea decoded
 * with PQunescapeBytea).  The session runs in UTC.
 *
 * Timeouts: connect_timeout (libpq's own; at least 2 s), statement_timeout
 * = query_timeout on the server, and a client deadline 2 s later for a
 * server that stops answering: the connection is non-blocking and every
 * wait is a poll() with what is left of the deadline. */
#define LOG_MODULE "postgres"
#include <libpq-fe.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../api/sr_api.h"
#include "pg_drv.h"

/* type OIDs (pg_type.dat; stable across releases) */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_NAME 19
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_UNKNOWN 705
#define OID_BPCHAR 1042
#define OID_VARCHAR 1043
#define OID_DATE 1082
#define OID_TIMESTAMP 1114
#define OID_TIMESTAMPTZ 1184
#define OID_NUMERIC 1700

#define NUM_LEN 32 /* text of one number or time */

/* in pkg: one per connection */
struct pg_conn {
	PGconn *c;
	unsigned next_id; /* statement names k1, k2, ... */
	char *scratch;    /* NUL-terminated copies of DB_STR values */
	size_t scratch_cap;
};

/* in pkg: one per prepared statement */
struct pg_stmt {
	char name[16];
	int np;
	Oid *types; /* as the server inferred them */
	const char **vals;
	int *lens, *fmts;
	char *num;            /* np * NUM_LEN */
	struct db_cols *cols; /* of the results, from the describe */
	int ncols;
	Oid *ctypes; /* their type OIDs */
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* libpq's message without its trailing newline (it may hold several
 * lines: they are joined with "; "). */
static int
pg_msg(char *err, int code, const char *what, const char *msg)
{
	char buf[DB_ERR_LEN];
	size_t i, o = 0;

	for (i = 0; msg != NULL && msg[i] != '\0' && o < sizeof(buf) - 3; i++) {
		if (msg[i] == '\t')
			continue;
		if (msg[i] == '\n') {
			if (msg[i + 1] != '\0') {
				buf[o++] = ';';
				buf[o++] = ' ';
			}
			continue;
		}
		buf[o++] = msg[i];
	}
	buf[o] = '\0';
	return db_err(err, code, "%s: %s", what, buf);
}

static void
pg_notice(void *arg, const char *msg)
{
	(void)arg;
	LM_DBG("server notice: %s", msg);
}

static int
pg_connect(const struct db_url *u, void **out, char *err)
{
	const char *keys[16], *vals[16];
	char port[8], ct[16], opts[96];
	struct pg_conn *c;
	PGconn *pc;
	int n = 0;

	snprintf(ct, sizeof(ct), "%d", pg_connect_timeout);
	snprintf(opts, sizeof(opts), "-c statement_timeout=%d -c TimeZone=UTC",
	    pg_query_timeout * 1000);
	keys[n] = "host", vals[n++] = u->host;
	if (u->port != 0) {
		snprintf(port, sizeof(port), "%u", u->port);
		keys[n] = "port", vals[n++] = port;
	}
	keys[n] = "dbname", vals[n++] = u->database;
	if (u->user != NULL)
		keys[n] = "user", vals[n++] = u->user;
	if (u->password != NULL)
		keys[n] = "password", vals[n++] = u->password;
	keys[n] = "connect_timeout", vals[n++] = ct;
	keys[n] = "options", vals[n++] = opts;
	keys[n] = "application_name", vals[n++] = "kamailio";
	/* a peer that vanishes without a FIN is noticed in ~25 s */
	keys[n] = "keepalives", vals[n++] = "1";
	keys[n] = "keepalives_idle", vals[n++] = "10";
	keys[n] = "keepalives_interval", vals[n++] = "5";
	keys[n] = "keepalives_count", vals[n++] = "3";
	keys[n] = NULL, vals[n] = NULL;
	pc = PQconnectdbParams(keys, vals, 0);
	if (pc == NULL)
		return db_err(err, E_NOMEM, "libpq: out of memory");
	if (PQstatus(pc) != CONNECTION_OK) {
		pg_msg(err, E_AGAIN, "connect", PQerrorMessage(pc));
		PQfinish(pc);
		return E_AGAIN;
	}
	if ((c = pkg_zalloc(sizeof(*c))) == NULL) {
		PQfinish(pc);
		return db_err(err, E_NOMEM, "out of memory");
	}
	PQsetNoticeProcessor(pc, pg_notice, NULL);
	PQsetnonblocking(pc, 1);
	c->c = pc;
	*out = c;
	return 0;
}

static void
pg_disconnect(void *conn)
{
	struct pg_conn *c = conn;

	PQfinish(c->c);
	pkg_free(c->scratch);
	pkg_free(c);
}

/* Send what is queued and wait until a result can be read without
 * blocking, at most until deadline.  0, E_TIMEOUT or E_CLOSED.  Input is
 * read only when poll() says there is some: no read that would only say
 * EAGAIN (a system call per statement saved). */
static int
pg_wait(struct pg_conn *c, int64_t deadline, char *err)
{
	struct pollfd pfd = { .fd = PQsocket(c->c) };
	int left, r, flushing = 1;

	for (;;) {
		if (flushing && (r = PQflush(c->c)) <= 0) {
			if (r < 0)
				return pg_msg(err, E_CLOSED, "send",
				    PQerrorMessage(c->c));
			flushing = 0;
		}
		if (!flushing && !PQisBusy(c->c))
			return 0;
		if ((left = (int)(deadline - now_ms())) <= 0)
			return db_err(err, E_TIMEOUT, "no answer within %d s",
			    pg_query_timeout + 2);
		pfd.events = POLLIN | (flushing ? POLLOUT : 0);
		if (poll(&pfd, 1, left) < 0)
			return db_err(err, E_CLOSED, "poll failed");
		if ((pfd.revents & (POLLIN | POLLERR | POLLHUP)) &&
		    PQconsumeInput(c->c) == 0)
			return pg_msg(err, E_CLOSED, "receive",
			    PQerrorMessage(c->c));
	}
}

/* The code of a failed result: by SQLSTATE class, and E_CLOSED whenever
 * the connection itself is gone. */
static int
pg_code(struct pg_conn *c, const PGresult *r)
{
	const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	if (PQstatus(c->c) != CONNECTION_OK)
		return E_CLOSED;
	if (st == NULL)
		return E_INVAL;
	if (strcmp(st, "57014") == 0 || strcmp(st, "55P03") == 0)
		return E_TIMEOUT; /* statement timeout, lock not available */
	if (strncmp(st, "08", 2) == 0 || strncmp(st, "57P", 3) == 0)
		return E_CLOSED; /* connection exception, shutdown */
	if (strncmp(st, "53", 2) == 0)
		return E_NOMEM; /* insufficient resources */
	return E_INVAL;
}

/* "primary message (SQLSTATE)", the whole text if there is none */
static int
pg_result_err(struct pg_conn *c, const PGresult *r, const char *what, char *err)
{
	const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	if (m == NULL)
		return pg_msg(err, pg_code(c, r), what,
		    PQresultErrorMessage(r));
	return db_err(err, pg_code(c, r), "%s: %s (%s)", what, m,
	    st ? st : "?");
}

/* Read every result of the command sent; the first failure wins.  fn
 * (may be NULL) is called for the result holding rows or the count. */
static int
pg_results(struct pg_conn *c, int64_t deadline, const char *what,
    int (*fn)(void *, PGresult *, char *), void *arg, char *err)
{
	PGresult *r;
	int rc = 0, wrc;

	for (;;) {
		if ((wrc = pg_wait(c, deadline, err)) != 0)
			return wrc;
		if ((r = PQgetResult(c->c)) == NULL)
			break;
		switch (PQresultStatus(r)) {
		case PGRES_TUPLES_OK:
		case PGRES_COMMAND_OK:
			if (rc == 0 && fn != NULL)
				rc = fn(arg, r, err);
			break;
		default:
			if (rc == 0)
				rc = pg_result_err(c, r, what, err);
			break;
		}
		PQclear(r);
	}
	if (rc == 0 && PQstatus(c->c) != CONNECTION_OK)
		rc = pg_msg(err, E_CLOSED, what, PQerrorMessage(c->c));
	return rc;
}

static enum db_type
pg_type(Oid t)
{
	switch (t) {
	case OID_BOOL:
	case OID_INT2:
	case OID_INT4:
		return DB_INT;
	case OID_INT8:
	case OID_OID:
		return DB_BIGINT;
	case OID_FLOAT4:
	case OID_FLOAT8:
	case OID_NUMERIC:
		return DB_DOUBLE;
	case OID_DATE:
	case OID_TIMESTAMP:
	case OID_TIMESTAMPTZ:
		return DB_DATETIME;
	case OID_BYTEA:
		return DB_BLOB;
	default:
		return DB_STR;
	}
}

static int
pg_described(void *arg, PGresult *r, char *err)
{
	struct pg_stmt *s = arg;
	int i;

	const char *name;
	int nf = PQnfields(r);

	if (PQnparams(r) != s->np)
		return db_err(err, E_INVAL,
		    "prepare: statement has %d "
		    "placeholders, %d values given",
		    PQnparams(r), s->np);
	for (i = 0; i < s->np; i++)
		s->types[i] = PQparamtype(r, i);
	/* the result columns, once, for every result of the statement */
	s->ncols = nf;
	if (nf > 0 &&
	    (s->ctypes = pkg_malloc(sizeof(Oid) * (size_t)nf)) == NULL)
		return db_err(err, E_NOMEM, "out of memory");
	for (i = 0; i < nf; i++) {
		name = PQfname(r, i);
		s->ctypes[i] = PQftype(r, i);
		if (db_cols_add(&s->cols, name, strlen(name),
		        pg_type(s->ctypes[i])) != 0)
			return db_err(err, E_NOMEM, "out of memory");
	}
	return 0;
}

static void
pg_stmt_free(void *conn, void *stmt, bool closing)
{
	struct pg_conn *c = conn;
	struct pg_stmt *s = stmt;
	char sql[32];

	if (s == NULL)
		return;
	if (!closing && PQstatus(c->c) == CONNECTION_OK) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
		if (PQsendQuery(c->c, sql) == 1) {
			char err[DB_ERR_LEN];

			pg_results(c, now_ms() + (pg_query_timeout + 2) * 1000,
			    "deallocate", NULL, NULL, err);
		}
	}
	pkg_free(s->types);
	pkg_free(s->vals);
	pkg_free(s->lens);
	pkg_free(s->fmts);
	pkg_free(s->num);
	pkg_free(s->ctypes);
	db_cols_unref(s->cols);
	pkg_free(s);
}

static int
pg_prepare(void *conn, const char *sql, int nparams, void **stmt, char *err)
{
	struct pg_conn *c = conn;
	struct pg_stmt *s;
	size_t np = nparams > 0 ? (size_t)nparams : 1;
	int64_t deadline = now_ms() + (pg_query_timeout + 2) * 1000;
	int rc;

	if ((s = pkg_zalloc(sizeof(*s))) == NULL)
		return db_err(err, E_NOMEM, "out of memory");
	s->np = nparams;
	s->types = pkg_zalloc(sizeof(*s->types) * np);
	s->vals = pkg_zalloc(sizeof(*s->vals) * np);
	s->lens = pkg_zalloc(sizeof(*s->lens) * np);
	s->fmts = pkg_zalloc(sizeof(*s->fmts) * np);
	s->num = pkg_malloc(NUM_LEN * np);
	if (!s->types || !s->vals || !s->lens || !s->fmts || !s->num) {
		pg_stmt_free(c, s, true);
		return db_err(err, E_NOMEM, "out of memory");
	}
	snprintf(s->name, sizeof(s->name), "k%u", ++c->next_id);
	if (PQsendPrepare(c->c, s->name, sql, nparams, NULL) != 1) {
		rc = pg_msg(err, E_CLOSED, "prepare", PQerrorMessage(c->c));
		pg_stmt_free(c, s, true);
		return rc;
	}
	if ((rc = pg_results(c, deadline, "prepare", NULL, NULL, err)) != 0) {
		pg_stmt_free(c, s, true); /* nothing was prepared */
		return rc;
	}
	if (PQsendDescribePrepared(c->c, s->name) != 1) {
		rc = pg_msg(err, E_CLOSED, "describe", PQerrorMessage(c->c));
	} else {
		rc = pg_results(c, deadline, "describe", pg_described, s, err);
	}
	if (rc != 0) {
		pg_stmt_free(c, s, rc == E_CLOSED || rc == E_TIMEOUT);
		return rc;
	}
	*stmt = s;
	return 0;
}

static bool
pg_texty(Oid t)
{
	return t == OID_TEXT || t == OID_VARCHAR || t == OID_BPCHAR ||
	    t == OID_NAME || t == OID_UNKNOWN;
}

/* A NUL-terminated copy of a DB_STR value, in the connection's scratch
 * buffer at offset *used. */
static const char *
pg_cstr(struct pg_conn *c, size_t *used, const struct str *s)
{
	size_t need = *used + s->len + 1, cap;
	char *nb;

	if (need > c->scratch_cap) {
		cap = c->scratch_cap ? c->scratch_cap : 256;
		while (cap < need)
			cap *= 2;
		if ((nb = pkg_realloc(c->scratch, cap)) == NULL)
			return NULL;
		c->scratch = nb;
		c->scratch_cap = cap;
	}
	memcpy(c->scratch + *used, s->s, s->len);
	c->scratch[*used + s->len] = '\0';
	*used = need;
	return c->scratch + need - s->len - 1;
}

/* Parameter i, a string or blob: raw bytes for text and bytea
 * parameters, else text (copied when it has no NUL of its own: its
 * offset in the scratch buffer goes to *off). */
static int
pg_param_bytes(struct pg_conn *c, struct pg_stmt *s, int i,
    const struct db_val *v, size_t *used, size_t *off, char *err)
{
	struct str b = db_val_get_str(v);
	Oid t = s->types[i];

	if (b.s == NULL)
		b.s = "";
	if (b.len > INT32_MAX)
		return db_err(err, E_TOOBIG, "parameter %d: too long", i + 1);
	if (t == OID_BYTEA || pg_texty(t)) {
		/* raw bytes: no escaping, exact length */
		s->vals[i] = b.s;
		s->lens[i] = (int)b.len;
		s->fmts[i] = 1;
	} else if (v->type == DB_STRING) {
		s->vals[i] = b.s;
	} else if (memchr(b.s, '\0', b.len) != NULL) {
		return db_err(err, E_INVAL,
		    "parameter %d: a NUL byte cannot "
		    "go into a %u column",
		    i + 1, (unsigned)t);
	} else {
		/* e.g. "42" for an integer column: as text */
		*off = *used;
		if (pg_cstr(c, used, &b) == NULL)
			return db_err(err, E_NOMEM, "out of memory");
	}
	return 0;
}

/* The values in the form their parameter types want. */
static int
pg_params(struct pg_conn *c, struct pg_stmt *s, const struct db_val *const *p,
    char *err)
{
	size_t used = 0, offs[DB_MAX_COLS * 2];
	char *num;
	Oid t;
	int i, rc;

	for (i = 0; i < s->np; i++) {
		const struct db_val *v = p[i];

		num = s->num + (size_t)i * NUM_LEN;
		t = s->types[i];
		s->fmts[i] = 0;
		s->lens[i] = 0;
		offs[i] = (size_t)-1;
		if (v->nul) {
			s->vals[i] = NULL;
			continue;
		}
		switch (v->type) {
		case DB_INT:
			snprintf(num, NUM_LEN, "%d", v->v.i);
			s->vals[i] = num;
			break;
		case DB_BIGINT:
			snprintf(num, NUM_LEN, "%lld", (long long)v->v.i64);
			s->vals[i] = num;
			break;
		case DB_DOUBLE:
			snprintf(num, NUM_LEN, "%.17g", v->v.d);
			s->vals[i] = num;
			break;
		case DB_DATETIME:
			/* an epoch-seconds column takes the number */
			if (t == OID_INT8 || t == OID_INT4 || t == OID_INT2)
				snprintf(num, NUM_LEN, "%lld",
				    (long long)v->v.time);
			else if (db_time_format(v->v.time, num) != 0)
				return db_err(err, E_INVAL,
				    "parameter %d: "
				    "time out of range",
				    i + 1);
			s->vals[i] = num;
			break;
		case DB_STRING:
		case DB_STR:
		case DB_BLOB:
			if ((rc = pg_param_bytes(c, s, i, v, &used, &offs[i],
			         err)) != 0)
				return rc;
			break;
		}
	}
	/* copies were made into one buffer that may have moved */
	for (i = 0; i < s->np; i++)
		if (offs[i] != (size_t)-1)
			s->vals[i] = c->scratch + offs[i];
	return 0;
}

static int
pg_value(struct db_res *res, PGresult *r, int row, int col, Oid t,
    struct db_val *v)
{
	const char *s = PQgetvalue(r, row, col);
	int len = PQgetlength(r, row, col);
	unsigned char *bin;
	size_t blen;
	int rc;

	v->nul = false;
	switch (v->type) {
	case DB_INT:
		v->v.i = t == OID_BOOL ? (s[0] == 't') : atoi(s);
		return 0;
	case DB_BIGINT:
		v->v.i64 = strtoll(s, NULL, 10);
		return 0;
	case DB_DOUBLE:
		v->v.d = strtod(s, NULL);
		return 0;
	case DB_DATETIME:
		if (db_time_parse(s, (size_t)len, &v->v.time) == 0)
			return 0;
		/* infinity and the like: give the text */
		return db_res_val_bytes(res, v, DB_STR, s, (size_t)len);
	case DB_BLOB:
		if ((bin = PQunescapeBytea((const unsigned char *)s, &blen)) ==
		    NULL)
			return E_NOMEM;
		rc = db_res_val_bytes(res, v, DB_BLOB, (const char *)bin, blen);
		PQfreemem(bin);
		return rc;
	default:
		return db_res_val_bytes(res, v, DB_STR, s, (size_t)len);
	}
}

struct pg_fill {
	struct db_res *res;
	long *affected;
	const struct pg_stmt *s;
};

static int
pg_fill(void *arg, PGresult *r, char *err)
{
	struct pg_fill *f = arg;
	struct db_res *res = f->res;
	bool tpl;
	const char *name;
	struct db_val *v;
	int nc, nr, i, j;

	if (PQresultStatus(r) == PGRES_COMMAND_OK) {
		*f->affected = atol(PQcmdTuples(r));
		return 0;
	}
	if (res == NULL)
		return 0;
	nc = PQnfields(r);
	nr = PQntuples(r);
	tpl = f->s->cols != NULL && nc == f->s->ncols;
	if (tpl) {
		/* as described at prepare time */
		if (db_res_cols_use(res, f->s->cols) != 0)
			return db_err(err, E_NOMEM, "out of memory");
	} else {
		if (db_res_cols(res, nc) != 0)
			return db_err(err, E_NOMEM, "out of memory");
		for (j = 0; j < nc; j++) {
			name = PQfname(r, j);
			if (db_res_col_set(res, j, name, strlen(name),
			        pg_type(PQftype(r, j))) != 0)
				return db_err(err, E_NOMEM,
				    "out of "
				    "memory");
		}
	}
	for (i = 0; i < nr; i++) {
		if ((v = db_res_row_add(res)) == NULL)
			return db_err(err, E_NOMEM, "out of memory");
		for (j = 0; j < nc; j++)
			if (!PQgetisnull(r, i, j) &&
			    pg_value(res, r, i, j,
			        tpl ? f->s->ctypes[j] : PQftype(r, j),
			        &v[j]) != 0)
				return db_err(err, E_NOMEM, "out of memory");
	}
	return 0;
}

static int
pg_execute(void *conn, void *stmt, const struct db_val *const *p, int n,
    struct db_res *res, long *affected, char *err)
{
	struct pg_conn *c = conn;
	struct pg_stmt *s = stmt;
	struct pg_fill f = { .res = res, .affected = affected, .s = s };
	int64_t deadline = now_ms() + (pg_query_timeout + 2) * 1000;
	int rc;

	if (n != s->np)
		return db_err(err, E_BUG, "%d values for %d placeholders", n,
		    s->np);
	if ((rc = pg_params(c, s, p, err)) != 0)
		return rc;
	if (PQsendQueryPrepared(c->c, s->name, s->np, s->vals, s->lens, s->fmts,
	        0) != 1)
		return pg_msg(err,
		    PQstatus(c->c) == CONNECTION_OK ? E_INVAL : E_CLOSED,
		    "execute", PQerrorMessage(c->c));
	return pg_results(c, deadline, "execute", pg_fill, &f, err);
}

static const char *const schemes[] = { "postgres", "postgresql", NULL };

/* clang-format off */
const struct db_driver pg_driver = {
	.name = "postgres",
	.schemes = schemes,
	.quote = '"',
	.placeholder = DB_PH_DOLLAR,
	.upsert = DB_UPSERT_ON_CONFLICT,
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.prepare = pg_prepare,
	.execute = pg_execute,
	.stmt_free = pg_stmt_free,
};
/* clang-format on */
