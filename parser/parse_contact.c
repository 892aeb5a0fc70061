/* parser/parse_contact.c: Contact values for the registrar (RFC 3261
 * §10.2.1, §10.3, §20.10; RFC 5626 §4.1 for +sip.instance and reg-id).
 *
 * The values are split across header lines by parse_list.c and each is
 * parsed by parse_addr.c; what is added here is the registrar's view:
 * '*', the limit, and the well-known parameters checked and decoded. */
#include <string.h>

#include "../base/err.h"
#include "../mem/pkg.h"
#include "parse_addr.h"
#include "parse_contact.h"
#include "parse_expires.h"
#include "parse_list.h"
#include "parse_param.h"
#include "parse_util.h"

int
contact_q_parse(const struct str *s, int *q)
{
	const char *p = s->s;
	size_t len = s->len, i;
	int frac = 0, scale = 100;

	if (len == 0 || (p[0] != '0' && p[0] != '1'))
		return E_PARSE;
	/* "0" / "1", or the digit, '.', and up to three decimals */
	if (len > 1 && (p[1] != '.' || len > 5))
		return E_PARSE;
	for (i = 2; i < len; i++) {
		if (!pu_is_digit(p[i]) || (p[0] == '1' && p[i] != '0'))
			return E_PARSE;
		frac += (p[i] - '0') * scale;
		scale /= 10;
	}
	*q = (p[0] - '0') * 1000 + frac;
	return 0;
}

static int
contact_p_expires(struct contact *c, const struct param *prm)
{
	c->has_expires = true;
	return expires_parse(&prm->body, &c->expires);
}

static int
contact_p_q(struct contact *c, const struct param *prm)
{
	return contact_q_parse(&prm->body, &c->q);
}

/* RFC 5626 §4.1: the value is a quoted "<URN>"; parse_params() has
 * already taken the quotes off. */
static int
contact_p_instance(struct contact *c, const struct param *prm)
{
	if (prm->body.len == 0)
		return E_PARSE;
	c->instance = prm->body;
	return 0;
}

/* RFC 5626 §4.1: reg-id = 1*DIGIT, 1 to 2**31-1 */
static int
contact_p_reg_id(struct contact *c, const struct param *prm)
{
	const char *p = prm->body.s, *end = p + prm->body.len;
	unsigned long long v = 0;

	if (prm->body.len == 0 || pu_parse_uint(p, end, 10, &v) != end ||
	    v == 0 || v > 0x7fffffffULL)
		return E_PARSE;
	c->has_reg_id = true;
	c->reg_id = (uint32_t)v;
	return 0;
}

/* clang-format off */
static const struct {
	const char *name;
	int (*set)(struct contact *, const struct param *);
} contact_keys[] = {
	{ "expires",		contact_p_expires },
	{ "q",			contact_p_q },
	{ "+sip.instance",	contact_p_instance },
	{ "reg-id",		contact_p_reg_id },
};
/* clang-format on */

#define CONTACT_NKEYS (sizeof(contact_keys) / sizeof(contact_keys[0]))

/* Decode the well-known params of c; a repeated one is an error, since
 * which of two q or expires values the UA meant cannot be told.  *bad
 * gets the name of the param at fault. */
static int
contact_known_params(struct contact *c, const char **bad)
{
	const struct param *prm;
	unsigned int seen = 0, bit;
	size_t k;

	for (prm = c->param_lst; prm != NULL; prm = prm->next) {
		for (k = 0; k < CONTACT_NKEYS; k++)
			if (str_caseeq_c(&prm->name, contact_keys[k].name))
				break;
		if (k == CONTACT_NKEYS)
			continue;
		bit = 1U << k;
		if ((seen & bit) != 0 || contact_keys[k].set(c, prm) != 0) {
			*bad = prm->name.s;
			return E_PARSE;
		}
		seen |= bit;
	}
	return 0;
}

static void
contact_free(struct contact *c)
{
	free_params(c->param_lst);
	pkg_free(c);
}

/* One value (not '*') into *out. */
static int
contact_one(const struct str *elem, struct contact **out, const char **bad)
{
	struct name_addr *na;
	struct contact *c;
	int rc;

	if ((c = pkg_zalloc(sizeof(*c))) == NULL)
		return E_NOMEM;
	if ((rc = hdr_list_addr(elem, &na)) != 0) {
		pkg_free(c);
		return rc;
	}
	c->raw = na->raw;
	c->display = na->display;
	c->uri = na->uri;
	c->params = na->params;
	c->param_lst = na->param_lst; /* taken over from na */
	na->param_lst = NULL;
	free_name_addr_list(na);
	c->q = CONTACT_Q_NONE;
	if ((rc = contact_known_params(c, bad)) != 0) {
		contact_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int
contact_set_parse(const struct hdr_field *first, size_t max,
    struct contact_set **out, const char **err_at)
{
	struct hdr_list_iter it;
	struct contact_set *set;
	struct contact **tail;
	const char *bad = NULL;
	struct str elem;
	size_t seen = 0;
	int rc = 0;

	if (hdr_list_over(first, max))
		return E_TOOBIG;
	if ((set = pkg_zalloc(sizeof(*set))) == NULL)
		return E_NOMEM;
	tail = &set->first;
	hdr_list_init(&it, first);
	while (rc == 0 && hdr_list_next(&it, &elem)) {
		bad = elem.s;
		if (elem.len == 1 && elem.s[0] == '*') {
			/* '*' alone, once (RFC 3261 §10.3 step 6) */
			if (seen++ != 0)
				rc = E_PARSE;
			set->star = true;
		} else if (set->star) {
			rc = E_PARSE;
		} else if ((rc = contact_one(&elem, tail, &bad)) == 0) {
			tail = &(*tail)->next;
			set->n++;
			seen++;
		}
	}
	if (rc != 0) {
		if (rc == E_PARSE && err_at != NULL)
			*err_at = bad;
		contact_set_free(set);
		return rc;
	}
	*out = set;
	return 0;
}

void
contact_set_free(struct contact_set *set)
{
	struct contact *c, *next;

	if (set == NULL)
		return;
	for (c = set->first; c != NULL; c = next) {
		next = c->next;
		contact_free(c);
	}
	pkg_free(set);
}
