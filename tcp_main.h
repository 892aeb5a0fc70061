/* tcp_main.h: the TCP supervisor process and the start-up of the TCP
 * transport (listening sockets, reader channels).  See
 * doc/architecture.md, "TCP". */
#ifndef TCP_MAIN_H
#define TCP_MAIN_H

#include <stdbool.h>
#include <stdint.h>

struct socket_info;

/* Commands sent to a reader over its channel (a unix SOCK_DGRAM
 * socketpair made before fork; every process may write to it). */
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

/* Set up the TCP transport: the shm connection table, the listening
 * sockets of tcp_listen (bound and listening, non-blocking), one channel
 * per reader.  Main process, after sockets_from_cfg(), before fork and
 * before dropping privileges.  0, or E_* with a message in *err (static
 * buffer). */
int tcp_init(char **err);

/* Send cmd to reader r; fd >= 0 is passed along (and stays open in the
 * caller, which closes its copy).  Never blocks.  Any process.
 * 0, E_AGAIN (channel full) or E_IO. */
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

/* Accept one connection on the listening socket si for reader self
 * (which found si readable): apply tcp_max_connections,
 * tls_max_handshakes and tls_handshake_rate_per_ip, enter it in the
 * table, and either keep it for self or pass it to a reader that owns
 * clearly fewer connections.  1: self must take it (*id_out, *fd_out;
 * state TCP_S_NEW, owner self); 2: handled here (refused or passed on),
 * try again; 0: nothing to accept now. */
int tcp_accept(struct socket_info *si, int self, int *id_out, int *fd_out);
/* Publish how many connections reader r owns, that its loop runs (now),
 * and that it took a connection another reader passed to it (reader r
 * only). */
void tcp_reader_load_set(int r, int n);
void tcp_reader_alive(int r, uint64_t now_ms);
void tcp_reader_took(int r);

/* The supervisor role (proc_run_fn): once a second, ask owners to close
 * what outlived its limits.  Never returns. */
int tcp_main_loop(int rank, void *arg);

#endif
