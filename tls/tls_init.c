/* tls/tls_init.c: OpenSSL start-up, one SSL_CTX per domain, the shared
 * session ticket keys and the key log (guide 2.2).
 *
 * Everything here runs in the main process before fork.  Contexts and
 * ticket keys are inherited by every child, so a ticket issued by one
 * process is accepted by any other.  OpenSSL keeps its default (libc)
 * allocator: no OpenSSL object is ever in shared memory. */
#define LOG_MODULE "tls"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "../base/err.h"
#include "../base/log.h"
#include "../net/net_addr.h"
#include "../net/socket_info.h"
#include "tls_config.h"
#include "tls.h"
#include "tls_int.h"

int tls_conn_ex_idx = -1;

static int keylog_fd = -1;
static bool passwd_asked;   /* no_passwd_cb ran: the key is encrypted */
static char init_err[1024];

size_t
tls_errq_str(char *buf, size_t size)
{
	unsigned long e;
	size_t n = 0;
	char one[256];

	if (size == 0)
		return 0;
	buf[0] = '\0';
	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, one, sizeof(one));
		if (n < size)
			n += (size_t)snprintf(buf + n, size - n, "%s%s",
			    n ? "; " : "", one);
	}
	return n < size ? n : size - 1;
}

bool
tls_compiled(void)
{
	return true;
}

int
pre_init_tls(void)
{
	if (OPENSSL_init_ssl(0, NULL) != 1)
		return E_TLS;
	if (tls_conn_ex_idx < 0)
		tls_conn_ex_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL,
		    NULL);
	return tls_conn_ex_idx < 0 ? E_TLS : 0;
}

const char *
tls_init_error(void)
{
	return init_err;
}

/* Keys are never read from a terminal: an encrypted key is an error. */
static int
no_passwd_cb(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	passwd_asked = true;
	return -1;
}


static void
keylog_cb(const SSL *ssl, const char *line)
{
	char buf[1024];
	int n;

	(void)ssl;
	if (keylog_fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%s\n", line);
	if (n > 0 && (size_t)n < sizeof(buf) &&
	    write(keylog_fd, buf, (size_t)n) != n)
		LM_DBG("key log write failed");
}

/* Protocol floor/ceiling; TLS 1.0/1.1 need security level 0 in 3.0. */
static int
ctx_set_method(struct tls_domain *d, SSL_CTX *ctx)
{
	if (SSL_CTX_set_min_proto_version(ctx, d->method_min) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, d->method_max) != 1)
		return E_TLS;
	if (d->method_min != 0 && d->method_min < TLS1_2_VERSION) {
		SSL_CTX_set_security_level(ctx, 0);
		if (d->method_max != 0 && d->method_max < TLS1_2_VERSION)
			LM_WARN("%s: tls_method %s allows only %s, which is "
			    "obsolete (RFC 8996) and insecure: peers that "
			    "speak only TLS 1.2 or newer cannot connect; use "
			    "SSLv23 or TLSv1.2+", d->desc, d->method_str,
			    d->method_max == TLS1_VERSION ? "TLS 1.0"
			    : d->method_min == TLS1_VERSION ? "TLS 1.0 and 1.1"
			    : "TLS 1.1");
		else
			LM_WARN("%s: tls_method %s allows TLS 1.0/1.1, which "
			    "are obsolete (RFC 8996) and insecure", d->desc,
			    d->method_str);
	}
	return 0;
}

/* The default list has no suite TLS 1.0/1.1 can use (they have no AEAD
 * ones): a domain whose tls_method allows them gets forward-secret CBC
 * suites after the AEAD ones (which server preference keeps first). */
static const char *
ciphers_for(const struct tls_domain *d)
{
	if (d->method_min != 0 && d->method_min < TLS1_2_VERSION &&
	    strcmp(d->ciphers_list, TLS_DEFAULT_CIPHERS) == 0)
		return TLS_DEFAULT_CIPHERS ":" TLS_DEFAULT_CIPHERS_OLD;
	return d->ciphers_list;
}

/* OpenSSL's security level 1 refuses the NULL (no encryption) suites a
 * list like the guide's "NULL" selects: such a list gets level 0, and a
 * warning, so that it does what it says (for testing only). */
static void
ctx_allow_null(const struct tls_domain *d, SSL_CTX *ctx)
{
	STACK_OF(SSL_CIPHER) *sk = SSL_CTX_get_ciphers(ctx);
	int i;

	for (i = 0; sk != NULL && i < sk_SSL_CIPHER_num(sk); i++)
		if (SSL_CIPHER_get_cipher_nid(sk_SSL_CIPHER_value(sk, i)) ==
		    NID_undef)
			break;
	if (sk == NULL || i == sk_SSL_CIPHER_num(sk))
		return;
	SSL_CTX_set_security_level(ctx, 0);
	LM_WARN("%s: tls_ciphers_list \"%s\" allows NULL ciphers: TLS 1.2 "
	    "and older connections may be unencrypted; use it only for "
	    "testing", d->desc, d->ciphers_list);
}

#define FAIL(...)                                                      \
	do {                                                           \
		int n_ = snprintf(err, errsize, __VA_ARGS__);          \
		if (n_ > 0 && (size_t)n_ < errsize)                    \
			tls_errq_str(err + n_, errsize - (size_t)n_);  \
		return E_TLS;                                          \
	} while (0)

static void
time_str(const ASN1_TIME *t, char *out, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n;

	snprintf(out, size, "?");
	if (b != NULL && ASN1_TIME_print(b, t) == 1 &&
	    (n = BIO_read(b, out, (int)size - 1)) > 0)
		out[n] = '\0';
	BIO_free(b);
}

/* An expired (or not yet valid) certificate still loads, as in 1.x,
 * but peers that verify it refuse the handshake: say so at start-up. */
static void
cert_check_dates(const struct tls_domain *d, X509 *cert)
{
	char when[64];

	if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0) {
		time_str(X509_get0_notAfter(cert), when, sizeof(when));
		LM_WARN("%s: tls_certificate \"%s\" has expired (notAfter "
		    "%s): peers that verify it will refuse the handshake; "
		    "renew it (e.g. kamctl tls userCERT) and reload",
		    d->desc, d->certificate, when);
	} else if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0) {
		time_str(X509_get0_notBefore(cert), when, sizeof(when));
		LM_WARN("%s: tls_certificate \"%s\" is not valid yet "
		    "(notBefore %s): check this host's clock", d->desc,
		    d->certificate, when);
	}
}

static int
ctx_load_keys(struct tls_domain *d, SSL_CTX *ctx, char *err, size_t errsize)
{
	EVP_PKEY *pkey = NULL;
	struct stat st;
	X509 *cert;
	BIO *b;

	/* a client may go without a certificate: tls_certificate = "" */
	if (d->type == TLS_DOMAIN_CLI && d->certificate[0] == '\0')
		return 0;
	if (SSL_CTX_use_certificate_chain_file(ctx, d->certificate) != 1)
		FAIL("%s: cannot load tls_certificate \"%s\": ", d->desc,
		    d->certificate);
	if (stat(d->private_key, &st) == 0 &&
	    (st.st_mode & (S_IRGRP | S_IROTH)) != 0)
		LM_WARN("%s: tls_private_key \"%s\" is readable by group or "
		    "others (mode %03o); chmod 600 it", d->desc,
		    d->private_key, (unsigned)(st.st_mode & 0777));
	/* read the key ourselves so a mismatch is reported as one (OpenSSL
	 * would file a key of another type in another slot silently) */
	passwd_asked = false;
	if ((b = BIO_new_file(d->private_key, "r")) == NULL ||
	    (pkey = PEM_read_bio_PrivateKey(b, NULL, no_passwd_cb, NULL)) ==
		NULL) {
		BIO_free(b);
		if (passwd_asked)
			FAIL("%s: tls_private_key \"%s\" is encrypted; "
			    "passphrases are not supported, store the key "
			    "decrypted (mode 0600): ", d->desc, d->private_key);
		FAIL("%s: cannot load tls_private_key \"%s\": ", d->desc,
		    d->private_key);
	}
	BIO_free(b);
	cert = SSL_CTX_get0_certificate(ctx);
	if (cert == NULL || X509_check_private_key(cert, pkey) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, pkey) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		EVP_PKEY_free(pkey);
		FAIL("%s: tls_private_key \"%s\" does not match "
		    "tls_certificate \"%s\" (the key does not belong to "
		    "the certificate: check tls_private_key, or compare "
		    "`openssl x509 -noout -pubkey -in CERT` with `openssl "
		    "pkey -pubout -in KEY`): ", d->desc, d->private_key,
		    d->certificate);
	}
	EVP_PKEY_free(pkey);
	cert_check_dates(d, cert);
	return 0;
}

static int
ctx_load_crl(struct tls_domain *d, SSL_CTX *ctx, char *err, size_t errsize)
{
	X509_STORE *store = SSL_CTX_get_cert_store(ctx);
	X509_CRL *crl;
	BIO *b;
	int n = 0;

	if ((b = BIO_new_file(d->crl, "r")) == NULL)
		FAIL("%s: cannot open tls_crl \"%s\": ", d->desc, d->crl);
	while ((crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) != NULL) {
		n += X509_STORE_add_crl(store, crl) == 1;
		X509_CRL_free(crl);
	}
	BIO_free(b);
	if (n == 0)
		FAIL("%s: tls_crl \"%s\" holds no usable PEM CRL: ", d->desc,
		    d->crl);
	ERR_clear_error();   /* the read loop ends on "no start line" */
	X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
	return 0;
}

static int
ctx_load_ca(struct tls_domain *d, SSL_CTX *ctx, char *err, size_t errsize)
{
	STACK_OF(X509_NAME) *names;
	struct stat st;

	if (d->ca_list == NULL || d->ca_list[0] == '\0')
		return 0;
	if (stat(d->ca_list, &st) != 0)
		FAIL("%s: tls_ca_list \"%s\": %s", d->desc, d->ca_list,
		    strerror(errno));
	if (!S_ISREG(st.st_mode))
		FAIL("%s: tls_ca_list \"%s\" must be a file, not a "
		    "directory", d->desc, d->ca_list);
	if (SSL_CTX_load_verify_locations(ctx, d->ca_list, NULL) != 1)
		FAIL("%s: cannot load tls_ca_list \"%s\": ", d->desc,
		    d->ca_list);
	if (d->type == TLS_DOMAIN_SRV && d->verify_client) {
		if ((names = SSL_load_client_CA_file(d->ca_list)) == NULL)
			FAIL("%s: no CA names in tls_ca_list \"%s\": ",
			    d->desc, d->ca_list);
		SSL_CTX_set_client_CA_list(ctx, names);
	}
	return 0;
}

static void
ctx_set_verify(struct tls_domain *d, SSL_CTX *ctx)
{
	int mode = SSL_VERIFY_NONE;

	if (d->type == TLS_DOMAIN_SRV && d->verify_client) {
		mode = SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE;
		if (d->require_client_certificate)
			mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
	} else if (d->type == TLS_DOMAIN_CLI && d->verify_server) {
		mode = SSL_VERIFY_PEER;
	}
	SSL_CTX_set_verify(ctx, mode, tls_verify_cb);
	SSL_CTX_set_verify_depth(ctx, d->verify_depth);
}

static int
ctx_server_setup(struct tls_domain *d, SSL_CTX *ctx)
{
	unsigned char sid[32];
	unsigned int n = 0;

	/* tickets only: any process can resume; a session never crosses
	 * domains because the session id context is the domain's */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	if (EVP_Digest(d->desc, strlen(d->desc), sid, &n, EVP_sha256(),
		NULL) != 1 ||
	    SSL_CTX_set_session_id_context(ctx, sid, n) != 1 ||
	    SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, tls_ticket_cb) != 1)
		return E_TLS;
	SSL_CTX_set_tlsext_servername_callback(ctx, tls_sni_cb);
	if (d->server_cipher_preference)
		SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
	return 0;
}

static int
ctx_setup(struct tls_domain *d, SSL_CTX *ctx, char *err, size_t errsize)
{
	int rc;

	if (ctx_set_method(d, ctx) != 0)
		FAIL("%s: tls_method %s: ", d->desc, d->method_str);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_NO_COMPRESSION | SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	/* one read() per flight of records instead of two per record (header,
	 * then body); the buffer is still released once drained, and the
	 * reader asks tls_conn_pending (SSL_has_pending) before sleeping */
	SSL_CTX_set_read_ahead(ctx, 1);
	SSL_CTX_set_default_passwd_cb(ctx, no_passwd_cb);
	if (d->ciphers_list != NULL &&
	    SSL_CTX_set_cipher_list(ctx, ciphers_for(d)) != 1)
		FAIL("%s: bad tls_ciphers_list \"%s\": ", d->desc,
		    d->ciphers_list);
	if (d->ciphers_list != NULL)
		ctx_allow_null(d, ctx);
	if (d->cipher_suites != NULL &&
	    SSL_CTX_set_ciphersuites(ctx, d->cipher_suites) != 1)
		FAIL("%s: bad tls_cipher_suites \"%s\": ", d->desc,
		    d->cipher_suites);
	if ((rc = ctx_load_keys(d, ctx, err, errsize)) != 0 ||
	    (rc = ctx_load_ca(d, ctx, err, errsize)) != 0)
		return rc;
	if (d->crl != NULL && d->crl[0] != '\0' &&
	    (rc = ctx_load_crl(d, ctx, err, errsize)) != 0)
		return rc;
	ctx_set_verify(d, ctx);
	if (d->type == TLS_DOMAIN_SRV && ctx_server_setup(d, ctx) != 0)
		FAIL("%s: session set-up: ", d->desc);
	if (keylog_fd >= 0)
		SSL_CTX_set_keylog_callback(ctx, keylog_cb);
	return 0;
}

int
tls_domain_build_ctx(struct tls_domain *d, char *err, size_t errsize)
{
	SSL_CTX *ctx;
	int rc;

	ERR_clear_error();
	if ((ctx = SSL_CTX_new(TLS_method())) == NULL)
		FAIL("%s: SSL_CTX_new: ", d->desc);
	if ((rc = ctx_setup(d, ctx, err, errsize)) != 0) {
		SSL_CTX_free(ctx);
		return rc;
	}
	SSL_CTX_free(d->ctx);
	d->ctx = ctx;
	LM_DBG("%s: ready (method %s, verify client %d/%d server %d, "
	    "depth %d)", d->desc, d->method_str, d->verify_client,
	    d->require_client_certificate, d->verify_server, d->verify_depth);
	return 0;
}

static int
build_list(struct tls_domain *d)
{
	int rc;

	for (; d != NULL; d = d->next)
		if ((rc = tls_domain_build_ctx(d, init_err,
			 sizeof(init_err))) != 0)
			return rc;
	return 0;
}

static int
keylog_open(void)
{
	const char *f = tls_cfg.keylog_file.s;

	if (f == NULL || f[0] == '\0')
		return 0;
	keylog_fd = open(f, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (keylog_fd == -1) {
		snprintf(init_err, sizeof(init_err), "tls_keylog_file \"%s\": "
		    "%s", f, strerror(errno));
		return E_IO;
	}
	LM_WARN("tls_keylog_file \"%s\": TLS session keys are written "
	    "there; anyone who can read it can decrypt the traffic", f);
	return 0;
}

int
init_tls(void)
{
	int rc;

	init_err[0] = '\0';
	if ((rc = pre_init_tls()) != 0) {
		snprintf(init_err, sizeof(init_err), "OpenSSL init failed");
		goto out;
	}
	if ((rc = tls_ticket_keys_load(init_err, sizeof(init_err))) != 0)
		goto out;
	if ((rc = keylog_open()) != 0)
		goto out;
	if ((rc = tls_domains_from_cfg(init_err, sizeof(init_err))) != 0)
		goto out;
	if ((rc = build_list(tls_default_server_domain)) != 0 ||
	    (rc = build_list(tls_default_client_domain)) != 0 ||
	    (rc = build_list(tls_server_domains)) != 0 ||
	    (rc = build_list(tls_client_domains)) != 0)
		goto out;
out:
	if (rc == E_NOMEM && init_err[0] == '\0')
		snprintf(init_err, sizeof(init_err), "out of memory");
	if (rc != 0)
		LM_ERR("TLS start-up failed: %s", init_err);
	return rc;
}

void
destroy_tls(void)
{
	tls_free_domains();
	if (keylog_fd >= 0)
		close(keylog_fd);
	keylog_fd = -1;
	tls_ticket_keys_wipe();
}

int
tls_init(struct socket_info *si)
{
	struct tls_domain *d = tls_find_server_domain(&si->address, si->port);

	if (d == NULL || d->ctx == NULL) {
		LM_ERR("tls socket %s:%u has no usable TLS server domain "
		    "(init_tls not run or failed)", si->address_str, si->port);
		return E_TLS;
	}
	LM_DBG("tls socket %s:%u uses %s", si->address_str, si->port,
	    d->desc);
	return 0;
}
