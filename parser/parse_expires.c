/* parser/parse_expires.c: delta-seconds (RFC 3261 §20.19, §25.1).
 *
 *	Expires = "Expires" HCOLON delta-seconds
 *	delta-seconds = 1*DIGIT */
#include "../base/err.h"
#include "msg_parser.h"
#include "parse_expires.h"
#include "parse_util.h"

int
expires_parse(const struct str *s, uint32_t *out)
{
	const char *p = s->s;
	size_t len = s->len, i;
	uint64_t v = 0;

	if (p == NULL)
		return E_PARSE;
	pu_trim(&p, &len);
	if (len == 0)
		return E_PARSE;
	for (i = 0; i < len; i++) {
		if (!pu_is_digit(p[i]))
			return E_PARSE;
		/* once past the cap v stays there: 10 * (2**32) + 9 cannot
		 * overflow 64 bits, so no digit count can */
		if (v <= EXPIRES_MAX)
			v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*out = v > EXPIRES_MAX ? EXPIRES_MAX : (uint32_t)v;
	return 0;
}

int
expires_msg_get(const struct sip_msg *msg, uint32_t *out)
{
	const struct hdr_field *h = msg->h[HDR_EXPIRES];

	if (h == NULL)
		return E_NOTFOUND;
	if (h->next_same != NULL)
		return E_PARSE;
	return expires_parse(&h->body, out);
}
