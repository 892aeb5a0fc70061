/* tls/tls_server.c: the per-connection TLS state machine over a
 * non-blocking fd (guide 2.3).
 *
 * Every SSL I/O call is preceded by errq_clear() and its result goes
 * through conn_ssl_error(), the one place that maps SSL_get_error(). */
#define LOG_MODULE "tls"
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "../base/err.h"
#include "../base/log.h"
#include "../mem/pkg.h"
#include "tls_int.h"
#include "tls_server.h"

enum tls_state {
	TLS_ST_HANDSHAKE,
	TLS_ST_OPEN,
	TLS_ST_CLOSED,
	TLS_ST_FAILED,
};

/* cached strings of tls_conn_* getters */
enum tls_info {
	TI_PEER_SUBJECT,
	TI_PEER_ISSUER,
	TI_PEER_SERIAL,
	TI_PEER_NOT_BEFORE,
	TI_PEER_NOT_AFTER,
	TI_PEER_CN,
	TI_MY_SUBJECT,
	TI_MAX,
};

/* in pkg of the owner process */
struct tls_conn {
	SSL *ssl;
	int fd;
	bool server;
	bool by_sni;
	enum tls_state state;
	struct tls_domain *dom;
	struct ip_addr local_ip;   /* server: the socket, for SNI look-ups */
	unsigned short local_port;
	char *verify_host;         /* client: identity to check, pkg */
	char *sni;                 /* received or sent, pkg */
	char *info[TI_MAX];        /* pkg, filled on demand */
	bool info_done[TI_MAX];
	char *err;                 /* pkg, TLS_ERR_MAX bytes, made on the
				    * first error (an idle connection has
				    * none: see doc/tls.md, "Memory") */
	enum tls_fail fail;        /* why it failed, set with err */
};

#define TLS_ERR_MAX 1024

/* Empty this thread's error queue before an SSL I/O call, as
 * SSL_get_error() requires.  It is almost always empty already (the
 * failure paths drain it), and ERR_clear_error() resets all of its slots
 * every time, so look first: ERR_peek_error() is the very test
 * SSL_get_error() applies, so a queue it calls empty is empty enough. */
static inline void
errq_clear(void)
{
	if (ERR_peek_error() != 0)
		ERR_clear_error();
}

/* c's error buffer (TLS_ERR_MAX bytes), made on first use; a shared one
 * if there is no memory for it. */
static char *
conn_errbuf(struct tls_conn *c)
{
	static char fallback[TLS_ERR_MAX];

	if (c->err == NULL && (c->err = pkg_malloc(TLS_ERR_MAX)) == NULL)
		return fallback;
	return c->err;
}

/* Why an SSL call failed with SSL_ERROR_SSL, from the verify result and
 * the first error in the queue (not yet drained): a certificate problem,
 * ours or the peer's (an alert about our certificate), is a verification
 * failure; another error of the TLS library a protocol one (version,
 * cipher, alert, record, an HTTP request); the rest something else. */
static enum tls_fail
fail_reason(long verify_result)
{
	unsigned long e = ERR_peek_error();

	if (verify_result != X509_V_OK)
		return TLS_FAIL_VERIFY;
	if (e == 0 || ERR_GET_LIB(e) != ERR_LIB_SSL)
		return TLS_FAIL_OTHER;
	switch (ERR_GET_REASON(e)) {
	case SSL_R_CERTIFICATE_VERIFY_FAILED:
	case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
	case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
	case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
	case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
	case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
	case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED:
	case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
	case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
		return TLS_FAIL_VERIFY;
	case SSL_R_UNEXPECTED_EOF_WHILE_READING:
		return TLS_FAIL_OTHER;
	default:
		return TLS_FAIL_PROTOCOL;
	}
}

/* What to do about a verification failure, for the log line: the
 * setting to look at, on this side or the peer's. */
static void
verify_hint(const struct tls_conn *c, long vr, char *out, size_t size)
{
	unsigned long e = ERR_peek_error();
	const char *h = NULL;

	out[0] = '\0';
	switch (vr) {
	case X509_V_OK:
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		h = "the peer's CA is not in this domain's tls_ca_list: add "
		    "the CA that signed the peer's certificate to that file";
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		h = "the peer's certificate has expired: the peer must renew "
		    "it";
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		h = "the peer's certificate is not valid yet: check the "
		    "clocks";
		break;
	case X509_V_ERR_HOSTNAME_MISMATCH:
		snprintf(out, size, " (hint: the server's certificate does "
		    "not name \"%s\", the host this connection was opened "
		    "for: fix the destination or the peer's certificate, or "
		    "set tls_check_server_identity=0 in %s)",
		    c->verify_host ? c->verify_host : "?", c->dom->desc);
		return;
	case X509_V_ERR_CERT_CHAIN_TOO_LONG:
		h = "the peer's chain is longer than tls_verify_depth";
		break;
	default:
		break;
	}
	if (h == NULL && vr == X509_V_OK && e != 0 &&
	    ERR_GET_LIB(e) == ERR_LIB_SSL) {
		switch (ERR_GET_REASON(e)) {
		case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
			h = "the peer does not trust this domain's "
			    "tls_certificate: give the peer the CA that signed "
			    "it";
			break;
		case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
			h = "the peer says this domain's tls_certificate has "
			    "expired: renew it";
			break;
		case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
		case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
			h = "this domain requires a client certificate "
			    "(tls_require_client_certificate) and the peer "
			    "sent none";
			break;
		default:
			break;
		}
	}
	if (h != NULL)
		snprintf(out, size, " (hint: %s)", h);
}

/* The one mapping of SSL_get_error() for c after an SSL call that
 * returned ret: TLS_WANT_*, E_CLOSED on close_notify, E_IO or E_TLS with
 * c->err set. */
static int
conn_ssl_error(struct tls_conn *c, int ret, const char *op)
{
	int e = SSL_get_error(c->ssl, ret), sys = errno;
	char *err, hint[384] = "";
	long vr;
	size_t n;

	switch (e) {
	case SSL_ERROR_WANT_READ:
		return TLS_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return TLS_WANT_WRITE;
	default:
		break;
	}
	err = conn_errbuf(c);
	switch (e) {
	case SSL_ERROR_ZERO_RETURN:
		c->state = TLS_ST_CLOSED;
		c->fail = TLS_FAIL_OTHER;
		snprintf(err, TLS_ERR_MAX, "%s: peer closed", op);
		return E_CLOSED;
	case SSL_ERROR_SYSCALL:
		c->state = TLS_ST_FAILED;
		c->fail = fail_reason(X509_V_OK) == TLS_FAIL_PROTOCOL
		    ? TLS_FAIL_PROTOCOL : TLS_FAIL_OTHER;
		n = (size_t)snprintf(err, TLS_ERR_MAX, "%s: %s", op,
		    ERR_peek_error() ? "" : sys ? strerror(sys)
						: "unexpected EOF");
		if (n < TLS_ERR_MAX)
			tls_errq_str(err + n, TLS_ERR_MAX - n);
		ERR_clear_error();
		return sys == 0 ? E_CLOSED : E_IO;
	default:
		c->state = TLS_ST_FAILED;
		n = (size_t)snprintf(err, TLS_ERR_MAX, "%s: ", op);
		vr = SSL_get_verify_result(c->ssl);
		c->fail = fail_reason(vr);
		if (vr != X509_V_OK && n < TLS_ERR_MAX)
			n += (size_t)snprintf(err + n, TLS_ERR_MAX - n,
			    "certificate verification: %s; ",
			    X509_verify_cert_error_string(vr));
		verify_hint(c, vr, hint, sizeof(hint));   /* peeks the queue */
		if (n < TLS_ERR_MAX)
			n += tls_errq_str(err + n, TLS_ERR_MAX - n);
		if (n < TLS_ERR_MAX)
			snprintf(err + n, TLS_ERR_MAX - n, "%s", hint);
		ERR_clear_error();
		return E_TLS;
	}
}

void
tls_print_errstack(void)
{
	char buf[1024];

	if (tls_errq_str(buf, sizeof(buf)) != 0)
		LM_ERR("OpenSSL: %s", buf);
}

static int
conn_new(struct tls_conn **out, int fd, struct tls_domain *d, bool server)
{
	struct tls_conn *c;

	if (d == NULL || d->ctx == NULL)
		return E_INVAL;
	if ((c = pkg_zalloc(sizeof(*c))) == NULL)
		return E_NOMEM;
	c->fd = fd;
	c->server = server;
	c->dom = d;
	ERR_clear_error();
	if ((c->ssl = SSL_new(d->ctx)) == NULL ||
	    SSL_set_fd(c->ssl, fd) != 1 ||
	    SSL_set_ex_data(c->ssl, tls_conn_ex_idx, c) != 1) {
		tls_print_errstack();
		SSL_free(c->ssl);
		pkg_free(c);
		return E_TLS;
	}
	*out = c;
	return 0;
}

int
tls_conn_new_server(struct tls_conn **out, int fd,
    const struct ip_addr *local_ip, unsigned short local_port)
{
	struct ip_addr ip = *local_ip;
	struct tls_conn *c;
	int rc;

	if ((rc = conn_new(&c, fd, tls_find_server_domain(&ip, local_port),
		 true)) != 0)
		return rc;
	c->local_ip = ip;
	c->local_port = local_port;
	SSL_set_accept_state(c->ssl);
	*out = c;
	return 0;
}

int
tls_conn_new_client(struct tls_conn **out, int fd, struct tls_domain *d,
    const char *sni, const char *verify_host)
{
	struct tls_conn *c;
	int rc;

	if ((rc = conn_new(&c, fd, d, false)) != 0)
		return rc;
	rc = E_NOMEM;
	if (sni != NULL && sni[0] != '\0') {
		if ((c->sni = pkg_strndup(sni, strlen(sni))) == NULL)
			goto out;
		if (SSL_set_tlsext_host_name(c->ssl, c->sni) != 1) {
			rc = E_TLS;
			goto out;
		}
	}
	if (verify_host != NULL && verify_host[0] != '\0' &&
	    (c->verify_host = pkg_strndup(verify_host,
		 strlen(verify_host))) == NULL)
		goto out;
	SSL_set_connect_state(c->ssl);
	rc = 0;
out:
	if (rc != 0)
		tls_conn_free(c);
	else
		*out = c;
	return rc;
}

/* A client asked for a name no server_name domain of its socket has.
 * Worth a log line only when the socket has server_name domains (else
 * every client's SNI would be one): what was asked, what there is. */
static void
sni_no_match(const struct tls_conn *c, const char *name)
{
	const struct tls_domain *d;
	char have[256];
	size_t n = 0;

	have[0] = '\0';
	for (d = tls_server_domains; d != NULL; d = d->next)
		if (d->server_name != NULL && d->port == c->local_port &&
		    ip_addr_eq(&d->addr, &c->local_ip) && n < sizeof(have))
			n += (size_t)snprintf(have + n, sizeof(have) - n,
			    "%s\"%s\"", n ? ", " : "", d->server_name);
	if (n == 0) {
		LM_DBG("SNI \"%s\": no server_name domain on this socket; "
		    "%s", name, c->dom->desc);
		return;
	}
	LM_LOG_RL(L_INFO, "SNI \"%s\" matches no server_name of the "
	    "tls_server_domain blocks of this socket (they have %s): using "
	    "%s; add server_name = \"%s\" to a domain, or fix the "
	    "client's server name", name, have, c->dom->desc, name);
}

int
tls_sni_cb(SSL *ssl, int *alert, void *arg)
{
	struct tls_conn *c = SSL_get_ex_data(ssl, tls_conn_ex_idx);
	const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	struct tls_domain *d;

	(void)alert;
	(void)arg;
	if (c == NULL || !c->server || name == NULL)
		return SSL_TLSEXT_ERR_NOACK;
	if (c->sni == NULL)
		c->sni = pkg_strndup(name, strlen(name));
	d = tls_find_server_domain_server_name(&c->local_ip, c->local_port,
	    name);
	if (d == NULL || d->ctx == NULL) {
		sni_no_match(c, name);
		return SSL_TLSEXT_ERR_NOACK;
	}
	if (SSL_set_SSL_CTX(ssl, d->ctx) == NULL)
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	/* SSL_set_SSL_CTX swaps certificate and store but not these */
	SSL_set_verify(ssl, SSL_CTX_get_verify_mode(d->ctx),
	    SSL_CTX_get_verify_callback(d->ctx));
	SSL_set_verify_depth(ssl, SSL_CTX_get_verify_depth(d->ctx));
	SSL_set_client_CA_list(ssl,
	    SSL_dup_CA_list(SSL_CTX_get_client_CA_list(d->ctx)));
	c->dom = d;
	c->by_sni = true;
	return SSL_TLSEXT_ERR_OK;
}

int
tls_verify_cb(int ok, X509_STORE_CTX *x)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(x,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	struct tls_conn *c = ssl ? SSL_get_ex_data(ssl, tls_conn_ex_idx)
				 : NULL;
	X509 *cert = X509_STORE_CTX_get_current_cert(x);
	int depth = X509_STORE_CTX_get_error_depth(x);
	char subj[256] = "";

	if (cert != NULL && LOG_ON(L_DBG))
		X509_NAME_oneline(X509_get_subject_name(cert), subj,
		    sizeof(subj));
	if (!ok) {
		LM_DBG("verify depth %d \"%s\": %s", depth, subj,
		    X509_verify_cert_error_string(
			X509_STORE_CTX_get_error(x)));
		return ok;
	}
	if (depth == 0 && c != NULL && !c->server && c->verify_host != NULL &&
	    c->dom->verify_server && c->dom->check_server_identity &&
	    !tls_ident_match(cert, c->verify_host)) {
		LM_DBG("server certificate \"%s\" does not match \"%s\"",
		    subj, c->verify_host);
		X509_STORE_CTX_set_error(x, X509_V_ERR_HOSTNAME_MISMATCH);
		return 0;
	}
	return ok;
}

static void
log_handshake(struct tls_conn *c)
{
	if (!LOG_ON(L_DBG))
		return;
	LM_DBG("handshake done (%s) on fd %d: %s%s, %s, %s, cipher %s (%d "
	    "bits), peer %s, verify: %s", c->server ? "server" : "client",
	    c->fd, c->dom->desc, c->by_sni ? " chosen by SNI" : "",
	    SSL_session_reused(c->ssl) ? "resumed" : "full",
	    SSL_get_version(c->ssl), SSL_get_cipher_name(c->ssl),
	    SSL_get_cipher_bits(c->ssl, NULL),
	    SSL_get0_peer_certificate(c->ssl) ? "sent a certificate"
					      : "sent no certificate",
	    X509_verify_cert_error_string(SSL_get_verify_result(c->ssl)));
}

int
tls_conn_handshake(struct tls_conn *c)
{
	int ret, rc;

	switch (c->state) {
	case TLS_ST_OPEN:
		return 0;
	case TLS_ST_CLOSED:
		return E_CLOSED;
	case TLS_ST_FAILED:
		return E_TLS;
	case TLS_ST_HANDSHAKE:
		break;
	}
	errq_clear();
	ret = SSL_do_handshake(c->ssl);
	if (ret == 1) {
		c->state = TLS_ST_OPEN;
		log_handshake(c);
		return 0;
	}
	rc = conn_ssl_error(c, ret, "TLS handshake");
	if (rc != TLS_WANT_READ && rc != TLS_WANT_WRITE) {
		if (c->state == TLS_ST_HANDSHAKE || c->state == TLS_ST_CLOSED)
			c->state = TLS_ST_FAILED;
		LM_DBG("%s (fd %d, %s)", tls_conn_error(c), c->fd,
		    c->dom->desc);
	}
	return rc;
}

ssize_t
tls_conn_read(struct tls_conn *c, void *buf, size_t len)
{
	size_t n = 0;
	int ret, rc;

	if (c->state == TLS_ST_CLOSED)
		return 0;
	if (c->state != TLS_ST_OPEN && (rc = tls_conn_handshake(c)) != 0)
		return rc;
	errq_clear();
	ret = SSL_read_ex(c->ssl, buf, len, &n);
	if (ret == 1)
		return (ssize_t)n;
	rc = conn_ssl_error(c, ret, "TLS read");
	return rc == E_CLOSED ? 0 : rc;
}

ssize_t
tls_conn_write(struct tls_conn *c, const void *buf, size_t len)
{
	size_t n = 0;
	int ret, rc;

	if (c->state != TLS_ST_OPEN && (rc = tls_conn_handshake(c)) != 0)
		return rc;
	if (len == 0)
		return 0;
	errq_clear();
	ret = SSL_write_ex(c->ssl, buf, len, &n);
	if (ret == 1)
		return (ssize_t)n;
	return conn_ssl_error(c, ret, "TLS write");
}

size_t
tls_conn_pending(const struct tls_conn *c)
{
	int n = SSL_pending(c->ssl);

	/* with read-ahead, bytes read from the fd but not yet decrypted
	 * count too: the fd will not wake us for them */
	if (n > 0)
		return (size_t)n;
	return SSL_has_pending(c->ssl) ? 1 : 0;
}

void
tls_conn_free(struct tls_conn *c)
{
	int i;

	if (c == NULL)
		return;
	if (c->state == TLS_ST_OPEN) {
		/* one try: close_notify if the socket takes it now */
		ERR_clear_error();
		if (SSL_shutdown(c->ssl) < 0)
			ERR_clear_error();
	}
	SSL_free(c->ssl);
	for (i = 0; i < TI_MAX; i++)
		pkg_free(c->info[i]);
	pkg_free(c->verify_host);
	pkg_free(c->sni);
	pkg_free(c->err);
	pkg_free(c);
}

enum tls_fail
tls_conn_fail(const struct tls_conn *c)
{
	return c->err != NULL ? c->fail : TLS_FAIL_NONE;
}

const char *
tls_conn_error(const struct tls_conn *c)
{
	return c->err != NULL ? c->err : "";
}

bool
tls_conn_handshake_done(const struct tls_conn *c)
{
	return c->state == TLS_ST_OPEN;
}

bool
tls_conn_is_server(const struct tls_conn *c)
{
	return c->server;
}

int
tls_conn_fd(const struct tls_conn *c)
{
	return c->fd;
}

const char *
tls_conn_version(struct tls_conn *c)
{
	return c->state == TLS_ST_OPEN ? SSL_get_version(c->ssl) : NULL;
}

const char *
tls_conn_cipher(struct tls_conn *c)
{
	return c->state == TLS_ST_OPEN ? SSL_get_cipher_name(c->ssl) : NULL;
}

int
tls_conn_cipher_bits(struct tls_conn *c)
{
	return c->state == TLS_ST_OPEN ? SSL_get_cipher_bits(c->ssl, NULL)
				       : 0;
}

/* Text of one piece of a certificate, in pkg; NULL if none. */
static char *
cert_info(X509 *cert, enum tls_info what)
{
	char buf[1024];
	BIGNUM *bn;
	char *dec, *s = NULL;
	BIO *b;
	long n;

	buf[0] = '\0';
	switch (what) {
	case TI_PEER_SUBJECT:
	case TI_MY_SUBJECT:
		X509_NAME_oneline(X509_get_subject_name(cert), buf,
		    sizeof(buf));
		break;
	case TI_PEER_ISSUER:
		X509_NAME_oneline(X509_get_issuer_name(cert), buf, sizeof(buf));
		break;
	case TI_PEER_CN:
		if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert),
			NID_commonName, buf, sizeof(buf)) < 0)
			return NULL;
		break;
	case TI_PEER_SERIAL:
		if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert),
			 NULL)) == NULL)
			return NULL;
		if ((dec = BN_bn2dec(bn)) != NULL)
			s = pkg_strndup(dec, strlen(dec));
		OPENSSL_free(dec);
		BN_free(bn);
		return s;
	case TI_PEER_NOT_BEFORE:
	case TI_PEER_NOT_AFTER:
		if ((b = BIO_new(BIO_s_mem())) == NULL)
			return NULL;
		if (ASN1_TIME_print(b, what == TI_PEER_NOT_BEFORE ?
			X509_get0_notBefore(cert) : X509_get0_notAfter(cert)) ==
		    1 && (n = BIO_read(b, buf, (int)sizeof(buf) - 1)) > 0)
			buf[n] = '\0';
		BIO_free(b);
		break;
	case TI_MAX:
		return NULL;
	}
	return pkg_strndup(buf, strlen(buf));
}

static const char *
conn_info(struct tls_conn *c, enum tls_info what)
{
	X509 *cert;

	if (c->state != TLS_ST_OPEN)
		return NULL;
	if (!c->info_done[what]) {
		c->info_done[what] = true;
		cert = what == TI_MY_SUBJECT ? SSL_get_certificate(c->ssl)
					     : SSL_get0_peer_certificate(c->ssl);
		if (cert != NULL)
			c->info[what] = cert_info(cert, what);
		ERR_clear_error();
	}
	return c->info[what];
}

const char *
tls_conn_peer_subject(struct tls_conn *c)
{
	return conn_info(c, TI_PEER_SUBJECT);
}

const char *
tls_conn_peer_issuer(struct tls_conn *c)
{
	return conn_info(c, TI_PEER_ISSUER);
}

const char *
tls_conn_peer_serial(struct tls_conn *c)
{
	return conn_info(c, TI_PEER_SERIAL);
}

const char *
tls_conn_peer_not_before(struct tls_conn *c)
{
	return conn_info(c, TI_PEER_NOT_BEFORE);
}

const char *
tls_conn_peer_not_after(struct tls_conn *c)
{
	return conn_info(c, TI_PEER_NOT_AFTER);
}

const char *
tls_conn_peer_cn(struct tls_conn *c)
{
	return conn_info(c, TI_PEER_CN);
}

const char *
tls_conn_my_subject(struct tls_conn *c)
{
	return conn_info(c, TI_MY_SUBJECT);
}

bool
tls_conn_peer_verified(struct tls_conn *c)
{
	return c->state == TLS_ST_OPEN &&
	    SSL_get0_peer_certificate(c->ssl) != NULL &&
	    SSL_get_verify_result(c->ssl) == X509_V_OK;
}

const char *
tls_conn_server_name(struct tls_conn *c)
{
	return c->sni;
}

struct tls_domain *
tls_conn_domain(const struct tls_conn *c)
{
	return c->dom;
}

bool
tls_conn_domain_by_sni(const struct tls_conn *c)
{
	return c->by_sni;
}

const char *
tls_conn_domain_desc(const struct tls_conn *c)
{
	return c->dom->desc;
}

bool
tls_conn_resumed(const struct tls_conn *c)
{
	return c->state == TLS_ST_OPEN && SSL_session_reused(c->ssl);
}

struct tls_session *
tls_conn_session_get(struct tls_conn *c)
{
	SSL_SESSION *s = SSL_get1_session(c->ssl);

	if (s != NULL && !SSL_SESSION_is_resumable(s)) {
		SSL_SESSION_free(s);
		return NULL;
	}
	return (struct tls_session *)s;
}

int
tls_conn_session_set(struct tls_conn *c, struct tls_session *s)
{
	ERR_clear_error();
	if (SSL_set_session(c->ssl, (SSL_SESSION *)s) != 1) {
		ERR_clear_error();
		return E_TLS;
	}
	return 0;
}

void
tls_session_free(struct tls_session *s)
{
	SSL_SESSION_free((SSL_SESSION *)s);
}
