/* ul_table.c: the location tables in shm: a hash of AOR records per
 * table, one lock per slot, each record a list of contacts; the commit
 * of a REGISTER's changes, all or nothing; expiry.
 *
 * A contact is one shm block holding its struct ul_binding and every
 * string the binding points to, so replacing a binding is allocating a
 * new block and swapping the pointer: every block a commit needs is
 * allocated (and the database written, per db_mode) before the first
 * pointer moves, and a failure frees what was made and changes nothing.
 *
 * In db_mode 3 there is no copy in memory: the slot locks still order
 * the REGISTERs for one AOR within this proxy, and the rows are read and
 * written per call. */
#define LOG_MODULE "usrloc"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../api/sr_api.h"
#include "ul_db.h"
#include "ul_table.h"

/* shm; one block with the strings; guarded by its slot's lock */
struct ul_contact {
	struct ul_contact *next;
	struct ul_binding b; /* strings point into buf */
	bool dirty;          /* db_mode 2: not written back yet */
	char buf[];
};

/* shm; guarded by its slot's lock */
struct ul_record {
	struct ul_record *next;
	unsigned hash;
	int n; /* contacts, expired ones included */
	struct ul_contact *contacts;
	size_t aor_len;
	char aor[];
};

/* shm; a ruid whose row db_mode 2 must still delete; slot lock */
struct ul_tomb {
	struct ul_tomb *next;
	char ruid[UL_RUID_MAX + 1];
};

struct ul_slot {
	struct gen_lock lock;
	struct ul_record *first;
	struct ul_tomb *tombs;
};

/* shm; the list and names are written before fork only */
struct ul_domain {
	struct ul_domain *next;
	char name[64];
	unsigned mask; /* slots - 1 */
	struct ul_slot *slots;
	long users, contacts; /* atomic */
	struct stat_var *expired;
	char st_users[80], st_contacts[80], st_expires[80];
};

static struct ul_domain *domains; /* shm list, set up before fork */

int64_t
ul_now(void)
{
	return (int64_t)time(NULL);
}

static unsigned
aor_hash(const struct str *aor)
{
	unsigned h = 2166136261u;
	size_t i;

	for (i = 0; i < aor->len; i++)
		h = (h ^ (unsigned char)aor->s[i]) * 16777619u;
	return h;
}

void
ul_domains_forget(void)
{
	domains = NULL;
}

struct ul_domain *
ul_domain_first(void)
{
	return domains;
}

struct ul_domain *
ul_domain_next(const struct ul_domain *d)
{
	return d->next;
}

const char *
ul_domain_name(const struct ul_domain *d)
{
	return d->name;
}

struct ul_domain *
ul_domain_find(const char *name)
{
	struct ul_domain *d;

	for (d = domains; d != NULL; d = d->next)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

static unsigned long
stat_users(void *arg)
{
	return (unsigned long)__atomic_load_n(&((struct ul_domain *)arg)->users,
	    __ATOMIC_RELAXED);
}

static unsigned long
stat_contacts(void *arg)
{
	return (unsigned long)__atomic_load_n(
	    &((struct ul_domain *)arg)->contacts, __ATOMIC_RELAXED);
}

/* "location-users", ...: the 1.x statistic names, per table */
static int
domain_stats(struct ul_domain *d)
{
	int rc;

	snprintf(d->st_users, sizeof(d->st_users), "%s-users", d->name);
	snprintf(d->st_contacts, sizeof(d->st_contacts), "%s-contacts",
	    d->name);
	snprintf(d->st_expires, sizeof(d->st_expires), "%s-expires", d->name);
	if ((rc = stat_register_fn("usrloc", d->st_users, stat_users, d)) ||
	    (rc = stat_register_fn("usrloc", d->st_contacts, stat_contacts,
	         d)) ||
	    (rc = stat_register("usrloc", d->st_expires, &d->expired)))
		return rc;
	return 0;
}

int
ul_domain_register(const char *name, struct ul_domain **out)
{
	struct ul_domain *d, **tail;
	unsigned n, i;
	size_t len = strlen(name);

	if ((d = ul_domain_find(name)) != NULL) {
		*out = d;
		return 0;
	}
	if (len == 0 || len >= sizeof(d->name) ||
	    strspn(name,
	        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "0123456789_") != len)
		return E_INVAL; /* a table name: an SQL identifier */
	n = 1u << ul_cfg.hash_size;
	if ((d = shm_zalloc(sizeof(*d))) == NULL)
		return E_NOMEM;
	if ((d->slots = shm_zalloc(n * sizeof(*d->slots))) == NULL) {
		shm_free(d);
		return E_NOMEM;
	}
	memcpy(d->name, name, len + 1);
	d->mask = n - 1;
	for (i = 0; i < n; i++)
		lock_init(&d->slots[i].lock);
	if (domain_stats(d) != 0)
		LM_WARN("table %s: statistics not registered", name);
	/* a process that dies holding a slot lock would stall every
	 * REGISTER and lookup of that slot */
	proc_watch_locks(&d->slots[0].lock, sizeof(struct ul_slot), n,
	    "usrloc slot");
	for (tail = &domains; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = d;
	*out = d;
	return ul_cfg.db_mode != 0 ? ul_db_domain_added(d) : 0;
}

/* ------------------------------------------------------------ contacts */

static size_t
str_size(const struct str *s)
{
	return s->len;
}

static void
str_put(struct str *dst, const struct str *src, char **p)
{
	if (src->len == 0) {
		*dst = (struct str){ "", 0 };
		return;
	}
	memcpy(*p, src->s, src->len);
	*dst = (struct str){ *p, src->len };
	*p += src->len;
}

/* A shm block for b (strings copied). */
static struct ul_contact *
contact_new(const struct ul_binding *b)
{
	struct ul_contact *c;
	size_t n;
	char *p;

	n = str_size(&b->ruid) + str_size(&b->contact) + str_size(&b->raw) +
	    str_size(&b->received) + str_size(&b->path) + str_size(&b->callid) +
	    str_size(&b->user_agent) + str_size(&b->instance);
	if ((c = shm_malloc(sizeof(*c) + n)) == NULL)
		return NULL;
	c->next = NULL;
	c->dirty = false;
	c->b = *b;
	c->b.unreachable = false;
	p = c->buf;
	str_put(&c->b.ruid, &b->ruid, &p);
	str_put(&c->b.contact, &b->contact, &p);
	str_put(&c->b.raw, &b->raw, &p);
	str_put(&c->b.received, &b->received, &p);
	str_put(&c->b.path, &b->path, &p);
	str_put(&c->b.callid, &b->callid, &p);
	str_put(&c->b.user_agent, &b->user_agent, &p);
	str_put(&c->b.instance, &b->instance, &p);
	return c;
}

static bool
expired(const struct ul_binding *b, int64_t now)
{
	return !(b->flags & UL_FL_PERMANENT) && b->expires <= now;
}

struct str
ul_path_rest(const struct str *path)
{
	const char *p = path->s, *end = p + path->len;

	if (path->len == 0 || *p != '<' ||
	    (p = memchr(p, '>', path->len)) == NULL)
		return STR_NULL;
	p++;
	while (p < end && (*p == ',' || *p == ' ' || *p == '\t'))
		p++;
	return p < end ? (struct str){ p, (size_t)(end - p) } : STR_NULL;
}

/* A view of b for callers: whether it can be reached now. */
static void
view_fill(struct ul_binding *v, const struct ul_binding *b)
{
	*v = *b;
	v->unreachable = false;
	/* our own flow Path: the connection is ours, the Path is for the
	 * other proxies of the cluster */
	if ((b->flags & UL_FL_FLOW_PATH) && b->server_id == ul_cfg.server_id)
		v->path = ul_path_rest(&b->path);
	/* a stream binding is reached over its own connection only (with
	 * a Path, over the edge proxy instead) */
	if (proto_is_stream(b->proto) && v->path.len == 0)
		v->unreachable = b->server_id != ul_cfg.server_id ||
		    b->conn_id <= 0 || !ul_flow_alive(b->conn_id);
}

static bool
check_sizes(const struct ul_binding *b)
{
	return b->contact.len > 0 && b->contact.len <= UL_URI_MAX &&
	    b->raw.len <= UL_RAW_MAX && b->path.len <= UL_PATH_MAX &&
	    b->callid.len <= UL_CALLID_MAX && b->user_agent.len <= UL_UA_MAX &&
	    b->received.len <= UL_RECEIVED_MAX &&
	    b->instance.len <= UL_INSTANCE_MAX && b->ruid.len <= UL_RUID_MAX;
}

size_t
ul_ruid_new(char *buf)
{
	static unsigned counter;
	int n;

	/* server, start of this process, pid, counter: unique across the
	 * processes and runs of every proxy that shares the database */
	n = snprintf(buf, UL_RUID_MAX + 1, "ul-%x-%llx-%x-%x",
	    (unsigned)ul_cfg.server_id, (unsigned long long)ul_now(),
	    (unsigned)getpid(), ++counter);
	return n > 0 ? (size_t)n : 0;
}

/* ------------------------------------------------------------ records */

static struct ul_slot *
slot_of(struct ul_domain *d, const struct str *aor, unsigned *hash)
{
	*hash = aor_hash(aor);
	return &d->slots[*hash & d->mask];
}

static struct ul_record *
record_find(struct ul_slot *s, const struct str *aor, unsigned hash)
{
	struct ul_record *r;

	for (r = s->first; r != NULL; r = r->next)
		if (r->hash == hash && r->aor_len == aor->len &&
		    memcmp(r->aor, aor->s, aor->len) == 0)
			return r;
	return NULL;
}

static struct ul_record *
record_new(struct ul_domain *d, struct ul_slot *s, const struct str *aor,
    unsigned hash)
{
	struct ul_record *r = shm_malloc(sizeof(*r) + aor->len);

	if (r == NULL)
		return NULL;
	r->hash = hash;
	r->n = 0;
	r->contacts = NULL;
	r->aor_len = aor->len;
	memcpy(r->aor, aor->s, aor->len);
	r->next = s->first;
	s->first = r;
	__atomic_add_fetch(&d->users, 1, __ATOMIC_RELAXED);
	return r;
}

static void
record_unlink_free(struct ul_domain *d, struct ul_slot *s, struct ul_record *r)
{
	struct ul_record **pp;

	for (pp = &s->first; *pp != NULL; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	shm_free(r);
	__atomic_sub_fetch(&d->users, 1, __ATOMIC_RELAXED);
}

/* db_mode 2: remember that ruid's row must go.  Out of shm the row stays
 * until it expires in the database (the timer deletes expired rows). */
static void
tomb_add(struct ul_slot *s, const struct str *ruid)
{
	struct ul_tomb *t;

	if (ul_cfg.db_mode != 2 || ruid->len == 0 ||
	    (t = shm_malloc(sizeof(*t))) == NULL)
		return;
	memcpy(t->ruid, ruid->s, ruid->len);
	t->ruid[ruid->len] = '\0';
	t->next = s->tombs;
	s->tombs = t;
}

static void
contact_drop(struct ul_domain *d, struct ul_slot *s, struct ul_record *r,
    struct ul_contact **pp)
{
	struct ul_contact *c = *pp;

	*pp = c->next;
	r->n--;
	__atomic_sub_fetch(&d->contacts, 1, __ATOMIC_RELAXED);
	if (!(c->b.flags & UL_FL_MEM_ONLY))
		tomb_add(s, &c->b.ruid);
	shm_free(c);
}

/* Remove r's expired contacts (memory; the rows are deleted by the
 * timer's pass over the database).  Returns how many. */
static int
record_purge(struct ul_domain *d, struct ul_slot *s, struct ul_record *r,
    int64_t now)
{
	struct ul_contact **pp = &r->contacts;
	int n = 0;

	while (*pp != NULL) {
		if (expired(&(*pp)->b, now)) {
			contact_drop(d, s, r, pp);
			n++;
		} else {
			pp = &(*pp)->next;
		}
	}
	if (n > 0)
		stat_add(d->expired, n);
	return n;
}

/* Per-process views handed to the callbacks (no callback re-enters
 * usrloc). */
static struct ul_binding views[UL_CHANGES_MAX];
static struct ul_contact *view_src[UL_CHANGES_MAX];

static int
record_views(struct ul_record *r)
{
	struct ul_contact *c;
	int n = 0;

	for (c = r != NULL ? r->contacts : NULL;
	     c != NULL && n < UL_CHANGES_MAX; c = c->next) {
		view_src[n] = c;
		view_fill(&views[n++], &c->b);
	}
	return n;
}

/* ------------------------------------------------------------ commit */

struct commit {
	struct ul_change *ch;
	int nch;
	struct ul_contact *made[UL_CHANGES_MAX]; /* per change, or NULL */
	char ruids[UL_CHANGES_MAX][UL_RUID_MAX + 1];
};

/* Check and prepare every change: ruids for inserts, one shm block per
 * insert and update.  Nothing is visible yet.  0 or E_*. */
static int
commit_prepare(struct commit *cm, const struct ul_binding *cur, int ncur,
    int64_t now)
{
	int i, live = ncur;

	for (i = 0; i < cm->nch; i++) {
		struct ul_change *c = &cm->ch[i];

		cm->made[i] = NULL;
		if (c->op != UL_INSERT && (c->idx < 0 || c->idx >= ncur))
			return E_BUG;
		if (c->op == UL_DELETE) {
			live--;
			continue;
		}
		if (c->op == UL_INSERT) {
			size_t n = ul_ruid_new(cm->ruids[i]);

			c->b.ruid = (struct str){ cm->ruids[i], n };
			live++;
		} else {
			c->b.ruid = cur[c->idx].ruid;
		}
		c->b.last_modified = now;
		if (c->b.server_id == 0)
			c->b.server_id = ul_cfg.server_id;
		if (!check_sizes(&c->b))
			return E_INVAL;
	}
	if (live > UL_CHANGES_MAX)
		return E_TOOBIG;
	if (ul_cfg.db_mode == 3)
		return 0;
	for (i = 0; i < cm->nch; i++) {
		if (cm->ch[i].op == UL_DELETE)
			continue;
		if ((cm->made[i] = contact_new(&cm->ch[i].b)) == NULL)
			return E_NOMEM;
	}
	return 0;
}

static void
commit_abort(struct commit *cm)
{
	int i;

	for (i = 0; i < cm->nch; i++) {
		shm_free(cm->made[i]);
		cm->made[i] = NULL;
	}
}

static bool
db_writes(const struct ul_binding *b)
{
	return (ul_cfg.db_mode == 1 || ul_cfg.db_mode == 3) &&
	    !(b->flags & UL_FL_MEM_ONLY);
}

/* Undo the database writes of changes 0..done-1 (cur: the bindings as
 * they were).  Upserts and deletes by ruid: writing the old row back
 * is exact.  A failure here leaves rows that the next refresh or the
 * expiry timer puts right; it is logged. */
static void
db_undo(struct ul_domain *d, const struct str *aor, const struct commit *cm,
    int done, const struct ul_binding *cur)
{
	int i, rc = 0;

	for (i = done - 1; i >= 0; i--) {
		const struct ul_change *c = &cm->ch[i];

		if (c->op == UL_INSERT)
			rc |= db_writes(&c->b)
			    ? ul_db_delete(d->name, &c->b.ruid)
			    : 0;
		else if (db_writes(&cur[c->idx]))
			rc |= ul_db_upsert(d->name, aor, &cur[c->idx]);
	}
	if (rc != 0)
		LM_ERR("table %s, %.*s: a failed commit could not be undone in "
		       "the database",
		    d->name, STR_FMT(aor));
}

/* db_mode 1 and 3: the rows first; on a failure, the ones written are
 * put back and nothing changes.  0 or E_IO. */
static int
commit_db(struct ul_domain *d, const struct str *aor, struct commit *cm,
    const struct ul_binding *cur)
{
	int i, rc = 0;

	for (i = 0; i < cm->nch && rc == 0; i++) {
		const struct ul_change *c = &cm->ch[i];

		if (c->op == UL_DELETE) {
			if (db_writes(&cur[c->idx]))
				rc = ul_db_delete(d->name, &cur[c->idx].ruid);
		} else if (db_writes(&c->b)) {
			rc = ul_db_upsert(d->name, aor, &c->b);
		}
	}
	if (rc == 0)
		return 0;
	/* the failed write too: an upsert or delete by ruid may be undone
	 * whether or not it was applied */
	db_undo(d, aor, cm, i, cur);
	return E_IO;
}

/* Swap the prepared blocks in.  Cannot fail. */
static void
commit_memory(struct ul_domain *d, struct ul_slot *s, struct ul_record *r,
    struct commit *cm)
{
	struct ul_contact *old[UL_CHANGES_MAX], **pp, **tail;
	int i, n = record_views(r);

	memcpy(old, view_src, sizeof(old[0]) * (size_t)n);
	for (i = 0; i < cm->nch; i++) {
		struct ul_change *c = &cm->ch[i];
		struct ul_contact *m = cm->made[i];

		if (m != NULL)
			m->dirty = ul_cfg.db_mode == 2 &&
			    !(m->b.flags & UL_FL_MEM_ONLY);
		if (c->op == UL_INSERT) {
			for (tail = &r->contacts; *tail != NULL;
			     tail = &(*tail)->next)
				;
			*tail = m;
			r->n++;
			__atomic_add_fetch(&d->contacts, 1, __ATOMIC_RELAXED);
			continue;
		}
		for (pp = &r->contacts; *pp != NULL && *pp != old[c->idx];
		     pp = &(*pp)->next)
			;
		if (*pp == NULL)
			continue; /* deleted twice by one decision */
		if (c->op == UL_DELETE) {
			contact_drop(d, s, r, pp);
			continue;
		}
		m->next = (*pp)->next;
		shm_free(*pp);
		*pp = m;
		old[c->idx] = m;
	}
	for (i = 0; i < cm->nch; i++)
		cm->made[i] = NULL;
}

/* Keep the stream connections of the bindings made open as long as
 * they live. */
static void
note_flows(const struct commit *cm)
{
	int i;

	for (i = 0; i < cm->nch; i++) {
		const struct ul_binding *b = &cm->ch[i].b;

		if (cm->ch[i].op != UL_DELETE && proto_is_stream(b->proto) &&
		    b->conn_id > 0)
			ul_flow_note(b->conn_id,
			    (b->flags & UL_FL_PERMANENT) ? INT64_MAX
			                                 : b->expires);
	}
}

/* ------------------------------------------------------------ db_mode 3 */

struct db3_ctx {
	struct ul_domain *d;
	const struct str *aor;
	ul_decide_fn decide;
	ul_report_fn report;
	void *arg;
	int rc;
};

static void
db3_report_after(struct db3_ctx *x, const struct ul_binding *cur, int n,
    const struct commit *cm)
{
	struct ul_binding all[UL_CHANGES_MAX];
	bool gone[UL_CHANGES_MAX] = { false };
	int i, k = 0;

	for (i = 0; i < cm->nch; i++)
		if (cm->ch[i].op != UL_INSERT)
			gone[cm->ch[i].idx] = true;
	for (i = 0; i < n && k < UL_CHANGES_MAX; i++)
		if (!gone[i])
			all[k++] = cur[i];
	for (i = 0; i < cm->nch && k < UL_CHANGES_MAX; i++)
		if (cm->ch[i].op != UL_DELETE)
			view_fill(&all[k++], &cm->ch[i].b);
	x->report(all, k, x->arg);
}

static void
db3_update_rows(const struct ul_binding *rows, int n, void *arg)
{
	struct db3_ctx *x = arg;
	struct ul_change ch[UL_CHANGES_MAX];
	struct ul_binding cur[UL_CHANGES_MAX];
	struct commit cm = { .ch = ch };
	int i;

	n = n > UL_CHANGES_MAX ? UL_CHANGES_MAX : n;
	for (i = 0; i < n; i++)
		view_fill(&cur[i], &rows[i]);
	if ((x->rc = x->decide(cur, n, ch, x->arg)) <= 0)
		return;
	cm.nch = x->rc;
	x->rc = 0;
	if ((x->rc = commit_prepare(&cm, cur, n, ul_now())) != 0 ||
	    (x->rc = commit_db(x->d, x->aor, &cm, cur)) != 0)
		return;
	note_flows(&cm);
	if (x->report != NULL)
		db3_report_after(x, cur, n, &cm);
}

static void
db3_get_rows(const struct ul_binding *rows, int n, void *arg)
{
	struct db3_ctx *x = arg;
	struct ul_binding cur[UL_CHANGES_MAX];
	int i;

	n = n > UL_CHANGES_MAX ? UL_CHANGES_MAX : n;
	for (i = 0; i < n; i++)
		view_fill(&cur[i], &rows[i]);
	x->report(cur, n, x->arg);
}

/* ------------------------------------------------------------ API */

int
ul_update(struct ul_domain *d, const struct str *aor, ul_decide_fn decide,
    ul_report_fn report, void *arg)
{
	struct ul_change ch[UL_CHANGES_MAX];
	struct commit cm = { .ch = ch };
	struct ul_record *r;
	struct ul_slot *s;
	unsigned hash;
	int64_t now = ul_now();
	int n, rc;

	if (aor->len == 0 || aor->len > UL_AOR_MAX)
		return E_INVAL;
	s = slot_of(d, aor, &hash);
	lock_get(&s->lock);
	if (ul_cfg.db_mode == 3) {
		struct db3_ctx x = { .d = d,
			.aor = aor,
			.decide = decide,
			.report = report,
			.arg = arg };

		rc = ul_db_aor(d->name, aor, now, db3_update_rows, &x);
		lock_release(&s->lock);
		return rc != 0 ? rc : x.rc < 0 ? x.rc : 0;
	}
	if ((r = record_find(s, aor, hash)) != NULL)
		record_purge(d, s, r, now);
	n = record_views(r);
	if ((rc = decide(views, n, ch, arg)) <= 0)
		goto report;
	cm.nch = rc;
	if ((rc = commit_prepare(&cm, views, n, now)) != 0 ||
	    (r == NULL && (r = record_new(d, s, aor, hash)) == NULL &&
	        (rc = E_NOMEM) != 0) ||
	    (rc = commit_db(d, aor, &cm, views)) != 0) {
		commit_abort(&cm);
		goto out;
	}
	note_flows(&cm);
	commit_memory(d, s, r, &cm);
	rc = 0;
report:
	if (rc == 0 && report != NULL) {
		n = record_views(r);
		report(views, n, arg);
	}
out:
	if (r != NULL && r->contacts == NULL)
		record_unlink_free(d, s, r);
	lock_release(&s->lock);
	return rc;
}

int
ul_get(struct ul_domain *d, const struct str *aor, ul_report_fn report,
    void *arg)
{
	struct ul_record *r;
	struct ul_slot *s;
	unsigned hash;
	int64_t now = ul_now();
	int i, n, k, rc = 0;

	if (aor->len == 0 || aor->len > UL_AOR_MAX) {
		report(views, 0, arg);
		return 0;
	}
	s = slot_of(d, aor, &hash);
	lock_get(&s->lock);
	if (ul_cfg.db_mode == 3) {
		struct db3_ctx x = { .d = d,
			.aor = aor,
			.report = report,
			.arg = arg };

		rc = ul_db_aor(d->name, aor, now, db3_get_rows, &x);
		lock_release(&s->lock);
		return rc;
	}
	r = record_find(s, aor, hash);
	n = record_views(r);
	/* expired ones are not shown (the timer removes them) */
	for (i = k = 0; i < n; i++)
		if (!expired(&views[i], now))
			views[k++] = views[i];
	report(views, k, arg);
	lock_release(&s->lock);
	return rc;
}

int
ul_remove(struct ul_domain *d, const struct str *aor, const struct str *contact)
{
	struct ul_contact **pp;
	struct ul_record *r;
	struct ul_slot *s;
	unsigned hash;
	int rc = E_NOTFOUND, n = 0;

	s = slot_of(d, aor, &hash);
	lock_get(&s->lock);
	if (ul_cfg.db_mode == 3) {
		rc = ul_db_delete_aor(d->name, aor, contact);
		lock_release(&s->lock);
		return rc;
	}
	if ((r = record_find(s, aor, hash)) == NULL)
		goto out;
	for (pp = &r->contacts; *pp != NULL;) {
		struct ul_binding *b = &(*pp)->b;

		if (contact != NULL && !str_eq(&b->contact, contact)) {
			pp = &(*pp)->next;
			continue;
		}
		if (ul_cfg.db_mode == 1 && db_writes(b) &&
		    ul_db_delete(d->name, &b->ruid) != 0) {
			rc = E_IO;
			break;
		}
		contact_drop(d, s, r, pp);
		n++;
	}
	if (n > 0 && rc != E_IO)
		rc = 0;
	if (r->contacts == NULL)
		record_unlink_free(d, s, r);
out:
	lock_release(&s->lock);
	return rc;
}

int
ul_walk(struct ul_domain *d, ul_walk_fn fn, void *arg)
{
	int64_t now = ul_now();
	unsigned i;
	int rc = 0;

	for (i = 0; i <= d->mask && rc == 0; i++) {
		struct ul_slot *s = &d->slots[i];
		struct ul_record *r;

		lock_get(&s->lock);
		for (r = s->first; r != NULL && rc == 0; r = r->next) {
			struct str aor = { r->aor, r->aor_len };
			int j, k, n = record_views(r);

			for (j = k = 0; j < n; j++)
				if (!expired(&views[j], now))
					views[k++] = views[j];
			if (k > 0)
				rc = fn(&aor, views, k, arg);
		}
		lock_release(&s->lock);
	}
	return rc;
}

int
ul_restore(struct ul_domain *d, const struct str *aor,
    const struct ul_binding *b)
{
	struct ul_contact *c, **tail;
	struct ul_record *r;
	struct ul_slot *s;
	unsigned hash;

	if (aor->len == 0 || aor->len > UL_AOR_MAX || !check_sizes(b))
		return E_INVAL;
	s = slot_of(d, aor, &hash);
	lock_get(&s->lock);
	if ((r = record_find(s, aor, hash)) == NULL &&
	    (r = record_new(d, s, aor, hash)) == NULL) {
		lock_release(&s->lock);
		return E_NOMEM;
	}
	if (r->n >= UL_CHANGES_MAX || (c = contact_new(b)) == NULL) {
		if (r->contacts == NULL)
			record_unlink_free(d, s, r);
		lock_release(&s->lock);
		return r->n >= UL_CHANGES_MAX ? E_TOOBIG : E_NOMEM;
	}
	for (tail = &r->contacts; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = c;
	r->n++;
	__atomic_add_fetch(&d->contacts, 1, __ATOMIC_RELAXED);
	lock_release(&s->lock);
	return 0;
}

/* ------------------------------------------------------------ timer */

/* db_mode 2: what one slot must write: copies of its dirty bindings and
 * its tombstones, taken under the lock and written after it. */
struct flush_item {
	struct str aor;
	struct ul_binding b;
	char *mem; /* pkg copy of aor and the strings */
};

static char *
pkg_str_dup(struct str *s, char **p)
{
	char *start = *p;

	memcpy(*p, s->s, s->len);
	s->s = *p;
	*p += s->len;
	return start;
}

static int
flush_copy(struct flush_item *it, const struct ul_record *r,
    const struct ul_binding *b)
{
	size_t n = r->aor_len + b->ruid.len + b->contact.len + b->raw.len +
	    b->received.len + b->path.len + b->callid.len + b->user_agent.len +
	    b->instance.len + 1;
	char *p;

	if ((it->mem = pkg_malloc(n)) == NULL)
		return E_NOMEM;
	p = it->mem;
	it->b = *b;
	it->aor = (struct str){ r->aor, r->aor_len };
	pkg_str_dup(&it->aor, &p);
	pkg_str_dup(&it->b.ruid, &p);
	pkg_str_dup(&it->b.contact, &p);
	pkg_str_dup(&it->b.raw, &p);
	pkg_str_dup(&it->b.received, &p);
	pkg_str_dup(&it->b.path, &p);
	pkg_str_dup(&it->b.callid, &p);
	pkg_str_dup(&it->b.user_agent, &p);
	pkg_str_dup(&it->b.instance, &p);
	return 0;
}

/* Mark the binding with ruid dirty again (its write failed), if it is
 * still there. */
static void
flush_redirty(struct ul_slot *s, const struct str *ruid)
{
	struct ul_record *r;
	struct ul_contact *c;

	for (r = s->first; r != NULL; r = r->next)
		for (c = r->contacts; c != NULL; c = c->next)
			if (str_eq(&c->b.ruid, ruid))
				c->dirty = true;
}

#define FLUSH_MAX 256

static void
flush_slot(struct ul_domain *d, struct ul_slot *s)
{
	struct flush_item items[FLUSH_MAX];
	struct ul_tomb *tombs, *t;
	struct ul_record *r;
	struct ul_contact *c;
	int i, n = 0;

	lock_get(&s->lock);
	tombs = s->tombs;
	s->tombs = NULL;
	for (r = s->first; r != NULL && n < FLUSH_MAX; r = r->next)
		for (c = r->contacts; c != NULL && n < FLUSH_MAX; c = c->next)
			if (c->dirty && flush_copy(&items[n], r, &c->b) == 0) {
				c->dirty = false;
				n++;
			}
	lock_release(&s->lock);
	for (i = 0; i < n; i++) {
		if (ul_db_upsert(d->name, &items[i].aor, &items[i].b) != 0) {
			lock_get(&s->lock);
			flush_redirty(s, &items[i].b.ruid);
			lock_release(&s->lock);
		}
		pkg_free(items[i].mem);
	}
	while ((t = tombs) != NULL) {
		struct str ruid = str_from(t->ruid);

		tombs = t->next;
		if (ul_db_delete(d->name, &ruid) != 0) {
			/* again at the next pass */
			lock_get(&s->lock);
			t->next = s->tombs;
			s->tombs = t;
			lock_release(&s->lock);
			continue;
		}
		shm_free(t);
	}
}

static void
expire_slot(struct ul_domain *d, struct ul_slot *s, int64_t now)
{
	struct ul_record *r, *next;

	lock_get(&s->lock);
	for (r = s->first; r != NULL; r = next) {
		next = r->next;
		record_purge(d, s, r, now);
		if (r->contacts == NULL)
			record_unlink_free(d, s, r);
	}
	lock_release(&s->lock);
}

void
ul_timer_pass(int64_t now)
{
	struct ul_domain *d;
	unsigned i;

	for (d = domains; d != NULL; d = d->next) {
		if (ul_cfg.db_mode != 3)
			for (i = 0; i <= d->mask; i++)
				expire_slot(d, &d->slots[i], now);
		if (ul_cfg.db_mode == 2)
			for (i = 0; i <= d->mask; i++)
				flush_slot(d, &d->slots[i]);
		if (ul_cfg.db_mode != 0 &&
		    ul_db_delete_expired(d->name, now) != 0)
			LM_ERR("table %s: expired rows not deleted", d->name);
	}
	ul_flows_expire(now);
}

unsigned long
ul_count_users(void)
{
	struct ul_domain *d;
	unsigned long n = 0;

	for (d = domains; d != NULL; d = d->next)
		n += stat_users(d);
	return n;
}

unsigned long
ul_count_contacts(void)
{
	struct ul_domain *d;
	unsigned long n = 0;

	for (d = domains; d != NULL; d = d->next)
		n += stat_contacts(d);
	return n;
}
