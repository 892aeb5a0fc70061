/* t_target.c: a request's targets beyond the R-URI (sip/target.c): $du,
 * the Path route set (next hop and the Route header it becomes), the
 * destination set, saving and restoring the current target; and the
 * connection-only send (net/tcp_send.c): a branch bound to a connection
 * that is gone fails with E_CLOSED instead of opening a new one. */
#include <stdio.h>
#include <string.h>

#include "../../base/err.h"
#include "../../base/ip_addr.h"
#include "../../mem/shm.h"
#include "../../net/dest_info.h"
#include "../../net/net_addr.h"
#include "../../net/socket_info.h"
#include "../../net/tcp_chan.h"
#include "../../net/tcp_conn.h"
#include "../../net/tcp_send.h"
#include "../../parser/msg_parser.h"
#include "../../sip/data_lump.h"
#include "../../sip/forward.h"
#include "../../sip/ruri.h"
#include "../../sip/target.h"
#include "unit.h"

static const char invite[] =
    "INVITE sip:bob@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKt1\r\n"
    "From: <sip:alice@example.com>;tag=1\r\n"
    "To: <sip:bob@example.com>\r\n"
    "Call-ID: target-1\r\n"
    "CSeq: 1 INVITE\r\n"
    "Route: <sip:rr.example.com;lr>\r\n"
    "Max-Forwards: 70\r\n"
    "Content-Length: 0\r\n\r\n";

#define TWO_EDGES "<sip:edge1.example.com;lr>,<sip:edge2.example.com;lr>"

static int
load(struct sip_msg *m)
{
	const char *why;

	if (parse_msg(invite, sizeof(invite) - 1, m) != 0 ||
	    parse_msg_check(m, &why) != 0)
		return 1;
	return 0;
}

static void
done(struct sip_msg *m)
{
	msg_targets_free(m);
	free_sip_msg(m);
}

static int
t_dst_and_path(void)
{
	struct sip_msg m;
	struct str uri;

	CHECK(load(&m) == 0);
	/* no override: loose routing takes the Route */
	CHECK_INT(0, forward_next_uri(&m, &uri));
	CHECK_STRN("sip:rr.example.com;lr", uri.s, uri.len);
	/* a Path set: its first URI is the next hop */
	CHECK_INT(0, msg_set_path(&m, TWO_EDGES, strlen(TWO_EDGES)));
	CHECK_INT(0, forward_next_uri(&m, &uri));
	CHECK_STRN("sip:edge1.example.com;lr", uri.s, uri.len);
	/* $du wins over both */
	CHECK_INT(0, msg_set_dst_uri(&m, "sip:10.1.1.1:5070", 17));
	CHECK_INT(0, forward_next_uri(&m, &uri));
	CHECK_STRN("sip:10.1.1.1:5070", uri.s, uri.len);
	CHECK_INT(0, msg_set_dst_uri(&m, NULL, 0));
	CHECK(m.dst_uri == NULL);
	/* a path that is not a list of <URI> is refused and changes nothing */
	CHECK_INT(E_PARSE, msg_set_path(&m, "sip:bare.example.com", 20));
	CHECK_INT(E_PARSE, msg_set_path(&m, "<sip:a;lr>,", 11));
	CHECK_STRN(TWO_EDGES, m.path_vec, m.path_vec_len);
	CHECK_INT(0, msg_set_path(&m, NULL, 0));
	CHECK(m.path_vec == NULL);
	done(&m);
	return 0;
}

static int
t_path_becomes_route(void)
{
	struct socket_info si;
	struct dest_info d;
	struct sip_msg m;
	char out[2048];
	const char *r, *own;
	long n;

	memset(&si, 0, sizeof(si));
	si.proto = PROTO_UDP;
	si.port = 5060;
	snprintf(si.via_host, sizeof(si.via_host), "192.0.2.1");
	memset(&d, 0, sizeof(d));
	d.proto = PROTO_UDP;
	d.send_sock = &si;
	CHECK(load(&m) == 0);
	CHECK_INT(0, msg_set_path(&m, "<sip:edge1.example.com;lr>", 26));
	n = forward_build(&m, &d, "z9hG4bKb1", 9, out, sizeof(out) - 1);
	CHECK(n > 0);
	out[n] = '\0';
	r = strstr(out, "Route: <sip:edge1.example.com;lr>\r\n");
	own = strstr(out, "Route: <sip:rr.example.com;lr>\r\n");
	CHECK(r != NULL && own != NULL && r < own);
	/* per branch: gone from the message after the build */
	CHECK(m.add_rm == NULL || strstr(out, "edge1") == r + 12);
	n = forward_build(&m, &d, "z9hG4bKb2", 9, out, sizeof(out) - 1);
	CHECK(n > 0);
	out[n] = '\0';
	r = strstr(out, "edge1");
	CHECK(r != NULL && strstr(r + 1, "edge1") == NULL);
	done(&m);
	return 0;
}

/* The rr module's double Record-Route: a branch that leaves by another
 * socket than the request came in on gets a Record-Route for the
 * outgoing socket on top of record_route()'s one; a branch that leaves
 * by the same socket keeps one, and the message is unchanged after. */
static int
t_double_rr(void)
{
	static const char rr[] =
	    "Record-Route: <sip:192.0.2.1:5060;ftag=1;lr>\r\n";
	struct socket_info udp, tls;
	struct dest_info d;
	struct sip_msg m;
	char out[2048];
	const char *a, *b;
	long n;

	memset(&udp, 0, sizeof(udp));
	udp.proto = PROTO_UDP;
	udp.port = 5060;
	snprintf(udp.via_host, sizeof(udp.via_host), "192.0.2.1");
	tls = udp;
	tls.proto = PROTO_TLS;
	tls.port = 5061;
	memset(&d, 0, sizeof(d));
	CHECK(load(&m) == 0);
	m.rcv.bind = &udp;
	CHECK_INT(0, lump_insert(&m, msg_hdrs_start(&m), rr, sizeof(rr) - 1));
	m.rr_lump = m.add_rm;
	m.rr_rest_off = strlen("Record-Route: <sip:192.0.2.1:5060");
	d.proto = PROTO_TLS;
	d.send_sock = &tls;
	n = forward_build(&m, &d, "z9hG4bKd1", 9, out, sizeof(out) - 1);
	CHECK(n > 0);
	out[n] = '\0';
	a = strstr(out,
	    "Record-Route: <sip:192.0.2.1:5061;transport=tls;ftag=1;lr>\r\n");
	b = strstr(out, rr);
	CHECK(a != NULL && b != NULL && a < b);
	CHECK_STRN(rr, m.rr_lump->text, m.rr_lump->text_len);
	d.proto = PROTO_UDP;
	d.send_sock = &udp;
	n = forward_build(&m, &d, "z9hG4bKd2", 9, out, sizeof(out) - 1);
	CHECK(n > 0);
	out[n] = '\0';
	a = strstr(out, "Record-Route:");
	CHECK(a != NULL && strstr(a + 1, "Record-Route:") == NULL);
	done(&m);
	CHECK(m.rr_lump == NULL);
	return 0;
}

static int
t_branches(void)
{
	struct branch b = { .uri = "sip:c1@10.0.0.1",
		.uri_len = 15,
		.dst_uri = "sip:10.0.0.1:5062",
		.dst_uri_len = 17,
		.q = 500,
		.conn_id = 7 };
	struct branch saved, cur;
	struct sip_msg m;
	struct str ru;
	int i;

	CHECK(load(&m) == 0);
	CHECK_INT(0, branch_count(&m));
	CHECK(branch_get(&m, 0) == NULL);
	CHECK_INT(0, branch_append(&m, &b));
	CHECK_INT(1, branch_count(&m));
	CHECK_STRN("sip:c1@10.0.0.1", branch_get(&m, 0)->uri,
	    branch_get(&m, 0)->uri_len);
	CHECK(branch_get(&m, 0)->uri != b.uri); /* copied */
	CHECK_INT(500, branch_get(&m, 0)->q);
	for (i = 1; i < BRANCH_MAX; i++)
		CHECK_INT(0, branch_append(&m, &b));
	CHECK_INT(E_TOOBIG, branch_append(&m, &b));
	/* a branch made current, then the first target back */
	CHECK_INT(0, msg_target_save(&m, &saved));
	CHECK_INT(0, msg_target_set(&m, branch_get(&m, 0)));
	ru = ruri_get(&m);
	CHECK_STRN("sip:c1@10.0.0.1", ru.s, ru.len);
	CHECK_STRN("sip:10.0.0.1:5062", m.dst_uri, m.dst_uri_len);
	CHECK_INT(7, m.fwd_conn_id);
	msg_target_get(&m, &cur);
	CHECK_INT(7, cur.conn_id);
	CHECK_INT(0, msg_target_set(&m, &saved));
	branch_free_copy(&saved);
	ru = ruri_get(&m);
	CHECK_STRN("sip:bob@example.com", ru.s, ru.len);
	CHECK(m.new_uri == NULL && m.dst_uri == NULL);
	CHECK_INT(0, m.fwd_conn_id);
	branch_clear(&m);
	CHECK_INT(0, branch_count(&m));
	CHECK_INT(0, branch_append(&m, &b)); /* freed with the message */
	done(&m);
	return 0;
}

static int
t_conn_only(void)
{
	struct socket_info si;
	struct tcp_conn *c;
	struct dest_info d;
	union sockaddr_union peer;
	struct ip_addr ip;
	int id, saved = tcp_readers;

	CHECK_INT(0, shm_init(4 << 20));
	CHECK_INT(0, tcp_conn_table_init(16));
	tcp_readers = 1;
	memset(&si, 0, sizeof(si));
	si.proto = PROTO_TCP;
	ip_addr_parse("127.0.0.1", 9, &ip);
	su_from_ip_port(&peer, &ip, 5070);
	si.su = peer;
	tcp_conn_lock();
	CHECK_INT(0, tcp_conn_add(&c, PROTO_TCP, &peer, &si));
	c->owner = 0;
	c->state = TCP_S_OPEN;
	id = c->id;
	tcp_conn_unlock();
	/* kept open past the idle limit while a registration lives on it */
	CHECK_INT(0, tcp_conn_keep(id, 5000));
	CHECK_INT(0, tcp_conn_keep(id, 1000)); /* never shortened */
	tcp_conn_lock();
	CHECK((c = tcp_conn_find_id(id)) != NULL && c->keep_ms == 5000);
	tcp_conn_unlock();
	CHECK_INT(E_NOTFOUND, tcp_conn_keep(id + 100, 5000));
	/* bound to a connection that is gone: no new connection */
	memset(&d, 0, sizeof(d));
	d.proto = PROTO_TCP;
	d.to = peer;
	d.send_sock = &si;
	d.conn_id = id + 100;
	d.conn_only = true;
	CHECK_INT(E_CLOSED, tcp_send(&d, "x", 1));
	/* a target whose connection is known to be gone (MSG_CONN_GONE):
	 * the stream send is conn-only with no id, and fails at once */
	{
		struct sip_msg m;
		struct dest_info g = { .proto = PROTO_TCP, .to = peer };

		CHECK_INT(0, load(&m));
		msg_set_conn(&m, MSG_CONN_GONE);
		(void)forward_dest_socket(&m, &g);
		g.send_sock = &si; /* the test has no sockets */
		CHECK(g.conn_only);
		CHECK_INT(0, g.conn_id);
		CHECK_INT(E_CLOSED, tcp_send(&g, "x", 1));
		/* UDP targets ignore it */
		memset(&g, 0, sizeof(g));
		g.proto = PROTO_UDP;
		(void)forward_dest_socket(&m, &g);
		CHECK(!g.conn_only);
		done(&m);
	}
	/* the one it is bound to takes the bytes (queued for its owner) */
	d.conn_id = id;
	CHECK_INT(0, tcp_send(&d, "x", 1));
	CHECK_INT(id, d.conn_id);
	tcp_conn_lock();
	CHECK((c = tcp_conn_find_id(id)) != NULL && c->q_bytes == 1);
	tcp_conn_remove(c);
	tcp_conn_unlock();
	tcp_readers = saved;
	tcp_conn_table_destroy();
	shm_destroy();
	return 0;
}

/* clang-format off */
static const struct unit_test tests[] = {
	{ "dst_and_path",       t_dst_and_path },
	{ "path_becomes_route", t_path_becomes_route },
	{ "double_rr",          t_double_rr },
	{ "branches",           t_branches },
	{ "conn_only",          t_conn_only },
	{ NULL, NULL },
};
/* clang-format on */

UNIT_MAIN(tests)
