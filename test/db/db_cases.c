/* db_cases.c: what every DB driver must do, as a module sees it.  Each
 * case opens its own handle on db_case_url (so a case that fails leaves
 * nothing behind for the next) and most work on a scratch table db_conf
 * made fresh by conf_open(). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../db/db.h"
#include "../../base/err.h"
#include "../../mem/pkg.h"
#include "db_cases.h"

const char *db_case_url;

static struct db_func dbf;
static struct db_handle *h;

enum engine { ENG_SQLITE, ENG_MYSQL, ENG_PG };

static enum engine
engine(void)
{
	if (strncmp(db_case_url, "mysql", 5) == 0)
		return ENG_MYSQL;
	if (strncmp(db_case_url, "postgres", 8) == 0)
		return ENG_PG;
	return ENG_SQLITE;
}

/* clang-format off */
/* The scratch table: every type of the API, a unique key k. */
static const char *const conf_ddl[] = {
	[ENG_SQLITE] = "CREATE TABLE db_conf (id INTEGER PRIMARY KEY, "
	    "k VARCHAR(64) NOT NULL, n INTEGER, big BIGINT, d DOUBLE, s TEXT, "
	    "t DATETIME, b BLOB, CONSTRAINT db_conf_k UNIQUE (k))",
	[ENG_MYSQL] = "CREATE TABLE db_conf "
	    "(id INT AUTO_INCREMENT PRIMARY KEY, k VARCHAR(64) NOT NULL, "
	    "n INT, big BIGINT, d DOUBLE, s MEDIUMTEXT, t DATETIME, "
	    "b MEDIUMBLOB, UNIQUE KEY db_conf_k (k)) ENGINE=InnoDB",
	[ENG_PG] = "CREATE TABLE db_conf (id SERIAL PRIMARY KEY, "
	    "k VARCHAR(64) NOT NULL, n INTEGER, big BIGINT, "
	    "d DOUBLE PRECISION, s TEXT, t TIMESTAMP, b BYTEA, "
	    "CONSTRAINT db_conf_k UNIQUE (k))",
};
/* clang-format on */

static int
conf_bind(void)
{
	CHECK_INT(0, db_bind_mod(db_case_url, &dbf));
	CHECK((h = dbf.init(db_case_url)) != NULL);
	return 0;
}

static void
conf_close(void)
{
	dbf.close(h);
	h = NULL;
}

static int
conf_open(void)
{
	if (conf_bind() != 0)
		return 1;
	CHECK_INT(0,
	    dbf.raw_query(h, "DROP TABLE IF EXISTS db_conf", NULL, 0, NULL));
	CHECK_INT(0, dbf.raw_query(h, conf_ddl[engine()], NULL, 0, NULL));
	CHECK_INT(0, dbf.use_table(h, "db_conf"));
	return 0;
}

static const char *const all_cols[] = { "k", "n", "big", "d", "s", "t", "b" };

static int
put_kn(const char *k, int n)
{
	static const char *const keys[] = { "k", "n" };
	struct db_val v[2] = { db_val_string(k), db_val_int(n) };

	CHECK_INT(0, dbf.insert(h, keys, v, 2));
	CHECK_INT(1, dbf.affected_rows(h));
	return 0;
}

/* Rows with k = key; *res for the caller to free. */
static int
get_k(const char *k, struct db_res **res)
{
	static const char *const keys[] = { "k" };
	struct db_val v = db_val_string(k);

	CHECK_INT(0, dbf.query(h, keys, NULL, &v, all_cols, 1, 7, NULL, res));
	CHECK_INT(7, (*res)->n_cols);
	return 0;
}

static int
count_where(const char *const *keys, const char *const *ops,
    const struct db_val *v, int n)
{
	struct db_res *res;
	int rows;

	if (dbf.query(h, keys, ops, v, NULL, n, 0, NULL, &res) != 0)
		return -1;
	rows = res->n_rows;
	dbf.free_result(h, res);
	return rows;
}

/* ---- the cases ---- */

/* Insert, then query by key: values and column names as stored. */
static int
t_insert_query(void)
{
	struct db_res *res;

	if (conf_open() != 0)
		return 1;
	if (put_kn("alice", 1) != 0 || put_kn("bob", 2) != 0)
		return 1;
	if (get_k("bob", &res) != 0)
		return 1;
	CHECK_INT(1, res->n_rows);
	CHECK(strcmp(res->col_names[0], "k") == 0);
	CHECK(strcmp(res->col_names[1], "n") == 0);
	CHECK_STR("bob", &res->rows[0].values[0].v.str);
	CHECK_INT(DB_INT, res->rows[0].values[1].type);
	CHECK_INT(2, res->rows[0].values[1].v.i);
	CHECK(res->rows[0].values[2].nul);
	dbf.free_result(h, res);
	/* no match: no rows, the columns still named */
	if (get_k("carol", &res) != 0)
		return 1;
	CHECK_INT(0, res->n_rows);
	CHECK(strcmp(res->col_names[6], "b") == 0);
	dbf.free_result(h, res);
	conf_close();
	return 0;
}

static char *
big_bytes(size_t n, unsigned seed)
{
	char *p = malloc(n);
	size_t i;

	for (i = 0; p != NULL && i < n; i++)
		p[i] = (char)(' ' + (i * 7 + seed) % 90); /* printable */
	return p;
}

/* Every type goes in and comes out byte for byte / bit for bit. */
static int
t_types_roundtrip(void)
{
	static const char *const keys[] = { "k", "n", "big", "d", "s", "t",
		"b" };
	static const char quotes[] = "it's \"quoted\"; -- \\ \\' `x` $1 ?";
	static const char bad_utf8[] = "\xff\xfe\xc3\x28 \xe2\x82 \xed\xa0\x80";
	unsigned char all[256];
	struct db_res *res;
	struct db_val v[7], *r;
	char *s64, *b64;
	size_t i;
	int t;

	for (i = 0; i < sizeof(all); i++)
		all[i] = (unsigned char)i;
	s64 = big_bytes(65536, 3);
	b64 = big_bytes(65536, 11);
	CHECK(s64 != NULL && b64 != NULL);
	b64[100] = '\0'; /* a NUL in a 64 KB blob */
	if (conf_open() != 0)
		return 1;
	/* clang-format off */
	struct {
		const char *k;
		int n;
		int64_t big;
		double d;
		struct db_val s;
		time_t t;
		struct db_val b;
	} rows[] = {
		{ "minmax", INT32_MIN, INT64_MIN + 1, 1e300,
		  db_val_string(quotes), 0,
		  db_val_blob(all, sizeof(all)) },
		{ "max", INT32_MAX, INT64_MAX, -2.5e-300,
		  db_val_str(bad_utf8, sizeof(bad_utf8) - 1), 4102444800,
		  db_val_blob("", 0) },
		{ "epoch", 0, 1735689600, 0.1,
		  db_val_str("", 0), 1735689599,
		  db_val_blob("\0\0\0", 3) },
		{ "big", -1, (int64_t)1 << 40, 3.25,
		  db_val_str(s64, 65536), 951782400 /* 2000-02-29 */,
		  db_val_blob(b64, 65536) },
	};
	/* clang-format on */

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		v[0] = db_val_string(rows[i].k);
		v[1] = db_val_int(rows[i].n);
		v[2] = db_val_bigint(rows[i].big);
		v[3] = db_val_double(rows[i].d);
		v[4] = rows[i].s;
		v[5] = db_val_datetime(rows[i].t);
		v[6] = rows[i].b;
		CHECK_INT(0, dbf.insert(h, keys, v, 7));
	}
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct str want, got;

		if (get_k(rows[i].k, &res) != 0)
			return 1;
		CHECK_INT(1, res->n_rows);
		r = res->rows[0].values;
		CHECK_INT(rows[i].n, db_val_get_int(&r[1]));
		CHECK_INT(DB_INT, r[1].type);
		CHECK_INT(DB_BIGINT, r[2].type);
		CHECK(r[2].v.i64 == rows[i].big);
		CHECK_INT(DB_DOUBLE, r[3].type);
		CHECK(r[3].v.d == rows[i].d);
		want = db_val_get_str(&rows[i].s);
		got = db_val_get_str(&r[4]);
		CHECK_INT(DB_STR, r[4].type);
		CHECK(!r[4].nul);
		CHECK_INT(want.len, got.len);
		CHECK(want.len == 0 || memcmp(want.s, got.s, want.len) == 0);
		CHECK(got.s[got.len] == '\0');
		CHECK_INT(DB_DATETIME, r[5].type);
		CHECK_INT(rows[i].t, r[5].v.time);
		want = rows[i].b.v.str;
		got = db_val_get_str(&r[6]);
		CHECK_INT(DB_BLOB, r[6].type);
		CHECK(!r[6].nul);
		CHECK_INT(want.len, got.len);
		CHECK(want.len == 0 || memcmp(want.s, got.s, want.len) == 0);
		dbf.free_result(h, res);
	}
	/* found by the 64 KB text itself */
	{
		static const char *const sk[] = { "s" };
		struct db_val sv = db_val_str(s64, 65536);

		CHECK_INT(1, count_where(sk, NULL, &sv, 1));
	}
	/* the column types are the declared ones */
	CHECK_INT(0, dbf.query(h, NULL, NULL, NULL, all_cols, 0, 7, "k", &res));
	CHECK_INT(4, res->n_rows);
	for (t = 0; t < 7; t++) {
		static const enum db_type want[] = { DB_STR, DB_INT, DB_BIGINT,
			DB_DOUBLE, DB_STR, DB_DATETIME, DB_BLOB };

		CHECK_INT(want[t], res->col_types[t]);
	}
	dbf.free_result(h, res);
	free(s64);
	free(b64);
	conf_close();
	return 0;
}

/* A NUL inside text: stored and found (SQLite, MariaDB), or refused
 * cleanly (PostgreSQL text cannot hold NUL: use a blob). */
static int
t_text_nul(void)
{
	static const char *const keys[] = { "k", "s" };
	static const char with_nul[] = "before\0after";
	struct db_val v[2] = { db_val_string("nul"),
		db_val_str(with_nul, sizeof(with_nul) - 1) };
	struct db_res *res;
	int rc;

	if (conf_open() != 0)
		return 1;
	rc = dbf.insert(h, keys, v, 2);
	if (engine() == ENG_PG) {
		CHECK(rc == E_INVAL);
		CHECK(strstr(dbf.last_error(h), "0x00") != NULL ||
		    strstr(dbf.last_error(h), "NUL") != NULL);
		/* and the handle still works */
		if (put_kn("after", 1) != 0)
			return 1;
		conf_close();
		return 0;
	}
	CHECK_INT(0, rc);
	CHECK_INT(1, count_where(&keys[1], NULL, &v[1], 1));
	if (get_k("nul", &res) != 0)
		return 1;
	CHECK_INT(sizeof(with_nul) - 1, res->rows[0].values[4].v.str.len);
	CHECK(memcmp(res->rows[0].values[4].v.str.s, with_nul,
	          sizeof(with_nul) - 1) == 0);
	dbf.free_result(h, res);
	conf_close();
	return 0;
}

/* A hostile user name in the real subscriber table is data, not SQL. */
static int
t_hostile_username(void)
{
	static const char *const keys[] = { "username", "domain", "password",
		"ha1" };
	static const char *const cols[] = { "username", "password", "ha1" };
	static const char *const hostile[] = {
		"a'; DROP TABLE subscriber; --",
		"b\"; DELETE FROM subscriber; --",
		"c` OR 1=1 #",
		"d\\' OR '1'='1",
		"e$1 ?",
	};
	struct db_val v[4];
	struct db_res *res;
	size_t i;

	if (conf_bind() != 0)
		return 1;
	CHECK_INT(0, dbf.use_table(h, "subscriber"));
	v[0] = db_val_string("conf.example.com");
	CHECK_INT(0, dbf.delete(h, &keys[1], NULL, v, 1));
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		v[0] = db_val_string(hostile[i]);
		v[1] = db_val_string("conf.example.com");
		v[2] = db_val_string("pw'--");
		v[3] = db_val_string("0123456789abcdef0123456789abcdef");
		CHECK_INT(0, dbf.insert(h, keys, v, 4));
	}
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		v[0] = db_val_string(hostile[i]);
		v[1] = db_val_string("conf.example.com");
		CHECK_INT(0,
		    dbf.query(h, keys, NULL, v, cols, 2, 3, NULL, &res));
		CHECK_INT(1, res->n_rows);
		CHECK_STRN(hostile[i], res->rows[0].values[0].v.str.s,
		    res->rows[0].values[0].v.str.len);
		CHECK_STR("pw'--", &res->rows[0].values[1].v.str);
		dbf.free_result(h, res);
	}
	/* the table is still there with every row */
	v[0] = db_val_string("conf.example.com");
	CHECK_INT(5, count_where(&keys[1], NULL, v, 1));
	/* a prefix of the hostile name finds nothing */
	v[0] = db_val_string("a");
	v[1] = db_val_string("conf.example.com");
	CHECK_INT(0, count_where(keys, NULL, v, 2));
	CHECK_INT(0, dbf.delete(h, &keys[1], NULL, &v[1], 1));
	CHECK_INT(5, dbf.affected_rows(h));
	conf_close();
	return 0;
}

/* ORDER BY ascending and descending; the comparison operators. */
static int
t_order_ops(void)
{
	static const char *const nk[] = { "n" };
	static const char *const cols[] = { "k", "n" };
	static const int ns[] = { 5, 3, 9, 1, 7 };
	const char *ops[1];
	struct db_val v = db_val_int(5);
	struct db_res *res;
	char k[8];
	int i;

	if (conf_open() != 0)
		return 1;
	for (i = 0; i < 5; i++) {
		snprintf(k, sizeof(k), "k%d", ns[i]);
		if (put_kn(k, ns[i]) != 0)
			return 1;
	}
	CHECK_INT(0,
	    dbf.query(h, NULL, NULL, NULL, cols, 0, 2, "n DESC", &res));
	CHECK_INT(5, res->n_rows);
	for (i = 0; i < 5; i++)
		CHECK_INT(9 - 2 * i, res->rows[i].values[1].v.i);
	dbf.free_result(h, res);
	CHECK_INT(0, dbf.query(h, NULL, NULL, NULL, cols, 0, 2, "n", &res));
	CHECK_INT(1, res->rows[0].values[1].v.i);
	CHECK_STR("k9", &res->rows[4].values[0].v.str);
	dbf.free_result(h, res);
	ops[0] = DB_OP_LT;
	CHECK_INT(2, count_where(nk, ops, &v, 1));
	ops[0] = DB_OP_LE;
	CHECK_INT(3, count_where(nk, ops, &v, 1));
	ops[0] = DB_OP_GT;
	CHECK_INT(2, count_where(nk, ops, &v, 1));
	ops[0] = DB_OP_GE;
	CHECK_INT(3, count_where(nk, ops, &v, 1));
	ops[0] = DB_OP_NE;
	CHECK_INT(4, count_where(nk, ops, &v, 1));
	ops[0] = "LIKE";
	CHECK_INT(-1, count_where(nk, ops, &v, 1));
	conf_close();
	return 0;
}

/* NULL in, NULL out; "= NULL" means IS NULL, "!= NULL" IS NOT NULL. */
static int
t_nulls(void)
{
	static const char *const keys[] = { "k", "n", "s", "t", "b" };
	static const char *const nk[] = { "n" };
	static const char *const ne[] = { DB_OP_NE };
	struct db_val v[5] = { db_val_string("nulls"), db_val_null(DB_INT),
		db_val_null(DB_STR), db_val_null(DB_DATETIME),
		db_val_null(DB_BLOB) };
	struct db_val nul = db_val_null(DB_INT);
	struct db_res *res;
	int i;

	if (conf_open() != 0)
		return 1;
	CHECK_INT(0, dbf.insert(h, keys, v, 5));
	if (put_kn("notnull", 4) != 0)
		return 1;
	if (get_k("nulls", &res) != 0)
		return 1;
	for (i = 1; i < 7; i++)
		CHECK(res->rows[0].values[i].nul);
	CHECK_INT(DB_INT, res->rows[0].values[1].type);
	dbf.free_result(h, res);
	CHECK_INT(1, count_where(nk, NULL, &nul, 1));
	CHECK_INT(1, count_where(nk, ne, &nul, 1));
	/* NULL with < is refused, not sent */
	{
		static const char *const lt[] = { DB_OP_LT };

		CHECK_INT(-1, count_where(nk, lt, &nul, 1));
	}
	conf_close();
	return 0;
}

/* UPDATE and DELETE: the rows matched, the values changed. */
static int
t_update_delete(void)
{
	static const char *const kk[] = { "k" };
	static const char *const uk[] = { "n", "s" };
	static const char *const nk[] = { "n" };
	static const char *const ge[] = { DB_OP_GE };
	struct db_val key = db_val_string("u1");
	struct db_val uv[2] = { db_val_int(42), db_val_string("changed") };
	struct db_val three = db_val_int(3);
	struct db_res *res;
	int i;
	char k[8];

	if (conf_open() != 0)
		return 1;
	for (i = 1; i <= 5; i++) {
		snprintf(k, sizeof(k), "u%d", i);
		if (put_kn(k, i) != 0)
			return 1;
	}
	CHECK_INT(0, dbf.update(h, kk, NULL, &key, uk, uv, 1, 2));
	CHECK_INT(1, dbf.affected_rows(h));
	if (get_k("u1", &res) != 0)
		return 1;
	CHECK_INT(42, res->rows[0].values[1].v.i);
	CHECK_STR("changed", &res->rows[0].values[4].v.str);
	dbf.free_result(h, res);
	/* the same values again: still one row matched */
	CHECK_INT(0, dbf.update(h, kk, NULL, &key, uk, uv, 1, 2));
	CHECK_INT(1, dbf.affected_rows(h));
	/* no match */
	key = db_val_string("nobody");
	CHECK_INT(0, dbf.update(h, kk, NULL, &key, uk, uv, 1, 2));
	CHECK_INT(0, dbf.affected_rows(h));
	/* delete n >= 3: u3 u4 u5 u1(42) */
	CHECK_INT(0, dbf.delete(h, nk, ge, &three, 1));
	CHECK_INT(4, dbf.affected_rows(h));
	CHECK_INT(1, count_where(NULL, NULL, NULL, 0));
	CHECK_INT(0, dbf.delete(h, NULL, NULL, NULL, 0));
	CHECK_INT(1, dbf.affected_rows(h));
	CHECK_INT(0, count_where(NULL, NULL, NULL, 0));
	conf_close();
	return 0;
}

/* replace: inserts a new key, updates an existing one, never makes two
 * rows; with only key columns it keeps the row. */
static int
t_replace(void)
{
	static const char *const keys[] = { "k", "n", "s" };
	struct db_val v[3] = { db_val_string("r"), db_val_int(1),
		db_val_string("first") };
	struct db_res *res;

	if (conf_open() != 0)
		return 1;
	CHECK_INT(0, dbf.replace(h, keys, v, 3, 1));
	CHECK_INT(1, dbf.affected_rows(h));
	v[1] = db_val_int(2);
	v[2] = db_val_string("second");
	CHECK_INT(0, dbf.replace(h, keys, v, 3, 1));
	CHECK(dbf.affected_rows(h) >= 1);
	if (get_k("r", &res) != 0)
		return 1;
	CHECK_INT(1, res->n_rows);
	CHECK_INT(2, res->rows[0].values[1].v.i);
	CHECK_STR("second", &res->rows[0].values[4].v.str);
	dbf.free_result(h, res);
	CHECK_INT(0, dbf.replace(h, keys, v, 1, 1));
	CHECK_INT(1, count_where(NULL, NULL, NULL, 0));
	/* a key list that is not 1..n is refused */
	CHECK_INT(E_INVAL, dbf.replace(h, keys, v, 3, 0));
	conf_close();
	return 0;
}

/* raw_query with the engine's placeholders and bound values. */
static int
t_raw_query(void)
{
	static const char *const sql[] = {
		[ENG_SQLITE] = "SELECT k, n FROM db_conf WHERE n > ? "
		               "ORDER BY n",
		[ENG_MYSQL] = "SELECT k, n FROM db_conf WHERE n > ? "
		              "ORDER BY n",
		[ENG_PG] = "SELECT k, n FROM db_conf WHERE n > $1 ORDER BY n",
	};
	struct db_val v = db_val_int(1);
	struct db_res *res;

	if (conf_open() != 0)
		return 1;
	if (put_kn("x1", 1) != 0 || put_kn("x2", 2) != 0 ||
	    put_kn("x3", 3) != 0)
		return 1;
	CHECK_INT(0, dbf.raw_query(h, sql[engine()], &v, 1, &res));
	CHECK_INT(2, res->n_rows);
	CHECK_INT(2, res->n_cols);
	CHECK(strcmp(res->col_names[1], "n") == 0);
	CHECK_STR("x2", &res->rows[0].values[0].v.str);
	CHECK_INT(3, db_val_get_int(&res->rows[1].values[1]));
	dbf.free_result(h, res);
	CHECK_INT(0,
	    dbf.raw_query(h, "SELECT COUNT(*) FROM db_conf", NULL, 0, &res));
	CHECK_INT(1, res->n_rows);
	CHECK_INT(3, db_val_get_int(&res->rows[0].values[0]));
	dbf.free_result(h, res);
	/* a statement without result columns gives an empty result */
	CHECK_INT(0, dbf.raw_query(h, "DELETE FROM db_conf", NULL, 0, &res));
	CHECK_INT(0, res->n_cols);
	CHECK_INT(0, res->n_rows);
	dbf.free_result(h, res);
	CHECK_INT(3, dbf.affected_rows(h));
	/* wrong parameter count, bad SQL: errors, and the handle works */
	CHECK(dbf.raw_query(h, sql[engine()], NULL, 0, &res) != 0);
	CHECK_INT(E_INVAL, dbf.raw_query(h, "SELEKT 1", NULL, 0, &res));
	CHECK(dbf.last_error(h)[0] != '\0');
	if (put_kn("x4", 4) != 0)
		return 1;
	conf_close();
	return 0;
}

/* Names that are not identifiers never reach the server. */
static int
t_identifiers(void)
{
	static const char *const badk[] = { "k; DROP TABLE db_conf" };
	static const char *const quoted[] = { "k\"" };
	static const char *const cols[] = { "n", "1n" };
	struct db_val v = db_val_string("x");
	struct db_res *res;
	char longname[80];

	if (conf_open() != 0)
		return 1;
	if (put_kn("x", 1) != 0)
		return 1;
	CHECK_INT(E_INVAL, dbf.use_table(h, "db_conf; DROP TABLE version"));
	CHECK_INT(E_INVAL, dbf.use_table(h, ""));
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CHECK_INT(E_INVAL, dbf.use_table(h, longname));
	CHECK_INT(E_INVAL,
	    dbf.query(h, badk, NULL, &v, NULL, 1, 0, NULL, &res));
	CHECK_INT(E_INVAL,
	    dbf.query(h, quoted, NULL, &v, NULL, 1, 0, NULL, &res));
	CHECK_INT(E_INVAL,
	    dbf.query(h, NULL, NULL, NULL, cols, 0, 2, NULL, &res));
	CHECK_INT(E_INVAL,
	    dbf.query(h, NULL, NULL, NULL, NULL, 0, 0, "n; DROP TABLE db_conf",
	        &res));
	CHECK_INT(E_INVAL,
	    dbf.query(h, NULL, NULL, NULL, NULL, 0, 0, "n DESCENDING", &res));
	/* the table (still current) still has its row */
	CHECK_INT(1, count_where(NULL, NULL, NULL, 0));
	conf_close();
	return 0;
}

/* A duplicate key fails the insert; the handle goes on working. */
static int
t_unique(void)
{
	if (conf_open() != 0)
		return 1;
	if (put_kn("dup", 1) != 0)
		return 1;
	{
		static const char *const keys[] = { "k", "n" };
		struct db_val v[2] = { db_val_string("dup"), db_val_int(2) };

		CHECK_INT(E_INVAL, dbf.insert(h, keys, v, 2));
	}
	if (put_kn("dup2", 2) != 0)
		return 1;
	CHECK_INT(2, count_where(NULL, NULL, NULL, 0));
	conf_close();
	return 0;
}

/* The version check against the shipped schema. */
static int
t_version(void)
{
	char *err = NULL;

	if (conf_bind() != 0)
		return 1;
	CHECK_INT(0, dbf.use_table(h, "subscriber"));
	CHECK_INT(0,
	    db_check_table_version(&dbf, h, "location", LOCATION_VERSION,
	        &err));
	CHECK(err == NULL);
	CHECK_INT(0, db_check_table_version(&dbf, h, "subscriber", 6, &err));
	CHECK_INT(0, db_check_table_version(&dbf, h, "uri", 1, &err));
	CHECK(db_check_table_version(&dbf, h, "location", 1001, &err) != 0);
	CHECK(err != NULL);
	CHECK(strcmp(err,
	          "table 'location' has version 2001, expected 1001 "
	          "(run kamdbctl migrate)") == 0);
	pkg_free(err);
	err = NULL;
	CHECK_INT(E_NOTFOUND,
	    db_check_table_version(&dbf, h, "no_such_table", 1, &err));
	CHECK(err != NULL &&
	    strstr(err,
	        "'no_such_table' has no row in "
	        "table 'version'") != NULL);
	pkg_free(err);
	/* the handle's table is the one it had */
	CHECK(count_where(NULL, NULL, NULL, 0) >= 0);
	conf_close();
	return 0;
}

/* What usrloc does: contacts by (username, domain), newest first,
 * expired ones deleted by epoch seconds. */
static int
t_location(void)
{
	static const char *const keys[] = { "ruid", "username", "domain",
		"contact", "expires", "q", "callid", "cseq", "last_modified",
		"flags", "cflags", "user_agent", "socket", "methods",
		"instance", "reg_id", "conn_id", "server_id", "received",
		"path" };
	static const char *const ud[] = { "username", "domain" };
	static const char *const cols[] = { "contact", "expires", "q",
		"conn_id", "instance", "path" };
	static const char *const ek[] = { "expires" };
	static const char *const lt[] = { DB_OP_LT };
	struct db_val v[20], w[2];
	struct db_res *res;
	int64_t now = 1900000000; /* 2030: past 32-bit signed int */
	char ruid[32], contact[64];
	int i;

	if (conf_bind() != 0)
		return 1;
	CHECK_INT(0, dbf.use_table(h, "location"));
	w[0] = db_val_string("conf");
	CHECK_INT(0, dbf.delete(h, &ud[0], NULL, w, 1));
	for (i = 0; i < 3; i++) {
		snprintf(ruid, sizeof(ruid), "uloc-conf-%d", i);
		snprintf(contact, sizeof(contact),
		    "sip:conf@192.0.2.%d:5061;transport=tls", i + 1);
		v[0] = db_val_string(ruid);
		v[1] = db_val_string("conf");
		v[2] = db_val_string("example.com");
		v[3] = db_val_string(contact);
		v[4] = db_val_bigint(now + 60 * i - 60);
		v[5] = db_val_double(0.5 + 0.25 * i);
		v[6] = db_val_string("call-id@host");
		v[7] = db_val_int(100 + i);
		v[8] = db_val_bigint(now - 3600);
		v[9] = db_val_int(0);
		v[10] = db_val_int(64);
		v[11] = db_val_string("UA/1.0");
		v[12] = db_val_string("tls:203.0.113.1:5061");
		v[13] = db_val_int(0x1fff);
		v[14] = db_val_string("<urn:uuid:00000000-0000-1000-8000-"
		                      "000a95a0e128>");
		v[15] = db_val_int(1);
		v[16] = db_val_bigint(4000000000LL + i);
		v[17] = db_val_int(7);
		v[18] = db_val_null(DB_STR);
		v[19] = i == 2 ? db_val_string("<sip:edge.example.com;lr>")
		               : db_val_null(DB_STR);
		CHECK_INT(0, dbf.insert(h, keys, v, 20));
	}
	w[0] = db_val_string("conf");
	w[1] = db_val_string("example.com");
	CHECK_INT(0,
	    dbf.query(h, ud, NULL, w, cols, 2, 6, "expires DESC", &res));
	CHECK_INT(3, res->n_rows);
	CHECK_STR("sip:conf@192.0.2.3:5061;transport=tls",
	    &res->rows[0].values[0].v.str);
	CHECK(res->rows[0].values[1].v.i64 == now + 60);
	CHECK(res->rows[0].values[2].v.d == 1.0);
	CHECK(res->rows[0].values[3].v.i64 == 4000000002LL);
	CHECK_STR("<sip:edge.example.com;lr>", &res->rows[0].values[5].v.str);
	CHECK(res->rows[1].values[5].nul);
	dbf.free_result(h, res);
	/* the timer's delete of expired contacts */
	w[0] = db_val_bigint(now);
	CHECK_INT(0, dbf.delete(h, ek, lt, w, 1));
	CHECK_INT(1, dbf.affected_rows(h));
	w[0] = db_val_string("conf");
	w[1] = db_val_string("example.com");
	CHECK_INT(2, count_where(ud, NULL, w, 2));
	/* a re-REGISTER: replace by ruid */
	v[0] = db_val_string("uloc-conf-1");
	v[1] = db_val_bigint(now + 3600);
	{
		static const char *const rk[] = { "ruid", "expires" };

		CHECK_INT(0, dbf.replace(h, rk, v, 2, 1));
	}
	CHECK_INT(2, count_where(ud, NULL, w, 2));
	CHECK_INT(0, dbf.delete(h, ud, NULL, w, 2));
	CHECK_INT(2, dbf.affected_rows(h));
	conf_close();
	return 0;
}

/* The statement cache: one statement reused many times, and more
 * distinct statements (300) than the cache holds (128), twice over. */
static int
t_stmt_cache(void)
{
	static const char *const nk[] = { "n" };
	static const char *const orders[] = { NULL, "n", "n DESC" };
	const char *cols[64];
	struct db_val v;
	struct db_res *res;
	char k[16];
	int i, round, nc;

	if (conf_open() != 0)
		return 1;
	for (i = 0; i < 300; i++) {
		snprintf(k, sizeof(k), "c%d", i);
		if (put_kn(k, i) != 0)
			return 1;
	}
	for (i = 0; i < 300; i++) {
		v = db_val_int(i);
		CHECK_INT(1, count_where(nk, NULL, &v, 1));
	}
	for (i = 0; i < 64; i++)
		cols[i] = i % 2 ? "n" : "k";
	for (round = 0; round < 2; round++)
		for (i = 0; i < 300; i++) {
			nc = 1 + i % 64;
			cols[0] = (i / 64) % 2 ? "id" : "k";
			v = db_val_int(i);
			CHECK_INT(0,
			    dbf.query(h, nk, NULL, &v, cols, 1, nc,
			        orders[(i / 128) % 3], &res));
			CHECK_INT(1, res->n_rows);
			CHECK_INT(nc, res->n_cols);
			if (nc > 1)
				CHECK_INT(i, res->rows[0].values[1].v.i);
			dbf.free_result(h, res);
		}
	conf_close();
	return 0;
}

/* A result of many rows. */
static int
t_many_rows(void)
{
	struct db_res *res;
	char k[16];
	int i, sum = 0;

	if (conf_open() != 0)
		return 1;
	CHECK_INT(0, dbf.raw_query(h, "BEGIN", NULL, 0, NULL));
	for (i = 0; i < 2000; i++) {
		snprintf(k, sizeof(k), "m%05d", i);
		if (put_kn(k, i) != 0)
			return 1;
	}
	CHECK_INT(0, dbf.raw_query(h, "COMMIT", NULL, 0, NULL));
	CHECK_INT(0, dbf.query(h, NULL, NULL, NULL, NULL, 0, 0, "k", &res));
	CHECK_INT(2000, res->n_rows);
	CHECK_INT(8, res->n_cols);
	for (i = 0; i < res->n_rows; i++)
		sum += res->rows[i].values[2].v.i;
	CHECK_INT(1999 * 1000, sum);
	CHECK_STR("m01999", &res->rows[1999].values[1].v.str);
	dbf.free_result(h, res);
	conf_close();
	return 0;
}

/* clang-format off */
const struct unit_test db_cases[] = {
	{ "insert_query",    t_insert_query },
	{ "types_roundtrip", t_types_roundtrip },
	{ "text_nul",        t_text_nul },
	{ "hostile_username", t_hostile_username },
	{ "order_ops",       t_order_ops },
	{ "nulls",           t_nulls },
	{ "update_delete",   t_update_delete },
	{ "replace",         t_replace },
	{ "raw_query",       t_raw_query },
	{ "identifiers",     t_identifiers },
	{ "unique",          t_unique },
	{ "version",         t_version },
	{ "location",        t_location },
	{ "stmt_cache",      t_stmt_cache },
	{ "many_rows",       t_many_rows },
	{ NULL, NULL },
};
/* clang-format on */
