/* t_registrar.c: the registrar's RFC 3261 §10.3 / RFC 5626 §6 rules
 * (modules/registrar/reg_rules.c), rule by rule, and usrloc's table
 * (modules/usrloc/ul_table.c, ul_flow.c): commits all or nothing (out of
 * shm halfway changes nothing), the per-AOR limit, expiry, and flows
 * whose connection closed becoming unreachable at once. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../base/err.h"
#include "../../base/stat.h"
#include "../../mem/pkg.h"
#include "../../mem/shm.h"
#include "../../modules/registrar/reg_flow.h"
#include "../../modules/rr/rr_flow.h"
#include "../../modules/registrar/reg_rules.h"
#include "../../modules/usrloc/ul_table.h"
#include "unit.h"

struct ul_cfg ul_cfg = { .db_mode = 0, .timer_interval = 60, .hash_size = 4 };

static const struct reg_cfg cfg = {
	.default_expires = 3600,
	.min_expires = 60,
	.max_expires = 7200,
	.max_contacts = 3,
	.default_q = -1,
};

#define NOW 1000000

static struct ul_binding tmpl = { .proto = PROTO_UDP,
	.methods = UL_METHODS_ALL };

static struct reg_contact
ct(const char *uri, int exp, int q)
{
	struct reg_contact c = { .uri = str_from(uri),
		.raw = str_from(uri),
		.q = q };

	if (exp >= 0) {
		c.has_expires = true;
		c.expires = (uint32_t)exp;
	}
	return c;
}

static struct reg_request
req(const struct reg_contact *c, int n, const char *callid, uint32_t cseq)
{
	struct reg_request rq = { .c = c,
		.n = n,
		.callid = str_from(callid),
		.cseq = cseq,
		.now = NOW,
		.tmpl = &tmpl };

	return rq;
}

static struct ul_binding
bd(const char *uri, const char *callid, uint32_t cseq, int64_t expires)
{
	struct ul_binding b = { .contact = str_from(uri),
		.callid = str_from(callid),
		.cseq = cseq,
		.expires = expires,
		.q = -1,
		.proto = PROTO_UDP };

	return b;
}

/* §10.3 step 7: the expiry of each contact */
static int
t_expiry(void)
{
	struct reg_contact c = ct("sip:a@h", -1, -1);
	struct reg_request rq = req(&c, 1, "x", 1);
	struct reg_error e;
	uint32_t x;

	CHECK(reg_expiry(&cfg, &rq, &c, &x, &e));
	CHECK_INT(3600, x); /* default_expires */
	rq.has_expires_hdr = true;
	rq.expires_hdr = 120;
	CHECK(reg_expiry(&cfg, &rq, &c, &x, &e));
	CHECK_INT(120, x); /* the Expires header */
	c = ct("sip:a@h", 300, -1);
	CHECK(reg_expiry(&cfg, &rq, &c, &x, &e));
	CHECK_INT(300, x); /* the param wins */
	c = ct("sip:a@h", 0, -1);
	CHECK(reg_expiry(&cfg, &rq, &c, &x, &e));
	CHECK_INT(0, x); /* a removal */
	c = ct("sip:a@h", 59, -1);
	CHECK(!reg_expiry(&cfg, &rq, &c, &x, &e));
	CHECK_INT(423, e.code);
	CHECK_INT(60, e.min_expires);
	c = ct("sip:a@h", -1, -1);
	c.has_expires = true;
	c.expires = 0xffffffffu; /* 2^40 saturated */
	CHECK(reg_expiry(&cfg, &rq, &c, &x, &e));
	CHECK_INT(7200, x); /* cut to max_expires */
	return 0;
}

/* new, refresh, removal, ordering by Call-ID/CSeq */
static int
t_bindings(void)
{
	struct ul_change ch[UL_CHANGES_MAX];
	struct reg_error e;
	struct reg_contact c[2] = { ct("sip:a@h", -1, 500),
		ct("sip:b@h", 60, -1) };
	struct reg_request rq = req(c, 2, "call-1", 5);
	struct ul_binding cur[2];

	/* two new bindings */
	CHECK_INT(2, reg_decide(&cfg, &rq, NULL, 0, ch, &e));
	CHECK_INT(UL_INSERT, ch[0].op);
	CHECK_STR("sip:a@h", &ch[0].b.contact);
	CHECK_INT(NOW + 3600, ch[0].b.expires);
	CHECK_INT(500, ch[0].b.q);
	CHECK_INT(NOW + 60, ch[1].b.expires);
	CHECK_STR("call-1", &ch[1].b.callid);
	CHECK_INT(5, ch[1].b.cseq);
	/* a later CSeq of the same call refreshes, a removal removes */
	cur[0] = bd("sip:a@h", "call-1", 5, NOW + 10);
	cur[1] = bd("sip:b@h", "call-1", 5, NOW + 10);
	c[1] = ct("sip:b@h", 0, -1);
	rq.cseq = 6;
	CHECK_INT(2, reg_decide(&cfg, &rq, cur, 2, ch, &e));
	CHECK_INT(UL_UPDATE, ch[0].op);
	CHECK_INT(0, ch[0].idx);
	CHECK_INT(UL_DELETE, ch[1].op);
	CHECK_INT(1, ch[1].idx);
	/* an older CSeq of the same call: refused, nothing changes */
	rq.cseq = 4;
	CHECK_INT(-1, reg_decide(&cfg, &rq, cur, 2, ch, &e));
	CHECK_INT(400, e.code);
	CHECK(strstr(e.reason, "CSeq") != NULL);
	/* the same CSeq: a retransmission, the bindings stay */
	rq.cseq = 5;
	CHECK_INT(0, reg_decide(&cfg, &rq, cur, 2, ch, &e));
	/* another Call-ID (a UA that restarted): any CSeq updates */
	rq = req(c, 1, "call-2", 1);
	CHECK_INT(1, reg_decide(&cfg, &rq, cur, 2, ch, &e));
	CHECK_INT(UL_UPDATE, ch[0].op);
	/* removing a binding that is not there changes nothing */
	c[0] = ct("sip:zz@h", 0, -1);
	CHECK_INT(0, reg_decide(&cfg, &rq, cur, 2, ch, &e));
	/* no Contact: a query */
	rq.n = 0;
	CHECK_INT(0, reg_decide(&cfg, &rq, cur, 2, ch, &e));
	return 0;
}

/* §10.3 step 6: Contact: * */
static int
t_star(void)
{
	struct ul_change ch[UL_CHANGES_MAX];
	struct reg_error e;
	struct reg_request rq = req(NULL, 0, "other", 1);
	struct ul_binding cur[3] = { bd("sip:a@h", "c1", 5, NOW + 10),
		bd("sip:b@h", "c2", 9, NOW + 10),
		bd("sip:c@h", "c3", 1, NOW + 10) };

	rq.star = true;
	CHECK_INT(3, reg_decide(&cfg, &rq, cur, 3, ch, &e));
	CHECK_INT(UL_DELETE, ch[2].op);
	/* a * of an older CSeq of one binding's call fails as a whole */
	rq.callid = str_from("c2");
	rq.cseq = 8;
	CHECK_INT(-1, reg_decide(&cfg, &rq, cur, 3, ch, &e));
	CHECK_INT(400, e.code);
	/* of the same CSeq: that one is its own REGISTER again */
	rq.cseq = 9;
	CHECK_INT(2, reg_decide(&cfg, &rq, cur, 3, ch, &e));
	return 0;
}

/* 423 and max_contacts change nothing; max_contacts counts the result */
static int
t_limits(void)
{
	struct ul_change ch[UL_CHANGES_MAX];
	struct reg_error e;
	struct reg_contact c[4] = { ct("sip:a@h", -1, -1),
		ct("sip:b@h", 30, -1), ct("sip:c@h", -1, -1),
		ct("sip:d@h", -1, -1) };
	struct reg_request rq = req(c, 2, "x", 1);
	struct ul_binding cur[3] = { bd("sip:1@h", "y", 1, NOW + 10),
		bd("sip:2@h", "y", 1, NOW + 10),
		bd("sip:3@h", "y", 1, NOW + 10) };

	CHECK_INT(-1, reg_decide(&cfg, &rq, NULL, 0, ch, &e));
	CHECK_INT(423, e.code);
	c[1] = ct("sip:b@h", -1, -1);
	rq.n = 4;
	CHECK_INT(-1, reg_decide(&cfg, &rq, NULL, 0, ch, &e));
	CHECK_INT(403, e.code);
	rq.n = 1;
	CHECK_INT(-1, reg_decide(&cfg, &rq, cur, 3, ch, &e));
	CHECK_INT(403, e.code);
	/* replacing one of three is fine */
	c[0] = ct("sip:1@h", -1, -1);
	CHECK_INT(1, reg_decide(&cfg, &rq, cur, 3, ch, &e));
	/* one removed, one added: still three */
	c[1] = ct("sip:2@h", 0, -1);
	c[0] = ct("sip:new@h", -1, -1);
	rq.n = 2;
	CHECK_INT(2, reg_decide(&cfg, &rq, cur, 3, ch, &e));
	return 0;
}

/* RFC 5626 §6: flows are matched by instance and reg-id */
static int
t_outbound(void)
{
	struct ul_change ch[UL_CHANGES_MAX];
	struct reg_error e;
	struct reg_contact c[2] = { ct("sip:new-addr@h", -1, -1),
		ct("sip:x@h", -1, -1) };
	struct reg_request rq = req(c, 1, "z", 1);
	struct ul_binding cur[1] = { bd("sip:old-addr@h", "y", 1, NOW + 10) };

	c[0].instance = str_from("<urn:uuid:1>");
	c[0].has_reg_id = true;
	c[0].reg_id = 1;
	cur[0].instance = str_from("<urn:uuid:1>");
	cur[0].reg_id = 1;
	cur[0].flags = UL_FL_OUTBOUND;
	rq.outbound = true;
	/* the same flow from a new address replaces the old binding */
	CHECK_INT(1, reg_decide(&cfg, &rq, cur, 1, ch, &e));
	CHECK_INT(UL_UPDATE, ch[0].op);
	CHECK(ch[0].b.flags & UL_FL_OUTBOUND);
	CHECK_INT(1, ch[0].b.reg_id);
	/* another reg-id of the same instance is another flow */
	c[0].reg_id = 2;
	CHECK_INT(1, reg_decide(&cfg, &rq, cur, 1, ch, &e));
	CHECK_INT(UL_INSERT, ch[0].op);
	/* without outbound processing reg-id means nothing */
	rq.outbound = false;
	CHECK_INT(1, reg_decide(&cfg, &rq, cur, 1, ch, &e));
	CHECK_INT(UL_INSERT, ch[0].op);
	CHECK(!(ch[0].b.flags & UL_FL_OUTBOUND));
	/* two flows in one REGISTER */
	rq.outbound = true;
	c[1] = c[0];
	c[1].reg_id = 3;
	rq.n = 2;
	CHECK_INT(-1, reg_decide(&cfg, &rq, cur, 1, ch, &e));
	CHECK_INT(400, e.code);
	return 0;
}

/* save flag 4, and one contact twice in one request */
static int
t_single_and_repeat(void)
{
	struct ul_change ch[UL_CHANGES_MAX];
	struct reg_error e;
	struct reg_contact c[2] = { ct("sip:a@h", 100, -1),
		ct("sip:a@h", 200, -1) };
	struct reg_request rq = req(c, 2, "x", 2);
	struct ul_binding cur[2] = { bd("sip:1@h", "y", 1, NOW + 10),
		bd("sip:2@h", "y", 1, NOW + 10) };

	CHECK_INT(1, reg_decide(&cfg, &rq, NULL, 0, ch, &e));
	CHECK_INT(NOW + 200, ch[0].b.expires); /* the later one */
	rq.single = true;
	rq.n = 1;
	CHECK_INT(3, reg_decide(&cfg, &rq, cur, 2, ch, &e));
	CHECK_INT(UL_DELETE, ch[0].op);
	CHECK_INT(UL_DELETE, ch[1].op);
	CHECK_INT(UL_INSERT, ch[2].op);
	return 0;
}

/* ------------------------------------------------------------ usrloc */

struct seen {
	int n;
	bool unreachable[UL_CHANGES_MAX];
	char uri[UL_CHANGES_MAX][64];
	char path[UL_CHANGES_MAX][200];
};

/* decide and report share their argument, as in usrloc's API */
struct decide_arg {
	struct reg_request rq;
	struct reg_error e;
	struct seen s;
	const struct reg_cfg *cfg; /* NULL: cfg */
};

static int
decide(const struct ul_binding *cur, int n, struct ul_change *ch, void *arg)
{
	struct decide_arg *x = arg;
	int rc = reg_decide(x->cfg ? x->cfg : &cfg, &x->rq, cur, n, ch, &x->e);

	return rc < 0 ? E_INVAL : rc;
}

static void
report(const struct ul_binding *all, int n, void *arg)
{
	struct seen *s = &((struct decide_arg *)arg)->s;
	int i;

	s->n = n;
	for (i = 0; i < n; i++) {
		s->unreachable[i] = all[i].unreachable;
		snprintf(s->uri[i], sizeof(s->uri[i]), "%.*s",
		    STR_FMT(&all[i].contact));
		snprintf(s->path[i], sizeof(s->path[i]), "%.*s",
		    (int)all[i].path.len, all[i].path.s ? all[i].path.s : "");
	}
}

static bool up;
static void teardown(void);

static struct ul_domain *
setup(void)
{
	struct ul_domain *d = NULL;

	if (up)
		teardown(); /* a failed test left it */
	up = true;
	if (shm_init(8 << 20) != 0 || ul_flows_init() != 0 ||
	    ul_domain_register("location", &d) != 0)
		return NULL;
	return d;
}

static void
teardown(void)
{
	ul_flows_destroy();
	ul_domains_forget();
	stat_reset();
	shm_destroy();
	up = false;
}

static int
t_table_commit(void)
{
	struct ul_domain *d = setup();
	struct str aor = STR_LIT("alice");
	struct reg_contact c[3] = { ct("sip:a@h", -1, -1),
		ct("sip:b@h", -1, 900), ct("sip:c@h", -1, -1) };
	struct decide_arg x = { .rq = req(c, 2, "k", 1) };
	long fail;

	CHECK(d != NULL);
	x.rq.now = ul_now();
	CHECK_INT(0, ul_update(d, &aor, decide, NULL, &x));
	CHECK_INT(0, ul_get(d, &aor, report, &x));
	CHECK_INT(2, x.s.n);
	CHECK_INT(1, ul_count_users());
	CHECK_INT(2, ul_count_contacts());
	/* out of shm at each of the two blocks a commit of three changes
	 * needs (a removal needs none): nothing changes */
	for (fail = 1; fail <= 2; fail++) {
		c[0] = ct("sip:a@h", 0, -1);    /* remove a */
		c[1] = ct("sip:b@h", 120, -1);  /* refresh b */
		c[2] = ct("sip:new@h", -1, -1); /* add new */
		x.rq = req(c, 3, "k", (uint32_t)(1 + fail));
		x.rq.now = ul_now();
		shm_fail_after(fail);
		CHECK_INT(E_NOMEM, ul_update(d, &aor, decide, NULL, &x));
		shm_fail_after(0);
		CHECK_INT(0, ul_get(d, &aor, report, &x));
		CHECK_INT(2, x.s.n);
		CHECK(strcmp(x.s.uri[0], "sip:a@h") == 0);
		CHECK_INT(2, ul_count_contacts());
	}
	CHECK_INT(0, ul_update(d, &aor, decide, report, &x));
	CHECK_INT(2, x.s.n);
	CHECK(strcmp(x.s.uri[0], "sip:b@h") == 0);
	CHECK(strcmp(x.s.uri[1], "sip:new@h") == 0);
	/* the decision's own error comes back, nothing changes */
	c[0] = ct("sip:b@h", -1, -1);
	x.rq = req(c, 1, "k", 1); /* older CSeq */
	CHECK_INT(E_INVAL, ul_update(d, &aor, decide, NULL, &x));
	CHECK_INT(400, x.e.code);
	/* removal of every binding removes the AOR */
	CHECK_INT(0, ul_remove(d, &aor, NULL));
	CHECK_INT(0, ul_count_users());
	CHECK_INT(E_NOTFOUND, ul_remove(d, &aor, NULL));
	teardown();
	return 0;
}

static int
t_table_expiry_and_limit(void)
{
	struct ul_domain *d = setup();
	struct str aor = STR_LIT("bob");
	struct reg_contact c[UL_CHANGES_MAX + 1];
	char uris[UL_CHANGES_MAX + 1][32];
	struct decide_arg x = { .cfg = NULL };
	struct reg_cfg unlimited = cfg;
	int i;

	unlimited.max_contacts = 0;

	CHECK(d != NULL);
	for (i = 0; i <= UL_CHANGES_MAX; i++) {
		snprintf(uris[i], sizeof(uris[i]), "sip:u%d@h", i);
		c[i] = ct(uris[i], 3600, -1);
	}
	/* bindings expire: the timer's pass removes them and counts */
	x.rq = req(c, 2, "e", 1);
	x.rq.now = ul_now() - 3599; /* expired a second ago */
	CHECK_INT(0, ul_update(d, &aor, decide, NULL, &x));
	CHECK_INT(0, ul_get(d, &aor, report, &x));
	CHECK_INT(2, x.s.n);
	ul_timer_pass(ul_now() + 2);
	CHECK_INT(0, ul_get(d, &aor, report, &x));
	CHECK_INT(0, x.s.n);
	CHECK_INT(0, ul_count_users());
	/* the table holds UL_CHANGES_MAX bindings per AOR at most */
	x.cfg = &unlimited;
	for (i = 0; i < UL_CHANGES_MAX; i++) {
		x.rq = req(&c[i], 1, "l", (uint32_t)(i + 1));
		x.rq.now = ul_now();
		CHECK_INT(0, ul_update(d, &aor, decide, NULL, &x));
	}
	CHECK_INT(UL_CHANGES_MAX, ul_count_contacts());
	x.rq = req(&c[UL_CHANGES_MAX], 1, "l", 1000);
	x.rq.now = ul_now();
	CHECK(ul_update(d, &aor, decide, NULL, &x) != 0);
	CHECK_INT(UL_CHANGES_MAX, ul_count_contacts());
	teardown();
	return 0;
}

/* a binding over a stream is reachable while its connection is open */
static int
t_flows(void)
{
	struct ul_domain *d = setup();
	struct str aor = STR_LIT("carol");
	struct reg_contact c = ct("sip:carol@10.0.0.5:5061;transport=tls", -1,
	    -1);
	struct decide_arg x = { .rq = req(&c, 1, "f", 1) };
	struct ul_binding t = { .proto = PROTO_TLS, .conn_id = 42 };

	CHECK(d != NULL);
	x.rq.tmpl = &t;
	x.rq.now = ul_now();
	CHECK_INT(0, ul_update(d, &aor, decide, report, &x));
	CHECK_INT(1, x.s.n);
	CHECK(!x.s.unreachable[0]);
	CHECK(ul_flow_alive(42));
	ul_flow_closed(41); /* another connection */
	CHECK(ul_flow_alive(42));
	ul_flow_closed(42);
	CHECK_INT(0, ul_get(d, &aor, report, &x));
	CHECK(x.s.unreachable[0]);
	CHECK_INT(1, ul_flows_closed_count());
	/* a refresh over a new connection makes it reachable again */
	t.conn_id = 43;
	x.rq = req(&c, 1, "f", 2);
	x.rq.tmpl = &t;
	x.rq.now = ul_now();
	CHECK_INT(0, ul_update(d, &aor, decide, report, &x));
	CHECK(!x.s.unreachable[0]);
	/* a binding restored from an earlier run: no connection of ours */
	t.conn_id = -1;
	x.rq = req(&c, 1, "f", 3);
	x.rq.tmpl = &t;
	x.rq.now = ul_now();
	CHECK_INT(0, ul_update(d, &aor, decide, report, &x));
	CHECK(x.s.unreachable[0]);
	teardown();
	return 0;
}

/* the cluster mode's flow Path: built from our socket and the UA's end
 * of the connection, cut off by ul_path_rest */
/* a flow secret, and the MAC of "tls:10.0.0.7:40001" under it (openssl
 * dgst -sha256 -hmac KEY of "sip-flow-1:" and the token, 16 bytes) */
#define KEY_A ((const unsigned char *)"0123456789abcdef0123456789abcdef")
#define KEY_B ((const unsigned char *)"0123456789abcdef0123456789abcdeX")
#define MAC_A "936313588a80fb440a2e4552869d1786"

static int
sign_fails(const char *tok, size_t len, char out[RR_FLOW_MAC_HEX + 1])
{
	(void)tok;
	(void)len;
	(void)out;
	return E_BUG;
}

/* the flow token's signature: sign, verify, a tampered token or MAC, a
 * wrong key, a secret file */
static int
t_flow_sign(void)
{
	const char *tok = "tls:10.0.0.7:40001";
	char mac[RR_FLOW_MAC_HEX + 1], path[] = "/tmp/t_flow_keyXXXXXX";
	char err[256];
	size_t n = strlen(tok);
	int fd;

	CHECK_INT(E_INVAL, rr_flow_key_set(KEY_A, 31));
	CHECK_INT(0, rr_flow_key_set(KEY_A, 32));
	CHECK_INT(0, rr_flow_sign(tok, n, mac));
	CHECK_STRN(MAC_A, mac, strlen(mac));
	CHECK(rr_flow_verify(tok, n, mac, strlen(mac)));
	CHECK(rr_flow_verify(tok, n, "936313588A80FB440A2E4552869D1786", 32));
	/* another port, another address, another transport */
	CHECK(!rr_flow_verify("tls:10.0.0.7:40002", n, mac, 32));
	CHECK(!rr_flow_verify("tls:10.0.0.8:40001", n, mac, 32));
	CHECK(!rr_flow_verify("tcp:10.0.0.7:40001", n, mac, 32));
	/* a MAC changed, cut short, missing, not hex */
	CHECK(!rr_flow_verify(tok, n, "936313588a80fb440a2e4552869d1787", 32));
	CHECK(!rr_flow_verify(tok, n, mac, 31));
	CHECK(!rr_flow_verify(tok, n, "", 0));
	CHECK(!rr_flow_verify(tok, n, "93631358xa80fb440a2e4552869d1786", 32));
	/* another proxy's key */
	CHECK_INT(0, rr_flow_key_set(KEY_B, 32));
	CHECK(!rr_flow_verify(tok, n, MAC_A, 32));
	/* the key from a file, whitespace around it ignored */
	CHECK((fd = mkstemp(path)) >= 0);
	CHECK(write(fd, "  0123456789abcdef0123456789abcdef\n", 35) == 35);
	close(fd);
	CHECK_INT(0, rr_flow_key_load(path, err, sizeof(err)));
	CHECK(rr_flow_verify(tok, n, MAC_A, 32));
	/* too short */
	CHECK((fd = open(path, O_WRONLY | O_TRUNC)) >= 0);
	CHECK(write(fd, "short\n", 6) == 6);
	close(fd);
	CHECK_INT(E_INVAL, rr_flow_key_load(path, err, sizeof(err)));
	CHECK(strstr(err, "need at least 32") != NULL);
	unlink(path);
	CHECK_INT(E_IO, rr_flow_key_load(path, err, sizeof(err)));
	/* a random key signs, and verifies its own */
	CHECK_INT(0, rr_flow_key_random());
	CHECK_INT(0, rr_flow_sign(tok, n, mac));
	CHECK(rr_flow_verify(tok, n, mac, 32));
	CHECK(!rr_flow_verify(tok, n, MAC_A, 32));
	return 0;
}

static int
t_flow_path(void)
{
	struct ip_addr ip4, ip6;
	char buf[REG_FLOW_PATH_MAX];
	const char *b = buf; /* CHECK_STRN tests its pointer */
	struct str p, rest;
	size_t n;

	CHECK_INT(0, ip_addr_parse("10.0.0.7", 8, &ip4));
	CHECK_INT(0, ip_addr_parse("2001:db8::7", 11, &ip6));
	CHECK_INT(0, rr_flow_key_set(KEY_A, 32));
	n = reg_flow_path(buf, sizeof(buf), "192.0.2.1", 5061, PROTO_TLS, &ip4,
	    40001, rr_flow_sign);
	CHECK_STRN("<sip:192.0.2.1:5061;transport=tls;lr;"
	           "received=tls:10.0.0.7:40001;ft=" MAC_A ">",
	    b, n);
	n = reg_flow_path(buf, sizeof(buf), "[2001:db8::1]", 5060, PROTO_TCP,
	    &ip6, 7, rr_flow_sign);
	CHECK(n > 0 &&
	    strstr(buf, ";lr;received=tcp:[2001:db8::7]:7;ft=") != NULL);
	/* not a stream, no room, no source port, no signature: nothing */
	CHECK_INT(0,
	    reg_flow_path(buf, sizeof(buf), "192.0.2.1", 5060, PROTO_UDP, &ip4,
	        5060, rr_flow_sign));
	CHECK_INT(0,
	    reg_flow_path(buf, 20, "192.0.2.1", 5061, PROTO_TLS, &ip4, 40001,
	        rr_flow_sign));
	CHECK_INT(0,
	    reg_flow_path(buf, sizeof(buf), "192.0.2.1", 5061, PROTO_TLS, &ip4,
	        0, rr_flow_sign));
	CHECK_INT(0,
	    reg_flow_path(buf, sizeof(buf), "192.0.2.1", 5061, PROTO_TLS, &ip4,
	        40001, sign_fails));
	p = str_from("<sip:a;lr>");
	rest = ul_path_rest(&p);
	CHECK_INT(0, rest.len);
	p = str_from("<sip:a;lr>, <sip:b;lr>");
	rest = ul_path_rest(&p);
	CHECK_STR("<sip:b;lr>", &rest);
	p = str_from("sip:a");
	CHECK_INT(0, ul_path_rest(&p).len);
	return 0;
}

/* a binding with a flow Path: the proxy that holds its connection sees
 * it without the Path, reachable while the connection is open; another
 * proxy (server_id) sees the Path and relays */
static int
t_flow_path_view(void)
{
	struct ul_domain *d = setup();
	struct str aor = STR_LIT("dave");
	struct reg_contact c = ct("sip:dave@10.0.0.9:5061;transport=tls", -1,
	    -1);
	struct decide_arg x = { .rq = req(&c, 1, "f", 1) };
	const char *fp = "<sip:192.0.2.1:5061;transport=tls;lr;"
	                 "received=tls:10.0.0.9:40001>";
	struct ul_binding t = { .proto = PROTO_TLS,
		.conn_id = 77,
		.path = str_from(fp),
		.flags = UL_FL_FLOW_PATH,
		.server_id = 1 };

	CHECK(d != NULL);
	ul_cfg.server_id = 1;
	x.rq.tmpl = &t;
	x.rq.now = ul_now();
	CHECK_INT(0, ul_update(d, &aor, decide, report, &x));
	CHECK_INT(1, x.s.n);
	CHECK(!x.s.unreachable[0]);
	CHECK_STRN("", x.s.path[0], strlen(x.s.path[0]));
	ul_flow_closed(77);
	CHECK_INT(0, ul_get(d, &aor, report, &x));
	CHECK(x.s.unreachable[0]);
	/* as another proxy of the cluster sees it */
	ul_cfg.server_id = 2;
	CHECK_INT(0, ul_get(d, &aor, report, &x));
	CHECK(!x.s.unreachable[0]);
	CHECK_STRN(fp, x.s.path[0], strlen(x.s.path[0]));
	ul_cfg.server_id = 0;
	teardown();
	return 0;
}

/* clang-format off */
static const struct unit_test tests[] = {
	{ "expiry",               t_expiry },
	{ "bindings",             t_bindings },
	{ "star",                 t_star },
	{ "limits",               t_limits },
	{ "outbound",             t_outbound },
	{ "single_and_repeat",    t_single_and_repeat },
	{ "table_commit",         t_table_commit },
	{ "table_expiry_limit",   t_table_expiry_and_limit },
	{ "flows",                t_flows },
	{ "flow_sign",            t_flow_sign },
	{ "flow_path",            t_flow_path },
	{ "flow_path_view",       t_flow_path_view },
	{ NULL, NULL },
};
/* clang-format on */

UNIT_MAIN(tests)
