/* tls/tls_config.c: turn the parsed TLS settings (tls_cfg) into domains
 * with every setting resolved: the domain's own value, else the global
 * one, else the default of the parameter's row (tls_setting_int/str in
 * cfg/cfg_tls.c; the defaults are written only in tls_params[]). */
#define LOG_MODULE "tls"
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/ssl.h>

#include "../base/err.h"
#include "../cfg/core_cfg.h"
#include "../mem/pkg.h"
#include "tls_config.h"
#include "tls_int.h"

#ifndef DEFAULT_CFG_DIR
#define DEFAULT_CFG_DIR "."
#endif

/* tls_method text -> protocol floor and ceiling (0 = open). */
static int
method_range(const char *m, int *min, int *max)
{
	/* clang-format off */
	static const struct { const char *name; int v; } vers[] = {
		{ "TLSv1",   TLS1_VERSION },
		{ "TLSv1.1", TLS1_1_VERSION },
		{ "TLSv1.2", TLS1_2_VERSION },
		{ "TLSv1.3", TLS1_3_VERSION },
	};
	/* clang-format on */
	size_t i, n;

	if (strcasecmp(m, "SSLv23") == 0) {
		*min = TLS1_2_VERSION;
		*max = 0;
		return 0;
	}
	n = strlen(m);
	for (i = 0; i < sizeof(vers) / sizeof(vers[0]); i++) {
		if (strcasecmp(m, vers[i].name) == 0) {
			*min = *max = vers[i].v;
			return 0;
		}
		if (n == strlen(vers[i].name) + 1 && m[n - 1] == '+' &&
		    strncasecmp(m, vers[i].name, n - 1) == 0) {
			*min = vers[i].v;
			*max = 0;
			return 0;
		}
	}
	return E_INVAL;
}

static int
dup_opt(char **dst, const char *s)
{
	*dst = NULL;
	if (s == NULL)
		return 0;
	*dst = pkg_strndup(s, strlen(s));
	return *dst == NULL ? E_NOMEM : 0;
}

/* A file setting: a relative path is taken from the config file's
 * directory (CFG_DIR), so that it means the same at start-up and at a
 * later tls_reload (after daemonizing, the working directory is /).  An
 * empty string (no client certificate) stays empty. */
static int
dup_path(char **dst, const char *s, const char *dir)
{
	size_t n;

	if (s == NULL || s[0] == '\0' || s[0] == '/')
		return dup_opt(dst, s);
	n = strlen(dir) + 1 + strlen(s) + 1;
	if ((*dst = pkg_malloc(n)) == NULL)
		return E_NOMEM;
	snprintf(*dst, n, "%s/%s", dir, s);
	return 0;
}

#define S(f) offsetof(struct tls_settings, f)

/* Resolve every setting of d from own (NULL for a default domain). */
static int
resolve(struct tls_domain *d, const struct tls_settings *own, char *err,
    size_t errsize)
{
	const char *dir = core_cfg.cfg_dir ? core_cfg.cfg_dir : DEFAULT_CFG_DIR;
	const char *m = tls_setting_str(own, S(method));
	int rc = 0;

	if (m == NULL || method_range(m, &d->method_min, &d->method_max) != 0) {
		snprintf(err, errsize, "%s: unknown tls_method '%s'", d->desc,
		    m ? m : "");
		return E_INVAL;
	}
	rc |= dup_opt(&d->method_str, m);
	rc |= dup_path(&d->certificate, tls_setting_str(own, S(certificate)),
	    dir);
	rc |= dup_path(&d->private_key, tls_setting_str(own, S(private_key)),
	    dir);
	rc |= dup_path(&d->ca_list, tls_setting_str(own, S(ca_list)), dir);
	rc |= dup_path(&d->crl, tls_setting_str(own, S(crl)), dir);
	rc |= dup_opt(&d->ciphers_list, tls_setting_str(own, S(ciphers_list)));
	rc |= dup_opt(&d->cipher_suites,
	    tls_setting_str(own, S(cipher_suites)));
	if (rc != 0)
		return E_NOMEM;
	d->verify_client = tls_setting_int(own, S(verify_client));
	d->require_client_certificate = tls_setting_int(own,
	    S(require_client_certificate));
	d->verify_server = tls_setting_int(own, S(verify_server));
	d->verify_depth = tls_setting_int(own, S(verify_depth));
	d->check_server_identity = tls_setting_int(own,
	    S(check_server_identity));
	d->server_cipher_preference = tls_setting_int(own,
	    S(server_cipher_preference));
	return 0;
}

static int
add_default(int type, struct tls_domain **slot, char *err, size_t errsize)
{
	struct tls_domain *d = tls_new_domain(type);

	if (d == NULL)
		return E_NOMEM;
	d->is_default = true;
	tls_domain_describe(d);
	*slot = d;
	return resolve(d, NULL, err, errsize);
}

static int
add_configured(const struct tls_domain_cfg *c, char *err, size_t errsize)
{
	struct ip_addr ip = c->ip;
	struct tls_domain *d;
	int rc;

	if (c->type == TLS_DOMAIN_SRV)
		rc = tls_new_server_domain(&ip, c->port);
	else if (c->name != NULL)
		rc = tls_new_client_domain_name(c->name, (int)strlen(c->name));
	else
		rc = tls_new_client_domain(&ip, c->port);
	if (rc != 0)
		return rc;
	d = c->type == TLS_DOMAIN_SRV ? tls_server_domains : tls_client_domains;
	d->cfg_file = c->pos.file;
	d->cfg_line = c->pos.line;
	if (c->server_name != NULL) {
		d->server_name = pkg_strndup(c->server_name,
		    strlen(c->server_name));
		if (d->server_name == NULL)
			return E_NOMEM;
		tls_domain_describe(d);
	}
	return resolve(d, &c->s, err, errsize);
}

/* The guide (1.6.14): server_name domains need the socket's own domain. */
static int
check_sni_sockets(char *err, size_t errsize)
{
	struct tls_domain *d;

	for (d = tls_server_domains; d != NULL; d = d->next) {
		if (d->server_name == NULL ||
		    tls_find_server_domain(&d->addr, d->port) !=
			tls_default_server_domain)
			continue;
		snprintf(err, errsize, "%s (%s:%d): a server_name based TLS "
		    "server domain needs a socket based tls_server_domain for "
		    "the same socket (a block without server_name)", d->desc,
		    d->cfg_file ? d->cfg_file : "?", d->cfg_line);
		return E_INVAL;
	}
	return 0;
}

int
tls_domains_from_cfg(char *err, size_t errsize)
{
	const struct tls_domain_cfg *c;
	int rc;

	if ((rc = add_default(TLS_DOMAIN_SRV, &tls_default_server_domain, err,
		 errsize)) != 0)
		return rc;
	if ((rc = add_default(TLS_DOMAIN_CLI, &tls_default_client_domain, err,
		 errsize)) != 0)
		return rc;
	for (c = tls_cfg.domains; c != NULL; c = c->next)
		if ((rc = add_configured(c, err, errsize)) != 0)
			return rc;
	return check_sni_sockets(err, errsize);
}
