/* sip/target.h: where a request goes, beyond its R-URI (sip/ruri.h):
 * the next-hop override ($du), a Route set to add for the next hop (the
 * Path a contact was registered with, RFC 3327), the stream connection
 * it must go over (a contact registered over TCP/TLS is reached over its
 * own connection, never by a new one to the address in its Contact), the
 * socket to send from, and further targets for parallel forking (the
 * destination set that lookup() with append_branches fills and t_relay()
 * turns into branches).
 *
 * All of it is pkg memory of the message, in the process that received
 * it, released by msg_targets_free() with the message. */
#ifndef SIP_TARGET_H
#define SIP_TARGET_H

#include <stdbool.h>
#include <stddef.h>

struct sip_msg;
struct socket_info;

/* One target: the R-URI and its attributes.  Strings need not be
 * NUL-terminated (len given); a NULL string or 0 length means "none". */
struct branch {
	const char *uri;
	size_t uri_len;
	const char *dst_uri; /* next hop override */
	size_t dst_uri_len;
	const char *path; /* "<sip:a;lr>,<sip:b;lr>" */
	size_t path_len;
	int q;                    /* 0..1000, -1: none */
	int conn_id;              /* stream connection only, 0: any,
				       * MSG_CONN_GONE: one that is gone */
	struct socket_info *sock; /* send from, NULL: any */
	unsigned flags;           /* branch flags, for the script */
	bool serial;              /* held back: tm sends it only when every
				       * branch before it failed (another flow
				       * of the same UA, RFC 5626 §5.3) */
};

/* The most targets a destination set holds (tm's branch limit). */
#define BRANCH_MAX 12

/* $du.  len 0 (or s NULL) clears it.  0 or E_NOMEM. */
int msg_set_dst_uri(struct sip_msg *msg, const char *s, size_t len);
/* The Route set to add before the request's own Route headers, and, when
 * no $du is set, the next hop (its first URI).  0, E_PARSE (not a list
 * of <URI>) or E_NOMEM. */
int msg_set_path(struct sip_msg *msg, const char *s, size_t len);
/* Send over stream connection conn_id only (0: any connection, or a new
 * one).  When that connection is gone the send fails with E_CLOSED and
 * tm answers the branch with 480.  MSG_CONN_GONE (any negative value):
 * the target's connection is known to be gone (a contact restored from
 * the database after a restart, whose connection id meant a connection
 * of the previous run): a stream send fails with E_CLOSED at once, no
 * connection is opened. */
#define MSG_CONN_GONE (-1)
/* MSG_CONN_EXISTING: over an open connection to the destination address
 * only (a flow token in a Route, RFC 5626 §5.3: the UA's connection to
 * this proxy), never a new one: a send fails with E_CLOSED when none is
 * open, and tm answers 430 Flow Failed. */
#define MSG_CONN_EXISTING (-2)
void msg_set_conn(struct sip_msg *msg, int conn_id);

/* Add a target to the destination set (strings copied).  0, E_TOOBIG
 * (BRANCH_MAX reached) or E_NOMEM. */
int branch_append(struct sip_msg *msg, const struct branch *b);
/* Number of targets in the set, and target i (valid until the set
 * changes). */
int branch_count(const struct sip_msg *msg);
const struct branch *branch_get(const struct sip_msg *msg, int i);
/* Empty the set (t_relay() does once it made the branches). */
void branch_clear(struct sip_msg *msg);

/* The current target of msg as a struct branch (views into msg; valid
 * until its targets change), and making b the current one (R-URI, $du,
 * path, connection, socket; b's strings are copied).  tm uses the pair
 * to build one branch per target and to come back to the first.
 * msg_target_set: 0 or E_*. */
void msg_target_get(struct sip_msg *msg, struct branch *b);
int msg_target_set(struct sip_msg *msg, const struct branch *b);
/* Copy the current target (for restoring it after msg_target_set); free
 * the copy with branch_free_copy.  0 or E_NOMEM. */
int msg_target_save(struct sip_msg *msg, struct branch *copy);
void branch_free_copy(struct branch *copy);

/* Release the R-URI rewrite, $du, path and destination set (and the
 * lumps) of msg: the end of every message. */
void msg_targets_free(struct sip_msg *msg);

#endif
