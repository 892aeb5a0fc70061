/* parser/parse_path.h: route sets written as lists of name-addr: Path
 * (RFC 3327 §4), Route (RFC 3261 §20.34) and Record-Route (§20.30).
 *
 *	Path = "Path" HCOLON path-value *( COMMA path-value )
 *	path-value = name-addr *( SEMI rr-param )
 * (Route and Record-Route have the same shape.)
 *
 * One call parses every header line of one type into one list, in message
 * order.  The nodes are struct name_addr (parse_addr.h), in pkg memory,
 * owned by the caller (path_free); every struct str is a view into the
 * message buffer, which must outlive the list.  Pure: no globals, no
 * logging; any process may call it for its own messages, without a lock.
 * (parse_rr_hf() in parse_addr.h stays the per-line, cached-in-the-header
 * form that the rr code uses.) */
#ifndef PARSER_PARSE_PATH_H
#define PARSER_PARSE_PATH_H

#include <stddef.h>

struct hdr_field;
struct name_addr;

/* Parse the chain of headers that starts at first (msg->h[HDR_PATH],
 * msg->h[HDR_ROUTE] or msg->h[HDR_RECORDROUTE]; linked by next_same).
 * Each value must be a name-addr ("<sip:p.example.com;lr>", optionally
 * with a display name and header params): a bare addr-spec is refused,
 * as the grammar requires.  For each node, raw is the value as written
 * (what a registrar stores and a proxy copies into a Route set), uri the
 * text inside <>, params and param_lst its header params.
 * No header (first == NULL) gives 0, *out NULL and *n 0.
 * max is the most values the caller accepts; they are counted before
 * anything is parsed or allocated.  Returns
 *	0		*out (NULL when empty) and *n (when n is not NULL) set
 *	E_TOOBIG	more than max values
 *	E_PARSE		a malformed or empty value, or a bare addr-spec;
 *			*err_at (when not NULL) points at it
 *	E_NOMEM
 * *out is set only on success. */
int path_parse(const struct hdr_field *first, size_t max,
    struct name_addr **out, size_t *n, const char **err_at);

/* Free a list from path_parse(); NULL is fine. */
void path_free(struct name_addr *list);

#endif
