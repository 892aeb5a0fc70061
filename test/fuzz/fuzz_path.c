/* fuzz_path.c: libFuzzer target for path_parse (Path, Route and
 * Record-Route lists).  The input is a chain of header bodies, one a line
 * (see hdr_lines.h).  Checks: every view inside one body, each URI the
 * inside of a <...> of its raw text, the count within the limit and equal
 * to the list, the limit honoured the same way at two sizes, no leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/err.h"
#include "../../parser/parse_addr.h"
#include "../../parser/parse_path.h"
#include "hdr_lines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SMALL_MAX 3

static void
check_hop(const struct hdr_lines *hl, const struct name_addr *na)
{
	const struct param *p;

	hdr_lines_check(hl, &na->raw);
	view_within(&na->display, &na->raw);
	view_within(&na->uri, &na->raw);
	view_within(&na->params, &na->raw);
	for (p = na->param_lst; p != NULL; p = p->next) {
		view_within(&p->name, &na->params);
		view_within(&p->body, &na->params);
	}
	/* a name-addr: "<" uri ">" inside raw */
	if (na->uri.len == 0 || na->uri.s <= na->raw.s ||
	    na->uri.s[-1] != '<' ||
	    na->uri.s + na->uri.len >= na->raw.s + na->raw.len ||
	    na->uri.s[na->uri.len] != '>')
		abort();
}

/* Parse with limit max; returns the rc, *n the count on success. */
static int
run(const struct hdr_lines *hl, size_t max, size_t *n)
{
	struct name_addr *list = NULL;
	const struct name_addr *na;
	const char *err_at = NULL;
	size_t cnt = 0;
	int rc;

	rc = path_parse(&hl->h[0], max, &list, n, &err_at);
	if (!hdr_lines_rc(hl, rc, err_at))
		return rc;
	for (na = list; na != NULL; na = na->next, cnt++)
		check_hop(hl, na);
	/* the input always holds one line at least, so one value at least */
	if (cnt != *n || cnt > max || cnt == 0)
		abort();
	path_free(list);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hdr_lines_fuzz_list(data, size, HDR_PATH, SMALL_MAX, run);
	return 0;
}
