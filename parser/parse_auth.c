/* parser/parse_auth.c: Digest credentials (RFC 2617 §3.2.2, RFC 7616
 * §3.4, RFC 3261 §25.1).  See parse_auth.h for what is refused and why.
 *
 * One pass over the body: the scheme, then "name = value" items separated
 * by commas.  Each known name has a row in auth_keys[]: its bit in
 * cred->present (which also catches repeats), where its view goes, and
 * an optional decoder for the values that have a closed form. */
#include <stddef.h>
#include <string.h>

#include "../base/err.h"
#include "msg_parser.h"
#include "parse_auth.h"
#include "parse_util.h"

/* Where the scan is; auth_fail() records failures through it. */
struct auth_scan {
	const char *start, *p, *end;
	struct auth_cred *cred;
};

static int
auth_fail(struct auth_scan *s, enum auth_fail why, const char *at,
    const struct str *param)
{
	s->cred->fail = why;
	s->cred->fail_pos = (size_t)(at - s->start);
	if (param != NULL)
		s->cred->fail_param = *param;
	return why == AUTH_FAIL_SCHEME ? E_NOTFOUND : E_PARSE;
}

/* Control characters may not appear in a quoted string, not even after
 * a backslash (RFC 7230 §3.2.6 narrows RFC 3261's quoted-pair so). */
static bool
auth_is_ctl(char c)
{
	return ((unsigned char)c < 0x20 && c != '\t') || c == 0x7f;
}

/* Quoted string at s->p (which is at '"'): *v gets the inner text. */
static int
auth_quoted(struct auth_scan *s, struct str *v)
{
	const char *p = s->p, *lim = s->end, *q;

	/* no need to look further than the longest value allowed, plus its
	 * closing quote: a 10 KB value costs 1 KB of scanning */
	if ((size_t)(lim - p - 1) > AUTH_VALUE_MAX + 1)
		lim = p + 1 + AUTH_VALUE_MAX + 1;
	for (q = p + 1; q < lim && *q != '"'; q++) {
		if (*q == '\\' && ++q >= lim)
			break;
		if (auth_is_ctl(*q))
			return auth_fail(s, AUTH_FAIL_CHAR, q, NULL);
	}
	if (q >= lim)
		return auth_fail(s,
		    lim < s->end ? AUTH_FAIL_TOO_LONG : AUTH_FAIL_QUOTE, p,
		    NULL);
	v->s = p + 1;
	v->len = (size_t)(q - p - 1);
	s->p = q + 1;
	return 0;
}

/* A value at s->p: quoted-string or token. */
static int
auth_value(struct auth_scan *s, struct str *v)
{
	const char *q;

	if (s->p < s->end && *s->p == '"')
		return auth_quoted(s, v);
	q = pu_skip_token(s->p, s->end);
	if (q == s->p)
		return auth_fail(s, AUTH_FAIL_NO_VALUE, s->p, NULL);
	if ((size_t)(q - s->p) > AUTH_VALUE_MAX)
		return auth_fail(s, AUTH_FAIL_TOO_LONG, s->p, NULL);
	v->s = s->p;
	v->len = (size_t)(q - s->p);
	s->p = q;
	return 0;
}

/* clang-format off */
static const struct {
	const char *name;
	enum auth_alg alg;
} auth_algs[] = {
	{ "MD5",		AUTH_ALG_MD5 },
	{ "MD5-sess",		AUTH_ALG_MD5_SESS },
	{ "SHA-256",		AUTH_ALG_SHA256 },
	{ "SHA-256-sess",	AUTH_ALG_SHA256_SESS },
	{ "SHA-512-256",	AUTH_ALG_SHA512_256 },
	{ "SHA-512-256-sess",	AUTH_ALG_SHA512_256_SESS },
};
/* clang-format on */

static enum auth_fail
auth_dec_alg(struct auth_cred *c, const struct str *v)
{
	size_t i;

	c->alg = AUTH_ALG_OTHER;
	for (i = 0; i < sizeof(auth_algs) / sizeof(auth_algs[0]); i++) {
		if (str_caseeq_c(v, auth_algs[i].name)) {
			c->alg = auth_algs[i].alg;
			break;
		}
	}
	return AUTH_FAIL_NONE;
}

static enum auth_fail
auth_dec_qop(struct auth_cred *c, const struct str *v)
{
	if (str_caseeq_c(v, "auth"))
		c->qop_id = AUTH_QOP_AUTH;
	else if (str_caseeq_c(v, "auth-int"))
		c->qop_id = AUTH_QOP_AUTH_INT;
	else
		c->qop_id = AUTH_QOP_OTHER;
	return AUTH_FAIL_NONE;
}

/* nonce-count = "nc" EQUAL 8LHEX; upper case is taken too, as RFC 7616
 * §3.4 does not care and UAs differ. */
static enum auth_fail
auth_dec_nc(struct auth_cred *c, const struct str *v)
{
	uint32_t n = 0;
	size_t i;

	if (v->len != 8)
		return AUTH_FAIL_BAD_NC;
	for (i = 0; i < 8; i++) {
		char d = v->s[i];

		if (!pu_is_hex(d))
			return AUTH_FAIL_BAD_NC;
		/* OR-ing 0x20 lower-cases the letters A-F */
		d = pu_is_digit(d) ? (char)(d - '0')
		                   : (char)((d | 0x20) - 'a' + 10);
		n = n << 4 | (uint32_t)d;
	}
	c->nc_val = n;
	return AUTH_FAIL_NONE;
}

static enum auth_fail
auth_dec_userhash(struct auth_cred *c, const struct str *v)
{
	if (str_caseeq_c(v, "true"))
		c->userhash = true;
	else if (!str_caseeq_c(v, "false"))
		return AUTH_FAIL_BAD_USERHASH;
	return AUTH_FAIL_NONE;
}

#define AUTH_KEY(name, bit, field, dec)                                        \
	{                                                                      \
		name, bit, offsetof(struct auth_cred, field), dec              \
	}
/* a parameter decoded into its own field, without a view */
#define AUTH_NO_VIEW ((size_t)-1)

/* clang-format off */
static const struct auth_key {
	const char *name;
	unsigned int bit;
	size_t off;             /* of its struct str in struct auth_cred */
	enum auth_fail (*dec)(struct auth_cred *, const struct str *);
} auth_keys[] = {
	AUTH_KEY("username",	AUTH_P_USERNAME,	username,	NULL),
	AUTH_KEY("username*",	AUTH_P_USERNAME_EXT,	username_ext,	NULL),
	AUTH_KEY("realm",	AUTH_P_REALM,		realm,		NULL),
	AUTH_KEY("nonce",	AUTH_P_NONCE,		nonce,		NULL),
	AUTH_KEY("uri",		AUTH_P_URI,		uri,		NULL),
	AUTH_KEY("response",	AUTH_P_RESPONSE,	response,	NULL),
	AUTH_KEY("algorithm",	AUTH_P_ALGORITHM,	algorithm,
	    auth_dec_alg),
	AUTH_KEY("cnonce",	AUTH_P_CNONCE,		cnonce,		NULL),
	AUTH_KEY("opaque",	AUTH_P_OPAQUE,		opaque,		NULL),
	AUTH_KEY("qop",		AUTH_P_QOP,		qop,		auth_dec_qop),
	AUTH_KEY("nc",		AUTH_P_NC,		nc,		auth_dec_nc),
	{ "userhash",		AUTH_P_USERHASH,	AUTH_NO_VIEW,
	    auth_dec_userhash },
};
/* clang-format on */
#undef AUTH_KEY

/* Record name = v; an auth-param we do not know is skipped. */
static int
auth_store(struct auth_scan *s, const struct str *name, const struct str *v)
{
	const struct auth_key *k;
	enum auth_fail why;
	size_t i;

	for (i = 0; i < sizeof(auth_keys) / sizeof(auth_keys[0]); i++)
		if (str_caseeq_c(name, auth_keys[i].name))
			break;
	if (i == sizeof(auth_keys) / sizeof(auth_keys[0]))
		return 0;
	k = &auth_keys[i];
	if ((s->cred->present & k->bit) != 0)
		return auth_fail(s, AUTH_FAIL_DUP, name->s, name);
	s->cred->present |= k->bit;
	if (k->off != AUTH_NO_VIEW)
		*(struct str *)(void *)((char *)s->cred + k->off) = *v;
	if (k->dec != NULL && (why = k->dec(s->cred, v)) != AUTH_FAIL_NONE)
		return auth_fail(s, why, v->s, name);
	return 0;
}

/* One "name LWS = LWS value" at s->p. */
static int
auth_item(struct auth_scan *s)
{
	struct str name, v;
	const char *q;
	int rc;

	q = pu_skip_token(s->p, s->end);
	if (q == s->p)
		return auth_fail(s, AUTH_FAIL_SYNTAX, s->p, NULL);
	name.s = s->p;
	name.len = (size_t)(q - s->p);
	s->p = pu_skip_lws(q, s->end);
	if (s->p >= s->end || *s->p != '=')
		return auth_fail(s, AUTH_FAIL_SYNTAX, name.s, &name);
	s->p = pu_skip_lws(s->p + 1, s->end);
	if ((rc = auth_value(s, &v)) != 0) {
		s->cred->fail_param = name;
		return rc;
	}
	if ((rc = auth_store(s, &name, &v)) != 0)
		return rc;
	s->p = pu_skip_lws(s->p, s->end);
	if (s->p < s->end && *s->p != ',')
		return auth_fail(s, AUTH_FAIL_JUNK, s->p, &name);
	return 0;
}

/* clang-format off */
static const struct {
	unsigned int bit;
	enum auth_fail why;
} auth_required[] = {
	{ AUTH_P_REALM,		AUTH_FAIL_NO_REALM },
	{ AUTH_P_NONCE,		AUTH_FAIL_NO_NONCE },
	{ AUTH_P_URI,		AUTH_FAIL_NO_URI },
	{ AUTH_P_RESPONSE,	AUTH_FAIL_NO_RESPONSE },
};
/* clang-format on */

/* Everything parsed: are the required parameters there?  Reported at
 * the end of the body, where they were looked for last. */
static int
auth_check(struct auth_scan *s)
{
	unsigned int have = s->cred->present;
	size_t i;

	if ((have & AUTH_P_USERNAME) && (have & AUTH_P_USERNAME_EXT))
		return auth_fail(s, AUTH_FAIL_USERNAME_BOTH, s->end, NULL);
	if (!(have & (AUTH_P_USERNAME | AUTH_P_USERNAME_EXT)))
		return auth_fail(s, AUTH_FAIL_NO_USERNAME, s->end, NULL);
	for (i = 0; i < sizeof(auth_required) / sizeof(auth_required[0]); i++)
		if (!(have & auth_required[i].bit))
			return auth_fail(s, auth_required[i].why, s->end, NULL);
	/* RFC 2617 §3.2.2: with qop, cnonce and nc MUST be sent */
	if ((have & AUTH_P_QOP) && !(have & AUTH_P_CNONCE))
		return auth_fail(s, AUTH_FAIL_NO_CNONCE, s->end, NULL);
	if ((have & AUTH_P_QOP) && !(have & AUTH_P_NC))
		return auth_fail(s, AUTH_FAIL_NO_NC, s->end, NULL);
	return 0;
}

int
auth_cred_parse(const struct str *body, struct auth_cred *cred)
{
	struct auth_scan s = { body->s, body->s, body->s + body->len, cred };
	const char *q;
	int rc;

	memset(cred, 0, sizeof(*cred));
	if (body->s == NULL)
		return auth_fail(&s, AUTH_FAIL_NO_SCHEME, s.p, NULL);
	s.p = pu_skip_lws(s.p, s.end);
	q = pu_skip_token(s.p, s.end);
	if (q == s.p)
		return auth_fail(&s, AUTH_FAIL_NO_SCHEME, s.p, NULL);
	cred->scheme.s = s.p;
	cred->scheme.len = (size_t)(q - s.p);
	if (!str_caseeq_c(&cred->scheme, "digest"))
		return auth_fail(&s, AUTH_FAIL_SCHEME, s.p, NULL);
	if (q < s.end && !pu_is_lws(*q))
		return auth_fail(&s, AUTH_FAIL_SYNTAX, q, NULL);
	s.p = q;
	for (;;) {
		s.p = pu_skip_lws(s.p, s.end);
		if (s.p >= s.end)
			break;
		if (*s.p == ',') { /* empty list items are allowed (#rule) */
			s.p++;
			continue;
		}
		if ((rc = auth_item(&s)) != 0)
			return rc;
	}
	return auth_check(&s);
}

/* Next byte of v decoded from [*i]; false at the end or on a lone
 * trailing backslash (*bad then set). */
static bool
auth_unq_next(const struct str *v, size_t *i, char *c, bool *bad)
{
	if (*i >= v->len)
		return false;
	*c = v->s[(*i)++];
	if (*c == '\\') {
		if (*i >= v->len) {
			*bad = true;
			return false;
		}
		*c = v->s[(*i)++];
	}
	return true;
}

ssize_t
auth_unescape(const struct str *v, char *buf, size_t size)
{
	size_t i = 0, n = 0;
	bool bad = false;
	char c;

	while (auth_unq_next(v, &i, &c, &bad)) {
		if (n + 1 >= size)
			return E_TOOBIG;
		buf[n++] = c;
	}
	if (bad)
		return E_PARSE;
	if (size == 0)
		return E_TOOBIG;
	buf[n] = '\0';
	return (ssize_t)n;
}

/* Unescaped raw equals plain, byte for byte. */
static bool
auth_realm_eq(const struct str *raw, const struct str *plain)
{
	size_t i = 0, j = 0;
	bool bad = false;
	char c;

	while (auth_unq_next(raw, &i, &c, &bad))
		if (j >= plain->len || plain->s[j++] != c)
			return false;
	return !bad && j == plain->len;
}

int
auth_cred_find(const struct sip_msg *msg, int type, const struct str *realm,
    struct auth_cred *cred, const struct hdr_field **hf)
{
	const struct hdr_field *h;
	int rc;

	if (type != HDR_AUTHORIZATION && type != HDR_PROXYAUTHORIZATION)
		return E_INVAL;
	for (h = msg->h[type]; h != NULL; h = h->next_same) {
		rc = auth_cred_parse(&h->body, cred);
		if (rc == E_NOTFOUND)
			continue;
		if (rc == 0 && realm != NULL &&
		    !auth_realm_eq(&cred->realm, realm))
			continue;
		if (hf != NULL)
			*hf = h;
		return rc;
	}
	memset(cred, 0, sizeof(*cred));
	cred->fail = AUTH_FAIL_NOT_FOUND;
	return E_NOTFOUND;
}

/* clang-format off */
static const char *const auth_fail_names[AUTH_FAIL_COUNT] = {
	[AUTH_FAIL_NONE]		= "no error",
	[AUTH_FAIL_NO_SCHEME]		= "no auth scheme",
	[AUTH_FAIL_SCHEME]		= "not Digest",
	[AUTH_FAIL_SYNTAX]		= "parameter not of the form name=value",
	[AUTH_FAIL_NO_VALUE]		= "parameter without a value",
	[AUTH_FAIL_QUOTE]		= "unterminated quoted string",
	[AUTH_FAIL_CHAR]		= "control character in a quoted string",
	[AUTH_FAIL_TOO_LONG]		= "value too long",
	[AUTH_FAIL_JUNK]		= "garbage after a value",
	[AUTH_FAIL_DUP]			= "parameter given twice",
	[AUTH_FAIL_BAD_NC]		= "nc is not 8 hex digits",
	[AUTH_FAIL_BAD_USERHASH]	= "userhash is not true or false",
	[AUTH_FAIL_USERNAME_BOTH]	= "both username and username*",
	[AUTH_FAIL_NO_USERNAME]		= "no username",
	[AUTH_FAIL_NO_REALM]		= "no realm",
	[AUTH_FAIL_NO_NONCE]		= "no nonce",
	[AUTH_FAIL_NO_URI]		= "no uri",
	[AUTH_FAIL_NO_RESPONSE]		= "no response",
	[AUTH_FAIL_NO_CNONCE]		= "qop without cnonce",
	[AUTH_FAIL_NO_NC]		= "qop without nc",
	[AUTH_FAIL_NOT_FOUND]		= "no credentials for the realm",
};
/* clang-format on */

const char *
auth_fail_str(enum auth_fail why)
{
	if ((unsigned int)why >= AUTH_FAIL_COUNT ||
	    auth_fail_names[why] == NULL)
		return "unknown auth failure";
	return auth_fail_names[why];
}
