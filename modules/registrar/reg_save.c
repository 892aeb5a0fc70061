/* reg_save.c: save(): a REGISTER checked (RFC 3261 §10.3 steps 2, 5-7;
 * RFC 3327; RFC 5626 §6), decided (reg_rules.c), committed to usrloc
 * all or nothing, and answered: 200 with every binding, or the error
 * that says why. */
#define LOG_MODULE "registrar"
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../../api/sr_api.h"
#include "reg.h"
#include "reg_flow.h"

#define REPLY_CONTACTS_MAX (56 * 1024) /* the 200 must fit 64 KB */

/* Everything one save() works with (pkg, this process). */
struct save_ctx {
	struct sip_msg *msg;
	struct reg_request rq;
	struct reg_contact c[UL_CHANGES_MAX];
	char *raw_mem[UL_CHANGES_MAX]; /* stripped raw contacts (pkg) */
	struct ul_binding tmpl;
	char received[UL_RECEIVED_MAX + 1];
	char *path; /* pkg: the Path values joined */
	char flow[REG_FLOW_PATH_MAX];
	struct reg_error err;
	bool decided_error;
	bool echo_path;
	/* the 200's Contact lines, built under the slot lock */
	char *contacts;
	size_t clen;
	bool too_big;
};

/* ------------------------------------------------------------ replies */

static int
reply(struct save_ctx *x, int code, const char *reason)
{
	if (code >= 300)
		stat_add(reg_st_rejected, 1);
	return reply_local(x->msg, code, reason);
}

/* A failed request: its answer (unless the script replies), then the
 * script stops, as in 1.x (a negative value with REG_SAVE_NOREPLY). */
static int
refuse(struct save_ctx *x, unsigned flags, int code, const char *reason)
{
	LM_DBG("REGISTER refused: %d %s", code, reason);
	if (flags & REG_SAVE_NOREPLY) {
		stat_add(reg_st_rejected, 1);
		return -1;
	}
	if (reply(x, code, reason) != 0)
		return -1;
	return 0;
}

/* "Name: value\r\n" as a reply header. */
static int
add_hdr(struct sip_msg *msg, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);
	char *buf;
	int rc;

	if ((buf = pkg_malloc(nl + vl + 4)) == NULL)
		return E_NOMEM;
	memcpy(buf, name, nl);
	memcpy(buf + nl, ": ", 2);
	memcpy(buf + nl + 2, value, vl);
	memcpy(buf + nl + 2 + vl, "\r\n", 2);
	rc = lump_reply_add(msg, buf, nl + vl + 4);
	pkg_free(buf);
	return rc;
}

static int
add_date(struct sip_msg *msg)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = time(NULL);
	struct tm tm;
	char buf[64];
	int n;

	/* RFC 3261 §20.17: RFC 1123 date, always GMT (not strftime, whose
	 * names follow the locale) */
	if (gmtime_r(&t, &tm) == NULL)
		return E_INVAL;
	n = snprintf(buf, sizeof(buf),
	    "Date: %s, %02d %s %04d %02d:%02d:%02d "
	    "GMT\r\n",
	    wd[tm.tm_wday], tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
	return lump_reply_add(msg, buf, (size_t)n);
}

static void
contacts_put(struct save_ctx *x, const char *s, size_t n)
{
	char *p;

	if (x->too_big || n == 0)
		return;
	if (x->clen + n > REPLY_CONTACTS_MAX) {
		x->too_big = true;
		return;
	}
	if ((p = pkg_realloc(x->contacts, x->clen + n)) == NULL) {
		x->too_big = true;
		return;
	}
	x->contacts = p;
	memcpy(p + x->clen, s, n);
	x->clen += n;
}

/* Under the slot lock: one Contact line per binding, as the UA wrote it,
 * with the expiry granted (§10.3 step 8). */
static void
save_report(const struct ul_binding *all, int n, void *arg)
{
	struct save_ctx *x = arg;
	char tail[48];
	int i, k;

	for (i = 0; i < n; i++) {
		const struct ul_binding *b = &all[i];

		contacts_put(x, "Contact: ", 9);
		if (b->raw.len > 0) {
			contacts_put(x, b->raw.s, b->raw.len);
		} else {
			contacts_put(x, "<", 1);
			contacts_put(x, b->contact.s, b->contact.len);
			contacts_put(x, ">", 1);
		}
		if (b->flags & UL_FL_PERMANENT)
			k = snprintf(tail, sizeof(tail), "\r\n");
		else
			k = snprintf(tail, sizeof(tail), ";expires=%lld\r\n",
			    (long long)(b->expires > x->rq.now
			            ? b->expires - x->rq.now
			            : 0));
		contacts_put(x, tail, (size_t)k);
	}
}

static int
save_decide(const struct ul_binding *cur, int n, struct ul_change *ch,
    void *arg)
{
	struct save_ctx *x = arg;
	int rc = reg_decide(&reg_p.rules, &x->rq, cur, n, ch, &x->err);

	if (rc < 0) {
		x->decided_error = true;
		return E_INVAL;
	}
	return rc;
}

/* ------------------------------------------------------------ checks */

/* Is tag in the option-tag lists of the header chain h? */
static bool
has_tag(const struct hdr_field *h, const char *tag)
{
	size_t tl = strlen(tag);

	for (; h != NULL; h = h->next_same) {
		const char *p = h->body.s, *end = p + h->body.len;

		while (p < end) {
			const char *q;

			while (p < end &&
			    (*p == ' ' || *p == '\t' || *p == ',' ||
			        *p == '\r' || *p == '\n'))
				p++;
			for (q = p; q < end && *q != ',' && *q != ' ' &&
			     *q != '\t' && *q != '\r';
			     q++)
				;
			if ((size_t)(q - p) == tl &&
			    strncasecmp(p, tag, tl) == 0)
				return true;
			p = q;
		}
	}
	return false;
}

/* §10.3 step 2: the first option tag of Require we do not support, or
 * NULL.  tag is a view into the message. */
static bool
unsupported_tag(const struct hdr_field *h, struct str *tag)
{
	for (; h != NULL; h = h->next_same) {
		const char *p = h->body.s, *end = p + h->body.len;

		while (p < end) {
			const char *q;

			while (p < end &&
			    (*p == ' ' || *p == '\t' || *p == ',' ||
			        *p == '\r' || *p == '\n'))
				p++;
			for (q = p; q < end && *q != ',' && *q != ' ' &&
			     *q != '\t' && *q != '\r';
			     q++)
				;
			*tag = (struct str){ p, (size_t)(q - p) };
			if (q > p &&
			    !(reg_p.use_path && str_caseeq_c(tag, "path")) &&
			    !(reg_p.outbound && str_caseeq_c(tag, "outbound")))
				return true;
			p = q;
		}
	}
	return false;
}

static int
via_count(struct sip_msg *msg)
{
	struct hdr_field *h;
	struct via_body *v;
	int n = 0;

	for (h = msg->h[HDR_VIA]; h != NULL; h = h->next_same) {
		if (parse_via_hf(h) != 0)
			return -1;
		for (v = h->parsed; v != NULL; v = v->next)
			n++;
	}
	return n;
}

/* Methods of the Allow header as METHOD_* bits (none: every one). */
static unsigned
allow_methods(const struct hdr_field *h)
{
	unsigned m = 0;

	if (h == NULL)
		return UL_METHODS_ALL;
	for (; h != NULL; h = h->next_same) {
		const char *p = h->body.s, *end = p + h->body.len;

		while (p < end) {
			struct str tok;
			const char *q;

			while (p < end &&
			    (*p == ' ' || *p == '\t' || *p == ',' ||
			        *p == '\r' || *p == '\n'))
				p++;
			for (q = p; q < end && *q != ',' && *q != ' ' &&
			     *q != '\t' && *q != '\r';
			     q++)
				;
			tok = (struct str){ p, (size_t)(q - p) };
			if (tok.len > 0)
				m |= (unsigned)method_id_of(&tok);
			p = q;
		}
	}
	return m;
}

/* The contact's text without its expires param: the 200 writes the
 * expiry granted instead. */
static int
strip_expires(const struct contact *c, char **mem, struct str *out)
{
	const struct param *p;
	const char *start, *end;
	char *buf;
	size_t n;

	*mem = NULL;
	*out = c->raw;
	for (p = c->param_lst; p != NULL; p = p->next)
		if (p->name.len == 7 &&
		    strncasecmp(p->name.s, "expires", 7) == 0)
			break;
	if (p == NULL || p->name.s < c->raw.s ||
	    p->name.s >= c->raw.s + c->raw.len)
		return 0;
	start = p->name.s;
	while (start > c->raw.s && start[-1] != ';')
		start--;
	if (start > c->raw.s)
		start--; /* the ';' */
	end = p->body.len > 0 ? p->body.s + p->body.len
	                      : p->name.s + p->name.len;
	if (end > c->raw.s + c->raw.len || end < start)
		return 0;
	n = c->raw.len - (size_t)(end - start);
	if ((buf = pkg_malloc(n + 1)) == NULL)
		return E_NOMEM;
	memcpy(buf, c->raw.s, (size_t)(start - c->raw.s));
	memcpy(buf + (start - c->raw.s), end,
	    (size_t)(c->raw.s + c->raw.len - end));
	buf[n] = '\0';
	*mem = buf;
	*out = (struct str){ buf, n };
	return 0;
}

/* The source of the REGISTER as a URI (or received_avp's value). */
static void
received_of(struct save_ctx *x)
{
	const struct receive_info *ri = &x->msg->rcv;
	char ip[IP_ADDR_STR_MAX];
	struct pv_value v;
	int n;

	if (reg_received_pv != NULL &&
	    pv_get(x->msg, reg_received_pv, &v) == 0 && (v.flags & PV_STR) &&
	    v.s.len > 0 && v.s.len <= UL_RECEIVED_MAX) {
		memcpy(x->received, v.s.s, v.s.len);
		x->tmpl.received = (struct str){ x->received, v.s.len };
		return;
	}
	if (ip_addr_to_str(&ri->src_ip, ip, sizeof(ip)) == 0)
		return;
	n = snprintf(x->received, sizeof(x->received), "sip:%s%s%s:%u%s%s",
	    ri->src_ip.af == AF_INET6 ? "[" : "", ip,
	    ri->src_ip.af == AF_INET6 ? "]" : "", ri->src_port,
	    ri->proto != PROTO_UDP ? ";transport=" : "",
	    ri->proto != PROTO_UDP ? proto_name(ri->proto) : "");
	if (n > 0 && (size_t)n < sizeof(x->received))
		x->tmpl.received = (struct str){ x->received, (size_t)n };
}

/* Does a URI's parameter list ("a;b=1;ob") name name? */
static bool
uri_has_param(const struct str *params, const char *name)
{
	const char *p = params->s, *end = p + params->len;
	size_t nl = strlen(name);

	while (p < end) {
		const char *q = p;

		while (q < end && *q != ';' && *q != '=')
			q++;
		if ((size_t)(q - p) == nl && strncasecmp(p, name, nl) == 0)
			return true;
		while (q < end && *q != ';')
			q++;
		p = q + 1;
	}
	return false;
}

/* Path (RFC 3327): stored as "<a>,<b>" when use_path.  Sets *ob when the
 * first hop put ;ob in its Path URI (RFC 5626 §5.1).  0, or an error
 * code with *reason. */
static int
path_of(struct save_ctx *x, bool *ob, const char **reason)
{
	struct name_addr *list = NULL, *na;
	struct sip_uri u;
	size_t n = 0, len = 0;
	char *p;
	int rc;

	*ob = false;
	if (!reg_p.use_path || x->msg->h[HDR_PATH] == NULL)
		return 0;
	if (reg_p.path_mode == 2 &&
	    !has_tag(x->msg->h[HDR_SUPPORTED], "path")) {
		*reason = "Bad Extension";
		return 420;
	}
	if ((rc = path_parse(x->msg->h[HDR_PATH], 16, &list, &n, NULL)) != 0) {
		*reason = rc == E_NOMEM ? "Server Internal Error"
		                        : "Bad Path header";
		return rc == E_NOMEM ? 500 : 400;
	}
	for (na = list; na != NULL; na = na->next)
		len += na->raw.len + 1;
	if (len > UL_PATH_MAX + 1 || (x->path = pkg_malloc(len)) == NULL) {
		path_free(list);
		*reason = len > UL_PATH_MAX + 1 ? "Path too long"
		                                : "Server Internal Error";
		return len > UL_PATH_MAX + 1 ? 400 : 500;
	}
	for (p = x->path, na = list; na != NULL; na = na->next) {
		if (p > x->path)
			*p++ = ',';
		memcpy(p, na->raw.s, na->raw.len);
		p += na->raw.len;
	}
	*p = '\0';
	*ob = list != NULL && parse_uri(list->uri.s, list->uri.len, &u) == 0 &&
	    uri_has_param(&u.params, "ob");
	path_free(list);
	x->tmpl.path = (struct str){ x->path, (size_t)(p - x->path) };
	x->echo_path = reg_p.path_mode == 2 ||
	    (reg_p.path_mode == 1 && has_tag(x->msg->h[HDR_SUPPORTED], "path"));
	return 0;
}

/* Cluster mode: a binding made over TCP/TLS straight from the UA (no
 * Path) carries a flow Path to us, the proxy that holds its connection;
 * the other proxies relay its calls through it (doc/cluster.md). */
static void
flow_path_of(struct save_ctx *x)
{
	const struct receive_info *ri = &x->msg->rcv;
	size_t n;

	if (!reg_p.cluster || !proto_is_stream(ri->proto) ||
	    x->tmpl.path.len > 0 || ri->bind == NULL)
		return;
	n = reg_flow_path(x->flow, sizeof(x->flow), socket_via_host(ri->bind),
	    ri->bind->port, ri->proto, &ri->src_ip, ri->src_port,
	    reg_rr->flow_sign);
	if (n == 0) {
		LM_ERR_RL("no flow Path for this binding (cannot sign it)");
		return;
	}
	x->tmpl.path = (struct str){ x->flow, n };
	x->tmpl.flags |= UL_FL_FLOW_PATH;
}

/* The contacts of the REGISTER into x->c: each a SIP URI of bounded
 * length.  0, or an error code with *reason. */
static int
contacts_of(struct save_ctx *x, const struct contact_set *set,
    const char **reason)
{
	const struct contact *c;
	struct sip_uri u;
	int i = 0;

	for (c = set->first; c != NULL && i < UL_CHANGES_MAX;
	     c = c->next, i++) {
		struct reg_contact *rc = &x->c[i];

		if (c->uri.len > UL_URI_MAX) {
			*reason = "Contact URI too long";
			return 400;
		}
		if (parse_uri(c->uri.s, c->uri.len, &u) != 0 ||
		    u.type == URI_TEL) {
			*reason = "Bad Contact URI";
			return 400;
		}
		if (c->instance.len > UL_INSTANCE_MAX) {
			*reason = "Bad +sip.instance";
			return 400;
		}
		if (strip_expires(c, &x->raw_mem[i], &rc->raw) != 0) {
			*reason = "Server Internal Error";
			return 500;
		}
		if (rc->raw.len > UL_RAW_MAX) {
			*reason = "Contact too long";
			return 400;
		}
		rc->uri = c->uri;
		rc->has_expires = c->has_expires;
		rc->expires = c->expires;
		rc->q = c->q;
		rc->instance = c->instance;
		rc->has_reg_id = c->has_reg_id;
		rc->reg_id = c->reg_id;
	}
	x->rq.n = i;
	return 0;
}

/* The request as the rules see it.  0, or an error code with *reason. */
static int
request_of(struct save_ctx *x, unsigned flags, const struct contact_set *set,
    const char **reason)
{
	struct sip_msg *msg = x->msg;
	struct hdr_field *h;
	uint32_t exp;
	int rc;

	x->rq.star = set->star;
	if ((rc = expires_msg_get(msg, &exp)) == 0) {
		x->rq.has_expires_hdr = true;
		x->rq.expires_hdr = exp;
	} else if (rc != E_NOTFOUND) {
		*reason = "Invalid Expires header";
		return 400;
	}
	/* §10.3 step 6: "*" only with Expires: 0 */
	if (set->star && !(x->rq.has_expires_hdr && exp == 0)) {
		*reason = "Contact * needs Expires: 0";
		return 400;
	}
	if ((h = msg->h[HDR_CALLID]) == NULL || h->body.len == 0 ||
	    (h = msg->h[HDR_CSEQ]) == NULL || parse_cseq_hf(h) != 0) {
		*reason = "Bad Call-ID or CSeq";
		return 400;
	}
	x->rq.callid = msg->h[HDR_CALLID]->body;
	if (x->rq.callid.len > UL_CALLID_MAX) {
		*reason = "Call-ID too long";
		return 400;
	}
	x->rq.cseq = ((struct cseq_body *)h->parsed)->num;
	x->rq.now = (int64_t)time(NULL);
	x->rq.single = (flags & REG_SAVE_SINGLE) != 0;
	x->rq.c = x->c;
	x->rq.tmpl = &x->tmpl;
	return contacts_of(x, set, reason);
}

/* What each binding carries besides its contact. */
static void
template_of(struct save_ctx *x, unsigned flags)
{
	struct sip_msg *msg = x->msg;
	struct hdr_field *ua = msg->h[HDR_USERAGENT];

	x->tmpl.sock = msg->rcv.bind;
	x->tmpl.proto = msg->rcv.proto;
	/* a stream binding is reached over its own connection, unless an
	 * edge proxy (Path) stands in between */
	x->tmpl.conn_id = proto_is_stream(msg->rcv.proto) ? msg->rcv.conn_id
	                                                  : 0;
	if (ua != NULL)
		x->tmpl.user_agent = (struct str){ ua->body.s,
			ua->body.len > UL_UA_MAX ? UL_UA_MAX : ua->body.len };
	x->tmpl.methods = allow_methods(msg->h[HDR_ALLOW]);
	x->tmpl.flags = (flags & REG_SAVE_MEMORY) ? UL_FL_MEM_ONLY : 0;
	x->tmpl.cflags = msg->flags;
	x->tmpl.server_id = reg_ul->server_id();
	received_of(x);
}

/* RFC 5626 §6: flows apply when we are the first hop (one Via and no
 * Path) or the first hop said it does outbound (;ob in its Path URI).
 * A UA that asks for outbound through a first hop that does not do it
 * gets 439; a UA that is our direct client never does. */
static int
outbound_of(struct save_ctx *x, bool ob_path, const char **reason)
{
	bool reg_id = false;
	int i, vias;

	if (!reg_p.outbound)
		return 0;
	for (i = 0; i < x->rq.n; i++)
		if (x->c[i].has_reg_id && x->c[i].instance.len > 0)
			reg_id = true;
	if (!reg_id)
		return 0;
	vias = via_count(x->msg);
	if ((vias == 1 && x->msg->h[HDR_PATH] == NULL) || ob_path) {
		x->rq.outbound = true;
		return 0;
	}
	if (vias > 1 && has_tag(x->msg->h[HDR_SUPPORTED], "outbound")) {
		*reason = "First Hop Lacks Outbound Support";
		return 439;
	}
	return 0;
}

static void
save_ctx_free(struct save_ctx *x)
{
	int i;

	for (i = 0; i < UL_CHANGES_MAX; i++)
		pkg_free(x->raw_mem[i]);
	pkg_free(x->path);
	pkg_free(x->contacts);
}

/* The AOR of the To header (§10.3 step 5). */
static size_t
aor_of(struct sip_msg *msg, char *buf)
{
	struct hdr_field *to = msg->h[HDR_TO];

	if (to == NULL || parse_to_hf(to) != 0)
		return 0;
	return reg_aor(&((struct to_body *)to->parsed)->uri, buf);
}

static int
answer_200(struct save_ctx *x)
{
	struct sip_msg *msg = x->msg;

	if (x->too_big) {
		reply(x, 500, "Too many contacts for one reply");
		return -1;
	}
	if ((x->clen > 0 && lump_reply_add(msg, x->contacts, x->clen) != 0) ||
	    add_date(msg) != 0 ||
	    (x->rq.outbound &&
	        lump_reply_add(msg,
	            "Require: outbound\r\n"
	            "Supported: outbound\r\n",
	            41) != 0) ||
	    (x->echo_path && x->tmpl.path.len > 0 &&
	        add_hdr(msg, "Path", x->path) != 0)) {
		reply(x, 500, "Server Internal Error");
		return -1;
	}
	stat_add(reg_st_accepted, 1);
	return reply(x, 200, "OK") == 0 ? 1 : -1;
}

int
reg_save(struct sip_msg *msg, struct reg_table *t, unsigned flags)
{
	struct save_ctx *x;
	struct contact_set *set = NULL;
	struct str aor, tag;
	char aor_buf[UL_AOR_MAX + 1], mexp[16];
	const char *reason = NULL;
	bool ob_path = false;
	int code = 0, rc, ret;

	if (msg->first.type != SIP_REQUEST ||
	    msg->first.method_id != METHOD_REGISTER)
		return -1;
	if ((x = pkg_zalloc(sizeof(*x))) == NULL)
		return -1;
	x->msg = msg;
	if ((aor.len = aor_of(msg, aor_buf)) == 0) {
		ret = refuse(x, flags, 400, "Bad To: no address of record");
		goto out;
	}
	aor.s = aor_buf;
	/* §10.3 step 2 */
	if (unsupported_tag(msg->h[HDR_REQUIRE], &tag)) {
		char u[128];
		int n = snprintf(u, sizeof(u), "Unsupported: %.*s\r\n",
		    tag.len > 64 ? 64 : (int)tag.len, tag.s);

		if (!(flags & REG_SAVE_NOREPLY))
			lump_reply_add(msg, u, (size_t)n);
		ret = refuse(x, flags, 420, "Bad Extension");
		goto out;
	}
	rc = contact_set_parse(msg->h[HDR_CONTACT], UL_CHANGES_MAX, &set, NULL);
	if (rc != 0) {
		ret = rc == E_TOOBIG
		    ? refuse(x, flags, 403, "Too many registered contacts")
		    : refuse(x, flags, rc == E_NOMEM ? 500 : 400,
		          rc == E_NOMEM ? "Server Internal Error"
		                        : "Bad Contact header");
		goto out;
	}
	template_of(x, flags);
	if ((code = request_of(x, flags, set, &reason)) != 0 ||
	    (code = path_of(x, &ob_path, &reason)) != 0 ||
	    (code = outbound_of(x, ob_path, &reason)) != 0) {
		if (code == 420 && !(flags & REG_SAVE_NOREPLY))
			lump_reply_add(msg, "Unsupported: path\r\n", 19);
		ret = refuse(x, flags, code, reason);
		goto out;
	}
	flow_path_of(x);
	rc = reg_ul->update(t->d, &aor, save_decide, save_report, x);
	if (rc != 0) {
		if (x->decided_error) {
			code = x->err.code;
			reason = x->err.reason;
			if (code == 423 && !(flags & REG_SAVE_NOREPLY)) {
				snprintf(mexp, sizeof(mexp), "%u",
				    x->err.min_expires);
				add_hdr(msg, "Min-Expires", mexp);
			}
		} else {
			code = rc == E_TOOBIG ? 403 : rc == E_INVAL ? 400 : 500;
			reason = rc == E_TOOBIG ? "Too many registered contacts"
			    : rc == E_INVAL     ? "Contact value too long"
			    : rc == E_IO ? "Location database unavailable"
			                 : "Server Internal Error";
			LM_ERR_RL("%.*s: not saved in %s: %s", STR_FMT(&aor),
			    t->name, err_str(rc));
		}
		ret = refuse(x, flags, code, reason);
		goto out;
	}
	ret = (flags & REG_SAVE_NOREPLY) ? 1 : answer_200(x);
out:
	contact_set_free(set);
	save_ctx_free(x);
	pkg_free(x);
	return ret;
}
