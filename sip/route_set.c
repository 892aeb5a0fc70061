/* route_set.c: walking and editing the Route set. */
#include <stdio.h>
#include <string.h>

#include "data_lump.h"
#include "../base/err.h"
#include "../mem/pkg.h"
#include "../net/socket_info.h"
#include "../parser/msg_parser.h"
#include "../parser/parse_addr.h"
#include "route_set.h"
#include "ruri.h"

int
route_set_collect(struct sip_msg *msg, struct route_entry *out, int max)
{
	struct hdr_field *h;
	struct name_addr *na, *prev;
	int n = 0;

	for (h = msg->h[HDR_ROUTE]; h != NULL && n < max; h = h->next_same) {
		if (lump_hdr_deleted(msg, h))
			continue;
		if (parse_rr_hf(h) != 0)
			return E_PARSE;
		prev = NULL;
		for (na = h->parsed; na != NULL && n < max; na = na->next) {
			if (!lump_offset_deleted(msg,
				(size_t)(na->raw.s - msg->buf))) {
				out[n].h = h;
				out[n].na = na;
				out[n].prev = prev;
				if (parse_uri(na->uri.s, na->uri.len,
					&out[n].uri) != 0)
					return E_PARSE;
				n++;
			}
			prev = na;
		}
	}
	return n;
}

int
route_entry_delete(struct sip_msg *msg, const struct route_entry *e)
{
	const struct name_addr *na = e->na;
	size_t left = 0;
	const struct name_addr *x;

	for (x = e->h->parsed; x != NULL; x = x->next)
		if (!lump_offset_deleted(msg, (size_t)(x->raw.s - msg->buf)))
			left++;
	if (left <= 1)
		return lump_delete_hdr(msg, e->h);
	if (na->next != NULL)   /* "a, b": drop "a, " */
		return lump_delete(msg, (size_t)(na->raw.s - msg->buf),
		    (size_t)(na->next->raw.s - na->raw.s));
	/* last on its line: drop ", b" after the previous value */
	return lump_delete(msg,
	    (size_t)(e->prev->raw.s + e->prev->raw.len - msg->buf),
	    (size_t)(na->raw.s + na->raw.len - (e->prev->raw.s +
		e->prev->raw.len)));
}

int
route_strict_rewrite(struct sip_msg *msg, const struct route_entry *e)
{
	struct str old = ruri_get(msg);
	char *tail;
	int n, rc;

	if ((tail = pkg_malloc(old.len + 16)) == NULL)
		return E_NOMEM;
	n = snprintf(tail, old.len + 16, "Route: <%.*s>\r\n", (int)old.len,
	    old.s);
	if ((rc = lump_insert_take(msg, msg_hdrs_end(msg), tail,
		 (size_t)n)) != 0)
		return rc;
	if ((rc = route_entry_delete(msg, e)) != 0)
		return rc;
	return ruri_set(msg, RURI_ALL, e->na->uri.s, e->na->uri.len);
}

bool
route_uri_is_myself(const struct sip_uri *u)
{
	return socket_is_myself(&u->host, u->port_no, u->proto);
}
