/* cfg_param.c: the parameter table machinery (one store, one range
 * check, defaults by walking a table) and the core's globals. */
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg_param.h"
#include "cfg_tls.h"
#include "../base/err.h"
#include "core_cfg.h"
#include "../base/log.h"
#include "../mem/pkg.h"

/* Filled from core_params[] before main() (see core_cfg_defaults()). */
struct core_cfg core_cfg;

const struct param_def *
param_find_def(const struct param_def *table, const char *name)
{
	for (; table != NULL && table->name != NULL; table++)
		if (strcmp(table->name, name) == 0)
			return table;
	return NULL;
}

bool
param_parse_bool(const struct cfg_val *v, int *out)
{
	static const struct {
		const char *w;
		int v;
	} words[] = {
		{ "yes", 1 }, { "on", 1 }, { "true", 1 }, { "1", 1 },
		{ "no", 0 }, { "off", 0 }, { "false", 0 }, { "0", 0 },
	};
	size_t i;

	if (v->type == CV_NUM) {
		if (v->n != 0 && v->n != 1)
			return false;
		*out = (int)v->n;
		return true;
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (v->s != NULL && strcasecmp(v->s, words[i].w) == 0) {
			*out = words[i].v;
			return true;
		}
	return false;
}

void *
param_target(const struct param_def *p, void *base)
{
	if (p->flags & P_OFF)
		return base != NULL ? (char *)base + p->off : NULL;
	return p->target;
}

const char *
param_str(const struct param_def *p, const char *value)
{
	return value != NULL ? value : p->def_s;
}

/* The one range check of every integer row. */
static int
check_int(const struct param_def *p, const struct cfg_val *v, char **err)
{
	if (v->type != CV_NUM) {
		*err = err_fmt("%s: expected a number, got '%s'", p->name,
		    v->s);
		return E_INVAL;
	}
	if ((p->min != 0 || p->max != 0) &&
	    (v->n < p->min || v->n > p->max)) {
		*err = err_fmt("%s: %ld is out of range %ld..%ld", p->name,
		    v->n, p->min, p->max);
		return E_INVAL;
	}
	return 0;
}

/* "unknown facility 'x' (expected A, B or C)": the noun is the last word
 * of the parameter's name (log_facility, tls_method). */
static int
check_word(const struct param_def *p, const struct cfg_val *v, char **err)
{
	const char *noun = strrchr(p->name, '_');
	char list[512];
	size_t i, n = 0;

	for (i = 0; p->words[i] != NULL; i++)
		if (strcasecmp(v->s, p->words[i]) == 0)
			return 0;
	list[0] = '\0';
	for (i = 0; p->words[i] != NULL && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
		    i == 0 ? "" : p->words[i + 1] == NULL ? " or " : ", ",
		    p->words[i]);
	*err = err_fmt("%s: unknown %s '%s' (expected %s)", p->name,
	    noun != NULL ? noun + 1 : "value", v->s, list);
	return E_INVAL;
}

static int
store_str(const struct param_def *p, void *target, const struct cfg_val *v,
    char **err)
{
	struct opt_str *o = target;
	char *s, **sp = (p->flags & P_OPT) ? &o->s : target;
	int rc;

	if (v->type == CV_NUM && (p->flags & P_NO_NUM)) {
		*err = err_fmt("%s: expected a string, got %s", p->name, v->s);
		return E_INVAL;
	}
	if (p->kind == PK_ENUM && (rc = check_word(p, v, err)) != 0)
		return rc;
	if ((s = pkg_strndup(v->s, v->len)) == NULL)
		return E_NOMEM;
	pkg_free(*sp);
	*sp = s;
	if (p->flags & P_OPT)
		o->set = true;
	return 0;
}

static void
store_int(const struct param_def *p, void *target, int n)
{
	struct opt_int *o = target;

	if (p->flags & P_OPT) {
		o->v = n;
		o->set = true;
	} else {
		*(int *)target = n;
	}
}

int
param_store_to(const struct param_def *p, void *target,
    const struct cfg_val *v, char **err)
{
	int b, rc;

	if (target == NULL)
		return E_BUG;
	switch (p->kind) {
	case PK_INT:
		if ((rc = check_int(p, v, err)) != 0)
			return rc;
		store_int(p, target, (int)v->n);
		return 0;
	case PK_BOOL:
		if (!param_parse_bool(v, &b)) {
			*err = err_fmt("%s: expected a boolean (yes/no, on/off,"
			    " true/false, 1/0), got '%s'", p->name, v->s);
			return E_INVAL;
		}
		store_int(p, target, b);
		return 0;
	case PK_STR:
	case PK_ENUM:
		return store_str(p, target, v, err);
	case PK_SET:
		break;
	}
	*err = err_fmt("%s: cannot be set", p->name);
	return E_INVAL;
}

int
param_store(const struct param_def *p, const struct cfg_val *v, char **err)
{
	if (p->set != NULL)
		return p->set(p, v, err);
	return param_store_to(p, p->target, v, err);
}

int
param_defaults(const struct param_def *table, void *base, bool copy_str)
{
	const struct param_def *p;
	struct opt_str *o;
	char **sp, *s;
	void *t;

	for (p = table; p != NULL && p->name != NULL; p++) {
		if (!(p->flags & P_DEF) || (t = param_target(p, base)) == NULL)
			continue;
		switch (p->kind) {
		case PK_INT:
		case PK_BOOL:
			store_int(p, t, (int)p->def_i);
			if (p->flags & P_OPT)
				((struct opt_int *)t)->set = false;
			break;
		case PK_STR:
		case PK_ENUM:
			o = t;
			sp = (p->flags & P_OPT) ? &o->s : t;
			s = NULL;
			if (copy_str && p->def_s != NULL &&
			    (s = pkg_strndup(p->def_s, strlen(p->def_s))) ==
				NULL)
				return E_NOMEM;
			if (*sp != NULL)
				pkg_free(*sp);
			*sp = s;
			if (p->flags & P_OPT)
				o->set = false;
			break;
		case PK_SET:
			break;
		}
	}
	return 0;
}

void
param_free_at(const struct param_def *table, void *base)
{
	const struct param_def *p;
	struct opt_str *o;
	char **sp;

	for (p = table; p != NULL && p->name != NULL; p++) {
		if (!(p->flags & P_OFF) || base == NULL ||
		    (p->kind != PK_STR && p->kind != PK_ENUM))
			continue;
		o = param_target(p, base);
		sp = (p->flags & P_OPT) ? &o->s : (char **)(void *)o;
		pkg_free(*sp);
		*sp = NULL;
		if (p->flags & P_OPT)
			o->set = false;
	}
}

static int
is_proto(const char *s, size_t n, enum proto *proto)
{
	static const struct {
		const char *name;
		enum proto p;
	} protos[] = {
		{ "udp", PROTO_UDP }, { "tcp", PROTO_TCP }, { "tls", PROTO_TLS },
		{ "sctp", PROTO_SCTP }, { "ws", PROTO_WS }, { "wss", PROTO_WSS },
	};
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strlen(protos[i].name) == n &&
		    strncasecmp(s, protos[i].name, n) == 0) {
			*proto = protos[i].p;
			return 1;
		}
	return 0;
}

static bool
valid_v6(const char *s, size_t n)
{
	struct in6_addr a;
	char buf[INET6_ADDRSTRLEN + 1];

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, &a) == 1;
}

static bool
valid_hostname(const char *s, size_t n)
{
	size_t i;

	if (n == 1 && s[0] == '*')
		return true;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '-' && s[i] != '_')
			return false;
	return n > 0;
}

int
cfg_parse_hostport(const char *s, bool proto_ok, enum proto *proto,
    char **host, unsigned short *port, char **err)
{
	const char *h, *c, *ps = NULL, *e, *orig = s;
	size_t hl;
	long pn;
	char *end;

	*proto = PROTO_NONE;
	*port = 0;
	*host = NULL;
	c = strchr(s, ':');
	if (c != NULL && is_proto(s, (size_t)(c - s), proto)) {
		if (!proto_ok) {
			*err = err_fmt("'%s': a protocol is not allowed here",
			    orig);
			return E_INVAL;
		}
		s = c + 1;
	}
	if (s[0] == '[') {
		if ((e = strchr(s, ']')) == NULL || !valid_v6(s + 1,
		    (size_t)(e - s - 1))) {
			*err = err_fmt("'%s': bad IPv6 address", orig);
			return E_INVAL;
		}
		h = s + 1;
		hl = (size_t)(e - h);
		if (e[1] == ':')
			ps = e + 2;
		else if (e[1] != '\0') {
			*err = err_fmt("'%s': expected ':port' after ']'", orig);
			return E_INVAL;
		}
	} else if ((c = strchr(s, ':')) != NULL && strchr(c + 1, ':') != NULL) {
		/* bare IPv6 (no port possible) */
		h = s;
		hl = strlen(s);
		if (!valid_v6(h, hl)) {
			*err = err_fmt("'%s': bad address (write "
			    "[proto:]host[:port], IPv6 in [brackets] when a "
			    "port follows)", orig);
			return E_INVAL;
		}
	} else {
		h = s;
		hl = c != NULL ? (size_t)(c - s) : strlen(s);
		if (c != NULL)
			ps = c + 1;
		if (!valid_hostname(h, hl)) {
			*err = err_fmt("'%s': bad host name or address", orig);
			return E_INVAL;
		}
	}
	if (ps != NULL) {
		pn = strtol(ps, &end, 10);
		if (*ps == '\0' || *end != '\0' || pn < 1 || pn > 65535) {
			*err = err_fmt("'%s': port '%s' is not a number in "
			    "1..65535", orig, ps);
			return E_INVAL;
		}
		*port = (unsigned short)pn;
	}
	if ((*host = pkg_strndup(h, hl)) == NULL)
		return E_NOMEM;
	return 0;
}

/* debug, log_stderror and log_facility: base/log keeps its own copy
 * (it cannot see core_cfg), which follows the setting at once, so that
 * the rest of the config is already logged as it says. */
static int
set_debug(const struct param_def *p, const struct cfg_val *v, char **err)
{
	int rc = param_store_to(p, p->target, v, err);

	if (rc == 0)
		log_level = core_cfg.debug;
	return rc;
}

static int
set_log_stderror(const struct param_def *p, const struct cfg_val *v,
    char **err)
{
	int rc = param_store_to(p, p->target, v, err);

	if (rc == 0)
		log_stderr = core_cfg.log_stderror != 0;
	return rc;
}

static int
set_log_facility(const struct param_def *p, const struct cfg_val *v,
    char **err)
{
	int rc = param_store_to(p, p->target, v, err);

	if (rc == 0)
		log_facility_parse(core_cfg.log_facility, &log_facility);
	return rc;
}

/* A header line: "Name: value", a token name, no CR or LF. */
static int
set_server_header(const struct param_def *p, const struct cfg_val *v,
    char **err)
{
	const char *s = v->s, *c = s != NULL ? strchr(s, ':') : NULL;
	size_t i;

	if (c == NULL || c == s || strpbrk(s, "\r\n") != NULL) {
		*err = err_fmt("%s: expected a header line \"Name: value\", "
		    "got '%s'", p->name, s != NULL ? s : "");
		return E_INVAL;
	}
	for (i = 0; s + i < c; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("-.!%*_+`'~",
		    s[i]) == NULL) {
			*err = err_fmt("%s: '%.*s' is not a header name",
			    p->name, (int)(c - s), s);
			return E_INVAL;
		}
	return param_store_to(p, p->target, v, err);
}

static int
set_listen(const struct param_def *p, const struct cfg_val *v, char **err)
{
	struct listen_cfg *l, **t;
	enum proto proto;
	unsigned short port;
	char *host, *e = NULL;
	int rc;

	if (v->type == CV_NUM) {
		*err = err_fmt("%s: expected [proto:]host[:port], got '%s'",
		    p->name, v->s);
		return E_INVAL;
	}
	if ((rc = cfg_parse_hostport(v->s, true, &proto, &host, &port, &e)) !=
	    0) {
		*err = e ? err_fmt("%s: %s", p->name, e) : NULL;
		pkg_free(e);
		return rc;
	}
	if (proto != PROTO_NONE && proto != PROTO_UDP && proto != PROTO_TCP &&
	    proto != PROTO_TLS) {
		*err = err_fmt("%s: '%s': protocol not supported (udp, tcp or "
		    "tls)", p->name, v->s);
		pkg_free(host);
		return E_INVAL;
	}
	if ((l = pkg_zalloc(sizeof(*l))) == NULL) {
		pkg_free(host);
		return E_NOMEM;
	}
	l->proto = proto;
	l->host = host;
	l->port = port;
	l->pos.file = v->pos.file;
	l->pos.line = v->pos.line;
	for (t = &core_cfg.listen; *t != NULL; t = &(*t)->next)
		;
	*t = l;
	if (proto == PROTO_TLS) {
		tls_cfg_note_use();
		if (!cfg_tls_compiled) {
			*err = err_fmt("%s: %s", p->name, TLS_NOT_COMPILED_MSG);
			return E_INVAL;
		}
	}
	return 0;
}

static int
set_alias(const struct param_def *p, const struct cfg_val *v, char **err)
{
	struct alias_cfg *a, **t;
	enum proto proto;
	unsigned short port;
	char *host, *e = NULL;
	int rc;

	if (v->type == CV_NUM) {
		*err = err_fmt("%s: expected host[:port], got '%s'", p->name,
		    v->s);
		return E_INVAL;
	}
	if ((rc = cfg_parse_hostport(v->s, true, &proto, &host, &port, &e)) !=
	    0) {
		*err = e ? err_fmt("%s: %s", p->name, e) : NULL;
		pkg_free(e);
		return rc;
	}
	if ((a = pkg_zalloc(sizeof(*a))) == NULL) {
		pkg_free(host);
		return E_NOMEM;
	}
	a->host = host;
	a->port = port;
	for (t = &core_cfg.alias; *t != NULL; t = &(*t)->next)
		;
	*t = a;
	return 0;
}

#define G PS_GLOBAL
/* clang-format off */
const struct param_def core_params[] = {
	PARAM_INT("debug", &core_cfg.debug, L_ALERT, 9, L_WARN, G | P_RUNTIME,
	    "log level: -3 alert, -2 critical, -1 error, 1 warning, 2 notice, 3 info, 4 debug; 5..9 log as much as 4 (Kamailio 1.x configs say debug=9); FIFO `debug` changes it at run time",
	    .set = set_debug),
	PARAM_BOOL("fork", &core_cfg.fork, 1, G,
	    "yes: a daemon with worker processes; no: one process serving the first UDP socket (no TCP, no TLS)"),
	PARAM_BOOL("log_stderror", &core_cfg.log_stderror, 0, G,
	    "log to stderr instead of syslog (also -E)", .set = set_log_stderror),
	PARAM_ENUM("log_facility", &core_cfg.log_facility, log_facility_names, "LOG_DAEMON", G,
	    "syslog facility of the log lines (any case)", .set = set_log_facility),
	PARAM_BOOL("check_via", &core_cfg.check_via, 0, G,
	    "yes: drop a reply whose top Via is not one of our addresses; no: take the top Via as ours"),
	PARAM_BOOL("dns", &core_cfg.dns, 0, G,
	    "resolve the host in a request's top Via: when it resolves to the source address, no received= is added"),
	PARAM_BOOL("rev_dns", &core_cfg.rev_dns, 0, G,
	    "the same with a reverse lookup of the source address"),
	PARAM_SET("listen", set_listen, "[proto:]host[:port]", G,
	    "a socket to listen on, repeatable; proto udp, tcp or tls (none: every enabled transport); host an IPv4 address, [IPv6], * or a name; port defaults to port (TLS: tls_port_no)",
	    .def_note = "every interface address"),
	PARAM_SET("alias", set_alias, "host[:port]", G,
	    "a name that also means this proxy (myself), repeatable; without a port, any port"),
	PARAM_INT("port", &core_cfg.port, 1, 65535, 5060, G,
	    "SIP port of listen lines without one"),
	PARAM_INT("children", &core_cfg.children, 1, 1024, 8, G,
	    "receiver processes per UDP socket"),
	PARAM_INT("tcp_children", &core_cfg.tcp_children, 1, 1024, 0, G,
	    "TCP reader processes; each owns the connections handed to it",
	    .def_note = "the value of children"),
	PARAM_BOOL("disable_tcp", &core_cfg.disable_tcp, 0, G,
	    "yes: no TCP sockets and no TCP processes; forward_tcp() and transport=tcp destinations are refused"),
	PARAM_INT("open_files_limit", &core_cfg.open_files_limit, 1, INT_MAX, 0, G,
	    "RLIMIT_NOFILE to set at start-up (raise it with tcp_max_connections)",
	    .def_note = "unchanged"),
	PARAM_STR("fifo", &core_cfg.fifo, NULL, G,
	    "path of the control FIFO (doc/fifo.md); none: no FIFO"),
	PARAM_STR("user", &core_cfg.user, NULL, G,
	    "user (name or uid) to run as after binding the sockets; -u wins"),
	PARAM_STR("group", &core_cfg.group, NULL, G,
	    "group (name or gid) to run as after binding the sockets; -g wins"),
	PARAM_STR("mpath", &core_cfg.mpath, NULL, G,
	    "directory loadmodule searches first"),
	PARAM_BOOL("server_signature", &core_cfg.server_signature, 1, G,
	    "yes: local replies carry the server_header line; no: they name no software"),
	PARAM_STR("server_header", &core_cfg.server_header, "Server: " NAME " (" VERSION ")", G,
	    "the header line local replies carry (no CR or LF)", .set = set_server_header),
	PARAM_INT("tcp_max_connections", &core_cfg.tcp_max_connections, 1, 1048576, 2048, G,
	    "most TCP and TLS connections open at once, accepted and outgoing together"),
	PARAM_INT("tcp_connection_lifetime", &core_cfg.tcp_connection_lifetime, 1, 2592000, 120, G,
	    "seconds a TCP connection with nothing read, written or queued stays open"),
	PARAM_INT("tcp_connect_timeout", &core_cfg.tcp_connect_timeout, 1, 3600, 10, G,
	    "seconds an outgoing TCP connect may take"),
	PARAM_INT("tcp_send_timeout", &core_cfg.tcp_send_timeout, 1, 3600, 10, G,
	    "seconds queued bytes may wait for a TCP peer to take them before the connection is closed (writes never block)"),
	PARAM_BOOL("tcp_accept_aliases", &core_cfg.tcp_accept_aliases, 0, G,
	    "yes: a ;alias in the top Via of a TCP request makes source IP:Via port another address of its connection"),
	PARAM_INT("tcp_max_msg_size", &core_cfg.tcp_max_msg_size, 1024, 16777216, 65536, G,
	    "largest SIP message accepted over TCP, bytes; a peer that sends more is disconnected"),
	PARAM_INT("tcp_max_connections_per_ip", &core_cfg.tcp_max_connections_per_ip, 0, 1048576, 512, G,
	    "most TCP and TLS connections accepted from one source IP at once (a NATed office shares one); more are closed at accept; 0: no limit"),
	PARAM_INT("tcp_message_timeout", &core_cfg.tcp_message_timeout, 0, 3600, 20, G,
	    "seconds a message over TCP or TLS may take from its first byte to its last; a peer that sends slower is disconnected (slowloris); 0: no limit"),
	PARAM_BOOL("use_dns_cache", &core_cfg.use_dns_cache, 1, G,
	    "yes: the answers of the DNS lookups (A, AAAA, SRV, NAPTR, negative ones too) of stateless forward() and of tm's RFC 3263 resolution are kept in a cache in shared memory, shared by all processes, for their TTL (FIFO dns.view, dns.flush); no: every lookup asks the DNS server"),
	PARAM_INT("dns_cache_min_ttl", &core_cfg.dns_cache_min_ttl, 0, 86400, 0, G,
	    "seconds a positive DNS answer is kept at least, whatever its TTL"),
	PARAM_INT("dns_cache_max_ttl", &core_cfg.dns_cache_max_ttl, 1, 2592000, 3600, G,
	    "seconds a positive DNS answer is kept at most, whatever its TTL"),
	PARAM_INT("dns_cache_negative_ttl", &core_cfg.dns_cache_negative_ttl, 0, 86400, 60, G,
	    "seconds an NXDOMAIN or NODATA answer is kept at most (RFC 2308: the SOA minimum, capped at this); 0: no negative caching"),
	PARAM_INT("dns_cache_mem", &core_cfg.dns_cache_mem, 16, 1048576, 512, G,
	    "KB of shared memory the DNS cache may take; past it the least recently used entries are dropped"),
	PARAM_INT("dns_timeout", &core_cfg.dns_timeout, 100, 30000, 2000, G,
	    "milliseconds a lookup of forward() may take (c-ares, retries included); while one process waits on a name, others asking for it do not wait"),
	PARAM_STR("dns_server", &core_cfg.dns_server, NULL, G,
	    "DNS servers of the core's lookups, address[:port], comma-separated",
	    .def_note = "those of /etc/resolv.conf"),
	PARAM_BOOL("use_dst_blacklist", &core_cfg.use_dst_blacklist, 0, G,
	    "yes: a next hop that timed out (tm: no reply before fr_timer), refused (TCP connect, send error) or failed its TLS handshake is skipped by forward() and t_relay() for dst_blacklist_expire seconds (FIFO dst_blacklist.view, dst_blacklist.flush); off by default, as in Kamailio"),
	PARAM_INT("dst_blacklist_expire", &core_cfg.dst_blacklist_expire, 1, 86400, 60, G,
	    "seconds a destination stays in the blocklist"),
	PARAM_INT("dst_blacklist_mem", &core_cfg.dst_blacklist_mem, 1, 1048576, 250, G,
	    "KB of shared memory the blocklist may take; when full, the entry closest to its expiry goes"),
	PARAM_END
};
/* clang-format on */
#undef G

const char *
core_server_header(void)
{
	static const struct param_def *row;

	if (!core_cfg.server_signature)
		return NULL;
	if (row == NULL)
		row = param_find_def(core_params, "server_header");
	return param_str(row, core_cfg.server_header);
}

int
core_param_set(const char *name, const struct cfg_val *v, char **err)
{
	const struct param_def *p;
	int rc;

	if ((p = param_find_def(core_params, name)) != NULL)
		return param_store(p, v, err);
	rc = tls_cfg_global_set(name, v, err);
	if (rc == E_NOTFOUND) {
		*err = err_fmt("unknown global parameter '%s'", name);
		return E_INVAL;
	}
	return rc;
}

/* base/log follows debug, log_stderror and log_facility. */
static void
log_follow_cfg(void)
{
	const struct param_def *f = param_find_def(core_params,
	    "log_facility");

	log_level = core_cfg.debug;
	log_stderr = core_cfg.log_stderror != 0;
	log_facility_parse(param_str(f, core_cfg.log_facility), &log_facility);
}

void
core_cfg_reset(void)
{
	struct listen_cfg *l, *ln;
	struct alias_cfg *a, *an;

	for (l = core_cfg.listen; l != NULL; l = ln) {
		ln = l->next;
		pkg_free(l->host);
		pkg_free(l);
	}
	for (a = core_cfg.alias; a != NULL; a = an) {
		an = a->next;
		pkg_free(a->host);
		pkg_free(a);
	}
	core_cfg.listen = NULL;
	core_cfg.alias = NULL;
	/* strings are only freed: no allocation */
	param_defaults(core_params, NULL, false);
	log_follow_cfg();
}

/* The defaults are in place before main() (and before any unit test),
 * as a static initializer would put them: the table is the one place
 * they are written.  Nothing is allocated. */
__attribute__((constructor)) static void
core_cfg_defaults(void)
{
	param_defaults(core_params, NULL, false);
}
