/* t_hdrparse.c: the registrar's and digest authentication's header
 * parsers: Authorization/Proxy-Authorization, Contact, Expires, Path
 * (and Route/Record-Route through the same code). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/err.h"
#include "../../mem/pkg.h"
#include "../../parser/msg_parser.h"
#include "../../parser/parse_addr.h"
#include "../../parser/parse_auth.h"
#include "../../parser/parse_contact.h"
#include "../../parser/parse_expires.h"
#include "../../parser/parse_param.h"
#include "../../parser/parse_path.h"
#include "unit.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* CHECK_STR that also accepts an empty view with a NULL pointer. */
#define CHECK_STR_E(exp, strp)                                                 \
	do {                                                                   \
		if ((strp)->len == 0)                                          \
			CHECK_INT(strlen(exp), 0);                             \
		else                                                           \
			CHECK_STR((exp), (strp));                              \
	} while (0)

#define REQ "REGISTER sip:example.com SIP/2.0\r\n"

static int
msg_of(const char *s, struct sip_msg *m)
{
	return parse_msg(s, strlen(s), m);
}

/* ---- Authorization */

/* RFC 2617 §3.5, folded as a SIP header would be */
static const char rfc2617_msg[] = REQ
    "Authorization: Digest username=\"Mufasa\",\r\n"
    "                 realm=\"testrealm@host.com\",\r\n"
    "                 nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n"
    "                 uri=\"/dir/index.html\",\r\n"
    "                 qop=auth,\r\n"
    "                 nc=00000001,\r\n"
    "                 cnonce=\"0a4f113b\",\r\n"
    "                 response=\"6629fae49393a05397450978507c4ef1\",\r\n"
    "                 opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"\r\n"
    "\r\n";

static int
t_auth_rfc2617(void)
{
	const struct str realm = STR_LIT("testrealm@host.com");
	const struct hdr_field *hf = NULL;
	struct auth_cred c;
	struct sip_msg m;

	CHECK_INT(0, msg_of(rfc2617_msg, &m));
	CHECK_INT(0, auth_cred_find(&m, HDR_AUTHORIZATION, &realm, &c, &hf));
	CHECK(hf == m.h[HDR_AUTHORIZATION]);
	CHECK_STR("Digest", &c.scheme);
	CHECK_STR("Mufasa", &c.username);
	CHECK_STR("testrealm@host.com", &c.realm);
	CHECK_STR("dcd98b7102dd2f0e8b11d0f600bfb0c093", &c.nonce);
	CHECK_STR("/dir/index.html", &c.uri);
	CHECK_STR("6629fae49393a05397450978507c4ef1", &c.response);
	CHECK_STR("0a4f113b", &c.cnonce);
	CHECK_STR("5ccc069c403ebaf9f0171e9517f40e41", &c.opaque);
	CHECK_STR("auth", &c.qop);
	CHECK_INT(AUTH_QOP_AUTH, c.qop_id);
	CHECK_STR("00000001", &c.nc);
	CHECK_INT(1, c.nc_val);
	CHECK_INT(0, c.algorithm.len);
	CHECK_INT(AUTH_ALG_MD5, c.alg);
	CHECK(!c.userhash);
	CHECK_INT(0, c.present & AUTH_P_ALGORITHM);
	CHECK(c.present & AUTH_P_OPAQUE);
	CHECK_INT(AUTH_FAIL_NONE, c.fail);
	/* no Proxy-Authorization in this message */
	CHECK_INT(E_NOTFOUND,
	    auth_cred_find(&m, HDR_PROXYAUTHORIZATION, &realm, &c, &hf));
	CHECK_INT(AUTH_FAIL_NOT_FOUND, c.fail);
	free_sip_msg(&m);
	return 0;
}

/* RFC 7616 §3.9.1, SHA-256 */
static int
t_auth_rfc7616(void)
{
	const struct str body = STR_LIT(
	    "Digest username=\"Mufasa\",\r\n"
	    "       realm=\"http-auth@example.org\",\r\n"
	    "       uri=\"/dir/index.html\",\r\n"
	    "       algorithm=SHA-256,\r\n"
	    "       nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
	    "       nc=00000001,\r\n"
	    "       cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\",\r\n"
	    "       qop=auth,\r\n"
	    "       response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794"
	    "697cf8db5856cb6c1\",\r\n"
	    "       opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
	/* RFC 7616 §3.4.4: username* in the extended notation */
	const struct str ext = STR_LIT(
	    "Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm=\"r\", "
	    "nonce=\"n\", uri=\"/\", response=\"x\", userhash=false");
	struct auth_cred c;

	CHECK_INT(0, auth_cred_parse(&body, &c));
	CHECK_STR("SHA-256", &c.algorithm);
	CHECK_INT(AUTH_ALG_SHA256, c.alg);
	CHECK_STR("http-auth@example.org", &c.realm);
	CHECK_STR("7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", &c.nonce);
	CHECK_STR("f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", &c.cnonce);
	CHECK_STR("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856"
	          "cb6c1",
	    &c.response);
	CHECK_STR("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", &c.opaque);
	CHECK_INT(1, c.nc_val);

	CHECK_INT(0, auth_cred_parse(&ext, &c));
	CHECK_INT(0, c.username.len);
	CHECK_STR("UTF-8''J%C3%A4s%C3%B8n%20Doe", &c.username_ext);
	CHECK(c.present & AUTH_P_USERHASH);
	CHECK(!c.userhash);
	return 0;
}

#define B_USER "username=\"bob\""
#define B_REST                                                                 \
	"realm=\"example.com\", nonce=\"abc\", uri=\"sip:example.com\""        \
	", response=\"0123456789abcdef0123456789abcdef\""
#define B_ALL B_USER ", " B_REST
#define B_QOP ", qop=auth, cnonce=\"c\", nc=00000001"

/* clang-format off */
static const struct {
	const char *body;
	int rc;
	enum auth_fail why;
	const char *user;       /* expected username view, on success */
} auth_cases[] = {
	{ "Digest " B_ALL,				0, AUTH_FAIL_NONE, "bob" },
	{ "digest " B_ALL,				0, AUTH_FAIL_NONE, "bob" },
	{ "DIGEST\t" B_ALL,				0, AUTH_FAIL_NONE, "bob" },
	{ "  Digest   " B_ALL "  ",			0, AUTH_FAIL_NONE, "bob" },
	{ "Digest " B_ALL B_QOP,			0, AUTH_FAIL_NONE, "bob" },
	/* unquoted tokens */
	{ "Digest username=bob, realm=example.com, nonce=abc, uri=\"/\", "
	  "response=0123, algorithm=MD5",		0, AUTH_FAIL_NONE, "bob" },
	/* LWS and folding around '=' and ',' */
	{ "Digest username = \"bob\" ,\r\n\t" B_REST,	0, AUTH_FAIL_NONE, "bob" },
	{ "Digest\r\n " B_ALL,				0, AUTH_FAIL_NONE, "bob" },
	/* empty list items (#rule) */
	{ "Digest , " B_USER ",,, " B_REST ",",		0, AUTH_FAIL_NONE, "bob" },
	/* case-insensitive names */
	{ "Digest USERNAME=\"bob\", Realm=\"r\", NONCE=\"n\", Uri=\"/\", "
	  "RESPONSE=\"x\"",				0, AUTH_FAIL_NONE, "bob" },
	/* unknown auth-params are skipped, even repeated */
	{ "Digest foo=\"bar\", " B_ALL ", x=y, x=\"z\"", 0, AUTH_FAIL_NONE, "bob" },
	/* SQL in a quoted username: a plain value to us */
	{ "Digest username=\"a'; DROP TABLE subscriber; --\", " B_REST,
	  0, AUTH_FAIL_NONE, "a'; DROP TABLE subscriber; --" },
	{ "Digest username=\"al\\\"ice\", " B_REST,	0, AUTH_FAIL_NONE,
	  "al\\\"ice" },
	{ "Digest username=\"\", " B_REST,		0, AUTH_FAIL_NONE, "" },
	{ "Digest username=\"b,o=b\", " B_REST,		0, AUTH_FAIL_NONE, "b,o=b" },
	{ "Digest username=\"\xc3\xa4\", " B_REST,	0, AUTH_FAIL_NONE,
	  "\xc3\xa4" },
	{ "Digest " B_ALL ", nc=FFFFFFFF, qop=auth, cnonce=c",
	  0, AUTH_FAIL_NONE, "bob" },
	{ "Digest " B_ALL ", userhash=TRUE",		0, AUTH_FAIL_NONE, "bob" },
	{ "Digest " B_ALL ", userhash=\"false\"",	0, AUTH_FAIL_NONE, "bob" },

	/* other schemes: skipped by the caller */
	{ "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",	E_NOTFOUND, AUTH_FAIL_SCHEME, NULL },
	{ "Bearer " B_ALL,			E_NOTFOUND, AUTH_FAIL_SCHEME, NULL },
	{ "Digestx " B_ALL,			E_NOTFOUND, AUTH_FAIL_SCHEME, NULL },
	{ "Digestusername=\"bob\"",		E_NOTFOUND, AUTH_FAIL_SCHEME, NULL },
	{ "",					E_PARSE, AUTH_FAIL_NO_SCHEME, NULL },
	{ "   ",				E_PARSE, AUTH_FAIL_NO_SCHEME, NULL },
	{ "=\"x\"",				E_PARSE, AUTH_FAIL_NO_SCHEME, NULL },
	{ "Digest," B_ALL,			E_PARSE, AUTH_FAIL_SYNTAX, NULL },
	{ "Digest\"x\"",			E_PARSE, AUTH_FAIL_SYNTAX, NULL },

	/* duplicates */
	{ "Digest " B_ALL ", " B_USER,		E_PARSE, AUTH_FAIL_DUP, NULL },
	{ "Digest " B_ALL ", username=\"eve\"",	E_PARSE, AUTH_FAIL_DUP, NULL },
	{ "Digest " B_ALL ", nonce=\"abc\"",	E_PARSE, AUTH_FAIL_DUP, NULL },
	{ "Digest " B_ALL ", Realm=\"x\"",	E_PARSE, AUTH_FAIL_DUP, NULL },
	{ "Digest " B_ALL ", uri=\"/\"",	E_PARSE, AUTH_FAIL_DUP, NULL },
	{ "Digest " B_ALL ", response=\"y\"",	E_PARSE, AUTH_FAIL_DUP, NULL },
	{ "Digest " B_ALL B_QOP ", qop=auth",	E_PARSE, AUTH_FAIL_DUP, NULL },
	{ "Digest " B_ALL B_QOP ", nc=00000002", E_PARSE, AUTH_FAIL_DUP, NULL },
	{ "Digest " B_ALL B_QOP ", cnonce=\"d\"", E_PARSE, AUTH_FAIL_DUP, NULL },
	{ "Digest " B_ALL ", opaque=a, opaque=a", E_PARSE, AUTH_FAIL_DUP, NULL },
	{ "Digest " B_ALL ", algorithm=MD5, algorithm=SHA-256",
						E_PARSE, AUTH_FAIL_DUP, NULL },
	{ "Digest " B_ALL ", userhash=true, userhash=true",
						E_PARSE, AUTH_FAIL_DUP, NULL },

	/* form */
	{ "Digest username=\"bob, " B_REST,	E_PARSE, AUTH_FAIL_JUNK, NULL },
	{ "Digest " B_REST ", username=\"bob",	E_PARSE, AUTH_FAIL_QUOTE, NULL },
	{ "Digest " B_REST ", username=\"bob\\\"", E_PARSE, AUTH_FAIL_QUOTE, NULL },
	{ "Digest " B_REST ", username=\"bob\\", E_PARSE, AUTH_FAIL_QUOTE, NULL },
	{ "Digest username=\"b\x01ob\", " B_REST, E_PARSE, AUTH_FAIL_CHAR, NULL },
	{ "Digest username=\"b\r\n ob\", " B_REST, E_PARSE, AUTH_FAIL_CHAR, NULL },
	{ "Digest username=\"b\\\rob\", " B_REST, E_PARSE, AUTH_FAIL_CHAR, NULL },
	{ "Digest username=\"b\x7f\", " B_REST,	E_PARSE, AUTH_FAIL_CHAR, NULL },
	{ "Digest username=\"bob\" x, " B_REST,	E_PARSE, AUTH_FAIL_JUNK, NULL },
	{ "Digest username=\"bob\"realm=\"r\"",	E_PARSE, AUTH_FAIL_JUNK, NULL },
	{ "Digest username=bob realm=r",	E_PARSE, AUTH_FAIL_JUNK, NULL },
	{ "Digest " B_USER ", uri=sip:a@b",	E_PARSE, AUTH_FAIL_JUNK, NULL },
	{ "Digest " B_ALL ";",			E_PARSE, AUTH_FAIL_JUNK, NULL },
	{ "Digest username",			E_PARSE, AUTH_FAIL_SYNTAX, NULL },
	{ "Digest " B_ALL ", stale",		E_PARSE, AUTH_FAIL_SYNTAX, NULL },
	{ "Digest " B_ALL ", =x",		E_PARSE, AUTH_FAIL_SYNTAX, NULL },
	{ "Digest " B_ALL ", \"x\"=y",		E_PARSE, AUTH_FAIL_SYNTAX, NULL },
	{ "Digest username=, " B_REST,		E_PARSE, AUTH_FAIL_NO_VALUE, NULL },
	{ "Digest " B_REST ", username=",	E_PARSE, AUTH_FAIL_NO_VALUE, NULL },
	{ "Digest " B_REST ", username=<x>",	E_PARSE, AUTH_FAIL_NO_VALUE, NULL },

	/* decoded values */
	{ "Digest " B_ALL ", qop=auth, cnonce=c, nc=0000001",
						E_PARSE, AUTH_FAIL_BAD_NC, NULL },
	{ "Digest " B_ALL ", qop=auth, cnonce=c, nc=000000001",
						E_PARSE, AUTH_FAIL_BAD_NC, NULL },
	{ "Digest " B_ALL ", qop=auth, cnonce=c, nc=0000000g",
						E_PARSE, AUTH_FAIL_BAD_NC, NULL },
	{ "Digest " B_ALL ", qop=auth, cnonce=c, nc=\"\"",
						E_PARSE, AUTH_FAIL_BAD_NC, NULL },
	{ "Digest " B_ALL ", userhash=yes",	E_PARSE, AUTH_FAIL_BAD_USERHASH, NULL },
	{ "Digest " B_ALL ", username*=UTF-8''b", E_PARSE,
	  AUTH_FAIL_USERNAME_BOTH, NULL },

	/* required */
	{ "Digest",				E_PARSE, AUTH_FAIL_NO_USERNAME, NULL },
	{ "Digest ",				E_PARSE, AUTH_FAIL_NO_USERNAME, NULL },
	{ "Digest " B_REST,			E_PARSE, AUTH_FAIL_NO_USERNAME, NULL },
	{ "Digest " B_USER ", nonce=n, uri=\"/\", response=r",
						E_PARSE, AUTH_FAIL_NO_REALM, NULL },
	{ "Digest " B_USER ", realm=r, uri=\"/\", response=r",
						E_PARSE, AUTH_FAIL_NO_NONCE, NULL },
	{ "Digest " B_USER ", realm=r, nonce=n, response=r",
						E_PARSE, AUTH_FAIL_NO_URI, NULL },
	{ "Digest " B_USER ", realm=r, nonce=n, uri=\"/\"",
						E_PARSE, AUTH_FAIL_NO_RESPONSE, NULL },
	{ "Digest " B_ALL ", qop=auth, nc=00000001",
						E_PARSE, AUTH_FAIL_NO_CNONCE, NULL },
	{ "Digest " B_ALL ", qop=auth, cnonce=\"c\"",
						E_PARSE, AUTH_FAIL_NO_NC, NULL },
};
/* clang-format on */

static int
t_auth_cases(void)
{
	struct auth_cred c;
	size_t i;

	for (i = 0; i < NELEM(auth_cases); i++) {
		struct str b = str_from(auth_cases[i].body);
		int rc = auth_cred_parse(&b, &c);

		if (rc != auth_cases[i].rc || c.fail != auth_cases[i].why) {
			printf("auth %zu \"%s\": expected %d/%s got %d/%s\n", i,
			    auth_cases[i].body, auth_cases[i].rc,
			    auth_fail_str(auth_cases[i].why), rc,
			    auth_fail_str(c.fail));
			return 1;
		}
		if (rc == 0)
			CHECK_STR_E(auth_cases[i].user, &c.username);
		CHECK(c.fail_pos <= b.len);
		if (c.fail_param.len != 0)
			CHECK(c.fail_param.s >= b.s &&
			    c.fail_param.s + c.fail_param.len <= b.s + b.len);
	}
	return 0;
}

/* Where a failure is reported, and which parameter it names. */
static int
t_auth_fail_pos(void)
{
	struct str b = STR_LIT("Digest " B_ALL ", nonce=\"x\"");
	struct auth_cred c;

	CHECK_INT(E_PARSE, auth_cred_parse(&b, &c));
	CHECK_INT(AUTH_FAIL_DUP, c.fail);
	CHECK_STR("nonce", &c.fail_param);
	CHECK_INT(strlen("Digest " B_ALL ", "), c.fail_pos);
	b = str_from("Digest username=\"bob\" x");
	CHECK_INT(E_PARSE, auth_cred_parse(&b, &c));
	CHECK_INT(22, c.fail_pos);
	CHECK_STR("username", &c.fail_param);
	b = str_from("Digest " B_ALL ", nc=12");
	CHECK_INT(E_PARSE, auth_cred_parse(&b, &c));
	CHECK_STR("nc", &c.fail_param);
	CHECK_INT(b.len - 2, c.fail_pos);
	return 0;
}

/* A NUL byte cannot be in a C-string table. */
static int
t_auth_nul(void)
{
	static const char s[] = "Digest username=\"a\0b\", " B_REST;
	struct str b = { s, sizeof(s) - 1 };
	struct auth_cred c;

	CHECK_INT(E_PARSE, auth_cred_parse(&b, &c));
	CHECK_INT(AUTH_FAIL_CHAR, c.fail);
	CHECK_INT(18, c.fail_pos);
	/* unquoted: the NUL ends the token, and is then junk */
	b.s = "Digest username=a\0b";
	b.len = 19;
	CHECK_INT(E_PARSE, auth_cred_parse(&b, &c));
	CHECK_INT(AUTH_FAIL_JUNK, c.fail);
	/* a view that is NULL */
	b.s = NULL;
	b.len = 0;
	CHECK_INT(E_PARSE, auth_cred_parse(&b, &c));
	CHECK_INT(AUTH_FAIL_NO_SCHEME, c.fail);
	return 0;
}

/* A value of n bytes, quoted or not, in an otherwise good header. */
static int
auth_with_value(size_t n, bool quoted, struct auth_cred *c)
{
	static char buf[16384];
	size_t off;
	int len;

	len = snprintf(buf, sizeof(buf), "Digest %s, nonce=%s",
	    B_USER ", "
	           "realm=\"r\", uri=\"/\", response=\"x\"",
	    quoted ? "\"" : "");
	off = (size_t)len;
	memset(buf + off, 'a', n);
	off += n;
	if (quoted)
		buf[off++] = '"';
	return auth_cred_parse(&(struct str){ buf, off }, c);
}

static int
t_auth_limits(void)
{
	struct auth_cred c;

	CHECK_INT(0, auth_with_value(AUTH_VALUE_MAX, true, &c));
	CHECK_INT(AUTH_VALUE_MAX, c.nonce.len);
	CHECK_INT(0, auth_with_value(AUTH_VALUE_MAX, false, &c));
	CHECK_INT(AUTH_VALUE_MAX, c.nonce.len);
	CHECK_INT(E_PARSE, auth_with_value(AUTH_VALUE_MAX + 1, true, &c));
	CHECK_INT(AUTH_FAIL_TOO_LONG, c.fail);
	CHECK_INT(E_PARSE, auth_with_value(AUTH_VALUE_MAX + 1, false, &c));
	CHECK_INT(AUTH_FAIL_TOO_LONG, c.fail);
	CHECK_INT(E_PARSE, auth_with_value(10240, true, &c));
	CHECK_INT(AUTH_FAIL_TOO_LONG, c.fail);
	CHECK_STR("nonce", &c.fail_param);
	CHECK_INT(E_PARSE, auth_with_value(10240, false, &c));
	CHECK_INT(AUTH_FAIL_TOO_LONG, c.fail);
	return 0;
}

static int
t_auth_values(void)
{
	/* clang-format off */
	static const struct {
		const char *alg;
		enum auth_alg id;
	} algs[] = {
		{ "MD5", AUTH_ALG_MD5 }, { "md5", AUTH_ALG_MD5 },
		{ "MD5-sess", AUTH_ALG_MD5_SESS },
		{ "\"MD5-SESS\"", AUTH_ALG_MD5_SESS },
		{ "SHA-256", AUTH_ALG_SHA256 },
		{ "sha-256-sess", AUTH_ALG_SHA256_SESS },
		{ "SHA-512-256", AUTH_ALG_SHA512_256 },
		{ "SHA-512-256-sess", AUTH_ALG_SHA512_256_SESS },
		{ "AKAv1-MD5", AUTH_ALG_OTHER }, { "SHA-25", AUTH_ALG_OTHER },
	};
	static const struct {
		const char *qop;
		enum auth_qop id;
	} qops[] = {
		{ "auth", AUTH_QOP_AUTH }, { "AUTH", AUTH_QOP_AUTH },
		{ "\"auth\"", AUTH_QOP_AUTH }, { "auth-int", AUTH_QOP_AUTH_INT },
		{ "auth-conf", AUTH_QOP_OTHER },
	};
	/* clang-format on */
	char buf[512];
	struct auth_cred c;
	size_t i;

	for (i = 0; i < NELEM(algs); i++) {
		snprintf(buf, sizeof(buf), "Digest %s, algorithm=%s", B_ALL,
		    algs[i].alg);
		CHECK_INT(0,
		    auth_cred_parse(&(struct str){ buf, strlen(buf) }, &c));
		CHECK_INT(algs[i].id, c.alg);
		CHECK(c.present & AUTH_P_ALGORITHM);
	}
	CHECK_STR("SHA-25", &c.algorithm); /* unknown: kept as text */
	for (i = 0; i < NELEM(qops); i++) {
		snprintf(buf, sizeof(buf),
		    "Digest %s, qop=%s, cnonce=c, "
		    "nc=0000a0Ff",
		    B_ALL, qops[i].qop);
		CHECK_INT(0,
		    auth_cred_parse(&(struct str){ buf, strlen(buf) }, &c));
		CHECK_INT(qops[i].id, c.qop_id);
		CHECK_INT(0xa0ff, c.nc_val);
	}
	CHECK_STR("auth-conf", &c.qop);
	return 0;
}

static int
t_auth_unescape(void)
{
	struct str v = STR_LIT("al\\\"ice \\\\ x\\y");
	struct str lone = STR_LIT("ab\\");
	char buf[32];

	CHECK_INT(11, auth_unescape(&v, buf, sizeof(buf)));
	CHECK(strcmp(buf, "al\"ice \\ xy") == 0);
	CHECK_INT(E_TOOBIG, auth_unescape(&v, buf, 11));
	CHECK_INT(11, auth_unescape(&v, buf, 12));
	CHECK_INT(E_TOOBIG, auth_unescape(&v, buf, 0));
	CHECK_INT(E_PARSE, auth_unescape(&lone, buf, sizeof(buf)));
	v = STR_NULL;
	CHECK_INT(0, auth_unescape(&v, buf, 1));
	CHECK_INT(0, buf[0]);
	return 0;
}

static int
t_auth_fail_names(void)
{
	int i, j;

	for (i = 0; i < AUTH_FAIL_COUNT; i++) {
		const char *s = auth_fail_str((enum auth_fail)i);

		CHECK(strcmp(s, "unknown auth failure") != 0);
		for (j = 0; j < i; j++)
			CHECK(strcmp(s, auth_fail_str((enum auth_fail)j)) != 0);
	}
	CHECK(strcmp(auth_fail_str(AUTH_FAIL_COUNT), "unknown auth failure") ==
	    0);
	CHECK(strcmp(auth_fail_str((enum auth_fail) - 1),
	          "unknown auth failure") == 0);
	return 0;
}

/* Several credentials: the one for our realm, past other schemes. */
static int
t_auth_find(void)
{
	static const char s[] = REQ
	    "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"
	    "Proxy-Authorization: Digest username=\"a\", realm=\"one.example\","
	    " nonce=\"1\", uri=\"sip:x\", response=\"r1\"\r\n"
	    "Authorization: Digest username=\"z\", realm=\"two.example\", "
	    "nonce=\"9\", uri=\"sip:x\", response=\"r9\"\r\n"
	    "Proxy-Authorization: Digest username=\"b\", realm=\"tw\\o.example\","
	    " nonce=\"2\", uri=\"sip:x\", response=\"r2\"\r\n"
	    "Proxy-Authorization: Digest username=\"c\", username=\"d\", "
	    "realm=\"three.example\", nonce=\"3\", uri=\"sip:x\", "
	    "response=\"r3\"\r\n\r\n";
	const struct str one = STR_LIT("one.example");
	const struct str two = STR_LIT("two.example");
	const struct str upper = STR_LIT("TWO.example");
	const struct str three = STR_LIT("three.example");
	const struct hdr_field *hf = NULL, *h;
	struct auth_cred c;
	struct sip_msg m;

	CHECK_INT(0, msg_of(s, &m));
	h = m.h[HDR_PROXYAUTHORIZATION];
	CHECK_INT(0, auth_cred_find(&m, HDR_PROXYAUTHORIZATION, &one, &c, &hf));
	CHECK(hf == h->next_same);
	CHECK_STR("a", &c.username);
	/* realm="tw\o.example" is two.example once unescaped */
	CHECK_INT(0, auth_cred_find(&m, HDR_PROXYAUTHORIZATION, &two, &c, &hf));
	CHECK(hf == h->next_same->next_same);
	CHECK_STR("b", &c.username);
	CHECK_INT(0, auth_cred_find(&m, HDR_AUTHORIZATION, &two, &c, NULL));
	CHECK_STR("z", &c.username);
	/* the realm is case-sensitive */
	CHECK_INT(E_NOTFOUND,
	    auth_cred_find(&m, HDR_AUTHORIZATION, &upper, &c, NULL));
	/* a broken header before a match fails the search */
	CHECK_INT(E_PARSE,
	    auth_cred_find(&m, HDR_PROXYAUTHORIZATION, &three, &c, &hf));
	CHECK_INT(AUTH_FAIL_DUP, c.fail);
	CHECK(hf == h->next_same->next_same->next_same);
	/* NULL realm: the first Digest credentials */
	CHECK_INT(0,
	    auth_cred_find(&m, HDR_PROXYAUTHORIZATION, NULL, &c, NULL));
	CHECK_STR("a", &c.username);
	CHECK_INT(E_INVAL, auth_cred_find(&m, HDR_CONTACT, &one, &c, NULL));
	free_sip_msg(&m);
	return 0;
}

/* ---- Expires */

static char expires_100[101];

static int
t_expires(void)
{
	/* clang-format off */
	static const struct {
		const char *s;
		int rc;
		uint32_t v;
	} tab[] = {
		{ "0",				0, 0 },
		{ "3600",			0, 3600 },
		{ "3600 ",			0, 3600 },
		{ " \t3600\r\n ",		0, 3600 },
		{ "0000000000000000000000000060", 0, 60 },
		{ "4294967294",			0, 4294967294U },
		{ "4294967295",			0, EXPIRES_MAX },
		{ "4294967296",			0, EXPIRES_MAX },
		{ "1099511627776",		0, EXPIRES_MAX }, /* 2**40 */
		{ "18446744073709551616",	0, EXPIRES_MAX }, /* 2**64 */
		{ "-1",				E_PARSE, 0 },
		{ "",				E_PARSE, 0 },
		{ "  ",				E_PARSE, 0 },
		{ "+1",				E_PARSE, 0 },
		{ "1x",				E_PARSE, 0 },
		{ "1 2",			E_PARSE, 0 },
		{ "0x10",			E_PARSE, 0 },
		{ "1.5",			E_PARSE, 0 },
		{ "\"60\"",			E_PARSE, 0 },
	};
	/* clang-format on */
	struct str s;
	uint32_t v;
	size_t i;

	for (i = 0; i < NELEM(tab); i++) {
		s = str_from(tab[i].s);
		v = 7;
		CHECK_INT(tab[i].rc, expires_parse(&s, &v));
		CHECK_INT(tab[i].rc == 0 ? tab[i].v : 7, v);
	}
	memset(expires_100, '9', 100);
	s = str_from(expires_100);
	CHECK_INT(0, expires_parse(&s, &v));
	CHECK_INT(EXPIRES_MAX, v);
	s = STR_NULL;
	CHECK_INT(E_PARSE, expires_parse(&s, &v));
	return 0;
}

static int
t_expires_msg(void)
{
	struct sip_msg m;
	uint32_t v = 0;

	CHECK_INT(0, msg_of(REQ "Expires: 1099511627776\r\n\r\n", &m));
	CHECK_INT(0, expires_msg_get(&m, &v));
	CHECK_INT(4294967295U, v);
	free_sip_msg(&m);
	CHECK_INT(0, msg_of(REQ "Expires: 7200 \r\n\r\n", &m));
	CHECK_INT(0, expires_msg_get(&m, &v));
	CHECK_INT(7200, v);
	free_sip_msg(&m);
	CHECK_INT(0, msg_of(REQ "Expires: 60\r\nExpires: 60\r\n\r\n", &m));
	CHECK_INT(E_PARSE, expires_msg_get(&m, &v));
	free_sip_msg(&m);
	CHECK_INT(0, msg_of(REQ "Expires: -1\r\n\r\n", &m));
	CHECK_INT(E_PARSE, expires_msg_get(&m, &v));
	free_sip_msg(&m);
	CHECK_INT(0, msg_of(REQ "Expires:\r\n\r\n", &m));
	CHECK_INT(E_PARSE, expires_msg_get(&m, &v));
	free_sip_msg(&m);
	CHECK_INT(0, msg_of(REQ "\r\n", &m));
	CHECK_INT(E_NOTFOUND, expires_msg_get(&m, &v));
	free_sip_msg(&m);
	return 0;
}

/* ---- Contact */

static int
t_qvalue(void)
{
	/* clang-format off */
	static const struct {
		const char *s;
		int rc, q;
	} tab[] = {
		{ "0", 0, 0 }, { "1", 0, 1000 }, { "0.", 0, 0 }, { "1.", 0, 1000 },
		{ "0.5", 0, 500 }, { "0.50", 0, 500 }, { "0.05", 0, 50 },
		{ "0.001", 0, 1 }, { "0.999", 0, 999 }, { "0.123", 0, 123 },
		{ "1.0", 0, 1000 }, { "1.000", 0, 1000 },
		{ "1.001", E_PARSE, 0 }, { "1.1", E_PARSE, 0 },
		{ ".5", E_PARSE, 0 }, { "0.1234", E_PARSE, 0 },
		{ "1.0000", E_PARSE, 0 }, { "01", E_PARSE, 0 },
		{ "00.5", E_PARSE, 0 }, { "2", E_PARSE, 0 },
		{ "", E_PARSE, 0 }, { "+1", E_PARSE, 0 }, { "-0", E_PARSE, 0 },
		{ "0,5", E_PARSE, 0 }, { "0.5x", E_PARSE, 0 },
		{ "0.5 ", E_PARSE, 0 }, { "1e0", E_PARSE, 0 },
		{ "0.a", E_PARSE, 0 },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < NELEM(tab); i++) {
		struct str s = str_from(tab[i].s);
		int q = -7;

		if (contact_q_parse(&s, &q) != tab[i].rc ||
		    (tab[i].rc == 0 && q != tab[i].q)) {
			printf("q \"%s\": expected %d/%d got %d\n", tab[i].s,
			    tab[i].rc, tab[i].q, q);
			return 1;
		}
	}
	return 0;
}

/* RFC 3261 §10.2.1.1 (a REGISTER) and the §20.10 examples, folded. */
static int
t_contact_rfc3261(void)
{
	static const char s[] =
	    "REGISTER sip:registrar.biloxi.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bKnashds7\r\n"
	    "Max-Forwards: 70\r\n"
	    "To: Bob <sip:bob@biloxi.com>\r\n"
	    "From: Bob <sip:bob@biloxi.com>;tag=456248\r\n"
	    "Call-ID: 843817637684230@998sdasdh09\r\n"
	    "CSeq: 1826 REGISTER\r\n"
	    "Contact: <sip:bob@192.0.2.4>\r\n"
	    "Contact: \"Mr. Watson\" <sip:watson@worcester.bell-telephone.com>\r\n"
	    "   ;q=0.7; expires=3600,\r\n"
	    "   \"Mr. Watson\" <mailto:watson@bell-telephone.com> ;q=0.1\r\n"
	    "m: <sips:bob@192.0.2.4>;expires=60\r\n"
	    "Expires: 7200\r\n"
	    "Content-Length: 0\r\n\r\n";
	struct contact_set *set;
	struct contact *c;
	struct sip_msg m;
	uint32_t ex;

	CHECK_INT(0, msg_of(s, &m));
	CHECK_INT(0, parse_msg_check(&m, NULL));
	CHECK_INT(0, contact_set_parse(m.h[HDR_CONTACT], 10, &set, NULL));
	CHECK(!set->star);
	CHECK_INT(4, set->n);
	c = set->first;
	CHECK_STR("<sip:bob@192.0.2.4>", &c->raw);
	CHECK_STR("sip:bob@192.0.2.4", &c->uri);
	CHECK(!c->has_expires && c->q == CONTACT_Q_NONE && !c->has_reg_id);
	CHECK(c->param_lst == NULL && c->params.len == 0);
	c = c->next;
	CHECK_STR("\"Mr. Watson\" <sip:watson@worcester.bell-telephone.com>"
	          "\r\n   ;q=0.7; expires=3600",
	    &c->raw);
	CHECK_STR("\"Mr. Watson\"", &c->display);
	CHECK_STR("sip:watson@worcester.bell-telephone.com", &c->uri);
	CHECK_INT(700, c->q);
	CHECK(c->has_expires);
	CHECK_INT(3600, c->expires);
	c = c->next;
	CHECK_STR("\"Mr. Watson\" <mailto:watson@bell-telephone.com> ;q=0.1",
	    &c->raw);
	CHECK_STR("mailto:watson@bell-telephone.com", &c->uri);
	CHECK_INT(100, c->q);
	c = c->next;
	CHECK_STR("sips:bob@192.0.2.4", &c->uri);
	CHECK_INT(60, c->expires);
	CHECK(c->next == NULL);
	CHECK_INT(0, expires_msg_get(&m, &ex));
	CHECK_INT(7200, ex);
	contact_set_free(set);
	free_sip_msg(&m);
	return 0;
}

/* clang-format off */
static const struct {
	const char *body;       /* one Contact header value */
	int rc;
	size_t n;
	const char *raw1, *uri1; /* first contact, on success */
	const char *err_at;     /* where *err_at points, on E_PARSE */
} contact_cases[] = {
	{ "*", 0, 0, NULL, NULL, NULL },
	{ " * ", 0, 0, NULL, NULL, NULL },
	{ "\"Doe, John\" <sip:j@example.com>, <sip:k@example.com>", 0, 2,
	  "\"Doe, John\" <sip:j@example.com>", "sip:j@example.com", NULL },
	{ "\"a,\\\"b,c\" <sip:j@x>", 0, 1,
	  "\"a,\\\"b,c\" <sip:j@x>", "sip:j@x", NULL },
	{ "<sip:a,b@example.com;x=1,2>;p=\"1,2\",sip:c@d", 0, 2,
	  "<sip:a,b@example.com;x=1,2>;p=\"1,2\"",
	  "sip:a,b@example.com;x=1,2", NULL },
	/* an addr-spec ends at ';': the rest are header params */
	{ "sip:u@h;expires=30;q=0.5", 0, 1, "sip:u@h;expires=30;q=0.5",
	  "sip:u@h", NULL },
	{ "John Doe <sip:j@x>;+sip.instance=\"<urn:uuid:00000000-0000-1000-"
	  "8000-000A95A0E128>\";reg-id=1", 0, 1, NULL, "sip:j@x", NULL },
	{ "<sip:a@b>;EXPIRES=4294967296;Q=1.000", 0, 1, NULL, NULL, NULL },
	{ "<tel:+1234>", 0, 1, "<tel:+1234>", "tel:+1234", NULL },

	{ "*, <sip:a@b>", E_PARSE, 0, NULL, NULL, "<sip:a@b>" },
	{ "<sip:a@b>, *", E_PARSE, 0, NULL, NULL, "*" },
	{ "*,*", E_PARSE, 0, NULL, NULL, "*" },
	{ "*;expires=0", E_PARSE, 0, NULL, NULL, "*;expires=0" },
	{ "", E_PARSE, 0, NULL, NULL, "" },
	{ "<sip:a@b>,", E_PARSE, 0, NULL, NULL, "" },
	{ "<sip:a@b>,,<sip:c@d>", E_PARSE, 0, NULL, NULL, ",<sip:c@d>" },
	{ "<sip:a@b>, bad, <sip:c@d>", E_PARSE, 0, NULL, NULL,
	  "bad, <sip:c@d>" },
	{ "Doe, John <sip:j@x>", E_PARSE, 0, NULL, NULL,
	  "Doe, John <sip:j@x>" },
	{ "\"Doe <sip:j@x>", E_PARSE, 0, NULL, NULL, "\"Doe <sip:j@x>" },
	{ "<sip:j@x", E_PARSE, 0, NULL, NULL, "<sip:j@x" },
	{ "<sip:a@b>;q=1.001", E_PARSE, 0, NULL, NULL, "q=1.001" },
	{ "<sip:a@b>;q=.5", E_PARSE, 0, NULL, NULL, "q=.5" },
	{ "<sip:a@b>;q", E_PARSE, 0, NULL, NULL, "q" },
	{ "<sip:a@b>;q=0.5;q=0.5", E_PARSE, 0, NULL, NULL, "q=0.5" },
	{ "<sip:a@b>;expires=-1", E_PARSE, 0, NULL, NULL, "expires=-1" },
	{ "<sip:a@b>;expires=1x", E_PARSE, 0, NULL, NULL, "expires=1x" },
	{ "<sip:a@b>;expires", E_PARSE, 0, NULL, NULL, "expires" },
	{ "<sip:a@b>;expires=1;Expires=2", E_PARSE, 0, NULL, NULL,
	  "Expires=2" },
	{ "<sip:a@b>;reg-id=0", E_PARSE, 0, NULL, NULL, "reg-id=0" },
	{ "<sip:a@b>;reg-id=2147483648", E_PARSE, 0, NULL, NULL,
	  "reg-id=2147483648" },
	{ "<sip:a@b>;reg-id=1;reg-id=1", E_PARSE, 0, NULL, NULL, "reg-id=1" },
	{ "<sip:a@b>;+sip.instance", E_PARSE, 0, NULL, NULL,
	  "+sip.instance" },
	{ "<sip:a@b>;+sip.instance=\"<a>\";+sip.instance=\"<b>\"", E_PARSE,
	  0, NULL, NULL, "+sip.instance=\"<b>\"" },
};
/* clang-format on */

static int
contact_case(size_t i)
{
	struct hdr_field h = { .type = HDR_CONTACT };
	struct contact_set *set = NULL;
	const char *err_at = NULL;
	int rc;

	h.body = str_from(contact_cases[i].body);
	rc = contact_set_parse(&h, 100, &set, &err_at);
	if (rc != contact_cases[i].rc) {
		printf("contact %zu \"%s\": expected %d got %d\n", i,
		    contact_cases[i].body, contact_cases[i].rc, rc);
		contact_set_free(set);
		return 1;
	}
	if (rc != 0) {
		CHECK(err_at >= h.body.s && err_at <= h.body.s + h.body.len);
		if (contact_cases[i].err_at != NULL)
			CHECK_STR(contact_cases[i].err_at,
			    &((struct str){ err_at,
			        (size_t)(h.body.s + h.body.len - err_at) }));
		return 0;
	}
	CHECK_INT(contact_cases[i].n, set->n);
	CHECK(set->star == (set->n == 0));
	if (contact_cases[i].raw1 != NULL)
		CHECK_STR(contact_cases[i].raw1, &set->first->raw);
	if (contact_cases[i].uri1 != NULL)
		CHECK_STR(contact_cases[i].uri1, &set->first->uri);
	contact_set_free(set);
	return 0;
}

static int
t_contact_cases(void)
{
	size_t i;

	for (i = 0; i < NELEM(contact_cases); i++)
		if (contact_case(i) != 0) {
			printf("contact case %zu\n", i);
			return 1;
		}
	return 0;
}

/* The well-known parameters, decoded. */
static int
t_contact_params(void)
{
	struct hdr_field h = { .type = HDR_CONTACT };
	struct contact_set *set;
	struct contact *c;

	h.body = str_from(
	    "<sip:a@b>;EXPIRES=4294967296;Q=1.000, "
	    "<sip:c@d>;expires=1099511627776;q=0.001;x;y=\"1;2\", "
	    "\"X\" <sip:e@f;transport=tcp>;+sip.instance=\"<urn:uuid:1>\";"
	    "reg-id=2147483647;expires=0");
	CHECK_INT(0, contact_set_parse(&h, 3, &set, NULL));
	CHECK_INT(3, set->n);
	c = set->first;
	CHECK(c->has_expires);
	CHECK_INT(EXPIRES_MAX, c->expires);
	CHECK_INT(1000, c->q);
	c = c->next;
	CHECK_INT(EXPIRES_MAX, c->expires);
	CHECK_INT(1, c->q);
	CHECK_STR("expires=1099511627776;q=0.001;x;y=\"1;2\"", &c->params);
	CHECK_STR("1;2", &param_find(c->param_lst, "y")->body);
	CHECK(param_find(c->param_lst, "x") != NULL);
	c = c->next;
	CHECK_STR("sip:e@f;transport=tcp", &c->uri);
	CHECK_STR("<urn:uuid:1>", &c->instance);
	CHECK(c->has_reg_id);
	CHECK_INT(2147483647, c->reg_id);
	CHECK(c->has_expires);
	CHECK_INT(0, c->expires);
	CHECK_INT(CONTACT_Q_NONE, c->q);
	contact_set_free(set);
	return 0;
}

/* Several lines, '*' on a line of its own, no Contact at all. */
static int
t_contact_lines(void)
{
	struct contact_set *set;
	const char *err_at = NULL;
	struct sip_msg m;

	CHECK_INT(0, msg_of(REQ "Contact: *\r\nExpires: 0\r\n\r\n", &m));
	CHECK_INT(0, contact_set_parse(m.h[HDR_CONTACT], 1, &set, NULL));
	CHECK(set->star && set->n == 0 && set->first == NULL);
	contact_set_free(set);
	free_sip_msg(&m);

	CHECK_INT(0,
	    msg_of(REQ "Contact: <sip:a@b>\r\nContact: *\r\n\r\n", &m));
	CHECK_INT(E_PARSE,
	    contact_set_parse(m.h[HDR_CONTACT], 5, &set, &err_at));
	CHECK(err_at == m.h[HDR_CONTACT]->next_same->body.s);
	free_sip_msg(&m);

	CHECK_INT(0, msg_of(REQ "Contact: *\r\nm: *\r\n\r\n", &m));
	CHECK_INT(E_PARSE, contact_set_parse(m.h[HDR_CONTACT], 5, &set, NULL));
	free_sip_msg(&m);

	CHECK_INT(0,
	    msg_of(REQ "Contact: <sip:a@b>, <sip:c@d>\r\n"
	               "X: y\r\nm: sip:e@f\r\n\r\n",
	        &m));
	CHECK_INT(0, contact_set_parse(m.h[HDR_CONTACT], 3, &set, NULL));
	CHECK_INT(3, set->n);
	CHECK_STR("sip:e@f", &set->first->next->next->uri);
	contact_set_free(set);
	CHECK_INT(E_TOOBIG, contact_set_parse(m.h[HDR_CONTACT], 2, &set, NULL));
	free_sip_msg(&m);

	CHECK_INT(0, contact_set_parse(NULL, 0, &set, NULL));
	CHECK(!set->star && set->n == 0 && set->first == NULL);
	contact_set_free(set);
	contact_set_free(NULL);
	return 0;
}

/* 1000 contacts against a limit: refused before any allocation. */
static int
t_contact_many(void)
{
	struct hdr_field h = { .type = HDR_CONTACT };
	struct contact_set *set;
	size_t i, off = 0, cap = 1000 * 32;
	char *buf;
	int rc;

	CHECK((buf = malloc(cap)) != NULL);
	for (i = 0; i < 1000; i++)
		off += (size_t)snprintf(buf + off, cap - off,
		    "%s<sip:u%zu@h>;q=0.5", i ? ", " : "", i);
	h.body.s = buf;
	h.body.len = off;
	pkg_fail_after(1); /* any allocation would fail */
	rc = contact_set_parse(&h, 999, &set, NULL);
	pkg_fail_after(0);
	CHECK_INT(E_TOOBIG, rc);
	CHECK_INT(E_TOOBIG, contact_set_parse(&h, 0, &set, NULL));
	rc = contact_set_parse(&h, 1000, &set, NULL);
	if (rc == 0) {
		CHECK_INT(1000, set->n);
		contact_set_free(set);
	}
	free(buf);
	CHECK_INT(0, rc);
	return 0;
}

/* ---- Path / Route / Record-Route */

static int
t_path_rfc3327(void)
{
	static const char s[] = REQ
	    "Path: <sip:P3.EXAMPLEHOME.COM;lr>,<sip:P1.EXAMPLEVISITED.COM;lr>\r\n"
	    "Contact: <sip:ue@192.0.2.4>\r\n"
	    "Path: \"Edge, 1\" <sip:[2001:db8::1]:5061;transport=tls;lr>\r\n"
	    "  ;x=\"a,b\"\r\n\r\n";
	struct name_addr *list, *n;
	const char *err_at;
	struct sip_msg m;
	size_t cnt = 0;

	CHECK_INT(0, msg_of(s, &m));
	CHECK_INT(0, path_parse(m.h[HDR_PATH], 10, &list, &cnt, &err_at));
	CHECK_INT(3, cnt);
	n = list;
	CHECK_STR("<sip:P3.EXAMPLEHOME.COM;lr>", &n->raw);
	CHECK_STR("sip:P3.EXAMPLEHOME.COM;lr", &n->uri);
	n = n->next;
	CHECK_STR("sip:P1.EXAMPLEVISITED.COM;lr", &n->uri);
	n = n->next;
	CHECK_STR("\"Edge, 1\" <sip:[2001:db8::1]:5061;transport=tls;lr>\r\n"
	          "  ;x=\"a,b\"",
	    &n->raw);
	CHECK_STR("\"Edge, 1\"", &n->display);
	CHECK_STR("a,b", &param_find(n->param_lst, "x")->body);
	CHECK(n->next == NULL);
	path_free(list);
	CHECK_INT(E_TOOBIG, path_parse(m.h[HDR_PATH], 2, &list, &cnt, NULL));
	free_sip_msg(&m);
	return 0;
}

/* clang-format off */
static const struct {
	const char *body;
	int rc;
	size_t n;
	const char *err_at;
} path_cases[] = {
	{ "<sip:p1;lr>", 0, 1, NULL },
	{ " <sip:p1;lr> ,\r\n <sip:p2;lr> ", 0, 2, NULL },
	{ "Proxy <sip:p1;lr>;ftag=x", 0, 1, NULL },
	{ "sip:p1;lr", E_PARSE, 0, "sip:p1;lr" },
	{ "<sip:p1;lr>, sip:p2", E_PARSE, 0, "sip:p2" },
	{ "", E_PARSE, 0, "" },
	{ "<sip:p1;lr>,", E_PARSE, 0, "" },
	{ ",<sip:p1;lr>", E_PARSE, 0, ",<sip:p1;lr>" },
	{ "<sip:p1;lr> <sip:p2;lr>", E_PARSE, 0, "<sip:p1;lr> <sip:p2;lr>" },
	{ "<sip:p1;lr", E_PARSE, 0, "<sip:p1;lr" },
	{ "<>", E_PARSE, 0, "<>" },
	{ "<sip:p1>;", E_PARSE, 0, "<sip:p1>;" },
};
/* clang-format on */

static int
t_path_cases(void)
{
	size_t i;

	for (i = 0; i < NELEM(path_cases); i++) {
		struct hdr_field h = { .type = HDR_PATH };
		struct name_addr *list = NULL;
		const char *err_at = NULL;
		size_t n = 99;
		int rc;

		h.body = str_from(path_cases[i].body);
		rc = path_parse(&h, 10, &list, &n, &err_at);
		if (rc != path_cases[i].rc) {
			printf("path %zu \"%s\": expected %d got %d\n", i,
			    path_cases[i].body, path_cases[i].rc, rc);
			path_free(list);
			return 1;
		}
		if (rc == 0) {
			CHECK_INT(path_cases[i].n, n);
			path_free(list);
			continue;
		}
		CHECK_STR(path_cases[i].err_at,
		    &((struct str){ err_at,
		        (size_t)(h.body.s + h.body.len - err_at) }));
	}
	return 0;
}

/* The same code reads Route and Record-Route; no header is no list. */
static int
t_path_route(void)
{
	static const char s[] =
	    "SIP/2.0 200 OK\r\n"
	    "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n"
	    "Route: <sip:r1;lr>\r\nRecord-Route: <sip:p3.example.com;lr>\r\n"
	    "Route: <sip:r2;lr>,<sip:r3;lr>\r\n\r\n";
	struct name_addr *list = (struct name_addr *)1;
	struct sip_msg m;
	size_t n = 99;

	CHECK_INT(0, msg_of(s, &m));
	CHECK_INT(0, path_parse(m.h[HDR_RECORDROUTE], 3, &list, &n, NULL));
	CHECK_INT(3, n);
	CHECK_STR("sip:p3.example.com;lr", &list->next->next->uri);
	path_free(list);
	CHECK_INT(0, path_parse(m.h[HDR_ROUTE], 3, &list, NULL, NULL));
	CHECK_STR("<sip:r3;lr>", &list->next->next->raw);
	path_free(list);
	CHECK_INT(0, path_parse(m.h[HDR_PATH], 0, &list, &n, NULL));
	CHECK(list == NULL && n == 0);
	free_sip_msg(&m);
	path_free(NULL);
	return 0;
}

/* Allocation failures at every step: E_NOMEM and nothing left behind. */
static int
t_oom(void)
{
	struct hdr_field h = { .type = HDR_CONTACT };
	long i;

	h.body = str_from("\"A\" <sip:a@b>;q=0.5;expires=60;x=y, sip:c@d;p, "
	                  "<sip:e@f>");
	for (i = 1; i < 30; i++) {
		struct contact_set *set = NULL;
		struct name_addr *list = NULL;
		int rc;

		pkg_fail_after(i);
		rc = contact_set_parse(&h, 3, &set, NULL);
		pkg_fail_after(0);
		CHECK(rc == 0 || rc == E_NOMEM);
		contact_set_free(rc == 0 ? set : NULL);
		pkg_fail_after(i);
		rc = path_parse(&h, 3, &list, NULL, NULL);
		pkg_fail_after(0);
		/* the bare addr-spec makes it E_PARSE once memory suffices */
		CHECK(rc == E_PARSE || rc == E_NOMEM);
		CHECK(rc != 0 || list == NULL);
	}
	return 0;
}

/* clang-format off */
static const struct unit_test tests[] = {
	{ "auth_rfc2617",	t_auth_rfc2617 },
	{ "auth_rfc7616",	t_auth_rfc7616 },
	{ "auth_cases",		t_auth_cases },
	{ "auth_fail_pos",	t_auth_fail_pos },
	{ "auth_nul",		t_auth_nul },
	{ "auth_limits",	t_auth_limits },
	{ "auth_values",	t_auth_values },
	{ "auth_unescape",	t_auth_unescape },
	{ "auth_fail_names",	t_auth_fail_names },
	{ "auth_find",		t_auth_find },
	{ "expires",		t_expires },
	{ "expires_msg",	t_expires_msg },
	{ "qvalue",		t_qvalue },
	{ "contact_rfc3261",	t_contact_rfc3261 },
	{ "contact_cases",	t_contact_cases },
	{ "contact_params",	t_contact_params },
	{ "contact_lines",	t_contact_lines },
	{ "contact_many",	t_contact_many },
	{ "path_rfc3327",	t_path_rfc3327 },
	{ "path_cases",		t_path_cases },
	{ "path_route",		t_path_route },
	{ "oom",		t_oom },
	{ NULL, NULL },
};
/* clang-format on */

UNIT_MAIN(tests)
