/* parser/msg_parser.h: SIP message framing, first line and header list.
 *
 * parse_msg() finds the first line, splits the headers (with folding and
 * compact names) and locates the body; header values are parsed lazily by
 * the parse_*_hf() functions into hdr->parsed.  Every struct str is a view
 * into the message buffer, which must outlive the struct sip_msg.
 * The parser has no global state and allocates only from pkg. */
#ifndef PARSER_MSG_PARSER_H
#define PARSER_MSG_PARSER_H

#include <stdbool.h>
#include <sys/types.h>

#include "../base/ip_addr.h"
#include "../base/str.h"
#include "hdr.h"
#include "parse_uri.h"

enum msg_type {
	SIP_INVALID = 0,
	SIP_REQUEST,
	SIP_REPLY,
};

/* Bit values so that scripts and modules can test sets of methods. */
enum method_id {
	METHOD_UNDEF = 0,
	METHOD_INVITE = 1 << 0,
	METHOD_CANCEL = 1 << 1,
	METHOD_ACK = 1 << 2,
	METHOD_BYE = 1 << 3,
	METHOD_INFO = 1 << 4,
	METHOD_REGISTER = 1 << 5,
	METHOD_SUBSCRIBE = 1 << 6,
	METHOD_NOTIFY = 1 << 7,
	METHOD_MESSAGE = 1 << 8,
	METHOD_OPTIONS = 1 << 9,
	METHOD_PRACK = 1 << 10,
	METHOD_UPDATE = 1 << 11,
	METHOD_REFER = 1 << 12,
	METHOD_PUBLISH = 1 << 13,
	METHOD_OTHER = 1 << 14,
};

struct msg_start {
	enum msg_type type;
	struct str raw;         /* whole first line incl. CRLF */
	struct str version;     /* "SIP/2.0" */
	/* requests */
	struct str method;
	enum method_id method_id;
	struct str uri;
	/* replies */
	int code;
	struct str code_str;
	struct str reason;
};

struct cseq_body {
	struct str number;
	unsigned int num;
	struct str method;
	enum method_id method_id;
};

struct lump;
struct socket_info;
struct hdr_chunk;
struct msg_branches;

struct sip_msg {
	const char *buf;        /* not owned */
	size_t len;
	struct msg_start first;
	struct hdr_field *headers;      /* in order */
	struct hdr_field *last_header;
	/* first header of each type, NULL if absent (h[HDR_OTHER] unused) */
	struct hdr_field *h[HDR_TYPE_COUNT];
	struct str body;        /* after the blank line; per Content-Length
				 * when present and it fits, else to the end */
	long content_length;    /* -1 if no Content-Length header */
	bool eoh;               /* a blank line ended the headers */
	struct hdr_chunk *hdr_mem;      /* where the header nodes live */

	/* lazily parsed request-URI (see parse_sip_msg_uri) */
	struct sip_uri parsed_uri;
	bool parsed_uri_ok;

	/* ---- processing state, owned by the core, never read by the parser */
	unsigned int id;                /* per-process message counter */
	struct receive_info rcv;
	char *new_uri;                  /* rewritten R-URI, pkg, NUL-terminated */
	size_t new_uri_len;
	struct sip_uri new_parsed_uri;
	bool new_parsed_uri_ok;
	char *dst_uri;                  /* next hop override, pkg */
	size_t dst_uri_len;
	char *path_vec;                 /* Route set to add for the next hop
					 * (a registered Path), pkg */
	size_t path_vec_len;
	int fwd_conn_id;                /* send over this stream connection
					 * only (sip/target.h), 0: any */
	struct msg_branches *branches;  /* destination set, pkg, or NULL */
	struct lump *add_rm;            /* header/first-line edits */
	struct lump *body_lumps;
	struct lump *reply_lump;        /* headers to add to local replies */
	unsigned int flags;             /* script flags (setflag) */
	unsigned int core_flags;        /* MSG_FLAG_* of the core, not the script's */
	struct socket_info *force_send_socket;
	/* record_route()'s header (a lump of add_rm) when the rr module
	 * wants a second one for the outgoing socket if that differs from
	 * rcv.bind (enable_double_rr); rr_rest_off: where its text goes on
	 * after "Record-Route: <sip:host:port[;transport=x]" */
	struct lump *rr_lump;
	size_t rr_rest_off;
};

/* Parse buf[0..len) into msg (which it zeroes first).  Returns 0, or
 * E_PARSE when the first line or the header block is malformed; the
 * caller must call free_sip_msg() either way. */
int parse_msg(const char *buf, size_t len, struct sip_msg *msg);

/* Parse and check what every proxied message needs: the top Via (and,
 * for replies, it must be parseable), From, To, Call-ID and CSeq present
 * and parseable, CSeq method equal to the request method, Content-Length
 * a number.  Returns 0 or E_PARSE with *why set to a static reason. */
int parse_msg_check(struct sip_msg *msg, const char **why);

/* Release everything the parser allocated for msg (parsed header bodies,
 * header nodes).  Does not touch the processing-state fields. */
void free_sip_msg(struct sip_msg *msg);

/* Parse the request-URI into msg->parsed_uri (once). 0 or E_PARSE. */
int parse_sip_msg_uri(struct sip_msg *msg);

/* CSeq into h->parsed. 0 or E_PARSE/E_NOMEM. */
int parse_cseq_hf(struct hdr_field *h);
/* Max-Forwards value, or -1 if absent, E_PARSE if malformed. */
int parse_maxfwd(struct sip_msg *msg);
/* Expires header value, -1 if absent, E_PARSE if malformed. */
long parse_expires(struct sip_msg *msg);

/* Method name -> id (case-sensitive, as RFC 3261 says); METHOD_OTHER. */
enum method_id method_id_of(const struct str *m);
/* Header name (long or compact form, case-insensitive) -> type. */
enum hdr_type hdr_type_of(const struct str *name);

/* Stream framing (TCP/TLS): look at buf[0..len) (which may start with
 * CRLFs: keep-alives).  Returns the length of the first complete message,
 * 0 when more bytes are needed, or E_PARSE when the headers are complete
 * but Content-Length is missing or malformed.  *skip gets the number of
 * leading CRLF bytes that precede the message (keep-alives). */
ssize_t sip_frame_len(const char *buf, size_t len, size_t *skip);

#endif
