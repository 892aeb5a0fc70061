/* parser/parse_cseq.c: the numeric headers: CSeq, Max-Forwards, Expires.
 *
 *	CSeq = "CSeq" HCOLON 1*DIGIT LWS Method   (number < 2**31)
 *	Max-Forwards = "Max-Forwards" HCOLON 1*DIGIT
 *	Expires = "Expires" HCOLON delta-seconds */
#include "../base/err.h"
#include "../mem/pkg.h"
#include "msg_parser.h"
#include "parse_util.h"

int
parse_cseq_hf(struct hdr_field *h)
{
	const char *p = h->body.s, *end = h->body.s + h->body.len, *q;
	struct cseq_body *cb;
	unsigned long long n;

	if (h->parsed != NULL)
		return 0;
	if ((q = pu_parse_uint(p, end, 10, &n)) == NULL || n >= 1ULL << 31)
		return E_PARSE;
	if (q >= end || !pu_is_lws(*q))
		return E_PARSE;
	if ((cb = pkg_zalloc(sizeof(*cb))) == NULL)
		return E_NOMEM;
	cb->number.s = p;
	cb->number.len = (size_t)(q - p);
	cb->num = (unsigned int)n;
	p = pu_skip_lws(q, end);
	q = pu_skip_token(p, end);
	cb->method.s = p;
	cb->method.len = (size_t)(q - p);
	if (q == p || pu_skip_lws(q, end) != end) {
		pkg_free(cb);
		return E_PARSE;
	}
	cb->method_id = method_id_of(&cb->method);
	h->parsed = cb;
	return 0;
}

/* Whole-body decimal number; returns 0 or E_PARSE; saturates at cap. */
static int
hdr_number(const struct hdr_field *h, unsigned long long cap,
    unsigned long long *out)
{
	const char *p = h->body.s, *end = h->body.s + h->body.len;
	unsigned long long v = 0;

	if (p >= end)
		return E_PARSE;
	for (; p < end; p++) {
		if (!pu_is_digit(*p))
			return E_PARSE;
		v = v * 10 + (unsigned long long)(*p - '0');
		if (v > cap)
			v = cap + 1; /* keep it small: "too big" is enough */
	}
	*out = v;
	return 0;
}

int
parse_maxfwd(struct sip_msg *msg)
{
	struct hdr_field *h = msg->h[HDR_MAXFORWARDS];
	unsigned long long v;

	if (h == NULL)
		return -1;
	if (hdr_number(h, 255, &v) != 0 || v > 255)
		return E_PARSE;
	return (int)v;
}

long
parse_expires(struct sip_msg *msg)
{
	struct hdr_field *h = msg->h[HDR_EXPIRES];
	unsigned long long v;

	if (h == NULL)
		return -1;
	if (hdr_number(h, 0xffffffffULL, &v) != 0)
		return E_PARSE;
	/* RFC 3261 §20.19/§10.2.1: larger values mean 2**32-1 */
	if (v > 0xffffffffULL)
		v = 0xffffffffULL;
	return (long)v;
}
