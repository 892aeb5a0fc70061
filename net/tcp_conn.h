/* net/tcp_conn.h: the TCP/TLS connection table and the per-connection I/O
 * operations (struct transport_ops).
 *
 * The table lives in shm and is shared by every process: the TCP
 * supervisor adds accepted connections, any process adds an outgoing one
 * when it needs to send to an address that has none, the owner (one TCP
 * reader, for the connection's whole life) removes it.  One lock
 * (tcp_conn_lock) guards the table, every connection's fields that are not
 * marked otherwise, and every send queue.  See doc/architecture.md, "TCP". */
#ifndef NET_TCP_CONN_H
#define NET_TCP_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../base/ip_addr.h"

struct gen_lock;
struct socket_info;
struct tcp_conn;

/* ---------------------------------------------------------- transport ops */

/* What an ops read/write returns besides n >= 0 and E_* (< 0). */
#define TRANSPORT_WANT_READ (-1000)
#define TRANSPORT_WANT_WRITE (-1001)

/* Per-connection I/O, chosen by protocol when a connection is accepted or
 * connected (transport_ops_get).  Plain TCP is built in; TLS registers its
 * own with transport_ops_register(PROTO_TLS, &ops) before fork.  Every
 * function runs only in the connection's owner (a TCP reader), on a
 * non-blocking fd, and must never block.
 *
 *  init:  after accept (outgoing false) or after the non-blocking connect
 *         completed (outgoing true); may set *ctx to per-connection state
 *         (process-private memory).  0 or E_*.
 *  read:  up to len bytes into buf: n > 0, 0 at EOF, TRANSPORT_WANT_READ
 *         (nothing now, wait for EPOLLIN), TRANSPORT_WANT_WRITE (wait for
 *         EPOLLOUT, e.g. a TLS renegotiation) or E_* (the connection dies).
 *  write: up to len bytes from buf: n > 0 written, or WANT_READ /
 *         WANT_WRITE / E_*.  A TLS implementation keeps calling with the
 *         same buf until it returns n > 0 (OpenSSL's retry rule).
 *  close: release ctx (send close_notify if it can without blocking);
 *         the caller closes fd afterwards.  ctx may be NULL. */
struct transport_ops {
	const char *name;
	int (*init)(struct tcp_conn *c, int fd, bool outgoing, void **ctx);
	ssize_t (*read)(void *ctx, int fd, char *buf, size_t len);
	ssize_t (*write)(void *ctx, int fd, const char *buf, size_t len);
	void (*close)(void *ctx, int fd);
	/* optional: bytes already read from fd and buffered (TLS records
	 * decrypted, not yet returned); read is called again for them */
	size_t (*pending)(void *ctx);
};

/* The ops for proto (PROTO_TCP: plain), NULL if none registered. */
const struct transport_ops *transport_ops_get(enum proto proto);
/* Set the ops of proto (PROTO_TCP or PROTO_TLS).  Main process, before
 * fork.  0 or E_INVAL. */
int transport_ops_register(enum proto proto, const struct transport_ops *o);

/* ---------------------------------------------------------- connections */

enum tcp_conn_state {
	TCP_S_NEW = 0,     /* entered, not yet taken by its owner */
	TCP_S_CONNECTING,  /* owner started a non-blocking connect */
	TCP_S_HANDSHAKE,   /* transport handshake (TLS) in progress */
	TCP_S_OPEN,
	TCP_S_CLOSING,     /* owner asked to close; gone soon */
};

#define TCP_CONN_ALIASES 4
/* longest SNI / target host kept for an outgoing TLS connection, with NUL */
#define TCP_TLS_NAME_MAX 128

/* What an outgoing TLS connection is for: the client domain and SNI the
 * sender resolved (tls_client_domain_avp, destination, default;
 * tls_server_name_avp) and the host the server certificate must name.
 * Part of the connection entry, so the reader that opens the connection
 * finds it there, and part of the lookup: a TLS connection we opened is
 * reused only for the same domain and SNI. */
struct tcp_tls_target {
	const void *dom;                 /* struct tls_domain * (built before
					  * fork: same address everywhere) */
	char sni[TCP_TLS_NAME_MAX];      /* "" = no SNI */
	char host[TCP_TLS_NAME_MAX];     /* "" = no identity check */
};

/* A TLS connection as the control interface shows it (tls_list), filled
 * by the owner when the handshake is done.  shm, guarded by
 * tcp_conn_lock, freed with the connection.  One block: the strings
 * (never NULL, "" when unknown) point into data[], sized to fit, so an
 * idle connection keeps only the bytes it shows. */
struct tcp_tls_info {
	const char *domain;
	const char *version;
	const char *cipher;
	const char *sni;
	const char *peer_subject;
	bool peer_verified;
	char data[];
};

/* An address under which a connection is found: [0] is the peer's own
 * ip:port, the others come from Via received/rport/alias (force_tcp_alias,
 * tcp_accept_aliases).  In shm, inside its tcp_conn; guarded by
 * tcp_conn_lock. */
struct tcp_alias {
	struct ip_addr ip;
	unsigned short port;       /* 0: slot unused */
	struct tcp_conn *c;
	struct tcp_alias *next;    /* hash chain (tcp_conn_table.by_addr) */
};

/* A block of bytes waiting to be written by the owner.  In shm, guarded
 * by tcp_conn_lock. */
struct tcp_chunk {
	struct tcp_chunk *next;
	size_t len, off;           /* off: bytes already written */
	char data[];
};

/* One connection.  In shm; guarded by tcp_conn_lock except where noted. */
struct tcp_conn {
	int id;                          /* > 0, never reused */
	enum proto proto;                /* PROTO_TCP or PROTO_TLS */
	enum tcp_conn_state state;
	int owner;                       /* reader index, fixed for life */
	bool outgoing;                   /* we connected */
	bool close_req;                  /* someone asked the owner to close;
					  * the owner sees it within a tick */
	int fd;                          /* the owner's fd; only the owner
					  * may use it */
	union sockaddr_union peer;       /* remote address */
	union sockaddr_union local;      /* local address (after connect) */
	struct socket_info *bind;        /* listening socket, or the socket
					  * whose address outgoing uses */
	uint64_t created_ms;             /* get_ticks_ms() */
	uint64_t last_ms;                /* last read or write; written by
					  * the owner without the lock */
	uint64_t keep_ms;                /* not closed for being idle before
					  * this (a registration lives on it:
					  * tcp_conn_keep) */
	struct tcp_chunk *q_head, *q_tail;
	size_t q_bytes;                  /* queued, not written */
	uint64_t q_since_ms;             /* when the queue became non-empty */
	struct tcp_alias alias[TCP_CONN_ALIASES];
	/* TLS only */
	struct tcp_tls_target *tls;      /* outgoing: set by the sender (shm,
					  * freed with the connection); NULL
					  * for accepted connections */
	bool tls_hs_pending;             /* counted in tls_handshakes */
	/* accepted connections: the counts of their source address, and,
	 * while a TLS one has sent nothing, its place in the table's list
	 * of silent handshakes (oldest first) */
	struct tcp_peer *peer_cnt;
	struct tcp_conn *hs_next, *hs_prev;
	bool silent_linked;
	bool got_bytes;                  /* the peer sent something; set once
					  * by the owner under the lock */
	uint64_t msg_start_ms;           /* first byte of a message not yet
					  * complete, 0: none (the owner,
					  * relaxed atomic, no lock) */
	/* the supervisor's timing wheel: when to look at it next */
	struct tcp_conn *tw_next, *tw_prev;
	uint64_t tw_tick;                /* due tick (TCP_WHEEL_TICK_MS) */
	bool tw_linked;

	struct tcp_tls_info *tls_info;   /* NULL until the handshake is done */
	struct tcp_conn *id_next;        /* hash chain by id */
	struct tcp_conn *all_next, *all_prev; /* list of every connection */
};

#define TCP_HASH_SIZE 4096
/* The supervisor's timing wheel: 1024 slots of 100 ms (a horizon of
 * 102 s; a later deadline is looked at again at the horizon). */
#define TCP_WHEEL_SLOTS 1024
#define TCP_WHEEL_TICK_MS 100

/* The limits the supervisor's scan applies, in ms. */
struct tcp_limits {
	uint64_t life_ms;           /* tcp_connection_lifetime: idle */
	uint64_t message_ms;        /* tcp_message_timeout: a message from
				     * its first byte to its last, 0: none */
	uint64_t tls_hello_ms;      /* tls_hello_timeout: an accepted TLS
				     * connection's first byte, 0: none */
	uint64_t connect_ms;        /* tcp_connect_timeout */
	uint64_t send_ms;           /* tcp_send_timeout: a queue not drained */
	uint64_t tls_handshake_ms;  /* tls_handshake_timeout */
	uint64_t tls_send_ms;       /* tls_send_timeout */
};

/* What the table counts per source address of accepted connections (for
 * tcp_max_connections_per_ip and tls_max_handshakes_per_ip).  In shm,
 * made with the first connection from the address and freed with the
 * last; guarded by tcp_conn_lock. */
struct tcp_peer {
	struct ip_addr ip;
	int conns;                       /* accepted connections open */
	int handshakes;                  /* of them, TLS handshakes not done */
	struct tcp_peer *next;           /* hash chain */
};

/* The table.  In shm; guarded by lock. */
struct tcp_conn_table {
	struct gen_lock *lock;
	int next_id;
	int count;                       /* connections in the table */
	int max;                         /* tcp_max_connections */
	int tls_handshakes;              /* TLS connections whose handshake
					  * is not done (tls_max_handshakes) */
	struct tcp_conn *all;
	struct tcp_conn *by_id[TCP_HASH_SIZE];
	struct tcp_alias *by_addr[TCP_HASH_SIZE];
	struct tcp_peer *by_peer[TCP_HASH_SIZE];
	/* accepted TLS connections whose peer sent nothing yet, oldest
	 * first: the first to go when tls_max_handshakes is reached */
	struct tcp_conn *silent_head, *silent_tail;
	/* every connection sits in one slot, at its next deadline (or at
	 * most message_ms away, to see a message start); the supervisor
	 * works through the slots that came due, a batch per lock hold */
	struct tcp_conn *wheel[TCP_WHEEL_SLOTS];
	uint64_t wheel_tick;             /* the tick worked through */
	bool wheel_done;                 /* ... completely */
	struct tcp_limits limits;        /* set by tcp_conn_set_limits() */
};

extern struct tcp_conn_table *tcp_conns;

/* Create the table (max connections).  Main process after shm_init(),
 * before fork; unit tests.  0, E_INVAL (done already) or E_NOMEM. */
int tcp_conn_table_init(int max);
/* Free the table and every connection (main process at exit, tests). */
void tcp_conn_table_destroy(void);

/* Make the table consistent again after a process died holding its lock
 * (the supervisor holds the lock now): the list of connections is walked
 * from its head and every index (ids, aliases, source addresses, silent
 * handshakes), count and queue tail is rebuilt from it.  What the dead
 * process was adding or removing may be lost (a leak of a few blocks),
 * nothing else.  Main process, lock held. */
void tcp_conn_table_repair(void);

/* Take / release the table lock.  Any process; not recursive; never
 * hold it across a system call. */
void tcp_conn_lock(void);
void tcp_conn_unlock(void);

/* Set c's state under the lock (a transport moves a connection to
 * TCP_S_HANDSHAKE in init and to TCP_S_OPEN when the handshake is done;
 * the supervisor closes one that stays in TCP_S_HANDSHAKE longer than
 * tcp_connect_timeout).  The owner only; takes tcp_conn_lock. */
void tcp_conn_set_state(struct tcp_conn *c, enum tcp_conn_state st);

/* The functions below need tcp_conn_lock held; any process. */

/* Set c's TLS target to a shm copy of t (an outgoing connection, before
 * its owner takes it).  0 or E_NOMEM. */
int tcp_conn_set_tls_target(struct tcp_conn *c,
    const struct tcp_tls_target *t);
/* Enter a connection to peer (state TCP_S_NEW, owner -1, id assigned;
 * a TLS one counts as a handshake in progress until tcp_conn_tls_done).
 * 0, E_TOOBIG (tcp_max_connections reached) or E_NOMEM. */
int tcp_conn_add(struct tcp_conn **out, enum proto proto,
    const union sockaddr_union *peer, struct socket_info *bind);
/* Take c out of the table, drop its queue and free it. */
void tcp_conn_remove(struct tcp_conn *c);
/* By id; NULL when gone. */
struct tcp_conn *tcp_conn_find_id(int id);
/* By ip:port (the peer address or an alias) and proto (PROTO_NONE: any);
 * a connection that is closing is skipped.  NULL when none. */
struct tcp_conn *tcp_conn_find_addr(const struct ip_addr *ip,
    unsigned short port, enum proto proto);
/* The TLS connection to ip:port for target t: one we opened for the same
 * client domain and SNI, or one the peer opened to us (it has no client
 * domain; replies and requests to a peer that connected go back on it).
 * NULL when none. */
struct tcp_conn *tcp_conn_find_tls(const struct ip_addr *ip,
    unsigned short port, const struct tcp_tls_target *t);
/* The owner finished c's TLS handshake: state TCP_S_OPEN, no longer
 * counted as a handshake in progress; info (may be NULL) becomes
 * c->tls_info (ownership moves).  Takes tcp_conn_lock. */
void tcp_conn_tls_done(struct tcp_conn *c, struct tcp_tls_info *info);
/* The counts of source address ip, or NULL when no accepted connection
 * from it is open.  Lock held. */
const struct tcp_peer *tcp_peer_get(const struct ip_addr *ip);
/* Count accepted connection c under its source address (and, for TLS,
 * as a handshake in progress of that address, in the list of silent
 * handshakes until tcp_conn_got_bytes()).  Once, right after
 * tcp_conn_add() of an accepted connection.  Lock held.  0 or E_NOMEM
 * (then c is not counted; the caller removes it). */
int tcp_conn_peer_attach(struct tcp_conn *c);
/* The peer of c sent its first bytes: it leaves the silent list.  Takes
 * the lock; the owner, once. */
void tcp_conn_got_bytes(struct tcp_conn *c);
/* The oldest accepted TLS connection whose peer sent nothing yet and
 * that no one asked to close, or NULL; taken off the silent list (the
 * caller closes it).  Lock held. */
struct tcp_conn *tcp_conn_silent_take(void);

/* Make ip:port another name of c.  0, E_TOOBIG (no free slot) or E_INVAL
 * (port 0).  An alias already held by c is fine; one held by another
 * connection moves to c (the newer connection wins). */
int tcp_conn_add_alias(struct tcp_conn *c, const struct ip_addr *ip,
    unsigned short port);
/* Shared memory one connection takes at most (its entry, and for TLS
 * its target or summary), for start-up budget checks and the docs. */
size_t tcp_conn_shm_size(bool tls);


enum tcp_expiry {
	TCP_EXP_KEEP,
	TCP_EXP_CLOSE,              /* ask the owner to close it */
	TCP_EXP_TLS_HANDSHAKE,      /* the same: its TLS handshake timed out */
	TCP_EXP_REMOVE,             /* never taken by a reader: drop it */
};

/* The limits the wheel applies (main process, before fork). */
void tcp_conn_set_limits(const struct tcp_limits *l);

/* Work through the wheel's due entries up to now, at most max of them:
 * each is checked with tcp_conn_expired() and either acted on (close_req
 * set, or removed) or scheduled again.  The owners of connections asked
 * to close are marked in wake[reader] (tcp_readers entries) for the
 * caller to wake after unlocking; *tls_hs_expired counts the TLS
 * handshakes that timed out (added to).  Returns the number looked at; *more
 * is set when due entries are left (take the lock again for them).
 * tcp_conn_lock held; the supervisor. */
int tcp_conn_wheel_step(uint64_t now, int max, bool *more, bool *wake,
    int *tls_hs_expired);

/* What the scan at time now does with c.  Ages are taken as 0 for times
 * stamped after now (owners stamp last_ms without the lock, and others
 * enter connections, while a scan runs: an unsigned difference made such
 * busy or young connections look ancient).  A connection with close_req
 * set is kept (its owner closes it).  tcp_conn_lock held. */
enum tcp_expiry tcp_conn_expired(const struct tcp_conn *c, uint64_t now,
    const struct tcp_limits *l);

/* Add ip:port of the connection conn_id as an alias (force_tcp_alias,
 * tcp_accept_aliases).  Takes tcp_conn_lock; any process.  0,
 * E_NOTFOUND (no such connection, or TCP is off), E_TOOBIG. */
int tcp_alias_add(int conn_id, const struct ip_addr *ip, unsigned short port);
/* Append len bytes to c's send queue.  0 or E_NOMEM. */
int tcp_conn_queue(struct tcp_conn *c, const char *buf, size_t len,
    uint64_t now_ms);
/* The same, at the head of the queue when front is set: the owner queues
 * the unwritten rest of a message it started writing itself, which must
 * precede whatever others queued while it wrote.  0 or E_NOMEM. */
int tcp_conn_queue_at(struct tcp_conn *c, const char *buf, size_t len,
    uint64_t now_ms, bool front);

#endif
