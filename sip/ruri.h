/* ruri.h: reading and rewriting the request-URI of the message being
 * routed (sethost, strip, $rU = ..., ...).  The rewritten URI lives in
 * msg->new_uri (pkg); the original stays in the buffer for revert_uri(). */
#ifndef RURI_H
#define RURI_H

#include <stddef.h>

#include "../base/str.h"

struct sip_msg;
struct sip_uri;

enum ruri_part {
	RURI_ALL,
	RURI_USER,
	RURI_HOST,
	RURI_PORT,
	RURI_HOSTPORT,
};

/* The current R-URI text (rewritten or original). */
struct str ruri_get(const struct sip_msg *msg);
/* The current R-URI parsed (cached); 0 or E_PARSE. */
int ruri_parse(struct sip_msg *msg, struct sip_uri **out);
/* Replace the R-URI, or one part of it.  0, E_PARSE or E_NOMEM. */
int ruri_set(struct sip_msg *msg, enum ruri_part part, const char *s,
    size_t len);
/* Remove the first n characters of the user part / prepend to it. */
int ruri_strip(struct sip_msg *msg, size_t n);
int ruri_prefix(struct sip_msg *msg, const char *s, size_t len);
/* Back to the R-URI the message arrived with. */
void ruri_revert(struct sip_msg *msg);

#endif
