/* ul_db.c: usrloc's database side (see ul_db.h): one row per binding in
 * the location table (scripts/<engine>/usrloc-create.sql), keyed by its
 * ruid; expiry and modification times as UTC epoch seconds.
 *
 * A row's conn_id names a connection of the proxy that wrote it
 * (server_id) in the run that wrote it: a row read back by another
 * proxy, or written before this one started, does not name a connection
 * of ours, and its binding is unreachable over a stream until the UA
 * registers again (never: a new connection to its Contact). */
#define LOG_MODULE "usrloc"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../api/sr_api.h"
#include "ul_db.h"
#include "ul_table.h"

#define TABLE_VERSION 2001

struct ul_columns ul_col;

static struct db_func dbf;
static struct db_handle *dbh; /* this process's */
static bool bound;
static int64_t started; /* UTC epoch s of this run */

/* The columns in the order every write and read uses. */
enum {
	C_RUID,
	C_USER,
	C_DOMAIN,
	C_CONTACT,
	C_RECEIVED,
	C_PATH,
	C_EXPIRES,
	C_Q,
	C_CALLID,
	C_CSEQ,
	C_LASTMOD,
	C_FLAGS,
	C_CFLAGS,
	C_UA,
	C_SOCKET,
	C_METHODS,
	C_INSTANCE,
	C_REGID,
	C_CONNID,
	C_SERVERID,
	C_N
};

static void
columns(const char *c[C_N])
{
	c[C_RUID] = ul_col.ruid;
	c[C_USER] = ul_col.user;
	c[C_DOMAIN] = ul_col.domain;
	c[C_CONTACT] = ul_col.contact;
	c[C_RECEIVED] = ul_col.received;
	c[C_PATH] = ul_col.path;
	c[C_EXPIRES] = ul_col.expires;
	c[C_Q] = ul_col.q;
	c[C_CALLID] = ul_col.callid;
	c[C_CSEQ] = ul_col.cseq;
	c[C_LASTMOD] = ul_col.last_modified;
	c[C_FLAGS] = ul_col.flags;
	c[C_CFLAGS] = ul_col.cflags;
	c[C_UA] = ul_col.user_agent;
	c[C_SOCKET] = ul_col.socket;
	c[C_METHODS] = ul_col.methods;
	c[C_INSTANCE] = ul_col.instance;
	c[C_REGID] = ul_col.reg_id;
	c[C_CONNID] = ul_col.conn_id;
	c[C_SERVERID] = ul_col.server_id;
}

static int
db_rc(int rc)
{
	return rc == 0 ? 0 : rc == E_NOMEM ? E_NOMEM : E_IO;
}

static int
check_tables(struct db_handle *h)
{
	struct ul_domain *d;
	char *err = NULL;
	int rc;

	for (d = ul_domain_first(); d != NULL; d = ul_domain_next(d))
		if ((rc = db_check_table_version(&dbf, h, ul_domain_name(d),
		         TABLE_VERSION, &err)) != 0) {
			LM_ERR("%s", err ? err : err_str(rc));
			pkg_free(err);
			return E_INVAL;
		}
	return 0;
}

/* db_mode 3 with a server_id, at start-up: our rows that name a
 * connection named one of the run before, which died with it: those
 * bindings go, so that no proxy of the cluster relays to a flow that
 * is not there (the UA registers again, here or elsewhere).  0 or E_IO
 * (logged). */
static int
purge_own_flows(struct ul_domain *d)
{
	const char *keys[2] = { ul_col.server_id, ul_col.conn_id };
	const char *ops[2] = { DB_OP_EQ, DB_OP_GT };
	struct db_val v[2] = { db_val_int(ul_cfg.server_id), db_val_bigint(0) };
	int rc;

	if (dbf.use_table(dbh, ul_domain_name(d)) != 0 ||
	    (rc = dbf.delete(dbh, keys, ops, v, 2)) != 0) {
		LM_ERR("table %s: cannot delete the bindings of our earlier "
		       "run's connections",
		    ul_domain_name(d));
		return E_IO;
	}
	if (dbf.affected_rows(dbh) > 0)
		LM_NOTICE("table %s: %ld bindings of our earlier run's "
		          "connections deleted",
		    ul_domain_name(d), dbf.affected_rows(dbh));
	return 0;
}

int
ul_db_init(void)
{
	struct ul_domain *d;
	int rc;

	started = ul_now();
	if (db_bind_mod(ul_cfg.db_url, &dbf) != 0)
		return E_INVAL;
	if ((dbh = dbf.init(ul_cfg.db_url)) == NULL)
		return E_INVAL;
	rc = check_tables(dbh);
	bound = rc == 0;
	/* a restart loses nothing: the rows back into memory */
	for (d = ul_domain_first(); rc == 0 && d != NULL; d = ul_domain_next(d))
		if (ul_cfg.db_mode == 1 || ul_cfg.db_mode == 2)
			rc = ul_db_load(d);
		else if (ul_cfg.db_mode == 3 && ul_cfg.server_id > 0)
			rc = purge_own_flows(d);
	/* before fork: each process opens its own */
	dbf.close(dbh);
	dbh = NULL;
	return rc;
}

int
ul_db_domain_added(struct ul_domain *d)
{
	char *err = NULL;
	int rc;

	if (!bound)
		return 0;
	if ((dbh = dbf.init(ul_cfg.db_url)) == NULL)
		return E_INVAL;
	if ((rc = db_check_table_version(&dbf, dbh, ul_domain_name(d),
	         TABLE_VERSION, &err)) != 0) {
		LM_ERR("%s", err ? err : err_str(rc));
		pkg_free(err);
		rc = E_INVAL;
	} else if (ul_cfg.db_mode == 1 || ul_cfg.db_mode == 2) {
		rc = ul_db_load(d);
	} else if (ul_cfg.db_mode == 3 && ul_cfg.server_id > 0) {
		rc = purge_own_flows(d);
	}
	dbf.close(dbh);
	dbh = NULL;
	return rc;
}

int
ul_db_child_init(void)
{
	if ((dbh = dbf.init(ul_cfg.db_url)) == NULL)
		return E_INVAL;
	return 0;
}

void
ul_db_destroy(void)
{
	if (dbh != NULL)
		dbf.close(dbh);
	dbh = NULL;
}

/* ------------------------------------------------------------ values */

/* user and domain of an AOR (domain NULL without use_domain) */
static void
aor_split(const struct str *aor, struct db_val *user, struct db_val *dom)
{
	const char *at = ul_cfg.use_domain ? memchr(aor->s, '@', aor->len)
	                                   : NULL;

	if (at == NULL) {
		*user = db_val_str(aor->s, aor->len);
		*dom = db_val_null(DB_STR);
		return;
	}
	*user = db_val_str(aor->s, (size_t)(at - aor->s));
	*dom = db_val_str(at + 1, aor->len - (size_t)(at - aor->s) - 1);
}

static struct db_val
str_or_null(const struct str *s)
{
	return s->len > 0 ? db_val_str(s->s, s->len) : db_val_null(DB_STR);
}

static size_t
socket_str(const struct socket_info *si, char *buf, size_t size)
{
	int n;

	if (si == NULL)
		return 0;
	n = snprintf(buf, size, "%s:%s:%u", proto_name(si->proto), si->via_host,
	    si->port);
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

/* "proto:ip:port" (ip may be "[v6]") back to one of our sockets. */
static struct socket_info *
socket_parse(const struct str *s)
{
	const char *p = s->s, *end = s->s + s->len, *c, *lc;
	struct ip_addr ip;
	enum proto proto;
	long port;
	char num[8];

	if (s->len < 5 || (c = memchr(p, ':', s->len)) == NULL)
		return NULL;
	if (c - p == 3 && strncasecmp(p, "udp", 3) == 0)
		proto = PROTO_UDP;
	else if (c - p == 3 && strncasecmp(p, "tcp", 3) == 0)
		proto = PROTO_TCP;
	else if (c - p == 3 && strncasecmp(p, "tls", 3) == 0)
		proto = PROTO_TLS;
	else
		return NULL;
	for (lc = end - 1; lc > c && *lc != ':'; lc--)
		;
	if (lc == c || end - lc - 1 <= 0 || end - lc - 1 >= (long)sizeof(num))
		return NULL;
	memcpy(num, lc + 1, (size_t)(end - lc - 1));
	num[end - lc - 1] = '\0';
	port = strtol(num, NULL, 10);
	if (port <= 0 || port > 65535 ||
	    ip_addr_parse(c + 1, (size_t)(lc - c - 1), &ip) != 0)
		return NULL;
	return socket_find(&ip, (unsigned short)port, proto);
}

int
ul_db_upsert(const char *table, const struct str *aor,
    const struct ul_binding *b)
{
	const char *keys[C_N];
	struct db_val v[C_N];
	char sock[96];
	size_t sl = socket_str(b->sock, sock, sizeof(sock));

	if (dbh == NULL)
		return E_IO;
	columns(keys);
	v[C_RUID] = db_val_str(b->ruid.s, b->ruid.len);
	aor_split(aor, &v[C_USER], &v[C_DOMAIN]);
	v[C_CONTACT] = db_val_str(b->contact.s, b->contact.len);
	v[C_RECEIVED] = str_or_null(&b->received);
	v[C_PATH] = str_or_null(&b->path);
	v[C_EXPIRES] = db_val_bigint(b->expires);
	v[C_Q] = db_val_double(b->q < 0 ? -1.0 : b->q / 1000.0);
	v[C_CALLID] = db_val_str(b->callid.s, b->callid.len);
	v[C_CSEQ] = db_val_int((int)b->cseq);
	v[C_LASTMOD] = db_val_bigint(b->last_modified);
	v[C_FLAGS] = db_val_int((int)b->flags);
	v[C_CFLAGS] = db_val_int((int)b->cflags);
	v[C_UA] = db_val_str(b->user_agent.s ? b->user_agent.s : "",
	    b->user_agent.len);
	v[C_SOCKET] = sl > 0 ? db_val_str(sock, sl) : db_val_null(DB_STR);
	v[C_METHODS] = b->methods == UL_METHODS_ALL
	    ? db_val_null(DB_INT)
	    : db_val_int((int)b->methods);
	v[C_INSTANCE] = str_or_null(&b->instance);
	v[C_REGID] = db_val_int((int)b->reg_id);
	v[C_CONNID] = db_val_bigint(b->conn_id);
	v[C_SERVERID] = db_val_int(b->server_id);
	if (dbf.use_table(dbh, table) != 0)
		return E_IO;
	/* by ruid: writing the same binding again is harmless */
	return db_rc(dbf.replace(dbh, keys, v, C_N, 1));
}

int
ul_db_delete(const char *table, const struct str *ruid)
{
	const char *keys[1] = { ul_col.ruid };
	struct db_val v[1] = { db_val_str(ruid->s, ruid->len) };

	if (dbh == NULL || dbf.use_table(dbh, table) != 0)
		return E_IO;
	return db_rc(dbf.delete(dbh, keys, NULL, v, 1));
}

int
ul_db_delete_expired(const char *table, int64_t now)
{
	const char *keys[3] = { ul_col.expires, ul_col.expires,
		ul_col.server_id };
	const char *ops[3] = { DB_OP_GT, DB_OP_LE, DB_OP_EQ };
	struct db_val v[3] = { db_val_bigint(0), db_val_bigint(now),
		db_val_int(ul_cfg.server_id) };

	if (dbh == NULL || dbf.use_table(dbh, table) != 0)
		return E_IO;
	/* db_mode 3: every proxy cleans every row; 1, 2: its own */
	return db_rc(
	    dbf.delete(dbh, keys, ops, v, ul_cfg.db_mode == 3 ? 2 : 3));
}

/* ------------------------------------------------------------ rows */

/* A row as a binding (views into the result).  false: skip it. */
static bool
row_binding(const struct db_row *r, int64_t now, bool restore,
    struct ul_binding *b, char *raw, size_t rawsize)
{
	const struct db_val *v = r->values;
	double q;
	int n;

	if (r->n < C_N)
		return false;
	memset(b, 0, sizeof(*b));
	b->ruid = db_val_get_str(&v[C_RUID]);
	b->contact = db_val_get_str(&v[C_CONTACT]);
	b->received = v[C_RECEIVED].nul ? STR_NULL
	                                : db_val_get_str(&v[C_RECEIVED]);
	b->path = v[C_PATH].nul ? STR_NULL : db_val_get_str(&v[C_PATH]);
	b->expires = db_val_get_int(&v[C_EXPIRES]);
	q = v[C_Q].type == DB_DOUBLE ? v[C_Q].v.d
	                             : (double)db_val_get_int(&v[C_Q]);
	b->q = q < 0 ? -1 : (int)(q * 1000.0 + 0.5);
	b->callid = db_val_get_str(&v[C_CALLID]);
	b->cseq = (uint32_t)db_val_get_int(&v[C_CSEQ]);
	b->last_modified = db_val_get_int(&v[C_LASTMOD]);
	b->flags = (unsigned)db_val_get_int(&v[C_FLAGS]);
	b->cflags = (unsigned)db_val_get_int(&v[C_CFLAGS]);
	b->user_agent = db_val_get_str(&v[C_UA]);
	b->sock = v[C_SOCKET].nul
	    ? NULL
	    : socket_parse(&(struct str){ db_val_get_str(&v[C_SOCKET]).s,
	          db_val_get_str(&v[C_SOCKET]).len });
	b->proto = b->sock != NULL ? b->sock->proto : PROTO_UDP;
	b->methods = v[C_METHODS].nul ? UL_METHODS_ALL
	                              : (unsigned)db_val_get_int(&v[C_METHODS]);
	b->instance = v[C_INSTANCE].nul ? STR_NULL
	                                : db_val_get_str(&v[C_INSTANCE]);
	b->reg_id = (uint32_t)db_val_get_int(&v[C_REGID]);
	b->conn_id = (int)db_val_get_int(&v[C_CONNID]);
	b->server_id = (int)db_val_get_int(&v[C_SERVERID]);
	if (!(b->flags & UL_FL_PERMANENT) && b->expires <= now)
		return false;
	if (b->contact.len == 0 || b->ruid.len == 0)
		return false;
	/* a connection id of another proxy, or of an earlier run */
	if (b->conn_id > 0 &&
	    (restore || b->server_id != ul_cfg.server_id ||
	        b->last_modified < started))
		b->conn_id = -1;
	/* the Contact as the 200 echoes it: what the row keeps of it */
	n = snprintf(raw, rawsize, "<%.*s>", STR_FMT(&b->contact));
	if (b->q >= 0 && n > 0 && (size_t)n < rawsize)
		n += snprintf(raw + n, rawsize - (size_t)n, ";q=%d.%03d",
		    b->q / 1000, b->q % 1000);
	if (b->instance.len > 0 && n > 0 && (size_t)n < rawsize)
		n += snprintf(raw + n, rawsize - (size_t)n,
		    ";+sip.instance=\"%.*s\"", STR_FMT(&b->instance));
	if (b->reg_id > 0 && n > 0 && (size_t)n < rawsize)
		n += snprintf(raw + n, rawsize - (size_t)n, ";reg-id=%u",
		    b->reg_id);
	b->raw = n > 0 && (size_t)n < rawsize ? (struct str){ raw, (size_t)n }
	                                      : STR_NULL;
	return true;
}

static int
query(const char *table, const char *const *keys, const struct db_val *v, int n,
    struct db_res **res)
{
	const char *cols[C_N];

	columns(cols);
	if (dbh == NULL || dbf.use_table(dbh, table) != 0)
		return E_IO;
	return db_rc(dbf.query(dbh, keys, NULL, v, cols, n, C_N, NULL, res));
}

int
ul_db_aor(const char *table, const struct str *aor, int64_t now,
    void (*fn)(const struct ul_binding *b, int n, void *arg), void *arg)
{
	const char *keys[2] = { ul_col.user, ul_col.domain };
	struct ul_binding b[UL_CHANGES_MAX];
	static char raw[UL_CHANGES_MAX][UL_RAW_MAX + 1];
	struct db_val v[2];
	struct db_res *res = NULL;
	int i, n = 0, rc;

	aor_split(aor, &v[0], &v[1]);
	if ((rc = query(table, keys, v, v[1].nul ? 1 : 2, &res)) != 0)
		return rc;
	for (i = 0; i < res->n_rows && n < UL_CHANGES_MAX; i++)
		if (row_binding(&res->rows[i], now, false, &b[n], raw[n],
		        sizeof(raw[n])))
			n++;
	fn(b, n, arg);
	dbf.free_result(dbh, res);
	return 0;
}

/* one row of a walk, sorted by user then domain */
struct walk_row {
	struct str user, domain;
	int row;
};

static int
str_order(const struct str *a, const struct str *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = n > 0 ? memcmp(a->s, b->s, n) : 0;

	if (c != 0)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

static int
walk_row_cmp(const void *a, const void *b)
{
	const struct walk_row *x = a, *y = b;
	int c = str_order(&x->user, &y->user);

	if (c == 0)
		c = str_order(&x->domain, &y->domain);
	return c != 0 ? c : x->row - y->row;
}

int
ul_db_walk(const char *table, int64_t now,
    int (*fn)(const struct str *aor, const struct ul_binding *b, int n,
        void *arg),
    void *arg)
{
	struct ul_binding b[UL_CHANGES_MAX];
	static char raw[UL_CHANGES_MAX][UL_RAW_MAX + 1];
	char aor[UL_AOR_MAX + 1];
	struct db_res *res = NULL;
	struct walk_row *w;
	int i, j, n, k, rc;

	if ((rc = query(table, NULL, NULL, 0, &res)) != 0)
		return rc;
	if (res->n_rows == 0) {
		dbf.free_result(dbh, res);
		return 0;
	}
	if ((w = pkg_malloc((size_t)res->n_rows * sizeof(*w))) == NULL) {
		dbf.free_result(dbh, res);
		return E_NOMEM;
	}
	for (i = 0; i < res->n_rows; i++) {
		const struct db_val *rv = res->rows[i].values;

		w[i].row = i;
		w[i].user = res->rows[i].n > C_DOMAIN
		    ? db_val_get_str(&rv[C_USER])
		    : STR_NULL;
		w[i].domain = res->rows[i].n > C_DOMAIN && !rv[C_DOMAIN].nul &&
		        ul_cfg.use_domain
		    ? db_val_get_str(&rv[C_DOMAIN])
		    : STR_NULL;
	}
	qsort(w, (size_t)res->n_rows, sizeof(*w), walk_row_cmp);
	rc = 0;
	for (i = 0; i < res->n_rows && rc == 0; i = j) {
		n = 0;
		for (j = i; j < res->n_rows && str_eq(&w[j].user, &w[i].user) &&
		     str_eq(&w[j].domain, &w[i].domain);
		     j++)
			if (n < UL_CHANGES_MAX &&
			    row_binding(&res->rows[w[j].row], now, false, &b[n],
			        raw[n], sizeof(raw[n])))
				n++;
		k = snprintf(aor, sizeof(aor), "%.*s%s%.*s",
		    STR_FMT(&w[i].user), w[i].domain.len ? "@" : "",
		    (int)w[i].domain.len, w[i].domain.s ? w[i].domain.s : "");
		if (n == 0 || k <= 0 || (size_t)k >= sizeof(aor))
			continue;
		rc = fn(&(struct str){ aor, (size_t)k }, b, n, arg);
	}
	pkg_free(w);
	dbf.free_result(dbh, res);
	return rc < 0 ? rc : 0;
}

int
ul_db_delete_aor(const char *table, const struct str *aor,
    const struct str *contact)
{
	const char *keys[3] = { ul_col.user, ul_col.domain, ul_col.contact };
	struct db_val v[3];
	int n;

	aor_split(aor, &v[0], &v[1]);
	if (v[1].nul) {
		keys[1] = ul_col.contact;
		n = 1;
	} else {
		n = 2;
	}
	if (contact != NULL)
		v[n++] = db_val_str(contact->s, contact->len);
	if (dbh == NULL || dbf.use_table(dbh, table) != 0)
		return E_IO;
	if ((n = dbf.delete(dbh, keys, NULL, v, n)) != 0)
		return db_rc(n);
	return dbf.affected_rows(dbh) > 0 ? 0 : E_NOTFOUND;
}

int
ul_db_load(struct ul_domain *d)
{
	const char *keys[1] = { ul_col.server_id };
	struct db_val v[1] = { db_val_int(ul_cfg.server_id) };
	static char raw[UL_RAW_MAX + 1];
	struct db_res *res = NULL;
	struct ul_binding b;
	int64_t now = ul_now();
	char aor[UL_AOR_MAX + 1];
	int i, n = 0, rc;

	if ((rc = query(ul_domain_name(d), keys, v, 1, &res)) != 0) {
		LM_ERR("table %s: cannot load the bindings", ul_domain_name(d));
		return rc;
	}
	for (i = 0; i < res->n_rows; i++) {
		const struct db_val *rv = res->rows[i].values;
		struct str u = db_val_get_str(&rv[C_USER]), dm = STR_NULL;
		struct str a;
		int k;

		if (!row_binding(&res->rows[i], now, true, &b, raw,
		        sizeof(raw)))
			continue;
		if (!rv[C_DOMAIN].nul)
			dm = db_val_get_str(&rv[C_DOMAIN]);
		k = snprintf(aor, sizeof(aor), "%.*s%s%.*s", STR_FMT(&u),
		    ul_cfg.use_domain && dm.len ? "@" : "",
		    ul_cfg.use_domain ? (int)dm.len : 0, dm.s ? dm.s : "");
		if (k <= 0 || (size_t)k >= sizeof(aor))
			continue;
		a = (struct str){ aor, (size_t)k };
		if (ul_restore(d, &a, &b) == 0)
			n++;
	}
	dbf.free_result(dbh, res);
	LM_INFO("table %s: %d bindings loaded from the database",
	    ul_domain_name(d), n);
	return 0;
}
