/* registrar: REGISTER processing (RFC 3261 §10.3, RFC 3327 Path, RFC
 * 5626 outbound) and lookup of registered users, over usrloc.  Export
 * tables, parameters, fix-ups and the script wrappers; doc/registrar.md
 * is the user's guide. */
#define LOG_MODULE "registrar"
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../api/sr_api.h"
#include "reg.h"

struct reg_params reg_p;
const struct usrloc_api *reg_ul;
const struct rr_api *reg_rr;
struct pv_spec *reg_received_pv;
struct stat_var *reg_st_accepted, *reg_st_rejected;

/* The tables the script names (save("location") ...), bound at init. */
#define REG_TABLES 8
static struct reg_table tables[REG_TABLES];
static int ntables;

size_t
reg_aor(const struct str *uri, char *buf)
{
	struct sip_uri u;
	size_t n = 0, i;

	if (parse_uri(uri->s, uri->len, &u) != 0 || u.type == URI_TEL)
		return 0;
	if (u.user.len + 1 + u.host.len > UL_AOR_MAX)
		return 0;
	for (i = 0; i < u.user.len; i++)
		buf[n++] = reg_p.case_sensitive
		    ? u.user.s[i]
		    : (char)tolower((unsigned char)u.user.s[i]);
	if (reg_ul->use_domain()) {
		buf[n++] = '@';
		for (i = 0; i < u.host.len; i++)
			buf[n++] = (char)tolower((unsigned char)u.host.s[i]);
	}
	buf[n] = '\0';
	return n == 0 || (n == 1 && buf[0] == '@') ? 0 : n;
}

/* Argument 0: a table name, kept as a struct reg_table that init binds
 * to usrloc's table; argument 1 (save): flags. */
static int
fixup_table(struct action *a, int idx, char **err)
{
	const char *name = a->fixed[idx];
	int i;

	if (idx == 1)
		return fixup_int_range(a, idx, 0, 7, "save() flags", err);
	for (i = 0; i < ntables; i++)
		if (strcmp(tables[i].name, name) == 0)
			break;
	if (i == ntables) {
		if (ntables == REG_TABLES) {
			*err = err_dup("too many location tables");
			return E_TOOBIG;
		}
		/* the argument text outlives the script (pkg, never freed
		 * before exit) */
		tables[ntables++].name = name;
	}
	a->fixed[idx] = &tables[i];
	return 0;
}

static int
w_save(struct sip_msg *msg, const struct cmd_args *a)
{
	unsigned flags = a->n > 1 ? (unsigned)(intptr_t)a->fixed[1] : 0;

	return reg_save(msg, a->fixed[0], flags);
}

static int
w_lookup(struct sip_msg *msg, const struct cmd_args *a)
{
	return reg_lookup(msg, a->fixed[0]);
}

static int
w_registered(struct sip_msg *msg, const struct cmd_args *a)
{
	return reg_registered(msg, a->fixed[0]);
}

static unsigned long
st_param(void *arg)
{
	return (unsigned long)*(int *)arg;
}

static int
reg_init(void)
{
	char *err = NULL;
	size_t used;
	int i, rc;

	if ((reg_ul = module_api_find("usrloc", USRLOC_API_NAME)) == NULL) {
		LM_ERR("the registrar needs usrloc (loadmodule \"usrloc\")");
		return E_INVAL;
	}
	for (i = 0; i < ntables; i++)
		if ((rc = reg_ul->domain_register(tables[i].name,
		         &tables[i].d)) != 0) {
			LM_ERR("location table '%s': %s", tables[i].name,
			    rc == E_INVAL ? "not a valid table name"
			                  : err_str(rc));
			return rc;
		}
	if (reg_p.cluster && reg_ul->db_mode() != 3) {
		LM_ERR("modparam(\"registrar\", \"cluster\", 1) needs usrloc's "
		       "db_mode 3 (the location table shared in the database), "
		       "not %d",
		    reg_ul->db_mode());
		return E_INVAL;
	}
	if (reg_p.cluster && reg_ul->server_id() <= 0) {
		LM_ERR("modparam(\"registrar\", \"cluster\", 1) needs usrloc's "
		       "server_id: a number above 0, different on every proxy "
		       "of the cluster");
		return E_INVAL;
	}
	if (reg_p.cluster &&
	    (reg_rr = module_api_find("rr", RR_API_NAME)) == NULL) {
		LM_ERR("modparam(\"registrar\", \"cluster\", 1) needs the rr "
		       "module (loadmodule \"rr\"): it signs and follows the "
		       "flow tokens");
		return E_INVAL;
	}
	if (reg_p.cluster && !reg_rr->flow_key_shared()) {
		LM_ERR(
		    "modparam(\"registrar\", \"cluster\", 1) needs "
		    "modparam(\"rr\", \"flow_secret_file\", \"...\"): the "
		    "same flow secret on every proxy of the cluster, so that "
		    "they accept each other's flow tokens");
		return E_INVAL;
	}
	if (reg_p.received_avp != NULL && reg_p.received_avp[0] != '\0') {
		const char *s = reg_p.received_avp;

		if (pv_parse(s, strlen(s), &reg_received_pv, &used, &err) !=
		        0 ||
		    used != strlen(s)) {
			LM_ERR("received_avp '%s': %s", s,
			    err ? err : "not one pseudo-variable");
			pkg_free(err);
			return E_INVAL;
		}
	}
	if (reg_p.rules.min_expires > 0 && reg_p.rules.default_expires > 0 &&
	    reg_p.rules.default_expires < reg_p.rules.min_expires) {
		LM_WARN("default_expires %d is below min_expires %d: raised",
		    reg_p.rules.default_expires, reg_p.rules.min_expires);
		reg_p.rules.default_expires = reg_p.rules.min_expires;
	}
	if (stat_register("registrar", "accepted_regs", &reg_st_accepted) ||
	    stat_register("registrar", "rejected_regs", &reg_st_rejected) ||
	    stat_register_fn("registrar", "max_expires", st_param,
	        &reg_p.rules.max_expires) ||
	    stat_register_fn("registrar", "max_contacts", st_param,
	        &reg_p.rules.max_contacts) ||
	    stat_register_fn("registrar", "default_expire", st_param,
	        &reg_p.rules.default_expires))
		LM_WARN("statistics not registered");
	return 0;
}

static void
reg_destroy(void)
{
	if (reg_received_pv != NULL)
		pv_spec_free(reg_received_pv);
	reg_received_pv = NULL;
}

/* clang-format off */
static const struct cmd_export cmds[] = {
	CMD("save", w_save, 1, fixup_table, RT_REQUEST,
	    "store the REGISTER's contacts in the location table (RFC 3261 10.3) and answer it: 200 with every binding, or the error that says why"),
	CMD("save", w_save, 2, fixup_table, RT_REQUEST,
	    "save() with flags: 1 memory only (no database), 2 no reply (the script answers), 4 one binding per AOR"),
	CMD("lookup", w_lookup, 1, fixup_table, RT_REQUEST | RT_FAILURE,
	    "R-URI to the AOR's best binding (reached over its own TCP/TLS connection, socket, Path), the others as branches; false: -1 not found, -2 method not allowed, -3 error"),
	CMD("registered", w_registered, 1, fixup_table, RT_ANY,
	    "true if the R-URI's AOR has a binding in the location table"),
	CMD_END
};

#define M PS_MODULE
static const struct param_def params[] = {
	PARAM_INT("default_expires", &reg_p.rules.default_expires, 0, 2147483647, 3600, M,
	    "seconds granted to a contact whose REGISTER names no expiry (Expires header or expires param)"),
	PARAM_INT("min_expires", &reg_p.rules.min_expires, 0, 2147483647, 60, M,
	    "shortest expiry accepted: a shorter non-zero one is answered 423 Interval Too Brief with Min-Expires; 0: any"),
	PARAM_INT("max_expires", &reg_p.rules.max_expires, 0, 2147483647, 0, M,
	    "longest expiry granted (longer ones are cut to it); 0: no limit"),
	PARAM_INT("max_contacts", &reg_p.rules.max_contacts, 0, UL_CHANGES_MAX, 0, M,
	    "most bindings per AOR: a REGISTER that would exceed it changes nothing and gets 403; 0: 64, the table's own limit"),
	PARAM_BOOL("append_branches", &reg_p.append_branches, 1, M,
	    "lookup() adds an AOR's other bindings as branches (parallel forking); off: the best binding only"),
	PARAM_INT("default_q", &reg_p.rules.default_q, -1, 1000, -1, M,
	    "q of a contact that gives none, in thousandths (500 is q=0.5); -1: none (ranked as 1.0)"),
	PARAM_BOOL("case_sensitive", &reg_p.case_sensitive, 0, M,
	    "the user part of an AOR is compared as written; off: in lower case (the domain always is)"),
	PARAM_STR("received_avp", &reg_p.received_avp, NULL, M,
	    "an AVP (e.g. \"$avp(i:42)\") whose value, when set at save(), is stored as the binding's received address instead of the REGISTER's source"),
	PARAM_BOOL("use_path", &reg_p.use_path, 0, M,
	    "store the REGISTER's Path (RFC 3327) with its bindings; lookup() makes it the request's route set"),
	PARAM_INT("path_mode", &reg_p.path_mode, 0, 2, 2, M,
	    "with use_path: 0 store Path, never echo it; 1 echo it in the 200 when the UA lists path in Supported; 2 refuse a REGISTER with Path whose UA does not (420)"),
	PARAM_BOOL("outbound", &reg_p.outbound, 1, M,
	    "RFC 5626 as the first hop: +sip.instance/reg-id flows, Require: outbound in the 200, 439 through a first hop without outbound; off: reg-id is ignored"),
	PARAM_BOOL("method_filtering", &reg_p.method_filtering, 0, M,
	    "lookup() skips bindings whose REGISTER had an Allow header without the request's method"),
	PARAM_BOOL("cluster", &reg_p.cluster, 0, M,
	    "several proxies share the location table (usrloc db_mode 3, a server_id per proxy): a binding made over TCP/TLS gets a flow Path to this proxy, so the others relay its calls here and this one sends them down the UA's connection (doc/cluster.md)"),
	PARAM_END
};
#undef M

/* clang-format on */

const struct module_exports exports = {
	.abi = MODULE_ABI,
	.name = "registrar",
	.cmds = cmds,
	.params = params,
	.init = reg_init,
	.destroy = reg_destroy,
};
