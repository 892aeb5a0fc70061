/* t_tcp_frame.c: stream framing (tcp_frame_next) as a reader uses it:
 * a pipelined pair of messages cut at every split point, keep-alives
 * (CRLFCRLF ping -> one pong), missing Content-Length, too big. */
#include <stdbool.h>
#include <string.h>

#include "../../base/err.h"
#include "../../tcp_read.h"
#include "unit.h"

#define MAX 4096

static const char msg1[] =
    "INVITE sip:bob@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bK1\r\n"
    "Call-ID: one\r\nCSeq: 1 INVITE\r\n"
    "Content-Length: 11\r\n\r\nhello\r\nbody";
static const char msg2[] =
    "OPTIONS sip:bob@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bK2\r\n"
    "Call-ID: two\r\nCSeq: 1 OPTIONS\r\nl: 0\r\n\r\n";

/* A reader's buffer: bytes in, messages and pongs out. */
struct stream {
	char buf[2 * MAX];
	size_t len;
	int nmsg, npong, rc;
	char got[4][1024];
	size_t got_len[4];
};

static void
drain(struct stream *st)
{
	size_t skip, mlen;
	bool pong;

	while (st->len > 0 && st->rc == 0) {
		st->rc = tcp_frame_next(st->buf, st->len, MAX, &skip, &mlen,
		    &pong);
		if (st->rc != 0)
			return;
		st->npong += pong;
		memmove(st->buf, st->buf + skip, st->len - skip);
		st->len -= skip;
		if (mlen == 0)
			return;
		if (st->nmsg < 4) {
			memcpy(st->got[st->nmsg], st->buf, mlen);
			st->got_len[st->nmsg] = mlen;
		}
		st->nmsg++;
		memmove(st->buf, st->buf + mlen, st->len - mlen);
		st->len -= mlen;
	}
}

static void
feed(struct stream *st, const char *p, size_t n)
{
	memcpy(st->buf + st->len, p, n);
	st->len += n;
	drain(st);
}

static int
split_all(const char *between, int pongs)
{
	char all[2048];
	size_t n1 = strlen(msg1), nb = strlen(between), n2 = strlen(msg2);
	size_t total = n1 + nb + n2, k, j;
	static struct stream st;

	memcpy(all, msg1, n1);
	memcpy(all + n1, between, nb);
	memcpy(all + n1 + nb, msg2, n2);
	for (k = 0; k <= total; k++) {
		memset(&st, 0, sizeof(st));
		feed(&st, all, k);
		feed(&st, all + k, total - k);
		CHECK_INT(0, st.rc);
		CHECK_INT(2, st.nmsg);
		CHECK_INT(pongs, st.npong);
		CHECK_INT(0, st.len);
		CHECK_STRN(msg1, st.got[0], st.got_len[0]);
		CHECK_STRN(msg2, st.got[1], st.got_len[1]);
	}
	/* and byte by byte */
	memset(&st, 0, sizeof(st));
	for (j = 0; j < total; j++)
		feed(&st, all + j, 1);
	CHECK_INT(2, st.nmsg);
	CHECK_INT(pongs, st.npong);
	CHECK_INT(0, st.len);
	return 0;
}

static int
t_split_pair(void)
{
	return split_all("", 0);
}

static int
t_split_with_ping(void)
{
	return split_all("\r\n\r\n", 1);
}

static int
t_split_with_crlf(void)
{
	/* a lone CRLF between messages is skipped, not answered */
	return split_all("\r\n", 0);
}

static int
t_keepalive_only(void)
{
	static struct stream st;

	memset(&st, 0, sizeof(st));
	feed(&st, "\r\n", 2);
	CHECK_INT(0, st.npong);
	CHECK_INT(2, st.len);    /* kept: may be half of a ping */
	feed(&st, "\r\n", 2);
	CHECK_INT(1, st.npong);
	CHECK_INT(0, st.len);
	feed(&st, "\r\n\r\n", 4);
	CHECK_INT(2, st.npong);
	CHECK_INT(0, st.nmsg);
	return 0;
}

static int
t_no_content_length(void)
{
	static const char m[] = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP "
				"h;branch=z9hG4bKx\r\nCall-ID: x\r\n\r\n";
	static struct stream st;

	memset(&st, 0, sizeof(st));
	feed(&st, m, strlen(m) - 1);
	CHECK_INT(0, st.rc);     /* headers not complete yet */
	feed(&st, m + strlen(m) - 1, 1);
	CHECK_INT(E_PARSE, st.rc);
	return 0;
}

static int
t_too_big(void)
{
	static char big[MAX + 100];
	static const char hdr[] = "MESSAGE sip:a@b SIP/2.0\r\nContent-Length: "
				  "5000\r\n\r\n";
	size_t skip, mlen;
	bool pong;

	/* no end of headers within MAX bytes */
	memset(big, 'x', sizeof(big));
	CHECK_INT(0, tcp_frame_next(big, MAX - 1, MAX, &skip, &mlen, &pong));
	CHECK_INT(E_TOOBIG, tcp_frame_next(big, MAX, MAX, &skip, &mlen,
	    &pong));
	/* a Content-Length that makes the message too big, body complete */
	memcpy(big, hdr, strlen(hdr));
	CHECK_INT(E_TOOBIG, tcp_frame_next(big, strlen(hdr) + 5000, MAX,
	    &skip, &mlen, &pong));
	/* exactly MAX is fine */
	{
		char m[MAX + 1];
		int hl = snprintf(m, sizeof(m), "MESSAGE sip:a@b SIP/2.0\r\n"
					       "Content-Length: %4d\r\n\r\n",
		    0);
		int body = MAX - hl;

		hl = snprintf(m, sizeof(m), "MESSAGE sip:a@b SIP/2.0\r\n"
					   "Content-Length: %4d\r\n\r\n",
		    body);
		memset(m + hl, 'b', (size_t)body);
		CHECK_INT(0, tcp_frame_next(m, MAX, MAX, &skip, &mlen, &pong));
		CHECK_INT(MAX, mlen);
	}
	return 0;
}

/* clang-format off */
static const struct unit_test tests[] = {
	{ "split_pair",        t_split_pair },
	{ "split_with_ping",   t_split_with_ping },
	{ "split_with_crlf",   t_split_with_crlf },
	{ "keepalive_only",    t_keepalive_only },
	{ "no_content_length", t_no_content_length },
	{ "too_big",           t_too_big },
	{ NULL, NULL },
};
/* clang-format on */

UNIT_MAIN(tests)
