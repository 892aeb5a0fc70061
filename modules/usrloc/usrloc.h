/* usrloc.h: the interface usrloc offers other modules (the registrar),
 * found with module_api_find("usrloc", "usrloc") (1.x: bind_usrloc).
 *
 * The location table maps an address-of-record (AOR: "user@domain", or
 * "user" when use_domain is off) to its bindings.  A binding is handed
 * over as a struct ul_binding whose strings are views: into shm (the
 * table's own copy) inside the callbacks below, into the caller's
 * message or pkg when the caller passes one in.  Nothing here keeps a
 * pointer the caller gave it: what must live on is copied.
 *
 * Concurrency: every AOR hashes to one slot of its table; a slot has one
 * lock, and each call below holds it for the whole read-decide-write of
 * that AOR, so two REGISTERs for one AOR never interleave (in db_mode 3
 * only within this proxy).  Callbacks run with the slot lock held: they
 * must not call back into usrloc for another AOR, nor block.
 *
 * Any process after fork may call everything but ul_domain_register
 * (main process, before fork). */
#ifndef USRLOC_USRLOC_H
#define USRLOC_USRLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "../../api/sr_api.h"

#define USRLOC_API_NAME "usrloc"

/* binding flags (ul_binding.flags) */
#define UL_FL_OUTBOUND 0x01 /* an RFC 5626 flow (instance + reg-id) */
#define UL_FL_MEM_ONLY                                                         \
	0x02                 /* never written to the database (save
			       * flag 0x01) */
#define UL_FL_PERMANENT 0x04 /* never expires (ul_add with expires 0) */
/* the first Path URI is a flow Path (registrar's cluster mode): the
 * proxy server_id, which holds the binding's connection; that proxy
 * sees the binding without it (reached over its connection), the others
 * with it (they relay to that proxy) */
#define UL_FL_FLOW_PATH 0x08

/* every method: no Allow header in the REGISTER */
#define UL_METHODS_ALL 0xffffffffu

/* Longest values, as the location table's columns hold them. */
#define UL_AOR_MAX 129 /* username 64 + '@' + domain 64 */
#define UL_URI_MAX 512 /* contact */
#define UL_RAW_MAX                                                             \
	768 /* the Contact as the UA wrote it (64 of
			       * them fit a 64 KB reply) */
#define UL_PATH_MAX 512
#define UL_CALLID_MAX 255
#define UL_UA_MAX 255 /* longer User-Agent values are cut */
#define UL_RECEIVED_MAX 128
#define UL_INSTANCE_MAX 255
#define UL_RUID_MAX 64

struct socket_info;

/* One binding.  Strings are views (see above); empty: absent. */
struct ul_binding {
	struct str ruid;     /* unique id, set by usrloc on insert */
	struct str contact;  /* the contact URI: the R-URI to use */
	struct str raw;      /* the Contact value as the UA wrote it,
				   * without its expires param: what a 200
				   * echoes (params kept verbatim) */
	struct str received; /* "sip:ip:port;transport=x": the source
				   * the REGISTER came from */
	struct str path;     /* RFC 3327 route set, "<a>,<b>" */
	struct str callid;
	struct str user_agent;
	struct str instance; /* +sip.instance, "<urn:...>" */
	uint32_t reg_id;     /* RFC 5626 reg-id, 0: none */
	uint32_t cseq;
	int64_t expires;          /* UTC epoch seconds; 0 with
				   * UL_FL_PERMANENT */
	int64_t last_modified;    /* UTC epoch seconds */
	int q;                    /* 0..1000, -1: none given */
	unsigned flags;           /* UL_FL_* */
	unsigned cflags;          /* the script's flags at save time */
	unsigned methods;         /* METHOD_* bits from Allow */
	struct socket_info *sock; /* where the REGISTER came in */
	enum proto proto;         /* transport it came over */
	int conn_id;              /* its stream connection; 0: none (UDP);
				   * -1: a connection of an earlier run */
	int server_id;            /* the proxy that holds the connection */
	bool unreachable;         /* (output) its connection is gone */
};

/* What a REGISTER does to one binding. */
enum ul_op {
	UL_INSERT, /* b is new (usrloc sets its ruid) */
	UL_UPDATE, /* replace binding idx of the current set
				   * with b (its ruid is kept) */
	UL_DELETE, /* remove binding idx */
};

struct ul_change {
	enum ul_op op;
	int idx;             /* UL_UPDATE / UL_DELETE: index into the
				   * current set handed to the decide fn */
	struct ul_binding b; /* UL_INSERT / UL_UPDATE */
};

/* Most changes one call commits, and most bindings an AOR holds. */
#define UL_CHANGES_MAX 64

/* The decision for one AOR, made under its slot lock from its current,
 * unexpired bindings cur[0..n) (views into the table).  Fills ch (room
 * for UL_CHANGES_MAX) and returns how many changes (0: none), or a
 * negative value to change nothing (the caller's own error: usrloc
 * returns it unchanged). */
typedef int (*ul_decide_fn)(const struct ul_binding *cur, int n,
    struct ul_change *ch, void *arg);
/* Called under the same lock with the AOR's bindings after the commit
 * (the 200 lists them), or from ul_get for lookups. */
typedef void (*ul_report_fn)(const struct ul_binding *all, int n, void *arg);

struct ul_domain; /* a location table ("location"), in shm; opaque */

struct usrloc_api {
	/* The table named name (created on first use: the table name of
	 * save("location")).  Main process, before fork.  0 with *out, or
	 * E_NOMEM, E_INVAL (bad name). */
	int (*domain_register)(const char *name, struct ul_domain **out);
	/* Read-decide-commit for aor: decide sees the current bindings,
	 * its changes are applied all or nothing (memory and, per db_mode,
	 * the database), then report (may be NULL) sees the result.
	 * Returns 0, decide's own negative value, E_NOMEM (shm), E_TOOBIG
	 * (more than UL_CHANGES_MAX bindings would result), E_IO (the
	 * database refused or is down: nothing changed), E_INVAL (a value
	 * over its column's size). */
	int (*update)(struct ul_domain *d, const struct str *aor,
	    ul_decide_fn decide, ul_report_fn report, void *arg);
	/* report sees aor's unexpired bindings (n may be 0).  0, or E_IO
	 * (db_mode 3: the database failed). */
	int (*get)(struct ul_domain *d, const struct str *aor,
	    ul_report_fn report, void *arg);
	/* Remove every binding of aor (contact NULL) or the one whose
	 * contact URI is *contact.  0, E_NOTFOUND or E_IO. */
	int (*remove)(struct ul_domain *d, const struct str *aor,
	    const struct str *contact);
	/* use_domain, as configured: AORs are "user@domain" */
	bool (*use_domain)(void);
	/* this proxy's server_id */
	int (*server_id)(void);
	/* db_mode, as configured */
	int (*db_mode)(void);
};

#endif
