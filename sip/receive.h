/* receive.h: the entry point of every received SIP message. */
#ifndef RECEIVE_H
#define RECEIVE_H

#include <stddef.h>

struct receive_info;

/* Parse buf[0..len) (a whole message; buf[len] must be writable and is
 * set to NUL), run the script on it and forward/answer.  Called by the
 * transports in the process that read the message.  Returns 0, or E_PARSE
 * for a message that was dropped as malformed. */
int receive_msg(char *buf, size_t len, struct receive_info *rcv);

struct sip_msg;

/* A module (tm) may take replies before the stateless path sees them:
 * return 1 when the reply belonged to it (the core then neither runs the
 * main onreply_route nor relays it), 0 to let the core go on.  Set in the
 * module's init, before fork. */
extern int (*receive_reply_hook)(struct sip_msg *msg);
/* The same for requests, run before the script: return 1 when the
 * request was fully handled (e.g. a retransmission absorbed), 0 to run
 * the script. */
extern int (*receive_request_hook)(struct sip_msg *msg);
/* Called after each message is done (before its memory is released). */
extern void (*receive_done_hook)(struct sip_msg *msg);

#endif
