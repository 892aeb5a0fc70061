/* usrloc: the location table (user location), in shared memory and
 * optionally a database: exports, parameters, start-up, the expiry
 * timer and statistics.  The registrar reaches it through struct
 * usrloc_api (usrloc.h); doc/registrar.md describes both modules. */
#define LOG_MODULE "usrloc"
#include <stdint.h>
#include <string.h>

#include "../../api/sr_api.h"
#include "ul_db.h"
#include "ul_fifo.h"
#include "ul_table.h"

struct ul_cfg ul_cfg;

static bool
api_use_domain(void)
{
	return ul_cfg.use_domain != 0;
}

static int
api_server_id(void)
{
	return ul_cfg.server_id;
}

static int
api_db_mode(void)
{
	return ul_cfg.db_mode;
}

static const struct usrloc_api api = {
	.domain_register = ul_domain_register,
	.update = ul_update,
	.get = ul_get,
	.remove = ul_remove,
	.use_domain = api_use_domain,
	.server_id = api_server_id,
	.db_mode = api_db_mode,
};

static void
ul_timer(unsigned ticks, void *arg)
{
	(void)ticks;
	(void)arg;
	ul_timer_pass(ul_now());
}

static unsigned long
st_registered(void *arg)
{
	(void)arg;
	return ul_count_users();
}

static unsigned long
st_flows_closed(void *arg)
{
	(void)arg;
	return ul_flows_closed_count();
}

static int
ul_init(void)
{
	struct ul_domain *d;
	int rc;

	if (ul_cfg.db_mode != 0 &&
	    (ul_cfg.db_url == NULL || ul_cfg.db_url[0] == '\0')) {
		LM_ERR("db_mode %d needs db_url", ul_cfg.db_mode);
		return E_INVAL;
	}
	if ((rc = ul_flows_init()) != 0 ||
	    (rc = tcp_closed_hook_add(ul_flow_closed)) != 0 ||
	    (rc = timer_register(ul_timer, NULL,
	         (unsigned)ul_cfg.timer_interval * 1000u)) != 0) {
		LM_ERR("cannot initialise: %s", err_str(rc));
		return rc;
	}
	if (stat_register_fn("usrloc", "registered_users", st_registered,
	        NULL) != 0 ||
	    stat_register_fn("usrloc", "flows_closed", st_flows_closed, NULL) !=
	        0)
		LM_WARN("statistics not registered");
	if ((rc = ul_fifo_register()) != 0)
		return rc;
	/* the table of the 1.x examples exists even before a script names
	 * it (the FIFO may add to it) */
	if ((rc = ul_domain_register("location", &d)) != 0)
		return rc;
	if (ul_cfg.db_mode == 0)
		return 0;
	return ul_db_init();
}

static int
ul_child_init(int rank)
{
	(void)rank;
	return ul_cfg.db_mode != 0 ? ul_db_child_init() : 0;
}

static void
ul_destroy(void)
{
	if (ul_cfg.db_mode != 0)
		ul_db_destroy();
	ul_flows_destroy();
}

/* clang-format off */
static const struct module_api apis[] = {
	{ .name = USRLOC_API_NAME, .api = &api },
	MODULE_API_END
};

#define M PS_MODULE
#define COL(n, t, d, what) PARAM_STR(n, t, d, M, \
	"name of the location table's column that holds " what)
static const struct param_def params[] = {
	PARAM_STR("db_url", &ul_cfg.db_url, NULL, M,
	    "database URL for db_mode 1-3 (doc/db.md), e.g. \"sqlite:///var/lib/kamailio/kamailio.db\"; its driver's loadmodule comes first",
	    .set = db_param_url),
	PARAM_INT("db_mode", &ul_cfg.db_mode, 0, 3, 0, M,
	    "0: memory only; 1: write-through (every change written at once); 2: write-back every timer_interval; 3: the database only (proxies sharing it see every registration)"),
	PARAM_INT("timer_interval", &ul_cfg.timer_interval, 1, 3600, 60, M,
	    "seconds between two passes of the expiry timer (and, in db_mode 2, the write-back)"),
	PARAM_INT("hash_size", &ul_cfg.hash_size, 1, 16, 9, M,
	    "log2 of the number of slots (each with its own lock) of a location table"),
	PARAM_BOOL("use_domain", &ul_cfg.use_domain, 0, M,
	    "AORs are user@domain (off: the user part alone, as in 1.x)"),
	PARAM_INT("server_id", &ul_cfg.server_id, 0, 2147483647, 0, M,
	    "this proxy's id, stored with each binding: only the proxy that holds a binding's connection uses it"),
	COL("user_column", &ul_col.user, "username", "the AOR's user part"),
	COL("domain_column", &ul_col.domain, "domain", "the AOR's domain (use_domain)"),
	COL("contact_column", &ul_col.contact, "contact", "the contact URI"),
	COL("expires_column", &ul_col.expires, "expires", "the expiry, UTC epoch seconds"),
	COL("q_column", &ul_col.q, "q", "q (0..1)"),
	COL("callid_column", &ul_col.callid, "callid", "the REGISTER's Call-ID"),
	COL("cseq_column", &ul_col.cseq, "cseq", "the REGISTER's CSeq number"),
	COL("flags_column", &ul_col.flags, "flags", "usrloc's own flags"),
	COL("cflags_column", &ul_col.cflags, "cflags", "the script's flags at save time"),
	COL("user_agent_column", &ul_col.user_agent, "user_agent", "the User-Agent"),
	COL("received_column", &ul_col.received, "received", "the source address the REGISTER came from"),
	COL("path_column", &ul_col.path, "path", "the Path route set (RFC 3327)"),
	COL("socket_column", &ul_col.socket, "socket", "the socket the REGISTER came in on"),
	COL("methods_column", &ul_col.methods, "methods", "the methods of the Allow header, as bits"),
	COL("last_mod_column", &ul_col.last_modified, "last_modified", "the time of the last change, UTC epoch seconds"),
	COL("ruid_column", &ul_col.ruid, "ruid", "the binding's unique id (the key of every write)"),
	COL("instance_column", &ul_col.instance, "instance", "the +sip.instance (RFC 5626)"),
	COL("reg_id_column", &ul_col.reg_id, "reg_id", "the reg-id (RFC 5626)"),
	COL("conn_id_column", &ul_col.conn_id, "conn_id", "the TCP/TLS connection the binding came over"),
	COL("server_id_column", &ul_col.server_id, "server_id", "the server_id of the proxy that holds that connection"),
	PARAM_END
};
#undef COL
#undef M
/* clang-format on */

const struct module_exports exports = {
	.abi = MODULE_ABI,
	.name = "usrloc",
	.params = params,
	.init = ul_init,
	.child_init = ul_child_init,
	.destroy = ul_destroy,
	.apis = apis,
};
