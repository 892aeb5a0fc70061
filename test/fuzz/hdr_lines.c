/* hdr_lines.c: see hdr_lines.h. */
#include <stdlib.h>
#include <string.h>

#include "../../base/err.h"
#include "../../mem/pkg.h"
#include "hdr_lines.h"

struct hdr_field *
hdr_lines_split(struct hdr_lines *hl, const char *buf, size_t size,
    enum hdr_type type)
{
	const char *p = buf, *end = buf + size, *q;
	struct hdr_field *h;

	memset(hl, 0, sizeof(*hl));
	hl->buf = buf;
	hl->size = size;
	do {
		h = &hl->h[hl->n++];
		h->type = type;
		q = p;
		while (q < end && hl->n < HDR_LINES_MAX &&
		    !(*q == '\n' &&
		        (q + 1 >= end || (q[1] != ' ' && q[1] != '\t'))))
			q++;
		if (hl->n == HDR_LINES_MAX)
			q = end;
		h->body.s = p;
		h->body.len = (size_t)(q - p);
		if (hl->n > 1)
			hl->h[hl->n - 2].next_same = h;
		p = q + 1;
	} while (q < end);
	return &hl->h[0];
}

void
view_within(const struct str *s, const struct str *outer)
{
	if (s->len == 0)
		return;
	if (s->s == NULL || outer->s == NULL || s->s < outer->s ||
	    s->len > outer->len ||
	    (size_t)(s->s - outer->s) > outer->len - s->len)
		abort();
}

void
hdr_lines_check(const struct hdr_lines *hl, const struct str *s)
{
	size_t i;

	if (s->len == 0)
		return;
	for (i = 0; i < hl->n; i++) {
		const struct str *b = &hl->h[i].body;

		if (s->s >= b->s && s->s <= b->s + b->len) {
			view_within(s, b);
			return;
		}
	}
	abort();
}

void
hdr_lines_check_at(const struct hdr_lines *hl, const char *at)
{
	size_t i;

	for (i = 0; i < hl->n; i++)
		if (at >= hl->h[i].body.s &&
		    at <= hl->h[i].body.s + hl->h[i].body.len)
			return;
	abort();
}

char *
fuzz_dup(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);

	if (buf != NULL && size != 0)
		memcpy(buf, data, size);
	return buf;
}

bool
hdr_lines_rc(const struct hdr_lines *hl, int rc, const char *err_at)
{
	if (rc == E_PARSE)
		hdr_lines_check_at(hl, err_at);
	else if (rc != 0 && rc != E_TOOBIG && rc != E_NOMEM)
		abort();
	return rc == 0;
}

void
hdr_lines_fuzz_list(const uint8_t *data, size_t size, enum hdr_type type,
    size_t small, hdr_lines_run_fn *run)
{
	static struct hdr_lines hl;
	char *buf = fuzz_dup(data, size);
	size_t n_all = 0, n_small = 0;
	int rc_all, rc_small;

	if (buf == NULL)
		return;
	(void)hdr_lines_split(&hl, buf, size, type);
	rc_all = run(&hl, SIZE_MAX, &n_all);
	rc_small = run(&hl, small, &n_small);
	if (rc_all == 0 && n_all <= small &&
	    (rc_small != 0 || n_small != n_all))
		abort();
	if (rc_all == 0 && n_all > small && rc_small != E_TOOBIG)
		abort();
	if (rc_small == 0 && rc_all != 0)
		abort();
	free(buf);
	if (pkg_live_blocks() != 0)
		abort(); /* leak */
}
