/* cfg_tls.h: TLS settings from the config, as plain data (no OpenSSL).
 *
 * The parser stores the tls_* globals and the tls_server_domain /
 * tls_client_domain blocks here and enforces the guide's placement rules;
 * checks that need files or OpenSSL happen later, in tls/.  In a build
 * without TLS (cfg_tls_compiled false) every TLS setting is still parsed
 * and checked, but is reported as an error ("TLS support is not compiled
 * in; ...").  Main process,
 * before fork; read-only afterwards. */
#ifndef CFG_TLS_H
#define CFG_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg_param.h"
#include "../base/ip_addr.h"
#include "route_struct.h"

#define TLS_NOT_COMPILED_MSG \
	"TLS support is not compiled in; rebuild with `TLS=1 make all`"

/* Whether this build has TLS (main.c sets it from tls_compiled() before
 * the config is parsed; false by default).  When false, every TLS
 * setting still parses and is checked, then is reported as an error
 * with TLS_NOT_COMPILED_MSG. */
extern bool cfg_tls_compiled;

/* The TLS 1.2 cipher list when tls_ciphers_list is not set: forward
 * secrecy (ECDHE) and AEAD only, the "intermediate" profile.  A domain
 * whose tls_method allows nothing newer than TLS 1.1 (the guide's
 * tls_method=TLSv1) also gets TLS_DEFAULT_CIPHERS_OLD, still
 * forward-secret: those versions have no AEAD suite. */
#define TLS_DEFAULT_CIPHERS                                               \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"      \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"      \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
#define TLS_DEFAULT_CIPHERS_OLD                                           \
	"ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:"                    \
	"ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA"

enum tls_domain_type {
	TLS_DOMAIN_SRV = 1,    /* tls_server_domain[ip:port] */
	TLS_DOMAIN_CLI = 2,    /* tls_client_domain[ip:port] or ["name"] */
};

/* What can be set both globally and per domain: the rows of tls_params[]
 * with P_OFF are offsets into this struct, so one row serves the global
 * value (tls_cfg.def) and every domain's (tls_domain_cfg.s). */
struct tls_settings {
	struct opt_str method;        /* as written: "TLSv1.2+" ... */
	struct opt_str certificate;
	struct opt_str private_key;
	struct opt_str ca_list;
	struct opt_str ciphers_list;  /* TLS <= 1.2 cipher list */
	struct opt_str cipher_suites; /* TLS 1.3 suites */
	struct opt_str crl;
	struct opt_int verify_client; /* server side */
	struct opt_int require_client_certificate; /* server side */
	struct opt_int verify_server; /* client side */
	struct opt_int verify_depth;
	struct opt_int check_server_identity; /* client side */
	struct opt_int server_cipher_preference; /* server side */
};

struct tls_domain_cfg {
	enum tls_domain_type type;
	char *addr;             /* pkg, as written; NULL for a name domain */
	struct ip_addr ip;      /* parsed addr (socket domains) */
	unsigned short port;    /* 0: not given */
	char *name;             /* pkg; name based client domain, else NULL */
	char *server_name;      /* pkg; SNI name (server domains), or NULL */
	struct tls_settings s;  /* per-domain overrides (.set flags) */
	struct cfg_pos pos;
	struct tls_domain_cfg *next;   /* config order */
};

struct tls_cfg {
	bool any_tls_setting;   /* a tls_* global, listen=tls:... or a
				 * domain block appeared */
	/* global only; defaults in tls_params[] */
	struct opt_int disable_tls;
	struct opt_int port_no;
	struct opt_int handshake_timeout;    /* s */
	struct opt_int send_timeout;         /* s */
	struct opt_int client_domain_avp;    /* 0: off */
	struct opt_int server_name_avp;      /* 0: off */
	struct opt_int max_handshakes;       /* 0: no limit */
	struct opt_int handshake_rate_per_ip; /* per s, 0: no limit */
	struct opt_int max_handshakes_per_ip; /* in progress, 0: no limit */
	struct opt_int hello_timeout;        /* s to the first byte, 0: none */
	struct opt_str keylog_file;
	struct opt_str ticket_key_file;
	struct tls_settings def;  /* the global (default domain) settings:
				   * ints hold the table's default until set,
				   * strings are NULL (see tls_setting_str) */
	struct tls_domain_cfg *domains;
};

extern struct tls_cfg tls_cfg;

/* Set a TLS global ("disable_tls", "tls_*").  Returns 0, E_NOTFOUND when
 * name is not a TLS global (*err untouched), or E_INVAL with *err (pkg).
 * Without TLS (cfg_tls_compiled false) a valid setting still returns
 * E_INVAL with TLS_NOT_COMPILED_MSG. */
int tls_cfg_global_set(const char *name, const struct cfg_val *v,
    char **err);
/* Start a domain block: addr is CV_ID "ip[:port]" (also "[v6]:port"), or
 * for a client domain CV_STR "name".  Subsequent set/close calls apply to
 * it.  Returns 0 or E_INVAL/E_NOMEM with *err; without TLS the domain
 * is still opened (so its lines are checked) but E_INVAL is returned. */
int tls_cfg_domain_open(enum tls_domain_type type, const struct cfg_val *addr,
    char **err);
/* "name = value" inside the open domain block. */
int tls_cfg_domain_set(const char *name, const struct cfg_val *v,
    char **err);
/* End the block. */
int tls_cfg_domain_close(char **err);
/* Mark that TLS is used (listen=tls:...). */
void tls_cfg_note_use(void);
/* Free everything and restore the table's defaults (also in place
 * before main() runs). */
void tls_cfg_reset(void);
/* Validate a tls_method text; 0 or E_INVAL with *err. */
int tls_method_check(const char *s, char **err);

/* Every TLS parameter (globals, domain settings, the domain-only
 * server_name), in the reference's order. */
extern const struct param_def tls_params[];
/* What a domain uses for the setting at offset off of struct
 * tls_settings (offsetof(struct tls_settings, verify_depth)): its own
 * value if its block set it (own may be NULL: a default domain), else the
 * global one, which is the table's default unless the config set it.
 * The guide (1.6.14): "If a parameter is not explicit set, the default
 * value will be used."  Strings may be NULL (no default); they are
 * borrowed from tls_cfg or the table. */
int tls_setting_int(const struct tls_settings *own, size_t off);
const char *tls_setting_str(const struct tls_settings *own, size_t off);

#endif
