/* parser/msg_parser.c: first line, header splitting, body framing and the
 * checks every proxied message needs (RFC 3261 §7, §18.3, §25).
 *
 * Lines end in CRLF or a bare LF.  A line that starts with SP or HTAB
 * continues the previous header (folding); the folded bytes stay inside
 * hdr->body as written, and the lazy parsers treat CR/LF as LWS. */
#include <limits.h>
#include <string.h>

#include "../base/err.h"
#include "../mem/pkg.h"
#include "msg_parser.h"
#include "parse_addr.h"
#include "parse_util.h"
#include "parse_via.h"

/* clang-format off */
#define ENTRY(name, val) { name, sizeof(name) - 1, val }

static const struct {
	const char *name;
	size_t len;
	enum method_id id;
} method_tab[] = {
	ENTRY("INVITE",			METHOD_INVITE),
	ENTRY("CANCEL",			METHOD_CANCEL),
	ENTRY("ACK",			METHOD_ACK),
	ENTRY("BYE",			METHOD_BYE),
	ENTRY("INFO",			METHOD_INFO),
	ENTRY("REGISTER",		METHOD_REGISTER),
	ENTRY("SUBSCRIBE",		METHOD_SUBSCRIBE),
	ENTRY("NOTIFY",			METHOD_NOTIFY),
	ENTRY("MESSAGE",		METHOD_MESSAGE),
	ENTRY("OPTIONS",		METHOD_OPTIONS),
	ENTRY("PRACK",			METHOD_PRACK),
	ENTRY("UPDATE",			METHOD_UPDATE),
	ENTRY("REFER",			METHOD_REFER),
	ENTRY("PUBLISH",		METHOD_PUBLISH),
};

/* Long and compact (RFC 3261 §7.3.3, RFC 3265, RFC 3515) names, one
 * list per (lower-cased) first letter, each ended by a NULL name, so that
 * a lookup compares against a handful of names rather than all of them. */
struct hdr_name {
	const char *name;
	size_t len;
	enum hdr_type type;
};

static const struct hdr_name hdr_a[] = {
	ENTRY("Allow",			HDR_ALLOW),
	ENTRY("Authorization",		HDR_AUTHORIZATION),
	ENTRY("Accept",			HDR_ACCEPT),
	ENTRY("Alert-Info",		HDR_ALERTINFO),
	{ NULL, 0, HDR_OTHER },
};

static const struct hdr_name hdr_c[] = {
	ENTRY("CSeq",			HDR_CSEQ),
	ENTRY("Call-ID",		HDR_CALLID),
	ENTRY("Contact",		HDR_CONTACT),
	ENTRY("Content-Length",		HDR_CONTENTLENGTH),
	ENTRY("Content-Type",		HDR_CONTENTTYPE),
	ENTRY("c",			HDR_CONTENTTYPE),
	ENTRY("Content-Encoding",	HDR_CONTENTENCODING),
	{ NULL, 0, HDR_OTHER },
};

static const struct hdr_name hdr_d[] = {
	ENTRY("Date",			HDR_DATE),
	{ NULL, 0, HDR_OTHER },
};

static const struct hdr_name hdr_e[] = {
	ENTRY("Expires",		HDR_EXPIRES),
	ENTRY("Event",			HDR_EVENT),
	ENTRY("e",			HDR_CONTENTENCODING),
	{ NULL, 0, HDR_OTHER },
};

static const struct hdr_name hdr_f[] = {
	ENTRY("From",			HDR_FROM),
	ENTRY("f",			HDR_FROM),
	{ NULL, 0, HDR_OTHER },
};

static const struct hdr_name hdr_i[] = {
	ENTRY("i",			HDR_CALLID),
	{ NULL, 0, HDR_OTHER },
};

static const struct hdr_name hdr_k[] = {
	ENTRY("k",			HDR_SUPPORTED),
	{ NULL, 0, HDR_OTHER },
};

static const struct hdr_name hdr_l[] = {
	ENTRY("l",			HDR_CONTENTLENGTH),
	{ NULL, 0, HDR_OTHER },
};

static const struct hdr_name hdr_m[] = {
	ENTRY("m",			HDR_CONTACT),
	ENTRY("Max-Forwards",		HDR_MAXFORWARDS),
	{ NULL, 0, HDR_OTHER },
};

static const struct hdr_name hdr_o[] = {
	ENTRY("o",			HDR_EVENT),
	{ NULL, 0, HDR_OTHER },
};

static const struct hdr_name hdr_p[] = {
	ENTRY("Proxy-Require",		HDR_PROXYREQUIRE),
	ENTRY("Proxy-Authorization",	HDR_PROXYAUTHORIZATION),
	ENTRY("Proxy-Authenticate",	HDR_PROXYAUTHENTICATE),
	ENTRY("Path",			HDR_PATH),
	{ NULL, 0, HDR_OTHER },
};

static const struct hdr_name hdr_r[] = {
	ENTRY("Route",			HDR_ROUTE),
	ENTRY("Record-Route",		HDR_RECORDROUTE),
	ENTRY("Require",		HDR_REQUIRE),
	ENTRY("Refer-To",		HDR_REFERTO),
	ENTRY("r",			HDR_REFERTO),
	{ NULL, 0, HDR_OTHER },
};

static const struct hdr_name hdr_s[] = {
	ENTRY("Server",			HDR_SERVER),
	ENTRY("Supported",		HDR_SUPPORTED),
	ENTRY("Subject",		HDR_SUBJECT),
	ENTRY("s",			HDR_SUBJECT),
	{ NULL, 0, HDR_OTHER },
};

static const struct hdr_name hdr_t[] = {
	ENTRY("To",			HDR_TO),
	ENTRY("t",			HDR_TO),
	{ NULL, 0, HDR_OTHER },
};

static const struct hdr_name hdr_u[] = {
	ENTRY("User-Agent",		HDR_USERAGENT),
	ENTRY("Unsupported",		HDR_UNSUPPORTED),
	{ NULL, 0, HDR_OTHER },
};

static const struct hdr_name hdr_v[] = {
	ENTRY("Via",			HDR_VIA),
	ENTRY("v",			HDR_VIA),
	{ NULL, 0, HDR_OTHER },
};

static const struct hdr_name hdr_w[] = {
	ENTRY("WWW-Authenticate",	HDR_WWWAUTHENTICATE),
	{ NULL, 0, HDR_OTHER },
};

static const struct hdr_name *const hdr_by_letter[26] = {
	['a' - 'a'] = hdr_a,
	['c' - 'a'] = hdr_c,
	['d' - 'a'] = hdr_d,
	['e' - 'a'] = hdr_e,
	['f' - 'a'] = hdr_f,
	['i' - 'a'] = hdr_i,
	['k' - 'a'] = hdr_k,
	['l' - 'a'] = hdr_l,
	['m' - 'a'] = hdr_m,
	['o' - 'a'] = hdr_o,
	['p' - 'a'] = hdr_p,
	['r' - 'a'] = hdr_r,
	['s' - 'a'] = hdr_s,
	['t' - 'a'] = hdr_t,
	['u' - 'a'] = hdr_u,
	['v' - 'a'] = hdr_v,
	['w' - 'a'] = hdr_w,
};
#undef ENTRY
/* clang-format on */

enum method_id
method_id_of(const struct str *m)
{
	size_t i;

	for (i = 0; i < sizeof(method_tab) / sizeof(method_tab[0]); i++)
		if (m->len == method_tab[i].len &&
		    memcmp(m->s, method_tab[i].name, m->len) == 0)
			return method_tab[i].id;
	return METHOD_OTHER;
}

/* Case-insensitive equality of a name with a table name, which holds
 * only letters and '-': OR-ing 0x20 folds exactly the letters (it would
 * also turn CR into '-', hence the exact test there).  Cheaper than
 * strncasecmp: no locale, no call. */
static bool
name_caseeq(const char *a, const char *tab, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != tab[i] &&
		    (tab[i] == '-' || (a[i] | 0x20) != (tab[i] | 0x20)))
			return false;
	return true;
}

/* Called for every header of every message: only the names with the
 * same first letter are candidates.  OR-ing 0x20 maps exactly 'A'-'Z'
 * and 'a'-'z' into 'a'-'z' (the byte is taken unsigned, so nothing
 * else lands there). */
enum hdr_type
hdr_type_of(const struct str *name)
{
	const struct hdr_name *e;
	unsigned int c;

	if (name->len == 0)
		return HDR_OTHER;
	c = (unsigned char)name->s[0] | 0x20;
	if (c < 'a' || c > 'z' || (e = hdr_by_letter[c - 'a']) == NULL)
		return HDR_OTHER;
	for (; e->name != NULL; e++)
		if (e->len == name->len &&
		    name_caseeq(name->s, e->name, name->len))
			return e->type;
	return HDR_OTHER;
}

/* End of the physical line starting at p: *eol gets the position of CR
 * or LF, the return value the position after the line break (end when the
 * buffer ends without one). */
static const char *
line_end(const char *p, const char *end, const char **eol)
{
	const char *lf = memchr(p, '\n', (size_t)(end - p));

	if (lf == NULL) {
		*eol = end;
		return end;
	}
	*eol = (lf > p && lf[-1] == '\r') ? lf - 1 : lf;
	return lf + 1;
}

static bool
is_sip_version(const char *s, size_t len)
{
	return len == 7 && strncasecmp(s, "SIP/2.0", 7) == 0;
}

/* "SIP/2.0 SP 3DIGIT SP Reason-Phrase" */
static int
parse_status_line(const char *p, const char *eol, struct msg_start *fl)
{
	const char *q;
	size_t i;

	if (eol - p < 11 || !is_sip_version(p, 7) || p[7] != ' ')
		return E_PARSE;
	fl->version.s = p;
	fl->version.len = 7;
	q = p + 8;
	for (i = 0; i < 3; i++)
		if (!pu_is_digit(q[i]))
			return E_PARSE;
	fl->code = (q[0] - '0') * 100 + (q[1] - '0') * 10 + (q[2] - '0');
	if (fl->code < 100 || fl->code > 699)
		return E_PARSE;
	fl->code_str.s = q;
	fl->code_str.len = 3;
	q += 3;
	/* an empty phrase may come with or without its SP */
	if (q < eol && *q != ' ')
		return E_PARSE;
	if (q < eol)
		q++;
	fl->reason.s = q;
	fl->reason.len = (size_t)(eol - q);
	for (; q < eol; q++)
		if ((unsigned char)*q < 0x20 && *q != '\t')
			return E_PARSE;
	fl->type = SIP_REPLY;
	return 0;
}

/* "Method SP Request-URI SP SIP-Version": exactly one SP each. */
static int
parse_request_line(const char *p, const char *eol, struct msg_start *fl)
{
	const char *q, *sp;

	q = pu_skip_token(p, eol);
	if (q == p || q >= eol || *q != ' ')
		return E_PARSE;
	fl->method.s = p;
	fl->method.len = (size_t)(q - p);
	fl->method_id = method_id_of(&fl->method);
	p = q + 1;
	if ((sp = memchr(p, ' ', (size_t)(eol - p))) == NULL || sp == p)
		return E_PARSE;
	fl->uri.s = p;
	fl->uri.len = (size_t)(sp - p);
	for (q = p; q < sp; q++)
		if ((unsigned char)*q <= 0x20 || *q == 0x7f || *q == '<' ||
		    *q == '>' || *q == '"')
			return E_PARSE;
	if (!is_sip_version(sp + 1, (size_t)(eol - sp - 1)))
		return E_PARSE;
	fl->version.s = sp + 1;
	fl->version.len = 7;
	fl->type = SIP_REQUEST;
	return 0;
}

static int
parse_first_line(const char *p, const char *end, struct msg_start *fl,
    const char **next)
{
	const char *eol, *nl;
	int rc;

	nl = line_end(p, end, &eol);
	if (eol == end)
		return E_PARSE; /* no line break at all */
	if (eol - p >= 4 && strncasecmp(p, "SIP/", 4) == 0)
		rc = parse_status_line(p, eol, fl);
	else
		rc = parse_request_line(p, eol, fl);
	if (rc != 0)
		return rc;
	fl->raw.s = p;
	fl->raw.len = (size_t)(nl - p);
	*next = nl;
	return 0;
}

/* Decimal Content-Length body; E_PARSE if not 1*DIGIT or too large. */
static int
content_length_of(const struct str *b, long *out)
{
	unsigned long long v;
	const char *q;

	q = pu_parse_uint(b->s, b->s + b->len, 9, &v);
	if (q == NULL || q != b->s + b->len)
		return E_PARSE;
	*out = (long)v;
	return 0;
}

/* "token *WSP ':'" at p: the name goes to *name, the return value is the
 * position after the colon, NULL if the line is not a header. */
static const char *
header_name(const char *p, const char *end, struct str *name)
{
	const char *q;

	q = pu_skip_token(p, end);
	if (q == p)
		return NULL;
	name->s = p;
	name->len = (size_t)(q - p);
	while (q < end && pu_is_wsp(*q))
		q++;
	if (q >= end || *q != ':')
		return NULL;
	return q + 1;
}

/* One header starting at p (not WSP, not an empty line). */
static int
parse_header(const char *p, const char *end, struct hdr_field *h,
    const char **next)
{
	const char *eol, *nl, *vs;

	if ((vs = header_name(p, end, &h->name)) == NULL)
		return E_PARSE;
	/* the logical line: physical lines joined while the next one starts
	 * with SP/HTAB */
	nl = line_end(vs, end, &eol);
	while (nl < end && pu_is_wsp(*nl))
		nl = line_end(nl, end, &eol);
	h->raw.s = p;
	h->raw.len = (size_t)(nl - p);
	h->body.s = vs;
	h->body.len = (size_t)(eol - vs);
	pu_trim(&h->body.s, &h->body.len);
	h->type = hdr_type_of(&h->name);
	*next = nl;
	return 0;
}

/* Header nodes come in blocks, one pkg allocation for a dozen headers
 * (typical messages need one block) rather than one per header; they
 * live until free_sip_msg().  A block stays below glibc's tcache limit
 * (1032 bytes) so that taking and returning it is cheap. */
#define HDR_CHUNK 12

struct hdr_chunk {
	struct hdr_chunk *next;
	unsigned int used;
	struct hdr_field h[HDR_CHUNK];
};

static struct hdr_field *
hdr_new(struct sip_msg *msg)
{
	struct hdr_chunk *c = msg->hdr_mem;
	struct hdr_field *h;

	if (c == NULL || c->used == HDR_CHUNK) {
		if ((c = pkg_malloc(sizeof(*c))) == NULL)
			return NULL;
		c->next = msg->hdr_mem;
		c->used = 0;
		msg->hdr_mem = c;
	}
	h = &c->h[c->used++];
	memset(h, 0, sizeof(*h));
	return h;
}

static void
link_header(struct sip_msg *msg, struct hdr_field *h,
    struct hdr_field **last_of)
{
	if (msg->last_header != NULL)
		msg->last_header->next = h;
	else
		msg->headers = h;
	msg->last_header = h;
	if (h->type == HDR_OTHER)
		return;
	if (msg->h[h->type] == NULL)
		msg->h[h->type] = h;
	else
		last_of[h->type]->next_same = h;
	last_of[h->type] = h;
}

int
parse_msg(const char *buf, size_t len, struct sip_msg *msg)
{
	struct hdr_field *last_of[HDR_TYPE_COUNT] = { NULL };
	const char *p = buf, *end = buf + len, *eol;
	struct hdr_field *h;
	size_t avail;
	int rc;

	memset(msg, 0, sizeof(*msg));
	msg->buf = buf;
	msg->len = len;
	msg->content_length = -1;
	if (buf == NULL)
		return E_PARSE;
	/* RFC 3261 §7.5: ignore CRLFs before the start line */
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	if ((rc = parse_first_line(p, end, &msg->first, &p)) != 0) {
		msg->first.type = SIP_INVALID;
		return rc;
	}
	while (p < end) {
		const char *nl = line_end(p, end, &eol);

		if (eol == p) { /* empty line */
			msg->eoh = true;
			p = nl;
			break;
		}
		if (pu_is_wsp(*p))
			return E_PARSE; /* continuation without a header */
		if ((h = hdr_new(msg)) == NULL)
			return E_NOMEM;
		if ((rc = parse_header(p, end, h, &p)) != 0)
			return rc;  /* h is unlinked; free_sip_msg() frees it */
		link_header(msg, h, last_of);
		if (h->type == HDR_CONTENTLENGTH && msg->content_length < 0 &&
		    content_length_of(&h->body, &msg->content_length) != 0)
			msg->content_length = -1;
	}
	msg->body.s = p;
	avail = (size_t)(end - p);
	if (msg->content_length >= 0 && (size_t)msg->content_length <= avail)
		msg->body.len = (size_t)msg->content_length;
	else
		msg->body.len = avail;
	return 0;
}

static int
check_single(struct sip_msg *msg, enum hdr_type t, const char **why,
    const char *missing, const char *dup)
{
	if (msg->h[t] == NULL) {
		*why = missing;
		return E_PARSE;
	}
	if (msg->h[t]->next_same != NULL) {
		*why = dup;
		return E_PARSE;
	}
	return 0;
}

static int
check_content_length(struct sip_msg *msg, const char **why)
{
	struct hdr_field *h;
	long cl = -1, v;

	for (h = msg->h[HDR_CONTENTLENGTH]; h != NULL; h = h->next_same) {
		if (content_length_of(&h->body, &v) != 0) {
			*why = "bad Content-Length";
			return E_PARSE;
		}
		if (cl >= 0 && v != cl) {
			*why = "conflicting Content-Length headers";
			return E_PARSE;
		}
		cl = v;
	}
	if (cl >= 0 && msg->eoh &&
	    (size_t)cl > (size_t)(msg->buf + msg->len - msg->body.s)) {
		*why = "Content-Length larger than the message";
		return E_PARSE;
	}
	return 0;
}

int
parse_msg_check(struct sip_msg *msg, const char **why)
{
	const char *dummy;
	struct cseq_body *cs;
	int rc;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	if (msg->first.type != SIP_REQUEST && msg->first.type != SIP_REPLY) {
		*why = "bad first line";
		return E_PARSE;
	}
	if (msg->h[HDR_VIA] == NULL) {
		*why = "no Via";
		return E_PARSE;
	}
	if ((rc = parse_via_hf(msg->h[HDR_VIA])) != 0) {
		*why = "bad Via";
		return rc;
	}
	if ((rc = check_single(msg, HDR_FROM, why, "no From",
	    "more than one From")) != 0 ||
	    (rc = check_single(msg, HDR_TO, why, "no To",
	    "more than one To")) != 0 ||
	    (rc = check_single(msg, HDR_CALLID, why, "no Call-ID",
	    "more than one Call-ID")) != 0 ||
	    (rc = check_single(msg, HDR_CSEQ, why, "no CSeq",
	    "more than one CSeq")) != 0)
		return rc;
	if ((rc = parse_to_hf(msg->h[HDR_FROM])) != 0) {
		*why = "bad From";
		return rc;
	}
	if ((rc = parse_to_hf(msg->h[HDR_TO])) != 0) {
		*why = "bad To";
		return rc;
	}
	if (msg->h[HDR_CALLID]->body.len == 0) {
		*why = "empty Call-ID";
		return E_PARSE;
	}
	if ((rc = parse_cseq_hf(msg->h[HDR_CSEQ])) != 0) {
		*why = "bad CSeq";
		return rc;
	}
	cs = msg->h[HDR_CSEQ]->parsed;
	if (msg->first.type == SIP_REQUEST &&
	    !str_eq(&cs->method, &msg->first.method)) {
		*why = "CSeq method does not match the request method";
		return E_PARSE;
	}
	return check_content_length(msg, why);
}

int
parse_sip_msg_uri(struct sip_msg *msg)
{
	int rc;

	if (msg->parsed_uri_ok)
		return 0;
	if (msg->first.type != SIP_REQUEST)
		return E_PARSE;
	rc = parse_uri(msg->first.uri.s, msg->first.uri.len, &msg->parsed_uri);
	if (rc != 0)
		return rc;
	/* RFC 3261 §19.1.5/table 1: no headers in a Request-URI */
	if (msg->parsed_uri.headers.len != 0 ||
	    (msg->parsed_uri.headers.s != NULL)) {
		memset(&msg->parsed_uri, 0, sizeof(msg->parsed_uri));
		return E_PARSE;
	}
	msg->parsed_uri_ok = true;
	return 0;
}

static void
free_parsed(struct hdr_field *h)
{
	if (h->parsed == NULL)
		return;
	switch (h->type) {
	case HDR_VIA:
		free_via_list(h->parsed);
		break;
	case HDR_TO:
	case HDR_FROM:
		free_to_body(h->parsed);
		break;
	case HDR_CONTACT:
		free_contact_body(h->parsed);
		break;
	case HDR_ROUTE:
	case HDR_RECORDROUTE:
	case HDR_PATH:
		free_name_addr_list(h->parsed);
		break;
	default:
		/* CSeq and anything else parsed into one flat pkg block */
		pkg_free(h->parsed);
		break;
	}
	h->parsed = NULL;
}

void
free_sip_msg(struct sip_msg *msg)
{
	struct hdr_field *h;
	struct hdr_chunk *c, *cn;

	if (msg == NULL)
		return;
	for (h = msg->headers; h != NULL; h = h->next)
		free_parsed(h);
	for (c = msg->hdr_mem; c != NULL; c = cn) {
		cn = c->next;
		pkg_free(c);
	}
	msg->hdr_mem = NULL;
	msg->headers = msg->last_header = NULL;
	memset(msg->h, 0, sizeof(msg->h));
	msg->parsed_uri_ok = false;
}

/* Content-Length of the header block [p, end) (first line excluded), or
 * E_PARSE if absent or malformed. */
static ssize_t
frame_content_length(const char *p, const char *end)
{
	const char *eol, *nl;
	struct hdr_field h;
	struct str name;
	unsigned int c;
	long cl;

	p = line_end(p, end, &eol); /* skip the first line */
	while (p < end) {
		nl = line_end(p, end, &eol);
		if (eol == p)
			break;
		if (pu_is_wsp(*p)) {
			p = nl;
			continue;
		}
		/* every header line must still be well formed, as for the
		 * full parse, but only "l" and "Content-Length" need the
		 * name looked up and the value (with its folding) read */
		if (header_name(p, end, &name) == NULL)
			return E_PARSE;
		c = (unsigned char)name.s[0] | 0x20;
		if ((name.len == 1 && c == 'l') ||
		    (name.len == 14 && c == 'c')) {
			memset(&h, 0, sizeof(h));
			if (parse_header(p, end, &h, &nl) != 0)
				return E_PARSE;
			if (h.type == HDR_CONTENTLENGTH)
				return content_length_of(&h.body, &cl) != 0 ?
				    E_PARSE : (ssize_t)cl;
		}
		p = nl;
	}
	return E_PARSE;
}

ssize_t
sip_frame_len(const char *buf, size_t len, size_t *skip)
{
	const char *p = buf, *end = buf + len, *q, *hend = NULL;
	ssize_t cl;
	size_t have;

	/* keep-alives: CRLF (RFC 5626 §3.5.1) or bare LF */
	while (p < end) {
		if (*p == '\n')
			p++;
		else if (*p == '\r' && p + 1 < end && p[1] == '\n')
			p += 2;
		else
			break;
	}
	*skip = (size_t)(p - buf);
	/* end of headers: LF followed by LF or CRLF */
	for (q = p; q < end && (q = memchr(q, '\n', (size_t)(end - q)));
	    q++) {
		if (q + 1 < end && q[1] == '\n') {
			hend = q + 2;
			break;
		}
		if (q + 2 < end && q[1] == '\r' && q[2] == '\n') {
			hend = q + 3;
			break;
		}
	}
	if (hend == NULL)
		return 0;
	if ((cl = frame_content_length(p, hend)) < 0)
		return E_PARSE;
	have = (size_t)(end - hend);
	if ((size_t)cl > have)
		return 0;
	if ((size_t)(hend - p) + (size_t)cl > (size_t)SSIZE_MAX)
		return E_TOOBIG;
	return (ssize_t)((size_t)(hend - p) + (size_t)cl);
}
