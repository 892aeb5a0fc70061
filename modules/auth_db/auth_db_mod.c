/* auth_db: digest authentication against a subscriber table.
 * www_authorize(realm, table) and proxy_authorize(realm, table) hand the
 * request to the auth module's check (struct auth_api) with a lookup that
 * reads the user's password or HA1 from the database; the rules (nonces,
 * counts, the limiter, the replies, the failure log line) are auth's.
 * doc/auth.md. */
#define LOG_MODULE "auth_db"
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../api/sr_api.h"
#include "../auth/auth.h"

#define SUBSCRIBER_VERSION 6
#define CREDS_MAX 16
#define TABLES_MAX 16
#define DOMAIN_MAX 256

/* ---- parameters */

static char *p_db_url;
static char *p_user_col;
static char *p_domain_col;
static char *p_pass_col;
static char *p_pass_col_2;
static int p_calc_ha1;
static int p_use_domain;
static int p_version_check = 1;

/* load_credentials: "col" (into $avp(s:col)) or "$avp(...)=col", ';'
 * separated; parsed when the parameter is read. */
static struct {
	struct pv_spec *avp;
	char *col;
} creds[CREDS_MAX];
static int n_creds;

/* the tables www_authorize/proxy_authorize name, for the version check */
static char *tables[TABLES_MAX];
static int n_tables;

static struct db_func dbf;
static struct db_handle *dbh; /* this process's */
static const struct auth_api *auth;
static struct stat_var *st_queries, *st_db_errors;

/* ---- the lookup */

struct lookup_ctx {
	const char *table;
	struct db_res *res; /* the row, until the credentials are
				 * loaded (pkg, this process) */
};

/* Domains are case-insensitive: looked up lower-cased (doc/db.md). */
static struct str
domain_lower(const struct str *d, char *buf)
{
	size_t i, n = d->len < DOMAIN_MAX ? d->len : DOMAIN_MAX;

	for (i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)d->s[i]);
	return (struct str){ buf, n };
}

static int
lookup(struct sip_msg *msg, const struct auth_query *q,
    char ha1[DIGEST_HEX_SIZE], void *arg)
{
	struct lookup_ctx *ctx = arg;
	const char *keys[2] = { p_user_col, p_domain_col };
	const char *cols[2 + CREDS_MAX];
	struct db_val vals[2];
	char dbuf[DOMAIN_MAX];
	struct str dom = domain_lower(&q->domain, dbuf), pw;
	int i, nc = 0, rc;

	(void)msg;
	if (dbh == NULL)
		return E_AGAIN;
	cols[nc++] = p_calc_ha1 ? p_pass_col
	    : q->at             ? p_pass_col_2
	                        : p_pass_col;
	for (i = 0; i < n_creds; i++)
		cols[nc++] = creds[i].col;
	vals[0] = db_val_str(q->user.s, q->user.len);
	vals[1] = db_val_str(dom.s, dom.len);
	stat_add(st_queries, 1);
	if ((rc = dbf.use_table(dbh, ctx->table)) != 0 ||
	    (rc = dbf.query(dbh, keys, NULL, vals, cols, p_use_domain ? 2 : 1,
	         nc, NULL, &ctx->res)) != 0) {
		stat_add(st_db_errors, 1);
		return rc;
	}
	if (ctx->res->n_rows == 0)
		return E_NOTFOUND;
	if (ctx->res->n_rows > 1 && !p_use_domain)
		LM_DBG("several rows for user %.*s: the first one is used "
		       "(use_domain = 1?)",
		    STR_FMT(&q->user));
	pw = db_val_get_str(&ctx->res->rows[0].values[0]);
	if (p_calc_ha1)
		/* the client hashed the username as it sent it */
		return auth->calc_ha1(q->alg, &q->username, &q->realm, &pw,
		    ha1);
	rc = auth->ha1_stored(q->alg, &pw, ha1);
	if (rc != 0)
		LM_ERR_RL("%s of user %.*s in %s is not a %s HA1 (set "
		          "calculate_ha1, or offer an algorithm the column "
		          "holds)",
		    cols[0], STR_FMT(&q->user), ctx->table,
		    auth->alg_name(q->alg));
	return rc;
}

/* load_credentials: the row's columns into their AVPs. */
static void
load_credentials(struct sip_msg *msg, const struct db_res *res)
{
	struct pv_value v;
	int i;

	if (res == NULL || res->n_rows == 0)
		return;
	for (i = 0; i < n_creds && i + 1 < res->n_cols; i++) {
		const struct db_val *dv = &res->rows[0].values[i + 1];

		if (dv->nul)
			continue;
		memset(&v, 0, sizeof(v));
		if (dv->type == DB_INT || dv->type == DB_BIGINT) {
			v.flags = PV_INT;
			v.n = (long)db_val_get_int(dv);
		} else {
			v.flags = PV_STR;
			v.s = db_val_get_str(dv);
		}
		if (pv_set(msg, creds[i].avp, &v) != 0)
			LM_ERR_RL("cannot set %s", creds[i].avp->text);
	}
}

static int
authorize(struct sip_msg *msg, const struct cmd_args *a, int hftype)
{
	char rbuf[257];
	struct str realm;
	struct lookup_ctx ctx = { .table = a->fixed[1] };
	int rc;

	if (msg->first.type != SIP_REQUEST)
		return AUTH_RC_ERROR;
	if (msg->first.method_id == METHOD_ACK ||
	    msg->first.method_id == METHOD_CANCEL)
		return AUTH_RC_AUTHORIZED; /* they cannot be challenged */
	if (auth->realm(msg, a->fixed[0], hftype == HDR_AUTHORIZATION, rbuf,
	        sizeof(rbuf), &realm) != 0) {
		LM_DBG("no realm: no host in To/From");
		return AUTH_RC_NO_CREDENTIALS;
	}
	rc = auth->authorize(msg, &realm, hftype, lookup, &ctx);
	if (rc == AUTH_RC_AUTHORIZED)
		load_credentials(msg, ctx.res);
	if (ctx.res != NULL)
		dbf.free_result(dbh, ctx.res);
	return rc;
}

static int
w_www_authorize(struct sip_msg *msg, const struct cmd_args *a)
{
	return authorize(msg, a, HDR_AUTHORIZATION);
}

static int
w_proxy_authorize(struct sip_msg *msg, const struct cmd_args *a)
{
	return authorize(msg, a, HDR_PROXYAUTHORIZATION);
}

/* realm: a format; table: an identifier, remembered for the version
 * check at start. */
static int
fixup_authorize(struct action *a, int idx, char **err)
{
	const char *t = a->fixed[idx];
	int i;

	if (idx == 0)
		return fixup_pvfmt(a, idx, err);
	if (!db_ident_ok(t)) {
		*err = err_dup("the table is a name: letters, digits, '_'");
		return E_INVAL;
	}
	for (i = 0; i < n_tables; i++)
		if (strcmp(tables[i], t) == 0)
			return 0;
	if (n_tables < TABLES_MAX &&
	    (tables[n_tables] = pkg_strndup(t, strlen(t))) != NULL)
		n_tables++;
	return 0;
}

/* ---- parameters with setters */

static int
set_db_url(const struct param_def *p, const struct cfg_val *v, char **err)
{
	char *s;
	int rc;

	(void)p;
	if ((rc = db_url_check(v->s, err)) != 0)
		return rc;
	if ((s = pkg_strndup(v->s, strlen(v->s))) == NULL)
		return E_NOMEM;
	pkg_free(p_db_url);
	p_db_url = s;
	return 0;
}

static void
creds_free(void)
{
	int i;

	for (i = 0; i < n_creds; i++) {
		pv_spec_free(creds[i].avp);
		pkg_free(creds[i].col);
	}
	n_creds = 0;
}

/* One "col" or "$avp(name)=col" item of load_credentials. */
static int
cred_add(const char *s, size_t len, char **err)
{
	const char *eq = memchr(s, '=', len);
	char spec[128];
	struct pv_spec *sp = NULL;
	size_t used;
	char *col;

	if (n_creds == CREDS_MAX) {
		*err = err_dup("load_credentials: at most 16 columns");
		return E_TOOBIG;
	}
	if (eq != NULL) {
		col = pkg_strndup(eq + 1, len - (size_t)(eq + 1 - s));
		snprintf(spec, sizeof(spec), "%.*s", (int)(eq - s), s);
	} else {
		col = pkg_strndup(s, len);
		snprintf(spec, sizeof(spec), "$avp(s:%.*s)", (int)len, s);
	}
	if (col == NULL)
		return E_NOMEM;
	if (!db_ident_ok(col)) {
		*err = err_dup("load_credentials: a column is a name (letters, "
		               "digits, '_')");
		pkg_free(col);
		return E_INVAL;
	}
	if (pv_parse(spec, strlen(spec), &sp, &used, err) != 0 ||
	    used != strlen(spec) || !pv_is_writable(sp)) {
		if (*err == NULL)
			*err = err_dup("load_credentials: the target must be "
			               "a writable pseudo-variable such as "
			               "$avp(s:name)");
		pv_spec_free(sp);
		pkg_free(col);
		return E_INVAL;
	}
	creds[n_creds].avp = sp;
	creds[n_creds].col = col;
	n_creds++;
	return 0;
}

static int
set_load_credentials(const struct param_def *p, const struct cfg_val *v,
    char **err)
{
	const char *s = v->s;
	int rc;

	(void)p;
	creds_free();
	while (*s != '\0') {
		size_t n = strcspn(s, ";");
		const char *b = s, *e = s + n;

		while (b < e && isspace((unsigned char)*b))
			b++;
		while (e > b && isspace((unsigned char)e[-1]))
			e--;
		if (e > b && (rc = cred_add(b, (size_t)(e - b), err)) != 0) {
			creds_free();
			return rc;
		}
		s += n;
		if (*s == ';')
			s++;
	}
	return 0;
}

/* ---- start-up */

static int
check_columns(void)
{
	const char *c[] = { p_user_col, p_domain_col, p_pass_col,
		p_pass_col_2 };
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (c[i] == NULL || !db_ident_ok(c[i])) {
			LM_ERR("column name '%s' is not a name (letters, "
			       "digits, '_')",
			    c[i] != NULL ? c[i] : "");
			return E_INVAL;
		}
	return 0;
}

static int
auth_db_init(void)
{
	struct db_handle *h;
	char *err = NULL;
	int i, rc = 0;

	auth = module_api_find("auth", AUTH_API_NAME);
	if (auth == NULL || auth->version != AUTH_API_VERSION) {
		LM_ERR("needs the auth module (loadmodule \"auth.so\" before "
		       "auth_db)");
		return E_NOTFOUND;
	}
	if (p_db_url == NULL || p_db_url[0] == '\0') {
		LM_ERR("db_url is not set");
		return E_INVAL;
	}
	if ((rc = check_columns()) != 0)
		return rc;
	if (db_bind_mod(p_db_url, &dbf) != 0)
		return E_NOTFOUND;
	if ((rc = stat_register("auth_db", "queries", &st_queries)) != 0 ||
	    (rc = stat_register("auth_db", "db_errors", &st_db_errors)) != 0)
		return rc;
	if (!p_version_check || n_tables == 0)
		return 0;
	if ((h = dbf.init(p_db_url)) == NULL)
		return E_INVAL;
	for (i = 0; i < n_tables && rc == 0; i++)
		if ((rc = db_check_table_version(&dbf, h, tables[i],
		         SUBSCRIBER_VERSION, &err)) != 0) {
			LM_ERR("%s", err != NULL ? err : err_str(rc));
			pkg_free(err);
		}
	dbf.close(h); /* before fork: each process opens its own */
	return rc;
}

static int
auth_db_child_init(int rank)
{
	(void)rank;
	if (dbh == NULL && (dbh = dbf.init(p_db_url)) == NULL) {
		LM_ERR("cannot make a DB handle for %s", p_db_url);
		return E_INVAL;
	}
	return 0;
}

static void
auth_db_destroy(void)
{
	int i;

	dbf.close(dbh);
	dbh = NULL;
	creds_free();
	for (i = 0; i < n_tables; i++)
		pkg_free(tables[i]);
	n_tables = 0;
}

#define M PS_MODULE
/* clang-format off */
static const struct cmd_export cmds[] = {
	CMD("www_authorize", w_www_authorize, 2, fixup_authorize, RT_REQUEST,
	    "check the Authorization credentials for realm (\"\": the To host) against table; 1 ok, -1 unknown user, -2 wrong password, -3 stale nonce, -4 none, -5 error, -6 replay, 0 a 400/403 was sent"),
	CMD("proxy_authorize", w_proxy_authorize, 2, fixup_authorize, RT_REQUEST,
	    "check the Proxy-Authorization credentials for realm (\"\": the From host) against table; codes as www_authorize"),
	CMD_END
};

static const struct param_def params[] = {
	PARAM_SET("db_url", set_db_url, "scheme://[user[:password]@]host[:port]/database", M,
	    "the subscriber database (checked when read: the driver's loadmodule comes first)"),
	PARAM_STR("user_column", &p_user_col, "username", M | P_NO_NUM,
	    "column of the user name"),
	PARAM_STR("domain_column", &p_domain_col, "domain", M | P_NO_NUM,
	    "column of the domain (with use_domain)"),
	PARAM_STR("password_column", &p_pass_col, "ha1", M | P_NO_NUM,
	    "column of the HA1 (MD5(user:realm:password)), or with calculate_ha1 of the plain-text password"),
	PARAM_STR("password_column_2", &p_pass_col_2, "ha1b", M | P_NO_NUM,
	    "column of HA1 for a username sent as user@domain (MD5(user@domain:realm:password)), without calculate_ha1"),
	PARAM_BOOL("calculate_ha1", &p_calc_ha1, 0, M,
	    "password_column holds plain-text passwords: compute HA1 for any algorithm"),
	PARAM_BOOL("use_domain", &p_use_domain, 0, M,
	    "look users up by user and domain (the part after '@' of the username, else the realm)"),
	PARAM_SET("load_credentials", set_load_credentials, "col;$avp(name)=col;...", M,
	    "columns of the subscriber row put into AVPs after a successful check (\"col\": $avp(s:col))"),
	PARAM_BOOL("version_check", &p_version_check, 1, M,
	    "check at start that the tables named in www_authorize/proxy_authorize have subscriber version 6"),
	PARAM_END
};
/* clang-format on */

const struct module_exports exports = {
	.abi = MODULE_ABI,
	.name = "auth_db",
	.cmds = cmds,
	.params = params,
	.init = auth_db_init,
	.child_init = auth_db_child_init,
	.destroy = auth_db_destroy,
};
