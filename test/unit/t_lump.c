/* t_lump.c: message edits (insert/delete lumps) and the builder that
 * applies them, incl. overlapping deletes and a replaced first line. */
#include <stdio.h>
#include <string.h>

#include "../../sip/data_lump.h"
#include "../../base/err.h"
#include "../../parser/msg_parser.h"
#include "unit.h"

static const char base[] =
    "INVITE sip:a@b SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK1\r\n"
    "From: <sip:x@y>;tag=1\r\n"
    "To: <sip:a@b>\r\n"
    "Call-ID: c\r\n"
    "CSeq: 1 INVITE\r\n"
    "Subject: s\r\n"
    "Content-Length: 0\r\n\r\n";

static int
apply(struct sip_msg *m, const char *first, char *out, size_t size)
{
	long n = lumps_apply(m, first, first ? strlen(first) : 0, out, size);

	if (n < 0)
		return (int)n;
	out[n] = '\0';
	return 0;
}

static int
test_no_lumps(void)
{
	struct sip_msg m;
	char out[1024];

	CHECK(parse_msg(base, sizeof(base) - 1, &m) == 0);
	CHECK(apply(&m, NULL, out, sizeof(out)) == 0);
	CHECK(strcmp(out, base) == 0);
	free_sip_msg(&m);
	return 0;
}

static int
test_insert_delete(void)
{
	struct sip_msg m;
	char out[1024];

	CHECK(parse_msg(base, sizeof(base) - 1, &m) == 0);
	CHECK(lump_insert(&m, msg_hdrs_start(&m), "Record-Route: <sip:p;lr>\r\n",
	    26) == 0);
	CHECK(lump_insert(&m, msg_hdrs_end(&m), "X-A: 1\r\n", 8) == 0);
	CHECK(lump_insert(&m, msg_hdrs_end(&m), "X-B: 2\r\n", 8) == 0);
	CHECK(lump_delete_hdr(&m, m.h[HDR_SUBJECT]) == 0);
	CHECK(lump_hdr_deleted(&m, m.h[HDR_SUBJECT]));
	CHECK(!lump_hdr_deleted(&m, m.h[HDR_TO]));
	/* deleting the same header twice must not eat more */
	CHECK(lump_delete_hdr(&m, m.h[HDR_SUBJECT]) == 0);
	CHECK(apply(&m, "INVITE sip:new@c SIP/2.0\r\n", out, sizeof(out)) == 0);
	CHECK(strcmp(out,
	    "INVITE sip:new@c SIP/2.0\r\n"
	    "Record-Route: <sip:p;lr>\r\n"
	    "Via: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK1\r\n"
	    "From: <sip:x@y>;tag=1\r\n"
	    "To: <sip:a@b>\r\n"
	    "Call-ID: c\r\n"
	    "CSeq: 1 INVITE\r\n"
	    "Content-Length: 0\r\n"
	    "X-A: 1\r\n"
	    "X-B: 2\r\n\r\n") == 0);
	lumps_free(&m);
	free_sip_msg(&m);
	return 0;
}

static int
test_replace_in_place(void)
{
	struct sip_msg m;
	char out[1024];
	struct hdr_field *h;
	size_t off;

	CHECK(parse_msg(base, sizeof(base) - 1, &m) == 0);
	h = m.h[HDR_CSEQ];
	off = (size_t)(h->body.s - m.buf);
	CHECK(lump_delete(&m, off, h->body.len) == 0);
	CHECK(lump_insert(&m, off, "2 INVITE", 8) == 0);
	CHECK(apply(&m, NULL, out, sizeof(out)) == 0);
	CHECK(strstr(out, "\r\nCSeq: 2 INVITE\r\nSubject") != NULL);
	lumps_free(&m);
	free_sip_msg(&m);
	return 0;
}

static int
test_too_big(void)
{
	struct sip_msg m;
	char out[64];

	CHECK(parse_msg(base, sizeof(base) - 1, &m) == 0);
	CHECK_INT(E_TOOBIG, lumps_apply(&m, NULL, 0, out, sizeof(out)));
	free_sip_msg(&m);
	return 0;
}

static int
test_reply_lumps(void)
{
	struct sip_msg m;

	CHECK(parse_msg(base, sizeof(base) - 1, &m) == 0);
	CHECK(lump_reply_add(&m, "A: 1\r\n", 6) == 0);
	CHECK(lump_reply_add(&m, "B: 2\r\n", 6) == 0);
	CHECK(m.reply_lump != NULL && m.reply_lump->next != NULL);
	CHECK_STRN("A: 1\r\n", m.reply_lump->text, m.reply_lump->text_len);
	lumps_free(&m);
	free_sip_msg(&m);
	return 0;
}

static const struct unit_test tests[] = {
	{ "no_lumps", test_no_lumps },
	{ "insert_delete", test_insert_delete },
	{ "replace_in_place", test_replace_in_place },
	{ "too_big", test_too_big },
	{ "reply_lumps", test_reply_lumps },
	{ NULL, NULL },
};

UNIT_MAIN(tests)
