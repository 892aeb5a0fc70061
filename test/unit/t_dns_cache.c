/* t_dns_cache.c: the shared DNS cache (net/dns_cache.c) on a fake clock:
 * TTL expiry, the min/max clamp, negative caching (RFC 2308), pending
 * marks, LRU eviction by size, flush; the destination blocklist
 * (net/dst_blacklist.c): add, check, expiry, flush; and the wire TTL
 * parser (dns_wire_ttls). */
#include <arpa/inet.h>
#include <string.h>

#include "../../base/err.h"
#include "../../cfg/core_cfg.h"
#include "../../mem/shm.h"
#include "../../net/dns_cache.h"
#include "../../net/dns_res.h"
#include "../../net/dst_blacklist.h"
#include "../../net/net_addr.h"
#include "unit.h"

#define HEAP (8 * 1024 * 1024)

static uint64_t now_ms = 1000000;

static uint64_t
fake_now(void)
{
	return now_ms;
}

static int
setup(void)
{
	core_cfg.use_dns_cache = 1;
	core_cfg.dns_cache_min_ttl = 0;
	core_cfg.dns_cache_max_ttl = 3600;
	core_cfg.dns_cache_negative_ttl = 60;
	core_cfg.dns_cache_mem = 512;
	core_cfg.use_dst_blacklist = 1;
	core_cfg.dst_blacklist_expire = 60;
	core_cfg.dst_blacklist_mem = 250;
	if (shm_init(HEAP) != 0 || dns_cache_init() != 0)
		return 1;
	dns_cache_set_clock(fake_now);
	dst_blacklist_set_clock(fake_now);
	return 0;
}

static void
teardown(void)
{
	dns_cache_destroy();
	dst_blacklist_destroy();
	dns_cache_set_clock(NULL);
	dst_blacklist_set_clock(NULL);
	shm_destroy();
}

static void
rr_a(struct dns_rr *rr, const char *ip)
{
	memset(rr, 0, sizeof(*rr));
	ip_addr_parse(ip, strlen(ip), &rr->ip);
}

static int
t_ttl_expiry(void)
{
	struct dns_rr in[2], out[DNS_RR_MAX];

	CHECK_INT(0, setup());
	rr_a(&in[0], "192.0.2.1");
	rr_a(&in[1], "192.0.2.2");
	CHECK_INT(DNS_MISS, dns_cache_get(DNS_T_A, "a.test", out, DNS_RR_MAX));
	CHECK_INT(0, dns_cache_put(DNS_T_A, "a.test", in, 2, 30));
	CHECK_INT(2, dns_cache_get(DNS_T_A, "a.test", out, DNS_RR_MAX));
	CHECK(ip_addr_eq(&out[1].ip, &in[1].ip));
	/* names are case-insensitive; types are separate keys */
	CHECK_INT(2, dns_cache_get(DNS_T_A, "A.Test", out, DNS_RR_MAX));
	CHECK_INT(DNS_MISS,
	    dns_cache_get(DNS_T_AAAA, "a.test", out, DNS_RR_MAX));
	CHECK_INT(1, dns_cache_get(DNS_T_A, "a.test", out, 1));
	now_ms += 29999;
	CHECK_INT(2, dns_cache_get(DNS_T_A, "a.test", out, DNS_RR_MAX));
	now_ms += 1;
	CHECK_INT(DNS_MISS, dns_cache_get(DNS_T_A, "a.test", out, DNS_RR_MAX));
	teardown();
	return 0;
}

static int
t_ttl_clamp(void)
{
	struct dns_rr in, out[DNS_RR_MAX];

	CHECK_INT(0, setup());
	core_cfg.dns_cache_min_ttl = 10;
	core_cfg.dns_cache_max_ttl = 100;
	rr_a(&in, "192.0.2.1");
	/* TTL 0 is kept for the minimum */
	CHECK_INT(0, dns_cache_put(DNS_T_A, "lo.test", &in, 1, 0));
	/* TTL 1 day is cut to the maximum */
	CHECK_INT(0, dns_cache_put(DNS_T_A, "hi.test", &in, 1, 86400));
	now_ms += 9999;
	CHECK_INT(1, dns_cache_get(DNS_T_A, "lo.test", out, DNS_RR_MAX));
	now_ms += 1;
	CHECK_INT(DNS_MISS, dns_cache_get(DNS_T_A, "lo.test", out, DNS_RR_MAX));
	now_ms += 89999;
	CHECK_INT(1, dns_cache_get(DNS_T_A, "hi.test", out, DNS_RR_MAX));
	now_ms += 1;
	CHECK_INT(DNS_MISS, dns_cache_get(DNS_T_A, "hi.test", out, DNS_RR_MAX));
	teardown();
	return 0;
}

static int
t_negative(void)
{
	struct dns_rr out[DNS_RR_MAX];

	CHECK_INT(0, setup());
	core_cfg.dns_cache_negative_ttl = 20;
	core_cfg.dns_cache_min_ttl = 30; /* not for negative answers */
	/* the SOA minimum (5 s) under the cap */
	CHECK_INT(0, dns_cache_put(DNS_T_SRV, "_sip._udp.no.test", NULL, 0, 5));
	CHECK_INT(0, dns_cache_get(DNS_T_SRV, "_sip._udp.no.test", out, 4));
	now_ms += 5000;
	CHECK_INT(DNS_MISS,
	    dns_cache_get(DNS_T_SRV, "_sip._udp.no.test", out, 4));
	/* capped at dns_cache_negative_ttl */
	CHECK_INT(0, dns_cache_put(DNS_T_A, "no.test", NULL, 0, 3600));
	now_ms += 19999;
	CHECK_INT(0, dns_cache_get(DNS_T_A, "no.test", out, 4));
	now_ms += 1;
	CHECK_INT(DNS_MISS, dns_cache_get(DNS_T_A, "no.test", out, 4));
	/* dns_cache_negative_ttl=0: not cached at all */
	core_cfg.dns_cache_negative_ttl = 0;
	CHECK_INT(0, dns_cache_put(DNS_T_A, "no.test", NULL, 0, 3600));
	CHECK_INT(DNS_MISS, dns_cache_get(DNS_T_A, "no.test", out, 4));
	teardown();
	return 0;
}

static int
t_pending(void)
{
	struct dns_rr in, out[DNS_RR_MAX];

	CHECK_INT(0, setup());
	rr_a(&in, "192.0.2.9");
	CHECK(dns_cache_claim(DNS_T_A, "p.test", 500));
	/* another process: not its lookup to do */
	CHECK(!dns_cache_claim(DNS_T_A, "p.test", 500));
	CHECK_INT(DNS_PENDING, dns_cache_get(DNS_T_A, "p.test", out, 4));
	/* the answer replaces the mark */
	CHECK_INT(0, dns_cache_put(DNS_T_A, "p.test", &in, 1, 60));
	CHECK_INT(1, dns_cache_get(DNS_T_A, "p.test", out, 4));
	/* a failed lookup drops its mark; an expired mark is free again */
	CHECK(dns_cache_claim(DNS_T_A, "q.test", 500));
	dns_cache_unclaim(DNS_T_A, "q.test");
	CHECK_INT(DNS_MISS, dns_cache_get(DNS_T_A, "q.test", out, 4));
	CHECK(dns_cache_claim(DNS_T_A, "q.test", 500));
	now_ms += 500;
	CHECK(dns_cache_claim(DNS_T_A, "q.test", 500));
	teardown();
	return 0;
}

static int
t_lru_size(void)
{
	struct dns_rr in, out[DNS_RR_MAX];
	struct dns_cache_stats st;
	char name[32];
	int i, kept = 0;

	CHECK_INT(0, setup());
	core_cfg.dns_cache_mem = 16; /* KB */
	rr_a(&in, "192.0.2.1");
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "n%d.test", i);
		CHECK_INT(0, dns_cache_put(DNS_T_A, name, &in, 1, 600));
		if (i == 0)
			continue;
		/* keep n0 recently used: it must survive */
		CHECK_INT(1, dns_cache_get(DNS_T_A, "n0.test", out, 4));
	}
	dns_cache_get_stats(&st);
	CHECK(st.bytes <= 16 * 1024);
	CHECK(st.evicted > 0);
	CHECK_INT(200, st.entries + st.evicted);
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "n%d.test", i);
		if (dns_cache_get(DNS_T_A, name, out, 4) == 1)
			kept++;
	}
	CHECK_INT((long)st.entries, kept);
	/* the oldest unused went first; the newest are there */
	CHECK_INT(DNS_MISS, dns_cache_get(DNS_T_A, "n1.test", out, 4));
	CHECK_INT(1, dns_cache_get(DNS_T_A, "n199.test", out, 4));
	CHECK_INT(1, dns_cache_get(DNS_T_A, "n0.test", out, 4));
	teardown();
	return 0;
}

static int
count_walk(void *arg, int type, const char *name, const struct dns_rr *rr,
    int n, unsigned ttl_left, bool pending)
{
	(void)type;
	(void)name;
	(void)rr;
	(void)n;
	(void)ttl_left;
	(void)pending;
	(*(int *)arg)++;
	return 0;
}

static int
t_flush(void)
{
	struct dns_rr in, out[DNS_RR_MAX];
	int n = 0;

	CHECK_INT(0, setup());
	rr_a(&in, "192.0.2.1");
	CHECK_INT(0, dns_cache_put(DNS_T_A, "f.test", &in, 1, 60));
	CHECK_INT(0, dns_cache_put(DNS_T_AAAA, "f.test", NULL, 0, 60));
	CHECK_INT(0, dns_cache_put(DNS_T_A, "g.test", &in, 1, 60));
	dns_cache_walk(count_walk, &n);
	CHECK_INT(3, n);
	CHECK_INT(2, dns_cache_flush_name("F.test"));
	CHECK_INT(DNS_MISS, dns_cache_get(DNS_T_A, "f.test", out, 4));
	CHECK_INT(1, dns_cache_get(DNS_T_A, "g.test", out, 4));
	CHECK_INT(1, dns_cache_flush());
	CHECK_INT(DNS_MISS, dns_cache_get(DNS_T_A, "g.test", out, 4));
	n = 0;
	dns_cache_walk(count_walk, &n);
	CHECK_INT(0, n);
	/* use_dns_cache=no: nothing is kept */
	core_cfg.use_dns_cache = 0;
	CHECK_INT(0, dns_cache_put(DNS_T_A, "g.test", &in, 1, 60));
	core_cfg.use_dns_cache = 1;
	CHECK_INT(DNS_MISS, dns_cache_get(DNS_T_A, "g.test", out, 4));
	teardown();
	return 0;
}

static int
t_blacklist(void)
{
	union sockaddr_union a, b;
	struct ip_addr ip;

	CHECK_INT(0, setup());
	CHECK_INT(0, dst_blacklist_init());
	core_cfg.dst_blacklist_expire = 10;
	ip_addr_parse("192.0.2.5", 9, &ip);
	su_from_ip_port(&a, &ip, 5060);
	su_from_ip_port(&b, &ip, 5061);
	CHECK(!dst_blacklist_check(PROTO_UDP, &a));
	dst_blacklist_add(PROTO_UDP, &a, DST_BL_TIMEOUT);
	CHECK(dst_blacklist_check(PROTO_UDP, &a));
	/* the key is proto, address and port */
	CHECK(!dst_blacklist_check(PROTO_TCP, &a));
	CHECK(!dst_blacklist_check(PROTO_UDP, &b));
	now_ms += 9999;
	CHECK(dst_blacklist_check(PROTO_UDP, &a));
	now_ms += 1;
	CHECK(!dst_blacklist_check(PROTO_UDP, &a));
	dst_blacklist_add(PROTO_TLS, &b, DST_BL_TLS);
	core_cfg.use_dst_blacklist = 0;
	CHECK(!dst_blacklist_check(PROTO_TLS, &b));
	core_cfg.use_dst_blacklist = 1;
	CHECK(dst_blacklist_check(PROTO_TLS, &b));
	CHECK_INT(1, dst_blacklist_flush());
	CHECK(!dst_blacklist_check(PROTO_TLS, &b));
	teardown();
	return 0;
}

/* dst_blacklist_mem bounds the table: the entry closest to its expiry
 * makes room for a new one. */
static int
t_blacklist_size(void)
{
	union sockaddr_union a;
	struct ip_addr ip;
	int i, live = 0;

	CHECK_INT(0, setup());
	core_cfg.dst_blacklist_mem = 1; /* KB: a few dozen entries */
	CHECK_INT(0, dst_blacklist_init());
	ip_addr_parse("192.0.2.7", 9, &ip);
	for (i = 0; i < 500; i++) {
		su_from_ip_port(&a, &ip, (unsigned short)(1000 + i));
		dst_blacklist_add(PROTO_UDP, &a, DST_BL_REFUSED);
		now_ms += 10;
	}
	for (i = 0; i < 500; i++) {
		su_from_ip_port(&a, &ip, (unsigned short)(1000 + i));
		if (dst_blacklist_check(PROTO_UDP, &a))
			live++;
	}
	CHECK(live > 0 && live < 100);
	/* the newest is there, the oldest went */
	su_from_ip_port(&a, &ip, 1499);
	CHECK(dst_blacklist_check(PROTO_UDP, &a));
	su_from_ip_port(&a, &ip, 1000);
	CHECK(!dst_blacklist_check(PROTO_UDP, &a));
	teardown();
	return 0;
}

/* A response: header, one question, then records built by the caller. */
static size_t
msg_start(unsigned char *m, unsigned an, unsigned ns)
{
	static const unsigned char q[] = { 1, 'a', 4, 't', 'e', 's', 't', 0, 0,
		1, 0, 1 };

	memset(m, 0, 12);
	m[2] = 0x81;
	m[3] = 0x80;
	m[5] = 1;
	m[7] = (unsigned char)an;
	m[9] = (unsigned char)ns;
	memcpy(m + 12, q, sizeof(q));
	return 12 + sizeof(q);
}

static size_t
rr_put(unsigned char *m, size_t off, unsigned type, uint32_t ttl,
    const unsigned char *rd, unsigned rdlen)
{
	m[off++] = 0xC0; /* pointer to the question name */
	m[off++] = 12;
	m[off++] = (unsigned char)(type >> 8);
	m[off++] = (unsigned char)type;
	m[off++] = 0;
	m[off++] = 1;
	m[off++] = (unsigned char)(ttl >> 24);
	m[off++] = (unsigned char)(ttl >> 16);
	m[off++] = (unsigned char)(ttl >> 8);
	m[off++] = (unsigned char)ttl;
	m[off++] = (unsigned char)(rdlen >> 8);
	m[off++] = (unsigned char)rdlen;
	memcpy(m + off, rd, rdlen);
	return off + rdlen;
}

static int
t_wire_ttls(void)
{
	static const unsigned char a1[] = { 192, 0, 2, 1 };
	/* SOA: mname ".", rname ".", serial, refresh, retry, expire, min 7 */
	static const unsigned char soa[] = { 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0,
		0, 1, 0, 0, 0, 1, 0, 0, 0, 7 };
	unsigned char m[512];
	unsigned ans;
	long neg;
	size_t n;

	n = msg_start(m, 2, 0);
	n = rr_put(m, n, 1, 300, a1, 4);
	n = rr_put(m, n, 1, 120, a1, 4);
	CHECK_INT(0, dns_wire_ttls(m, n, &ans, &neg));
	CHECK_INT(120, ans);
	CHECK_INT(-1, neg);
	/* NXDOMAIN with an SOA: min(TTL 900, MINIMUM 7) */
	n = msg_start(m, 0, 1);
	n = rr_put(m, n, 6, 900, soa, sizeof(soa));
	CHECK_INT(0, dns_wire_ttls(m, n, &ans, &neg));
	CHECK_INT(7, neg);
	n = msg_start(m, 0, 1);
	n = rr_put(m, n, 6, 3, soa, sizeof(soa));
	CHECK_INT(0, dns_wire_ttls(m, n, &ans, &neg));
	CHECK_INT(3, neg);
	/* truncated: an error, never a read past the end */
	CHECK_INT(E_INVAL, dns_wire_ttls(m, n - 1, &ans, &neg));
	CHECK_INT(E_INVAL, dns_wire_ttls(m, 11, &ans, &neg));
	return 0;
}

static const struct unit_test tests[] = {
	{ "ttl_expiry", t_ttl_expiry },
	{ "ttl_clamp", t_ttl_clamp },
	{ "negative", t_negative },
	{ "pending", t_pending },
	{ "lru_size", t_lru_size },
	{ "flush", t_flush },
	{ "blacklist", t_blacklist },
	{ "blacklist_size", t_blacklist_size },
	{ "wire_ttls", t_wire_ttls },
	{ NULL, NULL },
};

UNIT_MAIN(tests)
