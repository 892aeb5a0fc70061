/* auth_limit.h: brute-force limiter for digest authentication, in shm.
 *
 * Failed authentications are counted per source address and per user
 * (user@realm) in two fixed-size tables.  While a source is blocked, or a
 * user is under protection, the caller answers 403 without asking the
 * database, until a cool-down passes.
 *
 * Counting: a count starts with the first failure and is forgotten
 * `window` seconds later (a fixed window per entry); `ip_max` failures
 * within it block the address for `cooldown` seconds; when that ends the
 * entry starts from zero.  IPv4-mapped IPv6 addresses count as IPv4; other
 * IPv6 addresses count per `ip6_prefix` (default /64: one site, which an
 * attacker can fill with addresses at will).
 *
 * Per-user limits are a lever against the user: if `user_max` failures
 * from anywhere locked the account, an attacker could keep any user locked
 * out by guessing badly.  So a user over its limit is only "protected":
 * its requests are refused from addresses that have failures of their own
 * in the current window (the attackers: any address that guesses once is
 * refused for that user from then on), while the user's devices at clean
 * addresses go on authenticating.  The price: each new attacking address
 * gets one guess at a protected user, and a device sharing a NAT address
 * with the attacker is refused with it.  Per-address limits are the main
 * defence; their own lever is NAT (many users behind one address), hence
 * the generous default.
 *
 * Spoofing: over UDP a source address proves nothing, and an attacker could
 * get a victim's address blocked.  Count a failure only for a request whose
 * nonce passed nonce_check() with the source address bound into it
 * (nonce.h): then the sender did receive our challenge at that address.
 *
 * The tables are set-associative (AUTH_LIMIT_WAYS entries per bucket),
 * indexed by SipHash-2-4 with a random key made at start, so nobody can
 * aim collisions at a victim's bucket.  A full bucket replaces an entry
 * whose window is over, else the unblocked entry with fewest failures, else
 * the block nearest its end: flooding the table with fresh addresses can
 * make the limiter forget, never block someone else.
 *
 * Memory (shm): 32 bytes per entry, plus one 4-byte lock per bucket up to
 * AUTH_LIMIT_LOCKS per table: the defaults (4096 + 4096 entries) take
 * 256 KiB + 8 KiB. */
#ifndef AUTH_AUTH_LIMIT_H
#define AUTH_AUTH_LIMIT_H

#include <stdint.h>
#include <time.h>

#include "../../api/sr_api.h"

#define AUTH_LIMIT_WAYS 4
#define AUTH_LIMIT_LOCKS 1024
#define AUTH_LIMIT_SLOTS_MAX (1u << 22)

struct auth_limit_cfg {
	unsigned ip_max;     /* failures from one address in window that
			      * block it; 0: addresses are never blocked */
	unsigned user_max;   /* failures against one user@realm in window
			      * that put it under protection; 0: off */
	unsigned window;     /* s, > 0 */
	unsigned cooldown;   /* s, > 0 */
	unsigned ip_slots;   /* address entries: a power of two >= WAYS */
	unsigned user_slots; /* user entries: a power of two >= WAYS */
	unsigned ip6_prefix; /* bits of an IPv6 address counted, 32..128 */
};

/* clang-format off */
#define AUTH_LIMIT_CFG_DEFAULT ((struct auth_limit_cfg){	\
	.ip_max = 30, .user_max = 10, .window = 300, .cooldown = 300,	\
	.ip_slots = 4096, .user_slots = 4096, .ip6_prefix = 64 })
/* clang-format on */

/* in shm; see auth_limit.c */
struct auth_limit;

/* auth_limit_failed() result bits: the block this failure started (each
 * block is reported once, so the caller logs it once). */
#define AUTH_LIMIT_NEW_IP 0x1u   /* the address is now blocked */
#define AUTH_LIMIT_NEW_USER 0x2u /* the user is now under protection */

enum auth_limit_verdict {
	AUTH_LIMIT_PASS = 0, /* go on: check the credentials */
	AUTH_LIMIT_IP,       /* the address is blocked: 403 */
	AUTH_LIMIT_USER,     /* the user is protected and this address has
			      * failures: 403 */
};

/* Make a limiter with cfg (copied; read-only afterwards) in shm.  Returns
 * 0, E_INVAL (a cfg value out of range), E_NOMEM (shm), E_NOTFOUND (no
 * SipHash in OpenSSL) or E_BUG (RAND_bytes failed).  Main process, after
 * shm_init(), before fork. */
int auth_limit_new(struct auth_limit **out, const struct auth_limit_cfg *cfg);
/* Free a limiter (NULL is fine).  Main process, once no child uses it. */
void auth_limit_free(struct auth_limit *l);

/*
 * In the functions below, ip is the source address as bytes (4 for IPv4,
 * 16 for IPv6; other lengths are counted as given; NULL or empty: nothing
 * is counted by address, and user protection never refuses it), user and
 * realm those of the credentials (NULL or an empty user: the failure
 * counts for the address only), now the current time in seconds
 * (time(NULL) or any clock that does not go back).  Any process; each
 * takes the locks of the buckets it touches, one at a time.
 */

/* Should this attempt be refused without checking the credentials?  Call
 * it before the database lookup; counts a refusal in the statistics. */
enum auth_limit_verdict auth_limit_blocked(struct auth_limit *l,
    const struct str *ip, const struct str *user, const struct str *realm,
    time_t now);
/* Count one failed authentication: credentials checked and wrong (not a
 * request without credentials, nor a stale nonce).  Returns the
 * AUTH_LIMIT_NEW_* bits of blocks this failure started, 0 if none. */
unsigned auth_limit_failed(struct auth_limit *l, const struct str *ip,
    const struct str *user, const struct str *realm, time_t now);

/* Counters since auth_limit_new(), any process, no lock: failures counted,
 * addresses blocked, users put under protection (block events, not current
 * blocks), and attempts refused by auth_limit_blocked(). */
uint64_t auth_limit_stat_failures(const struct auth_limit *l);
uint64_t auth_limit_stat_blocked_ips(const struct auth_limit *l);
uint64_t auth_limit_stat_blocked_users(const struct auth_limit *l);
uint64_t auth_limit_stat_rejected(const struct auth_limit *l);

#endif
