/* pv.c: the core pseudo-variables and pv formats. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/err.h"
#include "../mem/pkg.h"
#include "../net/net_addr.h"
#include "../base/proto.h"
#include "../parser/msg_parser.h"
#include "../parser/parse_addr.h"
#include "../parser/parse_uri.h"
#include "pv.h"
#include "../sip/ruri.h"
#include "../sip/target.h"

/* ---- value helpers */

static int
pv_set_str(struct pv_value *v, const char *s, size_t len)
{
	v->flags = PV_STR;
	v->s = (struct str){ s, len };
	return 0;
}

int
pv_value_set_int(struct pv_value *v, long n)
{
	int k = snprintf(v->buf, sizeof(v->buf), "%ld", n);

	v->flags = PV_STR | PV_INT;
	v->n = n;
	v->s = (struct str){ v->buf, (size_t)k };
	return 0;
}

static int
pv_set_null(struct pv_value *v)
{
	v->flags = PV_NULL;
	v->s = STR_LIT("<null>");
	return 0;
}

/* ---- message accessors */

static struct to_body *
addr_hdr(struct sip_msg *msg, enum hdr_type t)
{
	struct hdr_field *h = msg->h[t];

	if (h == NULL || parse_to_hf(h) != 0)
		return NULL;
	return h->parsed;
}

static int
uri_part(const struct str *uri, int part, struct pv_value *out)
{
	struct sip_uri u;

	if (part == 0)
		return pv_set_str(out, uri->s, uri->len);
	if (parse_uri(uri->s, uri->len, &u) != 0)
		return pv_set_null(out);
	if (part == 1)
		return u.user.len ? pv_set_str(out, u.user.s, u.user.len)
				  : pv_set_null(out);
	if (part == 2)
		return pv_set_str(out, u.host.s, u.host.len);
	return pv_value_set_int(out, u.port_no ? u.port_no : 0);
}

enum {
	ID_RU, ID_RUSER, ID_RHOST, ID_RPORT,
	ID_FU, ID_FUSER, ID_FHOST, ID_FTAG, ID_FN,
	ID_TU, ID_TUSER, ID_THOST, ID_TTAG, ID_TN,
	ID_SI, ID_SP, ID_PR, ID_RM, ID_CI, ID_UA, ID_HDR, ID_AVP, ID_DU,
	ID_CS, ID_RS, ID_RR, ID_RI, ID_RP, ID_ML, ID_PP, ID_OU, ID_MB,
	ID_CT, ID_MF, ID_BR_NOPE,
};

static int
pv_get_core(struct sip_msg *msg, const struct pv_spec *sp, struct pv_value *out)
{
	struct to_body *tb;
	struct str s;

	switch (sp->exp->id) {
	case ID_RU: case ID_RUSER: case ID_RHOST: case ID_RPORT:
		if (msg->first.type != SIP_REQUEST)
			return pv_set_null(out);
		s = ruri_get(msg);
		if (sp->exp->id == ID_RPORT) {
			struct sip_uri *u;

			if (ruri_parse(msg, &u) != 0)
				return pv_set_null(out);
			return u->port.len ? pv_set_str(out, u->port.s,
						 u->port.len)
					   : pv_set_null(out);
		}
		return uri_part(&s, sp->exp->id - ID_RU, out);
	case ID_OU:
		if (msg->first.type != SIP_REQUEST)
			return pv_set_null(out);
		return pv_set_str(out, msg->first.uri.s, msg->first.uri.len);
	case ID_FU: case ID_FUSER: case ID_FHOST:
		if ((tb = addr_hdr(msg, HDR_FROM)) == NULL)
			return pv_set_null(out);
		return uri_part(&tb->uri, sp->exp->id - ID_FU, out);
	case ID_TU: case ID_TUSER: case ID_THOST:
		if ((tb = addr_hdr(msg, HDR_TO)) == NULL)
			return pv_set_null(out);
		return uri_part(&tb->uri, sp->exp->id - ID_TU, out);
	case ID_FTAG: case ID_TTAG:
		tb = addr_hdr(msg, sp->exp->id == ID_FTAG ? HDR_FROM : HDR_TO);
		if (tb == NULL || tb->tag.len == 0)
			return pv_set_null(out);
		return pv_set_str(out, tb->tag.s, tb->tag.len);
	case ID_FN: case ID_TN:
		tb = addr_hdr(msg, sp->exp->id == ID_FN ? HDR_FROM : HDR_TO);
		if (tb == NULL || tb->display.len == 0)
			return pv_set_null(out);
		return pv_set_str(out, tb->display.s, tb->display.len);
	case ID_SI:
		ip_addr_to_str(&msg->rcv.src_ip, out->buf, sizeof(out->buf));
		return pv_set_str(out, out->buf, strlen(out->buf));
	case ID_RI:
		ip_addr_to_str(&msg->rcv.dst_ip, out->buf, sizeof(out->buf));
		return pv_set_str(out, out->buf, strlen(out->buf));
	case ID_SP:
		return pv_value_set_int(out, msg->rcv.src_port);
	case ID_RP:
		return pv_value_set_int(out, msg->rcv.dst_port);
	case ID_PR:
		s = str_from(proto_name(msg->rcv.proto));
		return pv_set_str(out, s.s, s.len);
	case ID_RM:
		if (msg->first.type == SIP_REQUEST)
			return pv_set_str(out, msg->first.method.s,
			    msg->first.method.len);
		if (msg->h[HDR_CSEQ] != NULL &&
		    parse_cseq_hf(msg->h[HDR_CSEQ]) == 0) {
			struct cseq_body *cb = msg->h[HDR_CSEQ]->parsed;

			return pv_set_str(out, cb->method.s, cb->method.len);
		}
		return pv_set_null(out);
	case ID_CS:
		if (msg->h[HDR_CSEQ] == NULL ||
		    parse_cseq_hf(msg->h[HDR_CSEQ]) != 0)
			return pv_set_null(out);
		return pv_value_set_int(out,
		    (long)((struct cseq_body *)msg->h[HDR_CSEQ]->parsed)->num);
	case ID_RS:
		if (msg->first.type != SIP_REPLY)
			return pv_set_null(out);
		return pv_value_set_int(out, msg->first.code);
	case ID_RR:
		if (msg->first.type != SIP_REPLY)
			return pv_set_null(out);
		return pv_set_str(out, msg->first.reason.s, msg->first.reason.len);
	case ID_CI: case ID_UA: case ID_CT: case ID_MF: {
		enum hdr_type t = sp->exp->id == ID_CI ? HDR_CALLID :
		    sp->exp->id == ID_UA ? HDR_USERAGENT :
		    sp->exp->id == ID_CT ? HDR_CONTACT : HDR_MAXFORWARDS;
		struct hdr_field *h = msg->h[t];

		if (h == NULL)
			return pv_set_null(out);
		return pv_set_str(out, h->body.s, h->body.len);
	}
	case ID_HDR: {
		struct hdr_field *h;

		for (h = msg->headers; h != NULL; h = h->next)
			if (str_caseeq(&h->name, &sp->arg) ||
			    (h->type != HDR_OTHER &&
				h->type == hdr_type_of(&sp->arg)))
				return pv_set_str(out, h->body.s, h->body.len);
		return pv_set_null(out);
	}
	case ID_AVP: {
		struct avp_value av;

		if (!avp_get(&sp->avp, &av))
			return pv_set_null(out);
		if (av.is_str)
			return pv_set_str(out, av.s.s, av.s.len);
		return pv_value_set_int(out, av.n);
	}
	case ID_DU:
		if (msg->dst_uri == NULL)
			return pv_set_null(out);
		return pv_set_str(out, msg->dst_uri, msg->dst_uri_len);
	case ID_ML:
		return pv_value_set_int(out, (long)msg->len);
	case ID_MB:
		return pv_set_str(out, msg->buf, msg->len);
	case ID_PP:
		return pv_value_set_int(out, (long)getpid());
	}
	return pv_set_null(out);
}

static int
pv_set_core(struct sip_msg *msg, const struct pv_spec *sp,
    const struct pv_value *val)
{
	struct avp_value av;
	int rc;

	switch (sp->exp->id) {
	case ID_AVP:
		if (val->flags & PV_NULL) {
			avp_del(&sp->avp);
			return 0;
		}
		av.is_str = !(val->flags & PV_INT);
		av.n = val->n;
		av.s = val->s;
		return avp_add(&sp->avp, &av);
	case ID_RU:
		return ruri_set(msg, RURI_ALL, val->s.s, val->s.len);
	case ID_RUSER:
		return ruri_set(msg, RURI_USER, val->s.s, val->s.len);
	case ID_RHOST:
		return ruri_set(msg, RURI_HOST, val->s.s, val->s.len);
	case ID_RPORT:
		return ruri_set(msg, RURI_PORT, val->s.s, val->s.len);
	case ID_DU:
		if (val->flags & PV_NULL)
			return msg_set_dst_uri(msg, NULL, 0);
		return msg_set_dst_uri(msg, val->s.s, val->s.len);
	}
	rc = E_INVAL;
	return rc;
}

/* clang-format off */
static const struct pv_export core_pvs[] = {
	{ "ru", pv_get_core, pv_set_core, ID_RU },
	{ "rU", pv_get_core, pv_set_core, ID_RUSER },
	{ "rd", pv_get_core, pv_set_core, ID_RHOST },
	{ "rp", pv_get_core, pv_set_core, ID_RPORT },
	{ "ou", pv_get_core, NULL, ID_OU },
	{ "fu", pv_get_core, NULL, ID_FU },
	{ "fU", pv_get_core, NULL, ID_FUSER },
	{ "fd", pv_get_core, NULL, ID_FHOST },
	{ "ft", pv_get_core, NULL, ID_FTAG },
	{ "fn", pv_get_core, NULL, ID_FN },
	{ "tu", pv_get_core, NULL, ID_TU },
	{ "tU", pv_get_core, NULL, ID_TUSER },
	{ "td", pv_get_core, NULL, ID_THOST },
	{ "tt", pv_get_core, NULL, ID_TTAG },
	{ "tn", pv_get_core, NULL, ID_TN },
	{ "si", pv_get_core, NULL, ID_SI },
	{ "sp", pv_get_core, NULL, ID_SP },
	{ "Ri", pv_get_core, NULL, ID_RI },
	{ "Rp", pv_get_core, NULL, ID_RP },
	{ "pr", pv_get_core, NULL, ID_PR },
	{ "proto", pv_get_core, NULL, ID_PR },
	{ "rm", pv_get_core, NULL, ID_RM },
	{ "ci", pv_get_core, NULL, ID_CI },
	{ "ua", pv_get_core, NULL, ID_UA },
	{ "ct", pv_get_core, NULL, ID_CT },
	{ "mf", pv_get_core, NULL, ID_MF },
	{ "cs", pv_get_core, NULL, ID_CS },
	{ "rs", pv_get_core, NULL, ID_RS },
	{ "rr", pv_get_core, NULL, ID_RR },
	{ "hdr", pv_get_core, NULL, ID_HDR },
	{ "avp", pv_get_core, pv_set_core, ID_AVP },
	{ "du", pv_get_core, pv_set_core, ID_DU },
	{ "ml", pv_get_core, NULL, ID_ML },
	{ "mb", pv_get_core, NULL, ID_MB },
	{ "pp", pv_get_core, NULL, ID_PP },
	{ .name = NULL },
};
/* clang-format on */

#define MAX_PV_TABLES 8
static const struct pv_export *pv_tables[MAX_PV_TABLES] = { core_pvs };
static int pv_ntables = 1;

int
pv_register(const struct pv_export *table)
{
	if (pv_ntables >= MAX_PV_TABLES)
		return E_NOMEM;
	pv_tables[pv_ntables++] = table;
	return 0;
}

static const struct pv_export *
pv_lookup(const char *name, size_t len)
{
	int t;
	const struct pv_export *e;

	for (t = 0; t < pv_ntables; t++)
		for (e = pv_tables[t]; e->name != NULL; e++)
			if (strlen(e->name) == len &&
			    memcmp(e->name, name, len) == 0)
				return e;
	return NULL;
}

static char *
pv_err(const char *what, const char *a, size_t alen)
{
	char *e = pkg_malloc(256);

	if (e != NULL)
		snprintf(e, 256, "%s $%.*s", what, (int)alen, a);
	return e;
}

/* "i:400", "s:name", "400" (integer), "name" (string) */
static int
pv_parse_avp_name(struct pv_spec *sp)
{
	const char *s = sp->arg.s;
	size_t len = sp->arg.len;
	char *end;

	if (len >= 2 && s[1] == ':' && (s[0] == 'i' || s[0] == 'I')) {
		sp->avp.is_str = false;
		sp->avp.id = strtol(s + 2, &end, 10);
		return (end == s + len && len > 2) ? 0 : E_PARSE;
	}
	if (len >= 2 && s[1] == ':' && (s[0] == 's' || s[0] == 'S')) {
		s += 2;
		len -= 2;
	} else if (len > 0 && isdigit((unsigned char)s[0])) {
		sp->avp.is_str = false;
		sp->avp.id = strtol(s, &end, 10);
		return end == s + len ? 0 : E_PARSE;
	}
	if (len == 0)
		return E_PARSE;
	sp->avp.is_str = true;
	sp->avp.name = (struct str){ s, len };
	return 0;
}

int
pv_parse(const char *s, size_t len, struct pv_spec **out, size_t *consumed,
    char **err)
{
	const struct pv_export *e;
	struct pv_spec *sp;
	size_t i = 1, nlen, depth;
	const char *name;

	*err = NULL;
	if (len < 2 || s[0] != '$')
		return E_PARSE;
	name = s + 1;
	while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '_'))
		i++;
	nlen = i - 1;
	if ((e = pv_lookup(name, nlen)) == NULL) {
		*err = pv_err("unknown pseudo-variable", name, nlen);
		return E_PARSE;
	}
	if ((sp = pkg_zalloc(sizeof(*sp))) == NULL)
		return E_NOMEM;
	sp->exp = e;
	if (i < len && s[i] == '(') {
		size_t start = ++i;

		for (depth = 1; i < len; i++) {
			if (s[i] == '(')
				depth++;
			else if (s[i] == ')' && --depth == 0)
				break;
		}
		if (i >= len) {
			*err = pv_err("missing ')' in", name, nlen);
			pkg_free(sp);
			return E_PARSE;
		}
		sp->arg.s = pkg_strndup(s + start, i - start);
		sp->arg.len = i - start;
		i++;
		if (sp->arg.s == NULL) {
			pkg_free(sp);
			return E_NOMEM;
		}
	}
	if ((e->id == ID_AVP && e->get == pv_get_core &&
		pv_parse_avp_name(sp) != 0) ||
	    (e->id == ID_HDR && e->get == pv_get_core && sp->arg.len == 0)) {
		*err = pv_err("bad argument in", name, nlen);
		pv_spec_free(sp);
		return E_PARSE;
	}
	sp->text = pkg_strndup(s, i);
	*out = sp;
	*consumed = i;
	return 0;
}

void
pv_spec_free(struct pv_spec *sp)
{
	if (sp == NULL)
		return;
	pkg_free((char *)sp->arg.s);
	pkg_free(sp->text);
	pkg_free(sp);
}

int
pv_get(struct sip_msg *msg, const struct pv_spec *sp, struct pv_value *out)
{
	memset(out, 0, offsetof(struct pv_value, buf));
	return sp->exp->get(msg, sp, out);
}

int
pv_set(struct sip_msg *msg, const struct pv_spec *sp,
    const struct pv_value *val)
{
	if (sp->exp->set == NULL)
		return E_INVAL;
	return sp->exp->set(msg, sp, val);
}

bool
pv_is_writable(const struct pv_spec *sp)
{
	return sp->exp->set != NULL;
}

/* ---- formats */

struct pv_fmt {
	struct str text;          /* literal text (pkg copy in fmt_buf) */
	struct pv_spec *spec;     /* or a pseudo-variable */
	struct pv_fmt *next;
};

void
pv_fmt_free(struct pv_fmt *f)
{
	struct pv_fmt *n;

	for (; f != NULL; f = n) {
		n = f->next;
		pkg_free((char *)f->text.s);
		pv_spec_free(f->spec);
		pkg_free(f);
	}
}

static int
pv_fmt_add(struct pv_fmt ***tail, const char *s, size_t len,
    struct pv_spec *sp)
{
	struct pv_fmt *f = pkg_zalloc(sizeof(*f));

	if (f == NULL)
		return E_NOMEM;
	if (sp == NULL) {
		if ((f->text.s = pkg_strndup(s, len)) == NULL) {
			pkg_free(f);
			return E_NOMEM;
		}
		f->text.len = len;
	}
	f->spec = sp;
	**tail = f;
	*tail = &f->next;
	return 0;
}

int
pv_fmt_parse(const char *s, size_t len, struct pv_fmt **out, char **err)
{
	struct pv_fmt *head = NULL, **tail = &head;
	size_t i = 0, lit = 0, used;
	struct pv_spec *sp;
	int rc = 0;

	*err = NULL;
	while (i < len) {
		if (s[i] != '$' || i + 1 >= len ||
		    !(isalpha((unsigned char)s[i + 1]))) {
			i++;
			continue;
		}
		if (i > lit && (rc = pv_fmt_add(&tail, s + lit, i - lit, NULL)))
			goto out;
		if ((rc = pv_parse(s + i, len - i, &sp, &used, err)) != 0)
			goto out;
		if ((rc = pv_fmt_add(&tail, NULL, 0, sp)) != 0) {
			pv_spec_free(sp);
			goto out;
		}
		i += used;
		lit = i;
	}
	if (i > lit)
		rc = pv_fmt_add(&tail, s + lit, i - lit, NULL);
out:
	if (rc != 0)
		pv_fmt_free(head);
	else
		*out = head;
	return rc;
}

size_t
pv_fmt_print(struct sip_msg *msg, const struct pv_fmt *f, char *buf,
    size_t size)
{
	size_t n = 0, k;
	struct pv_value v;

	if (size == 0)
		return 0;
	for (; f != NULL; f = f->next) {
		struct str piece = f->text;

		if (f->spec != NULL) {
			if (pv_get(msg, f->spec, &v) != 0)
				pv_set_null(&v);
			piece = v.s;
		}
		k = piece.len;
		if (k > size - 1 - n)
			k = size - 1 - n;
		memcpy(buf + n, piece.s, k);
		n += k;
	}
	buf[n] = '\0';
	return n;
}
