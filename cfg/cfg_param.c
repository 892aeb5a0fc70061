/* cfg_param.c: the parameter table machinery and the core's globals. */
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "cfg_param.h"
#include "cfg_tls.h"
#include "../base/err.h"
#include "core_cfg.h"
#include "../base/log.h"
#include "../mem/pkg.h"

#define CORE_DEFAULTS                                                      \
	{                                                                  \
		.debug = L_WARN, .fork = 1, .port = 5060, .children = 8,   \
		.tcp_max_connections = 2048, .tcp_connection_lifetime = 120, \
		.tcp_connect_timeout = 10, .tcp_send_timeout = 10,         \
		.tcp_max_msg_size = 65536,                                 \
	}

/* tcp_children 0: as many as "children". */
struct core_cfg core_cfg = CORE_DEFAULTS;

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

int
param_store(const struct param_def *p, const struct cfg_val *v, char **err)
{
	char *s, **sp;
	int b;

	if (p->set != NULL)
		return p->set(p, v, err);
	switch (p->kind) {
	case PK_INT:
		if (v->type != CV_NUM) {
			*err = err_fmt("%s: expected a number, got '%s'",
			    p->name, v->s);
			return E_INVAL;
		}
		if ((p->min != 0 || p->max != 0) &&
		    (v->n < p->min || v->n > p->max)) {
			*err = err_fmt("%s: %ld is out of range %ld..%ld",
			    p->name, v->n, p->min, p->max);
			return E_INVAL;
		}
		*(int *)p->target = (int)v->n;
		return 0;
	case PK_BOOL:
		if (!param_parse_bool(v, &b)) {
			*err = err_fmt("%s: expected a boolean (yes/no, on/off,"
			    " true/false, 1/0), got '%s'", p->name, v->s);
			return E_INVAL;
		}
		*(int *)p->target = b;
		return 0;
	case PK_STR:
		if ((s = pkg_strndup(v->s, v->len)) == NULL)
			return E_NOMEM;
		sp = p->target;
		pkg_free(*sp);
		*sp = s;
		return 0;
	case PK_SET:
		break;
	}
	*err = err_fmt("%s: cannot be set", p->name);
	return E_INVAL;
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

static int
set_debug(const struct param_def *p, const struct cfg_val *v, char **err)
{
	if (v->type != CV_NUM) {
		*err = err_fmt("%s: expected a number, got '%s'", p->name,
		    v->s);
		return E_INVAL;
	}
	if (v->n < p->min || v->n > p->max) {
		*err = err_fmt("%s: %ld is out of range %ld..%ld", p->name,
		    v->n, p->min, p->max);
		return E_INVAL;
	}
	core_cfg.debug = (int)v->n;
	log_level = (int)v->n;
	return 0;
}

static int
set_log_stderror(const struct param_def *p, const struct cfg_val *v,
    char **err)
{
	int b;

	if (!param_parse_bool(v, &b)) {
		*err = err_fmt("%s: expected a boolean (yes/no, on/off, "
		    "true/false, 1/0), got '%s'", p->name, v->s);
		return E_INVAL;
	}
	core_cfg.log_stderror = b;
	log_stderr = b != 0;
	return 0;
}

static int
set_log_facility(const struct param_def *p, const struct cfg_val *v,
    char **err)
{
	static const struct {
		const char *name;
		int fac;
	} facs[] = {
		{ "LOG_DAEMON", LOG_DAEMON }, { "LOG_LOCAL0", LOG_LOCAL0 },
		{ "LOG_LOCAL1", LOG_LOCAL1 }, { "LOG_LOCAL2", LOG_LOCAL2 },
		{ "LOG_LOCAL3", LOG_LOCAL3 }, { "LOG_LOCAL4", LOG_LOCAL4 },
		{ "LOG_LOCAL5", LOG_LOCAL5 }, { "LOG_LOCAL6", LOG_LOCAL6 },
		{ "LOG_LOCAL7", LOG_LOCAL7 },
	};
	size_t i;
	char *s;

	for (i = 0; i < sizeof(facs) / sizeof(facs[0]); i++) {
		if (strcasecmp(v->s, facs[i].name) != 0)
			continue;
		if ((s = pkg_strndup(facs[i].name, strlen(facs[i].name))) ==
		    NULL)
			return E_NOMEM;
		pkg_free(core_cfg.log_facility);
		core_cfg.log_facility = s;
		log_facility = facs[i].fac;
		return 0;
	}
	*err = err_fmt("%s: unknown facility '%s' (expected LOG_DAEMON or "
	    "LOG_LOCAL0..LOG_LOCAL7)", p->name, v->s);
	return E_INVAL;
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

/* clang-format off */
#define INT(n, t, lo, hi, d) { .name = n, .kind = PK_INT, .target = t, .min = lo, .max = hi, .doc = d }
#define BOOL(n, t, d) { .name = n, .kind = PK_BOOL, .target = t, .doc = d }
#define STR(n, t, d) { .name = n, .kind = PK_STR, .target = t, .doc = d }
#define SET(n, fn, lo, hi, d) { .name = n, .kind = PK_SET, .set = fn, .min = lo, .max = hi, .doc = d }
const struct param_def core_params[] = {
	SET("debug", set_debug, -3, 9,           "log level: -3 alert .. 4 debug (default 1, warnings)"),
	BOOL("fork", &core_cfg.fork,              "run as a daemon with worker processes (default yes)"),
	SET("log_stderror", set_log_stderror, 0, 0, "log to stderr instead of syslog (default no)"),
	SET("log_facility", set_log_facility, 0, 0, "syslog facility: LOG_DAEMON, LOG_LOCAL0..7"),
	BOOL("check_via", &core_cfg.check_via,    "check the Via host of replies (default no)"),
	BOOL("dns", &core_cfg.dns,                "DNS check of the Via host, adds received= (default no)"),
	BOOL("rev_dns", &core_cfg.rev_dns,        "reverse DNS check of the source (default no)"),
	SET("listen", set_listen, 0, 0,          "[proto:]host[:port] to listen on; repeatable"),
	SET("alias", set_alias, 0, 0,            "host[:port] that is also this proxy; repeatable"),
	INT("port", &core_cfg.port, 1, 65535,     "default SIP port (5060)"),
	INT("children", &core_cfg.children, 1, 1024, "UDP worker processes per socket (8)"),
	INT("tcp_children", &core_cfg.tcp_children, 1, 1024, "TCP worker processes (default: children)"),
	BOOL("disable_tcp", &core_cfg.disable_tcp, "do not use TCP (default no)"),
	INT("open_files_limit", &core_cfg.open_files_limit, 1, INT_MAX, "RLIMIT_NOFILE to set (default: unchanged)"),
	STR("fifo", &core_cfg.fifo,               "FIFO control file path (default: none)"),
	STR("user", &core_cfg.user,               "user to run as"),
	STR("group", &core_cfg.group,             "group to run as"),
	STR("mpath", &core_cfg.mpath,             "module search path"),
	INT("tcp_max_connections", &core_cfg.tcp_max_connections, 1, 1048576, "most open TCP/TLS connections (2048)"),
	INT("tcp_connection_lifetime", &core_cfg.tcp_connection_lifetime, 1, 2592000, "idle TCP connection lifetime, s (120)"),
	INT("tcp_connect_timeout", &core_cfg.tcp_connect_timeout, 1, 3600, "TCP connect timeout, s (10)"),
	INT("tcp_send_timeout", &core_cfg.tcp_send_timeout, 1, 3600, "TCP send timeout, s (10)"),
	BOOL("tcp_accept_aliases", &core_cfg.tcp_accept_aliases, "honour ;alias in Via (default no)"),
	INT("tcp_max_msg_size", &core_cfg.tcp_max_msg_size, 1024, 16777216, "largest SIP message over TCP, bytes (65536)"),
	PARAM_END
};
#undef INT
#undef BOOL
#undef STR
#undef SET
/* clang-format on */

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

void
core_cfg_reset(void)
{
	struct core_cfg d = CORE_DEFAULTS;
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
	pkg_free(core_cfg.log_facility);
	pkg_free(core_cfg.fifo);
	pkg_free(core_cfg.user);
	pkg_free(core_cfg.group);
	pkg_free(core_cfg.mpath);
	/* keep what the command line set */
	d.cfg_file = core_cfg.cfg_file;
	d.cfg_dir = core_cfg.cfg_dir;
	d.shm_mb = core_cfg.shm_mb;
	d.pkg_mb = core_cfg.pkg_mb;
	d.dont_daemonize = core_cfg.dont_daemonize;
	d.pid_file = core_cfg.pid_file;
	d.check_only = core_cfg.check_only;
	core_cfg = d;
	log_level = L_WARN;
	log_stderr = false;
	log_facility = LOG_DAEMON;
}
