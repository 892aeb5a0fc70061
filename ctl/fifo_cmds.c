/* fifo_cmds.c: the core FIFO commands (ps, uptime, version, statistics,
 * debug, which/help).  Output formats are documented in doc/fifo.md; each
 * command answers plain "Name:: value" lines, or the same data as one
 * JSON object when its first argument is "json". */
#define LOG_MODULE "fifo"
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#include "../base/err.h"
#include "fifo_cmds.h"
#include "../base/hash.h"
#include "fifo_server.h"
#include "../sip/forward.h"
#include "../base/log.h"
#include "../mem/shm.h"
#include "../net/tcp_conn.h"
#include "../base/proc.h"
#include "../base/proto.h"
#include "../base/stat.h"
#include "../sip/stats.h"
#include "../base/timer.h"
#include "../tls/tls.h"
#include "../tls/tls_stats.h"

#define FIFO_FLAGS "SHM_MEM, PKG_MALLOC=system"

static int
no_args(struct fifo_reply *r, int argc)
{
	if (argc == 0)
		return 0;
	fifo_reply_status(r, 400, "too many arguments");
	return E_INVAL;
}

/* ------------------------------------------------------------ ps */

static int
cmd_ps(struct fifo_reply *r, int argc, char *argv[])
{
	const struct proc_info *p;
	bool json = fifo_reply_json(r);
	int i, n = proc_count();

	(void)argv;
	if (no_args(r, argc) != 0)
		return E_INVAL;
	if (json)
		fifo_reply_printf(r, "{\"processes\": [");
	for (i = 0; i < n; i++) {
		if ((p = proc_get(i)) == NULL)
			continue;
		if (!json) {
			fifo_reply_printf(r, "Process:: ID=%d PID=%d Type=%s\n",
			    i, (int)p->pid, p->desc);
			continue;
		}
		fifo_reply_printf(r, "%s\n  {\"id\": %d, \"pid\": %d, \"type\": ",
		    i ? "," : "", i, (int)p->pid);
		fifo_reply_json_str(r, p->desc);
		fifo_reply_printf(r, ", \"restarts\": %u}", p->restarts);
	}
	if (json)
		fifo_reply_printf(r, "\n]}\n");
	return 0;
}

/* ------------------------------------------------------------ uptime */

static void
fmt_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%a %b %e %H:%M:%S %Y", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)t);
}

static int
cmd_uptime(struct fifo_reply *r, int argc, char *argv[])
{
	char now_s[64], since_s[64];
	unsigned up = get_ticks();
	time_t now = time(NULL);

	(void)argv;
	if (no_args(r, argc) != 0)
		return E_INVAL;
	fmt_time(now, now_s, sizeof(now_s));
	fmt_time(now - (time_t)up, since_s, sizeof(since_s));
	if (!fifo_reply_json(r)) {
		fifo_reply_printf(r, "Now:: %s\nUp since:: %s\nUp time:: %u [sec]\n",
		    now_s, since_s, up);
		return 0;
	}
	fifo_reply_printf(r, "{\"now\": ");
	fifo_reply_json_str(r, now_s);
	fifo_reply_printf(r, ", \"up_since\": ");
	fifo_reply_json_str(r, since_s);
	fifo_reply_printf(r, ", \"uptime\": %u}\n", up);
	return 0;
}

/* ------------------------------------------------------------ version */

static int
cmd_version(struct fifo_reply *r, int argc, char *argv[])
{
	(void)argv;
	if (no_args(r, argc) != 0)
		return E_INVAL;
	if (!fifo_reply_json(r)) {
		fifo_reply_printf(r, "Server:: " NAME " " VERSION "\n"
				     "Flags:: " FIFO_FLAGS "%s\n"
				     "TLS:: %s\n"
				     "OpenSSL:: %s\n",
		    tls_compiled() ? ", USE_TLS" : "",
		    tls_compiled() ? "compiled in" : "not compiled in",
		    openssl_version_text());
		return 0;
	}
	fifo_reply_printf(r, "{\"name\": \"" NAME "\", \"version\": \"" VERSION
			     "\", \"flags\": \"" FIFO_FLAGS "%s\", "
			     "\"tls\": %s, \"openssl\": ",
	    tls_compiled() ? ", USE_TLS" : "",
	    tls_compiled() ? "true" : "false");
	fifo_reply_json_str(r, openssl_version_text());
	fifo_reply_printf(r, "}\n");
	return 0;
}

/* ------------------------------------------------------------ statistics */

/* clang-format off */
static const struct {
	const char *name;
	size_t off;
} stat_fields[] = {
	{ "rcv_requests",  offsetof(struct fwd_stats, rcv_requests) },
	{ "rcv_replies",   offsetof(struct fwd_stats, rcv_replies) },
	{ "fwd_requests",  offsetof(struct fwd_stats, fwd_requests) },
	{ "fwd_replies",   offsetof(struct fwd_stats, fwd_replies) },
	{ "drop_requests", offsetof(struct fwd_stats, drop_requests) },
	{ "drop_replies",  offsetof(struct fwd_stats, drop_replies) },
	{ "err_requests",  offsetof(struct fwd_stats, err_requests) },
	{ "err_replies",   offsetof(struct fwd_stats, err_replies) },
	{ "local_replies", offsetof(struct fwd_stats, local_replies) },
	{ "bad_msg_hdr",   offsetof(struct fwd_stats, bad_msgs) },
};
/* "core" sums every transport; the others are one transport each */
static const struct {
	const char *group;
	enum proto proto;
} stat_groups[] = {
	{ "core", PROTO_NONE },
	{ "udp",  PROTO_UDP },
	{ "tcp",  PROTO_TCP },
	{ "tls",  PROTO_TLS },
};
/* the "tls:" counters of tls/tls_stats.h */
static const struct {
	const char *name;
	enum tls_stat st;
} tls_fields[] = {
	{ "handshake_ok",               TLS_STAT_HS_OK },
	{ "handshake_failed_verify",    TLS_STAT_HS_VERIFY },
	{ "handshake_failed_protocol",  TLS_STAT_HS_PROTOCOL },
	{ "handshake_failed_timeout",   TLS_STAT_HS_TIMEOUT },
	{ "handshake_failed_other",     TLS_STAT_HS_OTHER },
	{ "handshake_refused_limit",    TLS_STAT_HS_REFUSED },
};
/* clang-format on */

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define STAT_CERT_DAYS "cert_days_left"

/* Does statistic group:name match the request argument?  "all", "group:"
 * and "group:name" as in Kamailio 1.x. */
static bool
stat_match(const char *arg, const char *group, const char *name)
{
	size_t g = strlen(group);

	if (strcmp(arg, "all") == 0)
		return true;
	if (strncmp(arg, group, g) != 0 || arg[g] != ':')
		return false;
	return arg[g + 1] == '\0' || strcmp(arg + g + 1, name) == 0;
}

/* One "group:name = value" line, or one JSON member; value is a
 * number already formatted. */
static void
stat_out_str(struct fifo_reply *r, int *nout, const char *group,
    const char *name, const char *value)
{
	char key[256];

	if (fifo_reply_json(r)) {
		snprintf(key, sizeof(key), "%s:%s", group, name);
		fifo_reply_printf(r, "%s\n  ", *nout ? "," : "");
		fifo_reply_json_str(r, key);
		fifo_reply_printf(r, ": %s", value);
	} else {
		fifo_reply_printf(r, "%s:%s = %s\n", group, name, value);
	}
	(*nout)++;
}

static void
stat_out(struct fifo_reply *r, int *nout, const char *group,
    const char *name, unsigned long v)
{
	char value[32];

	snprintf(value, sizeof(value), "%lu", v);
	stat_out_str(r, nout, group, name, value);
}

/* Open connections per transport, from the connection table (those still
 * in their TLS handshake included). */
static unsigned long
conns_open(enum proto proto)
{
	const struct tcp_conn *c;
	unsigned long n = 0;

	if (tcp_conns == NULL)
		return 0;
	tcp_conn_lock();
	for (c = tcp_conns->all; c != NULL; c = c->all_next)
		if (c->proto == proto)
			n++;
	tcp_conn_unlock();
	return n;
}

struct cert_walk {
	struct fifo_reply *r;
	const char *arg;
	int *nout;
};

/* tls_stats_certs() callback: "tls:cert_days_left[DOMAIN] = DAYS". */
static void
cert_out(const char *domain, long days, void *arg)
{
	struct cert_walk *w = arg;
	char name[256], value[32];   /* a domain description is < 160 */

	snprintf(name, sizeof(name), STAT_CERT_DAYS "[%s]", domain);
	if (strcmp(w->arg, "tls:" STAT_CERT_DAYS) != 0 &&
	    !stat_match(w->arg, "tls", name))
		return;
	snprintf(value, sizeof(value), "%ld", days);
	stat_out_str(w->r, w->nout, "tls", name, value);
}

/* What a group has beyond the message counters. */
static void
stat_group_extra(struct fifo_reply *r, const char *arg, const char *group,
    enum proto proto, int *nout)
{
	struct cert_walk w = { .r = r, .arg = arg, .nout = nout };
	size_t f;

	if ((proto == PROTO_TCP || proto == PROTO_TLS) &&
	    stat_match(arg, group, "current_connections"))
		stat_out(r, nout, group, "current_connections",
		    conns_open(proto));
	if (proto != PROTO_TLS)
		return;
	for (f = 0; f < NELEM(tls_fields); f++)
		if (stat_match(arg, group, tls_fields[f].name))
			stat_out(r, nout, group, tls_fields[f].name,
			    tls_stats_get(tls_fields[f].st));
	tls_stats_certs(cert_out, &w);
}

struct reg_walk {
	struct fifo_reply *r;
	const char *arg;
	int *nout;
};

/* stat_foreach() callback: the statistics modules registered. */
static void
reg_out(const char *group, const char *name, unsigned long v, void *arg)
{
	struct reg_walk *w = arg;

	if (stat_match(w->arg, group, name))
		stat_out(w->r, w->nout, group, name, v);
}

/* One argument: every statistic it names; returns how many. */
static int
stat_arg(struct fifo_reply *r, const char *arg, int *nout)
{
	/* clang-format off */
	const struct { const char *name; size_t v; } shm[] = {
		{ "total_size",  shm_used_bytes() + shm_free_bytes() },
		{ "used_size",   shm_used_bytes() },
		{ "free_size",   shm_free_bytes() },
		{ "used_blocks", (size_t)shm_live_blocks() },
		{ "max_alloc",   shm_max_alloc() },
	};
	/* clang-format on */
	struct fwd_stats st;
	size_t g, f;
	int before = *nout;

	for (g = 0; g < NELEM(stat_groups); g++) {
		stats_sum(stat_groups[g].proto, &st);
		for (f = 0; f < NELEM(stat_fields); f++)
			if (stat_match(arg, stat_groups[g].group,
				stat_fields[f].name))
				stat_out(r, nout, stat_groups[g].group,
				    stat_fields[f].name,
				    *(const unsigned long *)(const void *)
				    ((const char *)&st + stat_fields[f].off));
		stat_group_extra(r, arg, stat_groups[g].group,
		    stat_groups[g].proto, nout);
	}
	for (f = 0; f < NELEM(shm); f++)
		if (stat_match(arg, "shmem", shm[f].name))
			stat_out(r, nout, "shmem", shm[f].name, shm[f].v);
	stat_foreach(reg_out, &(struct reg_walk){ .r = r, .arg = arg,
	    .nout = nout });
	return *nout - before;
}

static int
cmd_get_statistics(struct fifo_reply *r, int argc, char *argv[])
{
	int i, nout = 0;

	if (argc == 0) {
		fifo_reply_status(r, 400, "which statistics? (all, GROUP:, "
					  "GROUP:NAME)");
		return E_INVAL;
	}
	if (fifo_reply_json(r))
		fifo_reply_printf(r, "{");
	for (i = 0; i < argc; i++)
		if (stat_arg(r, argv[i], &nout) == 0) {
			fifo_reply_status(r, 404, "statistic %s not found",
			    argv[i]);
			return E_NOTFOUND;
		}
	if (fifo_reply_json(r))
		fifo_reply_printf(r, "\n}\n");
	return 0;
}

/* ------------------------------------------------------------ debug */

#define FIFO_DEBUG_MIN (L_ALERT - 1)  /* nothing at all */
#define FIFO_DEBUG_MAX 9

static int
cmd_debug(struct fifo_reply *r, int argc, char *argv[])
{
	int level;

	if (argc > 1) {
		fifo_reply_status(r, 400, "usage: debug [LEVEL]");
		return E_INVAL;
	}
	if (argc == 1) {
		if (!log_level_parse(argv[0], &level) ||
		    level < FIFO_DEBUG_MIN || level > FIFO_DEBUG_MAX) {
			fifo_reply_status(r, 400, "bad log level %.40s (want "
						  "%d..%d or L_ERR..L_DBG)",
			    argv[0], FIFO_DEBUG_MIN, FIFO_DEBUG_MAX);
			return E_INVAL;
		}
		/* log_level lives in shm: every process sees it at once */
		if (level != log_level)
			LM_NOTICE("log level %d -> %d (FIFO debug)", log_level,
			    level);
		log_level = level;
	}
	if (fifo_reply_json(r))
		fifo_reply_printf(r, "{\"debug\": %d}\n", log_level);
	else
		fifo_reply_printf(r, "DEBUG:: %d\n", log_level);
	return 0;
}

/* ------------------------------------------------------------ which, help */

static int
cmd_which(struct fifo_reply *r, int argc, char *argv[])
{
	const struct fifo_cmd *c;
	bool json = fifo_reply_json(r);
	int i;

	(void)argv;
	if (no_args(r, argc) != 0)
		return E_INVAL;
	if (json)
		fifo_reply_printf(r, "{\"commands\": [");
	for (i = 0; (c = fifo_cmd_get(i)) != NULL; i++) {
		if (!json) {
			fifo_reply_printf(r, "%s\n", c->name);
			continue;
		}
		fifo_reply_printf(r, "%s\n  {\"name\": ", i ? "," : "");
		fifo_reply_json_str(r, c->name);
		fifo_reply_printf(r, ", \"doc\": ");
		fifo_reply_json_str(r, c->doc);
		fifo_reply_printf(r, ", \"available\": %s}",
		    c->fn || c->mod_fn ? "true" : "false");
	}
	if (json)
		fifo_reply_printf(r, "\n]}\n");
	return 0;
}

static int
cmd_help(struct fifo_reply *r, int argc, char *argv[])
{
	const struct fifo_cmd *c;
	int i;

	if (fifo_reply_json(r) || argc > 1)
		return cmd_which(r, argc, argv);
	if (argc == 1) {
		if ((c = fifo_cmd_find(argv[0])) == NULL) {
			fifo_reply_status(r, 500, "unknown command %.40s",
			    argv[0]);
			return E_NOTFOUND;
		}
		fifo_reply_printf(r, "%s: %s\n", c->name, c->doc);
		return 0;
	}
	for (i = 0; (c = fifo_cmd_get(i)) != NULL; i++)
		fifo_reply_printf(r, "%-16s %s%s\n", c->name, c->doc,
		    c->fn || c->mod_fn ? "" : " (not available)");
	return 0;
}

/* clang-format off */
const struct fifo_cmd fifo_core_cmds[] = {
	{ .name = "ps",             .fn = cmd_ps,             .doc = "list the processes: number, pid, role" },
	{ .name = "uptime",         .fn = cmd_uptime,         .doc = "current time, start time, seconds up" },
	{ .name = "version",        .fn = cmd_version,        .doc = "name, version, compile flags, TLS, OpenSSL" },
	{ .name = "get_statistics", .fn = cmd_get_statistics, .doc = "counters: all | GROUP: | GROUP:NAME ..." },
	{ .name = "debug",          .fn = cmd_debug,          .doc = "show or set the log level of every process" },
	{ .name = "which",          .fn = cmd_which,          .doc = "list the commands" },
	{ .name = "help",           .fn = cmd_help,           .doc = "list the commands with a line each, or help CMD" },
	/* filled in by ctl/dns_fifo.c with fifo_register() */
	{ .name = "dns.view",       .fn = NULL,      .doc = "the DNS cache: name, type, seconds left, records (or negative)" },
	{ .name = "dns.flush",      .fn = NULL,     .doc = "empty the DNS cache, or drop one NAME (every type)" },
	{ .name = "dst_blacklist.view",  .fn = NULL,  .doc = "the destination blocklist: proto:ip:port, seconds left, reason" },
	{ .name = "dst_blacklist.flush", .fn = NULL, .doc = "empty the destination blocklist" },
	/* filled in by the TLS layer with fifo_register() */
	{ .name = "tls_list",       .fn = NULL,               .doc = "list the TLS connections" },
	{ .name = "tls_reload",     .fn = NULL,               .doc = "reload the TLS certificates and keys" },
	{ .name = NULL },
};
/* clang-format on */
