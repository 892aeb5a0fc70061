/* forward.c: stateless forwarding (RFC 3261 §16.6 without transaction
 * state), reply routing by Via (§18.2.2, RFC 3581) and local replies. */
#define LOG_MODULE "core"
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "data_lump.h"
#include "../base/err.h"
#include "forward.h"
#include "../cfg/core_cfg.h"
#include "../base/hash.h"
#include "../base/log.h"
#include "../mem/pkg.h"
#include "../net/dns_res.h"
#include "../net/dst_blacklist.h"
#include "../net/net_addr.h"
#include "../net/socket_info.h"
#include "../net/udp_server.h"
#include "../parser/msg_parser.h"
#include "../parser/parse_addr.h"
#include "../parser/parse_uri.h"
#include "../parser/parse_param.h"
#include "../parser/parse_path.h"
#include "../parser/parse_via.h"
#include "../base/proto.h"
#include "route_set.h"
#include "ruri.h"
#include "target.h"
#include "transport.h"

#define BUF_SIZE 65536
#define MAX_FWD_DEFAULT_STR "70"

struct fwd_stats fwd_stats;
static char out_buf[BUF_SIZE];

/* Text builders for what every forwarded message gets (Via, received=,
 * Max-Forwards): a plain copy and digit loop, no snprintf() parsing a
 * format each time.  The caller has made room. */
static char *
put_mem(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

static char *
put_num(char *p, unsigned int v, unsigned int base)
{
	char tmp[16];
	size_t i = 0;

	do
		tmp[i++] = "0123456789abcdef"[v % base];
	while ((v /= base) != 0);
	while (i > 0)
		*p++ = tmp[--i];
	return p;
}

/* ---------------------------------------------------------- destinations */

/* The part of dest_resolve() before any lookup; returns the port. */
static unsigned short
dest_start(struct dest_info *d, const struct str *host, unsigned short port,
    enum proto proto)
{
	memset(d, 0, sizeof(*d));
	d->proto = proto == PROTO_NONE ? PROTO_UDP : proto;
	d->host = *host;
	if (port == 0)
		port = proto_default_port(d->proto);
	return port;
}

int
dest_resolve(struct dest_info *d, const struct str *host, unsigned short port,
    enum proto proto)
{
	struct ip_addr ip;
	char name[256];
	struct dns_res_cfg cfg;
	struct str h = str_unbracket(*host);
	int rc;

	port = dest_start(d, host, port, proto);
	if (h.len == 0 || h.len >= sizeof(name))
		return E_INVAL;
	if (ip_addr_parse(h.s, h.len, &ip) == 0) {
		su_from_ip_port(&d->to, &ip, port);
		return 0;
	}
	memcpy(name, h.s, h.len);
	name[h.len] = '\0';
	dns_res_core_cfg(&cfg);
	if ((rc = dns_res_host(&cfg, name, &ip)) != 0) {
		LM_ERR_RL("cannot resolve %s: %s", name,
		    rc == E_AGAIN	  ? "a lookup is under way"
			: rc == E_TIMEOUT ? "DNS timeout"
					  : "no address");
		return rc == E_AGAIN ? E_AGAIN : E_NOTFOUND;
	}
	su_from_ip_port(&d->to, &ip, port);
	return 0;
}

int
msg_send(struct dest_info *d, const char *buf, size_t len)
{
	if (d->proto == PROTO_UDP) {
		if (d->send_sock == NULL)
			d->send_sock = socket_for_dst(&d->to, PROTO_UDP);
		if (d->send_sock == NULL) {
			LM_ERR("no UDP socket to send from for this address "
			       "family");
			return E_NOTFOUND;
		}
		return udp_send(d->send_sock, buf, len, &d->to) < 0 ? E_IO : 0;
	}
	return transport_stream_send(d, buf, len);
}

/* ---------------------------------------------------------- Via helpers */

static const char *
via_end(const struct via_body *v)
{
	if (v->params.len)
		return v->params.s + v->params.len;
	if (v->port_str.len)
		return v->port_str.s + v->port_str.len;
	return v->host.s + v->host.len;
}

/* A Via sent-by that is a name: with dns=yes it matches when it resolves
 * to the source address; with rev_dns=yes when the source address's
 * reverse name is the same name.  Otherwise a name never matches, so the
 * request gets received= (RFC 3261 §18.2.1 allows both). */
static bool
via_name_matches(const struct str *host, const struct ip_addr *src)
{
	char name[256];
	struct addrinfo hints, *res = NULL, *ai;
	bool found = false;

	if (host->len == 0 || host->len >= sizeof(name))
		return false;
	memcpy(name, host->s, host->len);
	name[host->len] = '\0';
	if (core_cfg.dns) {
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_DGRAM;
		if (getaddrinfo(name, NULL, &hints, &res) == 0) {
			for (ai = res; ai != NULL && !found; ai = ai->ai_next) {
				struct ip_addr ip;

				ip_addr_from_su(&ip,
				    (const union sockaddr_union *)ai->ai_addr);
				found = ip_addr_eq(&ip, src);
			}
			freeaddrinfo(res);
		}
	}
	if (!found && core_cfg.rev_dns) {
		union sockaddr_union su;
		char rname[NI_MAXHOST];

		su_from_ip_port(&su, src, 0);
		if (getnameinfo(&su.s, su_len(&su), rname, sizeof(rname), NULL,
			0, NI_NAMEREQD) == 0)
			found = strcasecmp(rname, name) == 0;
	}
	return found;
}

/* Delete a Via parameter, with its ';', from the outgoing copy. */
static int
via_param_delete(struct sip_msg *msg, const struct param *p)
{
	const char *s = p->name.s;
	const char *e = p->body.len ? p->body.s + p->body.len
				    : p->name.s + p->name.len;

	if (e < msg->buf + msg->len && *e == '"')
		e++;    /* a quoted value's closing quote */
	while (s > msg->buf && s[-1] != ';')
		s--;
	if (s > msg->buf)
		s--;
	return lump_delete(msg, (size_t)(s - msg->buf), (size_t)(e - s));
}

/* RFC 3581 / RFC 3261 §18.2.1: note where the request really came from.
 * Only we write received, rport and i: a value the sender wrote is
 * replaced, or replies (ours and relayed ones) would go where the sender
 * says (reflection and amplification against third parties), and the
 * forged values would travel downstream as if we had written them. */
static int
via_add_received(struct sip_msg *msg, struct via_body *v)
{
	char ipbuf[64], tmp[160], *q;
	const struct param *p;
	struct ip_addr via_ip;
	struct str h = str_unbracket(v->host);   /* parse_via: "[" has "]" */
	size_t n;
	bool need;
	int rc;

	if (ip_addr_parse(h.s, h.len, &via_ip) == 0)
		need = !ip_addr_eq(&via_ip, &msg->rcv.src_ip);
	else
		need = !via_name_matches(&v->host, &msg->rcv.src_ip);
	need = need || v->rport != NULL || v->received != NULL;
	for (p = v->param_lst; p != NULL; p = p->next)
		if (p == v->received || p == v->rport ||
		    (p->name.len == 1 && (p->name.s[0] == 'i' ||
			p->name.s[0] == 'I')))
			if ((rc = via_param_delete(msg, p)) != 0)
				return rc;
	q = tmp;
	if (v->rport != NULL) {
		q = put_mem(q, ";rport=", 7);
		q = put_num(q, msg->rcv.src_port, 10);
	}
	if (need) {
		n = ip_addr_to_str(&msg->rcv.src_ip, ipbuf, sizeof(ipbuf));
		q = put_mem(q, ";received=", 10);
		q = put_mem(q, ipbuf, n);
	}
	/* over a stream: name the connection, so that the reply goes back
	 * over it (forward_reply) */
	if (proto_is_stream(msg->rcv.proto) && msg->rcv.conn_id > 0) {
		q = put_mem(q, ";i=", 3);
		q = put_num(q, (unsigned)msg->rcv.conn_id, 16);
	}
	if (q == tmp)
		return 0;
	return lump_insert(msg, (size_t)(via_end(v) - msg->buf), tmp,
	    (size_t)(q - tmp));
}

/* The connection id we put in a Via (";i=hex"), 0 if none. */
static int
via_conn_id(const struct via_body *v)
{
	const struct param *p;

	for (p = v->param_lst; p != NULL; p = p->next)
		if (p->name.len == 1 && (p->name.s[0] == 'i' ||
		    p->name.s[0] == 'I') && p->body.len > 0 &&
		    p->body.len < 9) {
			char tmp[9];

			memcpy(tmp, p->body.s, p->body.len);
			tmp[p->body.len] = '\0';
			return (int)strtoul(tmp, NULL, 16);
		}
	return 0;
}

/* A branch that is the same for a retransmission, CANCEL or non-2xx ACK
 * of the same request (RFC 3261 §16.11). */
static size_t
make_branch(struct sip_msg *msg, struct via_body *v, char *out)
{
	struct str parts[6];
	int n = 0;

	memcpy(out, "z9hG4bK", 7);
	if (v != NULL && v->branch != NULL && v->branch->body.len > 7 &&
	    memcmp(v->branch->body.s, "z9hG4bK", 7) == 0) {
		parts[n++] = v->branch->body;
		parts[n++] = v->host;
		parts[n++] = v->port_str;
	} else {
		if (msg->h[HDR_CALLID])
			parts[n++] = msg->h[HDR_CALLID]->body;
		if (msg->h[HDR_CSEQ] && parse_cseq_hf(msg->h[HDR_CSEQ]) == 0)
			parts[n++] = ((struct cseq_body *)
				msg->h[HDR_CSEQ]->parsed)->number;
		if (msg->h[HDR_FROM] && parse_to_hf(msg->h[HDR_FROM]) == 0)
			parts[n++] = ((struct to_body *)
				msg->h[HDR_FROM]->parsed)->tag;
		parts[n++] = msg->first.uri;
		if (v != NULL)
			parts[n++] = v->raw;
	}
	return 7 + hash_hex(parts, n, out + 7);
}

static int
via_insert_ours(struct sip_msg *msg, struct dest_info *d, struct via_body *v,
    const char *given, size_t given_len)
{
	char branch[48], *via, *q;
	struct socket_info *si = d->send_sock;
	const char *pn, *host;
	size_t blen, off, pl, hl;

	if (given != NULL) {
		blen = given_len < sizeof(branch) ? given_len : sizeof(branch);
		memcpy(branch, given, blen);
	} else {
		blen = make_branch(msg, v, branch);
	}
	pn = proto_via_name(d->proto);
	host = socket_via_host(si);
	pl = strlen(pn);
	hl = strlen(host);
	/* "Via: SIP/2.0/" proto SP host ":" port ";branch=" branch CRLF */
	if ((via = pkg_malloc(13 + pl + 1 + hl + 1 + 5 + 8 + blen + 2)) == NULL)
		return E_NOMEM;
	q = put_mem(via, "Via: SIP/2.0/", 13);
	q = put_mem(q, pn, pl);
	*q++ = ' ';
	q = put_mem(q, host, hl);
	*q++ = ':';
	q = put_num(q, si->port, 10);
	q = put_mem(q, ";branch=", 8);
	q = put_mem(q, branch, blen);
	q = put_mem(q, "\r\n", 2);
	off = msg->h[HDR_VIA] ? (size_t)(msg->h[HDR_VIA]->raw.s - msg->buf)
			      : msg_hdrs_start(msg);
	return lump_insert_take(msg, off, via, (size_t)(q - via));
}

/* ---------------------------------------------------------- Max-Forwards */

static int
maxfwd_update(struct sip_msg *msg)
{
	struct hdr_field *h = msg->h[HDR_MAXFORWARDS];
	char tmp[32];
	size_t n;
	int v;

	if (msg->core_flags & MSG_FLAG_MAXFWD_DONE)
		return 0;
	if (h == NULL) {
		static const char dflt[] = "Max-Forwards: " MAX_FWD_DEFAULT_STR
		    "\r\n";

		return lump_insert(msg, msg_hdrs_end(msg), dflt,
		    sizeof(dflt) - 1);
	}
	if ((v = parse_maxfwd(msg)) < 0)
		return E_PARSE;
	if (v == 0)
		return E_TOOBIG;
	n = (size_t)(put_num(tmp, (unsigned)(v - 1), 10) - tmp);
	if (lump_delete(msg, (size_t)(h->body.s - msg->buf), h->body.len))
		return E_NOMEM;
	return lump_insert(msg, (size_t)(h->body.s - msg->buf), tmp, n);
}

/* ---------------------------------------------------------- next hop */

/* The first URI of the message's Path route set (RFC 3327: the next hop
 * of a request to a contact registered through edge proxies). */
static int
path_first_uri(struct sip_msg *msg, struct str *uri)
{
	struct hdr_field h = { .type = HDR_ROUTE };
	struct name_addr *list = NULL;
	int rc;

	h.body = h.raw = (struct str){ msg->path_vec, msg->path_vec_len };
	if ((rc = path_parse(&h, 1024, &list, NULL, NULL)) != 0 ||
	    list == NULL) {
		path_free(list);
		return rc != 0 ? rc : E_PARSE;
	}
	*uri = list->uri;   /* a view into msg->path_vec */
	path_free(list);
	return 0;
}

/* RFC 3261 §16.6 steps 6-7: the next hop from dst_uri, the Path route set,
 * Route or R-URI. */
static int
next_hop(struct sip_msg *msg, struct str *uri, bool *new_first_line)
{
	struct route_entry rs[1];
	int n, rc;

	*new_first_line = msg->new_uri != NULL;
	if (msg->dst_uri != NULL) {
		*uri = (struct str){ msg->dst_uri, msg->dst_uri_len };
		return 0;
	}
	if (msg->path_vec != NULL)
		return path_first_uri(msg, uri);
	*uri = ruri_get(msg);
	if ((n = route_set_collect(msg, rs, 1)) < 0)
		return n;
	if (n == 0)
		return 0;
	if (rs[0].uri.lr_present) {
		*uri = rs[0].na->uri;
		return 0;
	}
	if ((rc = route_strict_rewrite(msg, &rs[0])) != 0)
		return rc;
	*uri = ruri_get(msg);
	*new_first_line = true;
	return 0;
}

static int
dest_from_uri(struct dest_info *d, const struct str *uri, enum proto proto)
{
	struct sip_uri u;
	enum proto p = proto;
	struct str host;
	unsigned short port;

	if (parse_uri(uri->s, uri->len, &u) != 0 || u.type == URI_TEL) {
		LM_ERR_RL("cannot route to '%.*s': not a SIP URI", (int)uri->len,
		    uri->s);
		return E_PARSE;
	}
	if (p == PROTO_NONE)
		p = u.proto != PROTO_NONE ? u.proto
		    : (u.type == URI_SIPS ? PROTO_TLS : PROTO_UDP);
	host = u.maddr.len ? u.maddr : u.host;
	port = u.port_no;
	return dest_resolve(d, &host, port, p);
}

int
forward_next_uri(struct sip_msg *msg, struct str *uri)
{
	bool new_first;
	int rc;

	if ((rc = next_hop(msg, uri, &new_first)) != 0)
		return rc;
	if (new_first)
		msg->core_flags |= MSG_FLAG_NEW_FIRST;
	return 0;
}

int
forward_dest_socket(const struct sip_msg *msg, struct dest_info *d)
{
	if (msg->fwd_conn_id == MSG_CONN_EXISTING &&
	    proto_is_stream(d->proto)) {
		d->conn_id = 0;
		d->existing_only = true;
	} else if (msg->fwd_conn_id != 0 && proto_is_stream(d->proto)) {
		/* MSG_CONN_GONE: conn_id 0 with conn_only matches nothing */
		d->conn_id = msg->fwd_conn_id > 0 ? msg->fwd_conn_id : 0;
		d->conn_only = true;
	}
	d->send_sock = msg->force_send_socket &&
		msg->force_send_socket->proto == d->proto ?
	    msg->force_send_socket : socket_for_dst(&d->to, d->proto);
	return d->send_sock != NULL ? 0 : E_NOTFOUND;
}

void
fwd_host_init(struct fwd_host *fh, const char *name)
{
	struct str h;

	fh->name = str_from(name);
	/* the same test as dest_resolve(): optional brackets, then the
	 * literal (ip_addr_parse() accepts brackets for IPv6 itself) */
	h = str_unbracket(fh->name);
	fh->is_ip = h.len > 0 && h.len < 256 &&
	    ip_addr_parse(h.s, h.len, &fh->ip) == 0;
}

int
forward_dest(struct sip_msg *msg, const struct fwd_host *host,
    unsigned short port, enum proto proto, struct dest_info *d)
{
	struct str uri;
	int rc;

	if ((rc = forward_next_uri(msg, &uri)) != 0)
		return rc;
	if (host != NULL && host->is_ip) {
		port = dest_start(d, &host->name, port, proto);
		su_from_ip_port(&d->to, &host->ip, port);
	} else if (host != NULL)
		rc = dest_resolve(d, &host->name, port,
		    proto == PROTO_NONE ? PROTO_UDP : proto);
	else
		rc = dest_from_uri(d, &uri, proto);
	if (rc != 0)
		return rc;
	if (forward_dest_socket(msg, d) != 0) {
		LM_ERR("no %s socket to forward from (listen=%s:...)",
		    proto_name(d->proto), proto_name(d->proto));
		return E_NOTFOUND;
	}
	return 0;
}

/* Where a Route set to add goes: before the request's first Route
 * header, else after the last header. */
static size_t
route_insert_offset(const struct sip_msg *msg)
{
	const struct hdr_field *h = msg->h[HDR_ROUTE];

	return h != NULL ? (size_t)(h->raw.s - msg->buf) : msg_hdrs_end(msg);
}

/* The Path route set as a Route header before the request's own (RFC
 * 3327 §5.2), for this branch only (taken out with our Via). */
static int
path_insert(struct sip_msg *msg)
{
	size_t n = msg->path_vec_len + 9;
	char *t = pkg_malloc(n + 1);

	if (t == NULL)
		return E_NOMEM;
	memcpy(t, "Route: ", 7);
	memcpy(t + 7, msg->path_vec, msg->path_vec_len);
	memcpy(t + 7 + msg->path_vec_len, "\r\n", 2);
	return lump_insert_take(msg, route_insert_offset(msg), t, n);
}

/* ---------------------------------------------- double Record-Route */

/* record_route() wrote one Record-Route, naming the socket the request
 * came in on.  When this branch leaves by another one (UDP in, TLS out),
 * the next hop must reach us at the outgoing socket and the previous hop
 * at the incoming one, so a Record-Route for the outgoing socket goes on
 * top of it (rr's enable_double_rr; loose_route() takes both out).  The
 * lump's text is swapped for this branch only: *saved keeps the original
 * for rr_double_end().  0 or E_NOMEM. */
static int
rr_double_begin(struct sip_msg *msg, const struct dest_info *d,
    char **saved, size_t *saved_len)
{
	struct lump *l = msg->rr_lump;
	const struct socket_info *si = d->send_sock;
	const char *host, *pn;
	size_t rest, n;
	char *t;

	*saved = NULL;
	if (l == NULL || si == NULL || si == msg->rcv.bind ||
	    msg->rr_rest_off > l->text_len)
		return 0;
	host = socket_via_host(si);
	pn = si->proto != PROTO_UDP ? proto_name(si->proto) : "";
	rest = l->text_len - msg->rr_rest_off;
	n = 32 + strlen(host) + 6 + strlen(pn) + rest + l->text_len;
	if ((t = pkg_malloc(n)) == NULL)
		return E_NOMEM;
	n = (size_t)snprintf(t, n, "Record-Route: <sip:%s:%u%s%s%.*s%.*s",
	    host, (unsigned)si->port, *pn ? ";transport=" : "", pn,
	    (int)rest, l->text + msg->rr_rest_off, (int)l->text_len, l->text);
	*saved = l->text;
	*saved_len = l->text_len;
	l->text = t;
	l->text_len = n;
	return 0;
}

static void
rr_double_end(struct sip_msg *msg, char *saved, size_t saved_len)
{
	if (saved == NULL)
		return;
	pkg_free(msg->rr_lump->text);
	msg->rr_lump->text = saved;
	msg->rr_lump->text_len = saved_len;
}

long
forward_build(struct sip_msg *msg, struct dest_info *d, const char *branch,
    size_t blen, char *buf, size_t size)
{
	struct via_body *v;
	char *first = NULL, *rr_saved = NULL;
	size_t first_len = 0, rr_saved_len = 0;
	struct lump *mark;
	long len;
	int rc;

	if ((v = parse_via_top(msg)) == NULL) {
		LM_ERR_RL("cannot forward a request without a valid Via");
		return E_PARSE;
	}
	/* once per message, whatever the number of branches */
	if (!(msg->core_flags & MSG_FLAG_FWD_PREPARED)) {
		if ((rc = maxfwd_update(msg)) != 0)
			return rc;
		if ((rc = via_add_received(msg, v)) != 0)
			return rc;
		msg->core_flags |= MSG_FLAG_FWD_PREPARED | MSG_FLAG_MAXFWD_DONE;
	}
	/* our Via for this branch only: taken out again after the build */
	mark = msg->add_rm;
	if ((rc = via_insert_ours(msg, d, v, branch, blen)) != 0)
		return rc;
	if (msg->path_vec != NULL && (rc = path_insert(msg)) != 0) {
		len = rc;
		goto out;
	}
	if ((rc = rr_double_begin(msg, d, &rr_saved, &rr_saved_len)) != 0) {
		len = rc;
		goto out;
	}
	if ((msg->core_flags & MSG_FLAG_NEW_FIRST) || msg->new_uri != NULL) {
		struct str ru = ruri_get(msg);

		first_len = msg->first.method.len + ru.len + 12;
		if ((first = pkg_malloc(first_len + 1)) == NULL) {
			len = E_NOMEM;
			goto out;
		}
		first_len = (size_t)snprintf(first, first_len + 1,
		    "%.*s %.*s SIP/2.0\r\n", (int)msg->first.method.len,
		    msg->first.method.s, (int)ru.len, ru.s);
	}
	len = lumps_apply(msg, first, first_len, buf, size);
	pkg_free(first);
out:
	rr_double_end(msg, rr_saved, rr_saved_len);
	while (msg->add_rm != mark) {
		struct lump *l = msg->add_rm;

		msg->add_rm = l->next;
		pkg_free(l->text);
		pkg_free(l);
	}
	return len;
}

int
forward_request(struct sip_msg *msg, const struct fwd_host *host,
    unsigned short port, enum proto proto)
{
	struct dest_info d;
	long len;
	int rc;

	if ((rc = forward_dest(msg, host, port, proto, &d)) != 0)
		return rc;
	if (dst_blacklist_check(d.proto, &d.to))
		return E_BLOCKED;
	len = forward_build(msg, &d, NULL, 0, out_buf, sizeof(out_buf));
	if (len == E_TOOBIG && !(msg->core_flags & MSG_FLAG_FWD_PREPARED)) {
		/* Max-Forwards reached 0 */
		reply_local(msg, 483, "Too Many Hops");
		return (int)len;
	}
	if (len < 0)
		return (int)len;
	rc = msg_send(&d, out_buf, (size_t)len);
	if (rc == 0)
		fwd_stats.fwd_requests++;
	else if (rc == E_IO)
		dst_blacklist_add(d.proto, &d.to, DST_BL_REFUSED);
	return rc;
}

/* ---------------------------------------------------------- replies */

int
forward_reply(struct sip_msg *msg)
{
	struct via_body *v, *next;
	struct hdr_field *h = msg->h[HDR_VIA];
	struct dest_info d;
	struct param *p;
	struct str host;
	unsigned short port;
	long len;
	int rc;

	if ((v = parse_via_top(msg)) == NULL)
		return E_PARSE;
	/* check_via=yes: drop a reply whose top Via is not ours; otherwise
	 * the top Via is taken as ours (Kamailio 1.x behaviour) */
	if (core_cfg.check_via &&
	    !socket_is_myself(&v->host, v->port, v->proto)) {
		LM_DBG("reply's top Via is not ours: dropped");
		return E_NOTFOUND;
	}
	if (v->next != NULL) {
		next = v->next;
		rc = lump_delete(msg, (size_t)(v->raw.s - msg->buf),
		    (size_t)(next->raw.s - v->raw.s));
	} else {
		if (h->next_same == NULL || parse_via_hf(h->next_same) != 0) {
			LM_DBG("reply has no second Via: dropped");
			return E_NOTFOUND;
		}
		next = h->next_same->parsed;
		rc = lump_delete_hdr(msg, h);
	}
	if (rc != 0)
		return rc;
	p = next->received;
	host = (p != NULL && p->body.len) ? p->body : next->host;
	port = next->port;
	if ((p = next->rport) != NULL && p->body.len)
		port = (unsigned short)strtoul(p->body.s, NULL, 10);
	if ((rc = dest_resolve(&d, &host, port, next->proto)) != 0)
		return rc;
	if (proto_is_stream(d.proto))
		d.conn_id = via_conn_id(next);
	len = lumps_apply(msg, NULL, 0, out_buf, sizeof(out_buf));
	if (len < 0)
		return (int)len;
	rc = msg_send(&d, out_buf, (size_t)len);
	if (rc == 0)
		fwd_stats.fwd_replies++;
	return rc;
}

/* A To-tag that stays the same for retransmissions of the request. */
static size_t
make_to_tag(struct sip_msg *msg, char *out)
{
	struct str parts[3];
	int n = 0;
	struct via_body *v = parse_via_top(msg);

	if (msg->h[HDR_CALLID])
		parts[n++] = msg->h[HDR_CALLID]->body;
	if (msg->h[HDR_FROM])
		parts[n++] = msg->h[HDR_FROM]->body;
	if (v != NULL && v->branch != NULL)
		parts[n++] = v->branch->body;
	return hash_hex(parts, n, out);
}

bool
reply_local_acked(struct sip_msg *msg)
{
	struct hdr_field *h = msg->h[HDR_TO];
	struct to_body *tb;
	char tag[40];
	size_t n;

	if (msg->first.type != SIP_REQUEST ||
	    msg->first.method_id != METHOD_ACK || h == NULL ||
	    parse_to_hf(h) != 0)
		return false;
	tb = h->parsed;
	if (tb->tag.len == 0 || tb->tag.len >= sizeof(tag))
		return false;
	n = make_to_tag(msg, tag);
	return n == tb->tag.len && memcmp(tag, tb->tag.s, n) == 0;
}

static int
reply_copy_via(struct sip_msg *msg, char **p, const char *end)
{
	struct hdr_field *h;
	struct via_body *v = parse_via_top(msg);
	char tmp[128], ipbuf[64];
	int rc, n;

	for (h = msg->h[HDR_VIA]; h != NULL; h = h->next_same) {
		if (h != msg->h[HDR_VIA] || v == NULL) {
			rc = str_append(p, end, h->raw.s, h->raw.len);
			if (rc != 0)
				return rc;
			continue;
		}
		/* the top one gets received/rport (RFC 3581) */
		{
			const char *ve = via_end(v);
			const char *rp_end = v->rport && v->rport->body.len == 0
			    ? v->rport->name.s + v->rport->name.len : NULL;
			const char *start = h->raw.s;

			if (rp_end != NULL) {
				if ((rc = str_append(p, end, start,
					 (size_t)(rp_end - start))) != 0)
					return rc;
				n = snprintf(tmp, sizeof(tmp), "=%u",
				    msg->rcv.src_port);
				rc = str_append(p, end, tmp, (size_t)n);
				if (rc != 0)
					return rc;
				start = rp_end;
			}
			rc = str_append(p, end, start, (size_t)(ve - start));
			if (rc != 0)
				return rc;
			if (v->received == NULL) {
				ip_addr_to_str(&msg->rcv.src_ip, ipbuf,
				    sizeof(ipbuf));
				n = snprintf(tmp, sizeof(tmp), ";received=%s",
				    ipbuf);
				rc = str_append(p, end, tmp, (size_t)n);
				if (rc != 0)
					return rc;
			}
			if ((rc = str_append(p, end, ve, (size_t)(h->raw.s +
				 h->raw.len - ve))) != 0)
				return rc;
		}
	}
	return 0;
}

long
reply_build(struct sip_msg *msg, int code, const char *reason, char *buf,
    size_t size)
{
	char *p = buf, *end = buf + size;
	struct hdr_field *h;
	struct lump *l;
	char tag[40];
	const char *hdr;
	int n, rc;

	if (msg->first.type != SIP_REQUEST)
		return E_INVAL;
	if (parse_via_top(msg) == NULL)
		return E_PARSE;
	n = snprintf(p, (size_t)(end - p), "SIP/2.0 %d %s\r\n", code, reason);
	if (n < 0 || n >= end - p)
		return E_TOOBIG;
	p += n;
	if ((rc = reply_copy_via(msg, &p, end)) != 0)
		return rc;
	for (h = msg->headers; h != NULL; h = h->next) {
		if (h->type == HDR_FROM || h->type == HDR_CALLID ||
		    h->type == HDR_CSEQ ||
		    (h->type == HDR_RECORDROUTE && code > 100 && code < 300)) {
			rc = str_append(&p, end, h->raw.s, h->raw.len);
			if (rc != 0)
				return rc;
		} else if (h->type == HDR_TO) {
			struct to_body *tb = parse_to_hf(h) == 0 ? h->parsed
								 : NULL;

			if (tb == NULL || tb->tag.len || code <= 100) {
				rc = str_append(&p, end, h->raw.s, h->raw.len);
			} else {
				/* add ;tag= after the value, before CRLF */
				const char *be = h->body.s + h->body.len;

				rc = str_append(&p, end, h->raw.s,
				    (size_t)(be - h->raw.s));
				if (rc == 0) {
					size_t k = make_to_tag(msg, tag);

					rc = str_append(&p, end, ";tag=", 5);
					if (rc == 0)
						rc = str_append(&p, end, tag,
						    k);
					if (rc == 0)
						rc = str_append(&p, end, be,
						    (size_t)(h->raw.s +
						    h->raw.len - be));
				}
			}
			if (rc != 0)
				return rc;
		}
	}
	for (l = msg->reply_lump; l != NULL; l = l->next)
		if ((rc = str_append(&p, end, l->text, l->text_len)) != 0)
			return rc;
	hdr = core_server_header();
	n = snprintf(p, (size_t)(end - p), "%s%sContent-Length: 0\r\n\r\n",
	    hdr != NULL ? hdr : "", hdr != NULL ? "\r\n" : "");
	if (n < 0 || n >= end - p)
		return E_TOOBIG;
	p += n;
	return (long)(p - buf);
}

void
reply_dest(const struct sip_msg *msg, struct dest_info *d)
{
	const struct hdr_field *h = msg->h[HDR_VIA];
	const struct via_body *v = h != NULL ? h->parsed : NULL;

	/* RFC 3261 §18.2.2 + RFC 3581: back where it came from */
	memset(d, 0, sizeof(*d));
	d->proto = msg->rcv.proto;
	d->send_sock = msg->rcv.bind;
	d->conn_id = msg->rcv.conn_id;
	d->to = msg->rcv.src_su;
	if (d->proto == PROTO_UDP && v != NULL && v->rport == NULL &&
	    !(msg->core_flags & MSG_FLAG_FORCE_RPORT)) {
		unsigned short port = v->port ? v->port : 5060;

		if (d->to.s.sa_family == AF_INET)
			d->to.sin.sin_port = htons(port);
		else
			d->to.sin6.sin6_port = htons(port);
	}
}

int
reply_local(struct sip_msg *msg, int code, const char *reason)
{
	struct dest_info d;
	long len;
	int rc;

	if (msg->first.type != SIP_REQUEST)
		return E_INVAL;
	if (msg->first.method_id == METHOD_ACK)
		return 0;   /* never answer an ACK */
	len = reply_build(msg, code, reason, out_buf, sizeof(out_buf));
	if (len < 0)
		return (int)len;
	reply_dest(msg, &d);
	rc = msg_send(&d, out_buf, (size_t)len);
	if (rc == 0)
		fwd_stats.local_replies++;
	return rc;
}
