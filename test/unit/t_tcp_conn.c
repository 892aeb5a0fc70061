/* t_tcp_conn.c: the shm connection table: add, find by id / address /
 * alias, remove, alias moves and slots, the connection limit, queues. */
#include <string.h>

#include "../../base/err.h"
#include "../../mem/shm.h"
#include "../../net/net_addr.h"
#include "../../net/tcp_chan.h"
#include "../../net/tcp_conn.h"
#include "unit.h"

#define HEAP (8 << 20)

static union sockaddr_union
su_of(const char *ip, unsigned short port)
{
	union sockaddr_union su;
	struct ip_addr a;

	memset(&su, 0, sizeof(su));
	ip_addr_parse(ip, strlen(ip), &a);
	su_from_ip_port(&su, &a, port);
	return su;
}

static struct ip_addr
ip_of(const char *s)
{
	struct ip_addr a;

	ip_addr_parse(s, strlen(s), &a);
	return a;
}

static int
setup(int max)
{
	if (shm_init(HEAP) != 0 || tcp_conn_table_init(max) != 0)
		return 1;
	return 0;
}

static void
teardown(void)
{
	tcp_conn_table_destroy();
	shm_destroy();
}

static int
t_add_find_remove_(void)
{
	union sockaddr_union a = su_of("10.0.0.1", 5060);
	union sockaddr_union b = su_of("2001:db8::1", 5070);
	struct ip_addr ia = ip_of("10.0.0.1"), ib = ip_of("2001:db8::1");
	struct tcp_conn *c1, *c2;

	CHECK_INT(0, tcp_conn_add(&c1, PROTO_TCP, &a, NULL));
	CHECK_INT(0, tcp_conn_add(&c2, PROTO_TCP, &b, NULL));
	CHECK(c1->id > 0 && c2->id > c1->id);
	CHECK_INT(2, tcp_conns->count);
	CHECK(tcp_conn_find_id(c1->id) == c1);
	CHECK(tcp_conn_find_id(c2->id) == c2);
	CHECK(tcp_conn_find_id(c2->id + 1) == NULL);
	CHECK(tcp_conn_find_id(0) == NULL);
	CHECK(tcp_conn_find_addr(&ia, 5060, PROTO_TCP) == c1);
	CHECK(tcp_conn_find_addr(&ia, 5060, PROTO_NONE) == c1);
	CHECK(tcp_conn_find_addr(&ia, 5060, PROTO_TLS) == NULL);
	CHECK(tcp_conn_find_addr(&ia, 5061, PROTO_TCP) == NULL);
	CHECK(tcp_conn_find_addr(&ib, 5070, PROTO_TCP) == c2);
	/* a closing connection is not reused */
	c2->close_req = true;
	CHECK(tcp_conn_find_addr(&ib, 5070, PROTO_TCP) == NULL);
	CHECK(tcp_conn_find_id(c2->id) == c2);
	tcp_conn_remove(c1);
	CHECK_INT(1, tcp_conns->count);
	CHECK(tcp_conn_find_addr(&ia, 5060, PROTO_TCP) == NULL);
	tcp_conn_remove(c2);
	CHECK_INT(0, tcp_conns->count);
	CHECK(tcp_conns->all == NULL);
	return 0;
}

static int
t_aliases_(void)
{
	union sockaddr_union a = su_of("10.0.0.1", 40000);
	union sockaddr_union b = su_of("10.0.0.1", 40001);
	struct ip_addr ip = ip_of("10.0.0.1"), other = ip_of("10.0.0.2");
	struct tcp_conn *c1, *c2;
	int i;

	CHECK_INT(0, tcp_conn_add(&c1, PROTO_TCP, &a, NULL));
	CHECK_INT(0, tcp_conn_add(&c2, PROTO_TCP, &b, NULL));
	CHECK_INT(E_INVAL, tcp_conn_add_alias(c1, &ip, 0));
	CHECK_INT(0, tcp_conn_add_alias(c1, &ip, 5060));
	CHECK_INT(0, tcp_conn_add_alias(c1, &ip, 5060));   /* again: fine */
	CHECK(tcp_conn_find_addr(&ip, 5060, PROTO_TCP) == c1);
	CHECK(tcp_conn_find_addr(&ip, 40000, PROTO_TCP) == c1);
	/* the alias moves to the newer connection */
	CHECK_INT(0, tcp_conn_add_alias(c2, &ip, 5060));
	CHECK(tcp_conn_find_addr(&ip, 5060, PROTO_TCP) == c2);
	CHECK(tcp_conn_find_addr(&ip, 40000, PROTO_TCP) == c1);
	/* slots: TCP_CONN_ALIASES - 1 besides the peer address */
	for (i = 1; i < TCP_CONN_ALIASES; i++)
		CHECK_INT(0, tcp_conn_add_alias(c1, &other, (unsigned short)(
		    6000 + i)));
	CHECK_INT(E_TOOBIG, tcp_conn_add_alias(c1, &other, 7000));
	CHECK(tcp_conn_find_addr(&other, 6001, PROTO_TCP) == c1);
	/* removing c2 drops its aliases; c1 keeps its own */
	tcp_conn_remove(c2);
	CHECK(tcp_conn_find_addr(&ip, 5060, PROTO_TCP) == NULL);
	CHECK(tcp_conn_find_addr(&other, 6002, PROTO_TCP) == c1);
	tcp_conn_remove(c1);
	CHECK(tcp_conn_find_addr(&other, 6002, PROTO_TCP) == NULL);
	return 0;
}

static int
t_limit_(void)
{
	union sockaddr_union a;
	struct tcp_conn *c[3], *x;
	int i;

	for (i = 0; i < 3; i++) {
		a = su_of("127.0.0.1", (unsigned short)(1000 + i));
		CHECK_INT(0, tcp_conn_add(&c[i], PROTO_TCP, &a, NULL));
	}
	a = su_of("127.0.0.1", 2000);
	x = NULL;
	CHECK_INT(E_TOOBIG, tcp_conn_add(&x, PROTO_TCP, &a, NULL));
	CHECK(x == NULL);
	tcp_conn_remove(c[1]);
	CHECK_INT(0, tcp_conn_add(&x, PROTO_TCP, &a, NULL));
	tcp_conn_remove(x);
	tcp_conn_remove(c[0]);
	tcp_conn_remove(c[2]);
	return 0;
}

static int
t_queue_(void)
{
	union sockaddr_union a = su_of("127.0.0.1", 5060);
	struct tcp_conn *c;
	long live;

	CHECK_INT(0, tcp_conn_add(&c, PROTO_TCP, &a, NULL));
	live = shm_live_blocks();
	CHECK_INT(0, tcp_conn_queue(c, "abc", 3, 100));
	CHECK_INT(0, tcp_conn_queue(c, "defg", 4, 200));
	CHECK_INT(7, c->q_bytes);
	CHECK_INT(100, c->q_since_ms);
	CHECK_STRN("abc", c->q_head->data, c->q_head->len);
	CHECK_STRN("defg", c->q_tail->data, c->q_tail->len);
	CHECK_INT(live + 2, shm_live_blocks());
	/* the owner's unwritten rest goes first; on an empty queue both
	 * ends are set */
	CHECK_INT(0, tcp_conn_queue_at(c, "rest", 4, 300, true));
	CHECK_STRN("rest", c->q_head->data, c->q_head->len);
	CHECK_STRN("abc", c->q_head->next->data, c->q_head->next->len);
	CHECK_STRN("defg", c->q_tail->data, c->q_tail->len);
	CHECK_INT(11, c->q_bytes);
	CHECK_INT(100, c->q_since_ms);
	tcp_conn_remove(c);   /* frees the queue too */
	CHECK_INT(live - 1, shm_live_blocks());
	CHECK_INT(0, tcp_conn_add(&c, PROTO_TCP, &a, NULL));
	CHECK_INT(0, tcp_conn_queue_at(c, "x", 1, 5, true));
	CHECK(c->q_head != NULL && c->q_head == c->q_tail);
	CHECK_INT(0, tcp_conn_queue(c, "y", 1, 6));
	CHECK_STRN("y", c->q_tail->data, c->q_tail->len);
	CHECK_INT(5, c->q_since_ms);
	tcp_conn_remove(c);
	return 0;
}

static int
t_many_(void)
{
	static struct tcp_conn *c[3000];
	union sockaddr_union a;
	struct ip_addr ip = ip_of("127.0.0.1");
	int i;

	for (i = 0; i < 3000; i++) {
		a = su_of("127.0.0.1", (unsigned short)(10000 + i));
		CHECK_INT(0, tcp_conn_add(&c[i], PROTO_TCP, &a, NULL));
	}
	for (i = 0; i < 3000; i += 7) {
		CHECK(tcp_conn_find_id(c[i]->id) == c[i]);
		CHECK(tcp_conn_find_addr(&ip, (unsigned short)(10000 + i),
			  PROTO_TCP) == c[i]);
	}
	/* one idle entry: shm footprint */
	CHECK(sizeof(struct tcp_conn) < 1024);
	for (i = 0; i < 3000; i++)
		tcp_conn_remove(c[i]);
	CHECK_INT(0, tcp_conns->count);
	return 0;
}

#define WRAP(name, max)                                               \
	static int name(void)                                         \
	{                                                             \
		int rc;                                               \
		if (setup(max) != 0)                                  \
			return 1;                                     \
		rc = name##_();                                       \
		teardown();                                           \
		return rc;                                            \
	}

WRAP(t_add_find_remove, 16)
WRAP(t_aliases, 16)
WRAP(t_limit, 3)
WRAP(t_queue, 16)
WRAP(t_many, 4096)

/* The supervisor's decision per connection (tcp_conn_expired): a time
 * stamped after the scan's "now" counts as age 0 (it closed busy and
 * young connections when ages were unsigned differences), a registered
 * connection outlives tcp_connection_lifetime, queues and handshakes
 * time out. */
static int
t_expiry(void)
{
	const struct tcp_limits l = { .life_ms = 120000, .connect_ms = 10000,
		.send_ms = 10000, .tls_handshake_ms = 5000,
		.tls_send_ms = 3000 };
	struct tcp_conn c;
	uint64_t now = 1000000;

	memset(&c, 0, sizeof(c));
	c.proto = PROTO_TCP;
	c.state = TCP_S_OPEN;
	/* stamped just after now, by an owner or a new entry */
	c.created_ms = now + 3;
	c.last_ms = now + 1;
	CHECK_INT(TCP_EXP_KEEP, tcp_conn_expired(&c, now, &l));
	c.q_bytes = 10;
	c.q_since_ms = now + 2;
	CHECK_INT(TCP_EXP_KEEP, tcp_conn_expired(&c, now, &l));
	c.q_bytes = 0;
	/* idle for longer than the lifetime */
	c.last_ms = now - 120001;
	CHECK_INT(TCP_EXP_CLOSE, tcp_conn_expired(&c, now, &l));
	/* ... unless a registration keeps it */
	c.keep_ms = now + 60000;
	CHECK_INT(TCP_EXP_KEEP, tcp_conn_expired(&c, now, &l));
	CHECK_INT(TCP_EXP_CLOSE, tcp_conn_expired(&c, now + 60000, &l));
	c.keep_ms = 0;
	c.last_ms = now;
	/* a queue that did not drain */
	c.q_bytes = 1;
	c.q_since_ms = now - 10001;
	CHECK_INT(TCP_EXP_CLOSE, tcp_conn_expired(&c, now, &l));
	c.proto = PROTO_TLS;
	c.q_since_ms = now - 3001;
	CHECK_INT(TCP_EXP_CLOSE, tcp_conn_expired(&c, now, &l));
	c.q_bytes = 0;
	/* a TLS handshake that takes too long */
	c.state = TCP_S_HANDSHAKE;
	c.created_ms = now - 5001;
	CHECK_INT(TCP_EXP_TLS_HANDSHAKE, tcp_conn_expired(&c, now, &l));
	c.created_ms = now + 5;
	CHECK_INT(TCP_EXP_KEEP, tcp_conn_expired(&c, now, &l));
	/* an entry no reader took */
	c.state = TCP_S_NEW;
	c.created_ms = now - 15001;
	CHECK_INT(TCP_EXP_REMOVE, tcp_conn_expired(&c, now, &l));
	c.created_ms = now + 1;
	CHECK_INT(TCP_EXP_KEEP, tcp_conn_expired(&c, now, &l));
	/* its owner closes it already */
	c.close_req = true;
	c.state = TCP_S_OPEN;
	c.last_ms = 0;
	CHECK_INT(TCP_EXP_KEEP, tcp_conn_expired(&c, now, &l));
	return 0;
}

/* Per source address counts of accepted connections, and the list of
 * silent TLS handshakes (oldest first) that tls_max_handshakes evicts
 * from. */
static int
t_peers(void)
{
	union sockaddr_union a = su_of("10.0.0.1", 1000);
	union sockaddr_union a2 = su_of("10.0.0.1", 1001);
	union sockaddr_union b = su_of("10.0.0.2", 1000);
	struct ip_addr ia = ip_of("10.0.0.1"), ib = ip_of("10.0.0.2");
	struct tcp_conn *c1, *c2, *c3;
	const struct tcp_peer *p;

	CHECK(setup(16) == 0);
	tcp_conn_lock();
	CHECK_INT(0, tcp_conn_add(&c1, PROTO_TLS, &a, NULL));
	CHECK_INT(0, tcp_conn_peer_attach(c1));
	CHECK_INT(0, tcp_conn_add(&c2, PROTO_TLS, &a2, NULL));
	CHECK_INT(0, tcp_conn_peer_attach(c2));
	CHECK_INT(0, tcp_conn_add(&c3, PROTO_TCP, &b, NULL));
	CHECK_INT(0, tcp_conn_peer_attach(c3));
	CHECK((p = tcp_peer_get(&ia)) != NULL);
	CHECK_INT(2, p->conns);
	CHECK_INT(2, p->handshakes);
	CHECK((p = tcp_peer_get(&ib)) != NULL);
	CHECK_INT(1, p->conns);
	CHECK_INT(0, p->handshakes);
	tcp_conn_unlock();
	/* c1 spoke: c2 is the oldest silent one */
	tcp_conn_got_bytes(c1);
	tcp_conn_lock();
	CHECK(tcp_conn_silent_take() == c2);
	CHECK(tcp_conn_silent_take() == NULL);   /* taken off the list */
	tcp_conn_unlock();
	/* a handshake done leaves the address's count */
	tcp_conn_tls_done(c1, NULL);
	tcp_conn_lock();
	CHECK_INT(1, tcp_peer_get(&ia)->handshakes);
	tcp_conn_remove(c2);
	CHECK_INT(1, tcp_peer_get(&ia)->conns);
	CHECK_INT(0, tcp_peer_get(&ia)->handshakes);
	CHECK_INT(0, tcp_conns->tls_handshakes);
	tcp_conn_remove(c1);
	CHECK(tcp_peer_get(&ia) == NULL);        /* freed with the last */
	tcp_conn_remove(c3);
	CHECK(tcp_peer_get(&ib) == NULL);
	tcp_conn_unlock();
	teardown();
	return 0;
}

/* A silent TLS connection and a message that never completes time out
 * (tls_hello_timeout, tcp_message_timeout). */
static int
t_expiry_abuse(void)
{
	const struct tcp_limits l = { .life_ms = 120000, .connect_ms = 10000,
		.send_ms = 10000, .tls_handshake_ms = 30000,
		.tls_send_ms = 3000, .message_ms = 20000,
		.tls_hello_ms = 3000 };
	struct tcp_conn c;
	uint64_t now = 1000000;

	memset(&c, 0, sizeof(c));
	c.proto = PROTO_TLS;
	c.state = TCP_S_HANDSHAKE;
	c.tls_hs_pending = true;
	c.created_ms = now - 3001;
	c.last_ms = now;
	CHECK_INT(TCP_EXP_TLS_HANDSHAKE, tcp_conn_expired(&c, now, &l));
	c.got_bytes = true;      /* it spoke: the handshake timeout only */
	CHECK_INT(TCP_EXP_KEEP, tcp_conn_expired(&c, now, &l));
	c.got_bytes = false;
	c.outgoing = true;       /* ours: the server speaks second */
	CHECK_INT(TCP_EXP_KEEP, tcp_conn_expired(&c, now, &l));
	c.outgoing = false;
	c.state = TCP_S_OPEN;    /* taken, its init not run yet */
	CHECK_INT(TCP_EXP_TLS_HANDSHAKE, tcp_conn_expired(&c, now, &l));
	/* a message trickling in, a byte now and then */
	c.proto = PROTO_TCP;
	c.tls_hs_pending = false;
	c.got_bytes = true;
	c.msg_start_ms = now - 20001;
	CHECK_INT(TCP_EXP_CLOSE, tcp_conn_expired(&c, now, &l));
	c.msg_start_ms = now - 19000;
	CHECK_INT(TCP_EXP_KEEP, tcp_conn_expired(&c, now, &l));
	c.msg_start_ms = now + 2;  /* stamped during the scan */
	CHECK_INT(TCP_EXP_KEEP, tcp_conn_expired(&c, now, &l));
	return 0;
}

/* The timing wheel: a connection is looked at when its deadline comes
 * (idle lifetime here), not before; its owner is marked to wake; a busy
 * one is scheduled again; many idle ones cost nothing until they are due,
 * then are taken in batches. */
static int
t_wheel(void)
{
	const struct tcp_limits l = { .life_ms = 2000, .connect_ms = 10000,
		.send_ms = 10000, .tls_handshake_ms = 30000,
		.tls_send_ms = 3000, .message_ms = 20000 };
	union sockaddr_union a = su_of("10.0.0.1", 1000);
	struct tcp_conn *idle, *busy, *c;
	bool more, wake[4] = { false, false, false, false };
	uint64_t t0;
	int hs = 0, n, i, saved = tcp_readers;

	CHECK(setup(2000) == 0);
	tcp_readers = 4;
	tcp_conn_set_limits(&l);
	tcp_conn_lock();
	CHECK_INT(0, tcp_conn_add(&idle, PROTO_TCP, &a, NULL));
	CHECK_INT(0, tcp_conn_add(&busy, PROTO_TCP, &a, NULL));
	t0 = idle->created_ms;
	idle->state = busy->state = TCP_S_OPEN;
	idle->owner = 2;
	busy->owner = 1;
	/* nothing is due in the first second */
	n = tcp_conn_wheel_step(t0 + 900, 100, &more, wake, &hs);
	CHECK_INT(0, n);
	/* looked at once after a second, kept, due again at its deadline */
	busy->last_ms = t0 + 1000;
	n = tcp_conn_wheel_step(t0 + 1100, 100, &more, wake, &hs);
	CHECK_INT(2, n);
	CHECK(!idle->close_req && !busy->close_req);
	n = tcp_conn_wheel_step(t0 + 1900, 100, &more, wake, &hs);
	CHECK_INT(0, n);
	/* the idle one expires at t0 + 2000; the busy one was active */
	n = tcp_conn_wheel_step(t0 + 2200, 100, &more, wake, &hs);
	CHECK(n >= 1);
	CHECK(idle->close_req && !busy->close_req);
	CHECK(wake[2] && !wake[1]);
	/* a thousand idle connections: taken 256 at a time when due */
	for (i = 0; i < 1000; i++) {
		CHECK_INT(0, tcp_conn_add(&c, PROTO_TCP, &a, NULL));
		c->state = TCP_S_OPEN;
		c->owner = 0;
		c->last_ms = c->created_ms = t0 + 2200;
	}
	/* their first look: a second after they came, 256 at a time */
	n = tcp_conn_wheel_step(t0 + 3000, 256, &more, wake, &hs);
	CHECK_INT(256, n);
	CHECK(more);
	while (more)
		n += tcp_conn_wheel_step(t0 + 3000, 256, &more, wake, &hs);
	CHECK(n >= 1000);
	/* kept (idle since t0 + 2200), and not looked at again before
	 * their deadline */
	for (c = tcp_conns->all, i = 0; c != NULL; c = c->all_next)
		i += c->close_req;
	CHECK_INT(1, i);
	n = tcp_conn_wheel_step(t0 + 4100, 256, &more, wake, &hs);
	CHECK(n <= 1);
	while (tcp_conn_wheel_step(t0 + 4300, 256, &more, wake, &hs) > 0)
		;
	for (c = tcp_conns->all, i = 0; c != NULL; c = c->all_next)
		i += c->close_req;
	CHECK_INT(1002, i);     /* and the busy one, idle since t0 + 1000 */
	tcp_conn_unlock();
	tcp_readers = saved;
	teardown();
	return 0;
}

/* clang-format off */
static const struct unit_test tests[] = {
	{ "wheel",           t_wheel },
	{ "peers",           t_peers },
	{ "expiry_abuse",    t_expiry_abuse },
	{ "expiry",          t_expiry },
	{ "add_find_remove", t_add_find_remove },
	{ "aliases",         t_aliases },
	{ "limit",           t_limit },
	{ "queue",           t_queue },
	{ "many",            t_many },
	{ NULL, NULL },
};
/* clang-format on */

UNIT_MAIN(tests)
