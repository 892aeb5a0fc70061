/* hash.h: digests for branch ids and to-tags (OpenSSL's MD5; not for
 * security, only for ids that must repeat for a retransmission). */
#ifndef HASH_H
#define HASH_H

#include <stddef.h>

#include "str.h"

/* Hex digest of the concatenation of n parts into out (size >= 33);
 * returns the number of hex digits written (32). */
size_t hash_hex(const struct str *parts, int n, char *out);

#endif
