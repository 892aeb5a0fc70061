/* t_auth_check.c: the auth module's rules for one request (auth_check.c):
 * challenges, the order of the checks, what is counted, what is
 * replied, on parsed messages with a fake user lookup. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/err.h"
#include "../../mem/pkg.h"
#include "../../mem/shm.h"
#include "../../parser/msg_parser.h"
#include "../../modules/auth/auth_check.h"
#include "../../modules/auth/nonce.h"
#include "unit.h"

#define HEAP (8 * 1024 * 1024)
#define NOW 1700000000
#define REALM "example.com"

static const struct str realm = { REALM, sizeof(REALM) - 1 };

/* the fake subscriber table: alice / s3cr3t, counts its lookups */
static int lookups;

static int
lookup(struct sip_msg *msg, const struct auth_query *q,
    char ha1[DIGEST_HEX_SIZE], void *arg)
{
	struct str pw = STR_LIT("s3cr3t");
	struct str alice = STR_LIT("alice");

	(void)msg;
	(void)arg;
	lookups++;
	if (!str_eq(&q->user, &alice))
		return E_NOTFOUND;
	return digest_calc_ha1(q->alg, &q->username, &q->realm, &pw, ha1);
}

static int
lookup_down(struct sip_msg *msg, const struct auth_query *q,
    char ha1[DIGEST_HEX_SIZE], void *arg)
{
	(void)msg;
	(void)q;
	(void)ha1;
	(void)arg;
	lookups++;
	return E_AGAIN;
}

struct env {
	struct auth_check_cfg cfg;
	char buf[8192];
	struct sip_msg msg;
	bool parsed;
};

static int
env_init(struct env *e, bool limit)
{
	struct auth_limit_cfg lc = AUTH_LIMIT_CFG_DEFAULT;
	static const char key[32] = "0123456789abcdef0123456789abcdef";

	memset(e, 0, sizeof(*e));
	if (shm_init(HEAP) != 0 || nonce_secret_set(key, sizeof(key)) != 0)
		return -1;
	e->cfg.algs[0] = DIGEST_MD5;
	e->cfg.n_algs = 1;
	e->cfg.nonce_expire = 300;
	e->cfg.bind_ip = true;
	if (nc_table_new(&e->cfg.nc, 1024) != 0)
		return -1;
	lc.ip_max = 5;
	lc.user_max = 0;
	if (limit && auth_limit_new(&e->cfg.limit, &lc) != 0)
		return -1;
	lookups = 0;
	return 0;
}

static void
env_msg_free(struct env *e)
{
	if (e->parsed) {
		lumps_free(&e->msg);
		free_sip_msg(&e->msg);
	}
	e->parsed = false;
}

static void
env_done(struct env *e)
{
	env_msg_free(e);
	nc_table_free(e->cfg.nc);
	auth_limit_free(e->cfg.limit);
	nonce_secret_clear();
	shm_destroy();
}

/* A request from ip4 a.b.c.d with extra header lines (CRLF each). */
static int
env_req(struct env *e, const char *method, const char *ruri, const char *extra,
    const char *body, uint8_t last_octet)
{
	int n;

	env_msg_free(e);
	n = snprintf(e->buf, sizeof(e->buf),
	    "%s %s SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKx\r\n"
	    "From: <sip:alice@" REALM ">;tag=1\r\n"
	    "To: <sip:alice@" REALM ">\r\n"
	    "Call-ID: c1@t\r\nCSeq: 1 %s\r\n%s"
	    "Content-Length: %zu\r\n\r\n%s",
	    method, ruri, method, extra, strlen(body), body);
	if (n < 0 || (size_t)n >= sizeof(e->buf))
		return -1;
	if (parse_msg(e->buf, (size_t)n, &e->msg) != 0)
		return -1;
	e->parsed = true;
	e->msg.rcv.proto = PROTO_UDP;
	e->msg.rcv.src_ip.af = 2;
	e->msg.rcv.src_ip.len = 4;
	memcpy(e->msg.rcv.src_ip.u.b, (uint8_t[]){ 127, 0, 0, last_octet }, 4);
	return 0;
}

/* The nonce of the k-th challenge line in hdrs. */
static int
nonce_of(const char *hdrs, int k, char out[NONCE_SIZE])
{
	const char *p = hdrs;

	for (; k >= 0; k--) {
		if ((p = strstr(p, "nonce=\"")) == NULL)
			return -1;
		p += 7;
	}
	memcpy(out, p, NONCE_LEN);
	out[NONCE_LEN] = '\0';
	return 0;
}

/* A challenge for the current message; its first nonce into nonce. */
static int
env_challenge(struct env *e, unsigned qop, time_t now, char nonce[NONCE_SIZE])
{
	char hdrs[2048];
	long n = auth_challenge_build(&e->cfg, &e->msg, true, &realm, qop,
	    false, now, hdrs, sizeof(hdrs));

	if (n <= 0)
		return -1;
	hdrs[n] = '\0';
	return nonce_of(hdrs, 0, nonce);
}

/* An Authorization line for user/password with alg, qop and nc. */
static void
authz(char *out, size_t size, const char *user, const char *pw,
    enum digest_alg alg, enum digest_qop qop, const char *nonce,
    const char *method, const char *uri, const char *nc, const char *body)
{
	char ha1[DIGEST_HEX_SIZE], ha2[DIGEST_HEX_SIZE], resp[DIGEST_HEX_SIZE];
	struct str u = str_from(user), p = str_from(pw), n = str_from(nonce);
	struct str m = str_from(method), ur = str_from(uri), ncs = str_from(nc);
	struct str cn = STR_LIT("0a4f113b"), b = str_from(body);

	digest_calc_ha1(alg, &u, &realm, &p, ha1);
	digest_ha1_sess(alg, ha1, &n, &cn, ha1);
	digest_calc_ha2(alg, qop, &m, &ur, &b, ha2);
	digest_calc_response(alg, ha1, &n, &ncs, &cn, qop, ha2, resp);
	if (qop == DIGEST_QOP_NONE)
		snprintf(out, size,
		    "Authorization: Digest username=\"%s\", "
		    "realm=\"" REALM "\", nonce=\"%s\", uri=\"%s\", "
		    "response=\"%s\", algorithm=%s\r\n",
		    user, nonce, uri, resp, digest_alg_name(alg));
	else
		snprintf(out, size,
		    "Authorization: Digest username=\"%s\", "
		    "realm=\"" REALM "\", nonce=\"%s\", uri=\"%s\", "
		    "response=\"%s\", algorithm=%s, qop=%s, nc=%s, "
		    "cnonce=\"0a4f113b\"\r\n",
		    user, nonce, uri, resp, digest_alg_name(alg),
		    digest_qop_name(qop), nc);
}

#define RURI "sip:" REALM

static int
check(struct env *e, time_t now, struct auth_outcome *o)
{
	return auth_check(&e->cfg, &e->msg, HDR_AUTHORIZATION, &realm, lookup,
	    NULL, now, o);
}

static int
t_right_then_replay(void)
{
	struct env e;
	struct auth_outcome o;
	char nonce[NONCE_SIZE], h[1024];

	CHECK_INT(0, env_init(&e, true));
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, "", "", 1));
	CHECK_INT(AUTH_RC_NO_CREDENTIALS, check(&e, NOW, &o));
	CHECK(o.why == NULL && !o.log_failure);
	CHECK_INT(0, env_challenge(&e, NONCE_F_QOP_AUTH, NOW, nonce));
	authz(h, sizeof(h), "alice", "s3cr3t", DIGEST_MD5, DIGEST_QOP_AUTH,
	    nonce, "REGISTER", RURI, "00000001", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_AUTHORIZED, check(&e, NOW + 1, &o));
	CHECK_STR("alice", &o.q.username);
	CHECK_STR(REALM, &o.q.domain);
	CHECK(o.hf != NULL && !o.log_failure);
	CHECK_INT(1, lookups);
	/* the same header again: a capture replayed */
	CHECK_INT(AUTH_RC_NONCE_REUSED, check(&e, NOW + 2, &o));
	CHECK(o.log_failure && !o.counted && o.stale);
	/* the next nc on the same nonce is fine */
	authz(h, sizeof(h), "alice", "s3cr3t", DIGEST_MD5, DIGEST_QOP_AUTH,
	    nonce, "REGISTER", RURI, "00000002", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_AUTHORIZED, check(&e, NOW + 3, &o));
	env_done(&e);
	return 0;
}

/* An unknown user and a wrong password: different script codes, but
 * the same lookup, hashing, counting and log line. */
static int
t_wrong_and_unknown(void)
{
	struct env e;
	struct auth_outcome o;
	char nonce[NONCE_SIZE], h[1024];

	CHECK_INT(0, env_init(&e, true));
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, "", "", 1));
	CHECK_INT(0, env_challenge(&e, NONCE_F_QOP_AUTH, NOW, nonce));
	authz(h, sizeof(h), "alice", "guess", DIGEST_MD5, DIGEST_QOP_AUTH,
	    nonce, "REGISTER", RURI, "00000001", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_INVALID_PASSWORD, check(&e, NOW, &o));
	CHECK(o.log_failure && o.counted);
	CHECK(strcmp(o.why, "wrong-password") == 0);
	authz(h, sizeof(h), "mallory", "guess", DIGEST_MD5, DIGEST_QOP_AUTH,
	    nonce, "REGISTER", RURI, "00000002", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_USER_UNKNOWN, check(&e, NOW, &o));
	CHECK(o.log_failure && o.counted);
	CHECK(strcmp(o.why, "unknown-user") == 0);
	CHECK_INT(2, lookups);
	/* a wrong guess did not burn alice's nc: nc 1 still works */
	authz(h, sizeof(h), "alice", "s3cr3t", DIGEST_MD5, DIGEST_QOP_AUTH,
	    nonce, "REGISTER", RURI, "00000001", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_AUTHORIZED, check(&e, NOW, &o));
	/* the lookup failing is an error, not a failure */
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_ERROR,
	    auth_check(&e.cfg, &e.msg, HDR_AUTHORIZATION, &realm, lookup_down,
	        NULL, NOW, &o));
	CHECK(!o.log_failure && !o.counted);
	env_done(&e);
	return 0;
}

static int
t_stale(void)
{
	struct env e;
	struct auth_outcome o;
	char nonce[NONCE_SIZE], h[1024], hdrs[2048];
	long n;

	CHECK_INT(0, env_init(&e, true));
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, "", "", 1));
	CHECK_INT(0, env_challenge(&e, 0, NOW, nonce));
	authz(h, sizeof(h), "alice", "s3cr3t", DIGEST_MD5, DIGEST_QOP_NONE,
	    nonce, "REGISTER", RURI, "", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_AUTHORIZED, check(&e, NOW + 299, &o));
	/* without one_time_nonce a nonce without qop serves again */
	CHECK_INT(AUTH_RC_AUTHORIZED, check(&e, NOW + 299, &o));
	CHECK_INT(AUTH_RC_STALE_NONCE, check(&e, NOW + 300, &o));
	CHECK(o.stale && !o.log_failure && !o.counted);
	CHECK_INT(2, lookups);
	/* a wrong password on an expired nonce: stale as well (no lookup) */
	authz(h, sizeof(h), "alice", "bad", DIGEST_MD5, DIGEST_QOP_NONE, nonce,
	    "REGISTER", RURI, "", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_STALE_NONCE, check(&e, NOW + 1000, &o));
	CHECK_INT(2, lookups);
	/* the challenge that follows says so */
	n = auth_challenge_build(&e.cfg, &e.msg, true, &realm, 0, true,
	    NOW + 1000, hdrs, sizeof(hdrs));
	CHECK(n > 0);
	hdrs[n] = '\0';
	CHECK(strstr(hdrs,
	          "WWW-Authenticate: Digest realm=\"" REALM "\", "
	          "nonce=\"") == hdrs);
	CHECK(strstr(hdrs, "\", algorithm=MD5, stale=true\r\n") != NULL);
	env_done(&e);
	return 0;
}

static int
t_one_time_nonce(void)
{
	struct env e;
	struct auth_outcome o;
	char nonce[NONCE_SIZE], h[1024];

	CHECK_INT(0, env_init(&e, false));
	e.cfg.one_time_nonce = true;
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, "", "", 1));
	CHECK_INT(0, env_challenge(&e, 0, NOW, nonce));
	authz(h, sizeof(h), "alice", "s3cr3t", DIGEST_MD5, DIGEST_QOP_NONE,
	    nonce, "REGISTER", RURI, "", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_AUTHORIZED, check(&e, NOW, &o));
	CHECK_INT(AUTH_RC_NONCE_REUSED, check(&e, NOW, &o));
	env_done(&e);
	return 0;
}

/* Nonces that are not ours, or not for this realm, address or
 * algorithm, are no credentials: a new challenge, nothing counted, no
 * lookup. */
static int
t_not_our_nonce(void)
{
	struct env e;
	struct auth_outcome o;
	char nonce[NONCE_SIZE], h[1024];
	struct str other = STR_LIT("other.org");

	CHECK_INT(0, env_init(&e, true));
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, "", "", 1));
	CHECK_INT(0, env_challenge(&e, NONCE_F_QOP_AUTH, NOW, nonce));
	nonce[10] = nonce[10] == 'A' ? 'B' : 'A';
	authz(h, sizeof(h), "alice", "s3cr3t", DIGEST_MD5, DIGEST_QOP_AUTH,
	    nonce, "REGISTER", RURI, "00000001", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_NO_CREDENTIALS, check(&e, NOW, &o));
	CHECK(strcmp(o.why, "bad-nonce") == 0 && !o.counted);
	/* from another address than the challenge went to */
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, "", "", 1));
	CHECK_INT(0, env_challenge(&e, NONCE_F_QOP_AUTH, NOW, nonce));
	authz(h, sizeof(h), "alice", "s3cr3t", DIGEST_MD5, DIGEST_QOP_AUTH,
	    nonce, "REGISTER", RURI, "00000001", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 2));
	CHECK_INT(AUTH_RC_NO_CREDENTIALS, check(&e, NOW, &o));
	/* credentials for another realm are not for us */
	CHECK_INT(AUTH_RC_NO_CREDENTIALS,
	    auth_check(&e.cfg, &e.msg, HDR_AUTHORIZATION, &other, lookup, NULL,
	        NOW, &o));
	CHECK(o.why == NULL);
	/* nor a Proxy-Authorization when we look for Authorization */
	CHECK_INT(AUTH_RC_NO_CREDENTIALS,
	    auth_check(&e.cfg, &e.msg, HDR_PROXYAUTHORIZATION, &realm, lookup,
	        NULL, NOW, &o));
	CHECK_INT(0, lookups);
	env_done(&e);
	return 0;
}

/* What the client uses must be what the nonce offered: no dropping qop,
 * no other algorithm. */
static int
t_no_downgrade(void)
{
	struct env e;
	struct auth_outcome o;
	char nonce[NONCE_SIZE], h[1024];

	CHECK_INT(0, env_init(&e, true));
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, "", "", 1));
	CHECK_INT(0, env_challenge(&e, NONCE_F_QOP_AUTH, NOW, nonce));
	authz(h, sizeof(h), "alice", "s3cr3t", DIGEST_MD5, DIGEST_QOP_NONE,
	    nonce, "REGISTER", RURI, "", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_NO_CREDENTIALS, check(&e, NOW, &o));
	CHECK(strcmp(o.why, "qop-mismatch") == 0);
	authz(h, sizeof(h), "alice", "s3cr3t", DIGEST_MD5, DIGEST_QOP_AUTH_INT,
	    nonce, "REGISTER", RURI, "00000001", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_NO_CREDENTIALS, check(&e, NOW, &o));
	authz(h, sizeof(h), "alice", "s3cr3t", DIGEST_SHA256, DIGEST_QOP_AUTH,
	    nonce, "REGISTER", RURI, "00000001", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_NO_CREDENTIALS, check(&e, NOW, &o));
	CHECK(strcmp(o.why, "algorithm-mismatch") == 0);
	CHECK_INT(0, lookups);
	/* qop where none was offered only adds protection */
	CHECK_INT(0, env_challenge(&e, 0, NOW, nonce));
	authz(h, sizeof(h), "alice", "s3cr3t", DIGEST_MD5, DIGEST_QOP_AUTH,
	    nonce, "REGISTER", RURI, "00000001", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_AUTHORIZED, check(&e, NOW, &o));
	env_done(&e);
	return 0;
}

/* SHA-256 first, MD5 second: two challenge lines in that order; either
 * answers; auth-int hashes the body. */
static int
t_sha256_auth_int(void)
{
	struct env e;
	struct auth_outcome o;
	char hdrs[2048], n1[NONCE_SIZE], n2[NONCE_SIZE], h[1024];
	const char *body = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n";
	long n;

	CHECK_INT(0, env_init(&e, true));
	CHECK_INT(0,
	    auth_algs_parse("SHA-256, MD5", e.cfg.algs, &e.cfg.n_algs));
	CHECK_INT(2, e.cfg.n_algs);
	CHECK_INT(0, env_req(&e, "INVITE", "sip:bob@" REALM, "", body, 1));
	n = auth_challenge_build(&e.cfg, &e.msg, false, &realm,
	    NONCE_F_QOP_AUTH | NONCE_F_QOP_AUTH_INT, false, NOW, hdrs,
	    sizeof(hdrs));
	CHECK(n > 0);
	hdrs[n] = '\0';
	CHECK(strncmp(hdrs, "Proxy-Authenticate: Digest", 26) == 0);
	CHECK(strstr(hdrs,
	          "algorithm=SHA-256, qop=\"auth,auth-int\"\r\n"
	          "Proxy-Authenticate: ") != NULL);
	CHECK(strstr(hdrs, "algorithm=MD5, qop=\"auth,auth-int\"\r\n") != NULL);
	CHECK_INT(0, nonce_of(hdrs, 0, n1));
	CHECK_INT(0, nonce_of(hdrs, 1, n2));
	CHECK(strcmp(n1, n2) != 0);
	authz(h + 6, sizeof(h) - 6, "alice", "s3cr3t", DIGEST_SHA256,
	    DIGEST_QOP_AUTH_INT, n1, "INVITE", "sip:bob@" REALM, "00000001",
	    body);
	memcpy(h, "Proxy-", 6);
	CHECK_INT(0, env_req(&e, "INVITE", "sip:bob@" REALM, h, body, 1));
	CHECK_INT(AUTH_RC_AUTHORIZED,
	    auth_check(&e.cfg, &e.msg, HDR_PROXYAUTHORIZATION, &realm, lookup,
	        NULL, NOW, &o));
	/* the body changed on the way: auth-int says no */
	CHECK_INT(0,
	    env_req(&e, "INVITE", "sip:bob@" REALM, h,
	        "v=0\r\no=- 2 2 IN IP4 10.0.0.1\r\n", 1));
	CHECK_INT(AUTH_RC_INVALID_PASSWORD,
	    auth_check(&e.cfg, &e.msg, HDR_PROXYAUTHORIZATION, &realm, lookup,
	        NULL, NOW, &o));
	/* MD5 on the second nonce */
	authz(h + 6, sizeof(h) - 6, "alice", "s3cr3t", DIGEST_MD5,
	    DIGEST_QOP_AUTH, n2, "INVITE", "sip:bob@" REALM, "00000001", "");
	CHECK_INT(0, env_req(&e, "INVITE", "sip:bob@" REALM, h, body, 1));
	CHECK_INT(AUTH_RC_AUTHORIZED,
	    auth_check(&e.cfg, &e.msg, HDR_PROXYAUTHORIZATION, &realm, lookup,
	        NULL, NOW, &o));
	env_done(&e);
	return 0;
}

/* Malformed credentials are answered 400 before anything else. */
static int
t_bad_requests(void)
{
	static const char *const bad[] = {
		"Authorization: Digest username=\"alice\", username=\"bob\", "
		"realm=\"" REALM "\", nonce=\"x\", uri=\"" RURI "\", "
		"response=\"0\"\r\n",
		"Authorization: Digest username=\"alice\", realm=\"" REALM
		"\", nonce=\"x\", nonce=\"y\", uri=\"" RURI "\", "
		"response=\"0\"\r\n",
		"Authorization: Digest username=\"alice, realm=\"" REALM "\r\n",
		"Authorization: Digest username=\"alice\" realm=\"" REALM
		"\"\r\n",
	};
	struct env e;
	struct auth_outcome o;
	char nonce[NONCE_SIZE], h[1024];
	size_t i;

	CHECK_INT(0, env_init(&e, true));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(0, env_req(&e, "REGISTER", RURI, bad[i], "", 1));
		CHECK_INT(AUTH_RC_REPLIED, check(&e, NOW, &o));
		CHECK_INT(400, o.reply_code);
	}
	/* the digest-uri is not the Request-URI */
	CHECK_INT(0, env_challenge(&e, NONCE_F_QOP_AUTH, NOW, nonce));
	authz(h, sizeof(h), "alice", "s3cr3t", DIGEST_MD5, DIGEST_QOP_AUTH,
	    nonce, "REGISTER", "sip:other.org", "00000001", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_REPLIED, check(&e, NOW, &o));
	CHECK(o.reply_code == 400 && strcmp(o.why, "uri-mismatch") == 0);
	/* the same URI with the host in capitals is the same URI */
	authz(h, sizeof(h), "alice", "s3cr3t", DIGEST_MD5, DIGEST_QOP_AUTH,
	    nonce, "REGISTER", "sip:EXAMPLE.com", "00000001", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_AUTHORIZED, check(&e, NOW, &o));
	CHECK_INT(1, lookups);
	env_done(&e);
	return 0;
}

/* The limiter: ip_max (5) failures block the address; then 403 without
 * a lookup, even with the right password; another address goes on. */
static int
t_brute_force(void)
{
	struct env e;
	struct auth_outcome o;
	char nonce[NONCE_SIZE], h[1024], pw[16];
	unsigned blocks = 0;
	int i;

	CHECK_INT(0, env_init(&e, true));
	for (i = 0; i < 8; i++) {
		CHECK_INT(0, env_req(&e, "REGISTER", RURI, "", "", 1));
		CHECK_INT(0, env_challenge(&e, NONCE_F_QOP_AUTH, NOW, nonce));
		snprintf(pw, sizeof(pw), "guess%d", i);
		authz(h, sizeof(h), "alice", pw, DIGEST_MD5, DIGEST_QOP_AUTH,
		    nonce, "REGISTER", RURI, "00000001", "");
		CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
		check(&e, NOW, &o);
		if (i < 5) {
			CHECK_INT(AUTH_RC_INVALID_PASSWORD, o.rc);
		} else {
			CHECK_INT(AUTH_RC_REPLIED, o.rc);
			CHECK(o.reply_code == 403 &&
			    strcmp(o.why, "blocked-ip") == 0);
			CHECK(!o.log_failure);
		}
		blocks += o.new_blocks;
	}
	CHECK_INT(5, lookups);
	CHECK_INT(AUTH_LIMIT_NEW_IP, blocks);
	authz(h, sizeof(h), "alice", "s3cr3t", DIGEST_MD5, DIGEST_QOP_AUTH,
	    nonce, "REGISTER", RURI, "00000002", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_REPLIED, check(&e, NOW, &o));
	/* alice from 127.0.0.2 */
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, "", "", 2));
	CHECK_INT(0, env_challenge(&e, NONCE_F_QOP_AUTH, NOW, nonce));
	authz(h, sizeof(h), "alice", "s3cr3t", DIGEST_MD5, DIGEST_QOP_AUTH,
	    nonce, "REGISTER", RURI, "00000001", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 2));
	CHECK_INT(AUTH_RC_AUTHORIZED, check(&e, NOW, &o));
	/* the block ends after the cool-down */
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, "", "", 1));
	CHECK_INT(0, env_challenge(&e, NONCE_F_QOP_AUTH, NOW + 301, nonce));
	authz(h, sizeof(h), "alice", "s3cr3t", DIGEST_MD5, DIGEST_QOP_AUTH,
	    nonce, "REGISTER", RURI, "00000001", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 1));
	CHECK_INT(AUTH_RC_AUTHORIZED, check(&e, NOW + 301, &o));
	CHECK_INT(1, (long)auth_limit_stat_blocked_ips(e.cfg.limit));
	env_done(&e);
	return 0;
}

/* Over UDP with unbound nonces a source address proves nothing: the
 * failures are not counted (a spoofer could block a victim). */
static int
t_unbound_udp_not_counted(void)
{
	struct env e;
	struct auth_outcome o;
	char nonce[NONCE_SIZE], h[1024];

	CHECK_INT(0, env_init(&e, true));
	e.cfg.bind_ip = false;
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, "", "", 1));
	CHECK_INT(0, env_challenge(&e, NONCE_F_QOP_AUTH, NOW, nonce));
	authz(h, sizeof(h), "alice", "bad", DIGEST_MD5, DIGEST_QOP_AUTH, nonce,
	    "REGISTER", RURI, "00000001", "");
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, h, "", 9));
	CHECK_INT(AUTH_RC_INVALID_PASSWORD, check(&e, NOW, &o));
	CHECK(o.log_failure && !o.counted);
	e.msg.rcv.proto = PROTO_TLS;
	CHECK_INT(AUTH_RC_INVALID_PASSWORD, check(&e, NOW, &o));
	CHECK(o.counted);
	env_done(&e);
	return 0;
}

static int
t_helpers(void)
{
	enum digest_alg algs[AUTH_ALGS_MAX];
	unsigned q;
	int n;
	char buf[64];
	struct str s = STR_LIT("a\"b\\c\x01 d");
	struct env e;
	struct str r;

	CHECK_INT(0, auth_qop_arg("0", &q));
	CHECK_INT(0, q);
	CHECK_INT(0, auth_qop_arg("", &q));
	CHECK_INT(0, q);
	CHECK_INT(0, auth_qop_arg("1", &q));
	CHECK_INT(NONCE_F_QOP_AUTH, q);
	CHECK_INT(0, auth_qop_arg("auth-int", &q));
	CHECK_INT(NONCE_F_QOP_AUTH_INT, q);
	CHECK_INT(0, auth_qop_arg("auth,auth-int", &q));
	CHECK_INT(NONCE_F_QOP_AUTH | NONCE_F_QOP_AUTH_INT, q);
	CHECK_INT(E_INVAL, auth_qop_arg("yes", &q));
	CHECK_INT(0, auth_algs_parse("MD5", algs, &n));
	CHECK(n == 1 && algs[0] == DIGEST_MD5);
	CHECK_INT(0, auth_algs_parse("SHA-256,MD5", algs, &n));
	CHECK(n == 2 && algs[0] == DIGEST_SHA256 && algs[1] == DIGEST_MD5);
	CHECK_INT(E_INVAL, auth_algs_parse("MD5,MD5", algs, &n));
	CHECK_INT(E_INVAL, auth_algs_parse("SHA-1", algs, &n));
	CHECK_INT(E_INVAL, auth_algs_parse("", algs, &n));
	CHECK_INT(E_INVAL, auth_algs_parse("MD5,", algs, &n));
	auth_log_escape(&s, buf, sizeof(buf));
	CHECK(strcmp(buf, "a\\x22b\\x5cc\\x01 d") == 0);
	auth_log_escape(&s, buf, 5);
	CHECK(strcmp(buf, "a") == 0);
	/* default realms; a realm with a CR cannot go into a challenge */
	CHECK_INT(0, env_init(&e, false));
	CHECK_INT(0, env_req(&e, "REGISTER", RURI, "", "", 1));
	CHECK_INT(0, auth_default_realm(&e.msg, true, &r));
	CHECK_STR(REALM, &r);
	CHECK_INT(0, auth_default_realm(&e.msg, false, &r));
	CHECK_STR(REALM, &r);
	r = (struct str)STR_LIT("a\r\nX: y");
	CHECK_INT(E_INVAL,
	    (int)auth_challenge_build(&e.cfg, &e.msg, true, &r, 0, false, NOW,
	        buf, sizeof(buf)));
	r = (struct str)STR_LIT("we say \"hi\"");
	{
		char big[512];
		long k = auth_challenge_build(&e.cfg, &e.msg, true, &r, 0,
		    false, NOW, big, sizeof(big));

		CHECK(k > 0);
		big[k] = '\0';
		CHECK(strstr(big, "realm=\"we say \\\"hi\\\"\"") != NULL);
		CHECK_INT(E_TOOBIG,
		    (int)auth_challenge_build(&e.cfg, &e.msg, true, &r, 0,
		        false, NOW, big, 40));
	}
	env_done(&e);
	return 0;
}

static const struct unit_test tests[] = { { "right_then_replay",
	                                      t_right_then_replay },
	{ "wrong_and_unknown", t_wrong_and_unknown }, { "stale", t_stale },
	{ "one_time_nonce", t_one_time_nonce },
	{ "not_our_nonce", t_not_our_nonce },
	{ "no_downgrade", t_no_downgrade },
	{ "sha256_auth_int", t_sha256_auth_int },
	{ "bad_requests", t_bad_requests }, { "brute_force", t_brute_force },
	{ "unbound_udp_not_counted", t_unbound_udp_not_counted },
	{ "helpers", t_helpers }, { NULL, NULL } };

UNIT_MAIN(tests)
