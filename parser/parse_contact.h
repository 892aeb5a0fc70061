/* parser/parse_contact.h: the Contact values of a message, as the
 * registrar needs them (RFC 3261 §10.2.1, §10.3, §20.10; RFC 5626 §4.1).
 *
 *	Contact = ("Contact" / "m") HCOLON ( STAR / (contact-param
 *	          *(COMMA contact-param)))
 *	contact-param = (name-addr / addr-spec) *(SEMI contact-params)
 *
 * One call parses every Contact header line of a message into one list.
 * Every struct str is a view into the message buffer, which must outlive
 * the result; the list nodes are in pkg memory (contact_set_free).  The
 * functions are pure: no globals, no logging; any process may call them,
 * for its own messages, without a lock.
 * (parse_contact_hf() in parse_addr.h stays the per-line form cached in
 * the header, without the registrar's checks.) */
#ifndef PARSER_PARSE_CONTACT_H
#define PARSER_PARSE_CONTACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/str.h"

struct hdr_field;
struct param;

/* q of a contact without a q parameter */
#define CONTACT_Q_NONE (-1)

/* One contact-param.  In pkg, owned by its contact_set. */
struct contact {
	struct str raw;          /* the contact as the UA wrote it: display
				 * name, <URI> and params (folding kept);
				 * what a 200 to REGISTER echoes back */
	struct str display;      /* quotes kept; empty if none */
	struct str uri;          /* inside <>, or the bare addr-spec */
	struct str params;       /* header params, no leading ';'; may be
				 * empty.  For a bare addr-spec everything
				 * after the first ';' is here (§20) */
	struct param *param_lst; /* every header param, in order */
	/* well-known params, each at most once */
	bool has_expires;
	uint32_t expires;    /* expires=, saturated at EXPIRES_MAX */
	int q;               /* q= as 0..1000, or CONTACT_Q_NONE */
	struct str instance; /* +sip.instance value without its quotes
				 * ("<urn:uuid:...>"); empty if absent */
	bool has_reg_id;
	uint32_t reg_id;      /* reg-id=, 1 .. 2**31-1 */
	struct contact *next; /* in message order, across header lines */
};

/* In pkg, owned by the caller of contact_set_parse(). */
struct contact_set {
	bool star; /* "Contact: *" (then n == 0) */
	size_t n;  /* contacts in the list */
	struct contact *first;
};

/* Parse the chain of Contact headers that starts at first (for a message,
 * msg->h[HDR_CONTACT]; the lines are linked by next_same) into *out.
 * No header at all (first == NULL) is a valid empty set.
 * max is the most values the caller accepts ('*' counts as one): the
 * values are counted before anything is parsed or allocated, so a message
 * with thousands of contacts costs one scan, not thousands of nodes.
 * Returns
 *	0		*out set (the caller frees it with contact_set_free)
 *	E_TOOBIG	more than max values
 *	E_PARSE		a malformed value, a malformed or repeated expires,
 *			q, reg-id or +sip.instance, '*' together with any
 *			other value (RFC 3261 §10.3 step 6), an empty value
 *	E_NOMEM
 * On E_PARSE, *err_at (when err_at is not NULL) points into the message
 * buffer at the value, or the parameter, that is wrong.  Whether '*'
 * comes with "Expires: 0", as §10.3 requires, is for the registrar to
 * check.  *out is set only on success. */
int contact_set_parse(const struct hdr_field *first, size_t max,
    struct contact_set **out, const char **err_at);

/* Free a set from contact_set_parse(); NULL is fine. */
void contact_set_free(struct contact_set *set);

/* RFC 3261 qvalue in s (no LWS):
 *	qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
 * as thousandths: "1" -> 1000, "0.5" -> 500, "0.001" -> 1.  Returns 0 and
 * sets *q, or E_PARSE ("1.001", ".5", "0.1234", "01", "+1", "").  Pure. */
int contact_q_parse(const struct str *s, int *q);

#endif
