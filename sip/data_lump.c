/* data_lump.c: message edits and the builder that applies them. */
#include <stdlib.h>
#include <string.h>

#include "data_lump.h"
#include "../base/err.h"
#include "../mem/pkg.h"
#include "../parser/msg_parser.h"

static unsigned lump_seq;

static int
lump_add(struct sip_msg *msg, enum lump_op op, size_t offset, size_t len,
    char *text, size_t text_len)
{
	struct lump *l = pkg_zalloc(sizeof(*l));

	if (l == NULL)
		return E_NOMEM;
	l->op = op;
	l->offset = offset;
	l->len = len;
	l->text = text;
	l->text_len = text_len;
	l->seq = ++lump_seq;
	l->next = msg->add_rm;
	msg->add_rm = l;
	return 0;
}

int
lump_insert_take(struct sip_msg *msg, size_t offset, char *text, size_t len)
{
	int rc = lump_add(msg, LUMP_ADD, offset, 0, text, len);

	if (rc != 0)
		pkg_free(text);
	return rc;
}

int
lump_insert(struct sip_msg *msg, size_t offset, const char *text, size_t len)
{
	char *copy = pkg_strndup(text, len);

	if (copy == NULL)
		return E_NOMEM;
	return lump_insert_take(msg, offset, copy, len);
}

int
lump_delete(struct sip_msg *msg, size_t offset, size_t len)
{
	return lump_add(msg, LUMP_DEL, offset, len, NULL, 0);
}

int
lump_delete_hdr(struct sip_msg *msg, const struct hdr_field *h)
{
	return lump_delete(msg, (size_t)(h->raw.s - msg->buf), h->raw.len);
}

bool
lump_hdr_deleted(const struct sip_msg *msg, const struct hdr_field *h)
{
	return lump_offset_deleted(msg, (size_t)(h->raw.s - msg->buf));
}

bool
lump_offset_deleted(const struct sip_msg *msg, size_t off)
{
	const struct lump *l;

	for (l = msg->add_rm; l != NULL; l = l->next)
		if (l->op == LUMP_DEL && l->offset <= off &&
		    off < l->offset + l->len)
			return true;
	return false;
}

size_t
msg_hdrs_end(const struct sip_msg *msg)
{
	if (msg->last_header != NULL)
		return (size_t)(msg->last_header->raw.s - msg->buf) +
		    msg->last_header->raw.len;
	return (size_t)(msg->first.raw.s - msg->buf) + msg->first.raw.len;
}

size_t
msg_hdrs_start(const struct sip_msg *msg)
{
	return (size_t)(msg->first.raw.s - msg->buf) + msg->first.raw.len;
}

int
lump_reply_add(struct sip_msg *msg, const char *text, size_t len)
{
	char *copy = pkg_strndup(text, len);
	struct lump *l;

	if (copy == NULL)
		return E_NOMEM;
	if ((l = pkg_zalloc(sizeof(*l))) == NULL) {
		pkg_free(copy);
		return E_NOMEM;
	}
	l->op = LUMP_ADD;
	l->text = copy;
	l->text_len = len;
	/* keep the script's order: append */
	{
		struct lump **pp = &msg->reply_lump;

		while (*pp != NULL)
			pp = &(*pp)->next;
		*pp = l;
	}
	return 0;
}

static void
lump_list_free(struct lump *l)
{
	struct lump *n;

	for (; l != NULL; l = n) {
		n = l->next;
		pkg_free(l->text);
		pkg_free(l);
	}
}

void
lumps_free(struct sip_msg *msg)
{
	lump_list_free(msg->add_rm);
	lump_list_free(msg->body_lumps);
	lump_list_free(msg->reply_lump);
	msg->add_rm = msg->body_lumps = msg->reply_lump = NULL;
	msg->rr_lump = NULL;
}

static int
lump_cmp(const void *a, const void *b)
{
	const struct lump *x = *(const struct lump *const *)a;
	const struct lump *y = *(const struct lump *const *)b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	/* at one offset: insertions first, then deletions */
	if (x->op != y->op)
		return x->op == LUMP_ADD ? -1 : 1;
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

static int
out_put(char *buf, size_t size, size_t *n, const char *s, size_t len)
{
	if (len > size - *n)
		return E_TOOBIG;
	memcpy(buf + *n, s, len);
	*n += len;
	return 0;
}

long
lumps_apply(const struct sip_msg *msg, const char *first_line,
    size_t first_len, char *buf, size_t size)
{
	struct lump *stack[64], **v = stack, *l;
	size_t count = 0, i, cursor = 0, n = 0;
	long rc = 0;

	for (l = msg->add_rm; l != NULL; l = l->next)
		count++;
	if (count > sizeof(stack) / sizeof(stack[0]) &&
	    (v = malloc(count * sizeof(*v))) == NULL)
		return E_NOMEM;
	i = 0;
	for (l = msg->add_rm; l != NULL; l = l->next)
		v[i++] = l;
	qsort(v, count, sizeof(*v), lump_cmp);

	if (first_line != NULL) {
		if ((rc = out_put(buf, size, &n, first_line, first_len)) != 0)
			goto out;
		cursor = msg_hdrs_start(msg);
	}
	for (i = 0; i < count; i++) {
		l = v[i];
		if (l->offset > cursor) {
			if ((rc = out_put(buf, size, &n, msg->buf + cursor,
				 l->offset - cursor)) != 0)
				goto out;
			cursor = l->offset;
		}
		if (l->op == LUMP_ADD) {
			if ((rc = out_put(buf, size, &n, l->text,
				 l->text_len)) != 0)
				goto out;
		} else if (l->offset + l->len > cursor) {
			cursor = l->offset + l->len;
		}
	}
	if (cursor < msg->len)
		rc = out_put(buf, size, &n, msg->buf + cursor,
		    msg->len - cursor);
out:
	if (v != stack)
		free(v);
	return rc != 0 ? rc : (long)n;
}
