/* db/db_sql.c: SQL text of the API's calls in each engine's dialect.
 *
 * Only identifiers (checked: letters, digits, '_') and placeholders go
 * into the text; values go into q->params, in placeholder order, for the
 * driver to bind.  Identifiers are quoted with the driver's quote
 * character, so column names that are keywords somewhere ("user",
 * "socket") still work. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../base/err.h"
#include "../mem/pkg.h"
#include "db_int.h"

#define SQL_MAX (1u << 20) /* no call of the API needs a longer text */

bool
db_ident_ok(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0' || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if (i >= DB_IDENT_MAX)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		        (c >= '0' && c <= '9') || c == '_'))
			return false;
	}
	return true;
}

void
db_sql_reset(struct db_sql *q, const struct db_driver *drv)
{
	q->len = 0;
	q->rc = 0;
	q->np = 0;
	q->hash = 0;
	q->bad = NULL;
	q->bad_what = NULL;
	q->shape = NULL;
	q->drv = drv;
	if (q->buf != NULL)
		q->buf[0] = '\0';
}

void
db_sql_free(struct db_sql *q)
{
	pkg_free(q->buf);
	q->buf = NULL;
	q->len = q->cap = 0;
}

/* Room for n more bytes and a NUL; false (q->rc set) if there is none. */
static bool
room(struct db_sql *q, size_t n)
{
	size_t cap;
	char *b;

	if (q->rc != 0)
		return false;
	if (q->len + n + 1 <= q->cap)
		return true;
	if (q->len + n + 1 > SQL_MAX) {
		q->rc = E_TOOBIG;
		return false;
	}
	cap = q->cap ? q->cap : 256;
	while (cap < q->len + n + 1)
		cap *= 2;
	if ((b = pkg_realloc(q->buf, cap)) == NULL) {
		q->rc = E_NOMEM;
		return false;
	}
	q->buf = b;
	q->cap = cap;
	return true;
}

static void
put(struct db_sql *q, const char *s, size_t n)
{
	if (!room(q, n))
		return;
	memcpy(q->buf + q->len, s, n);
	q->len += n;
}

static void
puts_(struct db_sql *q, const char *s)
{
	put(q, s, strlen(s));
}

/* a literal: no strlen */
#define PUTL(q, lit) put((q), (lit), sizeof(lit) - 1)

/* clang-format off */
/* 1 for the characters of an identifier */
static const unsigned char ident_tab[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['_'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
	['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
	['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
};
/* clang-format on */

static bool
ident_char(char c)
{
	return ident_tab[(unsigned char)c] != 0;
}

/* An identifier, quoted; checked while it is copied (one pass: this runs
 * for every name of every call).  A bad one sets q->rc to E_INVAL and
 * q->bad to the name. */
static void
ident(struct db_sql *q, const char *s, const char *what)
{
	char *o;
	size_t i;

	if (!room(q, DB_IDENT_MAX + 2))
		return;
	o = q->buf + q->len;
	*o++ = q->drv->quote;
	for (i = 0; s != NULL && s[i] != '\0' && i < DB_IDENT_MAX; i++) {
		if (!ident_char(s[i]))
			break;
		*o++ = s[i];
	}
	if (s == NULL || i == 0 || s[i] != '\0' ||
	    (s[0] >= '0' && s[0] <= '9')) {
		q->rc = E_INVAL;
		q->bad = s;
		q->bad_what = what;
		return;
	}
	*o++ = q->drv->quote;
	q->len = (size_t)(o - q->buf);
}

/* A hash of the whole text, 8 bytes at a time, for the statement cache. */
static uint32_t
text_hash(const char *s, size_t n)
{
	uint64_t h = (uint64_t)n * 0x9e3779b97f4a7c15u, w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s + i, n - i);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
	h ^= h >> 29;
	return (uint32_t)h;
}

static void
param(struct db_sql *q, const struct db_val *v)
{
	char tmp[16];
	int n;

	if (q->np >= (int)(sizeof(q->params) / sizeof(q->params[0]))) {
		q->rc = E_TOOBIG;
		return;
	}
	q->params[q->np++] = v;
	if (q->drv->placeholder == DB_PH_DOLLAR) {
		n = snprintf(tmp, sizeof(tmp), "$%d", q->np);
		put(q, tmp, (size_t)n);
	} else {
		put(q, "?", 1);
	}
}

static int
bad(char *err, const char *what, const char *name)
{
	/* names are not values: showing one (cut short) is safe */
	return db_err(err, E_INVAL,
	    "%s '%.64s' is not an identifier (letters, "
	    "digits, '_', at most %d)",
	    what, name ? name : "(null)", DB_IDENT_MAX);
}

/* The end of every builder: the text terminated and hashed, or the
 * first error with its text. */
static int
finish(struct db_sql *q, char *err)
{
	if (q->rc == E_INVAL && q->bad_what != NULL)
		return bad(err, q->bad_what, q->bad);
	if (q->rc != 0)
		return q->rc;
	if (!room(q, 0))
		return q->rc;
	q->buf[q->len] = '\0';
	q->hash = text_hash(q->buf, q->len);
	return 0;
}

static int
check_count(const char *const *names, int n, const char *what, char *err)
{
	if (n < 0 || n > DB_MAX_COLS)
		return db_err(err, E_INVAL, "%d %ss (at most %d)", n, what,
		    DB_MAX_COLS);
	if (n > 0 && names == NULL)
		return db_err(err, E_INVAL, "%d %ss but no names", n, what);
	return 0;
}

/* clang-format off */
static const char *const ops_ok[] = {
	DB_OP_EQ, DB_OP_NE, DB_OP_LT, DB_OP_GT, DB_OP_LE, DB_OP_GE, "<>", NULL
};
/* clang-format on */

static int
where(struct db_sql *q, const char *const *keys, const char *const *ops,
    const struct db_val *vals, int n, char *err)
{
	const char *op;
	int i, j;

	if (n > 0 && vals == NULL)
		return db_err(err, E_INVAL, "%d keys but no values", n);
	for (i = 0; i < n; i++) {
		op = ops != NULL && ops[i] != NULL ? ops[i] : DB_OP_EQ;
		for (j = 0; ops_ok[j] != NULL; j++)
			if (strcmp(op, ops_ok[j]) == 0)
				break;
		if (ops_ok[j] == NULL)
			return db_err(err, E_INVAL,
			    "operator '%.8s' (use =, "
			    "!=, <, >, <= or >=)",
			    op);
		if (i == 0)
			PUTL(q, " WHERE ");
		else
			PUTL(q, " AND ");
		ident(q, keys[i], "key");
		if (vals[i].nul) {
			if (strcmp(op, "=") == 0)
				PUTL(q, " IS NULL");
			else if (strcmp(op, "!=") == 0 || strcmp(op, "<>") == 0)
				PUTL(q, " IS NOT NULL");
			else
				return db_err(err, E_INVAL,
				    "NULL compared "
				    "with '%s' (only = and != take NULL)",
				    op);
			continue;
		}
		put(q, " ", 1);
		puts_(q, op);
		put(q, " ", 1);
		param(q, &vals[i]);
	}
	return 0;
}

/* "col", "col ASC", "col DESC" (any case) */
static int
order_by(struct db_sql *q, const char *order, char *err)
{
	char col[DB_IDENT_MAX + 1];
	const char *sp = strchr(order, ' ');
	const char *dir = NULL;
	size_t n = sp ? (size_t)(sp - order) : strlen(order);

	if (sp != NULL) {
		if (strcasecmp(sp + 1, "asc") == 0)
			dir = " ASC";
		else if (strcasecmp(sp + 1, "desc") == 0)
			dir = " DESC";
		else
			return db_err(err, E_INVAL,
			    "order '%.80s' (expected "
			    "\"column\", \"column ASC\" or \"column DESC\")",
			    order);
	}
	if (n > DB_IDENT_MAX)
		return bad(err, "order column", order);
	memcpy(col, order, n);
	col[n] = '\0';
	if (!db_ident_ok(col))
		return bad(err, "order column", col);
	PUTL(q, " ORDER BY ");
	ident(q, col, "order column");
	if (dir != NULL)
		puts_(q, dir);
	return 0;
}

int
db_sql_select(struct db_sql *q, const char *table, const char *const *keys,
    const char *const *ops, const struct db_val *vals, const char *const *cols,
    int n, int nc, const char *order, char *err)
{
	int rc, i;

	if ((rc = check_count(keys, n, "key", err)) != 0 ||
	    (rc = check_count(cols, nc, "column", err)) != 0)
		return rc;
	PUTL(q, "SELECT ");
	if (nc == 0)
		PUTL(q, "*");
	for (i = 0; i < nc; i++) {
		if (i)
			put(q, ",", 1);
		ident(q, cols[i], "column");
	}
	PUTL(q, " FROM ");
	ident(q, table, "table");
	if ((rc = where(q, keys, ops, vals, n, err)) != 0)
		return rc;
	if (order != NULL && (rc = order_by(q, order, err)) != 0)
		return rc;
	return finish(q, err);
}

static int
insert_head(struct db_sql *q, const char *table, const char *const *keys,
    const struct db_val *vals, int n, char *err)
{
	int rc, i;

	if ((rc = check_count(keys, n, "column", err)) != 0)
		return rc;
	if (n == 0 || vals == NULL)
		return db_err(err, E_INVAL, "insert of no columns");
	PUTL(q, "INSERT INTO ");
	ident(q, table, "table");
	PUTL(q, " (");
	for (i = 0; i < n; i++) {
		if (i)
			put(q, ",", 1);
		ident(q, keys[i], "column");
	}
	PUTL(q, ") VALUES (");
	for (i = 0; i < n; i++) {
		if (i)
			put(q, ",", 1);
		param(q, &vals[i]);
	}
	put(q, ")", 1);
	return 0;
}

int
db_sql_insert(struct db_sql *q, const char *table, const char *const *keys,
    const struct db_val *vals, int n, char *err)
{
	int rc;

	if ((rc = insert_head(q, table, keys, vals, n, err)) != 0)
		return rc;
	return finish(q, err);
}

int
db_sql_update(struct db_sql *q, const char *table, const char *const *keys,
    const char *const *ops, const struct db_val *vals, const char *const *ukeys,
    const struct db_val *uvals, int n, int un, char *err)
{
	int rc, i;

	if ((rc = check_count(keys, n, "key", err)) != 0 ||
	    (rc = check_count(ukeys, un, "column", err)) != 0)
		return rc;
	if (un == 0 || uvals == NULL)
		return db_err(err, E_INVAL, "update of no columns");
	PUTL(q, "UPDATE ");
	ident(q, table, "table");
	PUTL(q, " SET ");
	for (i = 0; i < un; i++) {
		if (i)
			put(q, ",", 1);
		ident(q, ukeys[i], "column");
		put(q, "=", 1);
		param(q, &uvals[i]);
	}
	if ((rc = where(q, keys, ops, vals, n, err)) != 0)
		return rc;
	return finish(q, err);
}

int
db_sql_delete(struct db_sql *q, const char *table, const char *const *keys,
    const char *const *ops, const struct db_val *vals, int n, char *err)
{
	int rc;

	if ((rc = check_count(keys, n, "key", err)) != 0)
		return rc;
	PUTL(q, "DELETE FROM ");
	ident(q, table, "table");
	if ((rc = where(q, keys, ops, vals, n, err)) != 0)
		return rc;
	return finish(q, err);
}

int
db_sql_replace(struct db_sql *q, const char *table, const char *const *keys,
    const struct db_val *vals, int n, int nkeys, char *err)
{
	int rc, i;

	if (nkeys < 1 || nkeys > n)
		return db_err(err, E_INVAL,
		    "replace needs 1..%d key columns, "
		    "got %d",
		    n, nkeys);
	if ((rc = insert_head(q, table, keys, vals, n, err)) != 0)
		return rc;
	if (q->drv->upsert == DB_UPSERT_DUP_KEY) {
		PUTL(q, " ON DUPLICATE KEY UPDATE ");
		if (nkeys == n) { /* nothing to update: keep the row */
			ident(q, keys[0], "column");
			put(q, "=", 1);
			ident(q, keys[0], "column");
		}
		for (i = nkeys; i < n; i++) {
			if (i > nkeys)
				put(q, ",", 1);
			ident(q, keys[i], "column");
			PUTL(q, "=VALUES(");
			ident(q, keys[i], "column");
			put(q, ")", 1);
		}
		return finish(q, err);
	}
	PUTL(q, " ON CONFLICT (");
	for (i = 0; i < nkeys; i++) {
		if (i)
			put(q, ",", 1);
		ident(q, keys[i], "column");
	}
	puts_(q, nkeys == n ? ") DO NOTHING" : ") DO UPDATE SET ");
	for (i = nkeys; i < n; i++) {
		if (i > nkeys)
			put(q, ",", 1);
		ident(q, keys[i], "column");
		PUTL(q, "=excluded.");
		ident(q, keys[i], "column");
	}
	return finish(q, err);
}

int
db_sql_raw(struct db_sql *q, const char *sql, const struct db_val *vals, int n,
    char *err)
{
	int i;

	if (sql == NULL || sql[0] == '\0')
		return db_err(err, E_INVAL, "empty SQL text");
	if (n < 0 || n > (int)(sizeof(q->params) / sizeof(q->params[0])) ||
	    (n > 0 && vals == NULL))
		return db_err(err, E_INVAL, "bad parameter count %d", n);
	puts_(q, sql);
	for (i = 0; i < n; i++)
		q->params[q->np++] = &vals[i];
	return finish(q, err);
}
