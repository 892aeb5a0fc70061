/* forward.h: stateless forwarding of requests and replies, local replies.
 * Called from the script engine in the process that received the message. */
#ifndef FORWARD_H
#define FORWARD_H

#include <stdbool.h>

#include "../base/ip_addr.h"
#include "../base/str.h"
#include "../net/dest_info.h"

struct sip_msg;
struct socket_info;

/* Resolve host:port for proto into d (host: name, IPv4, [IPv6]).
 * port 0: the protocol's default.  0, E_NOTFOUND (no address), E_INVAL. */
int dest_resolve(struct dest_info *d, const struct str *host,
    unsigned short port, enum proto proto);

/* Send buf to d over its protocol.  0 or E_*. */
int msg_send(struct dest_info *d, const char *buf, size_t len);

/* A host given to forward() in the script.  An IP literal is parsed once,
 * by fwd_host_init() at fix-up, rather than for every message; a name is
 * still resolved per message (its address may change).  name must stay
 * valid (the script's string). */
struct fwd_host {
	struct str name; /* as written */
	bool is_ip;
	struct ip_addr ip; /* when is_ip */
};
void fwd_host_init(struct fwd_host *fh, const char *name);

/* forward(), forward_udp/tcp/tls(): host NULL means the next hop from the
 * message (dst_uri, Route, R-URI); proto PROTO_NONE means from the URI.
 * 0 or E_*; logs why on failure. */
int forward_request(struct sip_msg *msg, const struct fwd_host *host,
    unsigned short port, enum proto proto);

/* The pieces of forward_request(), for modules that relay a request to
 * several destinations (tm):
 * forward_dest() resolves the next hop (dst_uri, Route, R-URI, or host);
 * forward_build() writes the outgoing request for d into buf: our Via with
 * the given branch (NULL: a stateless branch), received/rport on the
 * previous Via and Max-Forwards lowered (once per message).  It may be
 * called once per branch.  Returns the length, or E_TOOBIG when
 * Max-Forwards is 0 or the buffer is too small, or another E_*. */
int forward_dest(struct sip_msg *msg, const struct fwd_host *host,
    unsigned short port, enum proto proto, struct dest_info *d);
/* forward_dest() in two steps, for a module with a resolver of its own
 * (tm, RFC 3263): forward_next_uri() gives the next hop's URI (a view
 * valid while msg is; a strict Route is rewritten into the R-URI first);
 * forward_dest_socket() picks d->send_sock for d->to and d->proto
 * (force_send_socket when its protocol matches).  0 or E_*
 * (forward_dest_socket: E_NOTFOUND, nothing logged). */
int forward_next_uri(struct sip_msg *msg, struct str *uri);
int forward_dest_socket(const struct sip_msg *msg, struct dest_info *d);
long forward_build(struct sip_msg *msg, struct dest_info *d, const char *branch,
    size_t blen, char *buf, size_t size);

/* Send a reply on to the next Via (after removing ours).  0 or E_*. */
int forward_reply(struct sip_msg *msg);

/* Build and send a reply for a request, statelessly (sl_send_reply).
 * 0 or E_*. */
int reply_local(struct sip_msg *msg, int code, const char *reason);

/* True for an ACK whose To tag is the one reply_local()/reply_build()
 * gives a reply to its INVITE (same Call-ID, From and Via branch, RFC
 * 3261 §17.1.1.3): the ACK of a non-2xx reply we sent ourselves, which
 * ends there and is not relayed.  Any process, the message's owner. */
bool reply_local_acked(struct sip_msg *msg);

/* The pieces of reply_local(), for tm: reply_build() writes the reply to
 * a request (top Via parsed) into buf: Vias (received/rport on the top
 * one), From, Call-ID, CSeq, To (with a To-tag that is the same for every
 * retransmission of the request), Record-Route for 101-299, the reply
 * lumps.  Returns the length, E_TOOBIG, E_PARSE or E_INVAL (a reply).
 * reply_dest() fills d with where a reply to msg goes (§18.2.2, RFC 3581,
 * force_rport).  Any process, the message's owner. */
long reply_build(struct sip_msg *msg, int code, const char *reason, char *buf,
    size_t size);
void reply_dest(const struct sip_msg *msg, struct dest_info *d);

/* Set by mf_process_maxfwd_header so that forward() does not touch
 * Max-Forwards again. */
#define MSG_FLAG_MAXFWD_DONE 0x80000000u
/* Set by force_rport(): replies go to the source port (RFC 3581). */
#define MSG_FLAG_FORCE_RPORT 0x40000000u
/* Internal: received/rport and Max-Forwards done; R-URI line rebuilt. */
#define MSG_FLAG_FWD_PREPARED 0x20000000u
#define MSG_FLAG_NEW_FIRST 0x10000000u

/* Statistics kept per process and summed by the control interface. */
struct fwd_stats {
	unsigned long rcv_requests, rcv_replies, fwd_requests, fwd_replies;
	unsigned long drop_requests, drop_replies, err_requests, err_replies;
	unsigned long local_replies, bad_msgs;
};
extern struct fwd_stats fwd_stats;

#endif
