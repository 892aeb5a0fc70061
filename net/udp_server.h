/* net/udp_server.h: receiving and sending SIP over UDP. */
#ifndef NET_UDP_SERVER_H
#define NET_UDP_SERVER_H

#include <signal.h>
#include <stddef.h>

#include "../base/ip_addr.h"

struct socket_info;

/* Largest datagram read; the buffer has one more byte for a NUL. */
#define UDP_BUF_SIZE 65535
/* Shorter datagrams are dropped without a word (CRLF pings are 2 or 4). */
#define UDP_MIN_MSG 4

/* Set (e.g. from a signal handler or a receive_fn) to make
 * udp_rcv_loop() return after the datagram or signal it is handling. */
extern volatile sig_atomic_t udp_stop;

/* Read datagrams from si (bound by udp_bind_all) forever, calling fn with
 * rcv filled: src/dst ip and port, proto UDP, bind = si, src_su.  For a
 * wildcard socket dst_ip is the wildcard address.  Returns 0 when udp_stop
 * is set, E_IO on an unrecoverable socket error.  A UDP receiver process
 * (or the main process with fork=no); uses a static buffer, so one loop
 * per process. */
int udp_rcv_loop(struct socket_info *si, receive_fn fn);

/* Send one datagram of len bytes from si to `to`.  Any process.  Returns
 * 0, E_INVAL (no socket / family mismatch / too big) or E_IO (sendto
 * failed; errno is kept). */
int udp_send(struct socket_info *si, const char *buf, size_t len,
    const union sockaddr_union *to);

#endif
