/* auth_check.c: the digest rules for one request (see auth_check.h and
 * doc/auth.md, "How a request is checked"). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../api/sr_api.h"
#include "auth_check.h"
#include "nonce.h"

static int
done(struct auth_outcome *o, int rc, const char *why)
{
	o->rc = rc;
	o->why = why;
	return rc;
}

static int
reply(struct auth_outcome *o, int code, const char *reason, const char *why)
{
	o->reply_code = code;
	o->reply_reason = reason;
	return done(o, AUTH_RC_REPLIED, why);
}

/* The source address as the bytes nonces and the limiter use. */
static struct str
src_bytes(const struct sip_msg *msg)
{
	const struct ip_addr *ip = &msg->rcv.src_ip;

	if (ip->len != 4 && ip->len != 16)
		return STR_NULL;
	return (struct str){ (const char *)ip->u.b, ip->len };
}

/* RFC 2617 §3.2.2.5: the digest-uri must name the Request-URI.  Equal
 * bytes, or the same scheme, user, host (any case) and port: some
 * clients change the case of the host or drop a default port.  The
 * received R-URI counts, not one the script rewrote. */
static bool
uri_matches(const struct str *given, const struct str *ruri)
{
	struct sip_uri a, b;

	if (str_eq(given, ruri))
		return true;
	if (parse_uri(given->s, given->len, &a) != 0 ||
	    parse_uri(ruri->s, ruri->len, &b) != 0)
		return false;
	return a.type == b.type && str_eq(&a.user, &b.user) &&
	    str_caseeq(&a.host, &b.host) && uri_port(&a) == uri_port(&b);
}

/* May the qop the client used answer a nonce that offered `offered`?
 * Using less than was offered (no qop, so no nonce count, to a nonce
 * that asked for one) is a downgrade and refused; qop where none was
 * offered only adds protection and is accepted. */
static bool
qop_allowed(enum auth_qop used, unsigned offered)
{
	switch (used) {
	case AUTH_QOP_NONE:
		return offered == 0;
	case AUTH_QOP_AUTH:
		return offered == 0 || (offered & NONCE_F_QOP_AUTH);
	case AUTH_QOP_AUTH_INT:
		return offered == 0 || (offered & NONCE_F_QOP_AUTH_INT);
	default:
		return false;
	}
}

/* Fill o->q from the parsed credentials: the unescaped username split at
 * its first '@'.  false when there is no usable username. */
static bool
identity_fill(struct auth_outcome *o, const struct auth_cred *c,
    const struct str *realm)
{
	ssize_t n = auth_unescape(&c->username, o->ubuf, sizeof(o->ubuf));
	const char *at;

	if (n <= 0 || c->userhash)
		return false;
	o->q.username = (struct str){ o->ubuf, (size_t)n };
	o->q.realm = *realm;
	at = memchr(o->ubuf, '@', (size_t)n);
	if (at != NULL) {
		o->q.at = true;
		o->q.user = (struct str){ o->ubuf, (size_t)(at - o->ubuf) };
		o->q.domain = (struct str){ at + 1,
			(size_t)(o->ubuf + n - at - 1) };
	} else {
		o->q.user = o->q.username;
		o->q.domain = *realm;
	}
	o->have_user = true;
	return true;
}

/* A wrong response, or an unknown user (answered the same way): counted
 * by the limiter when the source is known to be real. */
static int
failed(const struct auth_check_cfg *cfg, const struct sip_msg *msg,
    struct auth_outcome *o, int rc, const char *why, time_t now)
{
	struct str ip = src_bytes(msg);

	o->log_failure = true;
	/* over UDP only a nonce bound to the address proves the sender
	 * got our challenge there: otherwise a spoofer could get a
	 * victim's address blocked */
	if (cfg->limit != NULL &&
	    (cfg->bind_ip || msg->rcv.proto != PROTO_UDP)) {
		o->counted = true;
		o->new_blocks = auth_limit_failed(cfg->limit, &ip,
		    &o->q.username, &o->q.realm, now);
	}
	return done(o, rc, why);
}

/* The response against the HA1 from lookup (a dummy one for an unknown
 * user, so that both cost the same hashing). */
static int
check_response(const struct auth_check_cfg *cfg, struct sip_msg *msg,
    const struct auth_cred *c, auth_ha1_fn lookup, void *arg, time_t now,
    struct auth_outcome *o)
{
	struct digest_cred dc = {
		.alg = (enum digest_alg)c->alg,
		.qop = c->qop_id == AUTH_QOP_AUTH_INT ? DIGEST_QOP_AUTH_INT
		    : c->qop_id == AUTH_QOP_AUTH      ? DIGEST_QOP_AUTH
		                                      : DIGEST_QOP_NONE,
		.nonce = c->nonce,
		.cnonce = c->cnonce,
		.nc = c->nc,
		.uri = c->uri,
		.response = c->response,
	};
	char ha1[DIGEST_HEX_SIZE];
	bool ok = false, known = true;
	int rc;

	o->q.alg = dc.alg;
	rc = lookup(msg, &o->q, ha1, arg);
	if (rc == E_NOTFOUND) {
		known = false;
		memset(ha1, '0', digest_alg_hex_len(dc.alg));
		ha1[digest_alg_hex_len(dc.alg)] = '\0';
	} else if (rc != 0) {
		return done(o, AUTH_RC_ERROR, "lookup-failed");
	}
	rc = digest_verify(&dc, &msg->first.method, &msg->body, ha1, &ok);
	explicit_bzero(ha1, sizeof(ha1));
	if (rc != 0)
		return done(o, AUTH_RC_ERROR, "digest-failed");
	if (!known)
		return failed(cfg, msg, o, AUTH_RC_USER_UNKNOWN, "unknown-user",
		    now);
	if (!ok)
		return failed(cfg, msg, o, AUTH_RC_INVALID_PASSWORD,
		    "wrong-password", now);
	return 0;
}

/* After a right response: the nonce count (or the one use of a nonce
 * without qop) must be new. */
static int
check_count(const struct auth_check_cfg *cfg, const struct auth_cred *c,
    uint32_t index, struct auth_outcome *o)
{
	enum nc_result r;

	if (cfg->nc == NULL)
		return 0;
	if (c->qop_id != AUTH_QOP_NONE)
		r = nc_check(cfg->nc, index, c->nc_val);
	else if (cfg->one_time_nonce)
		r = nc_use_once(cfg->nc, index);
	else
		return 0;
	if (r == NC_REPLAY) {
		/* a capture replayed, or a UDP retransmission of a request we
		 * answered (its reply lost): both get a fresh nonce with
		 * stale=true, on which a real client retries without asking
		 * its user (baresip takes a 401 without it for a wrong
		 * password); the replay gains nothing */
		o->log_failure = true;
		o->stale = true;
		return done(o, AUTH_RC_NONCE_REUSED, "replay");
	}
	if (r == NC_UNKNOWN) {
		o->stale = true;
		return done(o, AUTH_RC_STALE_NONCE, "nonce-slot-reused");
	}
	return 0;
}

int
auth_check(const struct auth_check_cfg *cfg, struct sip_msg *msg, int hftype,
    const struct str *realm, auth_ha1_fn lookup, void *arg, time_t now,
    struct auth_outcome *o)
{
	struct auth_cred c;
	const struct hdr_field *hf = NULL;
	struct str ip = src_bytes(msg), bind = cfg->bind_ip ? ip : STR_NULL;
	uint32_t index = 0;
	uint16_t flags = 0;
	int rc;

	memset(o, 0, sizeof(*o));
	rc = auth_cred_find(msg, hftype, realm, &c, &hf);
	if (rc == E_NOTFOUND)
		return done(o, AUTH_RC_NO_CREDENTIALS, NULL);
	if (rc != 0) {
		/* duplicated parameters, over-long values, bad quoting: no
		 * guessing at what a broken header meant */
		o->hf = hf;
		return reply(o, 400, "Bad Request", auth_fail_str(c.fail));
	}
	o->hf = hf;
	if (!identity_fill(o, &c, realm))
		return done(o, AUTH_RC_NO_CREDENTIALS, "no-username");
	switch (cfg->limit != NULL ? auth_limit_blocked(cfg->limit, &ip,
	                                 &o->q.username, realm, now)
	                           : AUTH_LIMIT_PASS) {
	case AUTH_LIMIT_PASS:
		break;
	case AUTH_LIMIT_IP:
		return reply(o, 403, "Forbidden", "blocked-ip");
	case AUTH_LIMIT_USER:
		return reply(o, 403, "Forbidden", "blocked-user");
	}
	if (!uri_matches(&c.uri, &msg->first.uri))
		return reply(o, 400, "Bad Request", "uri-mismatch");
	switch (nonce_check(&c.nonce, realm, &bind, now, &index, &flags)) {
	case NONCE_OK:
		break;
	case NONCE_STALE:
		/* always stale=true, right response or not: the client
		 * retries on a fresh nonce, and a guess on an expired nonce
		 * learns nothing and costs no lookup */
		o->stale = true;
		return done(o, AUTH_RC_STALE_NONCE, "stale-nonce");
	default:
		return done(o, AUTH_RC_NO_CREDENTIALS, "bad-nonce");
	}
	if (c.alg == AUTH_ALG_OTHER ||
	    (unsigned)c.alg != (flags & NONCE_F_ALG_MASK))
		return done(o, AUTH_RC_NO_CREDENTIALS, "algorithm-mismatch");
	if (!qop_allowed(c.qop_id,
	        flags & (NONCE_F_QOP_AUTH | NONCE_F_QOP_AUTH_INT)))
		return done(o, AUTH_RC_NO_CREDENTIALS, "qop-mismatch");
	if ((rc = check_response(cfg, msg, &c, lookup, arg, now, o)) != 0)
		return rc;
	if ((rc = check_count(cfg, &c, index, o)) != 0)
		return rc;
	return done(o, AUTH_RC_AUTHORIZED, NULL);
}

/* Append s to *p (bounded by end), '"' and '\\' escaped. */
static int
put_quoted(char **p, const char *end, const struct str *s)
{
	size_t i;

	for (i = 0; i < s->len; i++) {
		unsigned char ch = (unsigned char)s->s[i];

		if (ch < 0x20 || ch == 0x7f)
			return E_INVAL;
		if (end - *p < 2)
			return E_TOOBIG;
		if (ch == '"' || ch == '\\')
			*(*p)++ = '\\';
		*(*p)++ = (char)ch;
	}
	return 0;
}

static int
put(char **p, const char *end, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(end - *p) < n)
		return E_TOOBIG;
	memcpy(*p, s, n);
	*p += n;
	return 0;
}

static const char *
qop_value(unsigned qop)
{
	if ((qop & NONCE_F_QOP_AUTH) && (qop & NONCE_F_QOP_AUTH_INT))
		return ", qop=\"auth,auth-int\"";
	if (qop & NONCE_F_QOP_AUTH_INT)
		return ", qop=\"auth-int\"";
	if (qop & NONCE_F_QOP_AUTH)
		return ", qop=\"auth\"";
	return "";
}

long
auth_challenge_build(const struct auth_check_cfg *cfg,
    const struct sip_msg *msg, bool www, const struct str *realm, unsigned qop,
    bool stale, time_t now, char *buf, size_t size)
{
	struct str ip = src_bytes(msg), bind = cfg->bind_ip ? ip : STR_NULL;
	char nonce[NONCE_SIZE], *p = buf;
	const char *end = buf + size;
	int i, rc;

	if (realm->len > AUTH_REALM_MAX)
		return E_INVAL;
	qop &= NONCE_F_QOP_AUTH | NONCE_F_QOP_AUTH_INT;
	for (i = 0; i < cfg->n_algs; i++) {
		uint32_t index = cfg->nc != NULL ? nc_index_new(cfg->nc) : 0;
		uint16_t flags = (uint16_t)((unsigned)cfg->algs[i] | qop);

		rc = nonce_make(nonce, sizeof(nonce), realm, &bind,
		    now + cfg->nonce_expire, index, flags);
		if (rc != 0)
			return rc;
		if ((rc = put(&p, end,
		         www ? "WWW-Authenticate: Digest realm=\""
		             : "Proxy-Authenticate: Digest realm=\"")) != 0 ||
		    (rc = put_quoted(&p, end, realm)) != 0 ||
		    (rc = put(&p, end, "\", nonce=\"")) != 0 ||
		    (rc = put(&p, end, nonce)) != 0 ||
		    (rc = put(&p, end, "\", algorithm=")) != 0 ||
		    (rc = put(&p, end, digest_alg_name(cfg->algs[i]))) != 0 ||
		    (rc = put(&p, end, qop_value(qop))) != 0 ||
		    (stale && (rc = put(&p, end, ", stale=true")) != 0) ||
		    (rc = put(&p, end, "\r\n")) != 0)
			return rc;
	}
	return (long)(p - buf);
}

int
auth_default_realm(struct sip_msg *msg, bool www, struct str *out)
{
	struct hdr_field *h = msg->h[www ? HDR_TO : HDR_FROM];
	const struct to_body *tb;
	struct sip_uri u;

	if (h == NULL || parse_to_hf(h) != 0 || (tb = h->parsed) == NULL ||
	    parse_uri(tb->uri.s, tb->uri.len, &u) != 0 || u.host.len == 0)
		return E_PARSE;
	*out = u.host;
	return 0;
}

int
auth_qop_arg(const char *s, unsigned *out)
{
	static const struct {
		const char *word;
		unsigned bits;
	} words[] = {
		{ "", 0 },
		{ "0", 0 },
		{ "auth", NONCE_F_QOP_AUTH },
		{ "1", NONCE_F_QOP_AUTH },
		{ "auth-int", NONCE_F_QOP_AUTH_INT },
		{ "2", NONCE_F_QOP_AUTH_INT },
		{ "auth,auth-int", NONCE_F_QOP_AUTH | NONCE_F_QOP_AUTH_INT },
		{ "3", NONCE_F_QOP_AUTH | NONCE_F_QOP_AUTH_INT },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(s, words[i].word) == 0) {
			*out = words[i].bits;
			return 0;
		}
	return E_INVAL;
}

int
auth_algs_parse(const char *s, enum digest_alg *algs, int *n)
{
	const char *p = s;
	int k = 0, j;

	for (;;) {
		const char *e = strchr(p, ',');
		struct str w = { p, e != NULL ? (size_t)(e - p) : strlen(p) };
		enum digest_alg a;

		while (w.len && (w.s[0] == ' ' || w.s[0] == '\t')) {
			w.s++;
			w.len--;
		}
		while (
		    w.len && (w.s[w.len - 1] == ' ' || w.s[w.len - 1] == '\t'))
			w.len--;
		if (k == AUTH_ALGS_MAX || digest_alg_parse(&w, &a) != 0)
			return E_INVAL;
		for (j = 0; j < k; j++)
			if (algs[j] == a)
				return E_INVAL;
		algs[k++] = a;
		if (e == NULL)
			break;
		p = e + 1;
	}
	*n = k;
	return 0;
}

size_t
auth_log_escape(const struct str *s, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = 0;

	if (size == 0)
		return 0;
	for (i = 0; i < s->len; i++) {
		unsigned char ch = (unsigned char)s->s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') {
			if (n + 1 >= size)
				break;
			buf[n++] = (char)ch;
		} else {
			if (n + 4 >= size)
				break;
			buf[n++] = '\\';
			buf[n++] = 'x';
			buf[n++] = hex[ch >> 4];
			buf[n++] = hex[ch & 15];
		}
	}
	buf[n] = '\0';
	return n;
}
