/* hash.h: digests for branch ids and to-tags (OpenSSL's MD5; not for
 * security, only for ids that must repeat for a retransmission), and the
 * OpenSSL version string.  Besides tls/ (only in TLS builds), hash.c is
 * the one file that includes OpenSSL headers: every build links
 * libcrypto for these. */
#ifndef HASH_H
#define HASH_H

#include <stddef.h>

#include "str.h"

/* Hex digest of the concatenation of n parts into out (size >= 33);
 * returns the number of hex digits written (32). */
size_t hash_hex(const struct str *parts, int n, char *out);

/* "OpenSSL 3.0.x ..." of the library in use. */
const char *openssl_version_text(void);

#endif
