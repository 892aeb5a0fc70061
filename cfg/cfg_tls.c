/* cfg_tls.c: the TLS globals and domain blocks, stored as plain data.
 *
 * One table lists every TLS parameter with its type, where it may appear
 * (globally, in server domains, in client domains) and where it goes:
 * either a field of struct tls_settings (global default or per domain) or
 * a global-only field of tls_cfg. */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cfg_tls.h"
#include "../base/err.h"
#include "../mem/pkg.h"

#define TLS_DEFAULTS                                                       \
	{                                                                  \
		.disable_tls = { 1, false }, .port_no = { 5061, false },    \
		.handshake_timeout = { 30, false },                        \
		.send_timeout = { 30, false },                             \
		.def = {                                                   \
			.verify_client = { 1, false },                     \
			.require_client_certificate = { 1, false },        \
			.verify_server = { 1, false },                     \
			.verify_depth = { 9, false },                      \
			.check_server_identity = { 1, false },             \
		},                                                         \
	}

struct tls_cfg tls_cfg = TLS_DEFAULTS;
bool cfg_tls_compiled;

/* The open domain block (also in the tls_cfg.domains list). */
static struct tls_domain_cfg *cur_dom;

enum tls_kind { TK_BOOL, TK_INT, TK_STR, TK_METHOD, TK_VERIFY, TK_SNI };

#define SC_GLOBAL 0x1
#define SC_SRV 0x2
#define SC_CLI 0x4
#define SC_DOM (SC_SRV | SC_CLI)
#define SC_ALL (SC_GLOBAL | SC_DOM)

struct tls_param {
	const char *name;
	enum tls_kind kind;
	unsigned scope;
	size_t off;         /* offset in struct tls_settings, when !global */
	void *global;       /* global-only target (tls_opt_int/str) */
	long min, max;
};

#define S(f) offsetof(struct tls_settings, f)
/* clang-format off */
static const struct tls_param tls_params[] = {
	{ "disable_tls",                    TK_BOOL,   SC_GLOBAL, 0, &tls_cfg.disable_tls, 0, 0 },
	{ "tls_port_no",                    TK_INT,    SC_GLOBAL, 0, &tls_cfg.port_no, 1, 65535 },
	{ "tls_handshake_timeout",          TK_INT,    SC_GLOBAL, 0, &tls_cfg.handshake_timeout, 1, 3600 },
	{ "tls_send_timeout",               TK_INT,    SC_GLOBAL, 0, &tls_cfg.send_timeout, 1, 3600 },
	{ "tls_client_domain_avp",          TK_INT,    SC_GLOBAL, 0, &tls_cfg.client_domain_avp, 0, 2147483647 },
	{ "tls_server_name_avp",            TK_INT,    SC_GLOBAL, 0, &tls_cfg.server_name_avp, 0, 2147483647 },
	{ "tls_max_handshakes",             TK_INT,    SC_GLOBAL, 0, &tls_cfg.max_handshakes, 0, 1000000 },
	{ "tls_handshake_rate_per_ip",      TK_INT,    SC_GLOBAL, 0, &tls_cfg.handshake_rate_per_ip, 0, 1000000 },
	{ "tls_keylog_file",                TK_STR,    SC_GLOBAL, 0, &tls_cfg.keylog_file, 0, 0 },
	{ "tls_method",                     TK_METHOD, SC_ALL, S(method), NULL, 0, 0 },
	{ "tls_certificate",                TK_STR,    SC_ALL, S(certificate), NULL, 0, 0 },
	{ "tls_private_key",                TK_STR,    SC_ALL, S(private_key), NULL, 0, 0 },
	{ "tls_ca_list",                    TK_STR,    SC_ALL, S(ca_list), NULL, 0, 0 },
	{ "tls_ciphers_list",               TK_STR,    SC_ALL, S(ciphers_list), NULL, 0, 0 },
	{ "tls_cipher_suites",              TK_STR,    SC_ALL, S(cipher_suites), NULL, 0, 0 },
	{ "tls_crl",                        TK_STR,    SC_ALL, S(crl), NULL, 0, 0 },
	{ "tls_verify_depth",               TK_INT,    SC_ALL, S(verify_depth), NULL, 0, 100 },
	{ "tls_verify_client",              TK_BOOL,   SC_GLOBAL | SC_SRV, S(verify_client), NULL, 0, 0 },
	{ "tls_require_client_certificate", TK_BOOL,   SC_GLOBAL | SC_SRV, S(require_client_certificate), NULL, 0, 0 },
	{ "tls_verify_server",              TK_BOOL,   SC_GLOBAL | SC_CLI, S(verify_server), NULL, 0, 0 },
	{ "tls_check_server_identity",      TK_BOOL,   SC_GLOBAL | SC_CLI, S(check_server_identity), NULL, 0, 0 },
	{ "tls_verify",                     TK_VERIFY, SC_ALL, 0, NULL, 0, 0 },
	{ "server_name",                    TK_SNI,    SC_SRV, 0, NULL, 0, 0 },
};
/* clang-format on */
#undef S

static const struct tls_param *
tls_param_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(tls_params) / sizeof(tls_params[0]); i++)
		if (strcmp(tls_params[i].name, name) == 0)
			return &tls_params[i];
	return NULL;
}

int
tls_method_check(const char *s, char **err)
{
	static const char *const ok[] = {
		"SSLv23", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3",
		"TLSv1+", "TLSv1.1+", "TLSv1.2+", "TLSv1.3+",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcasecmp(s, ok[i]) == 0)
			return 0;
	if (strcasecmp(s, "SSLv2") == 0 || strcasecmp(s, "SSLv3") == 0) {
		*err = err_fmt("tls_method: %s is insecure and has been "
		    "removed from OpenSSL; use SSLv23 or TLSv1.2+", s);
		return E_INVAL;
	}
	*err = err_fmt("tls_method: unknown method '%s' (expected SSLv23, "
	    "TLSv1, TLSv1.1, TLSv1.2, TLSv1.3, TLSv1+, TLSv1.1+, TLSv1.2+ or "
	    "TLSv1.3+)", s);
	return E_INVAL;
}

static int
set_int(const struct tls_param *p, struct tls_opt_int *o,
    const struct cfg_val *v, char **err)
{
	int b;

	if (p->kind == TK_BOOL || p->kind == TK_VERIFY) {
		if (!param_parse_bool(v, &b)) {
			*err = err_fmt("%s: expected a boolean (yes/no, on/off,"
			    " true/false, 1/0), got '%s'", p->name, v->s);
			return E_INVAL;
		}
		o->v = b;
		o->set = true;
		return 0;
	}
	if (v->type != CV_NUM) {
		*err = err_fmt("%s: expected a number, got '%s'", p->name,
		    v->s);
		return E_INVAL;
	}
	if (v->n < p->min || v->n > p->max) {
		*err = err_fmt("%s: %ld is out of range %ld..%ld", p->name,
		    v->n, p->min, p->max);
		return E_INVAL;
	}
	o->v = (int)v->n;
	o->set = true;
	return 0;
}

static int
set_str(const struct tls_param *p, struct tls_opt_str *o,
    const struct cfg_val *v, char **err)
{
	char *s;
	int rc;

	if (v->type == CV_NUM) {
		*err = err_fmt("%s: expected a string, got %s", p->name, v->s);
		return E_INVAL;
	}
	if (p->kind == TK_METHOD && (rc = tls_method_check(v->s, err)) != 0)
		return rc;
	if ((s = pkg_strndup(v->s, v->len)) == NULL)
		return E_NOMEM;
	pkg_free(o->s);
	o->s = s;
	o->set = true;
	return 0;
}

/* Store v for p into settings s (global default or a domain's). */
static int
set_in(const struct tls_param *p, struct tls_settings *s, unsigned scope,
    const struct cfg_val *v, char **err)
{
	struct tls_opt_int tmp;
	int rc;

	switch (p->kind) {
	case TK_STR:
	case TK_METHOD:
		if (p->global != NULL)
			return set_str(p, p->global, v, err);
		return set_str(p, (struct tls_opt_str *)((char *)s + p->off),
		    v, err);
	case TK_BOOL:
	case TK_INT:
		if (p->global != NULL)
			return set_int(p, p->global, v, err);
		return set_int(p, (struct tls_opt_int *)((char *)s + p->off),
		    v, err);
	case TK_VERIFY:
		/* the old spelling: verify the peer, on whichever side */
		if ((rc = set_int(p, &tmp, v, err)) != 0)
			return rc;
		if (scope & (SC_GLOBAL | SC_SRV))
			s->verify_client = tmp;
		if (scope & (SC_GLOBAL | SC_CLI))
			s->verify_server = tmp;
		return 0;
	case TK_SNI:
		break;
	}
	return E_BUG;
}

int
tls_cfg_global_set(const char *name, const struct cfg_val *v, char **err)
{
	const struct tls_param *p = tls_param_find(name);
	int rc;

	if (p == NULL || !(p->scope & SC_GLOBAL))
		return E_NOTFOUND;
	tls_cfg.any_tls_setting = true;
	if ((rc = set_in(p, &tls_cfg.def, SC_GLOBAL, v, err)) != 0)
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
	const struct tls_param *p = tls_param_find(name);
	struct tls_domain_cfg *d = cur_dom;
	unsigned scope;
	char *s;

	if (d == NULL)
		return E_BUG;
	scope = d->type == TLS_DOMAIN_SRV ? SC_SRV : SC_CLI;
	if (p == NULL) {
		*err = err_fmt("unknown TLS domain parameter '%s'", name);
		return E_INVAL;
	}
	if (p->scope == SC_GLOBAL) {
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
	if (p->kind == TK_SNI) {
		if (v->type != CV_STR && v->type != CV_ID) {
			*err = err_fmt("%s: expected a string, got %s", name,
			    v->s);
			return E_INVAL;
		}
		if ((s = pkg_strndup(v->s, v->len)) == NULL)
			return E_NOMEM;
		pkg_free(d->server_name);
		d->server_name = s;
		return 0;
	}
	return set_in(p, &d->s, scope, v, err);
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

static void
settings_free(struct tls_settings *s)
{
	pkg_free(s->method.s);
	pkg_free(s->certificate.s);
	pkg_free(s->private_key.s);
	pkg_free(s->ca_list.s);
	pkg_free(s->ciphers_list.s);
	pkg_free(s->cipher_suites.s);
	pkg_free(s->crl.s);
}

void
tls_cfg_reset(void)
{
	struct tls_domain_cfg *d, *n;
	struct tls_cfg def = TLS_DEFAULTS;

	for (d = tls_cfg.domains; d != NULL; d = n) {
		n = d->next;
		pkg_free(d->addr);
		pkg_free(d->name);
		pkg_free(d->server_name);
		settings_free(&d->s);
		pkg_free(d);
	}
	settings_free(&tls_cfg.def);
	pkg_free(tls_cfg.keylog_file.s);
	tls_cfg = def;
	cur_dom = NULL;
}
