/* db/db_sql.c: SQL text of the API's calls in each engine's dialect.
 *
 * Only identifiers (checked: letters, digits, '_') and placeholders go
 * into the text; values go into q->params, in placeholder order, for the
 * driver to bind.  Identifiers are quoted with the driver's quote
 * character, so column names that are keywords somewhere ("user",
 * "socket") still work. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../err.h"
#include "../mem/pkg.h"
#include "db_int.h"

#define SQL_MAX (1u << 20)  /* no call of the API needs a longer text */

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

static void
put(struct db_sql *q, const char *s, size_t n)
{
	size_t cap;
	char *b;

	if (q->rc != 0)
		return;
	if (q->len + n + 1 > q->cap) {
		if (q->len + n + 1 > SQL_MAX) {
			q->rc = E_TOOBIG;
			return;
		}
		cap = q->cap ? q->cap : 256;
		while (cap < q->len + n + 1)
			cap *= 2;
		if ((b = pkg_realloc(q->buf, cap)) == NULL) {
			q->rc = E_NOMEM;
			return;
		}
		q->buf = b;
		q->cap = cap;
	}
	memcpy(q->buf + q->len, s, n);
	q->len += n;
	q->buf[q->len] = '\0';
}

static void
puts_(struct db_sql *q, const char *s)
{
	put(q, s, strlen(s));
}

/* an identifier already checked by db_ident_ok() */
static void
ident(struct db_sql *q, const char *s)
{
	put(q, &q->drv->quote, 1);
	puts_(q, s);
	put(q, &q->drv->quote, 1);
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
	return db_err(err, E_INVAL, "%s '%.64s' is not an identifier (letters, "
	    "digits, '_', at most %d)", what, name ? name : "(null)",
	    DB_IDENT_MAX);
}

static int
check_names(const char *table, const char *const *names, int n,
    const char *what, char *err)
{
	int i;

	if (table != NULL && !db_ident_ok(table))
		return bad(err, "table", table);
	if (n < 0 || n > DB_MAX_COLS)
		return db_err(err, E_INVAL, "%d %ss (at most %d)", n, what,
		    DB_MAX_COLS);
	if (n > 0 && names == NULL)
		return db_err(err, E_INVAL, "%d %ss but no names", n, what);
	for (i = 0; i < n; i++)
		if (!db_ident_ok(names[i]))
			return bad(err, what, names[i]);
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
			return db_err(err, E_INVAL, "operator '%.8s' (use =, "
			    "!=, <, >, <= or >=)", op);
		puts_(q, i == 0 ? " WHERE " : " AND ");
		ident(q, keys[i]);
		if (vals[i].nul) {
			if (strcmp(op, "=") == 0)
				puts_(q, " IS NULL");
			else if (strcmp(op, "!=") == 0 || strcmp(op, "<>") == 0)
				puts_(q, " IS NOT NULL");
			else
				return db_err(err, E_INVAL, "NULL compared "
				    "with '%s' (only = and != take NULL)", op);
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
			return db_err(err, E_INVAL, "order '%.80s' (expected "
			    "\"column\", \"column ASC\" or \"column DESC\")",
			    order);
	}
	if (n > DB_IDENT_MAX)
		return bad(err, "order column", order);
	memcpy(col, order, n);
	col[n] = '\0';
	if (!db_ident_ok(col))
		return bad(err, "order column", col);
	puts_(q, " ORDER BY ");
	ident(q, col);
	if (dir != NULL)
		puts_(q, dir);
	return 0;
}

int
db_sql_select(struct db_sql *q, const char *table, const char *const *keys,
    const char *const *ops, const struct db_val *vals,
    const char *const *cols, int n, int nc, const char *order, char *err)
{
	int rc, i;

	if ((rc = check_names(table, keys, n, "key", err)) != 0 ||
	    (rc = check_names(NULL, cols, nc, "column", err)) != 0)
		return rc;
	puts_(q, "SELECT ");
	if (nc == 0)
		puts_(q, "*");
	for (i = 0; i < nc; i++) {
		if (i)
			put(q, ",", 1);
		ident(q, cols[i]);
	}
	puts_(q, " FROM ");
	ident(q, table);
	if ((rc = where(q, keys, ops, vals, n, err)) != 0)
		return rc;
	if (order != NULL && (rc = order_by(q, order, err)) != 0)
		return rc;
	return q->rc;
}

static int
insert_head(struct db_sql *q, const char *table, const char *const *keys,
    const struct db_val *vals, int n, char *err)
{
	int rc, i;

	if ((rc = check_names(table, keys, n, "column", err)) != 0)
		return rc;
	if (n == 0 || vals == NULL)
		return db_err(err, E_INVAL, "insert of no columns");
	puts_(q, "INSERT INTO ");
	ident(q, table);
	puts_(q, " (");
	for (i = 0; i < n; i++) {
		if (i)
			put(q, ",", 1);
		ident(q, keys[i]);
	}
	puts_(q, ") VALUES (");
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
	return q->rc;
}

int
db_sql_update(struct db_sql *q, const char *table, const char *const *keys,
    const char *const *ops, const struct db_val *vals,
    const char *const *ukeys, const struct db_val *uvals, int n, int un,
    char *err)
{
	int rc, i;

	if ((rc = check_names(table, keys, n, "key", err)) != 0 ||
	    (rc = check_names(NULL, ukeys, un, "column", err)) != 0)
		return rc;
	if (un == 0 || uvals == NULL)
		return db_err(err, E_INVAL, "update of no columns");
	puts_(q, "UPDATE ");
	ident(q, table);
	puts_(q, " SET ");
	for (i = 0; i < un; i++) {
		if (i)
			put(q, ",", 1);
		ident(q, ukeys[i]);
		put(q, "=", 1);
		param(q, &uvals[i]);
	}
	if ((rc = where(q, keys, ops, vals, n, err)) != 0)
		return rc;
	return q->rc;
}

int
db_sql_delete(struct db_sql *q, const char *table, const char *const *keys,
    const char *const *ops, const struct db_val *vals, int n, char *err)
{
	int rc;

	if ((rc = check_names(table, keys, n, "key", err)) != 0)
		return rc;
	puts_(q, "DELETE FROM ");
	ident(q, table);
	if ((rc = where(q, keys, ops, vals, n, err)) != 0)
		return rc;
	return q->rc;
}

int
db_sql_replace(struct db_sql *q, const char *table, const char *const *keys,
    const struct db_val *vals, int n, int nkeys, char *err)
{
	int rc, i;

	if (nkeys < 1 || nkeys > n)
		return db_err(err, E_INVAL, "replace needs 1..%d key columns, "
		    "got %d", n, nkeys);
	if ((rc = insert_head(q, table, keys, vals, n, err)) != 0)
		return rc;
	if (q->drv->upsert == DB_UPSERT_DUP_KEY) {
		puts_(q, " ON DUPLICATE KEY UPDATE ");
		if (nkeys == n) { /* nothing to update: keep the row */
			ident(q, keys[0]);
			put(q, "=", 1);
			ident(q, keys[0]);
		}
		for (i = nkeys; i < n; i++) {
			if (i > nkeys)
				put(q, ",", 1);
			ident(q, keys[i]);
			puts_(q, "=VALUES(");
			ident(q, keys[i]);
			put(q, ")", 1);
		}
		return q->rc;
	}
	puts_(q, " ON CONFLICT (");
	for (i = 0; i < nkeys; i++) {
		if (i)
			put(q, ",", 1);
		ident(q, keys[i]);
	}
	puts_(q, nkeys == n ? ") DO NOTHING" : ") DO UPDATE SET ");
	for (i = nkeys; i < n; i++) {
		if (i > nkeys)
			put(q, ",", 1);
		ident(q, keys[i]);
		puts_(q, "=excluded.");
		ident(q, keys[i]);
	}
	return q->rc;
}

int
db_sql_raw(struct db_sql *q, const char *sql, const struct db_val *vals,
    int n, char *err)
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
	return q->rc;
}
