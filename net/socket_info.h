/* net/socket_info.h: the listening sockets.
 *
 * Built by the main process from core_cfg before fork (sockets_from_cfg),
 * bound there (udp_bind_all; TCP/TLS by tcp_main.c), then read-only: every
 * process holds an identical copy at the same address, so a socket_info
 * pointer may be stored in shm and used by any process.  The structs live
 * in the main process's pkg memory; nothing is locked. */
#ifndef NET_SOCKET_INFO_H
#define NET_SOCKET_INFO_H

#include <stdbool.h>
#include <stdio.h>

#include "../cfg/core_cfg.h"
#include "../base/ip_addr.h"
#include "../base/str.h"
#include "../base/proto.h"
#include "net_addr.h"

#define SOCKET_NAME_MAX 256

/* in pkg of the main process, read-only after fork */
struct socket_info {
	int fd;                            /* -1 until bound */
	enum proto proto;                  /* UDP, TCP or TLS */
	struct ip_addr address;
	char address_str[IP_ADDR_STR_MAX]; /* IPv6 without brackets */
	char via_host[IP_ADDR_STR_MAX + 2]; /* IPv6 with brackets (Via, RR) */
	unsigned short port;
	char port_str[8];
	union sockaddr_union su;           /* address + port, for bind() */
	char name[SOCKET_NAME_MAX];        /* host as written in the config */
	bool is_any;                       /* 0.0.0.0 or :: */
	const char *cfg_file;              /* its listen line; NULL: none */
	int cfg_line;
	struct socket_info *next;
};

extern struct socket_info *udp_listen, *tcp_listen, *tls_listen;

/* The text for a failed bind(si) with errno e: the config line, the
 * address and what to do; in buf (returned). */
const char *socket_bind_error(const struct socket_info *si, int e,
    char *buf, size_t size);
/* Set by the caller before sockets_from_cfg(): add TLS sockets for listen
 * lines without a protocol. */
extern bool socket_tls_enabled;
/* Default TLS port (5061); the TLS layer may change it before
 * sockets_from_cfg(). */
extern int tls_port_no;

/* Build udp_listen/tcp_listen/tls_listen from cfg->listen:
 *  - "udp:", "tcp:", "tls:" entries go to that list;
 *  - entries without a protocol go to udp, tcp (unless disable_tcp) and
 *    tls (when socket_tls_enabled; always on tls_port_no);
 *  - port 0 means cfg->port (5060 when 0) or tls_port_no for TLS;
 *  - host "*", "0.0.0.0" or "::" is the wildcard; a name is resolved with
 *    getaddrinfo and its first address used; the name is kept in ->name;
 *  - no listen lines at all: every address of every interface that is up
 *    (IPv4 and non-link-local IPv6), for udp, tcp and tls as above.
 * Duplicates (same proto, address, port) are dropped.  cfg's alias list is
 * remembered for socket_is_myself(), so cfg must outlive the sockets.
 * Main process, before fork.  Returns 0, E_INVAL (bad/unresolvable host,
 * message in *err, valid until the next call) or E_NOMEM. */
int sockets_from_cfg(const struct core_cfg *cfg, char **err);
/* Close and free every socket_info.  Main process (or tests). */
void sockets_free_all(void);
/* Head of the list for a protocol (NULL for others). */
struct socket_info *socket_list(enum proto proto);
/* Number of sockets in a list. */
int socket_count(enum proto proto);

/* Create and bind every socket of udp_listen (SO_REUSEADDR, IPV6_V6ONLY,
 * 4 MB buffers asked for, close-on-exec).  A port of 0 is replaced by the
 * one the kernel chose.  Main process, before fork.  Returns 0 or E_IO
 * with "bind udp ADDR:PORT: strerror" in *err. */
int udp_bind_all(char **err);

/* Is host[:port] this proxy (the script's "myself")?  host is an IP
 * literal (IPv6 with or without brackets) or a name (compared without
 * case to listen names and aliases).  port 0 matches any port, as does an
 * alias without port; proto PROTO_NONE matches any protocol.  Any
 * process, no lock. */
bool socket_is_myself(const struct str *host, unsigned short port,
    enum proto proto);
/* The socket bound to ip:port for proto, else a wildcard socket of that
 * family and port, else NULL.  Any process. */
struct socket_info *socket_find(const struct ip_addr *ip, unsigned short port,
    enum proto proto);
/* A socket to send to dst over proto: the first of that protocol and
 * address family (wildcard ones included), else NULL.  Any process. */
struct socket_info *socket_for_dst(const union sockaddr_union *dst,
    enum proto proto);
/* Print the "Listening on" and "Aliases" lists, as at startup. */
void socket_print_all(FILE *f);

#endif
