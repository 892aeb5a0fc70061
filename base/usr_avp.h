/* usr_avp.h: attribute-value pairs ($avp(i:N), $avp(s:name)).
 *
 * AVPs belong to the message being processed: the list lives in pkg memory
 * of the process that runs the script and is emptied (avp_reset) after
 * each message.  The newest value of a name is found first. */
#ifndef USR_AVP_H
#define USR_AVP_H

#include <stdbool.h>

#include "str.h"

struct avp_name {
	bool is_str;
	long id;         /* i:N */
	struct str name; /* s:name (the spec's own copy) */
};

struct avp_value {
	bool is_str;
	long n;
	struct str s; /* points into the AVP (valid until avp_reset) */
};

/* Add a value (copied).  0 or E_NOMEM. */
int avp_add(const struct avp_name *name, const struct avp_value *val);
/* Newest value of name; false if none. */
bool avp_get(const struct avp_name *name, struct avp_value *out);
/* Same, for integer names (the TLS layer's tls_client_domain_avp). */
bool avp_get_int_name(long id, struct avp_value *out);
/* Remove every value of name. */
void avp_del(const struct avp_name *name);
/* Drop all AVPs (end of message processing). */
void avp_reset(void);

#endif
