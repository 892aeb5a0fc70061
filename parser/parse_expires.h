/* parser/parse_expires.h: delta-seconds, as in the Expires header
 * (RFC 3261 §20.19) and the Contact "expires" parameter (§20.10).
 *
 * Pure functions: no allocation, no globals, no logging; any process may
 * call them, no lock is needed. */
#ifndef PARSER_PARSE_EXPIRES_H
#define PARSER_PARSE_EXPIRES_H

#include <stdint.h>

#include "../base/str.h"

struct sip_msg;

/* The value a delta-seconds saturates at (RFC 3261 §10.2.1.1: larger
 * values are taken as 2**32-1). */
#define EXPIRES_MAX 0xffffffffU

/* Parse the delta-seconds in s (1*DIGIT, LWS allowed on both sides, as
 * a header body or a parameter value may carry it).  Any number of digits
 * is accepted: a value over EXPIRES_MAX gives EXPIRES_MAX (without
 * overflow, whatever its length).
 * Returns 0 and sets *out, or E_PARSE (empty, a sign, any non-digit;
 * *out untouched). */
int expires_parse(const struct str *s, uint32_t *out);

/* The Expires header of msg, parsed by expires_parse().  Returns 0 and
 * sets *out; E_NOTFOUND when msg has no Expires header; E_PARSE when the
 * value is malformed or msg has more than one Expires header (the header
 * is single-valued: two of them are ambiguous).  The message's header
 * list must have been built by parse_msg(); msg is not changed. */
int expires_msg_get(const struct sip_msg *msg, uint32_t *out);

#endif
