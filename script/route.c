/* route.c: fix-up and interpretation of the routing script. */
#define LOG_MODULE "core"
#include <arpa/inet.h>
#include <regex.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../base/err.h"
#include "../base/log.h"
#include "../mem/pkg.h"
#include "../net/net_addr.h"
#include "../net/socket_info.h"
#include "../parser/msg_parser.h"
#include "../parser/parse_addr.h"
#include "../parser/parse_uri.h"
#include "../base/proto.h"
#include "pv.h"
#include "route.h"
#include "../sip/ruri.h"
#include "sr_module.h"

#define MAX_ROUTE_DEPTH 100

static struct route_block *blocks;

/* An address with a prefix length (src_ip == 10.0.0.0/8). */
struct net {
	struct ip_addr ip;
	unsigned bits;
};

/* ------------------------------------------------------------ lookup */

static bool
route_name_eq(const char *a, const char *b)
{
	/* route{} is route[0] */
	if (a == NULL || strcmp(a, "0") == 0)
		return b == NULL || strcmp(b, "0") == 0;
	return b != NULL && strcmp(a, b) == 0;
}

const struct route_block *
route_get(enum route_kind kind, const char *name)
{
	const struct route_block *r;

	for (r = blocks; r != NULL; r = r->next)
		if (r->kind == kind && route_name_eq(r->name, name))
			return r;
	return NULL;
}

/* ------------------------------------------------------------ fix-up */

static int fix_errors;

__attribute__((format(printf, 2, 3))) static void
fix_error(const struct cfg_pos *pos, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d:%d: ", pos->file ? pos->file : "?", pos->line,
	    pos->col);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fix_errors++;
}

static int
net_parse(const char *s, struct net *n)
{
	char buf[128];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);

	if (len >= sizeof(buf))
		return E_PARSE;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (ip_addr_parse(buf, len, &n->ip) != 0)
		return E_PARSE;
	n->bits = n->ip.len * 8;
	if (slash != NULL) {
		char *end;
		unsigned long b = strtoul(slash + 1, &end, 10);

		if (*end != '\0' || b > n->ip.len * 8)
			return E_PARSE;
		n->bits = (unsigned)b;
	}
	return 0;
}

static bool
net_match(const struct net *n, const struct ip_addr *ip)
{
	unsigned full = n->bits / 8, rest = n->bits % 8;

	if (ip->af != n->ip.af)
		return false;
	if (memcmp(ip->u.b, n->ip.u.b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((ip->u.b[full] ^ n->ip.u.b[full]) & (0xff << (8 - rest))) == 0;
}

static bool
is_myself_word(const struct operand *o)
{
	return o->type == OPD_MYSELF ||
	    (o->type == OPD_ID && strcasecmp(o->s, "myself") == 0);
}

static int
fix_pv_operand(struct operand *o)
{
	struct pv_spec *sp;
	size_t used;
	char *err = NULL;

	if (pv_parse(o->s, o->len, &sp, &used, &err) != 0 || used != o->len) {
		fix_error(&o->pos, "%s", err ? err : "bad pseudo-variable");
		pkg_free(err);
		return E_PARSE;
	}
	o->fixed = sp;
	return 0;
}

static int
fix_regex(struct operand *o)
{
	regex_t *re;
	int rc;

	if (o->type != OPD_STR && o->type != OPD_ID) {
		fix_error(&o->pos, "a regular expression must be a string");
		return E_PARSE;
	}
	if ((re = pkg_malloc(sizeof(*re))) == NULL)
		return E_NOMEM;
	if ((rc = regcomp(re, o->s, REG_EXTENDED | REG_NOSUB | REG_ICASE))) {
		char msg[128];

		regerror(rc, re, msg, sizeof(msg));
		fix_error(&o->pos, "bad regular expression \"%s\": %s", o->s,
		    msg);
		pkg_free(re);
		return E_PARSE;
	}
	o->fixed = re;
	return 0;
}

static int fix_actions(struct action *a, enum route_kind kind);

static int
fix_cmp(struct expr *e)
{
	struct operand *l = &e->lhs, *r = &e->rhs;

	if (l->type == OPD_PV && fix_pv_operand(l) != 0)
		return E_PARSE;
	if (r->type == OPD_PV && fix_pv_operand(r) != 0)
		return E_PARSE;
	if (e->op == OP_RE || e->op == OP_NRE)
		return fix_regex(r);
	if (is_myself_word(r)) {
		switch (l->type) {
		case OPD_URI: case OPD_FROM_URI: case OPD_TO_URI:
		case OPD_SRC_IP: case OPD_DST_IP:
			r->type = OPD_MYSELF;
			return 0;
		default:
			fix_error(&r->pos, "myself compares only with uri, "
					   "from_uri, to_uri, src_ip, dst_ip");
			return E_PARSE;
		}
	}
	switch (l->type) {
	case OPD_SRC_IP: case OPD_DST_IP:
		if (r->type == OPD_ID || r->type == OPD_STR) {
			struct net *n = pkg_zalloc(sizeof(*n));

			if (n == NULL)
				return E_NOMEM;
			if (net_parse(r->s, n) != 0) {
				fix_error(&r->pos, "expected an IP address or "
					"address/bits, got \"%s\"", r->s);
				pkg_free(n);
				return E_PARSE;
			}
			r->fixed = n;
		}
		return 0;
	case OPD_PROTO:
		if (r->type == OPD_ID || r->type == OPD_STR) {
			enum proto p = proto_parse(r->s, r->len);

			if (p == PROTO_NONE) {
				fix_error(&r->pos, "unknown protocol \"%s\" "
					"(expected udp, tcp or tls)", r->s);
				return E_PARSE;
			}
			r->type = OPD_NUM;
			r->n = p;
		}
		return 0;
	case OPD_AF:
		if (r->type == OPD_ID) {
			if (strcasecmp(r->s, "INET") == 0 ||
			    strcasecmp(r->s, "IPv4") == 0)
				r->n = AF_INET;
			else if (strcasecmp(r->s, "INET6") == 0 ||
			    strcasecmp(r->s, "IPv6") == 0)
				r->n = AF_INET6;
			else {
				fix_error(&r->pos, "expected INET or INET6");
				return E_PARSE;
			}
			r->type = OPD_NUM;
		}
		return 0;
	default:
		return 0;
	}
}

static int
fix_expr(struct expr *e, enum route_kind kind)
{
	if (e == NULL)
		return 0;
	switch (e->type) {
	case EXP_AND: case EXP_OR:
		return fix_expr(e->l, kind) | fix_expr(e->r, kind);
	case EXP_NOT:
		return fix_expr(e->l, kind);
	case EXP_CALL:
		return fix_actions(e->call, kind);
	case EXP_VALUE:
		if (e->lhs.type == OPD_PV)
			return fix_pv_operand(&e->lhs);
		return 0;
	case EXP_CMP:
		return fix_cmp(e);
	}
	return 0;
}

static int
fix_call(struct action *a, enum route_kind kind)
{
	const struct cmd_export *c;
	char *err = NULL;
	int i;

	if ((c = cmd_find(a->name, a->nargs)) == NULL) {
		const char *why;
		int n;

		if ((why = cmd_unavailable(a->name)) != NULL) {
			fix_error(&a->pos, "%s(): %s", a->name, why);
			return E_PARSE;
		}
		for (n = 0; n <= MAX_ACTION_ARGS; n++)
			if (cmd_find(a->name, n) != NULL)
				break;
		if (n <= MAX_ACTION_ARGS)
			fix_error(&a->pos, "%s() takes a different number of "
				"parameters (%d given)", a->name, a->nargs);
		else
			fix_error(&a->pos, "unknown function %s() (is its "
				"module loaded?)", a->name);
		return E_PARSE;
	}
	if (!(c->route_types & (1u << kind))) {
		fix_error(&a->pos, "%s() cannot be used in this kind of route",
		    a->name);
		return E_PARSE;
	}
	a->cmd = c;
	for (i = 0; i < a->nargs; i++) {
		a->fixed[i] = a->args[i].s;
		if (c->fixup != NULL && c->fixup(a, i, &err) != 0) {
			fix_error(&a->pos, "%s(): parameter %d: %s", a->name,
			    i + 1, err ? err : "invalid");
			pkg_free(err);
			err = NULL;
			return E_PARSE;
		}
	}
	return 0;
}

static int
fix_assign(struct action *a)
{
	if (a->lhs.type != OPD_PV || fix_pv_operand(&a->lhs) != 0) {
		if (a->lhs.type != OPD_PV)
			fix_error(&a->pos, "only pseudo-variables can be "
					   "assigned");
		return E_PARSE;
	}
	if (!pv_is_writable(a->lhs.fixed)) {
		fix_error(&a->pos, "%s is read-only", a->lhs.s);
		return E_PARSE;
	}
	if (a->rhs.type == OPD_PV)
		return fix_pv_operand(&a->rhs);
	if (a->rhs.type == OPD_STR) {
		/* strings may hold pseudo-variables: "sip:$rU@x" */
		struct pv_fmt *f;
		char *err = NULL;

		if (pv_fmt_parse(a->rhs.s, a->rhs.len, &f, &err) != 0) {
			fix_error(&a->rhs.pos, "%s", err ? err : "bad string");
			pkg_free(err);
			return E_PARSE;
		}
		a->rhs.fixed = f;
	}
	return 0;
}

static int
fix_actions(struct action *a, enum route_kind kind)
{
	int rc = 0;

	for (; a != NULL; a = a->next) {
		switch (a->type) {
		case A_CALL:
			rc |= fix_call(a, kind);
			break;
		case A_IF:
			rc |= fix_expr(a->cond, kind);
			rc |= fix_actions(a->then_a, kind);
			rc |= fix_actions(a->else_a, kind);
			break;
		case A_BLOCK:
			rc |= fix_actions(a->then_a, kind);
			break;
		case A_ASSIGN:
			rc |= fix_assign(a);
			break;
		default:
			break;
		}
	}
	return rc;
}

int
route_fixup_all(struct route_block *rb)
{
	struct route_block *r;

	blocks = rb;
	fix_errors = 0;
	for (r = blocks; r != NULL; r = r->next)
		fix_actions(r->actions, r->kind);
	return fix_errors;
}

void
route_free_all(void)
{
	/* the blocks live for the whole run; the OS takes them at exit */
	blocks = NULL;
}

/* ------------------------------------------------------------ running */

static bool
uri_is_myself(const struct str *uri)
{
	struct sip_uri u;

	if (parse_uri(uri->s, uri->len, &u) != 0)
		return false;
	return socket_is_myself(&u.host, u.port_no, u.proto);
}

static int
addr_uri(struct sip_msg *msg, enum hdr_type t, struct str *out)
{
	struct hdr_field *h = msg->h[t];

	if (h == NULL || parse_to_hf(h) != 0)
		return E_PARSE;
	*out = ((struct to_body *)h->parsed)->uri;
	return 0;
}

static bool
cmp_num(enum expr_op op, long a, long b)
{
	switch (op) {
	case OP_EQ: return a == b;
	case OP_NE: return a != b;
	case OP_GT: return a > b;
	case OP_LT: return a < b;
	case OP_GE: return a >= b;
	case OP_LE: return a <= b;
	default: return false;
	}
}

static bool
cmp_str(enum expr_op op, const struct str *a, const struct operand *r,
    bool icase)
{
	bool eq;

	if (op == OP_RE || op == OP_NRE) {
		char buf[1024];
		size_t n = a->len < sizeof(buf) - 1 ? a->len : sizeof(buf) - 1;
		bool m;

		memcpy(buf, a->s, n);
		buf[n] = '\0';
		m = regexec(r->fixed, buf, 0, NULL, 0) == 0;
		return op == OP_RE ? m : !m;
	}
	if (r->type == OPD_NUM) {
		char *end;
		char buf[32];
		size_t n = a->len < sizeof(buf) - 1 ? a->len : sizeof(buf) - 1;
		long v;

		memcpy(buf, a->s, n);
		buf[n] = '\0';
		v = strtol(buf, &end, 10);
		if (n == 0 || *end != '\0')
			return op == OP_NE;
		return cmp_num(op, v, r->n);
	}
	{
		struct str b = { r->s, r->len };

		eq = icase ? str_caseeq(a, &b) : str_eq(a, &b);
	}
	switch (op) {
	case OP_EQ: return eq;
	case OP_NE: return !eq;
	default: return false;
	}
}

static bool
eval_ip(struct sip_msg *msg, const struct expr *e, const struct ip_addr *ip)
{
	const struct operand *r = &e->rhs;
	char buf[64];
	bool res;

	if (r->type == OPD_MYSELF) {
		struct str s;

		ip_addr_to_str(ip, buf, sizeof(buf));
		s = str_from(buf);
		res = socket_is_myself(&s, 0, PROTO_NONE);
	} else if (e->op == OP_RE || e->op == OP_NRE) {
		struct str s;

		ip_addr_to_str(ip, buf, sizeof(buf));
		s = str_from(buf);
		return cmp_str(e->op, &s, r, true);
	} else if (r->type == OPD_PV) {
		struct pv_value v;
		struct ip_addr other;

		if (pv_get(msg, r->fixed, &v) != 0 || (v.flags & PV_NULL) ||
		    ip_addr_parse(v.s.s, v.s.len, &other) != 0)
			res = false;
		else
			res = ip_addr_eq(ip, &other);
	} else {
		res = r->fixed != NULL && net_match(r->fixed, ip);
	}
	return e->op == OP_NE ? !res : res;
}

static bool
eval_uri(const struct expr *e, const struct str *uri)
{
	if (e->rhs.type == OPD_MYSELF) {
		bool m = uri_is_myself(uri);

		return e->op == OP_NE ? !m : m;
	}
	return cmp_str(e->op, uri, &e->rhs, true);
}

static bool
eval_pv_cmp(struct sip_msg *msg, const struct expr *e)
{
	struct pv_value a, b;
	struct operand tmp;

	if (pv_get(msg, e->lhs.fixed, &a) != 0)
		return false;
	if (e->rhs.type == OPD_PV) {
		if (pv_get(msg, e->rhs.fixed, &b) != 0)
			return false;
		if ((a.flags & PV_NULL) || (b.flags & PV_NULL)) {
			bool both = (a.flags & PV_NULL) && (b.flags & PV_NULL);

			return e->op == OP_EQ ? both : (e->op == OP_NE && !both);
		}
		if ((a.flags & PV_INT) && (b.flags & PV_INT))
			return cmp_num(e->op, a.n, b.n);
		tmp = (struct operand){ .type = OPD_STR, .s = (char *)b.s.s,
			.len = b.s.len };
		return cmp_str(e->op, &a.s, &tmp, false);
	}
	if (a.flags & PV_NULL)
		return e->op == OP_NE;
	if (e->rhs.type == OPD_NUM && (a.flags & PV_INT))
		return cmp_num(e->op, a.n, e->rhs.n);
	return cmp_str(e->op, &a.s, &e->rhs, false);
}

static int eval_expr(const struct expr *e, struct sip_msg *msg,
    struct run_ctx *ctx);

static int
eval_cmp(const struct expr *e, struct sip_msg *msg, struct run_ctx *ctx)
{
	struct str s;
	long n;

	switch (e->lhs.type) {
	case OPD_METHOD:
		if (msg->first.type == SIP_REQUEST)
			s = msg->first.method;
		else if (msg->h[HDR_CSEQ] != NULL &&
		    parse_cseq_hf(msg->h[HDR_CSEQ]) == 0)
			s = ((struct cseq_body *)msg->h[HDR_CSEQ]->parsed)->method;
		else
			return 0;
		return cmp_str(e->op, &s, &e->rhs, true);
	case OPD_URI:
		if (msg->first.type != SIP_REQUEST)
			return 0;
		s = ruri_get(msg);
		return eval_uri(e, &s);
	case OPD_FROM_URI: case OPD_TO_URI:
		if (addr_uri(msg, e->lhs.type == OPD_FROM_URI ? HDR_FROM : HDR_TO,
			&s) != 0)
			return 0;
		return eval_uri(e, &s);
	case OPD_SRC_IP:
		return eval_ip(msg, e, &msg->rcv.src_ip);
	case OPD_DST_IP:
		return eval_ip(msg, e, &msg->rcv.dst_ip);
	case OPD_SRC_PORT: n = msg->rcv.src_port; break;
	case OPD_DST_PORT: n = msg->rcv.dst_port; break;
	case OPD_PROTO: n = msg->rcv.proto; break;
	case OPD_AF: n = msg->rcv.src_ip.af; break;
	case OPD_MSGLEN: n = (long)msg->len; break;
	case OPD_RETCODE: n = ctx->last_ret; break;
	case OPD_PV:
		return eval_pv_cmp(msg, e);
	default:
		return 0;
	}
	if (e->rhs.type == OPD_PV) {
		struct pv_value v;

		if (pv_get(msg, e->rhs.fixed, &v) != 0 || !(v.flags & PV_INT))
			return 0;
		return cmp_num(e->op, n, v.n);
	}
	return cmp_num(e->op, n, e->rhs.n);
}

/* 1 true, 0 false; ctx->flags may get RUN_EXIT from a function call */
static int
eval_expr(const struct expr *e, struct sip_msg *msg, struct run_ctx *ctx)
{
	int r;

	switch (e->type) {
	case EXP_AND:
		r = eval_expr(e->l, msg, ctx);
		if (!r || (ctx->flags & (RUN_EXIT | RUN_DROP)))
			return 0;
		return eval_expr(e->r, msg, ctx);
	case EXP_OR:
		r = eval_expr(e->l, msg, ctx);
		if (r || (ctx->flags & (RUN_EXIT | RUN_DROP)))
			return r;
		return eval_expr(e->r, msg, ctx);
	case EXP_NOT:
		return !eval_expr(e->l, msg, ctx);
	case EXP_CALL:
		run_actions(e->call, msg, ctx);
		/* the call's own RUN_RETURN does not leave our block */
		ctx->flags &= ~RUN_RETURN;
		return ctx->last_ret > 0;
	case EXP_VALUE:
		if (e->lhs.type == OPD_PV) {
			struct pv_value v;

			if (pv_get(msg, e->lhs.fixed, &v) != 0 ||
			    (v.flags & PV_NULL))
				return 0;
			if (v.flags & PV_INT)
				return v.n != 0;
			return v.s.len != 0;
		}
		if (e->lhs.type == OPD_NUM)
			return e->lhs.n != 0;
		return 0;
	case EXP_CMP:
		return eval_cmp(e, msg, ctx);
	}
	return 0;
}

static int
do_assign(const struct action *a, struct sip_msg *msg)
{
	struct pv_value v;
	char buf[1024];

	memset(&v, 0, offsetof(struct pv_value, buf));
	switch (a->rhs.type) {
	case OPD_PV:
		if (pv_get(msg, a->rhs.fixed, &v) != 0)
			return E_INVAL;
		break;
	case OPD_NUM:
		v.flags = PV_INT | PV_STR;
		v.n = a->rhs.n;
		v.s = (struct str){ a->rhs.s, a->rhs.len };
		break;
	case OPD_STR:
		v.flags = PV_STR;
		v.s.len = pv_fmt_print(msg, a->rhs.fixed, buf, sizeof(buf));
		v.s.s = buf;
		break;
	default:
		v.flags = PV_STR;
		v.s = (struct str){ a->rhs.s, a->rhs.len };
		break;
	}
	return pv_set(msg, a->lhs.fixed, &v);
}

int
run_actions(const struct action *a, struct sip_msg *msg, struct run_ctx *ctx)
{
	int ret = 1;

	for (; a != NULL; a = a->next) {
		switch (a->type) {
		case A_CALL: {
			struct cmd_args args = { a->nargs, a->fixed, a->args };

			ret = a->cmd->fn(msg, &args);
			ctx->last_ret = ret;
			if (ret == 0)
				ctx->flags |= RUN_EXIT;
			break;
		}
		case A_IF:
			if (eval_expr(a->cond, msg, ctx)) {
				if (!(ctx->flags & (RUN_EXIT | RUN_DROP)))
					ret = run_actions(a->then_a, msg, ctx);
			} else if (a->else_a != NULL &&
			    !(ctx->flags & (RUN_EXIT | RUN_DROP))) {
				ret = run_actions(a->else_a, msg, ctx);
			}
			break;
		case A_BLOCK:
			ret = run_actions(a->then_a, msg, ctx);
			break;
		case A_ASSIGN:
			ret = do_assign(a, msg) == 0 ? 1 : -1;
			if (ret < 0)
				LM_ERR("%s:%d: assignment to %s failed",
				    a->pos.file, a->pos.line, a->lhs.s);
			break;
		case A_DROP:
			ctx->flags |= RUN_DROP | RUN_EXIT;
			return 0;
		case A_EXIT:
			ctx->flags |= RUN_EXIT;
			return 0;
		case A_BREAK:
			ctx->flags |= RUN_RETURN;
			return ret;
		case A_RETURN:
			ret = a->nargs > 0 ? (int)a->args[0].n : 1;
			ctx->last_ret = ret;
			ctx->flags |= RUN_RETURN;
			return ret;
		}
		if (ctx->flags & (RUN_EXIT | RUN_DROP | RUN_RETURN))
			break;
	}
	return ret;
}

static struct run_ctx *cur_ctx;

struct run_ctx *
route_ctx(void)
{
	return cur_ctx;
}

unsigned
route_run(const struct route_block *rb, struct sip_msg *msg,
    struct run_ctx *ctx)
{
	struct run_ctx *saved = cur_ctx;

	if (rb == NULL)
		return 0;
	cur_ctx = ctx;
	run_actions(rb->actions, msg, ctx);
	cur_ctx = saved;
	return ctx->flags;
}

bool
route_main(struct sip_msg *msg, bool request)
{
	struct run_ctx ctx;
	enum route_kind kind = request ? ROUTE_REQUEST : ROUTE_ONREPLY;

	memset(&ctx, 0, sizeof(ctx));
	ctx.kind = kind;
	return (route_run(route_get(kind, NULL), msg, &ctx) & RUN_DROP) != 0;
}

int
route_call(struct sip_msg *msg, const struct route_block *rb,
    struct run_ctx *ctx)
{
	int ret;

	if (ctx->depth >= MAX_ROUTE_DEPTH) {
		LM_ERR("route() nested more than %d deep: stopping",
		    MAX_ROUTE_DEPTH);
		ctx->flags |= RUN_EXIT;
		return 0;
	}
	ctx->depth++;
	ret = run_actions(rb->actions, msg, ctx);
	ctx->depth--;
	ctx->flags &= ~RUN_RETURN;
	return ret;
}
