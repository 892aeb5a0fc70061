/* forward.h: stateless forwarding of requests and replies, local replies.
 * Called from the script engine in the process that received the message. */
#ifndef FORWARD_H
#define FORWARD_H

#include "ip_addr.h"
#include "str.h"

struct sip_msg;
struct socket_info;

/* A resolved next hop. */
struct dest_info {
	enum proto proto;
	union sockaddr_union to;
	struct socket_info *send_sock;
	int conn_id;              /* stream connection to use, 0 = any */
	struct str host;          /* target host as written (for TLS SNI and
				   * identity checks), may be empty */
};

/* Resolve host:port for proto into d (host: name, IPv4, [IPv6]).
 * port 0: the protocol's default.  0, E_NOTFOUND (no address), E_INVAL. */
int dest_resolve(struct dest_info *d, const struct str *host,
    unsigned short port, enum proto proto);

/* Send buf to d over its protocol.  0 or E_*. */
int msg_send(struct dest_info *d, const char *buf, size_t len);

/* forward(), forward_udp/tcp/tls(): host NULL means the next hop from the
 * message (dst_uri, Route, R-URI); proto PROTO_NONE means from the URI.
 * 0 or E_*; logs why on failure. */
int forward_request(struct sip_msg *msg, const struct str *host,
    unsigned short port, enum proto proto);

/* Send a reply on to the next Via (after removing ours).  0 or E_*. */
int forward_reply(struct sip_msg *msg);

/* Build and send a reply for a request, statelessly (sl_send_reply).
 * 0 or E_*. */
int reply_local(struct sip_msg *msg, int code, const char *reason);

/* Set by mf_process_maxfwd_header so that forward() does not touch
 * Max-Forwards again. */
#define MSG_FLAG_MAXFWD_DONE 0x80000000u

/* Statistics kept per process and summed by the control interface. */
struct fwd_stats {
	unsigned long rcv_requests, rcv_replies, fwd_requests, fwd_replies;
	unsigned long drop_requests, drop_replies, err_requests, err_replies;
	unsigned long local_replies, bad_msgs;
};
extern struct fwd_stats fwd_stats;

#endif
