/* rr: record_route() and loose_route() (RFC 3261 §16.4, §16.6 step 4).
 *
 * The Record-Route URI names the socket the request came in on and, when
 * that is not UDP, its transport, so in-dialog requests come back over the
 * same kind of connection. */
#define LOG_MODULE "rr"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../api/sr_api.h"
#include "rr.h"
#include "rr_flow.h"

/* defaults: their rows below */
static int enable_full_lr;
static int append_fromtag;
static int flow_token_param;
static int enable_double_rr;
static char *flow_secret_file;

/* flow_token: the stream connection the request came in on, as a flow
 * token ("tls:H:P" into buf), for the dialog's requests from the other
 * side: they come down this connection, never to the UA's Contact. */
static struct str
rr_flow_in(const struct sip_msg *msg, char *buf, size_t n)
{
	const struct receive_info *ri = &msg->rcv;
	char ip[IP_ADDR_STR_MAX];
	bool v6 = ri->src_ip.af == AF_INET6;
	int k;

	if (!proto_is_stream(ri->proto) ||
	    ip_addr_to_str(&ri->src_ip, ip, sizeof(ip)) == 0)
		return STR_NULL;
	k = snprintf(buf, n, "%s:%s%s%s:%u", proto_name(ri->proto),
	    v6 ? "[" : "", ip, v6 ? "]" : "", ri->src_port);
	return k > 0 && (size_t)k < n ? (struct str){ buf, (size_t)k }
	                              : STR_NULL;
}

/* The request follows a flow token (loose_route(), below): the dialog's
 * later requests must too, so our Record-Route carries it ("tls:H:P"
 * into buf, size n, from $du "sip:H:P;transport=tls").  Empty if not. */
static struct str
rr_flow_of(const struct sip_msg *msg, char *buf, size_t n)
{
	const char *d = msg->dst_uri, *t;
	size_t len = msg->dst_uri_len;
	int k;

	if (msg->fwd_conn_id != MSG_CONN_EXISTING)
		return flow_token_param ? rr_flow_in(msg, buf, n) : STR_NULL;
	if (d == NULL || len < 5 || strncmp(d, "sip:", 4) != 0 ||
	    (t = memmem(d, len, ";transport=", 11)) == NULL)
		return STR_NULL;
	k = snprintf(buf, n, "%.*s:%.*s", (int)(len - (size_t)(t + 11 - d)),
	    t + 11, (int)(t - d - 4), d + 4);
	return k > 0 && (size_t)k < n ? (struct str){ buf, (size_t)k }
	                              : STR_NULL;
}

static int
w_record_route(struct sip_msg *msg, const struct cmd_args *a)
{
	const struct socket_info *si = msg->rcv.bind;
	char *rr, tbuf[80], mac[RR_FLOW_MAC_HEX + 1] = "";
	int n, rest;
	struct str ftag = STR_NULL, tok = rr_flow_of(msg, tbuf, sizeof(tbuf));

	(void)a;
	if (msg->first.type != SIP_REQUEST || si == NULL)
		return -1;
	if (append_fromtag && msg->h[HDR_FROM] != NULL &&
	    parse_to_hf(msg->h[HDR_FROM]) == 0)
		ftag = ((struct to_body *)msg->h[HDR_FROM]->parsed)->tag;
	if (tok.len && rr_flow_sign(tok.s, tok.len, mac) != 0) {
		LM_ERR_RL("cannot sign the flow token: none recorded");
		tok = STR_NULL;
	}
	if ((rr = pkg_malloc(512 + ftag.len)) == NULL)
		return -1;
	rest = snprintf(rr, 512, "Record-Route: <sip:%s:%u%s%s",
	    socket_via_host(si), si->port,
	    si->proto != PROTO_UDP ? ";transport=" : "",
	    si->proto != PROTO_UDP ? proto_name(si->proto) : "");
	if (rest < 0 || rest >= 256) {
		pkg_free(rr);
		return -1;
	}
	/* the rest (ftag, lr, flow token) is shared with the second
	 * Record-Route of a double one (the core copies it from rest) */
	n = rest +
	    snprintf(rr + rest, 512 + ftag.len - (size_t)rest,
	        "%s%.*s%s%s%.*s%s%s>\r\n", ftag.len ? ";ftag=" : "",
	        (int)ftag.len, ftag.s, enable_full_lr ? ";lr=on" : ";lr",
	        tok.len ? ";received=" : "", (int)tok.len, tok.s,
	        tok.len ? ";ft=" : "", tok.len ? mac : "");
	if (lump_insert_take(msg, msg_hdrs_start(msg), rr, (size_t)n) != 0)
		return -1;
	/* the core adds one for the outgoing socket when it differs (the
	 * new lump is the head of add_rm) */
	msg->rr_lump = enable_double_rr ? msg->add_rm : NULL;
	msg->rr_rest_off = (size_t)rest;
	return 1;
}

/* The request has a To tag: it is part of a dialog. */
static bool
in_dialog(struct sip_msg *msg)
{
	struct hdr_field *h = msg->h[HDR_TO];

	return h != NULL && parse_to_hf(h) == 0 &&
	    ((struct to_body *)h->parsed)->tag.len > 0;
}

/* The value of URI parameter name (nlen bytes, with its '=') in
 * u's parameters into *v, or false. */
static bool
uri_param(const struct sip_uri *u, const char *name, size_t nlen, struct str *v)
{
	const char *p = u->params.s, *end = p + u->params.len, *e;

	while (p < end) {
		for (e = p; e < end && *e != ';'; e++)
			;
		if ((size_t)(e - p) > nlen && strncasecmp(p, name, nlen) == 0) {
			*v = (struct str){ p + nlen, (size_t)(e - p) - nlen };
			return true;
		}
		p = e + 1;
	}
	return false;
}

/* A flow token (doc/cluster.md): our own Route URI with
 * ";received=PROTO:HOST:PORT;ft=MAC", the TCP/TLS connection a UA
 * registered on through this proxy (registrar's cluster mode puts it in
 * the Path of the binding) or that a dialog was recorded over; MAC its
 * signature (rr_flow.h).  The request goes there over that connection
 * only, never a new one.  Writes "sip:HOST:PORT;transport=PROTO" to out
 * (size n) and the address to *ip, *port.  True if u has a valid token
 * with a valid MAC; a token whose MAC is missing or wrong is logged
 * (rate-limited) and not followed. */
static bool
flow_token(const struct sip_uri *u, char *out, size_t n, struct ip_addr *ip,
    unsigned short *port)
{
	const char *v, *e, *c, *pc;
	struct str val, mac = STR_NULL;
	unsigned long pn;
	char *pe;
	int k;

	if (!uri_param(u, "received=", 9, &val))
		return false;
	v = val.s;
	e = val.s + val.len;
	if ((c = memchr(v, ':', (size_t)(e - v))) == NULL ||
	    !((c - v == 3 &&
	        (strncasecmp(v, "tls", 3) == 0 ||
	            strncasecmp(v, "tcp", 3) == 0))))
		return false;
	/* HOST:PORT, an IPv6 host in brackets: a port must follow */
	if (e - (c + 1) < 3 || memchr(c + 1, ':', (size_t)(e - c - 1)) == NULL)
		return false;
	for (pc = e - 1; *pc != ':'; pc--)
		;
	pn = strtoul(pc + 1, &pe, 10);
	if (pe != e || pn == 0 || pn > 65535 ||
	    ip_addr_parse(c + 1, (size_t)(pc - c - 1), ip) != 0)
		return false;
	if (!uri_param(u, "ft=", 3, &mac) ||
	    !rr_flow_verify(val.s, val.len, mac.s, mac.len)) {
		LM_ERR_RL("Route to us with flow token received=%.*s: %s "
		          "signature (a forged token, or another flow secret): "
		          "not followed",
		    (int)val.len, val.s, mac.len ? "bad" : "no");
		return false;
	}
	*port = (unsigned short)pn;
	k = snprintf(out, n, "sip:%.*s;transport=%.*s", (int)(e - c - 1), c + 1,
	    (int)(c - v), v);
	return k > 0 && (size_t)k < n;
}

static int
w_loose_route(struct sip_msg *msg, const struct cmd_args *a)
{
	struct route_entry rs[ROUTE_SET_MAX];
	struct sip_uri *ru;
	int n, i = 0;

	(void)a;
	if (msg->first.type != SIP_REQUEST)
		return -1;
	if ((n = route_set_collect(msg, rs, ROUTE_SET_MAX)) <= 0) {
		if (n < 0)
			LM_DBG("malformed Route header");
		return -1;
	}
	/* the previous hop was a strict router: the R-URI is our own
	 * Record-Route value and the real target is the last Route */
	if (ruri_parse(msg, &ru) == 0 && ru->lr_present &&
	    route_uri_is_myself(ru)) {
		const struct route_entry *last = &rs[n - 1];

		if (ruri_set(msg, RURI_ALL, last->na->uri.s,
		        last->na->uri.len) != 0 ||
		    route_entry_delete(msg, last) != 0)
			return -1;
		if (--n == 0)
			return 1;
	}
	if (route_uri_is_myself(&rs[0].uri)) {
		char du[128];
		struct ip_addr ip;
		unsigned short port;

		if (route_entry_delete(msg, &rs[0]) != 0)
			return -1;
		i = 1;
		/* a double Record-Route (two of our sockets, in and out):
		 * both are ours */
		if (n > 1 && route_uri_is_myself(&rs[1].uri)) {
			if (route_entry_delete(msg, &rs[1]) != 0)
				return -1;
			i = 2;
		}
		/* a call for a UA whose connection is ours, relayed by another
		 * proxy of the cluster: down that connection, or 430; a
		 * request that came over that very connection goes the
		 * other way (RFC 5626 §5.3): the token is only our Route */
		if (flow_token(&rs[0].uri, du, sizeof(du), &ip, &port) &&
		    !(proto_is_stream(msg->rcv.proto) &&
		        msg->rcv.src_port == port &&
		        ip_addr_eq(&msg->rcv.src_ip, &ip))) {
			if (msg_set_dst_uri(msg, du, strlen(du)) != 0)
				return -1;
			msg_set_conn(msg, MSG_CONN_EXISTING);
			return 1;
		}
	}
	if (i >= n) {
		/* we were the last hop of the route set: in a dialog, the
		 * request is routed (the R-URI is the target); an initial
		 * request (no To tag) carried a preloaded Route to us (an
		 * outbound proxy setting), so the script must route it
		 * itself (1.x: "not RR driven") */
		return in_dialog(msg) ? 1 : -1;
	}
	if (rs[i].uri.lr_present) {
		pkg_free(msg->dst_uri);
		msg->dst_uri = pkg_strndup(rs[i].na->uri.s, rs[i].na->uri.len);
		msg->dst_uri_len = msg->dst_uri ? rs[i].na->uri.len : 0;
		return msg->dst_uri ? 1 : -1;
	}
	return route_strict_rewrite(msg, &rs[i]) == 0 ? 1 : -1;
}

static bool
flow_key_shared(void)
{
	return flow_secret_file != NULL && flow_secret_file[0] != '\0';
}

static int
rr_init(void)
{
	char err[256];
	int rc;

	if (!flow_key_shared())
		return rr_flow_key_random() == 0 ? 0 : E_BUG;
	if ((rc = rr_flow_key_load(flow_secret_file, err, sizeof(err))) != 0)
		LM_ERR("modparam(\"rr\", \"flow_secret_file\"): %s", err);
	return rc;
}

static const struct rr_api api = {
	.flow_sign = rr_flow_sign,
	.flow_key_shared = flow_key_shared,
};

static const struct module_api apis[] = {
	{ .name = RR_API_NAME, .api = &api },
	MODULE_API_END,
};

/* clang-format off */
static const struct cmd_export cmds[] = {
	CMD("record_route", w_record_route, 0, NULL, RT_REQUEST | RT_FAILURE | RT_BRANCH,
	    "add a Record-Route header with our address (;lr)"),
	CMD("loose_route", w_loose_route, 0, NULL, RT_REQUEST,
	    "route by the Route headers (RFC 3261 16.4); true if the request had a Route to follow (false for an initial request whose only Route was to us: a preloaded route)"),
	CMD_END
};

static const struct param_def params[] = {
	PARAM_BOOL("enable_full_lr", &enable_full_lr, 0, PS_MODULE,
	    "write ;lr=on instead of ;lr (for old user agents)"),
	PARAM_BOOL("append_fromtag", &append_fromtag, 1, PS_MODULE,
	    "add the From tag to Record-Route (;ftag=)"),
	PARAM_BOOL("flow_token", &flow_token_param, 0, PS_MODULE,
	    "record_route() on a request that came over TCP/TLS names that connection in the Record-Route URI (;received=, a flow token: RFC 5626 5.3), so the dialog's requests from the other side come down it and never go to the UA's Contact; a request that follows a flow token records it whatever this says (doc/cluster.md)"),
	PARAM_BOOL("enable_double_rr", &enable_double_rr, 1, PS_MODULE,
	    "when a request leaves by another socket than it came in on (UDP in, TLS out), a second Record-Route names the outgoing one; loose_route() removes both"),
	PARAM_STR("flow_secret_file", &flow_secret_file, NULL, PS_MODULE | P_NO_NUM,
	    "file holding the key that signs flow tokens (;ft=, HMAC-SHA-256): at least 32 bytes, whitespace around them ignored; the same file on every proxy of a cluster, which registrar's cluster mode needs; unset, a random key per start (tokens of an earlier run are then not followed) (doc/cluster.md)"),
	PARAM_END
};
/* clang-format on */

const struct module_exports exports = {
	.abi = MODULE_ABI,
	.name = "rr",
	.cmds = cmds,
	.params = params,
	.init = rr_init,
	.apis = apis,
};
