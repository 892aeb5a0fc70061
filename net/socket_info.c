/* net/socket_info.c: listening sockets from the config (see socket_info.h). */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LOG_MODULE "net"
#include "../base/err.h"
#include "../base/log.h"
#include "../mem/pkg.h"
#include "socket_info.h"

struct socket_info *udp_listen, *tcp_listen, *tls_listen;
bool socket_tls_enabled;
int tls_port_no = 5061;

static const struct alias_cfg *aliases;
/* the listen line being turned into sockets (NULL: interfaces) */
static const struct listen_cfg *cur_listen;
/* The addresses of this host's interfaces, kept when a socket listens on
 * the wildcard address: a URI naming one of them is "myself" for that
 * socket.  pkg of the main process, read-only after fork. */
static struct ip_addr *local_addrs;
static int n_local_addrs;
static char errbuf[768];

static int
set_err(char **err, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
set_err(char **err, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	if (err != NULL)
		*err = errbuf;
	return rc;
}

static struct socket_info **
list_head(enum proto proto)
{
	switch (proto) {
	case PROTO_UDP: return &udp_listen;
	case PROTO_TCP: return &tcp_listen;
	case PROTO_TLS: return &tls_listen;
	default: return NULL;
	}
}

struct socket_info *
socket_list(enum proto proto)
{
	struct socket_info **h = list_head(proto);

	return h != NULL ? *h : NULL;
}

int
socket_count(enum proto proto)
{
	struct socket_info *si;
	int n = 0;

	for (si = socket_list(proto); si != NULL; si = si->next)
		n++;
	return n;
}

/* Append one socket to its list unless the same one is there already. */
static int
socket_add(enum proto proto, const struct ip_addr *ip, unsigned short port,
    const char *name)
{
	struct socket_info **h = list_head(proto), *si;

	for (; *h != NULL; h = &(*h)->next)
		if ((*h)->port == port && ip_addr_eq(&(*h)->address, ip))
			return 0;
	if ((si = pkg_zalloc(sizeof(*si))) == NULL)
		return E_NOMEM;
	si->fd = -1;
	si->proto = proto;
	si->address = *ip;
	ip_addr_to_str(ip, si->address_str, sizeof(si->address_str));
	snprintf(si->via_host, sizeof(si->via_host), "%s%s%s",
	    ip->af == AF_INET6 ? "[" : "", si->address_str,
	    ip->af == AF_INET6 ? "]" : "");
	si->port = port;
	snprintf(si->port_str, sizeof(si->port_str), "%u", port);
	su_from_ip_port(&si->su, ip, port);
	snprintf(si->name, sizeof(si->name), "%s",
	    name != NULL ? name : si->address_str);
	si->is_any = ip_addr_is_any(ip);
	if (cur_listen != NULL) {
		si->cfg_file = cur_listen->pos.file;
		si->cfg_line = cur_listen->pos.line;
	}
	*h = si;
	return 0;
}

/* Add ip for proto (PROTO_NONE: every enabled protocol). */
static int
socket_add_protos(const struct core_cfg *cfg, enum proto proto,
    const struct ip_addr *ip, unsigned short port, const char *name)
{
	unsigned short dflt = cfg->port > 0 ? (unsigned short)cfg->port : 5060;
	int rc;

	if (proto != PROTO_NONE)
		return socket_add(proto, ip, port ? port
		    : proto == PROTO_TLS ? (unsigned short)tls_port_no : dflt,
		    name);
	if ((rc = socket_add(PROTO_UDP, ip, port ? port : dflt, name)) != 0)
		return rc;
	if (!cfg->disable_tcp &&
	    (rc = socket_add(PROTO_TCP, ip, port ? port : dflt, name)) != 0)
		return rc;
	if (socket_tls_enabled && !cfg->disable_tcp)
		rc = socket_add(PROTO_TLS, ip, (unsigned short)tls_port_no,
		    name);
	return rc;
}

/* "*", an IP literal or a name -> one address. */
static int
host_resolve(const char *host, struct ip_addr *ip, char **err)
{
	struct addrinfo hints, *res;
	int rc;

	if (strcmp(host, "*") == 0) {
		ip_addr_any(ip, AF_INET);
		return 0;
	}
	if (ip_addr_parse(host, strlen(host), ip) == 0)
		return 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	if ((rc = getaddrinfo(host, NULL, &hints, &res)) != 0)
		return set_err(err, E_INVAL, "cannot resolve listen address "
		    "\"%s\": %s", host, gai_strerror(rc));
	ip_addr_from_su(ip, (const union sockaddr_union *)(void *)res->ai_addr);
	freeaddrinfo(res);
	return ip->len != 0 ? 0 : set_err(err, E_INVAL,
	    "listen address \"%s\" has no IPv4/IPv6 address", host);
}

static bool
is_link_local6(const struct ip_addr *ip)
{
	return ip->af == AF_INET6 && ip->u.b[0] == 0xfe &&
	    (ip->u.b[1] & 0xc0) == 0x80;
}

/* No listen lines: every address of every interface that is up. */
static int
sockets_from_ifaces(const struct core_cfg *cfg, char **err)
{
	struct ifaddrs *ifa, *i;
	struct ip_addr ip;
	int rc = 0;

	if (getifaddrs(&ifa) == -1)
		return set_err(err, E_IO, "getifaddrs: %s", strerror(errno));
	for (i = ifa; i != NULL && rc == 0; i = i->ifa_next) {
		if (i->ifa_addr == NULL || !(i->ifa_flags & IFF_UP))
			continue;
		if (i->ifa_addr->sa_family != AF_INET &&
		    i->ifa_addr->sa_family != AF_INET6)
			continue;
		ip_addr_from_su(&ip,
		    (const union sockaddr_union *)(void *)i->ifa_addr);
		if (is_link_local6(&ip))
			continue;
		rc = socket_add_protos(cfg, PROTO_NONE, &ip, 0, NULL);
	}
	freeifaddrs(ifa);
	if (rc == 0 && udp_listen == NULL)
		rc = set_err(err, E_INVAL, "no listen line and no usable "
		    "interface address");
	return rc;
}

static bool
any_wildcard(void)
{
	static const enum proto protos[] = { PROTO_UDP, PROTO_TCP, PROTO_TLS };
	struct socket_info *si;
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		for (si = socket_list(protos[i]); si != NULL; si = si->next)
			if (si->is_any)
				return true;
	return false;
}

/* With a wildcard listen address, remember every interface address (up
 * or not: an interface may come up later). */
static int
local_addrs_load(char **err)
{
	struct ifaddrs *ifa, *i;
	int n = 0;

	if (!any_wildcard())
		return 0;
	if (getifaddrs(&ifa) == -1)
		return set_err(err, E_IO, "getifaddrs: %s", strerror(errno));
	for (i = ifa; i != NULL; i = i->ifa_next)
		if (i->ifa_addr != NULL && (i->ifa_addr->sa_family == AF_INET ||
		    i->ifa_addr->sa_family == AF_INET6))
			n++;
	if (n > 0 && (local_addrs = pkg_malloc(sizeof(*local_addrs) *
	    (size_t)n)) == NULL) {
		freeifaddrs(ifa);
		return set_err(err, E_NOMEM, "out of memory");
	}
	for (i = ifa; i != NULL; i = i->ifa_next)
		if (i->ifa_addr != NULL && (i->ifa_addr->sa_family == AF_INET ||
		    i->ifa_addr->sa_family == AF_INET6))
			ip_addr_from_su(&local_addrs[n_local_addrs++],
			    (const union sockaddr_union *)(void *)i->ifa_addr);
	freeifaddrs(ifa);
	return 0;
}

static bool
is_local_addr(const struct ip_addr *ip)
{
	int i;

	for (i = 0; i < n_local_addrs; i++)
		if (ip_addr_eq(&local_addrs[i], ip))
			return true;
	return false;
}

int
sockets_from_cfg(const struct core_cfg *cfg, char **err)
{
	const struct listen_cfg *l;
	struct ip_addr ip;
	int rc = 0;

	aliases = cfg->alias;
	if (cfg->listen == NULL)
		rc = sockets_from_ifaces(cfg, err);
	for (l = cfg->listen; l != NULL && rc == 0; l = l->next) {
		if (l->host == NULL || l->host[0] == '\0') {
			rc = set_err(err, E_INVAL, "empty listen address");
			break;
		}
		if (l->proto != PROTO_NONE && l->proto != PROTO_UDP &&
		    l->proto != PROTO_TCP && l->proto != PROTO_TLS) {
			rc = set_err(err, E_INVAL, "listen %s: unsupported "
			    "protocol %s", l->host, proto_name(l->proto));
			break;
		}
		if ((rc = host_resolve(l->host, &ip, err)) != 0)
			break;
		cur_listen = l;
		rc = socket_add_protos(cfg, l->proto, &ip, l->port, l->host);
		cur_listen = NULL;
		if (rc == E_NOMEM)
			set_err(err, rc, "out of memory");
	}
	if (rc == 0)
		rc = local_addrs_load(err);
	if (rc != 0)
		sockets_free_all();
	return rc;
}

static void
list_free(struct socket_info **h)
{
	struct socket_info *si, *next;

	for (si = *h; si != NULL; si = next) {
		next = si->next;
		if (si->fd != -1)
			close(si->fd);
		pkg_free(si);
	}
	*h = NULL;
}

void
sockets_free_all(void)
{
	list_free(&udp_listen);
	list_free(&tcp_listen);
	list_free(&tls_listen);
	aliases = NULL;
	pkg_free(local_addrs);
	local_addrs = NULL;
	n_local_addrs = 0;
}

const char *
socket_bind_error(const struct socket_info *si, int e, char *buf,
    size_t size)
{
	char where[300];
	const char *hint = "";

	if (si->cfg_file != NULL)
		snprintf(where, sizeof(where), "%s:%d: listen=%s:%s:%u",
		    si->cfg_file, si->cfg_line, proto_name(si->proto),
		    si->name, si->port);
	else
		snprintf(where, sizeof(where), "no listen line, interface "
		    "address %s:%s:%u", proto_name(si->proto), si->via_host,
		    si->port);
	switch (e) {
	case EADDRINUSE:
		hint = "another process already listens on this address and "
		    "port (`ss -lnp` shows which; is another proxy running?): "
		    "stop it, or change the port";
		break;
	case EADDRNOTAVAIL:
		hint = "this host has no such address: listen on one of its "
		    "interface addresses (`ip addr`), or on 0.0.0.0";
		break;
	case EACCES:
		hint = "ports below 1024 need root (or CAP_NET_BIND_SERVICE): "
		    "start as root with user= for the children, or use a port "
		    "above 1023";
		break;
	default:
		break;
	}
	snprintf(buf, size, "%s: cannot bind %s %s%s%s:%u: %s%s%s", where,
	    proto_name(si->proto), si->address.af == AF_INET6 ? "[" : "",
	    si->address_str, si->address.af == AF_INET6 ? "]" : "", si->port,
	    strerror(e), hint[0] ? "; " : "", hint);
	return buf;
}

static int
udp_bind_one(struct socket_info *si, char **err)
{
	union sockaddr_union su;
	socklen_t len = sizeof(su);
	int on = 1, buf = 4 * 1024 * 1024, e;
	char ebuf[512];

	si->fd = socket(si->address.af, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (si->fd == -1)
		return set_err(err, E_IO, "socket udp %s: %s", si->address_str,
		    strerror(errno));
	setsockopt(si->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (si->address.af == AF_INET6)
		setsockopt(si->fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	/* the kernel caps these at net.core.[rw]mem_max; a failure is not
	 * fatal, the default buffers work, only bursts drop earlier */
	setsockopt(si->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(si->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	if (bind(si->fd, &si->su.s, su_len(&si->su)) == -1) {
		e = errno;
		close(si->fd);
		si->fd = -1;
		return set_err(err, E_IO, "%s",
		    socket_bind_error(si, e, ebuf, sizeof(ebuf)));
	}
	if (si->port == 0 && getsockname(si->fd, &su.s, &len) == 0) {
		si->port = su_port(&su);
		snprintf(si->port_str, sizeof(si->port_str), "%u", si->port);
		si->su = su;
	}
	return 0;
}

int
udp_bind_all(char **err)
{
	struct socket_info *si;
	int rc;

	for (si = udp_listen; si != NULL; si = si->next) {
		if (si->fd != -1)
			continue;
		if ((rc = udp_bind_one(si, err)) != 0)
			return rc;
	}
	return 0;
}

/* host equals name, both possibly IP literals (brackets ignored). */
static bool
host_matches(const struct str *host, const struct ip_addr *hip,
    const char *name)
{
	struct ip_addr nip;

	if (hip != NULL)
		return ip_addr_parse(name, strlen(name), &nip) == 0 &&
		    ip_addr_eq(hip, &nip);
	return str_caseeq_c(host, name);
}

bool
socket_is_myself(const struct str *host, unsigned short port,
    enum proto proto)
{
	static const enum proto protos[] = { PROTO_UDP, PROTO_TCP, PROTO_TLS };
	const struct alias_cfg *a;
	struct socket_info *si;
	struct ip_addr ip, *hip = NULL;
	size_t i;

	if (host == NULL || host->len == 0)
		return false;
	if (ip_addr_parse(host->s, host->len, &ip) == 0)
		hip = &ip;
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (proto != PROTO_NONE && proto != protos[i])
			continue;
		for (si = socket_list(protos[i]); si != NULL; si = si->next) {
			if (port != 0 && si->port != port)
				continue;
			if (hip == NULL ? str_caseeq_c(host, si->name)
					: ip_addr_eq(hip, &si->address) ||
					  (si->is_any &&
					   hip->af == si->address.af &&
					   is_local_addr(hip)))
				return true;
		}
	}
	for (a = aliases; a != NULL; a = a->next) {
		if (port != 0 && a->port != 0 && a->port != port)
			continue;
		if (a->host != NULL && host_matches(host, hip, a->host))
			return true;
	}
	return false;
}

struct socket_info *
socket_find(const struct ip_addr *ip, unsigned short port, enum proto proto)
{
	struct socket_info *si, *any = NULL;

	for (si = socket_list(proto); si != NULL; si = si->next) {
		if (si->port != port || si->address.af != ip->af)
			continue;
		if (ip_addr_eq(&si->address, ip))
			return si;
		if (si->is_any && any == NULL)
			any = si;
	}
	return any;
}

struct socket_info *
socket_for_dst(const union sockaddr_union *dst, enum proto proto)
{
	struct socket_info *si;

	for (si = socket_list(proto); si != NULL; si = si->next)
		if (si->address.af == dst->s.sa_family)
			return si;
	return NULL;
}

void
socket_print_all(FILE *f)
{
	static const enum proto protos[] = { PROTO_UDP, PROTO_TCP, PROTO_TLS };
	const struct alias_cfg *a;
	struct socket_info *si;
	size_t i;

	fprintf(f, "Listening on\n");
	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		for (si = socket_list(protos[i]); si != NULL; si = si->next)
			fprintf(f, "             %s: %s [%s]:%s\n",
			    proto_name(si->proto), si->name, si->address_str,
			    si->port_str);
	if (aliases == NULL)
		return;
	fprintf(f, "Aliases:\n");
	for (a = aliases; a != NULL; a = a->next) {
		if (a->port != 0)
			fprintf(f, "             *: %s:%u\n", a->host, a->port);
		else
			fprintf(f, "             *: %s:*\n", a->host);
	}
}
