/* route_set.h: the Route header values of a request, as loose routing
 * (RFC 3261 §16.4, §16.6 steps 6-7) sees them: in order, across header
 * lines, skipping values already removed by the script. */
#ifndef ROUTE_SET_H
#define ROUTE_SET_H

#include <stdbool.h>

#include "../parser/parse_uri.h"

struct sip_msg;
struct hdr_field;
struct name_addr;

#define ROUTE_SET_MAX 32

struct route_entry {
	struct hdr_field *h;
	struct name_addr *na;
	struct name_addr *prev; /* previous value on the same line */
	struct sip_uri uri;
};

/* Fill out[] with up to max entries; returns the count or E_PARSE. */
int route_set_collect(struct sip_msg *msg, struct route_entry *out, int max);
/* Remove one value (its line if it is alone there).  0 or E_NOMEM. */
int route_entry_delete(struct sip_msg *msg, const struct route_entry *e);
/* Next hop is a strict router: the R-URI becomes e's URI, e is removed and
 * the old R-URI is appended as the last Route.  0 or E_*. */
int route_strict_rewrite(struct sip_msg *msg, const struct route_entry *e);
/* The URI is one of ours (listen address or alias). */
bool route_uri_is_myself(const struct sip_uri *u);

#endif
