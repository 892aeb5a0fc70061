/* parser/parse_param.h: ";name=value" parameter lists (URI, Via, To/From,
 * Contact, Route).  Views into the parsed buffer; list nodes in pkg. */
#ifndef PARSER_PARSE_PARAM_H
#define PARSER_PARSE_PARAM_H

#include "../base/str.h"

struct param {
	struct str name;
	struct str body;   /* value without quotes; empty if none */
	struct param *next;
};

/* Parse "a=b;c;d=\"x y\"" (no leading ';') up to the end of s, or up to the
 * first character in `stop` that is not inside quotes ("," for header
 * lists, "?>" for URIs).  *consumed tells how far it got.
 * Returns 0 or E_PARSE/E_NOMEM; on success *out owns a pkg list. */
int parse_params(const struct str *s, const char *stop, struct param **out,
    size_t *consumed);
void free_params(struct param *p);
/* First param named `name` (case-insensitive), or NULL. */
struct param *param_find(struct param *p, const char *name);

#endif
