/* tls/tls_domain.h: TLS domains (the guide, 1.6.14 and 2.4).
 *
 * A domain is one set of TLS settings and the SSL_CTX built from it:
 *  - server domains: the default one, socket based ones
 *    (tls_server_domain[ip:port]) and server_name (SNI) based ones
 *    (the same block with server_name = "...");
 *  - client domains: the default one, socket based ones (the destination
 *    ip:port) and name based ones (tls_client_domain["name"]).
 *
 * Built by the main process from tls_cfg before fork (init_tls); every
 * process then holds the same lists and contexts at the same addresses
 * and only reads them.  Everything lives in pkg memory of the main
 * process (OpenSSL objects in libc memory); nothing is locked.  This
 * header does not include OpenSSL: SSL_CTX is forward-declared. */
#ifndef TLS_DOMAIN_H
#define TLS_DOMAIN_H

#include <stdbool.h>

#include "../cfg/cfg_tls.h"
#include "../base/ip_addr.h"
#include "../base/str.h"

struct ssl_ctx_st;   /* SSL_CTX */

#define TLS_DOMAIN_DESC_MAX 160

/* in pkg of the main process; read-only after fork */
struct tls_domain {
	int type;                  /* TLS_DOMAIN_SRV or TLS_DOMAIN_CLI */
	bool is_default;           /* the default server/client domain */
	struct ip_addr addr;       /* socket domains: local (server) or
				    * remote (client) address; len 0 if none */
	unsigned short port;
	char *name;                /* name based client domain, else NULL */
	char *server_name;         /* SNI based server domain, else NULL */
	char desc[TLS_DOMAIN_DESC_MAX]; /* "tls_server_domain[1.2.3.4:5061]" */
	const char *cfg_file;      /* where the block was written, or NULL */
	int cfg_line;

	/* resolved settings (the domain's own, else the global ones, else
	 * the defaults of cfg/cfg_tls.c's tls_params[]), filled by
	 * tls_domains_from_cfg() */
	int method_min;            /* TLS1_VERSION...; 0 = library minimum */
	int method_max;            /* 0 = highest the library has */
	char *method_str;          /* as written, for messages */
	char *certificate;
	char *private_key;
	char *ca_list;             /* NULL or "" = none */
	char *crl;
	char *ciphers_list;        /* TLS <= 1.2 */
	char *cipher_suites;       /* TLS 1.3; NULL = OpenSSL's default */
	int verify_client;         /* server side */
	int require_client_certificate; /* server side */
	int verify_server;         /* client side */
	int verify_depth;
	int check_server_identity; /* client side */
	int server_cipher_preference; /* server side */

	struct ssl_ctx_st *ctx;    /* built by init_tls */
	struct tls_domain *next;
};

extern struct tls_domain *tls_default_server_domain;
extern struct tls_domain *tls_default_client_domain;
/* Socket based and server_name based server domains. */
extern struct tls_domain *tls_server_domains;
/* Socket based and name based client domains. */
extern struct tls_domain *tls_client_domains;

/* The socket based server domain of the local socket ip:port (one without
 * server_name), else the default server domain (NULL only before
 * init_tls).  Any process. */
struct tls_domain *tls_find_server_domain(struct ip_addr *ip,
    unsigned short port);
/* The server_name based domain of socket ip:port whose server_name equals
 * server_name (without case), or NULL.  Any process. */
struct tls_domain *tls_find_server_domain_server_name(struct ip_addr *ip,
    unsigned short port, const char *server_name);
/* The socket based client domain for destination ip:port, or NULL. */
struct tls_domain *tls_find_client_domain(struct ip_addr *ip,
    unsigned short port);
/* The name based client domain called name (exact match), or NULL. */
struct tls_domain *tls_find_client_domain_name(struct str name);
/* The client domain an outgoing connection uses (the guide's order):
 * the name based domain name_from_avp if given and found, else the socket
 * based one for ip:port, else the default client domain.  name_from_avp
 * may be NULL or empty.  Any process (the sender resolves it). */
struct tls_domain *tls_select_client_domain(const struct str *name_from_avp,
    const struct ip_addr *ip, unsigned short port);

/* A new, unlinked domain of the given type (TLS_DOMAIN_SRV/CLI), zeroed,
 * in pkg; NULL on no memory.  Its settings are filled by
 * tls_domains_from_cfg() (own, else global, else the table's defaults:
 * nothing here repeats a default).  Free with tls_free_domain(). */
struct tls_domain *tls_new_domain(int type);
/* Create a socket based server domain and put it at the head of
 * tls_server_domains.  0 or E_NOMEM. */
int tls_new_server_domain(struct ip_addr *ip, unsigned short port);
/* Create a socket based client domain at the head of tls_client_domains.
 * 0 or E_NOMEM. */
int tls_new_client_domain(struct ip_addr *ip, unsigned short port);
/* Create a name based client domain at the head of tls_client_domains.
 * 0 or E_NOMEM. */
int tls_new_client_domain_name(char *s, int len);
/* Free one domain (and its SSL_CTX); NULL is fine. */
void tls_free_domain(struct tls_domain *d);
/* Free both lists and both default domains. */
void tls_free_domains(void);
/* Fill d->desc from the domain's kind and address. */
void tls_domain_describe(struct tls_domain *d);

#endif
