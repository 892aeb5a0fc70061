/* net/dest_info.h: a resolved next hop, as the SIP layer hands it to a
 * transport (UDP, TCP, TLS).  Plain data. */
#ifndef NET_DEST_INFO_H
#define NET_DEST_INFO_H

#include <stdbool.h>

#include "../base/ip_addr.h"
#include "../base/str.h"

struct socket_info;

struct dest_info {
	enum proto proto;
	union sockaddr_union to;
	struct socket_info *send_sock;
	int conn_id;        /* stream connection to use, 0 = any */
	bool conn_only;     /* conn_id or nothing: no other or new
				   * connection (a UA reached over the
				   * connection it registered on) */
	bool existing_only; /* an open connection to d->to (its peer
				   * address or an alias) or nothing: never a
				   * new one (a flow token, RFC 5626) */
	struct str host;    /* target host as written (for TLS SNI and
				   * identity checks), may be empty */
};

#endif
