/* auth: digest authentication (RFC 2617, 7616, 8760) for the script:
 * challenges, the credentials check that auth_db and other user modules
 * call through struct auth_api, and the 1.x helpers.  Export tables,
 * parameters, start-up, the replies, the failure log line and the
 * statistics; the rules themselves are in auth_check.c.  doc/auth.md. */
#define LOG_MODULE "auth"
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "../../api/sr_api.h"
#include "auth.h"
#include "auth_check.h"
#include "auth_limit.h"
#include "digest.h"
#include "nc_table.h"
#include "nonce.h"

/* ---- parameters (main process; read-only after init) */

static char *p_secret;
static char *p_secret_file;
static int p_nonce_expire = 300;
static int p_nonce_count = 1;
static int p_nc_size = 65536;
static int p_one_time = 0;
static int p_bind_ip = 1;
static int p_ip_max = 30;
static int p_user_max = 10;
static int p_window = 300;
static int p_cooldown = 300;
static int p_ip_slots = 4096;
static int p_user_slots = 4096;
static int p_ip6_prefix = 64;

static struct auth_check_cfg cfg = {
	.algs = { DIGEST_MD5 },
	.n_algs = 1,
};

static struct {
	struct stat_var *challenges, *authorized, *failures, *stale;
	struct stat_var *replays, *bad_requests;
} st;

/* The outcome of the last authorize() in this process, for the
 * challenge that follows it (stale=true), consume_credentials(),
 * is_user() and uri_db's checks.  A message is processed by one process
 * from start to end; (msg, id) tells whether the state is this
 * message's. */
static struct {
	const struct sip_msg *msg;
	unsigned id;
	struct auth_outcome o;
} last;

static bool
last_is(const struct sip_msg *msg)
{
	return last.msg == msg && last.id == msg->id;
}

/* ---- the failure log line */

/* One fixed format, which etc/fail2ban/filter.d/kamailio-auth.conf
 * matches: the address comes first, before anything the client chose,
 * and the user and realm are escaped (auth_log_escape), so no username
 * can forge a line or an address. */
static void
auth_log_failure(const struct sip_msg *msg, const struct auth_outcome *o)
{
	char ip[INET6_ADDRSTRLEN], user[4 * 64 + 1], realm[4 * 64 + 1];

	if (inet_ntop(msg->rcv.src_ip.af, msg->rcv.src_ip.u.b, ip,
	        sizeof(ip)) == NULL)
		strcpy(ip, "unknown");
	auth_log_escape(&o->q.username, user, sizeof(user));
	auth_log_escape(&o->q.realm, realm, sizeof(realm));
	LM_NOTICE("auth failed: ip=%s reason=%s user=\"%s\" realm=\"%s\" "
	          "method=%.*s",
	    ip, o->why, user, realm, STR_FMT(&msg->first.method));
}

static void
auth_log_blocks(const struct sip_msg *msg, const struct auth_outcome *o)
{
	char ip[INET6_ADDRSTRLEN], user[4 * 64 + 1];

	if (inet_ntop(msg->rcv.src_ip.af, msg->rcv.src_ip.u.b, ip,
	        sizeof(ip)) == NULL)
		strcpy(ip, "unknown");
	auth_log_escape(&o->q.username, user, sizeof(user));
	if (o->new_blocks & AUTH_LIMIT_NEW_IP)
		LM_WARN("auth blocked: ip=%s after %d failures in %d s, for "
		        "%d s",
		    ip, p_ip_max, p_window, p_cooldown);
	if (o->new_blocks & AUTH_LIMIT_NEW_USER)
		LM_WARN("auth user protected: ip=%s user=\"%s\" after %d "
		        "failures in %d s, for %d s",
		    ip, user, p_user_max, p_window, p_cooldown);
}

/* ---- the API */

static int
api_authorize(struct sip_msg *msg, const struct str *realm, int hftype,
    auth_ha1_fn lookup, void *arg)
{
	struct auth_outcome *o = &last.o;
	int rc;

	last.msg = msg;
	last.id = msg->id;
	rc = auth_check(&cfg, msg, hftype, realm, lookup, arg, time(NULL), o);
	if (o->log_failure)
		auth_log_failure(msg, o);
	if (o->new_blocks)
		auth_log_blocks(msg, o);
	switch (rc) {
	case AUTH_RC_AUTHORIZED:
		stat_add(st.authorized, 1);
		break;
	case AUTH_RC_USER_UNKNOWN:
	case AUTH_RC_INVALID_PASSWORD:
		stat_add(st.failures, 1);
		break;
	case AUTH_RC_STALE_NONCE:
		stat_add(st.stale, 1);
		break;
	case AUTH_RC_NONCE_REUSED:
		stat_add(st.replays, 1);
		break;
	case AUTH_RC_ERROR:
		LM_ERR_RL("cannot check credentials: %s", o->why);
		break;
	case AUTH_RC_REPLIED:
		if (o->reply_code == 400) {
			stat_add(st.bad_requests, 1);
			LM_DBG("malformed credentials: %s", o->why);
		}
		if (reply_local(msg, o->reply_code, o->reply_reason) != 0)
			LM_ERR_RL("cannot send %d reply", o->reply_code);
		break;
	default:
		break;
	}
	return rc;
}

static int
api_realm(struct sip_msg *msg, const struct pv_fmt *fmt, bool www, char *buf,
    size_t size, struct str *out)
{
	size_t n = fmt != NULL ? pv_fmt_print(msg, fmt, buf, size) : 0;

	if (n > 0) {
		*out = (struct str){ buf, n };
		return 0;
	}
	return auth_default_realm(msg, www, out);
}

static bool
api_identity(const struct sip_msg *msg, struct auth_identity *id)
{
	if (!last_is(msg) || last.o.rc != AUTH_RC_AUTHORIZED)
		return false;
	id->username = last.o.q.username;
	id->user = last.o.q.user;
	id->domain = last.o.q.domain;
	id->realm = last.o.q.realm;
	return true;
}

static const struct auth_api api = {
	.version = AUTH_API_VERSION,
	.authorize = api_authorize,
	.realm = api_realm,
	.identity = api_identity,
	.calc_ha1 = digest_calc_ha1,
	.ha1_stored = digest_ha1_stored,
	.alg_name = digest_alg_name,
};

/* ---- script functions */

static int
fixup_challenge(struct action *a, int idx, char **err)
{
	unsigned qop;

	if (idx == 0)
		return fixup_pvfmt(a, idx, err);
	if (auth_qop_arg(a->args[idx].s, &qop) != 0) {
		*err = err_dup("qop is \"\" or 0 (none), \"auth\" or 1, "
		               "\"auth-int\" or 2, \"auth,auth-int\" or 3");
		return E_INVAL;
	}
	a->fixed[idx] = (void *)(uintptr_t)qop;
	return 0;
}

static int
challenge(struct sip_msg *msg, const struct cmd_args *a, bool www)
{
	char rbuf[AUTH_REALM_MAX + 1], hdrs[2048];
	struct str realm;
	unsigned qop = (unsigned)(uintptr_t)a->fixed[1];
	bool stale = last_is(msg) && last.o.stale;
	long n;

	if (msg->first.type != SIP_REQUEST)
		return -1;
	if (api_realm(msg, a->fixed[0], www, rbuf, sizeof(rbuf), &realm) != 0) {
		LM_DBG("no realm: no host in %s", www ? "To" : "From");
		return reply_local(msg, 400, "Bad Request") == 0 ? 0 : -1;
	}
	n = auth_challenge_build(&cfg, msg, www, &realm, qop, stale, time(NULL),
	    hdrs, sizeof(hdrs));
	if (n < 0) {
		LM_ERR_RL("cannot build a challenge for realm \"%.*s\": %s",
		    STR_FMT(&realm), err_str((int)n));
		return -1;
	}
	if (lump_reply_add(msg, hdrs, (size_t)n) != 0)
		return -1;
	stat_add(st.challenges, 1);
	if (reply_local(msg, www ? 401 : 407,
	        www ? "Unauthorized" : "Proxy Authentication Required") != 0) {
		LM_ERR_RL("cannot send the challenge");
		return -1;
	}
	return 1;
}

static int
w_www_challenge(struct sip_msg *msg, const struct cmd_args *a)
{
	return challenge(msg, a, true);
}

static int
w_proxy_challenge(struct sip_msg *msg, const struct cmd_args *a)
{
	return challenge(msg, a, false);
}

static int
w_consume_credentials(struct sip_msg *msg, const struct cmd_args *a)
{
	(void)a;
	if (!last_is(msg) || last.o.rc != AUTH_RC_AUTHORIZED ||
	    last.o.hf == NULL)
		return -1;
	if (lump_hdr_deleted(msg, last.o.hf))
		return 1;
	return lump_delete_hdr(msg, last.o.hf) == 0 ? 1 : -1;
}

static int
w_has_credentials(struct sip_msg *msg, const struct cmd_args *a)
{
	char buf[AUTH_REALM_MAX + 1];
	struct auth_cred c;
	struct str realm;
	size_t n = pv_fmt_print(msg, a->fixed[0], buf, sizeof(buf));

	realm = (struct str){ buf, n };
	if (auth_cred_find(msg, HDR_AUTHORIZATION, n ? &realm : NULL, &c,
	        NULL) == 0 ||
	    auth_cred_find(msg, HDR_PROXYAUTHORIZATION, n ? &realm : NULL, &c,
	        NULL) == 0)
		return 1;
	return -1;
}

static int
w_is_user(struct sip_msg *msg, const struct cmd_args *a)
{
	char buf[AUTH_VALUE_MAX + 1];
	struct str want;
	size_t n = pv_fmt_print(msg, a->fixed[0], buf, sizeof(buf));

	want = (struct str){ buf, n };
	if (!last_is(msg) || last.o.rc != AUTH_RC_AUTHORIZED)
		return -1;
	return str_eq(&last.o.q.username, &want) ||
	        str_eq(&last.o.q.user, &want)
	    ? 1
	    : -1;
}

static int
w_is_authorized(struct sip_msg *msg, const struct cmd_args *a)
{
	(void)a;
	return last_is(msg) && last.o.rc == AUTH_RC_AUTHORIZED ? 1 : -1;
}

/* ---- pseudo-variables: $aU (username), $au (its user part), $ad (its
 * domain part, else the realm), $ar (the realm) of the credentials
 * accepted for this request, else of its first Digest credentials
 * (Authorization, then Proxy-Authorization), as in Kamailio 1.x. */

enum { AUTH_PV_USERNAME, AUTH_PV_USER, AUTH_PV_DOMAIN, AUTH_PV_REALM };

static int
auth_pv_get(struct sip_msg *msg, const struct pv_spec *sp, struct pv_value *out)
{
	static char ubuf[AUTH_VALUE_MAX + 1], rbuf[AUTH_VALUE_MAX + 1];
	struct auth_identity id;
	struct auth_cred c;
	ssize_t n;
	const char *at;

	memset(out, 0, sizeof(*out));
	out->flags = PV_NULL;
	if (!api_identity(msg, &id)) {
		if (auth_cred_find(msg, HDR_AUTHORIZATION, NULL, &c, NULL) !=
		        0 &&
		    auth_cred_find(msg, HDR_PROXYAUTHORIZATION, NULL, &c,
		        NULL) != 0)
			return 0;
		if ((n = auth_unescape(&c.username, ubuf, sizeof(ubuf))) < 0)
			return 0;
		id.username = (struct str){ ubuf, (size_t)n };
		if ((n = auth_unescape(&c.realm, rbuf, sizeof(rbuf))) < 0)
			return 0;
		id.realm = (struct str){ rbuf, (size_t)n };
		at = memchr(ubuf, '@', id.username.len);
		id.user = at != NULL ? (struct str){ ubuf, (size_t)(at - ubuf) }
		                     : id.username;
		id.domain = at != NULL ? (struct str){ at + 1,
			(size_t)(ubuf + id.username.len - at - 1) }
		                       : id.realm;
	}
	switch (sp->exp->id) {
	case AUTH_PV_USERNAME:
		out->s = id.username;
		break;
	case AUTH_PV_USER:
		out->s = id.user;
		break;
	case AUTH_PV_DOMAIN:
		out->s = id.domain;
		break;
	default:
		out->s = id.realm;
		break;
	}
	out->flags = PV_STR;
	return 0;
}

/* clang-format off */
static const struct pv_export auth_pvs[] = {
	{ .name = "aU", .get = auth_pv_get, .id = AUTH_PV_USERNAME },
	{ .name = "au", .get = auth_pv_get, .id = AUTH_PV_USER },
	{ .name = "ad", .get = auth_pv_get, .id = AUTH_PV_DOMAIN },
	{ .name = "ar", .get = auth_pv_get, .id = AUTH_PV_REALM },
	{ .name = NULL }
};
/* clang-format on */

/* Pseudo-variables must be known before the script is fixed up, which is
 * before any module's init: register them when the module is loaded
 * (dlopen, at its loadmodule line), as the DB drivers register
 * themselves. */
__attribute__((constructor)) static void
auth_pv_init(void)
{
	if (pv_register(auth_pvs) != 0)
		LM_ERR("cannot register $au, $ad, $ar, $aU");
}

/* ---- start-up */

static int
set_algorithm(const struct param_def *p, const struct cfg_val *v, char **err)
{
	enum digest_alg algs[AUTH_ALGS_MAX];
	int n, i;

	(void)p;
	if (auth_algs_parse(v->s, algs, &n) != 0) {
		*err = err_dup("algorithm is a list of MD5, MD5-sess, SHA-256, "
		               "SHA-256-sess, SHA-512-256, SHA-512-256-sess "
		               "(comma-separated, no repeats)");
		return E_INVAL;
	}
	for (i = 0; i < n; i++)
		if (!digest_alg_available(algs[i])) {
			*err = err_dup("an algorithm of the list is not "
			               "provided by this OpenSSL");
			return E_INVAL;
		}
	memcpy(cfg.algs, algs, sizeof(algs));
	cfg.n_algs = n;
	return 0;
}

static int
auth_secret_init(void)
{
	char *err = NULL;
	int rc;

	if (p_secret != NULL && p_secret[0] != '\0' && p_secret_file != NULL &&
	    p_secret_file[0] != '\0') {
		LM_ERR("set secret or secret_file, not both");
		return E_INVAL;
	}
	if (p_secret_file != NULL && p_secret_file[0] != '\0') {
		if ((rc = nonce_secret_load_file(p_secret_file, &err)) != 0) {
			LM_ERR("%s", err != NULL ? err : err_str(rc));
			pkg_free(err);
		}
		return rc;
	}
	if (p_secret != NULL && p_secret[0] != '\0') {
		size_t len = strlen(p_secret);

		if (len < NONCE_SECRET_MIN || len > NONCE_SECRET_MAX) {
			LM_ERR("secret must be %d..%d characters (e.g. the "
			       "output of openssl rand -hex 32)",
			    NONCE_SECRET_MIN, NONCE_SECRET_MAX);
			return E_INVAL;
		}
		rc = nonce_secret_set(p_secret, len);
		explicit_bzero(p_secret, len);
		return rc;
	}
	return nonce_secret_ensure();
}

static unsigned long
stat_limit_blocked_ips(void *arg)
{
	return (unsigned long)auth_limit_stat_blocked_ips(arg);
}

static unsigned long
stat_limit_blocked_users(void *arg)
{
	return (unsigned long)auth_limit_stat_blocked_users(arg);
}

static unsigned long
stat_limit_rejected(void *arg)
{
	return (unsigned long)auth_limit_stat_rejected(arg);
}

static int
auth_stats_init(void)
{
	int rc;

	if ((rc = stat_register("auth", "challenges", &st.challenges)) ||
	    (rc = stat_register("auth", "authorized", &st.authorized)) ||
	    (rc = stat_register("auth", "failures", &st.failures)) ||
	    (rc = stat_register("auth", "stale_nonces", &st.stale)) ||
	    (rc = stat_register("auth", "replays", &st.replays)) ||
	    (rc = stat_register("auth", "bad_credentials", &st.bad_requests)))
		return rc;
	if (cfg.limit == NULL)
		return 0;
	if ((rc = stat_register_fn("auth", "blocked_ips",
	         stat_limit_blocked_ips, cfg.limit)) ||
	    (rc = stat_register_fn("auth", "blocked_users",
	         stat_limit_blocked_users, cfg.limit)) ||
	    (rc = stat_register_fn("auth", "rejected_blocked",
	         stat_limit_rejected, cfg.limit)))
		return rc;
	return 0;
}

static int
auth_init(void)
{
	struct auth_limit_cfg lc = AUTH_LIMIT_CFG_DEFAULT;
	unsigned s = (unsigned)p_nc_size;
	int rc;

	if ((rc = auth_secret_init()) != 0) {
		LM_ERR("no nonce secret: %s", err_str(rc));
		return rc;
	}
	cfg.nonce_expire = p_nonce_expire;
	cfg.bind_ip = p_bind_ip != 0;
	cfg.one_time_nonce = p_one_time != 0;
	if (p_nonce_count) {
		if ((s & (s - 1)) != 0) {
			LM_ERR("nc_table_size %u is not a power of two", s);
			return E_INVAL;
		}
		if ((rc = nc_table_new(&cfg.nc, s)) != 0) {
			LM_ERR("cannot make the nonce-count table (%u slots, "
			       "%zu bytes of shm): %s",
			    s, nc_table_mem(s), err_str(rc));
			return rc;
		}
	}
	lc.ip_max = (unsigned)p_ip_max;
	lc.user_max = (unsigned)p_user_max;
	lc.window = (unsigned)p_window;
	lc.cooldown = (unsigned)p_cooldown;
	lc.ip_slots = (unsigned)p_ip_slots;
	lc.user_slots = (unsigned)p_user_slots;
	lc.ip6_prefix = (unsigned)p_ip6_prefix;
	if ((lc.ip_max || lc.user_max) &&
	    (rc = auth_limit_new(&cfg.limit, &lc)) != 0) {
		LM_ERR("cannot make the brute-force limiter (check the table "
		       "sizes: powers of two): %s",
		    err_str(rc));
		return rc;
	}
	return auth_stats_init();
}

static void
auth_destroy(void)
{
	nc_table_free(cfg.nc);
	cfg.nc = NULL;
	auth_limit_free(cfg.limit);
	cfg.limit = NULL;
	nonce_secret_clear();
}

#define M PS_MODULE
/* clang-format off */
static const struct cmd_export cmds[] = {
	CMD("www_challenge", w_www_challenge, 2, fixup_challenge, RT_REQUEST,
	    "answer 401 with a WWW-Authenticate challenge per algorithm: realm (pseudo-variables; \"\": the To host), qop (\"\"/0, auth/1, auth-int/2, \"auth,auth-int\"/3)"),
	CMD("proxy_challenge", w_proxy_challenge, 2, fixup_challenge, RT_REQUEST,
	    "answer 407 with a Proxy-Authenticate challenge per algorithm: realm (\"\": the From host), qop as for www_challenge"),
	CMD("consume_credentials", w_consume_credentials, 0, NULL, RT_REQUEST,
	    "remove the credentials www_authorize/proxy_authorize accepted from the request before it is relayed"),
	CMD("has_credentials", w_has_credentials, 1, fixup_pvfmt, RT_REQUEST | RT_FAILURE,
	    "true if the request has Digest credentials (Authorization or Proxy-Authorization) for the realm (\"\": any realm)"),
	CMD("is_user", w_is_user, 1, fixup_pvfmt, RT_REQUEST | RT_FAILURE,
	    "true if the accepted credentials' username (whole, or before its '@') is the argument"),
	CMD("is_authorized", w_is_authorized, 0, NULL, RT_REQUEST | RT_FAILURE,
	    "true if www_authorize/proxy_authorize accepted credentials for this request"),
	CMD_END
};

static const struct param_def params[] = {
	PARAM_STR("secret", &p_secret, NULL, M | P_NO_NUM,
	    "nonce HMAC secret, 32..256 characters, the same on every proxy that must accept the others' nonces",
	    .def_note = "random at start"),
	PARAM_STR("secret_file", &p_secret_file, NULL, M | P_NO_NUM,
	    "file holding the nonce secret (hex, at least 64 digits, or 32..256 raw bytes), shared by a cluster; instead of secret"),
	PARAM_INT("nonce_expire", &p_nonce_expire, 1, 86400, 300, M,
	    "seconds a nonce is valid; an older one gets a new challenge with stale=true"),
	PARAM_BOOL("nonce_count", &p_nonce_count, 1, M,
	    "check nonce counts (qop) in a shm table, so that a captured Authorization cannot be replayed"),
	PARAM_INT("nc_table_size", &p_nc_size, NC_SLOTS_MIN, NC_SLOTS_MAX, 65536, M,
	    "slots of the nonce-count table (a power of two, 16 bytes each); at least challenges/s x nonce_expire"),
	PARAM_BOOL("one_time_nonce", &p_one_time, 0, M,
	    "a nonce used without qop serves one request only (the next one is re-challenged with stale=true)"),
	PARAM_BOOL("nonce_bind_ip", &p_bind_ip, 1, M,
	    "nonces carry the client's source address: a nonce from another address is challenged again, and only then are UDP failures counted"),
	PARAM_SET("algorithm", set_algorithm, "MD5 | SHA-256 | list such as \"SHA-256,MD5\"", M,
	    "digest algorithms offered, one challenge each, in this order (baresip 1.0 gives up when the first is one it does not know)",
	    .def_note = "MD5"),
	PARAM_INT("ip_max_failures", &p_ip_max, 0, 1000000, 30, M,
	    "failed authentications from one address within failure_window that block it for block_time (403 without a DB query); 0: off"),
	PARAM_INT("user_max_failures", &p_user_max, 0, 1000000, 10, M,
	    "failures against one user within failure_window that protect it: refused from addresses that failed themselves; 0: off"),
	PARAM_INT("failure_window", &p_window, 1, 86400, 300, M,
	    "seconds over which failures are counted"),
	PARAM_INT("block_time", &p_cooldown, 1, 86400, 300, M,
	    "seconds a blocked address or protected user stays so"),
	PARAM_INT("ip_table_size", &p_ip_slots, AUTH_LIMIT_WAYS, AUTH_LIMIT_SLOTS_MAX, 4096, M,
	    "addresses the limiter tracks (a power of two, 32 bytes each)"),
	PARAM_INT("user_table_size", &p_user_slots, AUTH_LIMIT_WAYS, AUTH_LIMIT_SLOTS_MAX, 4096, M,
	    "users the limiter tracks (a power of two, 32 bytes each)"),
	PARAM_INT("ipv6_prefix", &p_ip6_prefix, 32, 128, 64, M,
	    "bits of an IPv6 source address the limiter counts as one address"),
	PARAM_END
};

static const struct module_api apis[] = {
	{ .name = AUTH_API_NAME, .api = &api },
	MODULE_API_END
};
/* clang-format on */

const struct module_exports exports = {
	.abi = MODULE_ABI,
	.name = "auth",
	.cmds = cmds,
	.params = params,
	.init = auth_init,
	.destroy = auth_destroy,
	.apis = apis,
};
