/* db_bench.c: location-style lookups (contacts of one username@domain,
 * by the (username, domain) index) per second in one process, through
 * the DB API and through the engine's own library with a prepared
 * statement, on the same connection settings and data.
 *
 *   db_bench -m MODULE.so [-r ROWS] [-n LOOKUPS] [--fill] URL
 *
 * --fill first empties the location table and puts ROWS contacts in it
 * (one per user).  The two ways are measured in alternating rounds (10
 * of n/10 lookups each), so that drift of the machine hits both alike,
 * by wall clock and by this process's CPU time (which is what the API
 * adds: with a server, the wall time is mostly the round trip and the
 * scheduler).  The output is one line:
 *   engine=E rows=R lookups=N api_us=A direct_us=D api_per_s=..
 *   direct_per_s=.. api_cpu_us=.. direct_cpu_us=.. overhead_cpu=P%
 * --only api|direct runs one way only (for perf stat).
 */
#include <dlfcn.h>
#include <libpq-fe.h>
#include <mysql.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../db/db.h"
#include "../base/err.h"
#include "../base/log.h"
#include "../mem/pkg.h"

#define ROUNDS 10
#define NCOLS 8

static const char *const cols[NCOLS] = { "contact", "expires", "q", "callid",
	"cseq", "flags", "received", "path" };
static const char *const ud[] = { "username", "domain" };
static const char *domain = "example.com";
static int rows = 10000;
static long sink; /* keeps the compiler from dropping the reads */

/* What a caller of the engine's library must do with a text value that
 * it uses after the statement moves on (the engine's pointer dies with
 * the next step or PQclear): copy it.  The API's results are such
 * copies, so the direct baselines make them too. */
static char keep[NCOLS][512];

static void
keep_text(int i, const void *p, size_t n)
{
	if (p == NULL)
		return;
	if (n >= sizeof(keep[i]))
		n = sizeof(keep[i]) - 1;
	memcpy(keep[i], p, n);
	keep[i][n] = '\0';
	sink += (long)n;
}

static double
clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double
now_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

static double
cpu_us(void)
{
	return clock_us(CLOCK_PROCESS_CPUTIME_ID);
}

static void
user_of(unsigned i, char *buf, size_t n)
{
	snprintf(buf, n, "u%06u", i);
}

static int
fill(struct db_func *f, struct db_handle *h)
{
	static const char *const keys[] = { "ruid", "username", "domain",
		"contact", "expires", "q", "callid", "cseq", "flags", "path" };
	struct db_val v[10];
	char ruid[32], user[32], contact[96];
	int i;

	if (f->use_table(h, "location") != 0 ||
	    f->delete (h, NULL, NULL, NULL, 0) != 0 ||
	    f->raw_query(h, "BEGIN", NULL, 0, NULL) != 0)
		return 1;
	for (i = 0; i < rows; i++) {
		user_of((unsigned)i, user, sizeof(user));
		snprintf(ruid, sizeof(ruid), "uloc-%08x", (unsigned)i);
		snprintf(contact, sizeof(contact),
		    "sip:%s@192.0.2.%d:%d;"
		    "transport=tls",
		    user, i % 250 + 1, 1024 + i % 60000);
		v[0] = db_val_string(ruid);
		v[1] = db_val_string(user);
		v[2] = db_val_string(domain);
		v[3] = db_val_string(contact);
		v[4] = db_val_bigint(1900000000 + i);
		v[5] = db_val_double(1.0);
		v[6] = db_val_string("b3e9a5d0-1c7e-4f3a-9e1d-5a6b7c8d9e0f");
		v[7] = db_val_int(i);
		v[8] = db_val_int(0);
		v[9] = db_val_string("<sip:edge.example.com;lr>");
		if (f->insert(h, keys, v, 10) != 0)
			return 1;
	}
	return f->raw_query(h, "COMMIT", NULL, 0, NULL) != 0;
}

static int
api_round(struct db_func *f, struct db_handle *h, unsigned *seed, int n)
{
	struct db_res *res;
	struct db_val v[2];
	char user[32];
	int i;

	for (i = 0; i < n; i++) {
		user_of((unsigned)rand_r(seed) % (unsigned)rows, user,
		    sizeof(user));
		v[0] = db_val_string(user);
		v[1] = db_val_string(domain);
		if (f->query(h, ud, NULL, v, cols, 2, NCOLS, NULL, &res) != 0)
			return 1;
		if (res->n_rows != 1)
			return 1;
		sink += (long)res->rows[0].values[0].v.str.len +
		    res->rows[0].values[4].v.i;
		f->free_result(h, res);
	}
	return 0;
}

/* ---- the engines' own libraries ---- */

static const char sel_q[] = "SELECT contact, expires, q, callid, cseq, "
                            "flags, received, path FROM location WHERE "
                            "username = ? AND domain = ?";
static const char sel_pg[] = "SELECT contact, expires, q, callid, cseq, "
                             "flags, received, path FROM location WHERE "
                             "username = $1 AND domain = $2";

struct direct {
	int (*round)(struct direct *d, unsigned *seed, int n);
	sqlite3 *sq;
	sqlite3_stmt *sqs;
	MYSQL *my;
	MYSQL_STMT *mys;
	MYSQL_BIND pb[2], rb[NCOLS];
	char rbuf[NCOLS][512];
	unsigned long rlen[NCOLS], plen[2];
	my_bool rnull[NCOLS];
	char puser[32];
	PGconn *pg;
};

static int
sq_round(struct direct *d, unsigned *seed, int n)
{
	char user[32];
	int i, c;

	for (i = 0; i < n; i++) {
		user_of((unsigned)rand_r(seed) % (unsigned)rows, user,
		    sizeof(user));
		sqlite3_reset(d->sqs);
		sqlite3_bind_text(d->sqs, 1, user, -1, SQLITE_STATIC);
		sqlite3_bind_text(d->sqs, 2, domain, -1, SQLITE_STATIC);
		c = 0;
		while (sqlite3_step(d->sqs) == SQLITE_ROW) {
			static const int text[] = { 0, 3, 6, 7 };
			size_t j;

			for (j = 0; j < sizeof(text) / sizeof(text[0]); j++) {
				const void *p = sqlite3_column_blob(d->sqs,
				    text[j]);

				keep_text(text[j], p,
				    (size_t)sqlite3_column_bytes(d->sqs,
				        text[j]));
			}
			sink += (long)sqlite3_column_int64(d->sqs, 1);
			sink += (long)sqlite3_column_double(d->sqs, 2);
			sink += sqlite3_column_int(d->sqs, 4);
			sink += sqlite3_column_int(d->sqs, 5);
			c++;
		}
		if (c != 1)
			return 1;
	}
	return 0;
}

static int
sq_open(struct direct *d, const struct db_url *u)
{
	if (sqlite3_open_v2(u->database, &d->sq,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(d->sq, sel_q, -1, &d->sqs, NULL) != SQLITE_OK)
		return 1;
	d->round = sq_round;
	return 0;
}

static int
my_round(struct direct *d, unsigned *seed, int n)
{
	int i, c;

	for (i = 0; i < n; i++) {
		user_of((unsigned)rand_r(seed) % (unsigned)rows, d->puser,
		    sizeof(d->puser));
		d->plen[0] = strlen(d->puser);
		if (mysql_stmt_bind_param(d->mys, d->pb) != 0 ||
		    mysql_stmt_execute(d->mys) != 0 ||
		    mysql_stmt_bind_result(d->mys, d->rb) != 0 ||
		    mysql_stmt_store_result(d->mys) != 0)
			return 1;
		c = 0;
		while (mysql_stmt_fetch(d->mys) == 0) {
			int j;

			/* numbers come as text here: binding them as
			 * numbers would be the same work as ours */
			for (j = 0; j < NCOLS; j++)
				if (!d->rnull[j])
					keep_text(j, d->rbuf[j], d->rlen[j]);
			c++;
		}
		mysql_stmt_free_result(d->mys);
		if (c != 1)
			return 1;
	}
	return 0;
}

static int
my_open(struct direct *d, const struct db_url *u)
{
	int i;

	if ((d->my = mysql_init(NULL)) == NULL ||
	    mysql_real_connect(d->my, u->host, u->user, u->password,
	        u->database, u->port, NULL, CLIENT_FOUND_ROWS) == NULL ||
	    (d->mys = mysql_stmt_init(d->my)) == NULL ||
	    mysql_stmt_prepare(d->mys, sel_q, strlen(sel_q)) != 0)
		return 1;
	d->pb[0].buffer_type = MYSQL_TYPE_STRING;
	d->pb[0].buffer = d->puser;
	d->pb[0].length = &d->plen[0];
	d->pb[1].buffer_type = MYSQL_TYPE_STRING;
	d->pb[1].buffer = (void *)(uintptr_t)domain;
	d->plen[1] = strlen(domain);
	d->pb[1].length = &d->plen[1];
	for (i = 0; i < NCOLS; i++) {
		d->rb[i].buffer_type = MYSQL_TYPE_STRING;
		d->rb[i].buffer = d->rbuf[i];
		d->rb[i].buffer_length = sizeof(d->rbuf[i]);
		d->rb[i].length = &d->rlen[i];
		d->rb[i].is_null = &d->rnull[i];
	}
	d->round = my_round;
	return 0;
}

static int
pg_round(struct direct *d, unsigned *seed, int n)
{
	const char *vals[2];
	char user[32];
	PGresult *r;
	int i;

	for (i = 0; i < n; i++) {
		user_of((unsigned)rand_r(seed) % (unsigned)rows, user,
		    sizeof(user));
		vals[0] = user;
		vals[1] = domain;
		r = PQexecPrepared(d->pg, "s", 2, vals, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
			PQclear(r);
			return 1;
		}
		keep_text(0, PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0));
		keep_text(3, PQgetvalue(r, 0, 3), (size_t)PQgetlength(r, 0, 3));
		keep_text(6, PQgetvalue(r, 0, 6), (size_t)PQgetlength(r, 0, 6));
		keep_text(7, PQgetvalue(r, 0, 7), (size_t)PQgetlength(r, 0, 7));
		sink += strtoll(PQgetvalue(r, 0, 1), NULL, 10);
		sink += (long)strtod(PQgetvalue(r, 0, 2), NULL);
		sink += atoi(PQgetvalue(r, 0, 4)) + atoi(PQgetvalue(r, 0, 5));
		PQclear(r);
	}
	return 0;
}

static int
pg_open(struct direct *d, const struct db_url *u)
{
	const char *k[] = { "host", "port", "dbname", "user", "password",
		NULL };
	const char *v[6];
	char port[8];
	PGresult *r;

	snprintf(port, sizeof(port), "%u", u->port ? u->port : 5432);
	v[0] = u->host, v[1] = port, v[2] = u->database, v[3] = u->user;
	v[4] = u->password, v[5] = NULL;
	d->pg = PQconnectdbParams(k, v, 0);
	if (PQstatus(d->pg) != CONNECTION_OK)
		return 1;
	r = PQprepare(d->pg, "s", sel_pg, 2, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		return 1;
	PQclear(r);
	d->round = pg_round;
	return 0;
}

int
main(int argc, char **argv)
{
	struct direct d = { 0 };
	struct db_func f;
	struct db_handle *h;
	struct db_url u;
	double api = 0, direct = 0, api_cpu = 0, direct_cpu = 0, t0, c0;
	const char *only = NULL;
	unsigned s1 = 1, s2 = 1;
	char *err = NULL;
	int i, n = 20000, do_fill = 0, per;
	const char *url;

	log_stderr = true;
	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc - 1; i++) {
		if (strcmp(argv[i], "-m") == 0) {
			if (dlopen(argv[++i], RTLD_NOW | RTLD_LOCAL) == NULL) {
				fprintf(stderr, "%s\n", dlerror());
				return 2;
			}
		} else if (strcmp(argv[i], "-r") == 0) {
			rows = atoi(argv[++i]);
		} else if (strcmp(argv[i], "-n") == 0) {
			n = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--fill") == 0) {
			do_fill = 1;
		} else if (strcmp(argv[i], "--only") == 0) {
			only = argv[++i];
		} else {
			fprintf(stderr,
			    "usage: db_bench -m MODULE.so "
			    "[-r ROWS] [-n LOOKUPS] [--fill] [--only api|"
			    "direct] URL\n");
			return 2;
		}
	}
	url = argv[argc - 1];
	if (db_url_parse(url, &u, &err) != 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (db_bind_mod(url, &f) != 0 || (h = f.init(url)) == NULL ||
	    f.use_table(h, "location") != 0)
		return 2;
	if (do_fill && fill(&f, h) != 0) {
		fprintf(stderr, "fill: %s\n", f.last_error(h));
		return 1;
	}
	if ((strcmp(u.scheme, "sqlite") == 0         ? sq_open(&d, &u)
	            : strcmp(u.scheme, "mysql") == 0 ? my_open(&d, &u)
	                                             : pg_open(&d, &u)) != 0) {
		fprintf(stderr, "direct connection failed\n");
		return 1;
	}
	/* warm both up (statement caches, buffer pool) */
	if (api_round(&f, h, &s1, 200) != 0 || d.round(&d, &s2, 200) != 0) {
		fprintf(stderr, "warm-up failed: %s\n", f.last_error(h));
		return 1;
	}
	per = n / ROUNDS;
	for (i = 0; i < ROUNDS; i++) {
		if (only == NULL || strcmp(only, "api") == 0) {
			t0 = now_us();
			c0 = cpu_us();
			if (api_round(&f, h, &s1, per) != 0)
				return 1;
			api_cpu += cpu_us() - c0;
			api += now_us() - t0;
		}
		if (only == NULL || strcmp(only, "direct") == 0) {
			t0 = now_us();
			c0 = cpu_us();
			if (d.round(&d, &s2, per) != 0)
				return 1;
			direct_cpu += cpu_us() - c0;
			direct += now_us() - t0;
		}
	}
	n = per * ROUNDS;
	printf("engine=%s rows=%d lookups=%d api_us=%.2f direct_us=%.2f "
	       "api_per_s=%.0f direct_per_s=%.0f api_cpu_us=%.2f "
	       "direct_cpu_us=%.2f overhead_cpu=%.1f%%\n",
	    u.scheme, rows, n, api / n, direct / n, api ? n / api * 1e6 : 0,
	    direct ? n / direct * 1e6 : 0, api_cpu / n, direct_cpu / n,
	    direct_cpu ? (api_cpu - direct_cpu) / direct_cpu * 100 : 0);
	f.close(h);
	db_url_clear(&u);
	return sink == 42 ? 3 : 0;
}
