/* fuzz_contact.c: libFuzzer target for contact_set_parse.  The input is a
 * chain of Contact header bodies, one a line (see hdr_lines.h).  Checks:
 * every view inside one body and every part of a contact inside its raw
 * text, the count within the limit and equal to the list, decoded params
 * in range, the limit honoured the same way at two sizes, no leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/err.h"
#include "../../parser/parse_contact.h"
#include "../../parser/parse_expires.h"
#include "../../parser/parse_param.h"
#include "hdr_lines.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SMALL_MAX 4

static void
check_contact(const struct hdr_lines *hl, const struct contact *c)
{
	const struct param *p;
	int q;

	hdr_lines_check(hl, &c->raw);
	if (c->raw.len == 0 || c->uri.len == 0)
		abort();
	view_within(&c->display, &c->raw);
	view_within(&c->uri, &c->raw);
	view_within(&c->params, &c->raw);
	view_within(&c->instance, &c->params);
	for (p = c->param_lst; p != NULL; p = p->next) {
		view_within(&p->name, &c->params);
		view_within(&p->body, &c->params);
	}
	if (c->q != CONTACT_Q_NONE && (c->q < 0 || c->q > 1000))
		abort();
	if (c->has_reg_id && (c->reg_id == 0 || c->reg_id > 0x7fffffffU))
		abort();
	/* the decoded values are those of the params */
	if ((p = param_find(c->param_lst, "q")) != NULL &&
	    (contact_q_parse(&p->body, &q) != 0 || q != c->q))
		abort();
	if ((p = param_find(c->param_lst, "expires")) != NULL) {
		uint32_t e;

		if (!c->has_expires || expires_parse(&p->body, &e) != 0 ||
		    e != c->expires)
			abort();
	}
}

/* Parse with limit max; returns the rc, *n the count on success ('*'
 * counts as a value). */
static int
run(const struct hdr_lines *hl, size_t max, size_t *n)
{
	struct contact_set *set = NULL;
	const struct contact *c;
	const char *err_at = NULL;
	size_t cnt = 0;
	int rc;

	rc = contact_set_parse(&hl->h[0], max, &set, &err_at);
	if (!hdr_lines_rc(hl, rc, err_at))
		return rc;
	for (c = set->first; c != NULL; c = c->next, cnt++)
		check_contact(hl, c);
	if (cnt != set->n || cnt > max || (set->star && cnt != 0) ||
	    (set->star && max == 0))
		abort();
	*n = cnt + (set->star ? 1 : 0);
	contact_set_free(set);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hdr_lines_fuzz_list(data, size, HDR_CONTACT, SMALL_MAX, run);
	return 0;
}
