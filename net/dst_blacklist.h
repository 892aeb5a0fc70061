/* net/dst_blacklist.h: the destination blocklist, in shm, shared by
 * every process.
 *
 * A next hop (transport, address, port) that did not answer (tm's
 * fr_timer ran out with no reply at all), refused (a TCP connect failed,
 * a send failed at once) or failed its TLS handshake is entered for
 * dst_blacklist_expire seconds; stateless forward() and tm skip it
 * meanwhile (tm goes on with the next DNS target).  The table takes at
 * most dst_blacklist_mem KB; when full, the entry closest to its expiry
 * goes.  Only with use_dst_blacklist=yes. */
#ifndef NET_DST_BLACKLIST_H
#define NET_DST_BLACKLIST_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/ip_addr.h"
#include "../base/proto.h"

/* Why a destination was entered. */
#define DST_BL_TIMEOUT 1u /* no reply before fr_timer */
#define DST_BL_REFUSED 2u /* connect refused / send error */
#define DST_BL_TLS 4u     /* TLS handshake failed */

/* Map the table (main process, after shm_init) and register its
 * statistics.  0 or E_NOMEM. */
int dst_blacklist_init(void);
void dst_blacklist_destroy(void);

/* Enter (or refresh) a destination for dst_blacklist_expire seconds.
 * No-op when use_dst_blacklist is off.  Any process. */
void dst_blacklist_add(enum proto proto, const union sockaddr_union *to,
    unsigned reason);

/* True when the destination is entered and not expired (counted as a
 * skip).  False when use_dst_blacklist is off.  Any process. */
bool dst_blacklist_check(enum proto proto, const union sockaddr_union *to);

/* Drop every entry; returns how many. */
int dst_blacklist_flush(void);

/* Each live entry until fn returns non-zero; under the table lock: fn
 * must not call the blocklist. */
typedef int (*dst_blacklist_walk_fn)(void *arg, enum proto proto,
    const union sockaddr_union *to, unsigned reason, unsigned ttl_left);
void dst_blacklist_walk(dst_blacklist_walk_fn fn, void *arg);

/* "timeout", "refused", "tls" joined with '|' into buf. */
const char *dst_blacklist_reason_str(unsigned reason, char *buf, size_t size);

/* Tests: the clock (NULL: timer_now_ms). */
void dst_blacklist_set_clock(uint64_t (*now_ms)(void));

#endif
