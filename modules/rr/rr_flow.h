/* rr_flow.h: the flow token's signature (internal; rr.h offers it to
 * other modules).  A flow token is the received= value of our Route or
 * Record-Route URI ("tls:198.51.100.7:40001"); the URI carries with it
 * ";ft=MAC", MAC the first 16 bytes of HMAC-SHA-256(key, "sip-flow-1:"
 * || token) in lower-case hex.  The key is the flow secret file's, or
 * a random one per start. */
#ifndef RR_RR_FLOW_H
#define RR_RR_FLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "rr.h"

/* Fewest bytes of a flow secret (after trimming whitespace). */
#define RR_FLOW_KEY_MIN 32
/* Most bytes of a flow secret file. */
#define RR_FLOW_KEY_MAX 4096

/* The key: n bytes at k (RR_FLOW_KEY_MIN..RR_FLOW_KEY_MAX).  0 or
 * E_INVAL. */
int rr_flow_key_set(const unsigned char *k, size_t n);
/* A random key (RAND_bytes, 32 bytes).  0 or E_BUG. */
int rr_flow_key_random(void);
/* The key from the file path: its bytes, whitespace around them
 * trimmed.  0, or E_IO / E_INVAL with a message in err (size errn). */
int rr_flow_key_load(const char *path, char *err, size_t errn);
/* See struct rr_api.flow_sign. */
int rr_flow_sign(const char *tok, size_t len, char out[RR_FLOW_MAC_HEX + 1]);
/* True if mac[0..maclen) is the MAC of tok[0..len) under the key
 * (compared in constant time; hex digits in either case). */
bool rr_flow_verify(const char *tok, size_t len, const char *mac,
    size_t maclen);

#endif
