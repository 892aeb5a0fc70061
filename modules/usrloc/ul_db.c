/* ul_db.c: usrloc's database side.  Until the DB API is in the core only
 * db_mode 0 exists: every call here refuses. */
#define LOG_MODULE "usrloc"
#include "../../api/sr_api.h"
#include "ul_db.h"
#include "ul_table.h"

struct ul_columns ul_col;

int
ul_db_init(void)
{
	LM_ERR("db_mode %d needs the DB layer, which this build lacks",
	    ul_cfg.db_mode);
	return E_INVAL;
}

int
ul_db_child_init(void)
{
	return 0;
}

void
ul_db_destroy(void)
{
}

int
ul_db_upsert(const char *table, const struct str *aor,
    const struct ul_binding *b)
{
	(void)table;
	(void)aor;
	(void)b;
	return E_IO;
}

int
ul_db_delete(const char *table, const struct str *ruid)
{
	(void)table;
	(void)ruid;
	return E_IO;
}

int
ul_db_delete_expired(const char *table, int64_t now)
{
	(void)table;
	(void)now;
	return E_IO;
}

int
ul_db_aor(const char *table, const struct str *aor, int64_t now,
    void (*fn)(const struct ul_binding *b, int n, void *arg), void *arg)
{
	(void)table;
	(void)aor;
	(void)now;
	(void)fn;
	(void)arg;
	return E_IO;
}

int
ul_db_delete_aor(const char *table, const struct str *aor,
    const struct str *contact)
{
	(void)table;
	(void)aor;
	(void)contact;
	return E_IO;
}

int
ul_db_load(struct ul_domain *d)
{
	(void)d;
	return E_IO;
}
