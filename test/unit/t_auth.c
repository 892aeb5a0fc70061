/* t_auth.c: the auth module's message-free core: digest hashes (RFC 2617,
 * 7616), stateless nonces, the nonce-count table and the brute-force
 * limiter. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../base/err.h"
#include "../../base/log.h"
#include "../../mem/lock.h"
#include "../../mem/pkg.h"
#include "../../mem/shm.h"
#include "../../modules/auth/auth_limit.h"
#include "../../modules/auth/digest.h"
#include "../../modules/auth/nc_table.h"
#include "../../modules/auth/nonce.h"
#include "unit.h"

#define HEAP (4 * 1024 * 1024)

/* a NUL-terminated buffer against an expected string */
#define CHECK_HEX(exp, buf)                                                    \
	do {                                                                   \
		const char *b_ = (buf);                                        \
		CHECK_STRN((exp), b_, strlen(b_));                             \
	} while (0)

/*
 * Digest vectors.  The RFC rows are the RFCs' own examples.  The "sip"
 * rows were computed independently with python3's hashlib:
 *
 *   H = lambda s: hashlib.new(alg, s.encode()).hexdigest()
 *   ha1 = H("alice:sip.example.com:s3cr3t")
 *   ha1 = H(ha1 + ":4Zs9mQ:a1b2c3")                       # -sess rows
 *   ha2 = H("INVITE:sip:bob@example.com")                 # auth
 *   ha2 = H("INVITE:sip:bob@example.com:" + H(body))      # auth-int
 *   resp = H(ha1 + ":4Zs9mQ:00000002:a1b2c3:" + qop + ":" + ha2)
 *   resp = H(ha1 + ":4Zs9mQ:" + ha2)                      # no qop
 *
 * with alg "md5", "sha256" or "sha512_256".  (RFC 7616 §3.9.2's
 * SHA-512-256 example does not reproduce with any encoding of its user
 * name; it is not used.)
 */
struct dvec {
	const char *name;
	enum digest_alg alg;
	enum digest_qop qop;
	const char *user, *realm, *pass, *method, *uri, *nonce, *nc, *cnonce;
	const char *body;
	const char *ha1; /* after the -sess step */
	const char *ha2, *resp;
};

#define SIP_REQ                                                                \
	"alice", "sip.example.com", "s3cr3t", "INVITE", "sip:bob@example.com", \
	    "4Zs9mQ", "00000002", "a1b2c3"
#define SDP "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
#define N7616 "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
#define C7616 "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"

/* clang-format off */
static const struct dvec dvecs[] = {
	{ "rfc2617 3.5", DIGEST_MD5, DIGEST_QOP_AUTH,
	  "Mufasa", "testrealm@host.com", "Circle Of Life", "GET",
	  "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001",
	  "0a4f113b", NULL,
	  "939e7578ed9e3c518a452acee763bce9",
	  "39aff3a2bab6126f332b942af96d3366",
	  "6629fae49393a05397450978507c4ef1" },
	{ "rfc7616 md5", DIGEST_MD5, DIGEST_QOP_AUTH,
	  "Mufasa", "http-auth@example.org", "Circle of Life", "GET",
	  "/dir/index.html", N7616, "00000001", C7616, NULL,
	  "3d78807defe7de2157e2b0b6573a855f",
	  "39aff3a2bab6126f332b942af96d3366",
	  "8ca523f5e9506fed4657c9700eebdbec" },
	{ "rfc7616 sha256", DIGEST_SHA256, DIGEST_QOP_AUTH,
	  "Mufasa", "http-auth@example.org", "Circle of Life", "GET",
	  "/dir/index.html", N7616, "00000001", C7616, NULL,
	  "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232",
	  "9a3fdae9a622fe8de177c24fa9c070f2b181ec85e15dcbdc32e10c82ad450b04",
	  "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1" },
	{ "sip md5 no qop", DIGEST_MD5, DIGEST_QOP_NONE, SIP_REQ, NULL,
	  "f4e497010f7a8c57f2c7897781577c57",
	  "19c4a1cfd22400d8637f09d6e4337759",
	  "f15dfe5d1e35a3a7c1862a254dd8d4df" },
	{ "sip md5 auth-int", DIGEST_MD5, DIGEST_QOP_AUTH_INT, SIP_REQ, SDP,
	  "f4e497010f7a8c57f2c7897781577c57",
	  "682f970d70b63be473a86bd6ec934990",
	  "7f87d18884b60e7489838c8dba5e5106" },
	{ "sip md5 auth-int empty body", DIGEST_MD5, DIGEST_QOP_AUTH_INT,
	  SIP_REQ, "",
	  "f4e497010f7a8c57f2c7897781577c57",
	  "0c38bd325bbb48969246adeb37af0628",
	  "e7f78a6a0470c2238fba4b70cd6ecd48" },
	{ "sip md5-sess", DIGEST_MD5_SESS, DIGEST_QOP_AUTH, SIP_REQ, NULL,
	  "1e7c6782b9aa509cc8f0b52e5df0fa9f",
	  "19c4a1cfd22400d8637f09d6e4337759",
	  "9446c6c90fd2e49b01f3121776215e2c" },
	{ "sip md5-sess auth-int", DIGEST_MD5_SESS, DIGEST_QOP_AUTH_INT,
	  SIP_REQ, SDP,
	  "1e7c6782b9aa509cc8f0b52e5df0fa9f",
	  "682f970d70b63be473a86bd6ec934990",
	  "074d1fee6db0b93bfe13921d8e35ba78" },
	{ "sip sha256 auth-int", DIGEST_SHA256, DIGEST_QOP_AUTH_INT, SIP_REQ,
	  SDP,
	  "3a7aeaf4382cfcac9be3d8e9ce750a4949fd21ffa34c01d871e8a61acbe7b7db",
	  "bc61e66edb8358b760480ed5344b15175901fbd706ebfd03557f021adcc42f73",
	  "e575b7f3343de663def4b1c9b64485faf867836e3b2ce37d6d0b966316b90a76" },
	{ "sip sha256-sess", DIGEST_SHA256_SESS, DIGEST_QOP_AUTH, SIP_REQ,
	  NULL,
	  "534aefc0819b94ee385e7ab4803ad64878e322976a7d99c8f6b0ca0f0ca68d8c",
	  "c67305b47d69bf95b5e90c88e51f1704a162a309cd340d5588eee5ff8777eb2d",
	  "30966bcfb7d37b5d1bc2dcc57eed677137c63abbb7b9dbfd5e73faaa3e5f129c" },
	{ "sip sha256-sess auth-int", DIGEST_SHA256_SESS, DIGEST_QOP_AUTH_INT,
	  SIP_REQ, SDP,
	  "534aefc0819b94ee385e7ab4803ad64878e322976a7d99c8f6b0ca0f0ca68d8c",
	  "bc61e66edb8358b760480ed5344b15175901fbd706ebfd03557f021adcc42f73",
	  "db354d9259bea3ee28529ff71177aa7ca65e4788494c8b10cdc140dafc357083" },
	{ "sip sha512-256 auth-int", DIGEST_SHA512_256, DIGEST_QOP_AUTH_INT,
	  SIP_REQ, SDP,
	  "d7d516801d686e0a76795e9501b3cc81e7630f362e7d4df96736c08b4e80ad46",
	  "caf70a0e0b389f7be46514a96bfcfd0741263d2275bc0f9d551963af214a5d6a",
	  "61666b627aa6baf739e0721397160014f79eec6be7f04d1c781b4248abd86729" },
	{ "sip sha512-256-sess", DIGEST_SHA512_256_SESS, DIGEST_QOP_AUTH,
	  SIP_REQ, NULL,
	  "984571bf26e8d3fab5671697bd0944f2a019c4573a43eeb9eb03b2ea68b5f7fe",
	  "e709e422dc36e92747dbd697e9a3531a36222d29eca74b37488080eefa0c6ec1",
	  "d1a113daf2c11598d2cbdcaab5e97bbed64643fcc37be4a78fcd64ee71bfaf19" },
	{ "sip sha512-256-sess auth-int", DIGEST_SHA512_256_SESS,
	  DIGEST_QOP_AUTH_INT, SIP_REQ, SDP,
	  "984571bf26e8d3fab5671697bd0944f2a019c4573a43eeb9eb03b2ea68b5f7fe",
	  "caf70a0e0b389f7be46514a96bfcfd0741263d2275bc0f9d551963af214a5d6a",
	  "2de7afa1bc9a821696237d513a45842ed24862614fc14bab8d7f2f68aaf3f93b" },
};
/* clang-format on */

#define NVEC (sizeof(dvecs) / sizeof(dvecs[0]))

/* One vector step by step: HA1, the -sess step, HA2, response. */
static int
dvec_steps(const struct dvec *v)
{
	struct str user = str_from(v->user), realm = str_from(v->realm),
	           pass = str_from(v->pass), method = str_from(v->method),
	           uri = str_from(v->uri), nonce = str_from(v->nonce),
	           nc = str_from(v->nc), cnonce = str_from(v->cnonce),
	           body = str_from(v->body);
	char ha1[DIGEST_HEX_SIZE], ha2[DIGEST_HEX_SIZE], r[DIGEST_HEX_SIZE];

	CHECK_INT(0, digest_calc_ha1(v->alg, &user, &realm, &pass, ha1));
	CHECK_INT(0, digest_ha1_sess(v->alg, ha1, &nonce, &cnonce, ha1));
	CHECK_HEX(v->ha1, ha1);
	CHECK_INT(0,
	    digest_calc_ha2(v->alg, v->qop, &method, &uri,
	        v->body ? &body : NULL, ha2));
	CHECK_HEX(v->ha2, ha2);
	CHECK_INT(0,
	    digest_calc_response(v->alg, ha1, &nonce, &nc, &cnonce, v->qop, ha2,
	        r));
	CHECK_HEX(v->resp, r);
	CHECK_INT(digest_alg_hex_len(v->alg), strlen(r));
	return 0;
}

/* The same vector through digest_verify, from a plaintext password and
 * from the stored HA1, then with the response altered. */
static int
dvec_verify(const struct dvec *v)
{
	struct str user = str_from(v->user), realm = str_from(v->realm),
	           pass = str_from(v->pass), method = str_from(v->method),
	           body = str_from(v->body);
	struct digest_cred c = {
		.alg = v->alg,
		.qop = v->qop,
		.nonce = str_from(v->nonce),
		.cnonce = str_from(v->cnonce),
		.nc = str_from(v->nc),
		.uri = str_from(v->uri),
		.response = str_from(v->resp),
	};
	char ha1[DIGEST_HEX_SIZE], upper[DIGEST_HEX_SIZE], bad[DIGEST_HEX_SIZE];
	struct str s;
	bool ok;
	size_t i;

	CHECK_INT(0, digest_calc_ha1(v->alg, &user, &realm, &pass, ha1));
	CHECK_INT(0, digest_verify(&c, &method, &body, ha1, &ok));
	CHECK(ok);
	/* a client's upper-case hex is the same digest */
	for (i = 0; v->resp[i] != '\0'; i++)
		upper[i] = (char)(v->resp[i] >= 'a' && v->resp[i] <= 'f'
		        ? v->resp[i] - 'a' + 'A'
		        : v->resp[i]);
	c.response = (struct str){ upper, i };
	CHECK_INT(0, digest_verify(&c, &method, &body, ha1, &ok));
	CHECK(ok);
	/* any one digit changed, or a digit missing, is wrong */
	for (i = 0; v->resp[i] != '\0'; i++) {
		memcpy(bad, v->resp, strlen(v->resp) + 1);
		bad[i] = bad[i] == '0' ? '1' : '0';
		c.response = str_from(bad);
		CHECK_INT(0, digest_verify(&c, &method, &body, ha1, &ok));
		CHECK(!ok);
	}
	c.response = (struct str){ v->resp, strlen(v->resp) - 1 };
	CHECK_INT(0, digest_verify(&c, &method, &body, ha1, &ok));
	CHECK(!ok);
	/* another method: wrong */
	s = STR_LIT("BYE");
	c.response = str_from(v->resp);
	CHECK_INT(0, digest_verify(&c, &s, &body, ha1, &ok));
	CHECK(!ok);
	return 0;
}

static int
t_digest_vectors(void)
{
	size_t i;

	for (i = 0; i < NVEC; i++) {
		if (dvec_steps(&dvecs[i]) != 0 || dvec_verify(&dvecs[i]) != 0) {
			printf("vector \"%s\"\n", dvecs[i].name);
			return 1;
		}
	}
	return 0;
}

/* auth-int: a changed body changes the digest */
static int
t_digest_auth_int_body(void)
{
	const struct dvec *v = &dvecs[4];
	struct str method = str_from(v->method), body = STR_LIT(SDP "x");
	struct digest_cred c = {
		.alg = v->alg,
		.qop = v->qop,
		.nonce = str_from(v->nonce),
		.cnonce = str_from(v->cnonce),
		.nc = str_from(v->nc),
		.uri = str_from(v->uri),
		.response = str_from(v->resp),
	};
	bool ok;

	CHECK_INT(DIGEST_QOP_AUTH_INT, v->qop);
	CHECK_INT(0, digest_verify(&c, &method, &body, v->ha1, &ok));
	CHECK(!ok);
	body.len--;
	CHECK_INT(0, digest_verify(&c, &method, &body, v->ha1, &ok));
	CHECK(ok);
	return 0;
}

static int
t_digest_ha1_stored(void)
{
	/* clang-format off */
	static const struct {
		enum digest_alg alg;
		const char *in;
		int rc;
		const char *out;
	} cases[] = {
		{ DIGEST_MD5, "939e7578ed9e3c518a452acee763bce9", 0,
		  "939e7578ed9e3c518a452acee763bce9" },
		{ DIGEST_MD5_SESS, "939E7578ED9E3C518A452ACEE763BCE9", 0,
		  "939e7578ed9e3c518a452acee763bce9" },
		{ DIGEST_MD5, "939e7578ed9e3c518a452acee763bce", E_PARSE, "" },
		{ DIGEST_MD5, "939e7578ed9e3c518a452acee763bce9a", E_PARSE,
		  "" },
		{ DIGEST_MD5, "939e7578ed9e3c518a452acee763bceg", E_PARSE, "" },
		{ DIGEST_MD5, "", E_PARSE, "" },
		{ DIGEST_SHA256, "939e7578ed9e3c518a452acee763bce9", E_PARSE,
		  "" },
		{ DIGEST_ALG_N, "939e7578ed9e3c518a452acee763bce9", E_INVAL,
		  "" },
	};
	/* clang-format on */
	char out[DIGEST_HEX_SIZE];
	struct str s;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = str_from(cases[i].in);
		CHECK_INT(cases[i].rc,
		    digest_ha1_stored(cases[i].alg, &s, out));
		CHECK_HEX(cases[i].out, out);
	}
	CHECK_INT(E_PARSE, digest_ha1_stored(DIGEST_MD5, NULL, out));
	return 0;
}

static int
t_digest_ha1b_userhash(void)
{
	struct str user = STR_LIT("alice"), dom = STR_LIT("sip.example.com"),
	           realm = STR_LIT("sip.example.com"), pass = STR_LIT("s3cr3t"),
	           at = STR_LIT("alice@sip.example.com");
	char a[DIGEST_HEX_SIZE], b[DIGEST_HEX_SIZE];

	/* python3: md5(b"alice@sip.example.com:sip.example.com:s3cr3t") */
	CHECK_INT(0,
	    digest_calc_ha1b(DIGEST_MD5, &user, &dom, &realm, &pass, a));
	CHECK_HEX("51bd45974944cb38baded03b78cfb6ec", a);
	CHECK_INT(0, digest_calc_ha1(DIGEST_MD5, &at, &realm, &pass, b));
	CHECK(strcmp(a, b) == 0);
	/* RFC 7616 §3.4.4 userhash, python3: sha256(b"Mufasa:http-auth@
	 * example.org") */
	user = STR_LIT("Mufasa");
	realm = STR_LIT("http-auth@example.org");
	CHECK_INT(0, digest_userhash(DIGEST_SHA256, &user, &realm, a));
	CHECK_HEX("a947aad205e80e429958a387394944c6b496301e79f89d35a4cc23b6ee"
	          "12b5b6",
	    a);
	return 0;
}

static int
t_digest_names(void)
{
	enum digest_alg a;
	enum digest_qop q;
	struct str s;
	unsigned i;

	for (i = 0; i < DIGEST_ALG_N; i++) {
		s = str_from(digest_alg_name((enum digest_alg)i));
		CHECK_INT(0, digest_alg_parse(&s, &a));
		CHECK_INT(i, a);
		CHECK(digest_alg_available(a));
		CHECK_INT(digest_alg_sess(a), strstr(s.s, "-sess") != NULL);
	}
	s = STR_LIT("sha-256-SESS");
	CHECK_INT(0, digest_alg_parse(&s, &a));
	CHECK_INT(DIGEST_SHA256_SESS, a);
	s = STR_LIT("SHA-512");
	CHECK_INT(E_NOTFOUND, digest_alg_parse(&s, &a));
	s = STR_LIT("MD5-");
	CHECK_INT(E_NOTFOUND, digest_alg_parse(&s, &a));
	CHECK(digest_alg_name(DIGEST_ALG_N) == NULL);
	CHECK_INT(0, digest_alg_hex_len(DIGEST_ALG_N));
	CHECK_INT(32, digest_alg_hex_len(DIGEST_MD5_SESS));
	CHECK_INT(64, digest_alg_hex_len(DIGEST_SHA512_256));
	s = STR_LIT("Auth-Int");
	CHECK_INT(0, digest_qop_parse(&s, &q));
	CHECK_INT(DIGEST_QOP_AUTH_INT, q);
	s = STR_LIT("auth-conf");
	CHECK_INT(E_NOTFOUND, digest_qop_parse(&s, &q));
	CHECK(strcmp(digest_qop_name(DIGEST_QOP_AUTH), "auth") == 0);
	return 0;
}

/* Misuse: mismatched hex lengths, an alg out of range. */
static int
t_digest_bad_args(void)
{
	char ha2[DIGEST_HEX_SIZE], out[DIGEST_HEX_SIZE];
	struct str m = STR_LIT("GET"), u = STR_LIT("/");
	const char *md5hex = dvecs[0].ha1;

	CHECK_INT(0,
	    digest_calc_ha2(DIGEST_SHA256, DIGEST_QOP_AUTH, &m, &u, NULL, ha2));
	CHECK_INT(E_INVAL,
	    digest_calc_response(DIGEST_SHA256, md5hex, &u, &u, &u,
	        DIGEST_QOP_AUTH, ha2, out));
	CHECK_HEX("", out);
	CHECK_INT(E_INVAL,
	    digest_ha1_sess(DIGEST_SHA256_SESS, md5hex, &u, &u, out));
	CHECK_INT(E_INVAL,
	    digest_calc_ha1((enum digest_alg)99, &m, &m, &m, out));
	CHECK(!digest_hex_eq(md5hex, NULL));
	CHECK(!digest_hex_eq("", &u));
	return 0;
}

/* ---- nonces ---- */

static const unsigned char key_a[32] = "0123456789abcdef0123456789abcdef";
static const unsigned char key_b[32] = "0123456789abcdef0123456789abcdeF";

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int
b64val(char c)
{
	const char *p = strchr(b64url, c);

	return c != '\0' && p != NULL ? (int)(p - b64url) : -1;
}

/* Check a nonce held in an exactly sized heap copy, so that any read past
 * its end is an ASan error. */
static enum nonce_result
check_exact(const char *s, size_t n, const struct str *realm,
    const struct str *bind, time_t now)
{
	enum nonce_result r;
	struct str v;
	char *p;

	p = malloc(n ? n : 1);
	if (p == NULL)
		return NONCE_OK; /* makes the caller's check fail */
	memcpy(p, s, n);
	v.s = p;
	v.len = n;
	r = nonce_check(&v, realm, bind, now, NULL, NULL);
	free(p);
	return r;
}

static int
t_nonce_roundtrip(void)
{
	struct str realm = STR_LIT("sip.example.com"),
	           bind = STR_LIT("\x7f\0\0\x01");
	char n1[NONCE_SIZE], n2[NONCE_SIZE];
	uint32_t idx = 0;
	uint16_t flags = 0;
	struct str v;
	int i;

	CHECK_INT(0, nonce_secret_set(key_a, sizeof(key_a)));
	CHECK_INT(0,
	    nonce_make(n1, sizeof(n1), &realm, &bind, 1000, 0xdeadbeef,
	        0x0012));
	CHECK_INT(NONCE_LEN, strlen(n1));
	for (i = 0; i < NONCE_LEN; i++)
		CHECK(b64val(n1[i]) >= 0);
	v = str_from(n1);
	CHECK_INT(NONCE_OK, nonce_check(&v, &realm, &bind, 999, &idx, &flags));
	CHECK_INT(0xdeadbeef, idx);
	CHECK_INT(0x0012, flags);
	/* the salt makes two nonces with the same fields differ */
	CHECK_INT(0,
	    nonce_make(n2, sizeof(n2), &realm, &bind, 1000, 0xdeadbeef,
	        0x0012));
	CHECK(strcmp(n1, n2) != 0);
	/* without binding */
	CHECK_INT(0, nonce_make(n2, sizeof(n2), &realm, NULL, 1000, 7, 0));
	v = str_from(n2);
	CHECK_INT(NONCE_OK, nonce_check(&v, &realm, NULL, 0, &idx, NULL));
	CHECK_INT(7, idx);
	nonce_secret_clear();
	return 0;
}

static int
t_nonce_expiry(void)
{
	struct str realm = STR_LIT("r");
	char n[NONCE_SIZE];
	uint32_t idx = 0;
	uint16_t flags = 0;
	struct str v;

	CHECK_INT(0, nonce_secret_set(key_a, sizeof(key_a)));
	CHECK_INT(0, nonce_make(n, sizeof(n), &realm, NULL, 1700000030, 42, 3));
	v = str_from(n);
	CHECK_INT(NONCE_OK,
	    nonce_check(&v, &realm, NULL, 1700000000, NULL, NULL));
	CHECK_INT(NONCE_OK,
	    nonce_check(&v, &realm, NULL, 1700000029, NULL, NULL));
	/* stale from the expiry second on, still authentic: index given */
	CHECK_INT(NONCE_STALE,
	    nonce_check(&v, &realm, NULL, 1700000030, &idx, &flags));
	CHECK_INT(42, idx);
	CHECK_INT(3, flags);
	CHECK_INT(NONCE_STALE,
	    nonce_check(&v, &realm, NULL, INT64_MAX, NULL, NULL));
	/* a nonce made already expired */
	CHECK_INT(0, nonce_make(n, sizeof(n), &realm, NULL, 0, 0, 0));
	v = str_from(n);
	CHECK_INT(NONCE_STALE,
	    nonce_check(&v, &realm, NULL, 1700000030, NULL, NULL));
	CHECK_INT(E_INVAL, nonce_make(n, sizeof(n), &realm, NULL, -1, 0, 0));
	nonce_secret_clear();
	return 0;
}

/* Every single bit of the 36 encoded bytes flipped: FORGED, never OK or
 * STALE.  Also every bit of every character: never accepted. */
static int
t_nonce_bitflip(void)
{
	struct str realm = STR_LIT("sip.example.com"),
	           bind = STR_LIT("\x01\x02");
	char n[NONCE_SIZE], m[NONCE_SIZE];
	enum nonce_result r;
	int i, bit;

	CHECK_INT(0, nonce_secret_set(key_a, sizeof(key_a)));
	CHECK_INT(0, nonce_make(n, sizeof(n), &realm, &bind, 5000, 1, 1));
	CHECK_INT(NONCE_OK, check_exact(n, NONCE_LEN, &realm, &bind, 10));
	for (i = 0; i < NONCE_LEN; i++) {
		for (bit = 0; bit < 6; bit++) {
			memcpy(m, n, sizeof(m));
			m[i] = b64url[b64val(n[i]) ^ (1 << bit)];
			r = check_exact(m, NONCE_LEN, &realm, &bind, 10);
			if (r != NONCE_FORGED)
				printf("char %d bit %d\n", i, bit);
			CHECK_INT(NONCE_FORGED, r);
		}
		for (bit = 0; bit < 8; bit++) {
			memcpy(m, n, sizeof(m));
			m[i] = (char)(m[i] ^ (1 << bit));
			r = check_exact(m, NONCE_LEN, &realm, &bind, 10);
			CHECK(r == NONCE_FORGED || r == NONCE_INVALID);
		}
	}
	nonce_secret_clear();
	return 0;
}

static int
t_nonce_wrong_context(void)
{
	struct str realm = STR_LIT("sip.example.com"),
	           other = STR_LIT("sip.example.co"),
	           bind = STR_LIT("\x0a\0\0\x01"),
	           bind2 = STR_LIT("\x0a\0\0\x02"), empty = STR_LIT("");
	char n[NONCE_SIZE];
	struct str v;

	CHECK_INT(0, nonce_secret_set(key_a, sizeof(key_a)));
	CHECK_INT(0, nonce_make(n, sizeof(n), &realm, &bind, 5000, 1, 1));
	v = str_from(n);
	CHECK_INT(NONCE_OK, nonce_check(&v, &realm, &bind, 10, NULL, NULL));
	CHECK_INT(NONCE_FORGED, nonce_check(&v, &other, &bind, 10, NULL, NULL));
	CHECK_INT(NONCE_FORGED, nonce_check(&v, NULL, &bind, 10, NULL, NULL));
	CHECK_INT(NONCE_FORGED,
	    nonce_check(&v, &realm, &bind2, 10, NULL, NULL));
	CHECK_INT(NONCE_FORGED, nonce_check(&v, &realm, NULL, 10, NULL, NULL));
	/* a forged nonce is forged even when it would be expired */
	CHECK_INT(NONCE_FORGED,
	    nonce_check(&v, &other, &bind, 9999, NULL, NULL));
	/* NULL and empty are the same realm / binding */
	CHECK_INT(0, nonce_make(n, sizeof(n), NULL, NULL, 5000, 1, 1));
	CHECK_INT(NONCE_OK, nonce_check(&v, &empty, &empty, 10, NULL, NULL));
	/* realm and bind are length-prefixed: bytes cannot move across */
	realm = STR_LIT("ab");
	bind = STR_LIT("c");
	other = STR_LIT("a");
	bind2 = STR_LIT("bc");
	CHECK_INT(0, nonce_make(n, sizeof(n), &realm, &bind, 5000, 1, 1));
	CHECK_INT(NONCE_FORGED,
	    nonce_check(&v, &other, &bind2, 10, NULL, NULL));
	/* another secret */
	realm = STR_LIT("sip.example.com");
	CHECK_INT(0, nonce_make(n, sizeof(n), &realm, NULL, 5000, 1, 1));
	CHECK_INT(NONCE_OK, nonce_check(&v, &realm, NULL, 10, NULL, NULL));
	CHECK_INT(0, nonce_secret_set(key_b, sizeof(key_b)));
	CHECK_INT(NONCE_FORGED, nonce_check(&v, &realm, NULL, 10, NULL, NULL));
	/* no secret at all */
	nonce_secret_clear();
	CHECK_INT(NONCE_INVALID, nonce_check(&v, &realm, NULL, 10, NULL, NULL));
	CHECK_INT(E_INVAL, nonce_make(n, sizeof(n), &realm, NULL, 5000, 1, 1));
	return 0;
}

static int
t_nonce_garbage(void)
{
	static char big[8192];
	/* clang-format off */
	static const struct { const char *s; size_t n; } bad[] = {
		{ "", 0 },
		{ "A", 1 },
		{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", 48 },
		{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 48 },
		{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+", 48 },
		{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/", 48 },
		{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ", 48 },
		{ " AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 48 },
		{ "AAAAAAAAAAAAAAAAAAAAAAAA\0AAAAAAAAAAAAAAAAAAAAAAA", 48 },
		{ "AAAAAAAAAAAAAAAAAAAAAAAA\nAAAAAAAAAAAAAAAAAAAAAAA", 48 },
		{ "dcd98b7102dd2f0e8b11d0f600bfb0c093", 34 },
	};
	/* clang-format on */
	struct str realm = STR_LIT("r"), v;
	char n[NONCE_SIZE];
	size_t i;

	CHECK_INT(0, nonce_secret_set(key_a, sizeof(key_a)));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT(NONCE_INVALID,
		    check_exact(bad[i].s, bad[i].n, &realm, NULL, 10));
	/* 48 valid characters that are not ours: forged */
	CHECK_INT(NONCE_FORGED,
	    check_exact("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	                "AAAAAAAAAAAAAAAAAA",
	        48, &realm, NULL, 10));
	/* every truncation and extension of a good nonce */
	CHECK_INT(0, nonce_make(n, sizeof(n), &realm, NULL, 5000, 1, 1));
	for (i = 0; i < NONCE_LEN; i++)
		CHECK_INT(NONCE_INVALID, check_exact(n, i, &realm, NULL, 10));
	memset(big, 'A', sizeof(big));
	memcpy(big, n, NONCE_LEN);
	for (i = NONCE_LEN + 1; i <= sizeof(big); i = i * 3 / 2)
		CHECK_INT(NONCE_INVALID, check_exact(big, i, &realm, NULL, 10));
	CHECK_INT(NONCE_OK, check_exact(big, NONCE_LEN, &realm, NULL, 10));
	CHECK_INT(NONCE_INVALID,
	    nonce_check(NULL, &realm, NULL, 10, NULL, NULL));
	v = (struct str){ NULL, NONCE_LEN };
	CHECK_INT(NONCE_INVALID, nonce_check(&v, &realm, NULL, 10, NULL, NULL));
	/* output buffer too small */
	CHECK_INT(E_TOOBIG, nonce_make(n, NONCE_LEN, &realm, NULL, 5, 1, 1));
	nonce_secret_clear();
	return 0;
}

static int
write_file(const char *path, const void *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t w;

	if (fd == -1)
		return -1;
	w = write(fd, data, n);
	close(fd);
	return w == (ssize_t)n ? 0 : -1;
}

/* rc expected from loading a file holding data, and a fragment the error
 * must contain (besides the path) */
static int
load_case(const char *path, const char *data, size_t n, int rc, const char *msg)
{
	char *err = (char *)1;
	int got;

	CHECK_INT(0, write_file(path, data, n));
	got = nonce_secret_load_file(path, &err);
	CHECK_INT(rc, got);
	if (rc == 0) {
		CHECK(err == NULL);
		return 0;
	}
	CHECK(err != NULL);
	if (strstr(err, path) == NULL || strstr(err, msg) == NULL) {
		printf("error \"%s\"\n", err);
		pkg_free(err);
		return 1;
	}
	pkg_free(err);
	return 0;
}

#define HEX64 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static int
t_nonce_secret_file(void)
{
	unsigned char raw[32], big[NONCE_SECRET_FILE_MAX + 1];
	char dir[] = "/tmp/t_auth.XXXXXX", path[64], n[NONCE_SIZE], *err;
	struct str realm = STR_LIT("r"), v;
	size_t i;

	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)i;
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/secret", dir);
	/* hex with a newline: the same key as the raw bytes */
	CHECK_INT(0, load_case(path, HEX64 "\n", 65, 0, ""));
	CHECK_INT(0, nonce_make(n, sizeof(n), &realm, NULL, 50, 1, 1));
	CHECK_INT(0, nonce_secret_set(raw, sizeof(raw)));
	v = str_from(n);
	CHECK_INT(NONCE_OK, nonce_check(&v, &realm, NULL, 10, NULL, NULL));
	/* upper-case hex, surrounding blanks */
	CHECK_INT(0,
	    load_case(path,
	        " 000102030405060708090A0B0C0D0E0F10111213"
	        "1415161718191A1B1C1D1E1F\r\n",
	        67, 0, ""));
	CHECK_INT(NONCE_OK, nonce_check(&v, &realm, NULL, 10, NULL, NULL));
	/* raw: 32 bytes with a NUL and a newline in them */
	CHECK_INT(0, load_case(path, (const char *)raw, sizeof(raw), 0, ""));
	CHECK_INT(NONCE_OK, nonce_check(&v, &realm, NULL, 10, NULL, NULL));
	CHECK_INT(0, load_case(path, HEX64, 62, E_INVAL, "hex secret"));
	CHECK_INT(0, load_case(path, HEX64, 63, E_INVAL, "hex secret"));
	CHECK_INT(0,
	    load_case(path, "short secret\n", 13, E_INVAL, "13 bytes"));
	CHECK_INT(0, load_case(path, "", 0, E_INVAL, "0 bytes"));
	memset(big, 'x', sizeof(big));
	CHECK_INT(0,
	    load_case(path, (const char *)big, 257, E_INVAL, "257 bytes"));
	CHECK_INT(0,
	    load_case(path, (const char *)big, sizeof(big), E_INVAL, "over"));
	/* the failures above left the previous secret in place */
	CHECK_INT(NONCE_OK, nonce_check(&v, &realm, NULL, 10, NULL, NULL));
	unlink(path);
	CHECK_INT(E_IO, nonce_secret_load_file(path, &err));
	CHECK(err != NULL && strstr(err, path) != NULL &&
	    strstr(err, "No such file") != NULL);
	pkg_free(err);
	CHECK_INT(0, rmdir(dir));
	/* nonce_secret_set bounds */
	CHECK_INT(E_INVAL, nonce_secret_set(big, NONCE_SECRET_MIN - 1));
	CHECK_INT(E_INVAL, nonce_secret_set(big, NONCE_SECRET_MAX + 1));
	CHECK_INT(E_INVAL, nonce_secret_set(NULL, 32));
	CHECK_INT(0, nonce_secret_set(big, NONCE_SECRET_MAX));
	/* ensure keeps a set secret, makes one when unset */
	CHECK_INT(0, nonce_secret_ensure());
	CHECK_INT(NONCE_FORGED, nonce_check(&v, &realm, NULL, 10, NULL, NULL));
	CHECK_INT(0, nonce_secret_set(raw, sizeof(raw)));
	CHECK_INT(0, nonce_secret_ensure());
	CHECK_INT(NONCE_OK, nonce_check(&v, &realm, NULL, 10, NULL, NULL));
	nonce_secret_clear();
	CHECK_INT(0, nonce_secret_ensure());
	CHECK_INT(NONCE_FORGED, nonce_check(&v, &realm, NULL, 10, NULL, NULL));
	nonce_secret_clear();
	return 0;
}

/* ---- nonce-count table ---- */

static int
t_nc_sequence(void)
{
	/* clang-format off */
	static const struct { uint32_t nc; enum nc_result r; } seq[] = {
		{ 1, NC_OK },     { 1, NC_REPLAY }, { 2, NC_OK },
		{ 5, NC_OK },     { 3, NC_OK },     { 3, NC_REPLAY },
		{ 4, NC_OK },     { 5, NC_REPLAY }, { 0, NC_REPLAY },
		{ 100, NC_OK },   { 37, NC_OK },    { 36, NC_REPLAY },
		{ 37, NC_REPLAY },{ 99, NC_OK },    { 6, NC_REPLAY },
		{ 5000, NC_OK },  { 4999, NC_OK },  { 100, NC_REPLAY },
		{ UINT32_MAX, NC_OK }, { UINT32_MAX, NC_REPLAY },
		{ UINT32_MAX - 63, NC_OK }, { UINT32_MAX - 64, NC_REPLAY },
	};
	/* clang-format on */
	struct nc_table *t;
	uint32_t idx, other;
	enum nc_result r;
	size_t i;

	CHECK_INT(0, shm_init(HEAP));
	CHECK_INT(0, nc_table_new(&t, 16));
	idx = nc_index_new(t);
	other = nc_index_new(t);
	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		r = nc_check(t, idx, seq[i].nc);
		if (r != seq[i].r)
			printf("step %zu: nc %u\n", i, seq[i].nc);
		CHECK_INT(seq[i].r, r);
	}
	/* another nonce has its own count */
	CHECK_INT(NC_OK, nc_check(t, other, 1));
	CHECK_INT(NC_OK, nc_check(t, other, 2));
	nc_table_free(t);
	CHECK_INT(0, shm_live_blocks());
	shm_destroy();
	return 0;
}

static int
t_nc_once(void)
{
	struct nc_table *t;
	uint32_t idx;

	CHECK_INT(0, shm_init(HEAP));
	CHECK_INT(0, nc_table_new(&t, 4));
	idx = nc_index_new(t);
	CHECK_INT(NC_OK, nc_use_once(t, idx));
	CHECK_INT(NC_REPLAY, nc_use_once(t, idx));
	CHECK_INT(NC_REPLAY, nc_use_once(t, idx));
	nc_table_free(t);
	shm_destroy();
	return 0;
}

static int
t_nc_reuse(void)
{
	struct nc_table *t;
	uint32_t idx, next[4];
	int i;

	CHECK_INT(0, shm_init(HEAP));
	CHECK_INT(0, nc_table_new(&t, 4));
	idx = nc_index_new(t);
	CHECK_INT(NC_OK, nc_check(t, idx, 1));
	/* an index not handed out yet, on a never claimed slot: unknown */
	CHECK_INT(NC_UNKNOWN, nc_check(t, idx + 1, 1));
	for (i = 0; i < 4; i++) {
		next[i] = nc_index_new(t);
		CHECK_INT(idx + 1 + (uint32_t)i, next[i]);
	}
	/* next[3] took idx's slot: idx is unknown, next[3] starts fresh */
	CHECK_INT(NC_UNKNOWN, nc_check(t, idx, 2));
	CHECK_INT(NC_UNKNOWN, nc_check(t, idx, 1));
	CHECK_INT(NC_OK, nc_check(t, next[3], 1));
	/* an older generation of a live slot */
	CHECK_INT(NC_UNKNOWN, nc_check(t, next[0] - 4, 1));
	CHECK_INT(NC_OK, nc_check(t, next[0], 1));
	/* sizes */
	nc_table_free(t);
	CHECK_INT(E_INVAL, nc_table_new(&t, 0));
	CHECK_INT(E_INVAL, nc_table_new(&t, 1));
	CHECK_INT(E_INVAL, nc_table_new(&t, 48));
	CHECK_INT(E_INVAL, nc_table_new(&t, NC_SLOTS_MAX * 2));
	/* 16 bytes a slot, 4 a lock, a few header bytes */
	CHECK(nc_table_mem(65536) >= 16 * 65536 + 4 * 1024);
	CHECK(nc_table_mem(65536) <= 16 * 65536 + 4 * 1024 + 64);
	nc_table_free(NULL);
	CHECK_INT(0, shm_live_blocks());
	shm_destroy();
	return 0;
}

static int
t_nc_parse(void)
{
	/* clang-format off */
	static const struct { const char *s; int rc; uint32_t v; } cases[] = {
		{ "00000001", 0, 1 },
		{ "0000000a", 0, 10 },
		{ "0000000A", 0, 10 },
		{ "ffffffff", 0, UINT32_MAX },
		{ "00000000", E_PARSE, 0 },
		{ "0000001", E_PARSE, 0 },
		{ "000000001", E_PARSE, 0 },
		{ "0000000g", E_PARSE, 0 },
		{ " 0000001", E_PARSE, 0 },
		{ "", E_PARSE, 0 },
	};
	/* clang-format on */
	struct str s;
	uint32_t v;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = 0;
		s = str_from(cases[i].s);
		CHECK_INT(cases[i].rc, nc_parse(&s, &v));
		CHECK_INT(cases[i].v, v);
	}
	CHECK_INT(E_PARSE, nc_parse(NULL, &v));
	return 0;
}

/* Two processes race on one nonce (one in order, one with pairs swapped)
 * and claim indexes: every nc is accepted exactly once, every index is
 * handed out once.  The race is run in rounds, each on its own nonce and
 * started by a barrier, so that the processes run in step often enough
 * to catch a missing lock. */
static int
t_nc_procs(void)
{
	enum { NPROC = 2, ROUNDS = 16, NC = 50000, NIDX = 20000 };
	struct shared {
		uint32_t ready; /* the barrier: NPROC per round started */
		uint32_t hits[ROUNDS][NC + 1];
		uint32_t idx[NPROC][NIDX];
	} * sh;
	uint32_t nonce[ROUNDS], nc, a;
	struct nc_table *t;
	int i, j, r, status;
	pid_t pid;

	CHECK_INT(0, shm_init(8 * HEAP));
	CHECK_INT(0, nc_table_new(&t, 1 << 16));
	CHECK((sh = shm_zalloc(sizeof(*sh))) != NULL);
	for (r = 0; r < ROUNDS; r++)
		nonce[r] = nc_index_new(t);
	shm_sanitizer_multiproc();
	for (i = 0; i < NPROC; i++) {
		if ((pid = fork()) != 0) {
			CHECK(pid > 0);
			continue;
		}
		lock_proc_init();
		for (r = 0; r < ROUNDS; r++) {
			__atomic_add_fetch(&sh->ready, 1, __ATOMIC_SEQ_CST);
			while (__atomic_load_n(&sh->ready, __ATOMIC_SEQ_CST) <
			    (uint32_t)(NPROC * (r + 1)))
				;
			for (j = 1; j <= NC; j++) {
				nc = (uint32_t)j;
				if (i == 1) /* 2, 1, 4, 3, ... */
					nc = j % 2 ? nc + 1 : nc - 1;
				if (nc_check(t, nonce[r], nc) == NC_OK)
					__atomic_add_fetch(&sh->hits[r][nc], 1,
					    __ATOMIC_RELAXED);
				if (r == 0 && j <= NIDX)
					sh->idx[i][j - 1] = nc_index_new(t);
			}
		}
		_exit(0);
	}
	for (i = 0; i < NPROC; i++) {
		CHECK(wait(&status) > 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (r = 0; r < ROUNDS; r++)
		for (j = 1; j <= NC; j++) {
			if (sh->hits[r][j] != 1)
				printf("round %d: nc %d accepted %u times\n", r,
				    j, sh->hits[r][j]);
			CHECK_INT(1, sh->hits[r][j]);
		}
	/* indexes: NPROC * NIDX consecutive values after the nonces', each
	 * once (hits[0] reused as a bitmap) */
	memset(sh->hits[0], 0, sizeof(sh->hits[0]));
	for (i = 0; i < NPROC; i++)
		for (j = 0; j < NIDX; j++) {
			a = sh->idx[i][j] - nonce[ROUNDS - 1] - 1;
			CHECK(a < NPROC * NIDX);
			CHECK((sh->hits[0][a / 32] & (1u << (a % 32))) == 0);
			sh->hits[0][a / 32] |= 1u << (a % 32);
		}
	CHECK_INT(nonce[ROUNDS - 1] + 1 + NPROC * NIDX, nc_index_new(t));
	shm_free(sh);
	nc_table_free(t);
	CHECK_INT(0, shm_live_blocks());
	shm_destroy();
	return 0;
}

/* ---- brute-force limiter ---- */

#define IP4(a, b, c, d) ((struct str){ (const char[4]){ a, b, c, d }, 4 })

static struct auth_limit_cfg
small_cfg(void)
{
	struct auth_limit_cfg c = AUTH_LIMIT_CFG_DEFAULT;

	c.ip_max = 3;
	c.user_max = 5;
	c.window = 60;
	c.cooldown = 100;
	c.ip_slots = 64;
	c.user_slots = 64;
	return c;
}

static int
t_limit_ip(void)
{
	struct auth_limit_cfg cfg = small_cfg();
	struct str a = IP4(192, 0, 2, 1), b = IP4(192, 0, 2, 2),
	           alice = STR_LIT("alice"), bob = STR_LIT("bob"),
	           realm = STR_LIT("example.com");
	struct auth_limit *l;
	time_t t0 = 1000;

	CHECK_INT(0, shm_init(HEAP));
	CHECK_INT(0, auth_limit_new(&l, &cfg));
	/* ip_max - 1 failures: still allowed */
	CHECK_INT(0, auth_limit_failed(l, &a, &alice, &realm, t0));
	CHECK_INT(0, auth_limit_failed(l, &a, &bob, &realm, t0 + 1));
	CHECK_INT(AUTH_LIMIT_PASS,
	    auth_limit_blocked(l, &a, &alice, &realm, t0 + 1));
	/* the ip_max-th blocks, reported once */
	CHECK_INT(AUTH_LIMIT_NEW_IP,
	    auth_limit_failed(l, &a, NULL, NULL, t0 + 2));
	CHECK_INT(AUTH_LIMIT_IP,
	    auth_limit_blocked(l, &a, &alice, &realm, t0 + 2));
	CHECK_INT(AUTH_LIMIT_IP, auth_limit_blocked(l, &a, NULL, NULL, t0 + 2));
	CHECK_INT(0, auth_limit_failed(l, &a, NULL, NULL, t0 + 3));
	/* another address, the same users: not blocked */
	CHECK_INT(AUTH_LIMIT_PASS,
	    auth_limit_blocked(l, &b, &alice, &realm, t0 + 3));
	CHECK_INT(AUTH_LIMIT_PASS,
	    auth_limit_blocked(l, &b, &bob, &realm, t0 + 3));
	/* the cool-down runs from the blocking failure */
	CHECK_INT(AUTH_LIMIT_IP,
	    auth_limit_blocked(l, &a, NULL, NULL, t0 + 2 + 99));
	CHECK_INT(AUTH_LIMIT_PASS,
	    auth_limit_blocked(l, &a, NULL, NULL, t0 + 2 + 100));
	/* and afterwards counting starts afresh */
	CHECK_INT(0, auth_limit_failed(l, &a, NULL, NULL, t0 + 200));
	CHECK_INT(0, auth_limit_failed(l, &a, NULL, NULL, t0 + 201));
	CHECK_INT(AUTH_LIMIT_NEW_IP,
	    auth_limit_failed(l, &a, NULL, NULL, t0 + 202));
	CHECK_INT(2, auth_limit_stat_blocked_ips(l));
	CHECK_INT(0, auth_limit_stat_blocked_users(l));
	CHECK_INT(7, auth_limit_stat_failures(l));
	CHECK_INT(3, auth_limit_stat_rejected(l));
	auth_limit_free(l);
	CHECK_INT(0, shm_live_blocks());
	shm_destroy();
	return 0;
}

static int
t_limit_window(void)
{
	struct auth_limit_cfg cfg = small_cfg();
	struct str a = IP4(10, 0, 0, 1);
	struct auth_limit *l;

	CHECK_INT(0, shm_init(HEAP));
	CHECK_INT(0, auth_limit_new(&l, &cfg));
	/* two failures, then the window (60 s from the first) ends */
	CHECK_INT(0, auth_limit_failed(l, &a, NULL, NULL, 100));
	CHECK_INT(0, auth_limit_failed(l, &a, NULL, NULL, 159));
	CHECK_INT(0, auth_limit_failed(l, &a, NULL, NULL, 160));
	CHECK_INT(0, auth_limit_failed(l, &a, NULL, NULL, 161));
	CHECK_INT(AUTH_LIMIT_PASS, auth_limit_blocked(l, &a, NULL, NULL, 161));
	CHECK_INT(AUTH_LIMIT_NEW_IP, auth_limit_failed(l, &a, NULL, NULL, 162));
	auth_limit_free(l);
	shm_destroy();
	return 0;
}

/* user_max failures against bob from five addresses protect bob: the
 * attacking addresses are refused for bob, clean ones are not, and the
 * attackers are not refused for other users. */
static int
t_limit_user(void)
{
	struct auth_limit_cfg cfg = small_cfg();
	struct str ips[6], clean = IP4(198, 51, 100, 7), bob = STR_LIT("bob"),
	                   carol = STR_LIT("carol"),
	                   realm = STR_LIT("example.com"),
	                   realm2 = STR_LIT("example.org");
	struct auth_limit *l;
	unsigned char raw[6][4];
	int i;

	CHECK_INT(0, shm_init(HEAP));
	CHECK_INT(0, auth_limit_new(&l, &cfg));
	for (i = 0; i < 6; i++) {
		memcpy(raw[i], "\xcb\x00\x71\x00", 4);
		raw[i][3] = (unsigned char)(i + 1);
		ips[i] = (struct str){ (const char *)raw[i], 4 };
	}
	for (i = 0; i < 4; i++)
		CHECK_INT(0, auth_limit_failed(l, &ips[i], &bob, &realm, 10));
	CHECK_INT(AUTH_LIMIT_PASS,
	    auth_limit_blocked(l, &ips[0], &bob, &realm, 10));
	CHECK_INT(AUTH_LIMIT_NEW_USER,
	    auth_limit_failed(l, &ips[4], &bob, &realm, 11));
	CHECK_INT(0, auth_limit_failed(l, &ips[4], &bob, &realm, 12));
	for (i = 0; i < 5; i++)
		CHECK_INT(AUTH_LIMIT_USER,
		    auth_limit_blocked(l, &ips[i], &bob, &realm, 12));
	/* bob's own phone at a clean address goes on */
	CHECK_INT(AUTH_LIMIT_PASS,
	    auth_limit_blocked(l, &clean, &bob, &realm, 12));
	/* a new attacking address gets one guess, then is refused for bob */
	CHECK_INT(AUTH_LIMIT_PASS,
	    auth_limit_blocked(l, &ips[5], &bob, &realm, 13));
	CHECK_INT(0, auth_limit_failed(l, &ips[5], &bob, &realm, 13));
	CHECK_INT(AUTH_LIMIT_USER,
	    auth_limit_blocked(l, &ips[5], &bob, &realm, 13));
	/* the attackers are not refused for carol, nor for bob elsewhere */
	CHECK_INT(AUTH_LIMIT_PASS,
	    auth_limit_blocked(l, &ips[0], &carol, &realm, 13));
	CHECK_INT(AUTH_LIMIT_PASS,
	    auth_limit_blocked(l, &ips[0], &bob, &realm2, 13));
	/* ips[4] failed twice against bob: not yet at ip_max (3) */
	CHECK_INT(AUTH_LIMIT_PASS,
	    auth_limit_blocked(l, &ips[4], NULL, NULL, 13));
	/* the attackers' failures age out of their window (60 s): then
	 * they are clean addresses again, though bob is still protected */
	CHECK_INT(AUTH_LIMIT_PASS,
	    auth_limit_blocked(l, &ips[0], &bob, &realm, 70));
	CHECK_INT(AUTH_LIMIT_USER,
	    auth_limit_blocked(l, &ips[5], &bob, &realm, 70));
	/* protection ends after the cool-down */
	CHECK_INT(0, auth_limit_failed(l, &ips[0], NULL, NULL, 80));
	CHECK_INT(AUTH_LIMIT_USER,
	    auth_limit_blocked(l, &ips[0], &bob, &realm, 110));
	CHECK_INT(AUTH_LIMIT_PASS,
	    auth_limit_blocked(l, &ips[0], &bob, &realm, 111));
	CHECK_INT(1, auth_limit_stat_blocked_users(l));
	CHECK_INT(0, auth_limit_stat_blocked_ips(l));
	auth_limit_free(l);
	shm_destroy();
	return 0;
}

static int
t_limit_ipv6(void)
{
	struct auth_limit_cfg cfg = small_cfg();
	/* 2001:db8:0:1::1, 2001:db8:0:1:ff00::2, 2001:db8:0:2::1 */
	struct str a = { "\x20\x01\x0d\xb8\0\0\0\x01"
		         "\0\0\0\0\0\0\0\x01",
		16 },
	           b = { "\x20\x01\x0d\xb8\0\0\0\x01"
		         "\xff\0\0\0\0\0\0\x02",
		           16 },
	           c = { "\x20\x01\x0d\xb8\0\0\0\x02"
		         "\0\0\0\0\0\0\0\x01",
		           16 },
	           v4 = IP4(192, 0, 2, 9),
	           m4 = { "\0\0\0\0\0\0\0\0\0\0\xff\xff\xc0\x00\x02\x09", 16 };
	struct auth_limit *l;

	CHECK_INT(0, shm_init(HEAP));
	CHECK_INT(0, auth_limit_new(&l, &cfg));
	/* one /64: a and b count together */
	CHECK_INT(0, auth_limit_failed(l, &a, NULL, NULL, 10));
	CHECK_INT(0, auth_limit_failed(l, &b, NULL, NULL, 10));
	CHECK_INT(AUTH_LIMIT_NEW_IP, auth_limit_failed(l, &a, NULL, NULL, 10));
	CHECK_INT(AUTH_LIMIT_IP, auth_limit_blocked(l, &b, NULL, NULL, 10));
	CHECK_INT(AUTH_LIMIT_PASS, auth_limit_blocked(l, &c, NULL, NULL, 10));
	/* IPv4-mapped is IPv4 */
	CHECK_INT(0, auth_limit_failed(l, &v4, NULL, NULL, 10));
	CHECK_INT(0, auth_limit_failed(l, &m4, NULL, NULL, 10));
	CHECK_INT(AUTH_LIMIT_NEW_IP, auth_limit_failed(l, &v4, NULL, NULL, 10));
	CHECK_INT(AUTH_LIMIT_IP, auth_limit_blocked(l, &m4, NULL, NULL, 10));
	auth_limit_free(l);
	/* /128: every address on its own */
	cfg.ip6_prefix = 128;
	CHECK_INT(0, auth_limit_new(&l, &cfg));
	CHECK_INT(0, auth_limit_failed(l, &a, NULL, NULL, 10));
	CHECK_INT(0, auth_limit_failed(l, &b, NULL, NULL, 10));
	CHECK_INT(0, auth_limit_failed(l, &a, NULL, NULL, 10));
	CHECK_INT(AUTH_LIMIT_PASS, auth_limit_blocked(l, &b, NULL, NULL, 10));
	auth_limit_free(l);
	shm_destroy();
	return 0;
}

/* A one-bucket table flooded with fresh addresses forgets counts but keeps
 * a block and never blocks anyone else. */
static int
t_limit_flood(void)
{
	struct auth_limit_cfg cfg = small_cfg();
	struct str victim = IP4(10, 9, 9, 9), x;
	unsigned char raw[4];
	struct auth_limit *l;
	int i;

	cfg.ip_slots = AUTH_LIMIT_WAYS;
	CHECK_INT(0, shm_init(HEAP));
	CHECK_INT(0, auth_limit_new(&l, &cfg));
	for (i = 0; i < 3; i++)
		auth_limit_failed(l, &victim, NULL, NULL, 10);
	CHECK_INT(AUTH_LIMIT_IP,
	    auth_limit_blocked(l, &victim, NULL, NULL, 10));
	for (i = 0; i < 1000; i++) {
		raw[0] = 172;
		raw[1] = 16;
		raw[2] = (unsigned char)(i >> 8);
		raw[3] = (unsigned char)i;
		x = (struct str){ (const char *)raw, 4 };
		CHECK_INT(0, auth_limit_failed(l, &x, NULL, NULL, 11));
		CHECK_INT(AUTH_LIMIT_PASS,
		    auth_limit_blocked(l, &x, NULL, NULL, 11));
	}
	CHECK_INT(AUTH_LIMIT_IP,
	    auth_limit_blocked(l, &victim, NULL, NULL, 11));
	auth_limit_free(l);
	shm_destroy();
	return 0;
}

static int
t_limit_cfg(void)
{
	struct auth_limit_cfg cfg = AUTH_LIMIT_CFG_DEFAULT, bad;
	struct auth_limit *l = NULL;
	int saved, rc;

	CHECK_INT(0, shm_init(HEAP));
	CHECK_INT(0, auth_limit_new(&l, &cfg));
	auth_limit_free(l);
	auth_limit_free(NULL);
	bad = cfg, bad.window = 0;
	CHECK_INT(E_INVAL, auth_limit_new(&l, &bad));
	bad = cfg, bad.cooldown = 0;
	CHECK_INT(E_INVAL, auth_limit_new(&l, &bad));
	bad = cfg, bad.ip_slots = 3000;
	CHECK_INT(E_INVAL, auth_limit_new(&l, &bad));
	bad = cfg, bad.user_slots = 2;
	CHECK_INT(E_INVAL, auth_limit_new(&l, &bad));
	bad = cfg, bad.ip6_prefix = 129;
	CHECK_INT(E_INVAL, auth_limit_new(&l, &bad));
	CHECK_INT(E_INVAL, auth_limit_new(&l, NULL));
	/* limits switched off: counted, never blocked */
	bad = cfg, bad.ip_max = 0, bad.user_max = 0;
	CHECK_INT(0, auth_limit_new(&l, &bad));
	{
		struct str a = IP4(10, 0, 0, 1), u = STR_LIT("u");
		int i;

		for (i = 0; i < 100; i++)
			CHECK_INT(0, auth_limit_failed(l, &a, &u, &u, 5));
		CHECK_INT(AUTH_LIMIT_PASS,
		    auth_limit_blocked(l, &a, &u, &u, 5));
	}
	auth_limit_free(l);
	/* shm exhausted part way: nothing leaks (the allocator's ERROR line
	 * is expected) */
	saved = log_level;
	log_level = L_ALERT - 1;
	shm_fail_after(3);
	rc = auth_limit_new(&l, &cfg);
	shm_fail_after(0);
	log_level = saved;
	CHECK_INT(E_NOMEM, rc);
	CHECK_INT(0, shm_live_blocks());
	shm_destroy();
	return 0;
}

/* clang-format off */
static const struct unit_test tests[] = {
	{ "digest_vectors",        t_digest_vectors },
	{ "digest_auth_int_body",  t_digest_auth_int_body },
	{ "digest_ha1_stored",     t_digest_ha1_stored },
	{ "digest_ha1b_userhash",  t_digest_ha1b_userhash },
	{ "digest_names",          t_digest_names },
	{ "digest_bad_args",       t_digest_bad_args },
	{ "nonce_roundtrip",       t_nonce_roundtrip },
	{ "nonce_expiry",          t_nonce_expiry },
	{ "nonce_bitflip",         t_nonce_bitflip },
	{ "nonce_wrong_context",   t_nonce_wrong_context },
	{ "nonce_garbage",         t_nonce_garbage },
	{ "nonce_secret_file",     t_nonce_secret_file },
	{ "nc_sequence",           t_nc_sequence },
	{ "nc_once",               t_nc_once },
	{ "nc_reuse",              t_nc_reuse },
	{ "nc_parse",              t_nc_parse },
	{ "nc_procs",              t_nc_procs },
	{ "limit_ip",              t_limit_ip },
	{ "limit_window",          t_limit_window },
	{ "limit_user",            t_limit_user },
	{ "limit_ipv6",            t_limit_ipv6 },
	{ "limit_flood",           t_limit_flood },
	{ "limit_cfg",             t_limit_cfg },
	{ NULL, NULL },
};
/* clang-format on */

UNIT_MAIN(tests)
