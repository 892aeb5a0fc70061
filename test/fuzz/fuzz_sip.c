/* fuzz_sip.c: libFuzzer target for the SIP message parser: parse_msg,
 * parse_msg_check, every lazy header parser, the R-URI and stream framing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../mem/pkg.h"
#include "../../parser/msg_parser.h"
#include "../../parser/parse_addr.h"
#include "../../parser/parse_uri.h"
#include "../../parser/parse_via.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_headers(struct sip_msg *m)
{
	struct hdr_field *h;
	struct name_addr *n;
	struct sip_uri u;

	for (h = m->headers; h != NULL; h = h->next) {
		switch (h->type) {
		case HDR_VIA:
			(void)parse_via_hf(h);
			break;
		case HDR_TO:
		case HDR_FROM:
			if (parse_to_hf(h) == 0) {
				struct to_body *t = h->parsed;

				(void)parse_uri(t->uri.s, t->uri.len, &u);
			}
			break;
		case HDR_CONTACT:
			if (parse_contact_hf(h) != 0)
				break;
			n = ((struct contact_body *)h->parsed)->contacts;
			for (; n != NULL; n = n->next)
				(void)parse_uri(n->uri.s, n->uri.len, &u);
			break;
		case HDR_ROUTE:
		case HDR_RECORDROUTE:
		case HDR_PATH:
			if (parse_rr_hf(h) != 0)
				break;
			for (n = h->parsed; n != NULL; n = n->next)
				(void)parse_uri(n->uri.s, n->uri.len, &u);
			break;
		case HDR_CSEQ:
			(void)parse_cseq_hf(h);
			break;
		default:
			break;
		}
	}
	(void)parse_maxfwd(m);
	(void)parse_expires(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy so ASan catches any read past the end */
	char *buf = malloc(size ? size : 1);
	struct sip_msg m;
	const char *why;
	size_t skip, off = 0;
	ssize_t n;

	if (buf == NULL)
		return 0;
	if (size)
		memcpy(buf, data, size);
	if (parse_msg(buf, size, &m) == 0) {
		(void)parse_msg_check(&m, &why);
		(void)parse_sip_msg_uri(&m);
		fuzz_headers(&m);
	}
	free_sip_msg(&m);
	/* stream framing over the whole input, message by message */
	while (off <= size) {
		n = sip_frame_len(buf + off, size - off, &skip);
		if (n <= 0)
			break;
		if (skip + (size_t)n > size - off)
			abort();
		off += skip + (size_t)n;
	}
	free(buf);
	if (pkg_live_blocks() != 0)
		abort(); /* leak */
	return 0;
}
