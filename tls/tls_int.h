/* tls/tls_int.h: what the files of tls/ share among themselves.  Not for
 * use outside tls/ (it includes OpenSSL). */
#ifndef TLS_INT_H
#define TLS_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls_domain.h"

/* Append OpenSSL's whole error queue to buf as "reason; reason; ..."
 * (NUL-terminated, truncated to size) and clear the queue.  Returns the
 * length written; "" when the queue was empty. */
size_t tls_errq_str(char *buf, size_t size);

/* tls_config.c: build the domain lists from tls_cfg (settings resolved,
 * no SSL_CTX yet).  0, or E_INVAL/E_NOMEM with the reason in err. */
int tls_domains_from_cfg(char *err, size_t errsize);

/* tls_init.c: build d->ctx.  0, or E_TLS/E_INVAL/E_NOMEM with a message
 * naming the domain, the file and OpenSSL's reason in err. */
int tls_domain_build_ctx(struct tls_domain *d, char *err, size_t errsize);

/* tls_ticket.c: the session ticket keys, the same in every process:
 * from tls_ticket_key_file (one or more 80-byte keys in nginx's
 * ssl_session_ticket_key format, back to back: the first encrypts, all
 * decrypt), or made at random once in the main process.  load: at
 * init_tls and, with a file, again at every tls_reload (each process
 * reads the file); 0, or E_IO / E_INVAL with the file and reason in err.
 * check: the file would load (tls_reload validates first). */
int tls_ticket_keys_load(char *err, size_t errsize);
int tls_ticket_keys_check(char *err, size_t errsize);
void tls_ticket_keys_wipe(void);
int tls_ticket_cb(SSL *s, unsigned char key_name[16], unsigned char *iv,
    EVP_CIPHER_CTX *cctx, EVP_MAC_CTX *hctx, int enc);

/* Index of the SSL ex_data slot holding the struct tls_conn. */
extern int tls_conn_ex_idx;

/* The verify callback every SSL_CTX and SSL uses: logs the result at
 * L_DBG and, on a client with an identity to check, checks it on the
 * peer's certificate (depth 0). */
int tls_verify_cb(int ok, X509_STORE_CTX *x);

/* The servername (SNI) callback of every server SSL_CTX: switches the
 * SSL to the socket's server_name domain for the name received. */
int tls_sni_cb(SSL *ssl, int *alert, void *arg);

/* tls_ident.c: does cert match host (a DNS name or an IP literal) by
 * RFC 5922 / RFC 6125: subjectAltName DNS (one leftmost wildcard label),
 * URI sip:/sips: host, IP for IP literals; the subject CN only when the
 * certificate has no DNS or URI subjectAltName. */
bool tls_ident_match(X509 *cert, const char *host);

#endif
