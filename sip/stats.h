/* stats.h: statistics shared by every process.
 *
 * Each process counts into its private `fwd_stats` (forward.h) without
 * locks; after every message, receive_msg() calls stats_publish(), which
 * adds what changed since the previous call into the process's slot of a
 * shm array (one slot per process table entry, indexed by process_no),
 * split by the transport the message came over.  The FIFO server sums the
 * slots.  Only the owner writes a slot and counters only grow, so readers
 * take no lock; a sum may miss a message being counted at that moment. */
#ifndef STATS_H
#define STATS_H

#include "forward.h"
#include "../base/ip_addr.h"

/* Allocate nslots zeroed slots in shm, and the TLS counters
 * (tls/tls_stats.h).  Main process, after shm_init(), before fork; nslots is the size of the process table (proc_count()
 * once every role is added).  Returns 0, E_INVAL (nslots < 1 or done
 * already) or E_NOMEM. */
int stats_init(int nslots);
/* Free the slots (main process at exit, after the children are gone). */
void stats_destroy(void);

/* Add this process's counters changed since the last call into its slot,
 * under transport proto (out-of-range values count as PROTO_NONE).  Any
 * process, no lock; a no-op before stats_init() (fork=no) or when
 * process_no has no slot.  Cheap: a few additions. */
void stats_publish(enum proto proto);

/* Sum of every slot for one transport, or of all transports when proto is
 * PROTO_NONE, into *out.  Any process, no lock.  Returns 0, or E_NOTFOUND
 * before stats_init() (then *out is zeroed). */
int stats_sum(enum proto proto, struct fwd_stats *out);

#endif
