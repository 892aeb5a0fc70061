/* data_lump.h: edits to a received message, applied when the outgoing
 * copy is built.  The received buffer is never changed: a lump says
 * "insert this text at offset N" or "delete N bytes at offset M" of the
 * original.  Lumps live in pkg and belong to the message (msg->add_rm). */
#ifndef DATA_LUMP_H
#define DATA_LUMP_H

#include <stdbool.h>
#include <stddef.h>

struct sip_msg;
struct hdr_field;

enum lump_op {
	LUMP_ADD,
	LUMP_DEL,
};

struct lump {
	enum lump_op op;
	size_t offset; /* into msg->buf */
	size_t len;    /* LUMP_DEL: bytes removed */
	char *text;    /* LUMP_ADD: pkg, owned */
	size_t text_len;
	unsigned seq; /* insertion order, for stable sorting */
	struct lump *next;
};

/* Insert text (copied) at offset.  0 or E_NOMEM. */
int lump_insert(struct sip_msg *msg, size_t offset, const char *text,
    size_t len);
/* Same, for a text already in pkg (ownership moves to the lump). */
int lump_insert_take(struct sip_msg *msg, size_t offset, char *text,
    size_t len);
/* Delete len bytes at offset.  0 or E_NOMEM. */
int lump_delete(struct sip_msg *msg, size_t offset, size_t len);
/* Delete a whole header line. */
int lump_delete_hdr(struct sip_msg *msg, const struct hdr_field *h);
/* True if the byte at offset was deleted by a lump. */
bool lump_offset_deleted(const struct sip_msg *msg, size_t offset);
/* True if the header was already deleted by a lump. */
bool lump_hdr_deleted(const struct sip_msg *msg, const struct hdr_field *h);
/* Offset just after the last header (where appended headers go). */
size_t msg_hdrs_end(const struct sip_msg *msg);
/* Offset of the first header (after the first line). */
size_t msg_hdrs_start(const struct sip_msg *msg);

/* Headers to add to locally generated replies (sl_send_reply). */
int lump_reply_add(struct sip_msg *msg, const char *text, size_t len);

void lumps_free(struct sip_msg *msg);

/* Build buf[0..size) from msg's buffer with its lumps applied, with the
 * first line replaced by first_line when given (already terminated by
 * CRLF) and extra inserted at offset extra_off (e.g. a new Via).
 * Returns the length, or a negative E_* code (E_TOOBIG if it does not fit).
 * Runs in the process that owns the message. */
long lumps_apply(const struct sip_msg *msg, const char *first_line,
    size_t first_len, char *buf, size_t size);

#endif
