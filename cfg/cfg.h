/* cfg.h: the config file front end (cfg.lex + cfg.y + cfg.c).
 *
 * The parser checks the syntax, builds the route tree (route_struct.h) and
 * hands every other statement to the caller's hooks, so the caller decides
 * what a global, a loadmodule, a modparam or a TLS domain block means.
 * Every problem is printed to stderr as "file:line:col: message" and
 * counted; parsing goes on after an error where it can.  Main process,
 * before fork. */
#ifndef CFG_H
#define CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cfg_param.h"
#include "cfg_tls.h"
#include "../base/ip_addr.h"
#include "route_struct.h"



/* A hook returns 0, or a negative E_* code with *err set to a pkg string
 * (the parser prints it at the value's position and frees it; *err may be
 * left NULL, then err_str(rc) is printed). */
struct cfg_hooks {
	/* "name = value" at top level; NULL: core_param_set() */
	int (*global)(const char *name, const struct cfg_val *v, char **err);
	/* loadmodule "path"; NULL: an error ("no module loader") */
	int (*loadmodule)(const char *path, const struct cfg_pos *pos,
	    char **err);
	/* modparam("mod", "param", value); NULL: an error */
	int (*modparam)(const char *mod, const char *param,
	    const struct cfg_val *v, char **err);
	/* tls_server_domain[addr] / tls_client_domain[addr or "name"]:
	 * addr is CV_ID (address text) or CV_STR (a client domain name).
	 * NULL: tls_cfg_domain_open() / tls_cfg_domain_set() /
	 * tls_cfg_domain_close() from cfg_tls.h.  After open (even when it
	 * failed) the block's lines go to set and its end to close. */
	int (*tls_domain_open)(enum tls_domain_type type,
	    const struct cfg_val *addr, char **err);
	int (*tls_domain_set)(const char *name, const struct cfg_val *v,
	    char **err);
	int (*tls_domain_close)(char **err);
	/* where messages go; NULL: stderr */
	FILE *err_file;
};

/* Parse a config file.  h may be NULL (all defaults).  On return *routes
 * holds the route blocks parsed (also on errors: the caller frees them with
 * route_blocks_free()), *nerrors the number of errors printed.  Returns 0
 * when there was no error, E_PARSE when there were errors, E_IO when the
 * file cannot be read (counted as one error), E_NOMEM. */
int cfg_parse_file(const char *path, const struct cfg_hooks *h,
    struct route_block **routes, int *nerrors);
/* The same for a buffer (need not be NUL-terminated); name is used in
 * messages and positions. */
int cfg_parse_buffer(const char *name, const char *buf, size_t len,
    const struct cfg_hooks *h, struct route_block **routes, int *nerrors);


/* Print route blocks in canonical form (parses back to the same tree). */
void cfg_print_routes(FILE *f, const struct route_block *r);

/* A copy of name that lives as long as the program (for cfg_pos.file). */
const char *cfg_intern(const char *name);

/* ---- for cfg.y and cfg.lex only ---- */

struct cfg_parser {
	const char *file;              /* interned */
	const struct cfg_hooks *h;
	int nerrors;
	struct route_block *routes;
	void *scanner;
	int in_domain;                 /* a tls_*_domain block is open */
	struct cfg_pos dom_pos;        /* where it was opened */
	int line, col;                 /* the lexer's position */
	int cstart_line, cstart_col;   /* where an open comment began */
	char last[48];                 /* text of the last value token */
};

/* Scan and parse buf (cfg.lex): 0, or E_NOMEM / E_TOOBIG (not counted). */
int cfg_scan_run(struct cfg_parser *p, const char *buf, size_t len);
/* Print "file:line:col: msg" and count it. */
void cfg_error(struct cfg_parser *p, const struct cfg_pos *pos,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Grammar callbacks: each reports its own errors. */
void cfg_do_global(struct cfg_parser *p, char *name, struct cfg_val *v);
void cfg_do_loadmodule(struct cfg_parser *p, char *path,
    const struct cfg_pos *pos);
void cfg_do_modparam(struct cfg_parser *p, char *mod, char *param,
    struct cfg_val *v);
void cfg_do_route(struct cfg_parser *p, enum route_kind kind, char *name,
    struct action *body, const struct cfg_pos *pos);
void cfg_do_domain_open(struct cfg_parser *p, enum tls_domain_type type,
    struct cfg_val *addr);
void cfg_do_domain_set(struct cfg_parser *p, char *name, struct cfg_val *v);
void cfg_do_domain_close(struct cfg_parser *p);

#endif
