/* t_funcs.c: server and client transactions (RFC 3261 §17), the stateful
 * proxy core (§16.6-16.10): relaying, reply selection, CANCEL, timers. */
#define LOG_MODULE "tm"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../api/sr_api.h"
#include "tm.h"

static char tm_buf[TM_BUF_SIZE];

/* The transaction of the message the script runs on in this process
 * (one reference held), for t_relay/t_reply/t_on_*. */
static struct tm_cell *cur;
static const struct sip_msg *cur_msg;

/* ------------------------------------------------------------ helpers */

static int
shm_set(char **dst, size_t *dlen, const char *src, size_t len)
{
	char *p = shm_malloc(len + 1);

	if (p == NULL)
		return E_NOMEM;
	memcpy(p, src, len);
	p[len] = '\0';
	shm_free(*dst);
	*dst = p;
	*dlen = len;
	return 0;
}

/* Parse a pkg copy of a stored message.  0 or E_*; on success the caller
 * ends with msg_copy_free(). */
static int
msg_copy_parse(struct sip_msg *m, char **copy, const char *buf, size_t len)
{
	const char *why;

	if ((*copy = pkg_malloc(len + 1)) == NULL)
		return E_NOMEM;
	memcpy(*copy, buf, len);
	(*copy)[len] = '\0';
	if (parse_msg(*copy, len, m) != 0 || parse_msg_check(m, &why) != 0) {
		free_sip_msg(m);
		pkg_free(*copy);
		return E_PARSE;
	}
	return 0;
}

static void
msg_copy_free(struct sip_msg *m, char *copy)
{
	msg_targets_free(m);
	free_sip_msg(m);
	pkg_free(copy);
}

static bool
all_final(const struct tm_cell *c)
{
	int i;

	for (i = 0; i < c->nbranches; i++)
		if (c->br[i].state != BR_FINAL)
			return false;
	return true;
}

static bool
is_udp(const struct dest_info *d)
{
	return d->proto == PROTO_UDP;
}

/* Start the wait timer once nothing is left to do.  Cell locked. */
static void
maybe_wait(struct tm_cell *c)
{
	if (!c->uas_final || c->in_failure || !all_final(c) || c->wait.linked)
		return;
	if (c->method == METHOD_INVITE && c->uas_code >= 300 &&
	    is_udp(&c->uas_dst) && !c->acked)
		return;   /* timer G/H still running */
	tm_timer_set(&c->wait, (unsigned)tm_cfg.wt_timer * 1000u);
}

/* Send a reply upstream and keep it for retransmissions.  Cell locked. */
static int
uas_send(struct tm_cell *c, const char *buf, size_t len, int code)
{
	int rc;

	if (c->uas_final && !(code >= 200 && code < 300 &&
	    c->method == METHOD_INVITE))
		return 0;   /* only more 2xx after a final one */
	if (shm_set(&c->uas_reply, &c->uas_reply_len, buf, len) != 0)
		return E_NOMEM;
	c->uas_code = code;
	rc = msg_send(&c->uas_dst, buf, len);
	if (code >= 200 && !c->uas_final) {
		c->uas_final = true;
		c->uas_final_ms = get_ticks_ms();
		if (c->method == METHOD_INVITE && code >= 300 &&
		    is_udp(&c->uas_dst)) {
			c->uas_retr_ms = (unsigned)tm_cfg.retr_timer1;
			tm_timer_set(&c->uas_retr, c->uas_retr_ms);
		}
	}
	if (code >= 200)
		maybe_wait(c);
	return rc;
}

/* A local reply built from the stored request.  Cell locked. */
static int
uas_reply_local(struct tm_cell *c, int code, const char *reason)
{
	struct sip_msg m;
	char *copy;
	long len;
	int rc;

	if ((rc = msg_copy_parse(&m, &copy, c->req, c->req_len)) != 0)
		return rc;
	m.rcv = c->rcv;
	m.core_flags = c->core_flags;
	len = reply_build(&m, code, reason, tm_buf, sizeof(tm_buf));
	msg_copy_free(&m, copy);
	if (len < 0)
		return (int)len;
	return uas_send(c, tm_buf, (size_t)len, code);
}

/* Relay a reply (our Via removed) upstream.  Cell locked. */
static int
relay_msg(struct tm_cell *c, struct sip_msg *msg)
{
	struct hdr_field *h = msg->h[HDR_VIA];
	struct via_body *v;
	long len;
	int rc;

	if (h == NULL || parse_via_hf(h) != 0)
		return E_PARSE;
	v = h->parsed;
	if (v->next != NULL)
		rc = lump_delete(msg, (size_t)(v->raw.s - msg->buf),
		    (size_t)(v->next->raw.s - v->raw.s));
	else
		rc = lump_delete_hdr(msg, h);
	if (rc != 0)
		return rc;
	len = lumps_apply(msg, NULL, 0, tm_buf, sizeof(tm_buf));
	if (len < 0)
		return (int)len;
	return uas_send(c, tm_buf, (size_t)len, msg->first.code);
}

static bool
is_challenge(int code)
{
	return code == 401 || code == 407;
}

/* RFC 3261 §16.7 step 7: a 401/407 sent upstream carries the challenges
 * (WWW-Authenticate, Proxy-Authenticate) of every branch that was
 * challenged, so that the UAC answers all of them in one new request.
 * m is the reply of branch b, the one chosen; the others' headers go
 * after its last header.  Cell locked. */
static int
merge_challenges(struct tm_cell *c, int b, struct sip_msg *m)
{
	struct hdr_field *h, *last = NULL;
	struct sip_msg o;
	char *copy;
	size_t at;
	int i, rc = 0;

	for (h = m->headers; h != NULL; h = h->next)
		last = h;
	if (last == NULL)
		return 0;
	at = (size_t)(last->raw.s + last->raw.len - m->buf);
	for (i = 0; i < c->nbranches && rc == 0; i++) {
		if (i == b || c->br[i].reply == NULL ||
		    !is_challenge(c->br[i].code) ||
		    msg_copy_parse(&o, &copy, c->br[i].reply,
		    c->br[i].reply_len) != 0)
			continue;
		for (h = o.headers; h != NULL && rc == 0; h = h->next)
			if (h->type == HDR_WWWAUTHENTICATE ||
			    h->type == HDR_PROXYAUTHENTICATE)
				rc = lump_insert(m, at, h->raw.s, h->raw.len);
		msg_copy_free(&o, copy);
	}
	return rc;
}

static int
relay_stored(struct tm_cell *c, int b)
{
	struct sip_msg m;
	char *copy;
	int rc;

	if ((rc = msg_copy_parse(&m, &copy, c->br[b].reply,
		 c->br[b].reply_len)) != 0)
		return rc;
	if (is_challenge(c->br[b].code) &&
	    (rc = merge_challenges(c, b, &m)) != 0) {
		msg_copy_free(&m, copy);
		return rc;
	}
	rc = relay_msg(c, &m);
	msg_copy_free(&m, copy);
	return rc;
}

/* Build and send an ACK (for a non-2xx reply, To from it) or a CANCEL for
 * branch b (RFC 3261 §17.1.1.3, §9.1): same R-URI, our Via, Route, From,
 * Call-ID and CSeq number as the request we sent.  Cell locked. */
static int
send_hbh(struct tm_cell *c, int b, const char *method, struct sip_msg *reply,
    size_t *len_out)
{
	struct tm_branch *br = &c->br[b];
	struct sip_msg m;
	struct hdr_field *h;
	struct cseq_body *cs;
	char *copy, *p = tm_buf, *end = tm_buf + sizeof(tm_buf);
	int rc, n;

	if ((rc = msg_copy_parse(&m, &copy, br->req, br->req_len)) != 0)
		return rc;
	cs = m.h[HDR_CSEQ]->parsed;
	n = snprintf(p, (size_t)(end - p), "%s %.*s SIP/2.0\r\n", method,
	    STR_FMT(&m.first.uri));
	p += n;
	rc = str_append(&p, end, m.h[HDR_VIA]->raw.s, m.h[HDR_VIA]->raw.len);
	for (h = m.headers; h != NULL && rc == 0; h = h->next) {
		if (h->type == HDR_ROUTE || h->type == HDR_FROM ||
		    h->type == HDR_CALLID)
			rc = str_append(&p, end, h->raw.s, h->raw.len);
		else if (h->type == HDR_TO && reply != NULL &&
		    reply->h[HDR_TO] != NULL)
			rc = str_append(&p, end, reply->h[HDR_TO]->raw.s,
			    reply->h[HDR_TO]->raw.len);
		else if (h->type == HDR_TO)
			rc = str_append(&p, end, h->raw.s, h->raw.len);
	}
	if (rc == 0) {
		n = snprintf(p, (size_t)(end - p), "CSeq: %.*s %s\r\n"
		    "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
		    STR_FMT(&cs->number), method);
		if (n < 0 || n >= end - p)
			rc = E_TOOBIG;
		else
			p += n;
	}
	msg_copy_free(&m, copy);
	if (rc != 0)
		return rc;
	if (len_out != NULL)
		*len_out = (size_t)(p - tm_buf);
	return msg_send(&br->dst, tm_buf, (size_t)(p - tm_buf));
}

/* CANCEL branch b (§9.1).  Over UDP the CANCEL is a non-INVITE client
 * transaction of its own: it is kept and retransmitted with timer E (T1
 * doubling up to T2) until a reply to it comes, the INVITE branch ends,
 * or 64*T1 passed (timer F).  Cell locked. */
static void
send_cancel(struct tm_cell *c, int b)
{
	struct tm_branch *br = &c->br[b];
	size_t len = 0;

	br->cancelled = true;
	if (send_hbh(c, b, "CANCEL", NULL, &len) != 0) {
		LM_DBG("cannot send CANCEL on branch %d", b);
		return;
	}
	if (!is_udp(&br->dst) || len == 0 ||
	    shm_set(&br->cancel, &br->cancel_len, tm_buf, len) != 0)
		return;
	br->cancel_ms = (unsigned)tm_cfg.retr_timer1;
	br->cancel_spent = 0;
	tm_timer_set(&br->cretr, br->cancel_ms);
}

/* The CANCEL of br needs no more retransmissions (a reply to it, or a
 * final reply to the INVITE on that branch).  Cell locked. */
static void
cancel_done(struct tm_branch *br)
{
	tm_timer_stop(&br->cretr);
	shm_free(br->cancel);
	br->cancel = NULL;
	br->cancel_len = 0;
}

static void
fire_cancel_retr(struct tm_cell *c, struct tm_branch *br)
{
	/* not only while the branch is pending: after fr_timer the branch
	 * ends locally (408) while the callee may still ring */
	if (br->cancel == NULL || c->terminated)
		return;
	br->cancel_spent += br->cancel_ms;
	if (br->cancel_spent >= 64u * (unsigned)tm_cfg.retr_timer1)
		return;   /* timer F; the INVITE's own timer ends the branch */
	msg_send(&br->dst, br->cancel, br->cancel_len);
	br->cancel_ms *= 2;
	if (br->cancel_ms > (unsigned)tm_cfg.retr_timer2)
		br->cancel_ms = (unsigned)tm_cfg.retr_timer2;
	tm_timer_set(&br->cretr, br->cancel_ms);
}

static void
branch_stop(struct tm_branch *br)
{
	tm_timer_stop(&br->retr);
	tm_timer_stop(&br->fr);
}

/* CANCEL every pending branch (§16.10; §16.7 step 10).  Cell locked. */
static void
cancel_pending(struct tm_cell *c, int except)
{
	int i;

	if (c->method != METHOD_INVITE)
		return;
	for (i = 0; i < c->nbranches; i++) {
		struct tm_branch *br = &c->br[i];

		if (i == except || br->state != BR_PENDING || br->cancelled)
			continue;
		send_cancel(c, i);
	}
}

/* §16.7 step 6: 6xx first, then the lowest class; 503 becomes 500. */
static int
best_branch(const struct tm_cell *c)
{
	int i, best = -1, bc = 0;

	for (i = 0; i < c->nbranches; i++) {
		int code = c->br[i].code ? c->br[i].code : 503;

		if (c->br[i].state != BR_FINAL)
			continue;
		if (best < 0 || (code >= 600 && bc < 600) ||
		    (bc < 600 && code / 100 < bc / 100)) {
			best = i;
			bc = code;
		}
	}
	return best;
}

static void run_failure(struct tm_cell *c, const char *name);

static bool
in_failure_route(void)
{
	const struct run_ctx *ctx = route_ctx();

	return ctx != NULL && ctx->kind == ROUTE_FAILURE;
}

static bool held_next(struct tm_cell *c);

/* Every branch is final and nothing went upstream yet: the next target
 * held back for serial forking, else failure_route, then the best reply.
 * Cell locked (released during the route). */
static void
finalize(struct tm_cell *c)
{
	char name[TM_ROUTE_NAME_MAX];
	int b, code;

	if (c->uas_final || c->in_failure || !all_final(c))
		return;
	if (c->held != NULL && held_next(c))
		return;
	if (c->on_failure[0] != '\0' && c->nbranches < TM_MAX_BRANCHES) {
		memcpy(name, c->on_failure, sizeof(name));
		c->on_failure[0] = '\0';   /* armed again only by the route */
		c->in_failure = true;
		lock_release(&c->lock);
		run_failure(c, name);
		lock_get(&c->lock);
		c->in_failure = false;
		if (c->uas_final || !all_final(c)) {
			maybe_wait(c);
			return;
		}
	}
	if ((b = best_branch(c)) < 0) {
		uas_reply_local(c, 500, "No Branches");
		return;
	}
	code = c->br[b].code;
	if (c->br[b].reply != NULL && relay_stored(c, b) == 0)
		return;
	if (code == 408)
		uas_reply_local(c, 408, "Request Timeout");
	else if (code == 487)
		uas_reply_local(c, 487, "Request Terminated");
	else if (code == 480)
		uas_reply_local(c, 480, "Temporarily Unavailable");
	else if (code == 430)
		uas_reply_local(c, 430, "Flow Failed");
	else
		uas_reply_local(c, code >= 300 && code != 503 ? code : 503,
		    "Service Unavailable");
}

/* The code of a branch whose connection is gone: 430 Flow Failed when
 * the request named the flow by a flow token (RFC 5626 §5.3: this proxy
 * is the UA's edge proxy), else 480 (the UA's own registration
 * connection). */
static int
closed_code(const struct sip_msg *msg)
{
	return msg->fwd_conn_id == MSG_CONN_EXISTING ? 430 : 480;
}

/* Branch b ends with a local code (timeout, send failure).  Locked. */
static void
branch_local_final(struct tm_cell *c, int b, int code)
{
	struct tm_branch *br = &c->br[b];

	br->state = BR_FINAL;
	br->code = code;
	branch_stop(br);
	finalize(c);
	maybe_wait(c);
}

static bool branch_failover(struct tm_cell *c, int b, int code);

/* ------------------------------------------------------------ replies */

static void
on_branch_reply(struct tm_cell *c, int b, struct sip_msg *msg, bool relay)
{
	struct tm_branch *br = &c->br[b];
	int code = msg->first.code;

	if (code >= 200 && br->cancel != NULL)
		cancel_done(br);   /* the callee answered the INVITE */
	if (br->state == BR_FINAL) {
		if (c->method == METHOD_INVITE && code >= 200 && code < 300)
			relay_msg(c, msg);   /* 2xx retransmission, end to end */
		else if (c->method == METHOD_INVITE && code >= 300)
			send_hbh(c, b, "ACK", msg, NULL);
		return;
	}
	if (br->state != BR_PENDING)
		return;
	if (code < 200) {
		if (br->short_fr && c->method != METHOD_INVITE)
			tm_timer_set(&br->fr, (unsigned)tm_cfg.fr_timer * 1000u);
		br->short_fr = false;   /* the target answers: stay with it */
		if (!br->provisional && c->method == METHOD_INVITE) {
			tm_timer_stop(&br->retr);
			tm_timer_set(&br->fr,
			    (unsigned)tm_cfg.fr_inv_timer * 1000u);
			if (c->cancelled && !br->cancelled) {
				send_cancel(c, b);
			}
		}
		br->provisional = true;
		if (code > br->code)
			br->code = code;
		if (relay && code > 100 && !c->uas_final)
			relay_msg(c, msg);
		return;
	}
	br->state = BR_FINAL;
	br->code = code;
	branch_stop(br);
	if (code < 300) {
		relay_msg(c, msg);
		cancel_pending(c, b);
		maybe_wait(c);
		return;
	}
	if (c->method == METHOD_INVITE)
		send_hbh(c, b, "ACK", msg, NULL);
	if (shm_set(&br->reply, &br->reply_len, msg->buf, msg->len) != 0)
		br->reply = NULL;
	if (code >= 600)
		cancel_pending(c, b);
	finalize(c);
	maybe_wait(c);
}

int
tm_reply_hook(struct sip_msg *msg)
{
	struct via_body *v;
	struct tm_cell *c;
	struct cseq_body *cs;
	const struct route_block *rb = NULL;
	bool relay = true;
	int b;

	if ((v = parse_via_top(msg)) == NULL)
		return 0;
	if (v->branch == NULL ||
	    (c = tm_lookup_branch(&v->branch->body, &b)) == NULL)
		return 0;
	if (msg->h[HDR_CSEQ] == NULL || parse_cseq_hf(msg->h[HDR_CSEQ]) != 0) {
		tm_cell_unref(c);
		return 1;
	}
	cs = msg->h[HDR_CSEQ]->parsed;
	if (cs->method_id == METHOD_CANCEL && c->method == METHOD_INVITE &&
	    b < c->nbranches && msg->first.code >= 200) {
		/* the reply to our CANCEL ends its retransmissions; it goes
		 * no further (§16.7: absorbed) */
		lock_get(&c->lock);
		cancel_done(&c->br[b]);
		lock_release(&c->lock);
		tm_cell_unref(c);
		return 1;
	}
	if (b >= c->nbranches || cs->method_id != c->method) {
		tm_cell_unref(c);   /* e.g. a 1xx for our CANCEL */
		return 1;
	}
	if (c->on_reply[0] != '\0')
		rb = route_get(ROUTE_ONREPLY, c->on_reply);
	if (rb != NULL) {
		struct run_ctx ctx = { .kind = ROUTE_ONREPLY };
		struct tm_cell *sc = cur;
		const struct sip_msg *sm = cur_msg;

		cur = c;
		cur_msg = msg;
		if (route_run(rb, msg, &ctx) & RUN_DROP)
			relay = msg->first.code >= 200;   /* finals go on */
		cur = sc;
		cur_msg = sm;
	}
	lock_get(&c->lock);
	on_branch_reply(c, b, msg, relay);
	lock_release(&c->lock);
	tm_cell_unref(c);
	return 1;
}

/* ------------------------------------------------------------ requests */

int
tm_request_hook(struct sip_msg *msg)
{
	enum method_id m = msg->first.method_id;
	struct tm_cell *c;
	int ret = 1;

	if ((c = tm_lookup_request(msg, m)) == NULL)
		return 0;
	lock_get(&c->lock);
	if (m == METHOD_ACK) {
		if (c->uas_final && c->uas_code >= 300) {
			c->acked = true;   /* ends timer G; absorbed */
			tm_timer_stop(&c->uas_retr);
			maybe_wait(c);
		} else {
			ret = 0;   /* an ACK for a 2xx: end to end */
		}
	} else if (c->uas_reply != NULL) {
		msg_send(&c->uas_dst, c->uas_reply, c->uas_reply_len);
	}
	lock_release(&c->lock);
	tm_cell_unref(c);
	return ret;
}

void
tm_done_hook(struct sip_msg *msg)
{
	if (cur != NULL && cur_msg == msg) {
		tm_cell_unref(cur);
		cur = NULL;
		cur_msg = NULL;
	}
}

/* ------------------------------------------------------------ timers */

static void
fire_uas_retr(struct tm_cell *c)
{
	if (c->acked || c->terminated || c->uas_reply == NULL)
		return;
	if (get_ticks_ms() - c->uas_final_ms >=
	    64u * (unsigned)tm_cfg.retr_timer1) {
		c->acked = true;   /* timer H: give up */
		maybe_wait(c);
		return;
	}
	msg_send(&c->uas_dst, c->uas_reply, c->uas_reply_len);
	c->uas_retr_ms *= 2;
	if (c->uas_retr_ms > (unsigned)tm_cfg.retr_timer2)
		c->uas_retr_ms = (unsigned)tm_cfg.retr_timer2;
	tm_timer_set(&c->uas_retr, c->uas_retr_ms);
}

static void
fire_br_retr(struct tm_cell *c, struct tm_branch *br)
{
	if (br->state != BR_PENDING || c->terminated ||
	    (c->method == METHOD_INVITE && br->provisional))
		return;
	msg_send(&br->dst, br->req, br->req_len);
	if (c->method == METHOD_INVITE || !br->provisional)
		br->retr_ms *= 2;
	if (c->method != METHOD_INVITE &&
	    (br->provisional || br->retr_ms > (unsigned)tm_cfg.retr_timer2))
		br->retr_ms = (unsigned)tm_cfg.retr_timer2;
	tm_timer_set(&br->retr, br->retr_ms);
}

static void
fire_wait(struct tm_cell *c)
{
	int i;

	c->terminated = true;
	tm_timer_stop(&c->uas_retr);
	for (i = 0; i < TM_MAX_BRANCHES; i++) {
		branch_stop(&c->br[i]);
		tm_timer_stop(&c->br[i].cretr);
	}
}

void
tm_timer_fire(struct tm_cell *c, int kind, int b)
{
	struct tm_branch *br = &c->br[b];

	lock_get(&c->lock);
	switch (kind) {
	case TMT_UAS_RETR:
		fire_uas_retr(c);
		break;
	case TMT_BR_RETR:
		fire_br_retr(c, br);
		break;
	case TMT_BR_CANCEL:
		fire_cancel_retr(c, br);
		break;
	case TMT_BR_FR:
		/* no reply at all from this target: it is skipped for a while
		 * (use_dst_blacklist), and the next one tried, if any */
		if (br->state == BR_PENDING && br->code == 0 &&
		    !br->provisional)
			dst_blacklist_add(br->dst.proto, &br->dst.to,
			    DST_BL_TIMEOUT);
		if (branch_failover(c, b, 408))
			break;
		if (br->state == BR_PENDING && !c->terminated) {
			/* RFC 3261 §9.1: no CANCEL before a provisional
			 * reply, unless noisy_ctimer asks for one */
			if (c->method == METHOD_INVITE && !br->cancelled &&
			    (br->provisional || tm_cfg.noisy_ctimer)) {
				send_cancel(c, b);
			}
			branch_local_final(c, b, 408);
		}
		break;
	case TMT_WAIT:
		fire_wait(c);
		lock_release(&c->lock);
		tm_cell_remove(c);
		return;
	}
	lock_release(&c->lock);
}

/* ------------------------------------------------------------ relaying */

/* Keep what failure_route needs of the request as t_relay() saw it. */
static void
snapshot(struct tm_cell *c, struct sip_msg *msg)
{
	struct lump *l;
	size_t text = 0, off;
	int n = 0, i = 0;
	char *blob;

	if (c->snap_done)
		return;
	c->snap_done = true;
	c->msg_flags = msg->flags;
	c->core_flags = msg->core_flags;
	if (msg->new_uri != NULL)
		shm_set(&c->new_uri, &c->new_uri_len, msg->new_uri,
		    msg->new_uri_len);
	for (l = msg->add_rm; l != NULL; l = l->next, n++)
		text += l->text_len;
	if (n == 0)
		return;
	off = sizeof(struct tm_lump) * (size_t)n;
	if ((c->lumps = shm_malloc(off + text + 1)) == NULL)
		return;
	blob = (char *)c->lumps + off;
	for (l = msg->add_rm; l != NULL; l = l->next, i++) {
		c->lumps[i] = (struct tm_lump){ .op = (int)l->op,
			.offset = l->offset, .len = l->len,
			.text_off = (size_t)(blob - (char *)c->lumps),
			.text_len = l->text_len };
		if (l->text_len)
			memcpy(blob, l->text, l->text_len);
		blob += l->text_len;
	}
	c->nlumps = n;
}

/* The request as failure_route sees it: the stored copy with the edits
 * made before t_relay().  0 or E_*. */
static int
fake_request(struct tm_cell *c, struct sip_msg *m, char **copy)
{
	int i, rc;

	if ((rc = msg_copy_parse(m, copy, c->req, c->req_len)) != 0)
		return rc;
	m->rcv = c->rcv;
	m->flags = c->msg_flags;
	m->core_flags = c->core_flags;
	if (c->new_uri != NULL) {
		m->new_uri = pkg_strndup(c->new_uri, c->new_uri_len);
		m->new_uri_len = m->new_uri ? c->new_uri_len : 0;
	}
	/* the list is newest first: restore oldest first */
	for (i = c->nlumps - 1; i >= 0 && rc == 0; i--) {
		const struct tm_lump *l = &c->lumps[i];

		if (l->op == LUMP_DEL)
			rc = lump_delete(m, l->offset, l->len);
		else
			rc = lump_insert(m, l->offset,
			    (const char *)c->lumps + l->text_off, l->text_len);
	}
	if (rc != 0)
		msg_copy_free(m, *copy);
	return rc;
}

static void
run_failure(struct tm_cell *c, const char *name)
{
	const struct route_block *rb = route_get(ROUTE_FAILURE, name);
	struct run_ctx ctx = { .kind = ROUTE_FAILURE };
	struct tm_cell *sc = cur;
	const struct sip_msg *sm = cur_msg;
	struct sip_msg m;
	char *copy;

	if (rb == NULL) {
		LM_ERR("failure_route[%s] does not exist", name);
		return;
	}
	if (fake_request(c, &m, &copy) != 0)
		return;
	cur = c;
	cur_msg = &m;
	route_run(rb, &m, &ctx);
	cur = sc;
	cur_msg = sm;
	msg_copy_free(&m, copy);
}

/* ------------------------------------------------------------ targets */

static int relay_resolve(struct sip_msg *msg, const struct str *host,
    unsigned short port, enum proto proto, struct tm_targets *tl,
    struct str *dhost);
static int add_branch(struct tm_cell *c, struct sip_msg *msg,
    const struct tm_targets *tl, const struct str *dhost);

/* Keep b for serial forking, after the ones already held.  Cell locked.
 * 0 or E_NOMEM. */
static int
held_add(struct tm_cell *c, const struct branch *b)
{
	struct tm_held *h, **pp;

	h = shm_malloc(sizeof(*h) + b->uri_len + b->dst_uri_len + b->path_len);
	if (h == NULL)
		return E_NOMEM;
	h->next = NULL;
	h->uri_len = b->uri_len;
	h->dst_uri_len = b->dst_uri_len;
	h->path_len = b->path_len;
	h->conn_id = b->conn_id;
	h->sock = b->sock;
	h->flags = b->flags;
	memcpy(h->buf, b->uri, b->uri_len);
	if (b->dst_uri_len)
		memcpy(h->buf + b->uri_len, b->dst_uri, b->dst_uri_len);
	if (b->path_len)
		memcpy(h->buf + b->uri_len + b->dst_uri_len, b->path,
		    b->path_len);
	for (pp = &c->held; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = h;
	return 0;
}

/* Send held target h as a new branch of c, from the request as
 * failure_route would see it.  No lock held.  0 or E_*. */
static int
held_send(struct tm_cell *c, const struct tm_held *h)
{
	struct branch b = { .uri = h->buf,
		.uri_len = h->uri_len,
		.dst_uri = h->dst_uri_len ? h->buf + h->uri_len : NULL,
		.dst_uri_len = h->dst_uri_len,
		.path = h->path_len ? h->buf + h->uri_len + h->dst_uri_len
		                    : NULL,
		.path_len = h->path_len,
		.q = -1,
		.conn_id = h->conn_id,
		.sock = h->sock,
		.flags = h->flags };
	struct tm_cell *sc = cur;
	const struct sip_msg *sm = cur_msg;
	struct tm_targets tl;
	struct str dhost;
	struct sip_msg m;
	char *copy;
	int rc;

	if ((rc = fake_request(c, &m, &copy)) != 0)
		return rc;
	cur = c;
	cur_msg = &m;
	if ((rc = msg_target_set(&m, &b)) == 0 &&
	    (rc = relay_resolve(&m, NULL, 0, PROTO_NONE, &tl, &dhost)) == 0)
		rc = add_branch(c, &m, &tl, &dhost);
	cur = sc;
	cur_msg = sm;
	msg_copy_free(&m, copy);
	return rc;
}

/* Every branch failed: the next held target goes out (RFC 5626 §5.3:
 * another flow of the UA), unless a 6xx came or the request was
 * cancelled.  Cell locked (released while sending).  True when a branch
 * is out again. */
static bool
held_next(struct tm_cell *c)
{
	struct tm_held *h;
	int b, rc;

	/* only when the flows failed (a timeout, a transport error, the
	 * flow's proxy said 430 or found no connection): a UA's own answer
	 * (486, 603 ...) ends the call */
	for (b = 0; b < c->nbranches; b++) {
		int k = c->br[b].code;

		if (k >= 300 && k != 408 && k != 430 && k != 480 && k != 503)
			return false;
	}
	while ((h = c->held) != NULL && !c->cancelled && !c->terminated &&
	    c->nbranches < TM_MAX_BRANCHES) {
		c->held = h->next;
		c->in_failure = true; /* no finalize() meanwhile */
		lock_release(&c->lock);
		rc = held_send(c, h);
		lock_get(&c->lock);
		c->in_failure = false;
		LM_DBG("serial target %.*s: %s", (int)h->uri_len, h->buf,
		    rc == 0 ? "sent" : err_str(rc));
		shm_free(h);
		if (rc == 0 && !all_final(c))
			return true;
	}
	return false;
}

/* The value of the integer-named AVP id as a string ("" if none). */
static void
avp_save(long id, char *out)
{
	struct avp_value v;

	out[0] = '\0';
	if (id <= 0 || !avp_get_int_name(id, &v) || !v.is_str ||
	    v.s.len == 0 || v.s.len >= TM_HOST_MAX)
		return;
	memcpy(out, v.s.s, v.s.len);
	out[v.s.len] = '\0';
}

static void
avp_put(long id, const char *val)
{
	struct avp_name n = { .id = id };
	struct avp_value v = { .is_str = true, .s = { val, strlen(val) } };

	if (id > 0 && val[0] != '\0')
		avp_add(&n, &v);
}

static void
avp_drop(long id)
{
	struct avp_name n = { .id = id };

	if (id > 0)
		avp_del(&n);
}

/* The targets after index i, for failover; NULL if none (or no memory:
 * then the branch simply has no second chance). */
static struct tm_alt *
alt_new(const struct tm_targets *tl, int i)
{
	struct tm_alt *a;

	if (i >= tl->n || (a = shm_malloc(sizeof(*a))) == NULL)
		return NULL;
	a->tl = *tl;
	a->next = i;
	avp_save(transport_tls_domain_avp(), a->dom);
	avp_save(transport_tls_sni_avp(), a->sni);
	return a;
}

/* Send a branch's request from a process that no longer has the
 * request's AVPs (timer): the TLS AVPs are put back around the send, so
 * that the transport picks the client domain and SNI the script chose
 * (whatever a failure_route run in this process may have left there
 * goes first). */
static int
alt_send(struct tm_branch *br, const struct tm_alt *a)
{
	long dom = transport_tls_domain_avp(), sni = transport_tls_sni_avp();
	int rc;

	if (br->dst.proto != PROTO_TLS)
		return msg_send(&br->dst, br->req, br->req_len);
	avp_drop(dom);
	avp_drop(sni);
	avp_put(dom, a->dom);
	avp_put(sni, a->sni);
	rc = msg_send(&br->dst, br->req, br->req_len);
	avp_drop(dom);
	avp_drop(sni);
	return rc;
}

/* The branch was sent: retransmissions over UDP, and its final response
 * timer (failover_timer while other targets are left).  Cell locked. */
static void
branch_arm(struct tm_branch *br)
{
	unsigned ms = (unsigned)tm_cfg.fr_timer * 1000u;

	br->state = BR_PENDING;
	if (is_udp(&br->dst)) {
		br->retr_ms = (unsigned)tm_cfg.retr_timer1;
		tm_timer_set(&br->retr, br->retr_ms);
	}
	br->short_fr = false;
	if (tm_cfg.failover_timer > 0 && br->alt != NULL &&
	    br->alt->next < br->alt->tl.n &&
	    (unsigned)tm_cfg.failover_timer < ms) {
		ms = (unsigned)tm_cfg.failover_timer;
		br->short_fr = true;
	}
	tm_timer_set(&br->fr, ms);
}

static void
branch_set_dst(struct tm_branch *br, const struct dest_info *d,
    const struct str *host)
{
	br->dst = *d;
	br->dst.host.len = host->len < TM_HOST_MAX ? host->len : 0;
	memcpy(br->host, host->s, br->dst.host.len);
	br->dst.host.s = br->host;
}

/* The request of branch b rewritten for another target: our Via (the
 * first "Via: SIP/2.0/" line: forward_build put it before every other
 * Via) gets d's transport and sent-by and the given branch id.  Length
 * or E_*. */
static long
req_retarget(const char *req, size_t len, const struct dest_info *d,
    const char *branch, size_t blen, char *out, size_t size)
{
	const char *v, *e;
	char via[320];
	size_t head, tail;
	int n;

	if ((v = memmem(req, len, "\r\nVia: SIP/2.0/", 15)) == NULL)
		return E_PARSE;
	v += 2;
	if ((e = memmem(v, len - (size_t)(v - req), "\r\n", 2)) == NULL)
		return E_PARSE;
	e += 2;
	n = snprintf(via, sizeof(via), "Via: SIP/2.0/%s %s:%u;branch=%.*s\r\n",
	    proto_via_name(d->proto), socket_via_host(d->send_sock),
	    d->send_sock->port, (int)blen, branch);
	if (n < 0 || (size_t)n >= sizeof(via))
		return E_TOOBIG;
	head = (size_t)(v - req);
	tail = len - (size_t)(e - req);
	if (head + (size_t)n + tail > size)
		return E_TOOBIG;
	memcpy(out, req, head);
	memcpy(out + head, via, (size_t)n);
	memcpy(out + head + (size_t)n, e, tail);
	return (long)(head + (size_t)n + tail);
}

/* Branch b got no reply from its target and failed there (code 503: a
 * transport error, 408: a timeout).  RFC 3263 §4.3: try the next target
 * of its list on a new branch (a new id, the same request), which takes
 * the rest of the list over; b ends with code, quietly (the new branch
 * keeps the transaction going).  Cell locked.  True when a next target
 * took the request; false: the caller ends b as it would have. */
static bool
branch_failover(struct tm_cell *c, int b, int code)
{
	struct tm_branch *br = &c->br[b], *nbr;
	struct tm_alt *alt = br->alt;
	char branch[64];
	size_t blen;
	long len;
	int nb = c->nbranches;

	if (alt == NULL || br->state != BR_PENDING || br->code != 0 ||
	    c->uas_final || c->cancelled || c->terminated ||
	    nb >= TM_MAX_BRANCHES)
		return false;
	nbr = &c->br[nb];
	blen = tm_branch_fmt(c, nb, branch);
	while (alt->next < alt->tl.n) {
		const struct tm_target *t = &alt->tl.t[alt->next++];
		struct dest_info d = { .proto = t->proto, .to = t->to };
		struct socket_info *si = br->dst.send_sock;

		if (dst_blacklist_check(t->proto, &t->to))
			continue;

		d.send_sock = si != NULL && si->proto == t->proto &&
			si->su.s.sa_family == t->to.s.sa_family ?
		    si : socket_for_dst(&t->to, t->proto);
		if (d.send_sock == NULL)
			continue;
		len = req_retarget(br->req, br->req_len, &d, branch, blen,
		    tm_buf, sizeof(tm_buf));
		if (len < 0 || shm_set(&nbr->req, &nbr->req_len, tm_buf,
		    (size_t)len) != 0)
			return false;
		branch_set_dst(nbr, &d, &br->dst.host);
		if (alt_send(nbr, alt) != 0)
			continue;
		shm_free(nbr->reply);
		nbr->reply = NULL;
		nbr->reply_len = 0;
		nbr->code = 0;
		nbr->provisional = nbr->cancelled = false;
		nbr->alt = alt;
		br->alt = NULL;
		br->state = BR_FINAL;
		br->code = code;
		branch_stop(br);
		c->nbranches++;
		branch_arm(nbr);
		LM_DBG("branch %d failed (%d): trying target %d of %d as "
		       "branch %d", b, code, alt->next, alt->tl.n, nb);
		return true;
	}
	return false;
}

/* Where the request goes (RFC 3263): the targets of the next hop, and the
 * host name TLS checks the server against and may send as SNI: the
 * domain of the URI, not an SRV target (RFC 5922 §4).  0 or E_*. */
static int
relay_resolve(struct sip_msg *msg, const struct str *host,
    unsigned short port, enum proto proto, struct tm_targets *tl,
    struct str *dhost)
{
	struct sip_uri u;
	struct str uri;
	bool sips = false;
	int rc;

	if ((rc = forward_next_uri(msg, &uri)) != 0)
		return rc;
	if (host != NULL) {
		*dhost = *host;
	} else {
		if (parse_uri(uri.s, uri.len, &u) != 0 || u.type == URI_TEL) {
			LM_ERR_RL("cannot route to '%.*s': not a SIP URI",
			    (int)uri.len, uri.s);
			return E_PARSE;
		}
		if (proto == PROTO_NONE)
			proto = u.proto;
		sips = u.type == URI_SIPS;
		*dhost = u.maddr.len ? u.maddr : u.host;
		port = u.port_no;
	}
	rc = tm_dns_resolve(dhost, port, proto, sips, tl);
	if (rc != 0)
		LM_DBG("cannot resolve %.*s: %s", STR_FMT(dhost), err_str(rc));
	return rc;
}

/* An ACK (for a 2xx: end to end, no transaction) to the first target
 * that takes it, resolved as a request would be.  0 or E_*. */
static int
relay_stateless(struct sip_msg *msg, const struct str *host,
    unsigned short port, enum proto proto)
{
	struct tm_targets tl;
	struct str dhost;
	long len;
	int i, rc;

	if ((rc = relay_resolve(msg, host, port, proto, &tl, &dhost)) != 0)
		return rc;
	rc = E_NOTFOUND;
	for (i = 0; i < tl.n && rc != 0; i++) {
		struct dest_info d = { .proto = tl.t[i].proto,
			.to = tl.t[i].to, .host = dhost };

		if (dst_blacklist_check(d.proto, &d.to) ||
		    forward_dest_socket(msg, &d) != 0)
			continue;
		len = forward_build(msg, &d, NULL, 0, tm_buf, sizeof(tm_buf));
		if (len < 0)
			return (int)len;
		rc = msg_send(&d, tm_buf, (size_t)len);
	}
	if (rc == 0)
		fwd_stats.fwd_requests++;
	return rc;
}

/* Add one branch to c for msg and send it to the first target of tl that
 * takes it (a send that fails at once moves on to the next target); the
 * targets left stay with the branch for failover.  0 or E_*. */
static int
add_branch(struct tm_cell *c, struct sip_msg *msg, const struct tm_targets *tl,
    const struct str *dhost)
{
	char branch[64];
	const struct route_block *rb = NULL;
	struct tm_branch *br;
	size_t blen;
	long len;
	int b, i, blocked = 0, rc = E_NOTFOUND;

	lock_get(&c->lock);
	if (c->nbranches >= TM_MAX_BRANCHES || c->uas_final) {
		lock_release(&c->lock);
		return E_TOOBIG;
	}
	b = c->nbranches++;
	br = &c->br[b];
	br->state = BR_BUILDING;
	if (c->on_branch[0] != '\0')
		rb = route_get(ROUTE_BRANCH, c->on_branch);
	lock_release(&c->lock);

	if (rb != NULL) {
		struct run_ctx ctx = { .kind = ROUTE_BRANCH };

		if (route_run(rb, msg, &ctx) & RUN_DROP) {
			lock_get(&c->lock);
			br->state = BR_FINAL;
			br->code = 0;
			lock_release(&c->lock);
			return E_NOTFOUND;
		}
	}
	blen = tm_branch_fmt(c, b, branch);
	for (i = 0; i < tl->n; i++) {
		struct dest_info d = { .proto = tl->t[i].proto,
			.to = tl->t[i].to, .host = *dhost };

		if (dst_blacklist_check(d.proto, &d.to)) {
			LM_DBG("target %d is in the destination blocklist", i);
			blocked++;
			continue;
		}
		if (forward_dest_socket(msg, &d) != 0) {
			LM_DBG("no %s socket for target %d", proto_name(d.proto),
			    i);
			continue;
		}
		len = forward_build(msg, &d, branch, blen, tm_buf,
		    sizeof(tm_buf));
		if (len < 0) {
			rc = (int)len;
			break;
		}
		lock_get(&c->lock);
		if (!in_failure_route())
			snapshot(c, msg);
		branch_set_dst(br, &d, dhost);
		if ((rc = shm_set(&br->req, &br->req_len, tm_buf,
		    (size_t)len)) != 0 ||
		    (rc = msg_send(&br->dst, br->req, br->req_len)) != 0) {
			lock_release(&c->lock);
			if (rc == E_IO)
				dst_blacklist_add(d.proto, &d.to,
				    DST_BL_REFUSED);
			if (rc == E_NOMEM)
				break;
			continue;
		}
		br->alt = alt_new(tl, i + 1);
		branch_arm(br);
		lock_release(&c->lock);
		return 0;
	}
	if (blocked > 0 && blocked == tl->n)
		LM_LOG_RL(L_INFO, "every target of %.*s is in the destination "
		    "blocklist (use_dst_blacklist): 503", STR_FMT(dhost));
	else if (rc == E_NOTFOUND && i == tl->n && tl->n > 0)
		LM_ERR_RL("no %s socket to forward from for any target of %.*s "
		    "(listen=%s:...)", proto_name(tl->t[tl->n - 1].proto),
		    STR_FMT(dhost), proto_name(tl->t[tl->n - 1].proto));
	lock_get(&c->lock);
	br->state = BR_FINAL;
	/* E_CLOSED: the connection the UA registered on is gone (430: the
	 * flow a Route's flow token named, RFC 5626 §5.3) */
	br->code = rc == E_TOOBIG ? 483
	    : rc == E_CLOSED      ? closed_code(msg)
	                          : 503;
	lock_release(&c->lock);
	return rc;
}

/* ------------------------------------------------------------ transport
 * failures reported by the TCP/TLS owner (tcp_fail_hook_add, and
 * tcp_closed_hook_add for every connection closed) */

#define FAIL_RING 256
#define FAIL_CELLS 64

/* in shm; guarded by lock */
struct fail_ring {
	struct gen_lock lock;
	unsigned head, tail;
	int id[FAIL_RING];
};
static struct fail_ring *ring;

int
tm_conn_fail_init(void)
{
	int rc;

	if ((ring = shm_zalloc(sizeof(*ring))) == NULL)
		return E_NOMEM;
	lock_init(&ring->lock);
	proc_watch_locks(&ring->lock, 0, 1, "tm failure ring");
	/* a connection that closes before the request sent over it got
	 * anything back failed it as surely as an unsent one (RFC 3261
	 * §18.4: a transport error): a peer proxy killed after we wrote */
	if ((rc = tcp_fail_hook_add(tm_conn_fail_note)) != 0)
		return rc;
	return tcp_closed_hook_add(tm_conn_fail_note);
}

/* Called with any locks held (even a cell's): only note the id.  A full
 * ring drops it; the branches then end by fr_timer. */
void
tm_conn_fail_note(int conn_id)
{
	lock_get(&ring->lock);
	if (ring->head - ring->tail < FAIL_RING)
		ring->id[ring->head++ % FAIL_RING] = conn_id;
	lock_release(&ring->lock);
}

/* RFC 3261 §8.1.3.1 / §17.1.4: a transport error counts as a 503 for
 * every branch that had nothing back over that connection. */
static void
conn_fail_one(int id)
{
	struct tm_cell *cells[FAIL_CELLS];
	int i, b, n = tm_cells_by_conn(id, cells, FAIL_CELLS);

	for (i = 0; i < n; i++) {
		struct tm_cell *c = cells[i];

		lock_get(&c->lock);
		for (b = 0; b < c->nbranches; b++) {
			struct tm_branch *br = &c->br[b];

			if (br->state != BR_PENDING || br->dst.conn_id != id ||
			    br->code != 0 || c->terminated)
				continue;
			LM_DBG("branch %d: connection %d failed", b, id);
			/* a UA's own connection closed: it is unreachable */
			if (br->dst.conn_only)
				branch_local_final(c, b, 480);
			else if (br->dst.existing_only)
				branch_local_final(c, b, 430);
			else if (!branch_failover(c, b, 503))
				branch_local_final(c, b, 503);
		}
		lock_release(&c->lock);
		tm_cell_unref(c);
	}
}

void
tm_conn_fail_run(void)
{
	int ids[32], n = 0, i;

	if (ring == NULL)
		return;
	lock_get(&ring->lock);
	while (ring->tail != ring->head && n < 32)
		ids[n++] = ring->id[ring->tail++ % FAIL_RING];
	lock_release(&ring->lock);
	for (i = 0; i < n; i++)
		conn_fail_one(ids[i]);
}

/* A CANCEL for a transaction we have: 200 to it, CANCEL the branches
 * (§16.10).  Returns a script value. */
static int
relay_cancel(struct sip_msg *msg, struct tm_cell *inv)
{
	/* the 200 first, so that it goes up before the 487 */
	tm_reply(msg, 200, "canceling");
	lock_get(&inv->lock);
	inv->cancelled = true;
	cancel_pending(inv, -1);
	lock_release(&inv->lock);
	tm_cell_unref(inv);
	return 1;
}

/* Out of shared memory for a new transaction: answer 503 with
 * Retry-After at once, statelessly (the caller would otherwise
 * retransmit into a full proxy until it times out), count it, and say
 * so once per interval with the sizes.  Script value 0: the request is
 * answered, stop. */
static int
shm_short(struct sip_msg *msg)
{
	static uint64_t last_log;
	static unsigned since;
	uint64_t now = get_ticks_ms();

	stat_add(tm_stat_shm_refused, 1);
	since++;
	if (last_log == 0 || now - last_log >= TM_SHM_LOG_MS) {
		LM_ERR("out of shared memory: a transaction needs %zu bytes "
		    "and its request %zu, %zu of %zu bytes are free; new "
		    "transactions get 503 until memory frees (%u refused "
		    "here since the last report; raise -m)",
		    tm_cell_size(), msg->len, shm_free_bytes(),
		    shm_used_bytes() + shm_free_bytes(), since);
		last_log = now;
		since = 0;
	}
	if (msg->first.method_id != METHOD_ACK &&
	    lump_reply_add(msg, "Retry-After: 5\r\n", 15) == 0)
		reply_local(msg, 503, "Out Of Memory");
	return 0;
}

int
tm_newtran(struct sip_msg *msg)
{
	struct tm_cell *c;
	bool found;
	int err = 0;

	if (cur != NULL && cur_msg == msg)
		return 1;
	if (msg->first.type != SIP_REQUEST || msg->first.method_id ==
	    METHOD_ACK)
		return -1;
	if ((c = tm_cell_new(msg, &found, &err)) == NULL) {
		if (err == E_NOMEM)
			return shm_short(msg);
		if (err != E_PARSE)
			LM_ERR("cannot create a transaction: %s", err_str(err));
		return -1;
	}
	if (found) {
		/* a retransmission that raced with the first copy */
		lock_get(&c->lock);
		if (c->uas_reply != NULL)
			msg_send(&c->uas_dst, c->uas_reply, c->uas_reply_len);
		lock_release(&c->lock);
		tm_cell_unref(c);
		return 0;
	}
	cur = c;
	cur_msg = msg;
	return 1;
}

/* A branch of cur for every target of msg's destination set, each made
 * the message's current target in turn; the first target comes back
 * and the set is emptied.  0 when at least one branch was sent, else the
 * error of the last. */
static int
relay_branches(struct sip_msg *msg, enum proto proto)
{
	struct tm_targets tl;
	struct branch saved;
	struct str dhost;
	int i, n = branch_count(msg), rc = E_NOTFOUND, ok = 0;

	lock_get(&cur->lock);
	if (!in_failure_route())
		snapshot(cur, msg);   /* failure_route sees the first target */
	lock_release(&cur->lock);
	if (msg_target_save(msg, &saved) != 0)
		return E_NOMEM;
	for (i = 0; i < n; i++) {
		const struct branch *b = branch_get(msg, i);

		if (b->serial && !in_failure_route()) {
			lock_get(&cur->lock);
			if (held_add(cur, b) != 0)
				LM_DBG("serial target %.*s dropped: no shm",
				    (int)b->uri_len, b->uri);
			lock_release(&cur->lock);
			continue;
		}
		if ((rc = msg_target_set(msg, b)) != 0 ||
		    (rc = relay_resolve(msg, NULL, 0, proto, &tl, &dhost)) != 0 ||
		    (rc = add_branch(cur, msg, &tl, &dhost)) != 0) {
			LM_DBG("branch to %.*s not sent: %s", (int)b->uri_len,
			    b->uri, err_str(rc));
			continue;
		}
		ok++;
	}
	if (msg_target_set(msg, &saved) != 0)
		LM_ERR("cannot restore the request's first target");
	branch_free_copy(&saved);
	branch_clear(msg);
	return ok > 0 ? 0 : rc;
}

int
tm_relay(struct sip_msg *msg, const struct str *host, unsigned short port,
    enum proto proto)
{
	struct tm_targets tl;
	struct str dhost;
	struct tm_cell *inv;
	int rc;

	if (msg->first.type != SIP_REQUEST)
		return -1;
	if (msg->first.method_id == METHOD_ACK)
		return relay_stateless(msg, host, port, proto) == 0 ? 1 : -1;
	if (cur == NULL || cur_msg != msg) {
		if ((rc = tm_newtran(msg)) <= 0)
			return rc;
	}
	if (msg->first.method_id == METHOD_CANCEL &&
	    (inv = tm_lookup_request(msg, METHOD_INVITE)) != NULL)
		return relay_cancel(msg, inv);
	if (in_failure_route()) {
		/* the request route's copy: nothing to redo */
	} else if (msg->first.method_id == METHOD_INVITE) {
		lock_get(&cur->lock);
		/* force_rport() may have come after t_newtran() */
		reply_dest(msg, &cur->uas_dst);
		if (tm_cfg.auto_inv_100 && cur->uas_reply == NULL &&
		    cur->nbranches == 0)
			uas_reply_local(cur, 100, "trying -- your call is "
			    "important to us");
		lock_release(&cur->lock);
	}
	rc = relay_resolve(msg, host, port, proto, &tl, &dhost);
	if (rc == 0)
		rc = add_branch(cur, msg, &tl, &dhost);
	/* parallel forking: one branch more per target of the destination
	 * set (lookup() with append_branches) */
	if (host == NULL && branch_count(msg) > 0 &&
	    relay_branches(msg, proto) == 0)
		rc = 0;
	if (rc == 0)
		return 1;
	LM_DBG("cannot relay: %s", err_str(rc));
	if (!in_failure_route()) {
		lock_get(&cur->lock);
		if (all_final(cur) && rc == E_CLOSED &&
		    closed_code(msg) == 430)
			uas_reply_local(cur, 430, "Flow Failed");
		else if (all_final(cur))
			uas_reply_local(cur, rc == E_TOOBIG ? 483
			    : rc == E_CLOSED ? 480 : 503,
			    rc == E_TOOBIG ? "Too Many Hops"
			    : rc == E_CLOSED ? "Temporarily Unavailable"
					     : "Service Unavailable");
		lock_release(&cur->lock);
	}
	return -1;
}

int
tm_reply(struct sip_msg *msg, int code, const char *reason)
{
	long len;
	int rc;

	if (msg->first.type != SIP_REQUEST || msg->first.method_id ==
	    METHOD_ACK)
		return -1;
	if (cur == NULL || cur_msg != msg) {
		if ((rc = tm_newtran(msg)) <= 0)
			return rc;
	}
	len = reply_build(msg, code, reason, tm_buf, sizeof(tm_buf));
	if (len < 0)
		return -1;
	lock_get(&cur->lock);
	if (cur->uas_final && code >= 200) {
		lock_release(&cur->lock);
		return -1;
	}
	rc = uas_send(cur, tm_buf, (size_t)len, code);
	lock_release(&cur->lock);
	return rc == 0 ? 1 : -1;
}

int
tm_set_route(struct sip_msg *msg, int which, const char *name)
{
	char *dst;

	if (cur == NULL || cur_msg != msg) {
		if (msg->first.type != SIP_REQUEST || tm_newtran(msg) <= 0)
			return -1;
	}
	lock_get(&cur->lock);
	dst = which == ROUTE_FAILURE ? cur->on_failure
	    : which == ROUTE_ONREPLY ? cur->on_reply : cur->on_branch;
	snprintf(dst, TM_ROUTE_NAME_MAX, "%s", name);
	lock_release(&cur->lock);
	return 1;
}

int
tm_check_trans(struct sip_msg *msg)
{
	struct tm_cell *c;

	if (msg->first.type != SIP_REQUEST)
		return -1;
	if (cur != NULL && cur_msg == msg)
		return 1;
	c = tm_lookup_request(msg, msg->first.method_id == METHOD_CANCEL
		? METHOD_INVITE : msg->first.method_id);
	if (c == NULL)
		return -1;
	tm_cell_unref(c);
	return 1;
}

int
tm_was_cancelled(struct sip_msg *msg)
{
	bool r;

	if (cur == NULL || cur_msg != msg)
		return -1;
	lock_get(&cur->lock);
	r = cur->cancelled;
	lock_release(&cur->lock);
	return r ? 1 : -1;
}
