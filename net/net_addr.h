/* net/net_addr.h: conversions between ip_addr, sockaddr_union and text.
 * Pure functions, no state, no logging: callable from any process. */
#ifndef NET_NET_ADDR_H
#define NET_NET_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "../base/ip_addr.h"

/* Room for any address from ip_addr_to_str(), NUL included. */
#define IP_ADDR_STR_MAX 46

/* Copy the address of an AF_INET/AF_INET6 sockaddr into *ip (zeroed for
 * any other family). */
void ip_addr_from_su(struct ip_addr *ip, const union sockaddr_union *su);
/* Port of su in host order (0 for other families). */
unsigned short su_port(const union sockaddr_union *su);
/* Length to pass to bind/sendto for su's family. */
socklen_t su_len(const union sockaddr_union *su);
/* Build a sockaddr from ip and port (host order).  Returns 0 or E_INVAL
 * (unknown family). */
int su_from_ip_port(union sockaddr_union *su, const struct ip_addr *ip,
    unsigned short port);
/* Write ip as text (IPv6 without brackets) into buf (size bytes, at least
 * IP_ADDR_STR_MAX is always enough), NUL-terminated.  Returns the length,
 * or 0 if it did not fit or the family is unknown. */
size_t ip_addr_to_str(const struct ip_addr *ip, char *buf, size_t size);
/* Parse an IPv4 or IPv6 literal (IPv6 with or without brackets) of len
 * bytes (not NUL-terminated).  Returns 0 or E_PARSE. */
int ip_addr_parse(const char *s, size_t len, struct ip_addr *ip);
/* 0.0.0.0 or :: */
bool ip_addr_is_any(const struct ip_addr *ip);
/* The wildcard address of family af. */
void ip_addr_any(struct ip_addr *ip, int af);

#endif
