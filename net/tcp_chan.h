/* net/tcp_chan.h: how processes reach the TCP readers.
 *
 * Made by the main process before fork (tcp_chan_init), used by every
 * process after it: per reader a command channel (a unix SOCK_DGRAM
 * socketpair: the reader reads one end, anyone writes the other), a
 * wake-up eventfd with a list of the connections that have bytes queued
 * (shm, under tcp_conn_lock), and what the reader publishes about its
 * load (shm, relaxed atomics) so that new connections go to the least
 * loaded running reader.  See doc/architecture.md, "TCP". */
#ifndef NET_TCP_CHAN_H
#define NET_TCP_CHAN_H

#include <stdbool.h>
#include <stdint.h>

/* Commands sent to a reader over its channel. */
enum tcp_cmd_type {
	TCP_CMD_NEW = 1,   /* accepted connection; fd passed (SCM_RIGHTS) */
	TCP_CMD_CONNECT,   /* open the outgoing connection id */
	TCP_CMD_SEND,      /* bytes were queued for connection id (unused:
			    * see tcp_wake) */
	TCP_CMD_CLOSE,     /* close connection id */
};

struct tcp_cmd {
	int type;          /* enum tcp_cmd_type */
	int id;            /* connection id */
};

/* Number of readers (tcp_children); 0 when TCP is off. */
extern int tcp_readers;
/* The reader index of this process, -1 in any other process (set by the
 * reader when it starts). */
extern int tcp_reader_self;

/* Make the channels, eventfds and shm tables for nreaders readers.  Main
 * process, after shm_init(), before fork.  0, E_NOMEM, or E_IO with a
 * message in *err (static buffer). */
int tcp_chan_init(int nreaders, char **err);

/* Send cmd to reader r; fd >= 0 is passed along (and stays open in the
 * caller, which closes its copy).  Never blocks.  Any process.
 * 0, E_INVAL (no such reader), E_AGAIN (channel full) or E_IO. */
int tcp_cmd_send(int r, int type, int id, int fd);
/* The receiving end of reader r's channel (reader r only). */
int tcp_cmd_fd(int r);

/* Queued bytes for a connection owned by reader r: note its id
 * (tcp_conn_lock held), then, after unlocking, wake r.  Any process. */
void tcp_pending_add(int r, int id);
void tcp_wake(int r);
/* Reader r's eventfd (watched edge-triggered, never read: each write is
 * one wake-up; reader r only). */
int tcp_wake_fd(int r);
/* Reader r takes the ids noted for it (up to max; *overflow: more were
 * noted than kept, check every connection).  Takes tcp_conn_lock. */
int tcp_pending_take(int r, int *ids, int max, bool *overflow);

/* Publish how many connections reader r owns, that its loop runs (now),
 * and that it took a connection another reader passed to it (reader r
 * only). */
void tcp_reader_load_set(int r, int n);
void tcp_reader_alive(int r, uint64_t now_ms);
void tcp_reader_took(int r);
/* A connection is being passed to reader r (delta 1), or the pass failed
 * (delta -1): counted in r's load until r takes it.  Any reader. */
void tcp_reader_passing(int r, int delta);
/* The reader that should own a connection reader self accepted: self,
 * unless it owns clearly more than a reader that is running (its loop
 * ran within the last second).  Any reader. */
int tcp_reader_pick(int self);

#endif
