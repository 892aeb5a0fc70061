/* reg_rules.h: the registrar's decision for one REGISTER (RFC 3261
 * §10.3 steps 6-8, RFC 5626 §6), free of messages and of storage: given
 * the request's contacts and the AOR's current bindings it says which
 * bindings to insert, update or delete, or which error answers the
 * request.  Pure: no globals, no allocation, no logging; any process.
 * test/unit/t_registrar.c checks it rule by rule. */
#ifndef REGISTRAR_REG_RULES_H
#define REGISTRAR_REG_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "../usrloc/usrloc.h"

struct reg_cfg {
	int default_expires; /* s, for a contact with no expiry given */
	int min_expires;     /* s; a shorter non-zero expiry: 423 */
	int max_expires;     /* s, 0: no limit; longer ones are cut */
	int max_contacts;    /* per AOR, 0: no limit but UL_CHANGES_MAX */
	int default_q;       /* 0..1000, -1: none */
};

/* One Contact of the REGISTER (views into the message or the caller's
 * buffers). */
struct reg_contact {
	struct str uri;
	struct str raw; /* as written, without its expires param */
	bool has_expires;
	uint32_t expires;
	int q;               /* 0..1000, -1: none */
	struct str instance; /* +sip.instance, "<urn:...>" or empty */
	bool has_reg_id;
	uint32_t reg_id;
};

struct reg_request {
	const struct reg_contact *c;
	int n;
	bool star; /* Contact: * */
	bool has_expires_hdr;
	uint32_t expires_hdr;
	struct str callid;
	uint32_t cseq;
	int64_t now;   /* UTC epoch s */
	bool outbound; /* RFC 5626 applies: flows by instance and
				* reg-id (we are the first hop) */
	bool single;   /* one binding per AOR: the others go */
	/* what every binding this request makes carries besides its
	 * contact: received, path, socket, proto, conn_id, user_agent,
	 * methods, flags, cflags */
	const struct ul_binding *tmpl;
};

/* The answer when the request fails. */
struct reg_error {
	int code;             /* 400, 403, 423 */
	const char *reason;   /* static */
	uint32_t min_expires; /* for the 423's Min-Expires */
};

/* The expiry (s) granted to contact c of rq: its expires param, else
 * the Expires header, else default_expires; cut to max_expires.  0 is a
 * removal.  Returns false (and sets e) for 0 < expiry < min_expires. */
bool reg_expiry(const struct reg_cfg *cfg, const struct reg_request *rq,
    const struct reg_contact *c, uint32_t *out, struct reg_error *e);

/* Decide.  cur[0..ncur) are the AOR's bindings now.  Fills ch (room for
 * UL_CHANGES_MAX) and returns the number of changes (0: the request only
 * asks for the bindings, or repeats one already applied), or -1 with *e
 * set:
 *	400 "Invalid CSeq number": a binding of this Call-ID has a higher
 *	    CSeq (an older REGISTER arriving late);
 *	400 "Multiple reg-id contacts": RFC 5626 §6;
 *	423 "Interval Too Brief" (min_expires);
 *	403 "Too many registered contacts": more than max_contacts would
 *	    result.
 * A REGISTER whose Call-ID and CSeq equal a binding's is a retransmission
 * of the one that made it: that binding stays as it is. */
int reg_decide(const struct reg_cfg *cfg, const struct reg_request *rq,
    const struct ul_binding *cur, int ncur, struct ul_change *ch,
    struct reg_error *e);

#endif
