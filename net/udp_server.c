/* net/udp_server.c: the UDP receive loop and send. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#define LOG_MODULE "udp"
#include "../base/err.h"
#include "../base/log.h"
#include "net_addr.h"
#include "socket_info.h"
#include "udp_server.h"

volatile sig_atomic_t udp_stop;

int
udp_rcv_loop(struct socket_info *si, receive_fn fn)
{
	static char buf[UDP_BUF_SIZE + 1];
	struct receive_info rcv;
	union sockaddr_union from;
	socklen_t flen;
	ssize_t n;

	if (si == NULL || si->fd == -1 || fn == NULL)
		return E_INVAL;
	memset(&rcv, 0, sizeof(rcv));
	rcv.dst_ip = si->address;
	rcv.dst_port = si->port;
	rcv.proto = PROTO_UDP;
	rcv.bind = si;
	while (!udp_stop) {
		flen = sizeof(from);
		n = recvfrom(si->fd, buf, UDP_BUF_SIZE, 0, &from.s, &flen);
		if (n == -1) {
			switch (errno) {
			case EINTR:
			case EAGAIN:
			case ECONNREFUSED: /* ICMP for an earlier send */
			case EHOSTUNREACH:
			case ENETUNREACH:
			case ENOMEM:
				continue;
			default:
				LM_ERRNO(L_ERR, errno, "recvfrom on udp:%s:%s",
				    si->address_str, si->port_str);
				return E_IO;
			}
		}
		if (n < UDP_MIN_MSG)
			continue;
		buf[n] = '\0';
		rcv.src_su = from;
		ip_addr_from_su(&rcv.src_ip, &from);
		rcv.src_port = su_port(&from);
		fn(buf, (size_t)n, &rcv);
	}
	return 0;
}

int
udp_send(struct socket_info *si, const char *buf, size_t len,
    const union sockaddr_union *to)
{
	ssize_t n;

	if (si == NULL || si->fd == -1 || len > UDP_BUF_SIZE ||
	    to->s.sa_family != si->address.af)
		return E_INVAL;
	do {
		n = sendto(si->fd, buf, len, 0, &to->s, su_len(to));
	} while (n == -1 && errno == EINTR);
	if (n == -1) {
		LM_ERRNO(L_DBG, errno, "sendto from udp:%s:%s", si->address_str,
		    si->port_str);
		return E_IO;
	}
	return 0;
}
