/* rr: record_route() and loose_route() (RFC 3261 §16.4, §16.6 step 4).
 *
 * The Record-Route URI names the socket the request came in on and, when
 * that is not UDP, its transport, so in-dialog requests come back over the
 * same kind of connection. */
#define LOG_MODULE "rr"
#include <stdio.h>
#include <string.h>

#include "../../api/sr_api.h"

/* defaults: their rows below */
static int enable_full_lr;
static int append_fromtag;
static int enable_double_rr;

static int
w_record_route(struct sip_msg *msg, const struct cmd_args *a)
{
	const struct socket_info *si = msg->rcv.bind;
	char *rr;
	int n, rest;
	struct str ftag = STR_NULL;

	(void)a;
	if (msg->first.type != SIP_REQUEST || si == NULL)
		return -1;
	if (append_fromtag && msg->h[HDR_FROM] != NULL &&
	    parse_to_hf(msg->h[HDR_FROM]) == 0)
		ftag = ((struct to_body *)msg->h[HDR_FROM]->parsed)->tag;
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
	n = rest + snprintf(rr + rest, 512 + ftag.len - (size_t)rest,
	    "%s%.*s%s>\r\n", ftag.len ? ";ftag=" : "", (int)ftag.len, ftag.s,
	    enable_full_lr ? ";lr=on" : ";lr");
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
		msg->dst_uri = pkg_strndup(rs[i].na->uri.s,
		    rs[i].na->uri.len);
		msg->dst_uri_len = msg->dst_uri ? rs[i].na->uri.len : 0;
		return msg->dst_uri ? 1 : -1;
	}
	return route_strict_rewrite(msg, &rs[i]) == 0 ? 1 : -1;
}

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
	PARAM_BOOL("enable_double_rr", &enable_double_rr, 1, PS_MODULE,
	    "when a request leaves by another socket than it came in on (UDP in, TLS out), a second Record-Route names the outgoing one; loose_route() removes both"),
	PARAM_END
};
/* clang-format on */

const struct module_exports exports = {
	.abi = MODULE_ABI,
	.name = "rr",
	.cmds = cmds,
	.params = params,
};
