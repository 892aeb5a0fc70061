/* t_udp.c: addresses, listen sockets from the config, "myself", and a
 * real datagram round trip on 127.0.0.1. */
#include <arpa/inet.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../base/err.h"
#include "../../cfg/core_cfg.h"
#include "../../mem/pkg.h"
#include "../../net/net_addr.h"
#include "../../net/socket_info.h"
#include "../../net/udp_server.h"
#include "unit.h"

/* CHECK_STRN on a NUL-terminated array */
#define CHECK_CSTR(exp, arr)                                          \
	do {                                                          \
		const char *cs_ = (arr);                              \
		CHECK_STRN((exp), cs_, strlen(cs_));                  \
	} while (0)

static int
t_addr_parse(void)
{
	/* clang-format off */
	static const struct { const char *in, *out; int af; } ok[] = {
		{ "127.0.0.1",        "127.0.0.1",   AF_INET },
		{ "0.0.0.0",          "0.0.0.0",     AF_INET },
		{ "::1",              "::1",         AF_INET6 },
		{ "[::1]",            "::1",         AF_INET6 },
		{ "[2001:DB8::0:1]",  "2001:db8::1", AF_INET6 },
		{ "::ffff:1.2.3.4",   "::ffff:1.2.3.4", AF_INET6 },
	};
	static const char *bad[] = { "", "[]", "[1.2.3.4]", "1.2.3", "1.2.3.4.5",
		"256.1.1.1", "example.com", "[::1", "::1]", ":::", "1.2.3.4 " };
	/* clang-format on */
	struct ip_addr ip, ip2;
	union sockaddr_union su;
	char buf[IP_ADDR_STR_MAX];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK_INT(0, ip_addr_parse(ok[i].in, strlen(ok[i].in), &ip));
		CHECK_INT(ok[i].af, ip.af);
		CHECK_INT(ok[i].af == AF_INET ? 4 : 16, ip.len);
		CHECK_INT(strlen(ok[i].out),
		    ip_addr_to_str(&ip, buf, sizeof(buf)));
		CHECK_CSTR(ok[i].out, buf);
		CHECK_INT(0, su_from_ip_port(&su, &ip, 5060));
		CHECK_INT(5060, su_port(&su));
		ip_addr_from_su(&ip2, &su);
		CHECK(ip_addr_eq(&ip, &ip2));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT(E_PARSE, ip_addr_parse(bad[i], strlen(bad[i]), &ip));
	/* length-bounded: the trailing junk is outside len */
	CHECK_INT(0, ip_addr_parse("10.0.0.1:5060", 8, &ip));
	CHECK(ip_addr_is_any(&(struct ip_addr){ .af = AF_INET, .len = 4 }));
	CHECK(!ip_addr_is_any(&ip));
	CHECK_INT(0, ip_addr_to_str(&ip, buf, 4));
	return 0;
}

static struct listen_cfg *
lst(struct listen_cfg *l, enum proto p, const char *host, unsigned short port,
    struct listen_cfg *next)
{
	memset(l, 0, sizeof(*l));
	l->proto = p;
	l->host = (char *)(uintptr_t)host;
	l->port = port;
	l->next = next;
	return l;
}

static int
t_cfg_forms(void)
{
	struct listen_cfg l[5];
	struct core_cfg cfg;
	struct socket_info *si;
	char *err = NULL;

	memset(&cfg, 0, sizeof(cfg));
	cfg.port = 5060;
	cfg.listen = lst(&l[0], PROTO_UDP, "127.0.0.1", 0,
	    lst(&l[1], PROTO_NONE, "localhost", 5070,
	    lst(&l[2], PROTO_TCP, "::1", 5080,
	    lst(&l[3], PROTO_TLS, "127.0.0.2", 0,
	    lst(&l[4], PROTO_NONE, "*", 0, NULL)))));
	socket_tls_enabled = true;
	CHECK_INT(0, sockets_from_cfg(&cfg, &err));
	socket_tls_enabled = false;
	/* udp: 127.0.0.1:5060, localhost:5070, *:5060 */
	CHECK_INT(3, socket_count(PROTO_UDP));
	si = udp_listen;
	CHECK_CSTR("127.0.0.1", si->address_str);
	CHECK_CSTR("5060", si->port_str);
	CHECK_INT(5060, si->port);
	CHECK_INT(5060, su_port(&si->su));
	CHECK_INT(-1, si->fd);
	CHECK(!si->is_any);
	si = si->next;
	CHECK_CSTR("localhost", si->name);
	CHECK_INT(5070, si->port);
	si = si->next;
	CHECK(si->is_any);
	CHECK_CSTR("0.0.0.0", si->address_str);
	/* tcp: localhost:5070, [::1]:5080, *:5060 */
	CHECK_INT(3, socket_count(PROTO_TCP));
	si = tcp_listen->next;
	CHECK_INT(AF_INET6, si->address.af);
	CHECK_CSTR("::1", si->address_str);
	CHECK_INT(5080, si->port);
	/* tls: localhost:5061, 127.0.0.2:5061, *:5061 */
	CHECK_INT(3, socket_count(PROTO_TLS));
	CHECK_INT(5061, tls_listen->port);
	CHECK_CSTR("127.0.0.2", tls_listen->next->address_str);
	CHECK_INT(5061, tls_listen->next->port);
	sockets_free_all();
	CHECK(udp_listen == NULL && tcp_listen == NULL && tls_listen == NULL);

	/* duplicates collapse; disable_tcp; no tls unless enabled */
	cfg.disable_tcp = 1;
	cfg.port = 5090;
	cfg.listen = lst(&l[0], PROTO_NONE, "127.0.0.1", 0,
	    lst(&l[1], PROTO_UDP, "127.0.0.1", 5090, NULL));
	CHECK_INT(0, sockets_from_cfg(&cfg, &err));
	CHECK_INT(1, socket_count(PROTO_UDP));
	CHECK_INT(5090, udp_listen->port);
	CHECK_INT(0, socket_count(PROTO_TCP));
	CHECK_INT(0, socket_count(PROTO_TLS));
	sockets_free_all();

	cfg.listen = lst(&l[0], PROTO_UDP, "no-such-host.invalid", 0, NULL);
	CHECK_INT(E_INVAL, sockets_from_cfg(&cfg, &err));
	CHECK(strstr(err, "no-such-host.invalid") != NULL);
	CHECK(udp_listen == NULL);
	cfg.listen = lst(&l[0], PROTO_SCTP, "127.0.0.1", 0, NULL);
	CHECK_INT(E_INVAL, sockets_from_cfg(&cfg, &err));
	return 0;
}

static int
t_cfg_ifaces(void)
{
	struct core_cfg cfg;
	struct socket_info *si;
	char *err = NULL;
	bool lo = false;

	memset(&cfg, 0, sizeof(cfg));
	CHECK_INT(0, sockets_from_cfg(&cfg, &err));
	CHECK(udp_listen != NULL);
	CHECK_INT(socket_count(PROTO_UDP), socket_count(PROTO_TCP));
	for (si = udp_listen; si != NULL; si = si->next) {
		CHECK_INT(5060, si->port);
		CHECK(!si->is_any);
		CHECK(strncmp(si->address_str, "fe80", 4) != 0);
		if (strcmp(si->address_str, "127.0.0.1") == 0)
			lo = true;
	}
	CHECK(lo);
	sockets_free_all();
	return 0;
}

static int
t_myself(void)
{
	struct listen_cfg l[3];
	struct alias_cfg a[3];
	struct core_cfg cfg;
	struct ip_addr ip;
	union sockaddr_union su;
	char *err = NULL;
	char *buf = NULL;
	size_t blen;
	FILE *f;
	/* clang-format off */
	static const struct { const char *host; unsigned short port;
	    enum proto proto; bool is; } cases[] = {
		{ "127.0.0.1",   5060, PROTO_UDP,  true },
		{ "127.0.0.1",   0,    PROTO_NONE, true },
		{ "127.0.0.1",   5061, PROTO_UDP,  false },
		{ "127.0.0.1",   5060, PROTO_TCP,  false },
		{ "127.0.0.2",   5060, PROTO_UDP,  false },
		{ "[::1]",       5060, PROTO_UDP,  true },
		{ "::1",         5060, PROTO_TCP,  true },
		{ "[::1]",       5062, PROTO_NONE, false },
		{ "[0:0::1]",    0,    PROTO_NONE, true },
		{ "EXAMPLE.com", 1234, PROTO_TLS,  true },
		{ "example.com", 0,    PROTO_NONE, true },
		{ "example.co",  0,    PROTO_NONE, false },
		{ "proxy.test",  5070, PROTO_UDP,  true },
		{ "proxy.test",  5071, PROTO_UDP,  false },
		{ "proxy.test",  0,    PROTO_UDP,  true },
		{ "10.1.2.3",    9,    PROTO_UDP,  true },
		{ "[10.1.2.3]",  9,    PROTO_UDP,  false },
		{ "Localhost",   5064, PROTO_UDP,  true },
		{ "localhost",   5060, PROTO_UDP,  false },
		{ "",            0,    PROTO_NONE, false },
	};
	/* clang-format on */
	size_t i;

	memset(&cfg, 0, sizeof(cfg));
	memset(a, 0, sizeof(a));
	cfg.port = 5060;
	cfg.listen = lst(&l[0], PROTO_UDP, "127.0.0.1", 0,
	    lst(&l[1], PROTO_NONE, "::1", 0,
	    lst(&l[2], PROTO_UDP, "localhost", 5064, NULL)));
	a[0] = (struct alias_cfg){ .host = (char *)(uintptr_t)"Example.COM",
		.next = &a[1] };
	a[1] = (struct alias_cfg){ .host = (char *)(uintptr_t)"proxy.test",
		.port = 5070, .next = &a[2] };
	a[2] = (struct alias_cfg){ .host = (char *)(uintptr_t)"10.1.2.3" };
	cfg.alias = a;
	CHECK_INT(0, sockets_from_cfg(&cfg, &err));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct str h = str_from(cases[i].host);

		if (socket_is_myself(&h, cases[i].port, cases[i].proto) !=
		    cases[i].is) {
			printf("myself %s:%u proto %d: expected %d\n",
			    cases[i].host, cases[i].port, cases[i].proto,
			    cases[i].is);
			sockets_free_all();
			return 1;
		}
	}
	CHECK(!socket_is_myself(NULL, 0, PROTO_NONE));

	ip_addr_parse("127.0.0.1", 9, &ip);
	CHECK(socket_find(&ip, 5060, PROTO_UDP) == udp_listen);
	CHECK(socket_find(&ip, 5060, PROTO_TCP) == NULL);
	CHECK(socket_find(&ip, 5061, PROTO_UDP) == NULL);
	ip_addr_parse("::1", 3, &ip);
	CHECK(socket_find(&ip, 5060, PROTO_TCP) == tcp_listen);
	su_from_ip_port(&su, &ip, 7000);
	CHECK(socket_for_dst(&su, PROTO_UDP) == udp_listen->next);
	CHECK(socket_for_dst(&su, PROTO_TLS) == NULL);
	ip_addr_parse("192.0.2.1", 9, &ip);
	su_from_ip_port(&su, &ip, 7000);
	CHECK(socket_for_dst(&su, PROTO_UDP) == udp_listen);
	CHECK(socket_for_dst(&su, PROTO_TCP) == NULL);

	f = open_memstream(&buf, &blen);
	CHECK(f != NULL);
	socket_print_all(f);
	fclose(f);
	CHECK(strstr(buf, "Listening on\n") != NULL);
	CHECK(strstr(buf, "udp: 127.0.0.1 [127.0.0.1]:5060\n") != NULL);
	CHECK(strstr(buf, "tcp: ::1 [::1]:5060\n") != NULL);
	CHECK(strstr(buf, "udp: localhost [127.0.0.1]:5064\n") != NULL);
	CHECK(strstr(buf, "*: proxy.test:5070\n") != NULL);
	CHECK(strstr(buf, "*: Example.COM:*\n") != NULL);
	free(buf);
	sockets_free_all();
	return 0;
}

/* A wildcard listen address makes every address of this host "myself"
 * (for that socket's family and port), not any address at all. */
static int
t_myself_wildcard(void)
{
	struct listen_cfg l[2];
	struct core_cfg cfg;
	char *err = NULL;
	struct str h;

	memset(&cfg, 0, sizeof(cfg));
	cfg.port = 5060;
	cfg.listen = lst(&l[0], PROTO_UDP, "0.0.0.0", 0,
	    lst(&l[1], PROTO_TLS, "0.0.0.0", 5061, NULL));
	CHECK_INT(0, sockets_from_cfg(&cfg, &err));
	h = str_from("127.0.0.1");
	CHECK(socket_is_myself(&h, 5060, PROTO_UDP));
	CHECK(socket_is_myself(&h, 0, PROTO_NONE));
	CHECK(socket_is_myself(&h, 5061, PROTO_TLS));
	CHECK(!socket_is_myself(&h, 5062, PROTO_NONE));
	CHECK(!socket_is_myself(&h, 5060, PROTO_TCP));   /* no TCP socket */
	h = str_from("192.0.2.77");                       /* not ours */
	CHECK(!socket_is_myself(&h, 5060, PROTO_UDP));
	h = str_from("[::1]");                            /* no IPv6 socket */
	CHECK(!socket_is_myself(&h, 5060, PROTO_UDP));
	sockets_free_all();
	/* an address of its own is still matched exactly */
	cfg.listen = lst(&l[0], PROTO_UDP, "127.0.0.1", 0, NULL);
	CHECK_INT(0, sockets_from_cfg(&cfg, &err));
	h = str_from("127.0.0.2");
	CHECK(!socket_is_myself(&h, 5060, PROTO_UDP));
	sockets_free_all();
	return 0;
}

static char got[256];
static struct receive_info got_rcv;
static int got_count;

static int
on_datagram(char *buf, size_t len, struct receive_info *rcv)
{
	CHECK_INT(strlen(buf), len); /* NUL-terminated at len */
	snprintf(got, sizeof(got), "%s", buf);
	got_rcv = *rcv;
	got_count++;
	udp_stop = 1;
	return 0;
}

static void
on_alarm(int sig)
{
	(void)sig;
	udp_stop = 1;
}

/* Bind 127.0.0.1 on a port derived from the pid (a few tries), send to it
 * from a plain socket, read it back through udp_rcv_loop. */
static int
t_udp_roundtrip(void)
{
	static const char msg[] = "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\n\r\n";
	struct listen_cfg l;
	struct core_cfg cfg;
	struct sigaction sa;
	union sockaddr_union peer;
	socklen_t plen = sizeof(peer);
	char *err = NULL, rbuf[128];
	int fd, i, rc = E_IO;
	unsigned short port = 0;
	ssize_t n;

	memset(&cfg, 0, sizeof(cfg));
	for (i = 0; i < 10 && rc != 0; i++) {
		port = (unsigned short)(20000 + (getpid() * 7 + i * 997) % 12000);
		cfg.listen = lst(&l, PROTO_UDP, "127.0.0.1", port, NULL);
		CHECK_INT(0, sockets_from_cfg(&cfg, &err));
		if ((rc = udp_bind_all(&err)) != 0) {
			CHECK(strstr(err, "bind udp 127.0.0.1:") != NULL);
			sockets_free_all();
		}
	}
	CHECK_INT(0, rc);
	CHECK(udp_listen->fd >= 0);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(fd >= 0);
	memset(&peer, 0, sizeof(peer));
	peer.sin.sin_family = AF_INET;
	peer.sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(fd, &peer.s, sizeof(peer.sin)) == 0);
	CHECK(getsockname(fd, &peer.s, &plen) == 0);
	/* a CRLF keep-alive (dropped), then a request */
	CHECK(sendto(fd, "\r\n", 2, 0, &udp_listen->su.s,
	    su_len(&udp_listen->su)) == 2);
	CHECK(sendto(fd, msg, sizeof(msg) - 1, 0, &udp_listen->su.s,
	    su_len(&udp_listen->su)) == (ssize_t)sizeof(msg) - 1);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	alarm(5);
	udp_stop = 0;
	got_count = 0;
	CHECK_INT(0, udp_rcv_loop(udp_listen, on_datagram));
	alarm(0);
	udp_stop = 0;
	CHECK_INT(1, got_count);
	CHECK_CSTR(msg, got);
	CHECK_INT(PROTO_UDP, got_rcv.proto);
	CHECK(got_rcv.bind == udp_listen);
	CHECK_INT(port, got_rcv.dst_port);
	CHECK_INT(su_port(&peer), got_rcv.src_port);
	CHECK_INT(0, got_rcv.conn_id);
	CHECK(ip_addr_eq(&got_rcv.src_ip, &udp_listen->address));
	CHECK(ip_addr_eq(&got_rcv.dst_ip, &udp_listen->address));
	CHECK_INT(su_port(&peer), su_port(&got_rcv.src_su));

	/* reply from the proxy socket to the peer */
	CHECK_INT(0, udp_send(udp_listen, "SIP/2.0 200 OK\r\n\r\n", 19,
	    &got_rcv.src_su));
	plen = sizeof(peer);
	n = recvfrom(fd, rbuf, sizeof(rbuf) - 1, 0, &peer.s, &plen);
	CHECK_INT(19, n);
	CHECK_INT(port, su_port(&peer));
	close(fd);
	/* wrong family and oversize are refused */
	ip_addr_parse("::1", 3, &got_rcv.src_ip);
	su_from_ip_port(&peer, &got_rcv.src_ip, 5060);
	CHECK_INT(E_INVAL, udp_send(udp_listen, "x", 1, &peer));
	CHECK_INT(E_INVAL, udp_send(udp_listen, rbuf, 70000, &got_rcv.src_su));
	sockets_free_all();
	return 0;
}

/* Binding the same port twice fails with the address in the message. */
static int
t_udp_bind_error(void)
{
	struct listen_cfg l[2];
	struct core_cfg cfg;
	char *err = NULL;
	int fd;
	union sockaddr_union su;
	socklen_t len = sizeof(su);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&su, 0, sizeof(su));
	su.sin.sin_family = AF_INET;
	su.sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(fd, &su.s, sizeof(su.sin)) == 0);
	CHECK(getsockname(fd, &su.s, &len) == 0);
	memset(&cfg, 0, sizeof(cfg));
	cfg.listen = lst(&l[0], PROTO_UDP, "127.0.0.1", su_port(&su), NULL);
	CHECK_INT(0, sockets_from_cfg(&cfg, &err));
	CHECK_INT(E_IO, udp_bind_all(&err));
	CHECK(strstr(err, "bind udp 127.0.0.1:") != NULL);
	CHECK(strstr(err, "in use") != NULL);
	sockets_free_all();
	close(fd);
	return 0;
}

/* clang-format off */
static const struct unit_test tests[] = {
	{ "addr_parse",     t_addr_parse },
	{ "cfg_forms",      t_cfg_forms },
	{ "cfg_ifaces",     t_cfg_ifaces },
	{ "myself_wildcard", t_myself_wildcard },
	{ "myself",         t_myself },
	{ "udp_roundtrip",  t_udp_roundtrip },
	{ "udp_bind_error", t_udp_bind_error },
	{ NULL, NULL },
};
/* clang-format on */

UNIT_MAIN(tests)
