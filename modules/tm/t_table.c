/* t_table.c: the transaction table in shm (RFC 3261 §17.2.3 matching). */
#define LOG_MODULE "tm"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../api/sr_api.h"
#include "tm.h"

/* in shm; each bucket guarded by its own lock */
struct tm_bucket {
	struct gen_lock lock;
	struct tm_cell *first;
	unsigned next_label;
};

static struct tm_bucket *table;   /* shm, TM_HASH_SIZE entries */
static unsigned *seed;            /* shm: tells our branches from others' */

#define MAGIC "z9hG4bK"
#define MAGIC_LEN 7

static unsigned
str_hash(const char *s, size_t len)
{
	unsigned h = 2166136261u;

	while (len--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

int
tm_table_init(void)
{
	unsigned i;

	table = shm_zalloc(sizeof(*table) * TM_HASH_SIZE + sizeof(unsigned));
	if (table == NULL)
		return E_NOMEM;
	for (i = 0; i < TM_HASH_SIZE; i++)
		lock_init(&table[i].lock);
	proc_watch_locks(&table[0].lock, sizeof(*table), TM_HASH_SIZE,
	    "tm transaction table");
	seed = (unsigned *)(table + TM_HASH_SIZE);
	*seed = ((unsigned)time(NULL) ^ ((unsigned)getpid() << 16)) &
	    0xffffffu;
	return 0;
}

void
tm_table_destroy(void)
{
	shm_free(table);
	table = NULL;
}

/* The RFC 3261 branch of the top Via, or NULL. */
static struct via_body *
key_via(struct sip_msg *msg)
{
	struct via_body *v = parse_via_top(msg);

	if (v == NULL || v->branch == NULL || v->branch->body.len <= MAGIC_LEN ||
	    memcmp(v->branch->body.s, MAGIC, MAGIC_LEN) != 0)
		return NULL;
	return v;
}

static bool
cell_matches(const struct tm_cell *c, const struct via_body *v,
    enum method_id m)
{
	const struct str *b = &v->branch->body;

	return c->method == m && c->branch_len == b->len &&
	    c->host_len == v->host.len && c->via_port == v->port &&
	    memcmp(c->req + c->branch_off, b->s, b->len) == 0 &&
	    strncasecmp(c->req + c->host_off, v->host.s, v->host.len) == 0;
}

static struct tm_cell *
bucket_find(struct tm_bucket *bk, const struct via_body *v, enum method_id m)
{
	struct tm_cell *c;

	for (c = bk->first; c != NULL; c = c->next)
		if (!c->terminated && cell_matches(c, v, m))
			return c;
	return NULL;
}

struct tm_cell *
tm_lookup_request(struct sip_msg *msg, enum method_id m)
{
	struct via_body *v = key_via(msg);
	struct tm_bucket *bk;
	struct tm_cell *c;

	if (v == NULL)
		return NULL;
	if (m == METHOD_ACK)
		m = METHOD_INVITE;
	bk = &table[str_hash(v->branch->body.s, v->branch->body.len) &
	    (TM_HASH_SIZE - 1)];
	lock_get(&bk->lock);
	if ((c = bucket_find(bk, v, m)) != NULL)
		tm_cell_ref(c);
	lock_release(&bk->lock);
	return c;
}

static struct tm_cell *
cell_alloc(struct sip_msg *msg, struct via_body *v)
{
	struct tm_cell *c;
	int i;

	if ((c = shm_zalloc(sizeof(*c))) == NULL)
		return NULL;
	if ((c->req = shm_malloc(msg->len + 1)) == NULL) {
		shm_free(c);
		return NULL;
	}
	memcpy(c->req, msg->buf, msg->len);
	c->req[msg->len] = '\0';
	c->req_len = msg->len;
	c->method = msg->first.method_id;
	c->branch_off = (size_t)(v->branch->body.s - msg->buf);
	c->branch_len = v->branch->body.len;
	c->host_off = (size_t)(v->host.s - msg->buf);
	c->host_len = v->host.len;
	c->via_port = v->port;
	c->rcv = msg->rcv;
	lock_init(&c->lock);
	c->uas_retr.cell = c->wait.cell = c;
	c->uas_retr.kind = TMT_UAS_RETR;
	c->wait.kind = TMT_WAIT;
	for (i = 0; i < TM_MAX_BRANCHES; i++) {
		c->br[i].retr.cell = c->br[i].fr.cell = c;
		c->br[i].cretr.cell = c;
		c->br[i].retr.kind = TMT_BR_RETR;
		c->br[i].fr.kind = TMT_BR_FR;
		c->br[i].cretr.kind = TMT_BR_CANCEL;
		c->br[i].retr.branch = c->br[i].fr.branch =
		    c->br[i].cretr.branch = (uint8_t)i;
	}
	reply_dest(msg, &c->uas_dst);
	return c;
}

size_t
tm_cell_size(void)
{
	return sizeof(struct tm_cell);
}

struct tm_cell *
tm_cell_new(struct sip_msg *msg, bool *found, int *err)
{
	struct via_body *v = key_via(msg);
	struct tm_bucket *bk;
	struct tm_cell *c, *n;
	unsigned h;

	*found = false;
	if (v == NULL) {
		*err = E_PARSE;
		return NULL;
	}
	/* allocate outside the bucket lock; most requests are new */
	if ((n = cell_alloc(msg, v)) == NULL) {
		*err = E_NOMEM;
		return NULL;
	}
	h = str_hash(v->branch->body.s, v->branch->body.len) &
	    (TM_HASH_SIZE - 1);
	bk = &table[h];
	lock_get(&bk->lock);
	if ((c = bucket_find(bk, v, msg->first.method_id)) != NULL) {
		tm_cell_ref(c);
		lock_release(&bk->lock);
		*found = true;
		shm_free(n->req);
		shm_free(n);
		return c;
	}
	n->bucket = h;
	n->label = bk->next_label++;
	n->ref = 2;
	n->next = bk->first;
	if (bk->first != NULL)
		bk->first->prev = n;
	bk->first = n;
	lock_release(&bk->lock);
	return n;
}

size_t
tm_branch_fmt(const struct tm_cell *c, int b, char *out)
{
	return (size_t)snprintf(out, 64, MAGIC "t%x.%x.%x.%d", *seed,
	    c->bucket, c->label, b);
}

struct tm_cell *
tm_lookup_branch(const struct str *branch, int *b)
{
	char tmp[64], *p, *e;
	unsigned long sd, bucket, label, idx;
	struct tm_bucket *bk;
	struct tm_cell *c;

	if (branch->len <= MAGIC_LEN + 1 || branch->len >= sizeof(tmp) ||
	    memcmp(branch->s, MAGIC "t", MAGIC_LEN + 1) != 0)
		return NULL;
	memcpy(tmp, branch->s, branch->len);
	tmp[branch->len] = '\0';
	p = tmp + MAGIC_LEN + 1;
	sd = strtoul(p, &e, 16);
	if (*e != '.' || sd != *seed)
		return NULL;
	bucket = strtoul(e + 1, &e, 16);
	if (*e != '.' || bucket >= TM_HASH_SIZE)
		return NULL;
	label = strtoul(e + 1, &e, 16);
	if (*e != '.')
		return NULL;
	idx = strtoul(e + 1, &e, 10);
	if (*e != '\0' || idx >= TM_MAX_BRANCHES)
		return NULL;
	bk = &table[bucket];
	lock_get(&bk->lock);
	for (c = bk->first; c != NULL; c = c->next)
		if (c->label == label) {
			tm_cell_ref(c);
			break;
		}
	lock_release(&bk->lock);
	*b = (int)idx;
	return c;
}

void
tm_cell_ref(struct tm_cell *c)
{
	__atomic_add_fetch(&c->ref, 1, __ATOMIC_RELAXED);
}

void
tm_cell_unref(struct tm_cell *c)
{
	int i;

	if (c == NULL || __atomic_sub_fetch(&c->ref, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (i = 0; i < TM_MAX_BRANCHES; i++) {
		shm_free(c->br[i].req);
		shm_free(c->br[i].reply);
		shm_free(c->br[i].cancel);
		shm_free(c->br[i].alt);
	}
	while (c->held != NULL) {
		struct tm_held *h = c->held;

		c->held = h->next;
		shm_free(h);
	}
	shm_free(c->uas_reply);
	shm_free(c->new_uri);
	shm_free(c->lumps);
	shm_free(c->req);
	shm_free(c);
}

void
tm_cell_remove(struct tm_cell *c)
{
	struct tm_bucket *bk = &table[c->bucket];

	lock_get(&bk->lock);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		bk->first = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->next = c->prev = NULL;
	lock_release(&bk->lock);
	tm_cell_unref(c);
}

int
tm_cells_by_conn(int conn_id, struct tm_cell **out, int max)
{
	struct tm_cell *c;
	unsigned i;
	int b, n = 0;

	for (i = 0; i < TM_HASH_SIZE && n < max; i++) {
		lock_get(&table[i].lock);
		for (c = table[i].first; c != NULL && n < max; c = c->next) {
			/* a hint only: the caller checks under the cell lock.
			 * Not BR_PENDING alone: the sender sets it after the
			 * send, under the cell lock, and a connection that
			 * fails at once may be reported before that (the
			 * report would be lost and the branch wait for
			 * fr_timer); but never a final branch or a finished
			 * cell, which would use up the caller's slots */
			if (c->terminated)
				continue;
			for (b = 0; b < c->nbranches; b++)
				if (c->br[b].dst.conn_id == conn_id &&
				    c->br[b].state != BR_FINAL)
					break;
			if (b < c->nbranches) {
				tm_cell_ref(c);
				out[n++] = c;
			}
		}
		lock_release(&table[i].lock);
	}
	return n;
}
