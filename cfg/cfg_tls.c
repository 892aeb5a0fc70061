/* cfg_tls.c: the TLS globals and domain blocks, stored as plain data.
 *
 * tls_params[] lists every TLS parameter in the row type of cfg_param.h:
 * its type, its default, where it may appear (globally, in server
 * domains, in client domains) and where it goes: a global-only field of
 * tls_cfg, or (P_OFF) a field of struct tls_settings, which is
 * tls_cfg.def for the global value and the block's own settings inside a
 * domain.  A domain's unset values come from the global ones, and those
 * from the table (tls_setting_int/str). */
#include <arpa/inet.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cfg_tls.h"
#include "../base/err.h"
#include "../mem/pkg.h"

/* Filled from tls_params[] before main() (see tls_cfg_defaults()). */
struct tls_cfg tls_cfg;
bool cfg_tls_compiled;

/* The open domain block (also in the tls_cfg.domains list). */
static struct tls_domain_cfg *cur_dom;

static int set_method(const struct param_def *p, const struct cfg_val *v,
    char **err);
static int set_verify(const struct param_def *p, const struct cfg_val *v,
    char **err);
static int set_server_name(const struct param_def *p,
    const struct cfg_val *v, char **err);

static const char *const tls_method_words[] = {
	"SSLv23", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3",
	"TLSv1+", "TLSv1.1+", "TLSv1.2+", "TLSv1.3+", NULL,
};

/* Scopes: global only; global and every domain; global and server
 * domains; global and client domains.  Every TLS value is an opt_int /
 * opt_str, so that a domain can tell "set" from "inherited". */
#define TG (PS_GLOBAL | P_TLS | P_OPT)
#define TA (PS_GLOBAL | PS_SRV | PS_CLI | P_TLS | P_OPT | P_OFF)
#define TS (PS_GLOBAL | PS_SRV | P_TLS | P_OPT | P_OFF)
#define TC (PS_GLOBAL | PS_CLI | P_TLS | P_OPT | P_OFF)
#define S(f) offsetof(struct tls_settings, f)
/* Rows for field f of struct tls_settings (the global value and every
 * domain's). */
#define T_INT(n, f, lo, hi, d, sc, ...) \
	PARAM_INT(n, NULL, lo, hi, d, sc, __VA_ARGS__, .off = S(f))
#define T_BOOL(n, f, d, sc, ...) \
	PARAM_BOOL(n, NULL, d, sc, __VA_ARGS__, .off = S(f))
#define T_STR(n, f, d, sc, ...) \
	PARAM_STR(n, NULL, d, (sc) | P_NO_NUM, __VA_ARGS__, .off = S(f))
#define T_ENUM(n, f, w, d, sc, ...) \
	PARAM_ENUM(n, NULL, w, d, (sc) | P_NO_NUM, __VA_ARGS__, .off = S(f))

/* clang-format off */
const struct param_def tls_params[] = {
	PARAM_BOOL("disable_tls", &tls_cfg.disable_tls, 1, TG,
	    "1: TLS is off even when the config has TLS settings (a listen=tls: line is then an error); 0: TLS is on",
	    .def_note = "but TLS is on when the config has a TLS listener, a tls_* setting or a domain block and does not say disable_tls=1"),
	PARAM_INT("tls_port_no", &tls_cfg.port_no, 1, 65535, 5061, TG,
	    "port of TLS sockets given without one"),
	T_ENUM("tls_method", method, tls_method_words, "SSLv23", TA,
	    "protocol versions: SSLv23 negotiates the best (TLS 1.2 at least); TLSv1 .. TLSv1.3 exactly that one; TLSv1+ .. TLSv1.3+ that one or newer; SSLv2 and SSLv3 are refused",
	    .set = set_method),
	T_STR("tls_certificate", certificate, "cert.pem", TA,
	    "PEM certificate, optionally followed by its chain (RSA or ECDSA); a relative path is taken from the config file's directory (CFG_DIR); \"\" in a client domain: send no client certificate",
	    .def_note = "CFG_DIR/cert.pem"),
	T_STR("tls_private_key", private_key, "cert.pem", TA,
	    "PEM private key of tls_certificate, unencrypted (the proxy never asks for a passphrase)",
	    .def_note = "CFG_DIR/cert.pem"),
	T_STR("tls_ca_list", ca_list, NULL, TA,
	    "file of trusted CA certificates, PEM, concatenated (a file, not a directory)"),
	T_STR("tls_ciphers_list", ciphers_list, TLS_DEFAULT_CIPHERS, TA,
	    "cipher list for TLS 1.2 and below (openssl ciphers syntax); the default is forward-secret and AEAD only (ECDHE with AES-GCM or ChaCha20-Poly1305), plus ECDHE with AES-CBC in a domain whose tls_method allows TLS 1.0/1.1"),
	T_STR("tls_cipher_suites", cipher_suites, NULL, TA,
	    "TLS 1.3 cipher suites, e.g. TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
	    .def_note = "OpenSSL's default"),
	T_BOOL("tls_server_cipher_preference", server_cipher_preference, 1, TS,
	    "server side: 1 picks the first cipher of our list that the client offers (SSL_OP_CIPHER_SERVER_PREFERENCE), so a client listing a weak suite first still gets ECDHE; 0: the client's order"),
	T_BOOL("tls_verify_client", verify_client, 1, TS,
	    "server side: request a client certificate and verify it against tls_ca_list (SSL_VERIFY_PEER)"),
	T_BOOL("tls_require_client_certificate", require_client_certificate, 1, TS,
	    "server side, with tls_verify_client=1: refuse a client without a certificate (SSL_VERIFY_FAIL_IF_NO_PEER_CERT)"),
	T_BOOL("tls_verify_server", verify_server, 1, TC,
	    "client side: verify the server's certificate against tls_ca_list"),
	T_BOOL("tls_check_server_identity", check_server_identity, 1, TC,
	    "client side, with tls_verify_server=1: the server's certificate must also name the host connected to (RFC 5922)"),
	T_INT("tls_verify_depth", verify_depth, 0, 100, 9, TA,
	    "longest certificate chain accepted"),
	T_STR("tls_crl", crl, NULL, TA,
	    "PEM file of CRLs: turns on revocation checks of the peer's certificate (a CRL of its issuer must be present)"),
	PARAM_SET("tls_verify", set_verify, "yes/no", PS_GLOBAL | PS_SRV | PS_CLI | P_TLS | P_OFF,
	    "old spelling: sets tls_verify_client (globally and in server domains) and tls_verify_server (globally and in client domains)"),
	PARAM_INT("tls_handshake_timeout", &tls_cfg.handshake_timeout, 1, 3600, 30, TG,
	    "seconds a TLS connection may take to finish its handshake; the TCP supervisor's scan closes it after that"),
	PARAM_INT("tls_send_timeout", &tls_cfg.send_timeout, 1, 3600, 30, TG,
	    "seconds queued bytes may wait for a TLS peer to take them before the connection is closed; for TLS it replaces tcp_send_timeout (writes never block)"),
	PARAM_INT("tls_client_domain_avp", &tls_cfg.client_domain_avp, 0, INT_MAX, 0, TG,
	    "integer AVP naming the client domain of an outgoing connection; 0: off"),
	PARAM_INT("tls_server_name_avp", &tls_cfg.server_name_avp, 0, INT_MAX, 0, TG,
	    "integer AVP holding the server name (SNI) sent on an outgoing connection; 0: off"),
	PARAM_INT("tls_max_handshakes", &tls_cfg.max_handshakes, 0, 1000000, 0, TG,
	    "TLS handshakes in progress at once over the whole proxy; when reached, the oldest accepted connection that sent nothing yet is closed to make room, else the new one is; 0: no limit"),
	PARAM_INT("tls_handshake_rate_per_ip", &tls_cfg.handshake_rate_per_ip, 0, 1000000, 0, TG,
	    "new TLS connections per second from one source IP; more are closed at accept; 0: no limit"),
	PARAM_INT("tls_max_handshakes_per_ip", &tls_cfg.max_handshakes_per_ip, 0, 1000000, 32, TG,
	    "TLS handshakes in progress at once from one source IP; a connection accepted beyond it is closed; 0: no limit"),
	PARAM_INT("tls_hello_timeout", &tls_cfg.hello_timeout, 0, 3600, 3, TG,
	    "seconds an accepted TLS connection may stay silent before its first byte (the ClientHello); 0: only tls_handshake_timeout applies"),
	PARAM_STR("tls_ticket_key_file", &tls_cfg.ticket_key_file, NULL, TG | P_NO_NUM,
	    "session ticket keys shared with other proxies (one or more 80-byte keys back to back, nginx's ssl_session_ticket_key format: the first encrypts, every one decrypts; re-read by tls_reload); a relative path is taken from CFG_DIR",
	    .def_note = "a random key made at start"),
	PARAM_STR("tls_keylog_file", &tls_cfg.keylog_file, NULL, TG | P_NO_NUM,
	    "append the session keys (NSS key log format, for Wireshark) to this file, mode 0600; for debugging only: it lets anyone decrypt the traffic"),
	PARAM_SET("server_name", set_server_name, "\"name\"", PS_SRV | P_TLS,
	    "makes a server domain the server_name (SNI) domain of its socket for that name"),
	PARAM_END
};
/* clang-format on */

/* Refused tls_method values: named, with the reason, rather than
 * "unknown". */
static int
method_refused(const char *s, char **err)
{
	if (strcasecmp(s, "SSLv2") == 0 || strcasecmp(s, "SSLv3") == 0) {
		*err = err_fmt("tls_method: %s is insecure and has been "
		    "removed from OpenSSL; use SSLv23 or TLSv1.2+", s);
		return E_INVAL;
	}
	return 0;
}

static int
set_method(const struct param_def *p, const struct cfg_val *v, char **err)
{
	int rc;

	if (v->type != CV_NUM && (rc = method_refused(v->s, err)) != 0)
		return rc;
	return param_store_to(p, p->target, v, err);
}

/* The old spelling: verify the peer, on whichever side(s) the place it
 * is written in has; p is bound to a struct tls_settings (tls_store). */
static int
set_verify(const struct param_def *p, const struct cfg_val *v, char **err)
{
	const struct param_def b = { .name = p->name, .kind = PK_BOOL,
		.flags = P_OPT };
	struct tls_settings *s = p->target;
	struct opt_int tmp;
	int rc;

	if ((rc = param_store_to(&b, &tmp, v, err)) != 0)
		return rc;
	if (p->scope & (PS_GLOBAL | PS_SRV))
		s->verify_client = tmp;
	if (p->scope & (PS_GLOBAL | PS_CLI))
		s->verify_server = tmp;
	return 0;
}

static int
set_server_name(const struct param_def *p, const struct cfg_val *v,
    char **err)
{
	char *s;

	if (cur_dom == NULL)
		return E_BUG;
	if (v->type != CV_STR && v->type != CV_ID) {
		*err = err_fmt("%s: expected a string, got %s", p->name, v->s);
		return E_INVAL;
	}
	if ((s = pkg_strndup(v->s, v->len)) == NULL)
		return E_NOMEM;
	pkg_free(cur_dom->server_name);
	cur_dom->server_name = s;
	return 0;
}

int
tls_method_check(const char *s, char **err)
{
	const struct param_def *p = param_find_def(tls_params, "tls_method");
	const struct cfg_val v = { .type = CV_ID, .s = s, .len = strlen(s) };
	struct opt_str tmp = { NULL, false };
	int rc;

	if ((rc = method_refused(s, err)) != 0 ||
	    (rc = param_store_to(p, &tmp, &v, err)) != 0)
		return rc;
	pkg_free(tmp.s);
	return 0;
}

/* Store v for row p, written in place ctx (PS_GLOBAL, PS_SRV or
 * PS_CLI), into settings s: param_store() gets a copy of the row bound
 * to s (its target made absolute, its scope the place it is written in),
 * so setters and the generic store see a plain row. */
static int
tls_store(const struct param_def *p, struct tls_settings *s, unsigned ctx,
    const struct cfg_val *v, char **err)
{
	struct param_def r = *p;

	if (p->flags & P_OFF) {
		r.target = param_target(p, s);
		r.flags &= ~(unsigned)P_OFF;
	}
	r.scope = ctx;
	return param_store(&r, v, err);
}

int
tls_cfg_global_set(const char *name, const struct cfg_val *v, char **err)
{
	const struct param_def *p = param_find_def(tls_params, name);
	int rc;

	if (p == NULL || !(p->scope & PS_GLOBAL))
		return E_NOTFOUND;
	tls_cfg.any_tls_setting = true;
	if ((rc = tls_store(p, &tls_cfg.def, PS_GLOBAL, v, err)) != 0)
		return rc;
	if (!cfg_tls_compiled) {
		*err = err_fmt("%s: %s", name, TLS_NOT_COMPILED_MSG);
		return E_INVAL;
	}
	return 0;
}

void
tls_cfg_note_use(void)
{
	tls_cfg.any_tls_setting = true;
}

static const char *
dom_kw(enum tls_domain_type t)
{
	return t == TLS_DOMAIN_SRV ? "tls_server_domain" : "tls_client_domain";
}

/* Parse a socket domain's "ip[:port]". */
static int
dom_addr(struct tls_domain_cfg *d, const char *s, char **err)
{
	enum proto proto;
	char *host = NULL, *e = NULL;
	int rc;

	rc = cfg_parse_hostport(s, false, &proto, &host, &d->port, &e);
	if (rc == 0) {
		if (inet_pton(AF_INET, host, d->ip.u.b) == 1) {
			d->ip.af = AF_INET;
			d->ip.len = 4;
		} else if (inet_pton(AF_INET6, host, d->ip.u.b) == 1) {
			d->ip.af = AF_INET6;
			d->ip.len = 16;
		} else {
			rc = E_INVAL;
		}
	}
	if (rc == E_INVAL)
		*err = err_fmt("%s[%s]: expected an IP address and an optional"
		    " port (1.2.3.4:5061, [::1]:5061)", dom_kw(d->type), s);
	pkg_free(host);
	pkg_free(e);
	return rc;
}

int
tls_cfg_domain_open(enum tls_domain_type type, const struct cfg_val *addr,
    char **err)
{
	struct tls_domain_cfg *d, **t;
	int rc = 0;

	if ((d = pkg_zalloc(sizeof(*d))) == NULL)
		return E_NOMEM;
	d->type = type;
	d->pos = addr->pos;
	for (t = &tls_cfg.domains; *t != NULL; t = &(*t)->next)
		;
	*t = d;
	cur_dom = d;
	tls_cfg.any_tls_setting = true;
	if (addr->type == CV_STR) {
		if (type != TLS_DOMAIN_CLI) {
			*err = err_fmt("%s: only client domains can have a "
			    "name; write [ip:port]", dom_kw(type));
			return E_INVAL;
		}
		if (addr->len == 0) {
			*err = err_fmt("%s: empty name", dom_kw(type));
			return E_INVAL;
		}
		if ((d->name = pkg_strndup(addr->s, addr->len)) == NULL)
			return E_NOMEM;
	} else {
		if ((d->addr = pkg_strndup(addr->s, addr->len)) == NULL)
			return E_NOMEM;
		if ((rc = dom_addr(d, addr->s, err)) != 0)
			return rc;
	}
	if (!cfg_tls_compiled) {
		*err = err_fmt("%s: %s", dom_kw(type), TLS_NOT_COMPILED_MSG);
		return E_INVAL;
	}
	return rc;
}

int
tls_cfg_domain_set(const char *name, const struct cfg_val *v, char **err)
{
	const struct param_def *p = param_find_def(tls_params, name);
	struct tls_domain_cfg *d = cur_dom;
	unsigned scope;

	if (d == NULL)
		return E_BUG;
	scope = d->type == TLS_DOMAIN_SRV ? PS_SRV : PS_CLI;
	if (p == NULL) {
		*err = err_fmt("unknown TLS domain parameter '%s'", name);
		return E_INVAL;
	}
	if (!(p->scope & (PS_SRV | PS_CLI))) {
		*err = err_fmt("%s can only be set globally, not in a TLS "
		    "domain", name);
		return E_INVAL;
	}
	if (!(p->scope & scope)) {
		*err = err_fmt("%s can only be set in a %s, not in a %s", name,
		    dom_kw(d->type == TLS_DOMAIN_SRV ? TLS_DOMAIN_CLI :
		    TLS_DOMAIN_SRV), dom_kw(d->type));
		return E_INVAL;
	}
	return tls_store(p, &d->s, scope, v, err);
}

static bool
same_socket(const struct tls_domain_cfg *a, const struct tls_domain_cfg *b)
{
	if (a->name != NULL || b->name != NULL)
		return a->name != NULL && b->name != NULL &&
		    strcmp(a->name, b->name) == 0;
	if (a->ip.len == 0 || b->ip.len == 0)
		return false;
	return ip_addr_eq(&a->ip, &b->ip) && a->port == b->port;
}

int
tls_cfg_domain_close(char **err)
{
	struct tls_domain_cfg *d = cur_dom, *o;
	const char *sn, *osn;

	cur_dom = NULL;
	if (d == NULL)
		return 0;
	for (o = tls_cfg.domains; o != NULL && o != d; o = o->next) {
		if (o->type != d->type || !same_socket(o, d))
			continue;
		sn = d->server_name ? d->server_name : "";
		osn = o->server_name ? o->server_name : "";
		if (strcmp(sn, osn) != 0)
			continue;
		if (d->server_name != NULL)
			*err = err_fmt("%s[%s] with server_name \"%s\" is "
			    "already defined at %s:%d", dom_kw(d->type),
			    d->addr, sn, o->pos.file, o->pos.line);
		else
			*err = err_fmt("%s[%s] is already defined at %s:%d",
			    dom_kw(d->type), d->name ? d->name : d->addr,
			    o->pos.file, o->pos.line);
		return E_INVAL;
	}
	return 0;
}

/* The row of the setting at offset off of struct tls_settings. */
static const struct param_def *
setting_row(size_t off)
{
	const struct param_def *p;

	for (p = tls_params; p->name != NULL; p++)
		if ((p->flags & (P_OFF | P_DEF)) == (P_OFF | P_DEF) &&
		    p->off == off)
			return p;
	return NULL;
}

int
tls_setting_int(const struct tls_settings *own, size_t off)
{
	const struct opt_int *o = own != NULL ?
	    (const struct opt_int *)(const void *)((const char *)own + off) :
	    NULL;
	const struct opt_int *g = (const struct opt_int *)(const void *)(
	    (const char *)&tls_cfg.def + off);

	return o != NULL && o->set ? o->v : g->v;
}

const char *
tls_setting_str(const struct tls_settings *own, size_t off)
{
	const struct opt_str *o = own != NULL ?
	    (const struct opt_str *)(const void *)((const char *)own + off) :
	    NULL;
	const struct opt_str *g = (const struct opt_str *)(const void *)(
	    (const char *)&tls_cfg.def + off);
	const struct param_def *p;

	if (o != NULL && o->set)
		return o->s;
	if (g->set)
		return g->s;
	return (p = setting_row(off)) != NULL ? p->def_s : NULL;
}

void
tls_cfg_reset(void)
{
	struct tls_domain_cfg *d, *n;

	for (d = tls_cfg.domains; d != NULL; d = n) {
		n = d->next;
		pkg_free(d->addr);
		pkg_free(d->name);
		pkg_free(d->server_name);
		param_free_at(tls_params, &d->s);
		pkg_free(d);
	}
	tls_cfg.domains = NULL;
	tls_cfg.any_tls_setting = false;
	cur_dom = NULL;
	/* strings are only freed: no allocation */
	param_defaults(tls_params, &tls_cfg.def, false);
}

/* The defaults are in place before main(), as a static initializer would
 * put them.  Nothing is allocated. */
__attribute__((constructor)) static void
tls_cfg_defaults(void)
{
	param_defaults(tls_params, &tls_cfg.def, false);
}
