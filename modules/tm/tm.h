/* tm.h: the transaction module's shared types (RFC 3261 §17, §16).
 *
 * A transaction ("cell") lives in shm so that any process can find it: a
 * retransmission, a reply or a CANCEL may arrive in any receiver, and the
 * timers run in the timer process.  Cells are hashed on the top Via branch
 * of the request (§17.2.3); the branches we send carry the cell's bucket
 * and label (tm_branch_fmt), so a reply finds its cell without a search.
 *
 * Locks: the bucket lock guards the bucket's chain and its label counter;
 * cell->lock guards every other field of the cell and its branches; the
 * timer wheel has its own lock.  Order: cell lock, then wheel lock; a
 * bucket lock is never held together with a cell lock.  No script code
 * runs while a tm lock is held. */
#ifndef TM_TM_H
#define TM_TM_H

#include <stdbool.h>
#include <stdint.h>

#include "../../api/sr_api.h"
#include "t_dns.h"

#define TM_HASH_SIZE 4096          /* buckets, a power of two */
#define TM_MAX_BRANCHES 12
#define TM_HOST_MAX 128
#define TM_ROUTE_NAME_MAX 32
#define TM_BUF_SIZE 65536

/* Module parameters (tm_mod.c); seconds for fr/wt, ms for retr. */
struct tm_cfg {
	int fr_timer, fr_inv_timer, wt_timer;
	int retr_timer1, retr_timer2;
	int noisy_ctimer, auto_inv_100;
	int failover_timer;        /* ms; 0: fr_timer */
};
extern struct tm_cfg tm_cfg;

enum tm_timer_kind {
	TMT_UAS_RETR,    /* timer G (+ H deadline): final INVITE reply */
	TMT_WAIT,        /* wt_timer: then the cell is freed */
	TMT_BR_RETR,     /* timers A / E on a UDP branch */
	TMT_BR_FR,       /* fr_timer / fr_inv_timer (B / F) */
	TMT_BR_CANCEL,   /* timer E of our CANCEL on a UDP branch */
};

/* in shm, inside its cell; links guarded by the wheel lock */
struct tm_timer {
	struct tm_timer *prev, *next;
	uint64_t due_ms;
	struct tm_cell *cell;
	uint8_t kind;              /* enum tm_timer_kind */
	uint8_t branch;
	bool linked;
};

enum tm_br_state {
	BR_FREE = 0,
	BR_BUILDING,     /* index reserved, request being built */
	BR_PENDING,      /* sent, no final reply */
	BR_FINAL,
};

/* The targets of a branch not tried yet (RFC 3263 failover) and the TLS
 * AVPs as t_relay() saw them, so that a later try from another process
 * picks the same client domain and SNI.  In shm, owned by one branch
 * (it moves to the branch that takes over); guarded by cell->lock. */
struct tm_alt {
	struct tm_targets tl;
	int next;                  /* next index of tl to try */
	char dom[TM_HOST_MAX];     /* tls_client_domain_avp value, "" none */
	char sni[TM_HOST_MAX];     /* tls_server_name_avp value, "" none */
};

/* in shm, inside its cell; guarded by cell->lock */
struct tm_branch {
	enum tm_br_state state;
	struct dest_info dst;      /* dst.host points to host[] below */
	char host[TM_HOST_MAX];
	char *req;                 /* shm: the request as sent */
	size_t req_len;
	char *reply;               /* shm: the final reply received, NULL for
				    * a local one (timeout, send failure) */
	size_t reply_len;
	int code;                  /* highest code so far (0: none) */
	bool provisional;          /* a 1xx came */
	bool cancelled;            /* we sent a CANCEL */
	unsigned retr_ms;          /* current retransmission interval */
	struct tm_alt *alt;        /* shm or NULL: targets left to try */
	bool short_fr;             /* fr runs failover_timer, not fr_timer */
	char *cancel;              /* shm: our CANCEL, kept while it is
				    * retransmitted over UDP (§17.1.2.2) */
	size_t cancel_len;
	unsigned cancel_ms;        /* its current interval (timer E) */
	unsigned cancel_spent;     /* ms since it was first sent (timer F) */
	struct tm_timer retr, fr, cretr;
};

/* A target held back for serial forking (struct branch.serial: another
 * flow of one UA, RFC 5626 §5.3), sent when every branch before it
 * failed.  shm, one block with its strings; guarded by the cell lock. */
struct tm_held {
	struct tm_held *next;
	size_t uri_len, dst_uri_len, path_len;
	int conn_id;
	struct socket_info *sock;
	unsigned flags;
	char buf[]; /* uri, dst_uri, path */
};

/* A saved lump of the request (for failure_route's copy of it). */
struct tm_lump {
	int op;                    /* enum lump_op */
	size_t offset, len;
	size_t text_off, text_len; /* in the cell's lump text blob */
};

/* in shm; chain links guarded by the bucket lock, refs atomic, the rest
 * by lock */
struct tm_cell {
	struct tm_cell *next, *prev;
	unsigned bucket, label;
	int ref;
	struct gen_lock lock;

	/* the key (§17.2.3): offsets into req */
	enum method_id method;
	size_t branch_off, branch_len, host_off, host_len;
	unsigned short via_port;
	char *req;                 /* shm copy of the received request */
	size_t req_len;
	struct receive_info rcv;   /* rcv.bind: the socket table, which is
				    * the same in every process (made before
				    * fork and never changed) */
	unsigned msg_flags, core_flags;

	/* the request as t_relay() left it, for failure_route */
	char *new_uri;             /* shm or NULL */
	size_t new_uri_len;
	struct tm_lump *lumps;     /* shm, nlumps entries then the text */
	int nlumps;
	bool snap_done;

	/* server transaction */
	struct dest_info uas_dst;
	char *uas_reply;           /* shm: the last reply sent upstream */
	size_t uas_reply_len;
	int uas_code;
	bool uas_final, acked, cancelled, terminated;
	bool in_failure;           /* failure_route running */
	unsigned uas_retr_ms;
	uint64_t uas_final_ms;
	struct tm_timer uas_retr, wait;

	char on_failure[TM_ROUTE_NAME_MAX];
	char on_reply[TM_ROUTE_NAME_MAX];
	char on_branch[TM_ROUTE_NAME_MAX];

	struct tm_held *held;      /* shm list, first to try first */

	int nbranches;
	struct tm_branch br[TM_MAX_BRANCHES];
};

/* statistics (tm_mod.c) */
extern struct stat_var *tm_stat_shm_refused;
/* shm_short() logs at most this often */
#define TM_SHM_LOG_MS 10000

/* ---- t_table.c */
/* Bytes of shm one transaction takes, besides its request. */
size_t tm_cell_size(void);
/* Allocate the table (main process, before fork).  0 or E_NOMEM. */
int tm_table_init(void);
void tm_table_destroy(void);
/* Find the server transaction of a request: branch/sent-by of its top Via
 * and method (ACK looks for the INVITE).  A reference is taken; NULL if
 * none (or no RFC 3261 branch).  Any process, no lock held. */
struct tm_cell *tm_lookup_request(struct sip_msg *msg, enum method_id m);
/* Create the server transaction of msg, or find the one that exists
 * (then *found is set).  Returns a referenced cell (one ref for the
 * table, one for the caller when created), or NULL (E_NOMEM or no RFC
 * 3261 branch: *err says which). */
struct tm_cell *tm_cell_new(struct sip_msg *msg, bool *found, int *err);
/* Find a cell from one of our branch ids; *b gets the branch index.
 * Referenced or NULL. */
struct tm_cell *tm_lookup_branch(const struct str *branch, int *b);
/* Write our branch id for (c, b) into out (>= 64 bytes); its length. */
size_t tm_branch_fmt(const struct tm_cell *c, int b, char *out);
void tm_cell_ref(struct tm_cell *c);
/* Drop a reference; the last one frees the cell (its timers must be
 * stopped, it must be out of the table). */
void tm_cell_unref(struct tm_cell *c);
/* Take the cell out of the table and drop the table's reference. */
void tm_cell_remove(struct tm_cell *c);
/* Cells that may have a pending branch sent over stream connection
 * conn_id (read without their locks: check again under the lock).  Up to
 * max cells, each referenced, into out; returns how many.  Any process,
 * no lock held. */
int tm_cells_by_conn(int conn_id, struct tm_cell **out, int max);

/* ---- t_timer.c */
int tm_timer_init(void);
void tm_timer_destroy(void);
/* (Re)arm t to fire in ms; stop it.  Any process; cell lock held. */
void tm_timer_set(struct tm_timer *t, unsigned ms);
void tm_timer_stop(struct tm_timer *t);
/* The timer process's tick. */
void tm_timer_tick(unsigned ticks, void *arg);

/* ---- t_funcs.c */
/* The timer handler: cell alive, no lock held, timer process. */
void tm_timer_fire(struct tm_cell *c, int kind, int branch);
int tm_request_hook(struct sip_msg *msg);
int tm_reply_hook(struct sip_msg *msg);
void tm_done_hook(struct sip_msg *msg);
/* tcp_fail_hook_add: note a failed connection (any process, any locks
 * held); tm_conn_fail_run() ends or fails over the branches that used
 * it (timer process, every tick, no lock held). */
int tm_conn_fail_init(void);
void tm_conn_fail_note(int conn_id);
void tm_conn_fail_run(void);
/* Script functions; return script values. */
int tm_relay(struct sip_msg *msg, const struct str *host, unsigned short port,
    enum proto proto);
int tm_newtran(struct sip_msg *msg);
int tm_reply(struct sip_msg *msg, int code, const char *reason);
int tm_set_route(struct sip_msg *msg, int which, const char *name);
int tm_check_trans(struct sip_msg *msg);
int tm_was_cancelled(struct sip_msg *msg);

#endif
