/* tls/tls_domain.c: the domain lists and their look-ups (guide 2.4).
 * The lists are short (a few dozen domains at most) and read-only after
 * fork, so they are plain linked lists searched linearly. */
#define LOG_MODULE "tls"
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/ssl.h>

#include "../base/err.h"
#include "../mem/pkg.h"
#include "../net/net_addr.h"
#include "tls_domain.h"

struct tls_domain *tls_default_server_domain;
struct tls_domain *tls_default_client_domain;
struct tls_domain *tls_server_domains;
struct tls_domain *tls_client_domains;

static bool
dom_has_socket(const struct tls_domain *d, const struct ip_addr *ip,
    unsigned short port)
{
	return d->addr.len != 0 && ip != NULL && ip_addr_eq(&d->addr, ip) &&
	    d->port == port;
}

struct tls_domain *
tls_find_server_domain(struct ip_addr *ip, unsigned short port)
{
	struct tls_domain *d;

	for (d = tls_server_domains; d != NULL; d = d->next)
		if (d->server_name == NULL && dom_has_socket(d, ip, port))
			return d;
	return tls_default_server_domain;
}

struct tls_domain *
tls_find_server_domain_server_name(struct ip_addr *ip, unsigned short port,
    const char *server_name)
{
	struct tls_domain *d;

	if (server_name == NULL)
		return NULL;
	for (d = tls_server_domains; d != NULL; d = d->next)
		if (d->server_name != NULL && dom_has_socket(d, ip, port) &&
		    strcasecmp(d->server_name, server_name) == 0)
			return d;
	return NULL;
}

struct tls_domain *
tls_find_client_domain(struct ip_addr *ip, unsigned short port)
{
	struct tls_domain *d;

	for (d = tls_client_domains; d != NULL; d = d->next)
		if (d->name == NULL && dom_has_socket(d, ip, port))
			return d;
	return NULL;
}

struct tls_domain *
tls_find_client_domain_name(struct str name)
{
	struct tls_domain *d;

	if (name.len == 0)
		return NULL;
	for (d = tls_client_domains; d != NULL; d = d->next)
		if (d->name != NULL && strlen(d->name) == name.len &&
		    memcmp(d->name, name.s, name.len) == 0)
			return d;
	return NULL;
}

struct tls_domain *
tls_select_client_domain(const struct str *name_from_avp,
    const struct ip_addr *ip, unsigned short port)
{
	struct tls_domain *d = NULL;
	struct ip_addr a;

	if (name_from_avp != NULL && name_from_avp->len != 0)
		d = tls_find_client_domain_name(*name_from_avp);
	if (d == NULL && ip != NULL) {
		a = *ip;
		d = tls_find_client_domain(&a, port);
	}
	return d != NULL ? d : tls_default_client_domain;
}

void
tls_domain_describe(struct tls_domain *d)
{
	const char *kw = d->type == TLS_DOMAIN_SRV ? "tls_server_domain"
						  : "tls_client_domain";
	char ip[IP_ADDR_STR_MAX];

	if (d->is_default) {
		snprintf(d->desc, sizeof(d->desc), "default %s domain",
		    d->type == TLS_DOMAIN_SRV ? "server" : "client");
		return;
	}
	if (d->name != NULL) {
		snprintf(d->desc, sizeof(d->desc), "%s[\"%s\"]", kw, d->name);
		return;
	}
	ip_addr_to_str(&d->addr, ip, sizeof(ip));
	snprintf(d->desc, sizeof(d->desc), "%s[%s%s%s:%u]%s%s%s", kw,
	    d->addr.af == AF_INET6 ? "[" : "", ip,
	    d->addr.af == AF_INET6 ? "]" : "", d->port,
	    d->server_name ? " server_name \"" : "",
	    d->server_name ? d->server_name : "", d->server_name ? "\"" : "");
}

struct tls_domain *
tls_new_domain(int type)
{
	struct tls_domain *d = pkg_zalloc(sizeof(*d));

	if (d == NULL)
		return NULL;
	d->type = type;
	return d;
}

static int
new_socket_domain(int type, struct ip_addr *ip, unsigned short port,
    struct tls_domain **head)
{
	struct tls_domain *d = tls_new_domain(type);

	if (d == NULL)
		return E_NOMEM;
	if (ip != NULL)
		d->addr = *ip;
	d->port = port;
	tls_domain_describe(d);
	d->next = *head;
	*head = d;
	return 0;
}

int
tls_new_server_domain(struct ip_addr *ip, unsigned short port)
{
	return new_socket_domain(TLS_DOMAIN_SRV, ip, port, &tls_server_domains);
}

int
tls_new_client_domain(struct ip_addr *ip, unsigned short port)
{
	return new_socket_domain(TLS_DOMAIN_CLI, ip, port, &tls_client_domains);
}

int
tls_new_client_domain_name(char *s, int len)
{
	struct tls_domain *d;

	if (len <= 0)
		return E_INVAL;
	if ((d = tls_new_domain(TLS_DOMAIN_CLI)) == NULL)
		return E_NOMEM;
	if ((d->name = pkg_strndup(s, (size_t)len)) == NULL) {
		tls_free_domain(d);
		return E_NOMEM;
	}
	tls_domain_describe(d);
	d->next = tls_client_domains;
	tls_client_domains = d;
	return 0;
}

void
tls_free_domain(struct tls_domain *d)
{
	if (d == NULL)
		return;
	SSL_CTX_free(d->ctx);
	pkg_free(d->name);
	pkg_free(d->server_name);
	pkg_free(d->method_str);
	pkg_free(d->certificate);
	pkg_free(d->private_key);
	pkg_free(d->ca_list);
	pkg_free(d->crl);
	pkg_free(d->ciphers_list);
	pkg_free(d->cipher_suites);
	pkg_free(d);
}

static void
free_list(struct tls_domain **head)
{
	struct tls_domain *d, *n;

	for (d = *head; d != NULL; d = n) {
		n = d->next;
		tls_free_domain(d);
	}
	*head = NULL;
}

void
tls_free_domains(void)
{
	free_list(&tls_server_domains);
	free_list(&tls_client_domains);
	tls_free_domain(tls_default_server_domain);
	tls_free_domain(tls_default_client_domain);
	tls_default_server_domain = NULL;
	tls_default_client_domain = NULL;
}
