/* net/tcp_conn.c: the shared connection table (see tcp_conn.h) and the
 * plain TCP transport ops. */
#define LOG_MODULE "tcp"
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../base/err.h"
#include "../base/fault.h"
#include "../base/timer.h"
#include "../base/log.h"
#include "../mem/lock.h"
#include "../mem/shm.h"
#include "net_addr.h"
#include "tcp_chan.h"
#include "tcp_conn.h"

struct tcp_conn_table *tcp_conns;

/* ---------------------------------------------------------- plain TCP */

static int
plain_init(struct tcp_conn *c, int fd, bool outgoing, void **ctx)
{
	(void)c;
	(void)fd;
	(void)outgoing;
	*ctx = NULL;
	return 0;
}

static ssize_t
plain_read(void *ctx, int fd, char *buf, size_t len)
{
	ssize_t n;

	(void)ctx;
	do {
		n = read(fd, buf, len);
	} while (n == -1 && errno == EINTR);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return TRANSPORT_WANT_READ;
	return errno == ECONNRESET ? E_CLOSED : E_IO;
}

static ssize_t
plain_write(void *ctx, int fd, const char *buf, size_t len)
{
	ssize_t n;

	(void)ctx;
	do {
		n = send(fd, buf, len, MSG_NOSIGNAL);
	} while (n == -1 && errno == EINTR);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return TRANSPORT_WANT_WRITE;
	return errno == ECONNRESET || errno == EPIPE ? E_CLOSED : E_IO;
}

static void
plain_close(void *ctx, int fd)
{
	(void)ctx;
	(void)fd;
}

static const struct transport_ops plain_ops = {
	.name = "tcp",
	.init = plain_init,
	.read = plain_read,
	.write = plain_write,
	.close = plain_close,
};

static const struct transport_ops *ops_tls;

const struct transport_ops *
transport_ops_get(enum proto proto)
{
	if (proto == PROTO_TCP)
		return &plain_ops;
	if (proto == PROTO_TLS)
		return ops_tls;
	return NULL;
}

int
transport_ops_register(enum proto proto, const struct transport_ops *o)
{
	if (proto != PROTO_TLS || o == NULL || o->read == NULL ||
	    o->write == NULL)
		return E_INVAL;
	ops_tls = o;
	return 0;
}

/* ---------------------------------------------------------- table */

int
tcp_conn_table_init(int max)
{
	struct tcp_conn_table *t;
	int rc;

	if (tcp_conns != NULL)
		return E_INVAL;
	if ((t = shm_zalloc(sizeof(*t))) == NULL)
		return E_NOMEM;
	if ((rc = lock_new(&t->lock)) != 0) {
		shm_free(t);
		return rc;
	}
	t->next_id = 1;
	t->max = max > 0 ? max : 1;
	t->wheel_tick = get_ticks_ms() / TCP_WHEEL_TICK_MS;
	t->wheel_done = true;
	tcp_conns = t;
	return 0;
}

void
tcp_conn_table_destroy(void)
{
	struct tcp_conn_table *t = tcp_conns;

	if (t == NULL)
		return;
	while (t->all != NULL)
		tcp_conn_remove(t->all);
	lock_free(t->lock);
	shm_free(t);
	tcp_conns = NULL;
}

void
tcp_conn_lock(void)
{
	lock_get(tcp_conns->lock);
	/* tests: a reader killed while it holds the lock */
	if (tcp_reader_self >= 0)
		fault_point("tcp_lock_reader");
}

void
tcp_conn_unlock(void)
{
	lock_release(tcp_conns->lock);
}

void
tcp_conn_set_state(struct tcp_conn *c, enum tcp_conn_state st)
{
	tcp_conn_lock();
	c->state = st;
	tcp_conn_unlock();
}

static unsigned
addr_hash(const struct ip_addr *ip, unsigned short port)
{
	unsigned h = 2166136261u, i;

	for (i = 0; i < ip->len; i++)
		h = (h ^ ip->u.b[i]) * 16777619u;
	h = (h ^ (port & 0xff)) * 16777619u;
	h = (h ^ (port >> 8)) * 16777619u;
	return h % TCP_HASH_SIZE;
}

static void
alias_unlink(struct tcp_alias *a)
{
	struct tcp_alias **pp = &tcp_conns->by_addr[addr_hash(&a->ip,
	    a->port)];

	for (; *pp != NULL; pp = &(*pp)->next)
		if (*pp == a) {
			*pp = a->next;
			break;
		}
	a->port = 0;
	a->next = NULL;
}

static void
alias_link(struct tcp_alias *a)
{
	struct tcp_alias **head = &tcp_conns->by_addr[addr_hash(&a->ip,
	    a->port)];

	a->next = *head;
	*head = a;
}

/* ---------------------------------------------------------- the wheel */

static void
wheel_unlink(struct tcp_conn *c)
{
	struct tcp_conn_table *t = tcp_conns;

	if (!c->tw_linked)
		return;
	if (c->tw_prev != NULL)
		c->tw_prev->tw_next = c->tw_next;
	else
		t->wheel[c->tw_tick % TCP_WHEEL_SLOTS] = c->tw_next;
	if (c->tw_next != NULL)
		c->tw_next->tw_prev = c->tw_prev;
	c->tw_next = c->tw_prev = NULL;
	c->tw_linked = false;
}

/* Put c in the slot of due_ms (at the earliest the next tick, at the
 * latest the horizon). */
static void
wheel_link(struct tcp_conn *c, uint64_t due_ms)
{
	struct tcp_conn_table *t = tcp_conns;
	uint64_t tick = due_ms / TCP_WHEEL_TICK_MS, slot;

	/* never into the tick being worked through (or done) */
	if (tick <= t->wheel_tick)
		tick = t->wheel_tick + 1;
	if (tick > t->wheel_tick + TCP_WHEEL_SLOTS - 1)
		tick = t->wheel_tick + TCP_WHEEL_SLOTS - 1;
	slot = tick % TCP_WHEEL_SLOTS;
	c->tw_tick = tick;
	c->tw_prev = NULL;
	c->tw_next = t->wheel[slot];
	if (c->tw_next != NULL)
		c->tw_next->tw_prev = c;
	t->wheel[slot] = c;
	c->tw_linked = true;
}

/* Look at c again by due_ms, unless it is due earlier already. */
static void
wheel_schedule(struct tcp_conn *c, uint64_t due_ms)
{
	if (c->tw_linked &&
	    c->tw_tick <= due_ms / TCP_WHEEL_TICK_MS + 1)
		return;
	wheel_unlink(c);
	wheel_link(c, due_ms);
}

static inline uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

int
tcp_conn_add(struct tcp_conn **out, enum proto proto,
    const union sockaddr_union *peer, struct socket_info *bind)
{
	struct tcp_conn_table *t = tcp_conns;
	struct tcp_conn *c;
	unsigned h;

	if (t->count >= t->max)
		return E_TOOBIG;
	if ((c = shm_zalloc(sizeof(*c))) == NULL)
		return E_NOMEM;
	c->id = t->next_id++;
	if (t->next_id <= 0)
		t->next_id = 1;
	c->proto = proto;
	c->state = TCP_S_NEW;
	c->owner = -1;
	c->peer = *peer;
	c->bind = bind;
	if (proto == PROTO_TLS) {
		c->tls_hs_pending = true;
		t->tls_handshakes++;
	}
	ip_addr_from_su(&c->alias[0].ip, peer);
	c->alias[0].port = su_port(peer);
	c->alias[0].c = c;
	if (c->alias[0].port != 0)
		alias_link(&c->alias[0]);
	h = (unsigned)c->id % TCP_HASH_SIZE;
	c->id_next = t->by_id[h];
	t->by_id[h] = c;
	c->all_next = t->all;
	if (t->all != NULL)
		t->all->all_prev = c;
	t->all = c;
	t->count++;
	c->created_ms = c->last_ms = get_ticks_ms();
	wheel_link(c, c->created_ms + 1000);
	*out = c;
	return 0;
}

static unsigned
peer_hash(const struct ip_addr *ip)
{
	return addr_hash(ip, 0);
}

const struct tcp_peer *
tcp_peer_get(const struct ip_addr *ip)
{
	struct tcp_peer *p;

	for (p = tcp_conns->by_peer[peer_hash(ip)]; p != NULL; p = p->next)
		if (ip_addr_eq(&p->ip, ip))
			return p;
	return NULL;
}

static void
silent_unlink(struct tcp_conn *c)
{
	struct tcp_conn_table *t = tcp_conns;

	if (!c->silent_linked)
		return;
	if (c->hs_prev != NULL)
		c->hs_prev->hs_next = c->hs_next;
	else
		t->silent_head = c->hs_next;
	if (c->hs_next != NULL)
		c->hs_next->hs_prev = c->hs_prev;
	else
		t->silent_tail = c->hs_prev;
	c->hs_next = c->hs_prev = NULL;
	c->silent_linked = false;
}

int
tcp_conn_peer_attach(struct tcp_conn *c)
{
	struct tcp_conn_table *t = tcp_conns;
	struct tcp_peer *p;
	struct ip_addr ip;
	unsigned h;

	ip_addr_from_su(&ip, &c->peer);
	if ((p = (struct tcp_peer *)(uintptr_t)tcp_peer_get(&ip)) == NULL) {
		if ((p = shm_zalloc(sizeof(*p))) == NULL)
			return E_NOMEM;
		p->ip = ip;
		h = peer_hash(&ip);
		p->next = t->by_peer[h];
		t->by_peer[h] = p;
	}
	p->conns++;
	c->peer_cnt = p;
	if (c->tls_hs_pending) {
		p->handshakes++;
		c->hs_prev = t->silent_tail;
		c->hs_next = NULL;
		if (t->silent_tail != NULL)
			t->silent_tail->hs_next = c;
		else
			t->silent_head = c;
		t->silent_tail = c;
		c->silent_linked = true;
	}
	return 0;
}

/* c's TLS handshake is over (done, or the connection goes). */
static void
peer_handshake_done(struct tcp_conn *c)
{
	if (c->peer_cnt != NULL && c->tls_hs_pending)
		c->peer_cnt->handshakes--;
}

static void
peer_detach(struct tcp_conn *c)
{
	struct tcp_peer *p = c->peer_cnt, **pp;

	silent_unlink(c);
	if (p == NULL)
		return;
	peer_handshake_done(c);
	c->peer_cnt = NULL;
	if (--p->conns > 0)
		return;
	for (pp = &tcp_conns->by_peer[peer_hash(&p->ip)]; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	shm_free(p);
}

void
tcp_conn_got_bytes(struct tcp_conn *c)
{
	tcp_conn_lock();
	c->got_bytes = true;
	silent_unlink(c);
	tcp_conn_unlock();
}

struct tcp_conn *
tcp_conn_silent_take(void)
{
	struct tcp_conn *c;

	for (c = tcp_conns->silent_head; c != NULL; c = c->hs_next)
		if (!c->close_req && !c->got_bytes)
			break;
	if (c != NULL)
		silent_unlink(c);
	return c;
}

void
tcp_conn_remove(struct tcp_conn *c)
{
	struct tcp_conn_table *t = tcp_conns;
	struct tcp_conn **pp;
	struct tcp_chunk *k;
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < TCP_CONN_ALIASES; i++)
		if (c->alias[i].port != 0)
			alias_unlink(&c->alias[i]);
	for (pp = &t->by_id[(unsigned)c->id % TCP_HASH_SIZE]; *pp != NULL;
	    pp = &(*pp)->id_next)
		if (*pp == c) {
			*pp = c->id_next;
			break;
		}
	if (c->all_prev != NULL)
		c->all_prev->all_next = c->all_next;
	else
		t->all = c->all_next;
	if (c->all_next != NULL)
		c->all_next->all_prev = c->all_prev;
	while ((k = c->q_head) != NULL) {
		c->q_head = k->next;
		shm_free(k);
	}
	peer_detach(c);
	wheel_unlink(c);
	if (c->tls_hs_pending)
		t->tls_handshakes--;
	shm_free(c->tls_info);
	shm_free(c->tls);
	t->count--;
	shm_free(c);
}

struct tcp_conn *
tcp_conn_find_id(int id)
{
	struct tcp_conn *c;

	if (id <= 0)
		return NULL;
	for (c = tcp_conns->by_id[(unsigned)id % TCP_HASH_SIZE]; c != NULL;
	    c = c->id_next)
		if (c->id == id)
			return c;
	return NULL;
}

struct tcp_conn *
tcp_conn_find_addr(const struct ip_addr *ip, unsigned short port,
    enum proto proto)
{
	struct tcp_alias *a;

	for (a = tcp_conns->by_addr[addr_hash(ip, port)]; a != NULL;
	    a = a->next) {
		if (a->port != port || !ip_addr_eq(&a->ip, ip))
			continue;
		if (a->c->state == TCP_S_CLOSING || a->c->close_req)
			continue;
		if (proto != PROTO_NONE && a->c->proto != proto)
			continue;
		return a->c;
	}
	return NULL;
}

struct tcp_conn *
tcp_conn_find_tls(const struct ip_addr *ip, unsigned short port,
    const struct tcp_tls_target *t)
{
	struct tcp_alias *a;
	struct tcp_conn *c;

	for (a = tcp_conns->by_addr[addr_hash(ip, port)]; a != NULL;
	    a = a->next) {
		c = a->c;
		if (a->port != port || !ip_addr_eq(&a->ip, ip) ||
		    c->proto != PROTO_TLS)
			continue;
		if (c->state == TCP_S_CLOSING || c->close_req)
			continue;
		/* never across client domains or server names */
		if (c->outgoing && (t == NULL || c->tls == NULL ||
		    c->tls->dom != t->dom || strcmp(c->tls->sni, t->sni) != 0))
			continue;
		return c;
	}
	return NULL;
}

int
tcp_conn_set_tls_target(struct tcp_conn *c, const struct tcp_tls_target *t)
{
	struct tcp_tls_target *n;

	if ((n = shm_malloc(sizeof(*n))) == NULL)
		return E_NOMEM;
	*n = *t;
	shm_free(c->tls);
	c->tls = n;
	return 0;
}

void
tcp_conn_tls_done(struct tcp_conn *c, struct tcp_tls_info *info)
{
	tcp_conn_lock();
	silent_unlink(c);
	if (c->tls_hs_pending) {
		peer_handshake_done(c);
		c->tls_hs_pending = false;
		tcp_conns->tls_handshakes--;
	}
	if (c->state == TCP_S_HANDSHAKE)
		c->state = TCP_S_OPEN;
	if (info != NULL) {
		shm_free(c->tls_info);
		c->tls_info = info;
	}
	tcp_conn_unlock();
}

int
tcp_conn_add_alias(struct tcp_conn *c, const struct ip_addr *ip,
    unsigned short port)
{
	struct tcp_alias *a;
	int i, free_slot = -1;

	if (port == 0)
		return E_INVAL;
	for (i = 0; i < TCP_CONN_ALIASES; i++) {
		if (c->alias[i].port == port && ip_addr_eq(&c->alias[i].ip, ip))
			return 0;
		if (c->alias[i].port == 0 && free_slot < 0 && i > 0)
			free_slot = i;
	}
	if (free_slot < 0)
		return E_TOOBIG;
	/* an alias names one connection: take it from an older one */
	for (a = tcp_conns->by_addr[addr_hash(ip, port)]; a != NULL;
	    a = a->next)
		if (a->port == port && ip_addr_eq(&a->ip, ip) && a != &a->c->alias[0]) {
			alias_unlink(a);
			break;
		}
	a = &c->alias[free_slot];
	a->ip = *ip;
	a->port = port;
	a->c = c;
	alias_link(a);
	return 0;
}

int
tcp_conn_queue(struct tcp_conn *c, const char *buf, size_t len,
    uint64_t now_ms)
{
	return tcp_conn_queue_at(c, buf, len, now_ms, false);
}

int
tcp_conn_queue_at(struct tcp_conn *c, const char *buf, size_t len,
    uint64_t now_ms, bool front)
{
	struct tcp_chunk *k;

	if ((k = shm_malloc(sizeof(*k) + len)) == NULL)
		return E_NOMEM;
	k->next = NULL;
	k->len = len;
	k->off = 0;
	memcpy(k->data, buf, len);
	if (front && c->q_head != NULL) {
		/* the rest of a message whose start is already on the wire:
		 * it goes before anything queued meanwhile, or the stream
		 * would interleave two messages */
		k->next = c->q_head;
		c->q_head = k;
	} else if (c->q_tail != NULL) {
		c->q_tail->next = k;
		c->q_tail = k;
	} else {
		c->q_head = c->q_tail = k;
	}
	if (c->q_bytes == 0) {
		c->q_since_ms = now_ms;
		wheel_schedule(c, now_ms + (c->proto == PROTO_TLS ?
		    tcp_conns->limits.tls_send_ms : tcp_conns->limits.send_ms) +
		    1);
	}
	c->q_bytes += len;
	return 0;
}

int
tcp_alias_add(int conn_id, const struct ip_addr *ip, unsigned short port)
{
	struct tcp_conn *c;
	int rc;

	if (tcp_conns == NULL)
		return E_NOTFOUND;
	tcp_conn_lock();
	c = tcp_conn_find_id(conn_id);
	rc = c != NULL ? tcp_conn_add_alias(c, ip, port) : E_NOTFOUND;
	tcp_conn_unlock();
	return rc;
}

/* now - t, or 0 for a time stamped after now. */
static inline uint64_t
age_ms(uint64_t now, uint64_t t)
{
	return now > t ? now - t : 0;
}

enum tcp_expiry
tcp_conn_expired(const struct tcp_conn *c, uint64_t now,
    const struct tcp_limits *l)
{
	uint64_t created = age_ms(now, c->created_ms);
	bool tls = c->proto == PROTO_TLS;

	if (c->close_req)
		return TCP_EXP_KEEP;
	switch (c->state) {
	case TCP_S_NEW:
		/* never taken by its reader (it died or missed it) */
		return created > l->connect_ms + 5000 ? TCP_EXP_REMOVE
						      : TCP_EXP_KEEP;
	case TCP_S_CONNECTING:
		if (created > l->connect_ms)
			return TCP_EXP_CLOSE;
		break;
	case TCP_S_HANDSHAKE:
		/* TLS: tls_handshake_timeout from the accept (or the start
		 * of the connect); an accepted one whose peer sent nothing,
		 * tls_hello_timeout */
		if (created > (tls ? l->tls_handshake_ms : l->connect_ms) ||
		    (tls && !c->outgoing && !c->got_bytes &&
			l->tls_hello_ms > 0 && created > l->tls_hello_ms))
			return tls ? TCP_EXP_TLS_HANDSHAKE : TCP_EXP_CLOSE;
		break;
	case TCP_S_OPEN:
		if (c->tls_hs_pending && (created > l->tls_handshake_ms ||
		    (!c->outgoing && !c->got_bytes && l->tls_hello_ms > 0 &&
			created > l->tls_hello_ms)))
			return TCP_EXP_TLS_HANDSHAKE;
		/* a message that takes too long to complete (slowloris) */
		if (l->message_ms > 0) {
			uint64_t ms = __atomic_load_n(&c->msg_start_ms,
			    __ATOMIC_RELAXED);

			if (ms != 0 && age_ms(now, ms) > l->message_ms)
				return TCP_EXP_CLOSE;
		}
		if (c->q_bytes == 0 && age_ms(now,
		    __atomic_load_n(&c->last_ms, __ATOMIC_RELAXED)) >
		    l->life_ms && now >= c->keep_ms)
			return TCP_EXP_CLOSE;
		break;
	case TCP_S_CLOSING:
		break;
	}
	if (c->q_bytes > 0 && age_ms(now, c->q_since_ms) >
	    (tls ? l->tls_send_ms : l->send_ms))
		return TCP_EXP_CLOSE;
	return TCP_EXP_KEEP;
}

size_t
tcp_conn_shm_size(bool tls)
{
	/* 16: the heap's header of each block; a TLS summary is sized to
	 * its strings, typically under 200 bytes */
	return sizeof(struct tcp_conn) + 16 + (tls ? sizeof(struct
	    tcp_tls_target) + 16 + sizeof(struct tcp_tls_info) + 200 : 0);
}

void
tcp_conn_table_repair(void)
{
	struct tcp_conn_table *t = tcp_conns;
	struct tcp_conn *c, *prev = NULL;
	struct tcp_chunk *k;
	int n = 0, hs = 0, limit = t->max + 64, i;
	size_t q;

	memset(t->by_id, 0, sizeof(t->by_id));
	memset(t->by_addr, 0, sizeof(t->by_addr));
	/* the old address counts may be half-linked: left behind (a few
	 * blocks), counted again below */
	memset(t->by_peer, 0, sizeof(t->by_peer));
	memset(t->wheel, 0, sizeof(t->wheel));
	t->wheel_done = true;
	t->silent_head = t->silent_tail = NULL;
	for (c = t->all; c != NULL && n < limit; prev = c, c = c->all_next) {
		c->all_prev = prev;
		n++;
		c->id_next = t->by_id[(unsigned)c->id % TCP_HASH_SIZE];
		t->by_id[(unsigned)c->id % TCP_HASH_SIZE] = c;
		for (i = 0; i < TCP_CONN_ALIASES; i++) {
			c->alias[i].next = NULL;
			c->alias[i].c = c;
			if (c->alias[i].port != 0)
				alias_link(&c->alias[i]);
		}
		if (c->tls_hs_pending)
			hs++;
		for (q = 0, k = c->q_head, c->q_tail = NULL; k != NULL;
		    c->q_tail = k, k = k->next)
			q += k->len - k->off;
		c->q_bytes = q;
		c->tw_linked = false;
		wheel_link(c, (t->wheel_tick + 1) * TCP_WHEEL_TICK_MS);
		c->peer_cnt = NULL;
		c->silent_linked = false;
		c->hs_next = c->hs_prev = NULL;
		if (!c->outgoing && tcp_conn_peer_attach(c) == 0 &&
		    c->got_bytes)
			silent_unlink(c);
	}
	if (c != NULL && prev != NULL)
		prev->all_next = NULL;   /* a loop: cut it */
	t->count = n;
	t->tls_handshakes = hs;
}

/* The next time anything may expire for c, as far as its stamps say now;
 * a message that starts later is seen at most message_ms after it did,
 * and a queue that fills reschedules c itself (tcp_conn_queue_at). */
static uint64_t
next_check(const struct tcp_conn *c, uint64_t now, const struct tcp_limits *l)
{
	uint64_t due = now + (l->message_ms > 0 ? l->message_ms : 30000);
	uint64_t last = __atomic_load_n(&c->last_ms, __ATOMIC_RELAXED);
	uint64_t ms = __atomic_load_n(&c->msg_start_ms, __ATOMIC_RELAXED);
	bool tls = c->proto == PROTO_TLS;

	switch (c->state) {
	case TCP_S_NEW:
		due = min_u64(due, c->created_ms + l->connect_ms + 5001);
		break;
	case TCP_S_CONNECTING:
		due = min_u64(due, c->created_ms + l->connect_ms + 1);
		break;
	default:
		break;
	}
	if (c->state == TCP_S_HANDSHAKE || c->tls_hs_pending) {
		due = min_u64(due, c->created_ms + (tls ? l->tls_handshake_ms
		    : l->connect_ms) + 1);
		if (tls && !c->outgoing && !c->got_bytes && l->tls_hello_ms)
			due = min_u64(due, c->created_ms + l->tls_hello_ms + 1);
	}
	if (c->state == TCP_S_OPEN) {
		due = min_u64(due, (last + l->life_ms + 1 > c->keep_ms ?
		    last + l->life_ms + 1 : c->keep_ms));
		if (ms != 0 && l->message_ms > 0)
			due = min_u64(due, ms + l->message_ms + 1);
	}
	if (c->q_bytes > 0)
		due = min_u64(due, c->q_since_ms + (tls ? l->tls_send_ms
		    : l->send_ms) + 1);
	return due;
}

void
tcp_conn_set_limits(const struct tcp_limits *l)
{
	tcp_conns->limits = *l;
}

int
tcp_conn_wheel_step(uint64_t now, int max, bool *more, bool *wake,
    int *tls_hs_expired)
{
	struct tcp_conn_table *t = tcp_conns;
	uint64_t end = now / TCP_WHEEL_TICK_MS, tick;
	struct tcp_conn *c;
	int n = 0;

	*more = false;
	/* wheel_tick is the tick being worked through (its entries are due;
	 * what is scheduled again goes to a later one), or, when
	 * wheel_done, the last one finished */
	for (tick = t->wheel_done ? t->wheel_tick + 1 : t->wheel_tick;
	    tick <= end; tick++) {
		t->wheel_tick = tick;
		t->wheel_done = false;
		while ((c = t->wheel[tick % TCP_WHEEL_SLOTS]) != NULL) {
			if (n == max) {
				*more = true;
				return n;
			}
			n++;
			wheel_unlink(c);
			switch (tcp_conn_expired(c, now, &t->limits)) {
			case TCP_EXP_KEEP:
				wheel_link(c, next_check(c, now, &t->limits));
				break;
			case TCP_EXP_REMOVE:
				tcp_conn_remove(c);
				break;
			case TCP_EXP_TLS_HANDSHAKE:
				(*tls_hs_expired)++;
				/* fall through */
			case TCP_EXP_CLOSE:
				c->close_req = true;
				if (c->owner >= 0 && c->owner < tcp_readers) {
					tcp_pending_add(c->owner, c->id);
					wake[c->owner] = true;
				}
				break;
			}
		}
		t->wheel_done = true;
	}
	return n;
}
