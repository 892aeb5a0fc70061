/* main.c: command line, configuration, start-up and the process roles. */
#define LOG_MODULE "core"
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cfg/cfg.h"
#include "cfg/cfg_param.h"
#include "cfg/cfg_tls.h"
#include "cmds/core_cmds.h"
#include "cmds/tls_cmds.h"
#include "base/err.h"
#include "base/fault.h"
#include "ctl/fifo_server.h"
#include "ctl/ref_dump.h"
#include "ctl/dns_fifo.h"
#include "ctl/tls_fifo.h"
#include "cfg/core_cfg.h"
#include "base/hash.h"
#include "base/log.h"
#include "mem/pkg.h"
#include "mem/shm.h"
#include "net/dns_cache.h"
#include "net/dst_blacklist.h"
#include "net/socket_info.h"
#include "net/udp_server.h"
#include "base/proc.h"
#include "sip/receive.h"
#include "script/route.h"
#include "script/sr_module_core.h"
#include "sip/stats.h"
#include "net/tcp_chan.h"
#include "net/tcp_conn.h"
#include "tcp_main.h"
#include "tcp_read.h"
#include "base/timer.h"
#include "sip/transport.h"
#include "tls/tls.h"

#define DEFAULT_SHM_MB 64

static const char usage[] =
"Usage: " NAME " [options]\n"
"Options:\n"
"    -f file     Configuration file (default: " DEFAULT_CFG_DIR "/" NAME ".cfg)\n"
"    -c          Check the configuration file and exit (0 when it is good)\n"
"    -p          With -c, also print the routing blocks as parsed\n"
"    -D          Do not daemonize (the main process stays in the\n"
"                foreground); -DD: the same\n"
"    -E          Log to stderr\n"
"    -d          More debug output (may be repeated)\n"
"    -m MB       Shared memory size in MB (default %d)\n"
"    -M MB       Private memory cap in MB per process (default: none)\n"
"    -P file     Write the main process's pid to file\n"
"    -u user     Drop privileges to user after binding the sockets\n"
"    -g group    Drop privileges to group after binding the sockets\n"
"    -V          Version and compile flags\n"
"    -h          This help\n"
"    --dump-params     Print every parameter (core, TLS, the modules next\n"
"                      to the binary) as Markdown: doc/params.md\n"
"    --dump-functions  Print every script function as Markdown:\n"
"                      doc/functions.md\n"
"    --dump-fifo       Print the FIFO commands as Markdown:\n"
"                      doc/fifo-commands.md\n";

static void
print_version(void)
{
	printf("version: " NAME " " VERSION "\n");
	printf("flags: SHM_MEM, PKG_MALLOC=system, STATS%s\n",
	    tls_compiled() ? ", USE_TLS" : "");
	printf("TLS: %s\n", tls_compiled() ? "compiled in"
	    : "not compiled in (build with TLS=1)");
	printf("OpenSSL: %s\n", openssl_version_text());
	printf("transports: udp tcp%s\n", tls_compiled() ? " tls" : "");
	printf("compiled with %s on " __DATE__ "\n",
#ifdef __clang__
	    "clang " __clang_version__
#else
	    "gcc " __VERSION__
#endif
	);
}

/* ------------------------------------------------------------ config */

static int
global_hook(const char *name, const struct cfg_val *v, char **err)
{
	int rc;

	if ((rc = core_param_set(name, v, err)) != 0)
		return rc;
	if (strcmp(name, "listen") == 0) {
		struct listen_cfg *l = core_cfg.listen;

		while (l != NULL && l->next != NULL)
			l = l->next;
		if (l != NULL && l->proto == PROTO_TLS && !tls_compiled()) {
			*err = err_fmt("listen=tls:...: %s",
			    TLS_NOT_COMPILED_MSG);
			return E_INVAL;
		}
	}
	return 0;
}

/* disable_tls (the guide, with our rule for its default): TLS is on when
 * the config has a TLS listener or any tls_* setting, unless it says
 * disable_tls=1; then a listen=tls: line is an error.  Sets
 * transport_tls_on; returns the number of errors. */
/* listen=tcp:... with disable_tcp=yes would silently serve nothing. */
static int
check_tcp_cfg(void)
{
	struct listen_cfg *l;

	if (!core_cfg.disable_tcp)
		return 0;
	for (l = core_cfg.listen; l != NULL; l = l->next)
		if (l->proto == PROTO_TCP) {
			fprintf(stderr, "%s:%d: listen=tcp:%s: TCP is disabled "
					"(disable_tcp=yes)\n",
			    l->pos.file ? l->pos.file : core_cfg.cfg_file,
			    l->pos.line, l->host);
			return 1;
		}
	return 0;
}

/* A name-based tls_client_domain is chosen only through the AVP that
 * tls_client_domain_avp names (the guide, 1.6.12): without it the block
 * is dead, the connection gets the socket or default client domain. */
static void
client_domain_avp_check(void)
{
	const struct tls_domain_cfg *d;

	if (!transport_tls_on || tls_cfg.client_domain_avp.v != 0)
		return;
	for (d = tls_cfg.domains; d != NULL; d = d->next)
		if (d->type == TLS_DOMAIN_CLI && d->name != NULL)
			LM_WARN("%s:%d:%d: tls_client_domain[\"%s\"] is never "
			    "used: a name-based client domain is chosen "
			    "only through the AVP that tls_client_domain_avp "
			    "names, and tls_client_domain_avp is not set; set "
			    "e.g. tls_client_domain_avp=400 and "
			    "$avp(i:400)=\"%s\" in the route before relaying",
			    d->pos.file, d->pos.line, d->pos.col, d->name,
			    d->name);
}

static int
check_tls_cfg(void)
{
	struct listen_cfg *l;
	bool off = tls_cfg.disable_tls.set && tls_cfg.disable_tls.v;

	transport_tls_on = tls_compiled() && tls_cfg.any_tls_setting && !off;
	if (off) {
		for (l = core_cfg.listen; l != NULL; l = l->next)
			if (l->proto == PROTO_TLS) {
				fprintf(stderr, "%s: listen=tls:...: TLS is "
						"disabled (disable_tls=1)\n",
				    core_cfg.cfg_file);
				return 1;
			}
	}
	client_domain_avp_check();
	if (transport_tls_on && core_cfg.disable_tcp) {
		fprintf(stderr, "%s: TLS runs over TCP: it cannot be used "
				"with disable_tcp=yes (set disable_tls=1)\n",
		    core_cfg.cfg_file);
		return 1;
	}
	return 0;
}

/* Build every TLS domain and check every TLS socket (before fork).  0, or
 * E_* after printing the reason on stderr. */
static int
start_tls(void)
{
	struct socket_info *si;
	int rc;

	if ((rc = init_tls()) != 0) {
		if (!log_stderr)
			fprintf(stderr, "TLS start-up failed: %s\n",
			    tls_init_error());
		return rc;
	}
	for (si = tls_listen; si != NULL; si = si->next)
		if ((rc = tls_init(si)) != 0) {
			fprintf(stderr, "tls socket %s:%u has no usable TLS "
					"server domain\n", si->address_str,
			    si->port);
			return rc;
		}
	if ((rc = tls_transport_setup()) != 0)
		return rc;
	return tls_fifo_register();
}

static int
start_tls_check(void)
{
	int rc = init_tls();

	if (rc != 0 && !log_stderr)
		fprintf(stderr, "TLS start-up failed: %s\n", tls_init_error());
	destroy_tls();
	return rc;
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char buf[PATH_MAX];

	if (slash == NULL)
		return getcwd(buf, sizeof(buf)) ? pkg_strndup(buf, strlen(buf))
						: pkg_strndup(".", 1);
	if (slash == path)
		return pkg_strndup("/", 1);
	if (path[0] != '/' && getcwd(buf, sizeof(buf)) != NULL) {
		size_t n = strlen(buf);

		snprintf(buf + n, sizeof(buf) - n, "/%.*s", (int)(slash - path),
		    path);
		return pkg_strndup(buf, strlen(buf));
	}
	return pkg_strndup(path, (size_t)(slash - path));
}

static int
load_config(bool print)
{
	struct cfg_hooks hooks = {
		.global = global_hook,
		.loadmodule = module_load,
		.modparam = module_param,
	};
	struct route_block *routes = NULL;
	int nerr = 0, rc;

	rc = cfg_parse_file(core_cfg.cfg_file, &hooks, &routes, &nerr);
	nerr += check_tls_cfg();
	nerr += check_tcp_cfg();
	/* the functions the script may call, core first, then the modules
	 * in load order (transport_tls_on is known now) */
	if (core_cmds_register() != 0 || tls_cmds_register() != 0 ||
	    modules_register_cmds() != 0) {
		fprintf(stderr, "cannot register the script functions\n");
		return E_NOMEM;
	}
	/* fix up what was parsed even after errors, so that one run reports
	 * every problem (an unknown function, a bad regex, ...) */
	if (rc != E_IO)
		nerr += route_fixup_all(routes);
	if (nerr != 0 || rc != 0) {
		fprintf(stderr, "%s: %d error%s in the configuration\n",
		    core_cfg.cfg_file, nerr ? nerr : 1, nerr == 1 ? "" : "s");
		return E_PARSE;
	}
	if (route_get(ROUTE_REQUEST, NULL) == NULL)
		LM_WARN("%s has no route{} block: every request is dropped",
		    core_cfg.cfg_file);
	if (print)
		cfg_print_routes(stdout, routes);
	return 0;
}

/* ------------------------------------------------------------ processes */

static int
udp_receiver(int rank, void *arg)
{
	(void)rank;
	return udp_rcv_loop(arg, receive_msg);
}

static int
child_init(int rank)
{
	log_init(NAME);
	return modules_child_init(rank);
}

static void
on_shutdown(void)
{
	modules_destroy();
	fifo_server_remove();
	destroy_tls();
	log_level_unshare();
}

static int
add_roles(void)
{
	struct socket_info *si;
	char desc[96];

	for (si = udp_listen; si != NULL; si = si->next) {
		snprintf(desc, sizeof(desc), "receiver udp:%s:%u",
		    si->via_host, si->port);
		if (proc_add_role(desc, core_cfg.children, udp_receiver, si) < 0)
			return E_NOMEM;
	}
	if (tcp_readers > 0) {
		if (proc_add_role("tcp main", 1, tcp_main_loop, NULL) < 0 ||
		    proc_add_role("tcp reader", tcp_readers, tcp_read_loop,
			NULL) < 0)
			return E_NOMEM;
	}
	if (proc_add_role("timer", 1, timer_run, NULL) < 0)
		return E_NOMEM;
	if (core_cfg.fifo != NULL &&
	    proc_add_role("fifo server", 1, fifo_server_run, core_cfg.fifo) < 0)
		return E_NOMEM;
	/* the slots of the statistics, one per process just added */
	return stats_init(proc_count());
}

/* Say at start-up when -m is small for what the config allows: the
 * connection table alone could take more than half of it. */
static void
shm_budget_check(void)
{
	size_t total = shm_used_bytes() + shm_free_bytes();
	size_t per = tcp_conn_shm_size(transport_tls_on);
	size_t conns = (size_t)core_cfg.tcp_max_connections * per;

	if (tcp_readers == 0)
		return;
	if (conns > total / 2)
		LM_WARN("shared memory: %d TCP/TLS connections "
		    "(tcp_max_connections) take up to %zu MB of the %ld MB of "
		    "-m (%zu bytes each): raise -m or lower "
		    "tcp_max_connections", core_cfg.tcp_max_connections,
		    conns >> 20, core_cfg.shm_mb, per);
	else
		LM_INFO("shared memory: %ld MB; %d TCP/TLS connections take "
		    "up to %zu MB (%zu bytes each)", core_cfg.shm_mb,
		    core_cfg.tcp_max_connections, conns >> 20, per);
}

static int
start(void)
{
	char *err = NULL;
	int nprocs, rc;

	if (core_cfg.children < 1)
		core_cfg.children = 1;
	socket_tls_enabled = transport_tls_on && core_cfg.fork;
	tls_port_no = tls_cfg.port_no.v;
	if ((rc = sockets_from_cfg(&core_cfg, &err)) != 0) {
		fprintf(stderr, "listen: %s\n", err ? err : err_str(rc));
		return rc;
	}
	/* TLS-only and TCP-only edges are fine; fork=no serves one UDP
	 * socket and nothing else (the guide) */
	if (udp_listen == NULL && (!core_cfg.fork || core_cfg.disable_tcp ||
	    (tcp_listen == NULL && tls_listen == NULL))) {
		fprintf(stderr, "no %ssocket to listen on (check listen=%s)\n",
		    core_cfg.fork ? "" : "UDP ",
		    core_cfg.fork ? "" : "; fork=no serves one UDP socket");
		return E_INVAL;
	}
	if ((rc = udp_bind_all(&err)) != 0) {
		fprintf(stderr, "%s\n", err ? err : err_str(rc));
		return rc;
	}
	if (transport_tls_on && core_cfg.fork && (rc = start_tls()) != 0)
		return rc;
	/* TCP and TLS: not with fork=no (the guide: one process, first UDP
	 * socket) */
	if (!core_cfg.disable_tcp && core_cfg.fork &&
	    (tcp_listen != NULL || tls_listen != NULL) &&
	    (rc = tcp_init(&err)) != 0) {
		fprintf(stderr, "%s\n", err ? err : err_str(rc));
		return rc;
	}
	shm_budget_check();
	tcp_read_set_receive(receive_msg);
	receive_set_script(route_main);
	if (LOG_ON(L_INFO) || core_cfg.dont_daemonize)
		socket_print_all(stderr);
	if ((rc = modules_init()) != 0)
		return rc;
	if (!core_cfg.fork) {
		/* the guide: fork=no serves the first UDP socket alone */
		if (core_cfg.pid_file)
			pid_file_write(core_cfg.pid_file);
		if (drop_privileges(core_cfg.user, core_cfg.group) != 0)
			return E_INVAL;
		if (modules_child_init(0) != 0)
			return E_INVAL;
		if (core_cfg.fifo != NULL)
			LM_WARN("fork=no: no FIFO server, fifo=\"%s\" is "
				"ignored", core_cfg.fifo);
		LM_NOTICE("fork=no: serving udp:%s:%u in one process",
		    udp_listen->via_host, udp_listen->port);
		return udp_rcv_loop(udp_listen, receive_msg);
	}
	nprocs = 1 + socket_count(PROTO_UDP) * core_cfg.children + 1 +
	    (core_cfg.fifo != NULL) + (tcp_readers > 0 ? 1 + tcp_readers : 0);
	if ((rc = proc_table_init(nprocs)) != 0)
		return rc;
	if (core_cfg.fifo != NULL &&
	    fifo_server_check(core_cfg.fifo, &err) != 0) {
		fprintf(stderr, "%s\n", err);
		return E_INVAL;
	}
	if (!core_cfg.dont_daemonize) {
		if ((rc = daemonize(core_cfg.pid_file)) != 0)
			return rc;
	} else if (core_cfg.pid_file && pid_file_write(core_cfg.pid_file)) {
		return E_IO;
	}
	log_init(NAME);
	if (drop_privileges(core_cfg.user, core_cfg.group) != 0)
		return E_INVAL;
	if (core_cfg.fifo != NULL &&
	    fifo_server_create(core_cfg.fifo, &err) != 0) {
		LM_ERR("%s", err);
		return E_IO;
	}
	if ((rc = add_roles()) != 0 ||
	    (rc = log_level_share(shm_malloc(sizeof(int)))) != 0) {
		fifo_server_remove();
		return rc;
	}
	proc_child_init = child_init;
	proc_shutdown_hook = on_shutdown;
	if ((rc = proc_start_all()) != 0) {
		fifo_server_remove();
		return rc;
	}
	daemonize_ready();
	LM_NOTICE(NAME " " VERSION " started: %d processes", proc_count());
	return proc_supervise();
}

static void
set_open_files_limit(void)
{
	struct rlimit rl;

	if (core_cfg.open_files_limit <= 0)
		return;
	rl.rlim_cur = rl.rlim_max = (rlim_t)core_cfg.open_files_limit;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		LM_ERRNO(L_WARN, errno, "cannot raise open_files_limit to %d",
		    core_cfg.open_files_limit);
}

/* *dst = a pkg copy of s (the old value freed).  0 or E_NOMEM. */
static int
set_opt_str(char **dst, const char *s)
{
	char *c = pkg_strndup(s, strlen(s));

	if (c == NULL)
		return E_NOMEM;
	pkg_free(*dst);
	*dst = c;
	return 0;
}

/* The long options' getopt values: above every short option's. */
enum dump { DUMP_NONE, DUMP_PARAMS = 256, DUMP_FUNCTIONS, DUMP_FIFO };

/* --dump-*: the reference pages (ctl/ref_dump.h), without a config. */
static int
dump(enum dump what)
{
	char *err = NULL;
	int rc;

	if (what == DUMP_PARAMS)
		rc = ref_dump_params(stdout, &err);
	else if (what == DUMP_FUNCTIONS)
		rc = ref_dump_functions(stdout, &err);
	else
		rc = ref_dump_fifo(stdout);
	if (fflush(stdout) != 0 && rc == 0)
		rc = E_IO;
	if (rc != 0)
		fprintf(stderr, "%s\n", err ? err : err_str(rc));
	pkg_free(err);
	return rc == 0 ? 0 : 1;
}

static int
parse_mb(const char *s, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v <= 0 || v > 1024 * 1024)
		return E_INVAL;
	*out = v;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{ "dump-params", no_argument, NULL, DUMP_PARAMS },
		{ "dump-functions", no_argument, NULL, DUMP_FUNCTIONS },
		{ "dump-fifo", no_argument, NULL, DUMP_FIFO },
		{ NULL, 0, NULL, 0 },
	};
	const char *cfg_file = DEFAULT_CFG_DIR "/" NAME ".cfg";
	const char *opt_user = NULL, *opt_group = NULL;
	enum dump what = DUMP_NONE;
	bool print = false;
	int c, debug_plus = 0, rc;
	bool opt_E = false;
	char *err = NULL;

	core_cfg.shm_mb = DEFAULT_SHM_MB;
	log_stderr = true;   /* until the config says otherwise */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:cpDEdm:M:P:u:g:Vh", long_opts,
		    NULL)) != -1) {
		switch (c) {
		case DUMP_PARAMS:
		case DUMP_FUNCTIONS:
		case DUMP_FIFO: what = (enum dump)c; break;
		case 'f': cfg_file = optarg; break;
		case 'c': core_cfg.check_only = true; break;
		case 'p': print = true; break;
		case 'D': core_cfg.dont_daemonize++; break;
		case 'E': opt_E = true; break;
		case 'd': debug_plus++; break;
		case 'm':
			if (parse_mb(optarg, &core_cfg.shm_mb) != 0) {
				fprintf(stderr, "-m: expected a size in MB, got "
						"\"%s\"\n", optarg);
				return 1;
			}
			break;
		case 'M':
			if (parse_mb(optarg, &core_cfg.pkg_mb) != 0) {
				fprintf(stderr, "-M: expected a size in MB, got "
						"\"%s\"\n", optarg);
				return 1;
			}
			break;
		case 'P': core_cfg.pid_file = optarg; break;
		case 'u': opt_user = optarg; break;
		case 'g': opt_group = optarg; break;
		case 'V': print_version(); return 0;
		case 'h': printf(usage, DEFAULT_SHM_MB); return 0;
		default:
			if (optopt == 0)
				fprintf(stderr, "unknown option: %s\n\n",
				    argv[optind - 1]);
			else
				fprintf(stderr, "unknown option or missing "
						"argument: -%c\n\n", optopt);
			fprintf(stderr, usage, DEFAULT_SHM_MB);
			return 2;
		}
	}
	if (core_cfg.pkg_mb > 0)
		pkg_set_limit((size_t)core_cfg.pkg_mb << 20);
	if (optind < argc) {
		fprintf(stderr, "unexpected argument: %s\n", argv[optind]);
		return 2;
	}
	if (what != DUMP_NONE)
		return dump(what);
	core_cfg.cfg_file = (char *)cfg_file;
	core_cfg.cfg_dir = dir_of(cfg_file);
	cfg_tls_compiled = tls_compiled();
	if (pre_init_tls() != 0 || tls_pv_register() != 0) {
		fprintf(stderr, "cannot initialise the TLS layer\n");
		return 1;
	}
	if ((rc = shm_init((size_t)core_cfg.shm_mb << 20)) != 0) {
		fprintf(stderr, "cannot map %ld MB of shared memory\n",
		    core_cfg.shm_mb);
		return 1;
	}
	if ((rc = timer_init()) != 0)
		return 1;
	if (dns_cache_init() != 0) {
		fprintf(stderr, "cannot allocate the DNS cache\n");
		return 1;
	}
	fault_init();
	if (load_config(print) != 0)
		return 1;
	/* -u/-g on the command line win over user=/group= (pkg copies: the
	 * config's strings are pkg and freed as such) */
	if ((opt_user != NULL && set_opt_str(&core_cfg.user, opt_user) != 0) ||
	    (opt_group != NULL && set_opt_str(&core_cfg.group, opt_group) != 0))
		return 1;
	log_level = core_cfg.debug + debug_plus;
	log_stderr = opt_E || core_cfg.log_stderror;
	/* log_facility: already set by the config's log_facility= line
	 * (base/log.c's table, the one the parser checks against) */
	if (core_cfg.check_only) {
		/* -c also loads every certificate, key, CA list and CRL */
		if (transport_tls_on && start_tls_check() != 0)
			return 1;
		if (core_cfg.fifo != NULL && core_cfg.fork &&
		    fifo_server_check_dir(core_cfg.fifo, &err) != 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		fprintf(stderr, "%s: config file ok, exiting...\n", cfg_file);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	set_open_files_limit();
	if (dst_blacklist_init() != 0 || dns_cache_register_stats() != 0 ||
	    dns_fifo_register() != 0) {
		fprintf(stderr, "cannot allocate the destination blocklist\n");
		return 1;
	}
	rc = start();
	shm_destroy();
	return rc == 0 ? 0 : 1;
}
