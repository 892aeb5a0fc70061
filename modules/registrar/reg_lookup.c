/* reg_lookup.c: lookup() and registered(): the R-URI's AOR to its
 * bindings, best first (q, then the newest), the first becoming the
 * request's target and, with append_branches, the others branches for
 * tm to fork to in parallel.
 *
 * A target is reached the way its REGISTER came: over the stream
 * connection it came on (never a new connection to the address in its
 * Contact, which behind NAT is private), from the socket it came in on,
 * to the source address when that differs from the Contact (UDP
 * behind NAT: rport), or through its Path. */
#define LOG_MODULE "registrar"
#include <stdio.h>
#include <string.h>

#include "../../api/sr_api.h"
#include "reg.h"

struct lookup_ctx {
	struct sip_msg *msg;
	int rc; /* the script value */
};

/* $du for b: its source when it matters.  A view into b or empty. */
static struct str
dst_of(const struct ul_binding *b)
{
	struct sip_uri cu, ru;

	if (b->path.len > 0 || b->received.len == 0)
		return STR_NULL;
	if (proto_is_stream(b->proto))
		return b->received;
	if (parse_uri(b->contact.s, b->contact.len, &cu) != 0 ||
	    parse_uri(b->received.s, b->received.len, &ru) != 0)
		return STR_NULL;
	/* UDP: the Contact is where the UA listens; behind NAT its
	 * REGISTER came from elsewhere, and only that address reaches it */
	if (cu.maddr.len == 0 && str_caseeq(&cu.host, &ru.host) &&
	    uri_port(&cu) == uri_port(&ru))
		return STR_NULL;
	return b->received;
}

static void
branch_of(const struct ul_binding *b, struct branch *br)
{
	struct str du = dst_of(b);

	memset(br, 0, sizeof(*br));
	br->uri = b->contact.s;
	br->uri_len = b->contact.len;
	br->dst_uri = du.s;
	br->dst_uri_len = du.len;
	br->path = b->path.len ? b->path.s : NULL;
	br->path_len = b->path.len;
	br->q = b->q;
	br->sock = b->sock;
	br->flags = b->cflags;
	if (proto_is_stream(b->proto) && b->path.len == 0)
		br->conn_id = b->unreachable ? MSG_CONN_GONE : b->conn_id;
}

/* b before a: q first (none counts as 1.0), then the newest. */
static bool
better(const struct ul_binding *b, const struct ul_binding *a)
{
	int qa = a->q < 0 ? 1000 : a->q, qb = b->q < 0 ? 1000 : b->q;

	if (qb != qa)
		return qb > qa;
	return b->last_modified > a->last_modified;
}

/* Cluster mode: how good a flow is.  2: a connection of ours that is
 * open (no relay); 1: a flow held by another proxy (relayed there, its
 * state unknown here); 0: known to be gone. */
static int
flow_rank(const struct ul_binding *b)
{
	if (b->unreachable)
		return 0;
	return reg_p.cluster && b->path.len == 0 && b->conn_id > 0 ? 2 : 1;
}

/* o before b as the flow of one instance: the best rank, then the
 * newest (index order between equals). */
static bool
flow_before(const struct ul_binding *o, int k, const struct ul_binding *b,
    int i)
{
	int ro = flow_rank(o), rb = flow_rank(b);

	if (ro != rb)
		return ro > rb;
	return o->last_modified > b->last_modified ||
	    (o->last_modified == b->last_modified && k < i);
}

/* RFC 5626 §5.3: one flow per instance, the newest that works (cluster
 * mode: ours first); the others wait as serial alternates. */
static bool
flow_shadowed(const struct ul_binding *all, int n, int i)
{
	const struct ul_binding *b = &all[i];
	int k;

	if (!(b->flags & UL_FL_OUTBOUND))
		return false;
	for (k = 0; k < n; k++) {
		const struct ul_binding *o = &all[k];

		if (k == i || !(o->flags & UL_FL_OUTBOUND) ||
		    !str_eq(&o->instance, &b->instance))
			continue;
		if (flow_before(o, k, b, i))
			return true;
	}
	return false;
}

static void
lookup_report(const struct ul_binding *all, int n, void *arg)
{
	struct lookup_ctx *x = arg;
	struct sip_msg *msg = x->msg;
	int order[UL_CHANGES_MAX], m = 0, i, j, reach = 0, filtered = 0;
	int alt[UL_CHANGES_MAX], na = 0;
	struct branch br;

	for (i = 0; i < n && i < UL_CHANGES_MAX; i++) {
		if (reg_p.method_filtering &&
		    !(all[i].methods & (unsigned)msg->first.method_id)) {
			filtered++;
			continue;
		}
		if (flow_shadowed(all, n, i)) {
			/* RFC 5626 §5.3: the instance's other flows are
			 * tried in turn when the first fails (cluster
			 * mode: its proxy may be gone) */
			if (reg_p.cluster && !all[i].unreachable) {
				for (j = na; j > 0 &&
				     flow_before(&all[i], i, &all[alt[j - 1]],
				         alt[j - 1]);
				     j--)
					alt[j] = alt[j - 1];
				alt[j] = i;
				na++;
			}
			continue;
		}
		/* insertion sort: at most UL_CHANGES_MAX */
		for (j = m; j > 0 && better(&all[i], &all[order[j - 1]]); j--)
			order[j] = order[j - 1];
		order[j] = i;
		m++;
		reach += !all[i].unreachable;
	}
	if (m == 0) {
		x->rc = filtered > 0 ? -2 : -1;
		return;
	}
	/* only bindings that can be reached, while one can; when none can,
	 * the best one: its send fails at once and tm answers 480 */
	if (reach > 0) {
		for (i = j = 0; i < m; i++)
			if (!all[order[i]].unreachable)
				order[j++] = order[i];
		m = j;
	} else {
		m = 1;
	}
	branch_of(&all[order[0]], &br);
	if (msg_target_set(msg, &br) != 0) {
		x->rc = -3;
		return;
	}
	x->rc = 1;
	for (i = 1; reg_p.append_branches && i < m; i++) {
		branch_of(&all[order[i]], &br);
		if (branch_append(msg, &br) != 0)
			break; /* BRANCH_MAX: the best ones are in */
	}
	for (i = 0; i < na; i++) {
		branch_of(&all[alt[i]], &br);
		br.serial = true;
		if (branch_append(msg, &br) != 0)
			break;
	}
}

static size_t
ruri_aor(struct sip_msg *msg, char *buf)
{
	struct str ru = ruri_get(msg);

	return reg_aor(&ru, buf);
}

int
reg_lookup(struct sip_msg *msg, struct reg_table *t)
{
	struct lookup_ctx x = { .msg = msg, .rc = -1 };
	char buf[UL_AOR_MAX + 1];
	struct str aor;

	if (msg->first.type != SIP_REQUEST)
		return -3;
	if ((aor.len = ruri_aor(msg, buf)) == 0)
		return -1;
	aor.s = buf;
	if (reg_ul->get(t->d, &aor, lookup_report, &x) != 0)
		return -3;
	return x.rc;
}

struct reg_ctx {
	int n;
};

static void
registered_report(const struct ul_binding *all, int n, void *arg)
{
	(void)all;
	((struct reg_ctx *)arg)->n = n;
}

int
reg_registered(struct sip_msg *msg, struct reg_table *t)
{
	struct reg_ctx x = { 0 };
	char buf[UL_AOR_MAX + 1];
	struct str aor;

	if (msg->first.type != SIP_REQUEST ||
	    (aor.len = ruri_aor(msg, buf)) == 0)
		return -1;
	aor.s = buf;
	if (reg_ul->get(t->d, &aor, registered_report, &x) != 0)
		return -1;
	return x.n > 0 ? 1 : -1;
}
