/* ul_table.h: usrloc's location tables in shm and its flow table (the
 * stream connections that carry bindings).  Internal to usrloc. */
#ifndef USRLOC_UL_TABLE_H
#define USRLOC_UL_TABLE_H

#include "usrloc.h"

/* The module's settings (ul_mod.c), read-only after the config. */
struct ul_cfg {
	int db_mode;        /* 0 memory, 1 write-through, 2 write-back,
			       * 3 database only */
	int timer_interval; /* s */
	int hash_size;      /* log2 of the slots per table */
	int use_domain;
	int server_id;
	char *db_url;
};
extern struct ul_cfg ul_cfg;

/* Forget every table without freeing (tests, before shm_destroy). */
void ul_domains_forget(void);

/* Every table (the FIFO walks them), in registration order. */
struct ul_domain *ul_domain_first(void);
struct ul_domain *ul_domain_next(const struct ul_domain *d);
const char *ul_domain_name(const struct ul_domain *d);
struct ul_domain *ul_domain_find(const char *name);

/* The usrloc_api functions (usrloc.h has the contracts). */
int ul_domain_register(const char *name, struct ul_domain **out);
int ul_update(struct ul_domain *d, const struct str *aor, ul_decide_fn decide,
    ul_report_fn report, void *arg);
int ul_get(struct ul_domain *d, const struct str *aor, ul_report_fn report,
    void *arg);
int ul_remove(struct ul_domain *d, const struct str *aor,
    const struct str *contact);

/* Walk every AOR of d (slot by slot, each under its lock): fn gets the
 * AOR and its unexpired bindings.  Memory modes only (db_mode 3: the
 * FIFO reads the database).  Stops early when fn returns non-zero. */
typedef int (*ul_walk_fn)(const struct str *aor, const struct ul_binding *b,
    int n, void *arg);
int ul_walk(struct ul_domain *d, ul_walk_fn fn, void *arg);

/* Restore a binding read from the database at start-up (db_mode 1, 2):
 * kept as it is (ruid included), not written back.  Main process. */
int ul_restore(struct ul_domain *d, const struct str *aor,
    const struct ul_binding *b);

/* The expiry timer's pass over every table: removes what expired (and
 * counts it), and in db_mode 2 writes back what changed.  Timer
 * process. */
void ul_timer_pass(int64_t now);

/* Counts over every table (statistics). */
unsigned long ul_count_users(void);
unsigned long ul_count_contacts(void);

/* A new ruid into buf (UL_RUID_MAX + 1 bytes).  Returns its length. */
size_t ul_ruid_new(char *buf);

/* ---- flows: stream connections that carry bindings */

/* The flow table in shm.  Main process, before fork.  0 or E_NOMEM. */
int ul_flows_init(void);
void ul_flows_destroy(void);
/* conn_id carries a binding until until (epoch s): keep it known, and
 * keep the connection open that long (tcp_conn_keep).  Any process. */
void ul_flow_note(int conn_id, int64_t until);
/* The tcp_closed hook: conn_id closed; its bindings are unreachable from
 * now on.  Quick: one lock, one hash lookup. */
void ul_flow_closed(int conn_id);
/* conn_id is a connection of this run that is still open. */
bool ul_flow_alive(int conn_id);
/* Forget flows no binding needs since before now. */
void ul_flows_expire(int64_t now);
/* Connections closed under live bindings since start-up (statistic). */
unsigned long ul_flows_closed_count(void);

/* UTC now, epoch seconds. */
int64_t ul_now(void);

/* A Path without its first URI ("<a>,<b>" -> "<b>"): a view into path,
 * STR_NULL when nothing is left. */
struct str ul_path_rest(const struct str *path);

#endif
