/* db/db_version.c: the start-up check of a table's schema version
 * against the "version" table that the scripts/ENGINE/ create scripts fill
 * (one row per table: table_name, table_version). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/err.h"
#include "../mem/pkg.h"
#include "db_int.h"

__attribute__((format(printf, 2, 3))) static void
verr(char **err, const char *fmt, ...)
{
	va_list ap;
	char *e;

	if (err == NULL || (e = pkg_malloc(512)) == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(e, 512, fmt, ap);
	va_end(ap);
	*err = e;
}

/* The version in v: an integer column, or text holding one. */
static int
version_of(const struct db_val *v, long *out)
{
	struct str s;
	char tmp[24], *end;

	if (v->nul)
		return E_PARSE;
	if (v->type == DB_INT || v->type == DB_BIGINT) {
		*out = (long)db_val_get_int(v);
		return 0;
	}
	s = db_val_get_str(v);
	if (s.len == 0 || s.len >= sizeof(tmp))
		return E_PARSE;
	memcpy(tmp, s.s, s.len);
	tmp[s.len] = '\0';
	*out = strtol(tmp, &end, 10);
	return *end == '\0' ? 0 : E_PARSE;
}

int
db_check_table_version(struct db_func *dbf, struct db_handle *h,
    const char *table, int want, char **err)
{
	static const char *const keys[] = { "table_name" };
	static const char *const cols[] = { "table_version" };
	char saved[DB_IDENT_MAX + 1];
	struct db_res *res = NULL;
	struct db_val key;
	long have;
	int rc;

	if (err != NULL)
		*err = NULL;
	if (h == NULL || !db_ident_ok(table)) {
		verr(err, "version check: bad handle or table name");
		return E_INVAL;
	}
	memcpy(saved, h->table, sizeof(saved));
	key = db_val_string(table);
	if ((rc = dbf->use_table(h, "version")) == 0)
		rc = dbf->query(h, keys, NULL, &key, cols, 1, 1, NULL, &res);
	memcpy(h->table, saved, sizeof(saved));
	if (rc != 0) {
		verr(err,
		    "cannot read the version of table '%s' from %s: %s "
		    "(create the tables with kamdbctl create)",
		    table, h->url.masked, dbf->last_error(h));
		return rc;
	}
	if (res->n_rows == 0) {
		verr(err,
		    "table '%s' has no row in table 'version' of %s "
		    "(create it with kamdbctl create, or kamdbctl migrate)",
		    table, h->url.masked);
		rc = E_NOTFOUND;
	} else if (res->n_cols != 1 ||
	    version_of(&res->rows[0].values[0], &have) != 0) {
		verr(err,
		    "table 'version' of %s: table_version of '%s' is "
		    "not a number",
		    h->url.masked, table);
		rc = E_INVAL;
	} else if (res->n_rows > 1) {
		verr(err,
		    "table 'version' of %s has %d rows for '%s' "
		    "(expected one)",
		    h->url.masked, res->n_rows, table);
		rc = E_INVAL;
	} else if (have != want) {
		verr(err,
		    "table '%s' has version %ld, expected %d (run "
		    "kamdbctl migrate)",
		    table, have, want);
		rc = E_INVAL;
	}
	dbf->free_result(h, res);
	return rc;
}
