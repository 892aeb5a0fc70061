/* receive.h: the entry point of every received SIP message. */
#ifndef RECEIVE_H
#define RECEIVE_H

#include <stdbool.h>
#include <stddef.h>

struct receive_info;

/* Parse buf[0..len) (a whole message; buf[len] must be writable and is
 * set to NUL), run the script on it and forward/answer.  Called by the
 * transports in the process that read the message.  Returns 0, or E_PARSE
 * for a message that was dropped as malformed. */
int receive_msg(char *buf, size_t len, struct receive_info *rcv);

struct sip_msg;

/* How this layer runs the routing script, which sits above it: main.c
 * hands in the script engine's entry (route_main).  request: the main
 * route{} for a request, else the main onreply_route{} (when there is
 * one).  Returns true when the script dropped the message (drop; for a
 * reply: do not relay it).  Without a script every request is dropped
 * and every reply relayed. */
typedef bool (*receive_script_fn)(struct sip_msg *msg, bool request);
void receive_set_script(receive_script_fn fn);

/* Hooks a module (tm) adds in its init, before fork; each list runs in
 * the order added, at most RECEIVE_HOOKS each.  0 or E_TOOBIG.
 *  request: before the script; return 1 when the request was fully
 *           handled (e.g. a retransmission absorbed): the script does
 *           not run and later hooks are skipped; 0 to go on;
 *  reply:   before the main onreply_route; return 1 when the reply
 *           belonged to the hook (the core then neither runs the main
 *           onreply_route nor relays it), 0 to go on;
 *  done:    after each message, before its memory is released. */
#define RECEIVE_HOOKS 4
typedef int (*receive_hook_fn)(struct sip_msg *msg);
typedef void (*receive_done_fn)(struct sip_msg *msg);
int receive_request_hook_add(receive_hook_fn fn);
int receive_reply_hook_add(receive_hook_fn fn);
int receive_done_hook_add(receive_done_fn fn);

#endif
