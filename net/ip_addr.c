/* net/ip_addr.c: address conversions (see net_addr.h). */
#include <arpa/inet.h>
#include <string.h>

#include "../base/err.h"
#include "net_addr.h"

void
ip_addr_from_su(struct ip_addr *ip, const union sockaddr_union *su)
{
	memset(ip, 0, sizeof(*ip));
	switch (su->s.sa_family) {
	case AF_INET:
		ip->af = AF_INET;
		ip->len = 4;
		memcpy(ip->u.b, &su->sin.sin_addr, 4);
		break;
	case AF_INET6:
		ip->af = AF_INET6;
		ip->len = 16;
		memcpy(ip->u.b, &su->sin6.sin6_addr, 16);
		break;
	default:
		break;
	}
}

unsigned short
su_port(const union sockaddr_union *su)
{
	switch (su->s.sa_family) {
	case AF_INET:
		return ntohs(su->sin.sin_port);
	case AF_INET6:
		return ntohs(su->sin6.sin6_port);
	default:
		return 0;
	}
}

socklen_t
su_len(const union sockaddr_union *su)
{
	return su->s.sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					    : sizeof(struct sockaddr_in);
}

int
su_from_ip_port(union sockaddr_union *su, const struct ip_addr *ip,
    unsigned short port)
{
	memset(su, 0, sizeof(*su));
	switch (ip->af) {
	case AF_INET:
		su->sin.sin_family = AF_INET;
		su->sin.sin_port = htons(port);
		memcpy(&su->sin.sin_addr, ip->u.b, 4);
		return 0;
	case AF_INET6:
		su->sin6.sin6_family = AF_INET6;
		su->sin6.sin6_port = htons(port);
		memcpy(&su->sin6.sin6_addr, ip->u.b, 16);
		return 0;
	default:
		return E_INVAL;
	}
}

size_t
ip_addr_to_str(const struct ip_addr *ip, char *buf, size_t size)
{
	if ((ip->af != AF_INET && ip->af != AF_INET6) || size == 0)
		return 0;
	if (inet_ntop(ip->af, ip->u.b, buf, (socklen_t)size) == NULL) {
		buf[0] = '\0';
		return 0;
	}
	return strlen(buf);
}

int
ip_addr_parse(const char *s, size_t len, struct ip_addr *ip)
{
	char tmp[IP_ADDR_STR_MAX];

	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
		if (memchr(s, ':', len) == NULL)
			return E_PARSE; /* brackets are for IPv6 only */
	}
	if (len == 0 || len >= sizeof(tmp))
		return E_PARSE;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	memset(ip, 0, sizeof(*ip));
	if (memchr(tmp, ':', len) != NULL) {
		if (inet_pton(AF_INET6, tmp, ip->u.b) != 1)
			return E_PARSE;
		ip->af = AF_INET6;
		ip->len = 16;
		return 0;
	}
	if (inet_pton(AF_INET, tmp, ip->u.b) != 1)
		return E_PARSE;
	ip->af = AF_INET;
	ip->len = 4;
	return 0;
}

bool
ip_addr_is_any(const struct ip_addr *ip)
{
	unsigned i;

	for (i = 0; i < ip->len; i++)
		if (ip->u.b[i] != 0)
			return false;
	return ip->len != 0;
}

void
ip_addr_any(struct ip_addr *ip, int af)
{
	memset(ip, 0, sizeof(*ip));
	ip->af = af;
	ip->len = af == AF_INET6 ? 16 : 4;
}
