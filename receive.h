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

#endif
