/* t_db.c: the DB API: URLs, SQL text per dialect, and every call against
 * SQLite in a scratch directory (the conformance cases of
 * test/db/db_cases.c, which db_conformance also runs against MariaDB and
 * PostgreSQL), plus what only SQLite lets a unit test provoke: a missing
 * file and its back-off, a lock held too long, a statement that runs too
 * long, a handle used across fork. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../db/db.h"
#include "../../db/db_int.h"
#include "../../base/err.h"
#include "../../base/log.h"
#include "../../mem/pkg.h"
#include "../../modules/db_sqlite/db_sqlite.h"
#include "../db/db_cases.h"
#include "unit.h"

static char dir[256], dbfile[300], url[320];

/* ---- URLs ---- */

/* clang-format off */
static const struct {
	const char *url;
	const char *scheme, *user, *password, *host;
	int port;
	const char *db, *masked;
} good_urls[] = {
	{ "mysql://kam:secret@127.0.0.1:3306/kamailio", "mysql", "kam",
	  "secret", "127.0.0.1", 3306, "kamailio",
	  "mysql://kam:***@127.0.0.1:3306/kamailio" },
	{ "MySQL://db.example.com/kamailio", "mysql", NULL, NULL,
	  "db.example.com", 0, "kamailio", "MySQL://db.example.com/kamailio" },
	{ "postgres://u@[::1]:5432/k", "postgres", "u", NULL, "::1", 5432, "k",
	  "postgres://u@[::1]:5432/k" },
	{ "postgresql://u:p%40ss%3Aw%2Fd@[2001:db8::1]/d%2Fb", "postgresql",
	  "u", "p@ss:w/d", "2001:db8::1", 0, "d/b",
	  "postgresql://u:***@[2001:db8::1]/d%2Fb" },
	/* a raw '@' in the password: the last '@' ends the user info */
	{ "mysql://u:p@ss@h/db", "mysql", "u", "p@ss", "h", 0, "db",
	  "mysql://u:***@h/db" },
	{ "mysql://u:@h/db", "mysql", "u", "", "h", 0, "db",
	  "mysql://u:***@h/db" },
	{ "mysql://us%20er:x@h:1/db", "mysql", "us er", "x", "h", 1, "db",
	  "mysql://us%20er:***@h:1/db" },
	{ "sqlite:///var/lib/kamailio/kamailio.db", "sqlite", NULL, NULL,
	  NULL, 0, "/var/lib/kamailio/kamailio.db",
	  "sqlite:///var/lib/kamailio/kamailio.db" },
	{ "sqlite://rel/path.db", "sqlite", NULL, NULL, NULL, 0,
	  "rel/path.db", "sqlite://rel/path.db" },
	{ "sqlite:///tmp/a%20b.db", "sqlite", NULL, NULL, NULL, 0,
	  "/tmp/a b.db", "sqlite:///tmp/a%20b.db" },
};

static const struct {
	const char *url;
	const char *why;    /* in the error text */
} bad_urls[] = {
	{ "",                            "no scheme://" },
	{ "kamailio",                    "no scheme://" },
	{ "://h/db",                     "no scheme://" },
	{ "my sql://h/db",               "bad scheme" },
	{ "mysql://h",                   "no /database" },
	{ "mysql://h/",                  "no /database" },
	{ "mysql:///db",                 "no host" },
	{ "mysql://u:pw@/db",            "no host" },
	{ "mysql://u:pw@h:0/db",         "port '0'" },
	{ "mysql://u:pw@h:65536/db",     "port '65536'" },
	{ "mysql://u:pw@h:x1/db",        "port 'x1'" },
	{ "mysql://u:pw@h:/db",          "port ''" },
	{ "mysql://:pw@h/db",            "empty user name" },
	{ "mysql://u:pw@[::1/db",        "without ']'" },
	{ "mysql://u:pw@[::1]x/db",      "junk after ']'" },
	{ "mysql://u:pw@[zz::1]/db",     "bad IPv6" },
	{ "mysql://u:pw@ho st/db",       "bad host name" },
	{ "mysql://u%zz:pw@h/db",        "percent-escape in the user" },
	{ "mysql://u:p%4@h/db",          "percent-escape in the password" },
	{ "mysql://u:pw@h/d%00b",        "percent-escape in the database" },
	{ "mysql://u:pw@h/a/b",          "'/' in the database" },
	{ "mysql://u:pw@h/db?ssl=1",     "after '?'" },
	{ "sqlite://",                   "no file path" },
};
/* clang-format on */

#define S(x) ((x) ? (x) : "(null)")

static int
t_url_good(void)
{
	struct db_url u;
	char *err = NULL;
	size_t i;

	for (i = 0; i < sizeof(good_urls) / sizeof(good_urls[0]); i++) {
		if (db_url_parse(good_urls[i].url, &u, &err) != 0) {
			printf("%s: %s\n", good_urls[i].url, S(err));
			return 1;
		}
		CHECK(strcmp(u.scheme, good_urls[i].scheme) == 0);
		CHECK(strcmp(S(u.user), S(good_urls[i].user)) == 0);
		CHECK(strcmp(S(u.password), S(good_urls[i].password)) == 0);
		CHECK(strcmp(S(u.host), S(good_urls[i].host)) == 0);
		CHECK_INT(good_urls[i].port, u.port);
		CHECK(strcmp(u.database, good_urls[i].db) == 0);
		if (strcmp(u.masked, good_urls[i].masked) != 0) {
			printf("masked: expected %s got %s\n",
			    good_urls[i].masked, u.masked);
			return 1;
		}
		db_url_clear(&u);
	}
	return 0;
}

static int
t_url_bad(void)
{
	struct db_url u;
	char *err;
	size_t i;

	for (i = 0; i < sizeof(bad_urls) / sizeof(bad_urls[0]); i++) {
		err = NULL;
		if (db_url_parse(bad_urls[i].url, &u, &err) != E_PARSE) {
			printf("%s: parsed\n", bad_urls[i].url);
			return 1;
		}
		CHECK(err != NULL);
		if (strstr(err, bad_urls[i].why) == NULL ||
		    strstr(err, "does not parse") == NULL ||
		    strstr(err,
		        "expected scheme://[user[:password]@]host"
		        "[:port]/database") == NULL) {
			printf("%s: expected \"%s\" in: %s\n", bad_urls[i].url,
			    bad_urls[i].why, err);
			return 1;
		}
		/* never the password */
		CHECK(strstr(err, "pw@") == NULL);
		pkg_free(err);
	}
	return 0;
}

/* Masking works on anything, parsable or not. */
static int
t_url_mask(void)
{
	/* clang-format off */
	static const char *const cases[][2] = {
		{ "mysql://u:secret@h/db",       "mysql://u:***@h/db" },
		{ "mysql://u:secret@h:x/db",     "mysql://u:***@h:x/db" },
		{ "mysql://u:se@cr@et@h/db",     "mysql://u:***@h/db" },
		{ "mysql://u@h/db",              "mysql://u@h/db" },
		{ "mysql://u:secret@h",          "mysql://u:***@h" },
		{ "u:secret@h/db",               "u:***@h/db" },
		{ "mysql://h:3306/db",           "mysql://h:3306/db" },
		{ "mysql://h/db:x@y",            "mysql://h/db:x@y" },
	};
	/* clang-format on */
	char out[128], small[12];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		db_url_mask(cases[i][0], out, sizeof(out));
		if (strcmp(out, cases[i][1]) != 0) {
			printf("mask %s: expected %s got %s\n", cases[i][0],
			    cases[i][1], out);
			return 1;
		}
	}
	/* cut short, never past the buffer, never the password */
	db_url_mask("mysql://user:secret@host/db", small, sizeof(small));
	CHECK_INT(sizeof(small) - 1, strlen(small));
	CHECK(strstr(small, "sec") == NULL);
	return 0;
}

/* The config check: parse, driver loaded (only db_sqlite is in this
 * binary), file present. */
static int
t_url_check(void)
{
	char *err = NULL;

	CHECK_INT(0, db_url_check(url, &err));
	CHECK(err == NULL);
	CHECK_INT(E_NOTFOUND,
	    db_url_check("mysql://kam:pw@127.0.0.1/kam", &err));
	CHECK(strcmp(err,
	          "URL 'mysql://kam:***@127.0.0.1/kam': no DB driver "
	          "loaded for scheme 'mysql' (loadmodule \"mysql.so\"?)") == 0);
	pkg_free(err);
	CHECK_INT(E_NOTFOUND, db_url_check("postgresql://h/kam", &err));
	CHECK(strstr(err, "(loadmodule \"postgres.so\"?)") != NULL);
	pkg_free(err);
	CHECK_INT(E_NOTFOUND, db_url_check("oracle://h/kam", &err));
	CHECK(strstr(err,
	          "scheme 'oracle' (known: sqlite, mysql, "
	          "postgres)") != NULL);
	pkg_free(err);
	CHECK_INT(E_NOTFOUND, db_url_check("sqlite:///nonexistent/k.db", &err));
	CHECK(strcmp(err,
	          "URL 'sqlite:///nonexistent/k.db': database file "
	          "'/nonexistent/k.db' does not exist (create it with kamdbctl "
	          "create)") == 0);
	pkg_free(err);
	CHECK_INT(E_PARSE, db_url_check("mysql://u:pw@h:99999/db", &err));
	CHECK(strstr(err,
	          "URL 'mysql://u:***@h:99999/db' does not parse: "
	          "port '99999' is not a number in 1..65535") == err);
	pkg_free(err);
	return 0;
}

/* ---- SQL text of each dialect ---- */

static int
t_sql_dialects(void)
{
	static const char *const keys[] = { "username", "domain", "q" };
	static const char *const ops[] = { DB_OP_EQ, DB_OP_NE, DB_OP_GE };
	static const char *const cols[] = { "contact", "expires" };
	/* clang-format off */
	struct db_driver my = { .name = "my", .quote = '`',
		.placeholder = DB_PH_QMARK, .upsert = DB_UPSERT_DUP_KEY };
	struct db_driver pg = { .name = "pg", .quote = '"',
		.placeholder = DB_PH_DOLLAR, .upsert = DB_UPSERT_ON_CONFLICT };
	/* clang-format on */
	struct db_val v[3] = { db_val_string("a'b"), db_val_null(DB_STR),
		db_val_double(0.5) };
	struct db_sql q = { 0 };
	char err[DB_ERR_LEN];

	db_sql_reset(&q, &pg);
	CHECK_INT(0,
	    db_sql_select(&q, "location", keys, ops, v, cols, 3, 2,
	        "expires DESC", err));
	CHECK_STRN("SELECT \"contact\",\"expires\" FROM \"location\" WHERE "
	           "\"username\" = $1 AND \"domain\" IS NOT NULL AND \"q\" >= "
	           "$2 ORDER BY \"expires\" DESC",
	    q.buf, q.len);
	CHECK_INT(2, q.np);
	CHECK(q.params[0] == &v[0] && q.params[1] == &v[2]);
	db_sql_reset(&q, &my);
	CHECK_INT(0,
	    db_sql_select(&q, "location", keys, NULL, v, NULL, 2, 0, NULL,
	        err));
	CHECK_STRN("SELECT * FROM `location` WHERE `username` = ? AND "
	           "`domain` IS NULL",
	    q.buf, q.len);
	db_sql_reset(&q, &my);
	CHECK_INT(0, db_sql_replace(&q, "location", keys, v, 3, 1, err));
	CHECK_STRN("INSERT INTO `location` (`username`,`domain`,`q`) VALUES "
	           "(?,?,?) ON DUPLICATE KEY UPDATE `domain`=VALUES(`domain`),"
	           "`q`=VALUES(`q`)",
	    q.buf, q.len);
	CHECK_INT(3, q.np);
	db_sql_reset(&q, &pg);
	CHECK_INT(0, db_sql_replace(&q, "location", keys, v, 3, 2, err));
	CHECK_STRN("INSERT INTO \"location\" (\"username\",\"domain\",\"q\") "
	           "VALUES ($1,$2,$3) ON CONFLICT (\"username\",\"domain\") DO "
	           "UPDATE SET \"q\"=excluded.\"q\"",
	    q.buf, q.len);
	db_sql_reset(&q, &pg);
	CHECK_INT(0, db_sql_replace(&q, "t", keys, v, 1, 1, err));
	CHECK_STRN("INSERT INTO \"t\" (\"username\") VALUES ($1) ON CONFLICT "
	           "(\"username\") DO NOTHING",
	    q.buf, q.len);
	db_sql_reset(&q, &pg);
	CHECK_INT(0, db_sql_update(&q, "t", keys, NULL, v, cols, v, 1, 2, err));
	CHECK_STRN("UPDATE \"t\" SET \"contact\"=$1,\"expires\"=$2 WHERE "
	           "\"username\" = $3",
	    q.buf, q.len);
	db_sql_reset(&q, &my);
	CHECK_INT(0, db_sql_delete(&q, "t", NULL, NULL, NULL, 0, err));
	CHECK_STRN("DELETE FROM `t`", q.buf, q.len);
	db_sql_reset(&q, &my);
	CHECK_INT(E_INVAL,
	    db_sql_select(&q, "t", keys, ops, v, NULL, 3, 0, "expires; DROP",
	        err));
	CHECK(strstr(err, "order") != NULL);
	db_sql_free(&q);
	return 0;
}

/* ---- SQLite failure behaviour ---- */

static int64_t
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* init() does not connect; a missing file fails fast and is retried
 * only after the back-off; once the file is there, calls work again. */
static int
t_lazy_backoff(void)
{
	char path[400], u[420];
	struct db_func f;
	struct db_handle *hd;
	struct db_res *res;
	sqlite3 *raw;
	int64_t t0;

	snprintf(path, sizeof(path), "%s/later.db", dir);
	snprintf(u, sizeof(u), "sqlite://%s", path);
	unlink(path);
	CHECK_INT(0, db_bind_mod(u, &f));
	CHECK((hd = f.init(u)) != NULL);
	CHECK_INT(0, f.use_table(hd, "version"));
	t0 = ms_now();
	CHECK_INT(E_AGAIN,
	    f.query(hd, NULL, NULL, NULL, NULL, 0, 0, NULL, &res));
	CHECK(strstr(f.last_error(hd), "unable to open") != NULL);
	/* backing off: no new attempt, same answer, at once */
	CHECK_INT(E_AGAIN,
	    f.query(hd, NULL, NULL, NULL, NULL, 0, 0, NULL, &res));
	CHECK(strstr(f.last_error(hd), "not connected") != NULL);
	CHECK(ms_now() - t0 < 200);
	CHECK_INT(SQLITE_OK, sqlite3_open(path, &raw));
	CHECK_INT(SQLITE_OK,
	    sqlite3_exec(raw,
	        "CREATE TABLE version "
	        "(table_name TEXT, table_version INT)",
	        NULL, NULL, NULL));
	sqlite3_close(raw);
	/* still backing off (250 ms) */
	CHECK_INT(E_AGAIN,
	    f.query(hd, NULL, NULL, NULL, NULL, 0, 0, NULL, &res));
	usleep(300 * 1000);
	CHECK_INT(0, f.query(hd, NULL, NULL, NULL, NULL, 0, 0, NULL, &res));
	CHECK_INT(0, res->n_rows);
	f.free_result(hd, res);
	f.close(hd);
	return 0;
}

/* A lock held by another process longer than query_timeout: the call
 * fails with E_TIMEOUT after about query_timeout, and works once the
 * lock is gone. */
static int
t_busy_timeout(void)
{
	static const char *const keys[] = { "table_name", "table_version" };
	struct db_val v[2] = { db_val_string("busy"), db_val_int(1) };
	struct db_func f;
	struct db_handle *hd;
	sqlite3 *raw;
	int64_t t0, dt;
	int rc;

	db_sqlite_query_timeout = 1;
	CHECK_INT(0, db_bind_mod(url, &f));
	CHECK((hd = f.init(url)) != NULL);
	CHECK_INT(0, f.use_table(hd, "version"));
	CHECK_INT(0, f.delete(hd, keys, NULL, v, 1)); /* connected now */
	CHECK_INT(SQLITE_OK, sqlite3_open(dbfile, &raw));
	CHECK_INT(SQLITE_OK,
	    sqlite3_exec(raw, "BEGIN EXCLUSIVE", NULL, NULL, NULL));
	t0 = ms_now();
	rc = f.insert(hd, keys, v, 2);
	dt = ms_now() - t0;
	sqlite3_exec(raw, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(raw);
	db_sqlite_query_timeout = 3;
	CHECK_INT(E_TIMEOUT, rc);
	CHECK(dt >= 900 && dt < 2500);
	CHECK(strstr(f.last_error(hd), "locked") != NULL);
	/* the lock is gone: works again (on a new connection) */
	CHECK_INT(0, f.insert(hd, keys, v, 2));
	CHECK_INT(0, f.delete(hd, keys, NULL, v, 1));
	f.close(hd);
	return 0;
}

/* A statement that would run forever is interrupted at query_timeout. */
static int
t_statement_timeout(void)
{
	struct db_func f;
	struct db_handle *hd;
	struct db_res *res;
	int64_t t0, dt;

	db_sqlite_query_timeout = 1;
	CHECK_INT(0, db_bind_mod(url, &f));
	CHECK((hd = f.init(url)) != NULL);
	t0 = ms_now();
	CHECK_INT(E_TIMEOUT,
	    f.raw_query(hd,
	        "WITH RECURSIVE c(x) AS (SELECT "
	        "1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
	        NULL, 0, &res));
	dt = ms_now() - t0;
	CHECK(dt >= 900 && dt < 2500);
	CHECK(strstr(f.last_error(hd), "query_timeout") != NULL);
	CHECK_INT(0, f.raw_query(hd, "SELECT 1", NULL, 0, &res));
	CHECK_INT(1, res->n_rows);
	f.free_result(hd, res);
	f.close(hd);
	db_sqlite_query_timeout = 3;
	return 0;
}

/* A handle whose connection was opened before fork: the child gets a
 * connection of its own (it never touches the parent's), and the parent
 * keeps working. */
static int
t_fork(void)
{
	static const char *const keys[] = { "table_name", "table_version" };
	struct db_val v[2] = { db_val_string("forked"), db_val_int(1) };
	struct db_func f;
	struct db_handle *hd;
	struct db_res *res;
	int status;
	pid_t pid;

	CHECK_INT(0, db_bind_mod(url, &f));
	CHECK((hd = f.init(url)) != NULL);
	CHECK_INT(0, f.use_table(hd, "version"));
	CHECK_INT(0, f.query(hd, NULL, NULL, NULL, NULL, 0, 0, NULL, &res));
	f.free_result(hd, res);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		log_level = L_ALERT - 1; /* the CRIT line is expected */
		_exit(f.insert(hd, keys, v, 2) == 0 ? 0 : 1);
	}
	CHECK(pid > 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* the parent sees the child's row through its own connection */
	CHECK_INT(0, f.query(hd, keys, NULL, v, NULL, 1, 0, NULL, &res));
	CHECK_INT(1, res->n_rows);
	f.free_result(hd, res);
	CHECK_INT(0, f.delete(hd, keys, NULL, v, 1));
	f.close(hd);
	return 0;
}

/* The remembered call shapes compare names by their bytes: a name
 * rewritten in place (same address) gives another statement, and an
 * invalid name written there is refused, not taken from the memo. */
static int
t_shape_content(void)
{
	char key[16], col[16];
	const char *keys[1] = { key }, *cols[1] = { col };
	struct db_val v = db_val_string("location");
	struct db_func f;
	struct db_handle *hd;
	struct db_res *res;

	CHECK_INT(0, db_bind_mod(url, &f));
	CHECK((hd = f.init(url)) != NULL);
	CHECK_INT(0, f.use_table(hd, "version"));
	strcpy(key, "table_name");
	strcpy(col, "table_version");
	CHECK_INT(0, f.query(hd, keys, NULL, &v, cols, 1, 1, NULL, &res));
	CHECK_INT(1, res->n_rows);
	CHECK_INT(LOCATION_VERSION, db_val_get_int(&res->rows[0].values[0]));
	f.free_result(hd, res);
	strcpy(col, "table_name"); /* same address, other column */
	CHECK_INT(0, f.query(hd, keys, NULL, &v, cols, 1, 1, NULL, &res));
	CHECK_STR("location", &res->rows[0].values[0].v.str);
	CHECK(strcmp(res->col_names[0], "table_name") == 0);
	f.free_result(hd, res);
	strcpy(col, "x; --");
	CHECK_INT(E_INVAL, f.query(hd, keys, NULL, &v, cols, 1, 1, NULL, &res));
	strcpy(col, "table_version");
	v = db_val_null(DB_STR); /* NULL changes the text: IS NULL */
	CHECK_INT(0, f.query(hd, keys, NULL, &v, cols, 1, 1, NULL, &res));
	CHECK_INT(0, res->n_rows);
	f.free_result(hd, res);
	f.close(hd);
	return 0;
}

/* A result outlives its handle and statement: the column names it
 * shares with the statement stay until the result is freed. */
static int
t_result_outlives(void)
{
	struct db_func f;
	struct db_handle *hd;
	struct db_res *res;

	CHECK_INT(0, db_bind_mod(url, &f));
	CHECK((hd = f.init(url)) != NULL);
	CHECK_INT(0, f.use_table(hd, "version"));
	CHECK_INT(0,
	    f.query(hd, NULL, NULL, NULL, NULL, 0, 0, "table_name", &res));
	f.close(hd);
	CHECK_INT(3, res->n_rows);
	CHECK(strcmp(res->col_names[1], "table_version") == 0);
	CHECK_STR("location", &res->rows[0].values[0].v.str);
	f.free_result(NULL, res);
	return 0;
}

/* ---- set-up ---- */

static int
apply_schema(const char *file, sqlite3 *db)
{
	char path[512], *sql, *msg = NULL;
	const char *top = getenv("TOP");
	FILE *fp;
	long n;

	snprintf(path, sizeof(path), "%s%sscripts/sqlite/%s", top ? top : "",
	    top ? "/" : "", file);
	if ((fp = fopen(path, "r")) == NULL) {
		printf("cannot open %s (run from the top directory)\n", path);
		return 1;
	}
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	sql = calloc(1, (size_t)n + 1);
	if (sql == NULL || fread(sql, 1, (size_t)n, fp) != (size_t)n) {
		fclose(fp);
		free(sql);
		return 1;
	}
	fclose(fp);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		printf("%s: %s\n", path, msg);
		sqlite3_free(msg);
		free(sql);
		return 1;
	}
	free(sql);
	return 0;
}

static int
setup(void)
{
	static const char *const files[] = { "standard-create.sql",
		"auth_db-create.sql", "usrloc-create.sql",
		"uri_db-create.sql" };
	const char *tmp = getenv("TMPDIR");
	sqlite3 *db;
	size_t i;

	snprintf(dir, sizeof(dir), "%s/t_db.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(dbfile, sizeof(dbfile), "%s/kamailio.db", dir);
	snprintf(url, sizeof(url), "sqlite://%s", dbfile);
	if (sqlite3_open(dbfile, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) !=
	        SQLITE_OK)
		return 1;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (apply_schema(files[i], db) != 0) {
			sqlite3_close(db);
			return 1;
		}
	sqlite3_close(db);
	db_case_url = url;
	return 0;
}

static void
teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("could not remove %s\n", dir);
}

/* clang-format off */
static const struct unit_test own[] = {
	{ "url_good",          t_url_good },
	{ "url_bad",           t_url_bad },
	{ "url_mask",          t_url_mask },
	{ "url_check",         t_url_check },
	{ "sql_dialects",      t_sql_dialects },
	{ "lazy_backoff",      t_lazy_backoff },
	{ "busy_timeout",      t_busy_timeout },
	{ "statement_timeout", t_statement_timeout },
	{ "fork",              t_fork },
	{ "shape_content",     t_shape_content },
	{ "result_outlives",   t_result_outlives },
};
/* clang-format on */

int
main(int argc, char **argv)
{
	struct unit_test all[64];
	size_t n = 0, i;
	int rc;

	log_stderr = true;
	if (setup() != 0) {
		printf("set-up failed\n0 passed, 1 failed\n");
		return 1;
	}
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		all[n++] = own[i];
	for (i = 0; db_cases[i].name != NULL && n < 63; i++)
		all[n++] = db_cases[i];
	all[n] = (struct unit_test){ NULL, NULL };
	rc = unit_run(all, argc, argv);
	teardown();
	return rc;
}
