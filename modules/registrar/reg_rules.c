/* reg_rules.c: RFC 3261 §10.3 steps 6-8 and RFC 5626 §6 as a decision
 * over plain data (see reg_rules.h). */
#include <string.h>

#include "reg_rules.h"

static int
fail(struct reg_error *e, int code, const char *reason)
{
	e->code = code;
	e->reason = reason;
	return -1;
}

bool
reg_expiry(const struct reg_cfg *cfg, const struct reg_request *rq,
    const struct reg_contact *c, uint32_t *out, struct reg_error *e)
{
	uint32_t x;

	if (c->has_expires)
		x = c->expires;
	else if (rq->has_expires_hdr)
		x = rq->expires_hdr;
	else
		x = cfg->default_expires > 0 ? (uint32_t)cfg->default_expires
		                             : 0;
	if (x != 0 && cfg->min_expires > 0 && x < (uint32_t)cfg->min_expires) {
		/* §10.3 step 7: too brief: the UA retries with Min-Expires */
		e->code = 423;
		e->reason = "Interval Too Brief";
		e->min_expires = (uint32_t)cfg->min_expires;
		return false;
	}
	if (cfg->max_expires > 0 && x > (uint32_t)cfg->max_expires)
		x = (uint32_t)cfg->max_expires;
	*out = x;
	return true;
}

/* The same binding per RFC 5626 (instance and reg-id) when the request
 * uses flows, else per RFC 3261 (the contact URI; compared as strings,
 * as 1.x does). */
static bool
same_binding(const struct reg_request *rq, const struct reg_contact *c,
    const struct ul_binding *b)
{
	if (rq->outbound && c->has_reg_id && c->instance.len > 0)
		return (b->flags & UL_FL_OUTBOUND) && b->reg_id == c->reg_id &&
		    str_eq(&b->instance, &c->instance);
	return str_eq(&b->contact, &c->uri);
}

static void
binding_make(const struct reg_cfg *cfg, const struct reg_request *rq,
    const struct reg_contact *c, uint32_t exp, struct ul_binding *b)
{
	*b = *rq->tmpl;
	b->ruid = STR_NULL;
	b->contact = c->uri;
	b->raw = c->raw;
	b->q = c->q >= 0 ? c->q : cfg->default_q;
	b->expires = rq->now + (int64_t)exp;
	b->callid = rq->callid;
	b->cseq = rq->cseq;
	b->instance = c->instance;
	b->reg_id = 0;
	b->flags &= ~(unsigned)UL_FL_OUTBOUND;
	if (rq->outbound && c->has_reg_id && c->instance.len > 0) {
		b->reg_id = c->reg_id;
		b->flags |= UL_FL_OUTBOUND;
	}
}

/* What the request does to a current binding. */
enum cur_fate {
	CUR_KEEP,
	CUR_UPDATE,
	CUR_DELETE,
	CUR_REPEAT, /* its own REGISTER again: left as it is */
};

struct plan {
	enum cur_fate fate[UL_CHANGES_MAX];
	int cur_contact[UL_CHANGES_MAX]; /* contact index per update */
	uint32_t cur_exp[UL_CHANGES_MAX];
	int ins_contact[UL_CHANGES_MAX]; /* new bindings, contact index */
	uint32_t ins_exp[UL_CHANGES_MAX];
	bool ins_dead[UL_CHANGES_MAX]; /* removed again by a later one */
	int nins;
};

/* §10.3 step 6: "*" removes every binding, each checked as in step 7. */
static int
decide_star(const struct reg_request *rq, const struct ul_binding *cur,
    int ncur, struct ul_change *ch, struct reg_error *e)
{
	int i, n = 0;

	for (i = 0; i < ncur; i++)
		if (str_eq(&cur[i].callid, &rq->callid) &&
		    rq->cseq < cur[i].cseq)
			return fail(e, 400, "Invalid CSeq number");
	for (i = 0; i < ncur; i++) {
		if (str_eq(&cur[i].callid, &rq->callid) &&
		    rq->cseq == cur[i].cseq)
			continue; /* a retransmission */
		ch[n].op = UL_DELETE;
		ch[n++].idx = i;
	}
	return n;
}

/* One contact against the current bindings and the ones this request
 * adds.  0 or -1 (*e). */
static int
plan_contact(const struct reg_request *rq, const struct ul_binding *cur,
    int ncur, struct plan *p, int ci, uint32_t exp, struct reg_error *e)
{
	const struct reg_contact *c = &rq->c[ci];
	int k;

	for (k = 0; k < ncur; k++) {
		if (p->fate[k] == CUR_DELETE || !same_binding(rq, c, &cur[k]))
			continue;
		if (str_eq(&cur[k].callid, &rq->callid)) {
			if (rq->cseq < cur[k].cseq)
				return fail(e, 400, "Invalid CSeq number");
			if (rq->cseq == cur[k].cseq) {
				p->fate[k] = CUR_REPEAT;
				return 0;
			}
		}
		p->fate[k] = exp == 0 ? CUR_DELETE : CUR_UPDATE;
		p->cur_contact[k] = ci;
		p->cur_exp[k] = exp;
		return 0;
	}
	/* the same contact twice in one request: the later one counts */
	for (k = 0; k < p->nins; k++)
		if (!p->ins_dead[k] &&
		    same_binding(rq, c,
		        &(struct ul_binding){
		            .contact = rq->c[p->ins_contact[k]].uri,
		            .instance = rq->c[p->ins_contact[k]].instance,
		            .reg_id = rq->c[p->ins_contact[k]].reg_id,
		            .flags = UL_FL_OUTBOUND })) {
			p->ins_dead[k] = exp == 0;
			p->ins_contact[k] = ci;
			p->ins_exp[k] = exp;
			return 0;
		}
	if (exp == 0)
		return 0; /* removing what is not there */
	if (p->nins == UL_CHANGES_MAX)
		return fail(e, 403, "Too many registered contacts");
	p->ins_contact[p->nins] = ci;
	p->ins_exp[p->nins] = exp;
	p->ins_dead[p->nins++] = false;
	return 0;
}

int
reg_decide(const struct reg_cfg *cfg, const struct reg_request *rq,
    const struct ul_binding *cur, int ncur, struct ul_change *ch,
    struct reg_error *e)
{
	struct plan p;
	uint32_t exp[UL_CHANGES_MAX];
	int i, n = 0, live, flows = 0, max;

	if (ncur > UL_CHANGES_MAX)
		ncur = UL_CHANGES_MAX;
	if (rq->star)
		return decide_star(rq, cur, ncur, ch, e);
	if (rq->n > UL_CHANGES_MAX)
		return fail(e, 403, "Too many registered contacts");
	/* every expiry first: a 423 changes nothing */
	for (i = 0; i < rq->n; i++) {
		if (!reg_expiry(cfg, rq, &rq->c[i], &exp[i], e))
			return -1;
		if (rq->outbound && rq->c[i].has_reg_id && exp[i] != 0)
			flows++;
	}
	/* RFC 5626 §6: one flow per REGISTER */
	if (flows > 1)
		return fail(e, 400, "Multiple reg-id contacts");
	memset(&p, 0, sizeof(p));
	for (i = 0; i < rq->n; i++)
		if (plan_contact(rq, cur, ncur, &p, i, exp[i], e) != 0)
			return -1;
	if (rq->single && rq->n > 0)
		for (i = 0; i < ncur; i++)
			if (p.fate[i] == CUR_KEEP)
				p.fate[i] = CUR_DELETE;
	live = 0;
	for (i = 0; i < ncur; i++)
		live += p.fate[i] != CUR_DELETE;
	for (i = 0; i < p.nins; i++)
		live += !p.ins_dead[i];
	max = cfg->max_contacts > 0 && cfg->max_contacts < UL_CHANGES_MAX
	    ? cfg->max_contacts
	    : UL_CHANGES_MAX;
	if (live > max && live > ncur)
		return fail(e, 403, "Too many registered contacts");
	for (i = 0; i < ncur; i++) {
		if (p.fate[i] == CUR_DELETE) {
			ch[n].op = UL_DELETE;
			ch[n++].idx = i;
		} else if (p.fate[i] == CUR_UPDATE) {
			ch[n].op = UL_UPDATE;
			ch[n].idx = i;
			binding_make(cfg, rq, &rq->c[p.cur_contact[i]],
			    p.cur_exp[i], &ch[n++].b);
		}
	}
	for (i = 0; i < p.nins && n < UL_CHANGES_MAX; i++) {
		if (p.ins_dead[i])
			continue;
		ch[n].op = UL_INSERT;
		ch[n].idx = -1;
		binding_make(cfg, rq, &rq->c[p.ins_contact[i]], p.ins_exp[i],
		    &ch[n++].b);
	}
	return n;
}
