/* parser/parse_addr.h: name-addr / addr-spec headers: To, From (one value),
 * Contact, Route, Record-Route (lists). */
#ifndef PARSER_PARSE_ADDR_H
#define PARSER_PARSE_ADDR_H

#include <stdbool.h>

#include "../base/str.h"
#include "parse_param.h"

struct hdr_field;

/* To / From */
struct to_body {
	struct str display;    /* as written, quotes kept; may be empty */
	struct str uri;        /* between <> or the bare addr-spec */
	struct str tag;        /* value of ;tag=, empty if none */
	struct str params;     /* header params, no leading ';' */
	struct param *param_lst;
};

/* One Contact, Route or Record-Route value. */
struct name_addr {
	struct str display;
	struct str uri;
	struct str params;     /* header params (outside <>), no leading ';' */
	struct param *param_lst;
	struct str raw;        /* the whole value, for copying/removal */
	struct name_addr *next;
};

struct contact_body {
	bool star;              /* "Contact: *" */
	struct name_addr *contacts;
};

/* Each parses h->body into h->parsed (owned by the header) and returns 0,
 * or E_PARSE/E_NOMEM; already parsed returns 0. */
int parse_to_hf(struct hdr_field *h);      /* To and From */
int parse_contact_hf(struct hdr_field *h);
/* Frees a Contact h->parsed (free_sip_msg does this for you). */
void free_contact_body(struct contact_body *c);
int parse_rr_hf(struct hdr_field *h);      /* Route and Record-Route */

/* Stand-alone forms for tests and fuzzers (pkg results). */
int parse_to_body(const struct str *body, struct to_body **out);
void free_to_body(struct to_body *t);
int parse_name_addr_list(const struct str *body, struct name_addr **out);
void free_name_addr_list(struct name_addr *n);

#endif
