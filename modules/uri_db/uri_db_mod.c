/* uri_db: identity checks against the credentials auth accepted, and
 * against the database.  check_to() / check_from(): the To / From URI
 * belongs to the authenticated user (the guide's "cheating attempt"
 * checks); does_uri_exist(): the Request-URI names a subscriber (or a
 * row of the uri table).  doc/auth.md. */
#define LOG_MODULE "uri_db"
#include <ctype.h>
#include <string.h>

#include "../../api/sr_api.h"
#include "../auth/auth.h"

#define URI_VERSION 1
#define SUBSCRIBER_VERSION 6
#define DOMAIN_MAX 256

static char *p_db_url;
static int p_use_uri_table;
static int p_use_domain;
static char *p_uri_table;
static char *p_uri_user_col;
static char *p_uri_username_col;
static char *p_uri_domain_col;
static char *p_sub_table;
static char *p_sub_user_col;
static char *p_sub_domain_col;
static int p_version_check = 1;

static struct db_func dbf;
static struct db_handle *dbh;
static bool need_db; /* a function that reads the DB is used */
static const struct auth_api *auth;

static struct str
lower(const struct str *d, char *buf)
{
	size_t i, n = d->len < DOMAIN_MAX ? d->len : DOMAIN_MAX;

	for (i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)d->s[i]);
	return (struct str){ buf, n };
}

/* How many rows of table have keys = vals: > 0, 0, or E_*. */
static int
db_count(const char *table, const char **keys, const struct db_val *vals, int n)
{
	struct db_res *res;
	int rc;

	if (dbh == NULL)
		return E_AGAIN;
	if ((rc = dbf.use_table(dbh, table)) != 0 ||
	    (rc = dbf.query(dbh, keys, NULL, vals, keys, n, 1, NULL, &res)) !=
	        0)
		return rc;
	rc = res->n_rows;
	dbf.free_result(dbh, res);
	return rc;
}

/* The user and host of a To/From header's URI. */
static int
hdr_uri(struct sip_msg *msg, enum hdr_type t, struct sip_uri *u)
{
	struct hdr_field *h = msg->h[t];
	const struct to_body *tb;

	if (h == NULL || parse_to_hf(h) != 0 || (tb = h->parsed) == NULL ||
	    parse_uri(tb->uri.s, tb->uri.len, u) != 0)
		return E_PARSE;
	return 0;
}

/* Is uri (of To or From) the authenticated user's? */
static int
check_uri(struct sip_msg *msg, enum hdr_type t)
{
	struct auth_identity id;
	struct sip_uri u;
	char dbuf[DOMAIN_MAX];

	if (!auth->identity(msg, &id)) {
		LM_DBG("no authorized credentials for this request");
		return -1;
	}
	if (hdr_uri(msg, t, &u) != 0)
		return -1;
	if (p_use_uri_table) {
		const char *keys[3] = { p_uri_username_col, p_uri_user_col,
			p_uri_domain_col };
		struct str dom = lower(&id.domain, dbuf);
		struct db_val vals[3] = {
			db_val_str(id.user.s, id.user.len),
			db_val_str(u.user.s, u.user.len),
			db_val_str(dom.s, dom.len),
		};
		int rc = db_count(p_uri_table, keys, vals,
		    p_use_domain ? 3 : 2);

		if (rc < 0)
			LM_ERR_RL("cannot query %s: %s", p_uri_table,
			    err_str(rc));
		return rc > 0 ? 1 : -1;
	}
	/* user parts are case-sensitive (RFC 3261 §19.1.4); hosts not */
	if (!str_eq(&u.user, &id.user))
		return -1;
	if (p_use_domain && !str_caseeq(&u.host, &id.domain))
		return -1;
	return 1;
}

static int
w_check_to(struct sip_msg *msg, const struct cmd_args *a)
{
	(void)a;
	return check_uri(msg, HDR_TO);
}

static int
w_check_from(struct sip_msg *msg, const struct cmd_args *a)
{
	(void)a;
	return check_uri(msg, HDR_FROM);
}

static int
w_does_uri_exist(struct sip_msg *msg, const struct cmd_args *a)
{
	struct sip_uri u;
	const struct str *ruri;
	char dbuf[DOMAIN_MAX];
	struct str dom;
	const char *keys[2];
	struct db_val vals[2];
	int rc;

	(void)a;
	if (!need_db) {
		LM_ERR_RL("does_uri_exist() needs db_url");
		return -1;
	}
	ruri = msg->new_uri != NULL
	    ? &(struct str){ msg->new_uri, msg->new_uri_len }
	    : &msg->first.uri;
	if (parse_uri(ruri->s, ruri->len, &u) != 0 || u.user.len == 0)
		return -1;
	dom = lower(&u.host, dbuf);
	keys[0] = p_use_uri_table ? p_uri_user_col : p_sub_user_col;
	keys[1] = p_use_uri_table ? p_uri_domain_col : p_sub_domain_col;
	vals[0] = db_val_str(u.user.s, u.user.len);
	vals[1] = db_val_str(dom.s, dom.len);
	rc = db_count(p_use_uri_table ? p_uri_table : p_sub_table, keys, vals,
	    p_use_domain ? 2 : 1);
	if (rc < 0)
		LM_ERR_RL("cannot query for the R-URI: %s", err_str(rc));
	return rc > 0 ? 1 : -1;
}

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

static int
uri_db_init(void)
{
	const char *names[] = { p_uri_table, p_uri_user_col, p_uri_username_col,
		p_uri_domain_col, p_sub_table, p_sub_user_col,
		p_sub_domain_col };
	struct db_handle *h;
	char *err = NULL;
	size_t i;
	int rc;

	auth = module_api_find("auth", AUTH_API_NAME);
	if (auth == NULL || auth->version != AUTH_API_VERSION) {
		LM_ERR("needs the auth module (loadmodule \"auth.so\" before "
		       "uri_db)");
		return E_NOTFOUND;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i] == NULL || !db_ident_ok(names[i])) {
			LM_ERR("'%s' is not a table or column name",
			    names[i] != NULL ? names[i] : "");
			return E_INVAL;
		}
	if (p_db_url == NULL || p_db_url[0] == '\0') {
		/* check_to/check_from against the credentials need no DB */
		if (p_use_uri_table) {
			LM_ERR("use_uri_table needs db_url");
			return E_INVAL;
		}
		return 0;
	}
	need_db = true;
	if (db_bind_mod(p_db_url, &dbf) != 0)
		return E_NOTFOUND;
	if (!p_version_check)
		return 0;
	if ((h = dbf.init(p_db_url)) == NULL)
		return E_INVAL;
	rc = p_use_uri_table
	    ? db_check_table_version(&dbf, h, p_uri_table, URI_VERSION, &err)
	    : db_check_table_version(&dbf, h, p_sub_table, SUBSCRIBER_VERSION,
	          &err);
	if (rc != 0) {
		LM_ERR("%s", err != NULL ? err : err_str(rc));
		pkg_free(err);
	}
	dbf.close(h); /* before fork */
	return rc;
}

static int
uri_db_child_init(int rank)
{
	(void)rank;
	if (need_db && dbh == NULL && (dbh = dbf.init(p_db_url)) == NULL) {
		LM_ERR("cannot make a DB handle");
		return E_INVAL;
	}
	return 0;
}

static void
uri_db_destroy(void)
{
	if (need_db)
		dbf.close(dbh);
	dbh = NULL;
}

#define M PS_MODULE
/* clang-format off */
static const struct cmd_export cmds[] = {
	CMD("check_to", w_check_to, 0, NULL, RT_REQUEST,
	    "true if the To URI is the authenticated user's (its user part, and with use_domain its host; with use_uri_table: a row of the uri table)"),
	CMD("check_from", w_check_from, 0, NULL, RT_REQUEST,
	    "true if the From URI is the authenticated user's, as check_to"),
	CMD("does_uri_exist", w_does_uri_exist, 0, NULL, RT_REQUEST | RT_FAILURE,
	    "true if the R-URI's user (and with use_domain host) is a subscriber, or with use_uri_table a uri_user of the uri table"),
	CMD_END
};

static const struct param_def params[] = {
	PARAM_SET("db_url", set_db_url, "scheme://[user[:password]@]host[:port]/database", M,
	    "the database (needed by does_uri_exist and use_uri_table; check_to/check_from alone need none)"),
	PARAM_BOOL("use_uri_table", &p_use_uri_table, 0, M,
	    "check_to/check_from/does_uri_exist use the uri table (which URI users a subscriber may use) instead of the credentials / subscriber table"),
	PARAM_BOOL("use_domain", &p_use_domain, 0, M,
	    "also compare domains (the URI host with the credentials' domain or realm)"),
	PARAM_STR("uri_table", &p_uri_table, "uri", M | P_NO_NUM,
	    "the uri table"),
	PARAM_STR("uri_user_column", &p_uri_user_col, "uri_user", M | P_NO_NUM,
	    "uri table: the URI user part a subscriber may use"),
	PARAM_STR("uri_username_column", &p_uri_username_col, "username", M | P_NO_NUM,
	    "uri table: the subscriber (digest username)"),
	PARAM_STR("uri_domain_column", &p_uri_domain_col, "domain", M | P_NO_NUM,
	    "uri table: the domain"),
	PARAM_STR("subscriber_table", &p_sub_table, "subscriber", M | P_NO_NUM,
	    "does_uri_exist without use_uri_table: the subscriber table"),
	PARAM_STR("subscriber_user_column", &p_sub_user_col, "username", M | P_NO_NUM,
	    "subscriber table: the user name"),
	PARAM_STR("subscriber_domain_column", &p_sub_domain_col, "domain", M | P_NO_NUM,
	    "subscriber table: the domain"),
	PARAM_BOOL("version_check", &p_version_check, 1, M,
	    "check the table's version at start (uri: 1, subscriber: 6)"),
	PARAM_END
};
/* clang-format on */

const struct module_exports exports = {
	.abi = MODULE_ABI,
	.name = "uri_db",
	.cmds = cmds,
	.params = params,
	.init = uri_db_init,
	.child_init = uri_db_child_init,
	.destroy = uri_db_destroy,
};
