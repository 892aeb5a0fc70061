/* tls/tls_init.h: start-up and shut-down of the TLS layer (guide 2.2).
 *
 * Order, in the main process:
 *	pre_init_tls()    before the config is parsed
 *	init_tls()        after the config, before fork: builds every domain
 *	                  and its SSL_CTX, the session ticket keys and the
 *	                  key log file; a failure stops start-up
 *	tls_init(si)      for each TLS socket, after init_tls()
 *	destroy_tls()     at exit (also fine after a failed init_tls)
 * Children inherit everything by fork and only read it. */
#ifndef TLS_INIT_H
#define TLS_INIT_H

struct socket_info;

/* Initialise OpenSSL.  0 or E_TLS. */
int pre_init_tls(void);
/* Build the domains from tls_cfg.  0, or E_TLS/E_INVAL/E_NOMEM after
 * logging the reason (domain, file, OpenSSL's reason) at L_ERR; the same
 * text is in tls_init_error(). */
int init_tls(void);
/* The message of the last failed init_tls() ("" if none). */
const char *tls_init_error(void);
/* Free the domains and contexts, wipe the ticket keys, close the key
 * log.  Main process (children exit without it). */
void destroy_tls(void);
/* Check that TLS socket si has a usable server domain.  0 or E_TLS (and
 * an L_ERR line naming the socket). */
int tls_init(struct socket_info *si);

#endif
