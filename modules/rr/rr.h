/* rr.h: the interface rr offers other modules (the registrar's cluster
 * mode), found with module_api_find("rr", RR_API_NAME): the signature of
 * a flow token (doc/cluster.md, "The flow token's signature"). */
#ifndef RR_RR_H
#define RR_RR_H

#include <stdbool.h>
#include <stddef.h>

#define RR_API_NAME "rr"

/* Hex digits of a flow token's MAC (16 bytes of HMAC-SHA-256). */
#define RR_FLOW_MAC_HEX 32

struct rr_api {
	/* The MAC of the token tok[0..len) ("tls:198.51.100.7:40001", the
	 * value of received=), as RR_FLOW_MAC_HEX hex digits and a NUL
	 * into out.  0, or E_BUG (no key, OpenSSL failed).  Any process
	 * after rr's init. */
	int (*flow_sign)(const char *tok, size_t len,
	    char out[RR_FLOW_MAC_HEX + 1]);
	/* True if modparam("rr", "flow_secret_file") is set: the key is the
	 * file's, the same on every proxy that has that file (not a random
	 * key of this run).  Main process after the config, or later. */
	bool (*flow_key_shared)(void);
};

#endif
