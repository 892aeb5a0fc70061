/* sip/target.c: a request's targets beyond its R-URI (see target.h). */
#include <stdint.h>
#include <string.h>

#include "../base/err.h"
#include "../mem/pkg.h"
#include "../parser/msg_parser.h"
#include "../parser/parse_addr.h"
#include "../parser/parse_path.h"
#include "data_lump.h"
#include "ruri.h"
#include "target.h"

/* pkg of the message's process */
struct msg_branches {
	int n;
	struct branch b[BRANCH_MAX]; /* strings pkg, owned */
};

static int
set_copy(char **dst, size_t *dlen, const char *s, size_t len)
{
	char *c = NULL;

	if (s != NULL && len > 0 && (c = pkg_strndup(s, len)) == NULL)
		return E_NOMEM;
	pkg_free(*dst);
	*dst = c;
	*dlen = c != NULL ? len : 0;
	return 0;
}

int
msg_set_dst_uri(struct sip_msg *msg, const char *s, size_t len)
{
	return set_copy(&msg->dst_uri, &msg->dst_uri_len, s, len);
}

int
msg_set_path(struct sip_msg *msg, const char *s, size_t len)
{
	struct hdr_field h = { .type = HDR_ROUTE };
	struct name_addr *list = NULL;
	const char *err_at = NULL;
	size_t n = 0;
	int rc;

	if (s == NULL || len == 0)
		return set_copy(&msg->path_vec, &msg->path_vec_len, NULL, 0);
	/* a Route set: checked as the header it becomes */
	h.body = (struct str){ s, len };
	h.raw = h.body;
	if ((rc = path_parse(&h, BRANCH_MAX * 4, &list, &n, &err_at)) != 0)
		return rc == E_NOMEM ? E_NOMEM : E_PARSE;
	path_free(list);
	return set_copy(&msg->path_vec, &msg->path_vec_len, s, len);
}

void
msg_set_conn(struct sip_msg *msg, int conn_id)
{
	msg->fwd_conn_id = conn_id > 0     ? conn_id
	    : conn_id == MSG_CONN_EXISTING ? MSG_CONN_EXISTING
	    : conn_id < 0                  ? MSG_CONN_GONE
	                                   : 0;
}

static void
branch_strings_free(struct branch *b)
{
	pkg_free((char *)(uintptr_t)b->uri);
	pkg_free((char *)(uintptr_t)b->dst_uri);
	pkg_free((char *)(uintptr_t)b->path);
	b->uri = b->dst_uri = b->path = NULL;
}

/* *dst = a pkg copy of src's strings.  0 or E_NOMEM (nothing kept). */
static int
branch_copy(struct branch *dst, const struct branch *src)
{
	char *u = NULL, *d = NULL, *p = NULL;

	*dst = *src;
	if ((src->uri_len &&
	        (u = pkg_strndup(src->uri, src->uri_len)) == NULL) ||
	    (src->dst_uri_len &&
	        (d = pkg_strndup(src->dst_uri, src->dst_uri_len)) == NULL) ||
	    (src->path_len &&
	        (p = pkg_strndup(src->path, src->path_len)) == NULL)) {
		pkg_free(u);
		pkg_free(d);
		pkg_free(p);
		return E_NOMEM;
	}
	dst->uri = u;
	dst->dst_uri = d;
	dst->path = p;
	dst->uri_len = u ? src->uri_len : 0;
	dst->dst_uri_len = d ? src->dst_uri_len : 0;
	dst->path_len = p ? src->path_len : 0;
	return 0;
}

int
branch_append(struct sip_msg *msg, const struct branch *b)
{
	struct msg_branches *s = msg->branches;

	if (s == NULL && (s = msg->branches = pkg_zalloc(sizeof(*s))) == NULL)
		return E_NOMEM;
	if (s->n == BRANCH_MAX)
		return E_TOOBIG;
	if (branch_copy(&s->b[s->n], b) != 0)
		return E_NOMEM;
	s->n++;
	return 0;
}

int
branch_count(const struct sip_msg *msg)
{
	return msg->branches != NULL ? msg->branches->n : 0;
}

const struct branch *
branch_get(const struct sip_msg *msg, int i)
{
	if (msg->branches == NULL || i < 0 || i >= msg->branches->n)
		return NULL;
	return &msg->branches->b[i];
}

void
branch_clear(struct sip_msg *msg)
{
	int i;

	if (msg->branches == NULL)
		return;
	for (i = 0; i < msg->branches->n; i++)
		branch_strings_free(&msg->branches->b[i]);
	pkg_free(msg->branches);
	msg->branches = NULL;
}

void
msg_target_get(struct sip_msg *msg, struct branch *b)
{
	struct str ru = ruri_get(msg);

	memset(b, 0, sizeof(*b));
	b->uri = ru.s;
	b->uri_len = ru.len;
	b->dst_uri = msg->dst_uri;
	b->dst_uri_len = msg->dst_uri_len;
	b->path = msg->path_vec;
	b->path_len = msg->path_vec_len;
	b->q = -1;
	b->conn_id = msg->fwd_conn_id;
	b->sock = msg->force_send_socket;
	b->flags = 0;
}

int
msg_target_save(struct sip_msg *msg, struct branch *copy)
{
	struct branch cur;

	msg_target_get(msg, &cur);
	/* the original R-URI stays in the buffer: keep "none" for it */
	if (msg->new_uri == NULL) {
		cur.uri = NULL;
		cur.uri_len = 0;
	}
	return branch_copy(copy, &cur);
}

void
branch_free_copy(struct branch *copy)
{
	branch_strings_free(copy);
}

int
msg_target_set(struct sip_msg *msg, const struct branch *b)
{
	int rc;

	if (b->uri != NULL && b->uri_len > 0)
		rc = ruri_set(msg, RURI_ALL, b->uri, b->uri_len);
	else
		rc = (ruri_revert(msg), 0);
	if (rc != 0 ||
	    (rc = msg_set_dst_uri(msg, b->dst_uri, b->dst_uri_len)) != 0 ||
	    (rc = msg_set_path(msg, b->path, b->path_len)) != 0)
		return rc;
	msg_set_conn(msg, b->conn_id);
	msg->force_send_socket = b->sock;
	return 0;
}

void
msg_targets_free(struct sip_msg *msg)
{
	lumps_free(msg);
	pkg_free(msg->new_uri);
	msg->new_uri = NULL;
	msg->new_uri_len = 0;
	pkg_free(msg->dst_uri);
	msg->dst_uri = NULL;
	msg->dst_uri_len = 0;
	pkg_free(msg->path_vec);
	msg->path_vec = NULL;
	msg->path_vec_len = 0;
	branch_clear(msg);
}
