/* nc_table.h: nonce-count replay protection in shared memory.
 *
 * Each nonce gets an index from nc_index_new() (a round-robin counter, an
 * atomic in shm starting at a random value) and carries it (nonce.h).  The
 * low bits of the index pick a slot; the slot remembers the whole index of
 * the nonce that claimed it last, the highest nc seen and a 64-bit window
 * of the nc values below it that were seen.  So:
 *
 *  - nc values may arrive out of order (parallel requests on one nonce,
 *    UDP reordering): each nc within NC_WINDOW of the highest is accepted
 *    once; anything older, or seen, is a replay;
 *  - when more than `slots` nonces are issued during one nonce lifetime,
 *    the oldest nonces lose their slot and get NC_UNKNOWN: the caller
 *    re-challenges with stale=true, which costs the client one round trip
 *    and is never a security hole.  Size it as at least (challenges per
 *    second) x (nonce lifetime in seconds): 65536 slots cover ~1000
 *    challenges/s with a 60 s nonce;
 *  - the random start keeps nonces issued before a restart (with a
 *    persistent secret) from meeting a fresh slot with their own index;
 *    a slot never claimed matches no index.
 *
 * Memory (shm): 16 bytes per slot plus one 4-byte lock per slot up to
 * NC_LOCKS locks (slots share them), plus the allocator's headers:
 * 65536 slots = 1 MiB + 4 KiB.
 *
 * The table is local to one proxy: a nonce issued by another node sharing
 * the nonce secret has an index this table never handed out, so it gets
 * NC_UNKNOWN.  A cluster that lets one client's requests land on several
 * nodes must keep nc checking off (or make nodes' nonces stick to them). */
#ifndef AUTH_NC_TABLE_H
#define AUTH_NC_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "../../api/sr_api.h"

#define NC_WINDOW 64  /* out-of-order nc values accepted */
#define NC_LOCKS 1024 /* at most this many locks */
#define NC_SLOTS_MIN 2
#define NC_SLOTS_MAX (1u << 24)

/* in shm; see nc_table.c */
struct nc_table;

enum nc_result {
	NC_OK = 0,  /* first use of this nc on this nonce: accept */
	NC_REPLAY,  /* nc 0, already used, or older than the window: refuse
		     * (treat as bad credentials, not as stale) */
	NC_UNKNOWN, /* the slot belongs to another nonce (reused by a newer
		     * one, or the index is not ours): re-challenge with
		     * stale=true */
};

/* Make a table of `slots` slots (a power of two, NC_SLOTS_MIN..
 * NC_SLOTS_MAX) in shm.  Returns 0, E_INVAL (slots), E_NOMEM (shm) or
 * E_BUG (RAND_bytes failed).  Main process, after shm_init(), before fork. */
int nc_table_new(struct nc_table **out, unsigned slots);
/* Free a table (NULL is fine).  Main process, once no child uses it. */
void nc_table_free(struct nc_table *t);
/* Shared memory nc_table_new() takes for `slots` slots, headers aside. */
size_t nc_table_mem(unsigned slots);

/* Claim the next slot for a nonce about to be issued, resetting its nc
 * state, and return the index to put into the nonce.  Any process; takes
 * the slot's lock.  (Two processes claiming the same slot at the same
 * instant, possible only when the counter laps the table within
 * microseconds, leave it to one of them: the other's nonce is UNKNOWN.) */
uint32_t nc_index_new(struct nc_table *t);

/* Record the use of nonce-count nc (parsed, see nc_parse) on the nonce
 * carrying index.  Call it only after nonce_check() said NONCE_OK and the
 * response was verified, so a bad guess does not burn a client's nc.  Any
 * process; takes the slot's lock. */
enum nc_result nc_check(struct nc_table *t, uint32_t index, uint32_t nc);

/* For a request without qop (so without nc): accept the nonce only once,
 * NC_OK the first time, NC_REPLAY after (it is nc_check(t, index, 1)).
 * Optional: clients that do not do qop resend one nonce on every request
 * until it expires, and Kamailio 1.x accepted that; enforcing once-only
 * makes each such request cost a stale re-challenge.  Any process. */
enum nc_result nc_use_once(struct nc_table *t, uint32_t index);

/* Parse an nc= value: exactly 8 hex digits (RFC 7616 §3.4, upper case
 * accepted), not 00000000.  0 or E_PARSE. */
int nc_parse(const struct str *s, uint32_t *nc);

#endif
