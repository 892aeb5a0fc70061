/* parser/parse_list.c: splitting comma-separated header values. */
#include <string.h>

#include "../base/err.h"
#include "msg_parser.h"
#include "parse_addr.h"
#include "parse_list.h"
#include "parse_util.h"

void
hdr_list_init(struct hdr_list_iter *it, const struct hdr_field *first)
{
	it->h = first;
	it->p = first != NULL ? first->body.s : NULL;
}

/* End of the value that starts at p: the first ',' outside a quoted
 * string and outside <...>, or end.  An unterminated quote or '<' runs
 * to the end: the value parser then refuses it.  Inside <...> quotes do
 * not count, as for parse_addr.c, which takes the URI up to the first
 * '>'. */
static const char *
list_value_end(const char *p, const char *end)
{
	const char *q;

	while (p < end) {
		switch (*p) {
		case '"':
			if ((q = pu_skip_quoted(p, end)) == NULL)
				return end;
			p = q;
			break;
		case '<':
			if ((q = memchr(p, '>', (size_t)(end - p))) == NULL)
				return end;
			p = q + 1;
			break;
		case ',':
			return p;
		default:
			p++;
			break;
		}
	}
	return end;
}

bool
hdr_list_next(struct hdr_list_iter *it, struct str *elem)
{
	const char *end, *q;

	if (it->h == NULL)
		return false;
	end = it->h->body.s + it->h->body.len;
	q = list_value_end(it->p, end);
	elem->s = it->p;
	elem->len = (size_t)(q - it->p);
	pu_trim(&elem->s, &elem->len);
	if (q < end) {
		it->p = q + 1; /* after the ',': one more value follows */
	} else {
		it->h = it->h->next_same;
		it->p = it->h != NULL ? it->h->body.s : NULL;
	}
	return true;
}

bool
hdr_list_over(const struct hdr_field *first, size_t max)
{
	struct hdr_list_iter it;
	struct str elem;
	size_t n = 0;

	hdr_list_init(&it, first);
	while (hdr_list_next(&it, &elem))
		if (n++ == max)
			return true;
	return false;
}

int
hdr_list_addr(const struct str *elem, struct name_addr **out)
{
	struct name_addr *na;
	int rc;

	if ((rc = parse_name_addr_list(elem, &na)) != 0)
		return rc;
	/* list_value_end() and parse_addr.c agree on where values end;
	 * should they ever not, refuse rather than lose a value */
	if (na->next != NULL) {
		free_name_addr_list(na);
		return E_PARSE;
	}
	*out = na;
	return 0;
}
