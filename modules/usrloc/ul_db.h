/* ul_db.h: usrloc's database side (db_mode 1, 2, 3): the location table
 * as rows, one per binding, keyed by ruid.  Every write is an upsert or a
 * delete by ruid, so writing the same binding twice (a retry, a
 * write-back after a failed one) is harmless.  Each process has its own
 * connection (ul_db_child_init).  Internal to usrloc.
 *
 * Errors: 0, or E_IO (the database refused or is unreachable; logged by
 * the DB layer), E_NOMEM. */
#ifndef USRLOC_UL_DB_H
#define USRLOC_UL_DB_H

#include "usrloc.h"

/* Column names (modparams, 1.x names). */
struct ul_columns {
	char *user, *domain, *contact, *expires, *q, *callid, *cseq, *flags,
	    *cflags, *user_agent, *received, *path, *socket, *methods,
	    *last_modified, *ruid, *instance, *reg_id, *conn_id, *server_id;
};
extern struct ul_columns ul_col;

/* Main process: bind the driver of db_url, check the tables' version.
 * tables: the names registered so far.  0 or E_INVAL (logged). */
int ul_db_init(void);
/* A table registered after ul_db_init (a script's save("other")):
 * checked, and loaded in db_mode 1 and 2.  Main process. */
int ul_db_domain_added(struct ul_domain *d);
/* Every process that uses the database: its own handle. */
int ul_db_child_init(void);
void ul_db_destroy(void);

int ul_db_upsert(const char *table, const struct str *aor,
    const struct ul_binding *b);
int ul_db_delete(const char *table, const struct str *ruid);
/* Every row of table whose expires is in (0, now]. */
int ul_db_delete_expired(const char *table, int64_t now);
/* Every row of aor (db_mode 3).  fn sees them as bindings (views into
 * the result, valid during the call), unexpired ones only. */
int ul_db_aor(const char *table, const struct str *aor, int64_t now,
    void (*fn)(const struct ul_binding *b, int n, void *arg), void *arg);
/* Every unexpired row of table, one call of fn per AOR (rows sorted by
 * user, then domain; at most UL_CHANGES_MAX bindings per AOR), views
 * valid during the call, until fn returns non-zero (db_mode 3 ul_dump).
 * 0, or the query's error. */
int ul_db_walk(const char *table, int64_t now,
    int (*fn)(const struct str *aor, const struct ul_binding *b, int n,
        void *arg),
    void *arg);
/* Delete every row of aor, or the one with contact (db_mode 3 ul_rm). */
int ul_db_delete_aor(const char *table, const struct str *aor,
    const struct str *contact);
/* Start-up (db_mode 1, 2): every unexpired row of this server_id into
 * the memory table d.  Main process. */
int ul_db_load(struct ul_domain *d);

#endif
