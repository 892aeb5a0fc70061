/* parser/parse_path.c: Path, Route and Record-Route lists across header
 * lines (RFC 3327 §4, RFC 3261 §20.30, §20.34).  Splitting is
 * parse_list.c's, each value is parse_addr.c's; this file adds the limit
 * and the name-addr-only rule. */
#include "../base/err.h"
#include "parse_addr.h"
#include "parse_list.h"
#include "parse_path.h"

int
path_parse(const struct hdr_field *first, size_t max, struct name_addr **out,
    size_t *n, const char **err_at)
{
	struct name_addr *head = NULL, **tail = &head, *na;
	struct hdr_list_iter it;
	struct str elem;
	size_t count = 0;
	int rc = 0;

	if (hdr_list_over(first, max))
		return E_TOOBIG;
	hdr_list_init(&it, first);
	while (hdr_list_next(&it, &elem)) {
		if ((rc = hdr_list_addr(&elem, &na)) != 0)
			break;
		*tail = na;
		tail = &na->next;
		count++;
		/* parse_addr.c puts a name-addr's URI after its '<'; a bare
		 * addr-spec's URI starts the value */
		if (na->uri.s == na->raw.s) {
			rc = E_PARSE;
			break;
		}
	}
	if (rc != 0) {
		if (rc == E_PARSE && err_at != NULL)
			*err_at = elem.s;
		free_name_addr_list(head);
		return rc;
	}
	*out = head;
	if (n != NULL)
		*n = count;
	return 0;
}

void
path_free(struct name_addr *list)
{
	free_name_addr_list(list);
}
