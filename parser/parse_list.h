/* parser/parse_list.h: comma-separated header values spread over the
 * header lines of one type (Contact, Path, Route, Record-Route), as
 * RFC 3261 §7.3.1 allows.  Internal to parser/: parse_contact.c and
 * parse_path.c share it; it is not part of the public API.
 *
 * Splitting is a separate pass from parsing so that a caller can count
 * the values, and refuse too many, before allocating anything. */
#ifndef PARSER_PARSE_LIST_H
#define PARSER_PARSE_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/str.h"

struct hdr_field;
struct name_addr;

/* Position in a chain of same-type headers (linked by next_same). */
struct hdr_list_iter {
	const struct hdr_field *h; /* line being split; NULL at the end */
	const char *p;             /* start of its next value */
};

/* Start at first (NULL: an empty list). */
void hdr_list_init(struct hdr_list_iter *it, const struct hdr_field *first);

/* Next value: true with *elem set to it, LWS trimmed, or false at the
 * end.  A ',' splits values except inside a quoted string or <...>.
 * Never fails: a line with no value, an empty value between two commas
 * or after a trailing one comes out as an empty *elem (positioned where
 * it would have been) for the caller's parser to refuse. */
bool hdr_list_next(struct hdr_list_iter *it, struct str *elem);

/* True when the chain from first holds more than max values.  Stops
 * looking once it has seen max + 1: the cost is bounded by the limit, not
 * by the message. */
bool hdr_list_over(const struct hdr_field *first, size_t max);

/* Parse one value from hdr_list_next() as a name-addr or addr-spec with
 * header params (parse_addr.c).  Returns 0 with *out a one-node pkg list
 * (free_name_addr_list), E_PARSE or E_NOMEM. */
int hdr_list_addr(const struct str *elem, struct name_addr **out);

#endif
