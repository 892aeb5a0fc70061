/* tls/tls_reload.c: tls_reload (see tls_reload.h and doc/tls.md,
 * "Reloading"). */
#define LOG_MODULE "tls"
#include <stdio.h>

#include <openssl/ssl.h>

#include "../base/err.h"
#include "../base/log.h"
#include "../mem/shm.h"
#include "tls.h"
#include "tls_int.h"
#include "tls_reload.h"

/* tls_reload: bumped by the FIFO process after it validated the files;
 * each reader rebuilds its contexts before its next new connection. */
static int *reload_gen;
static int my_gen;

static void
list_rebuild(struct tls_domain *d)
{
	char err[512];

	for (; d != NULL; d = d->next)
		if (tls_domain_build_ctx(d, err, sizeof(err)) != 0)
			LM_ERR("tls_reload: %s (this process keeps the old "
			       "context)", err);
}

void
tls_reload_check(void)
{
	char err[512];
	int g;

	if (reload_gen == NULL)
		return;
	g = __atomic_load_n(reload_gen, __ATOMIC_ACQUIRE);
	if (g == my_gen)
		return;
	my_gen = g;
	list_rebuild(tls_default_server_domain);
	list_rebuild(tls_default_client_domain);
	list_rebuild(tls_server_domains);
	list_rebuild(tls_client_domains);
	if (tls_ticket_keys_load(err, sizeof(err)) != 0)
		LM_ERR("tls_reload: %s (this process keeps the old keys)",
		    err);
	LM_INFO("TLS contexts rebuilt (reload %d)", g);
}

/* Build a throw-away context for every domain of list: the files exist,
 * parse and match.  0 or E_* with err. */
static int
list_validate(struct tls_domain *d, char *err, size_t size)
{
	struct tls_domain tmp;
	int rc;

	for (; d != NULL; d = d->next) {
		tmp = *d;
		tmp.ctx = NULL;
		tmp.next = NULL;
		rc = tls_domain_build_ctx(&tmp, err, size);
		SSL_CTX_free(tmp.ctx);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
tls_reload(char *err, size_t size, int *gen)
{
	int rc;

	if (reload_gen == NULL) {
		snprintf(err, size, "TLS is not running");
		return E_INVAL;
	}
	err[0] = '\0';
	if ((rc = list_validate(tls_default_server_domain, err, size)) != 0 ||
	    (rc = list_validate(tls_default_client_domain, err, size)) != 0 ||
	    (rc = list_validate(tls_server_domains, err, size)) != 0 ||
	    (rc = list_validate(tls_client_domains, err, size)) != 0 ||
	    (rc = tls_ticket_keys_check(err, size)) != 0)
		return rc;
	*gen = __atomic_add_fetch(reload_gen, 1, __ATOMIC_ACQ_REL);
	tls_reload_check();   /* this process too: statistics show the new
			       * files */
	return 0;
}

int
tls_reload_init(void)
{
	if (reload_gen == NULL &&
	    (reload_gen = shm_zalloc(sizeof(*reload_gen))) == NULL)
		return E_NOMEM;
	my_gen = 0;
	return 0;
}

const char *
tls_domain_desc_of(const void *dom)
{
	return dom != NULL ? ((const struct tls_domain *)dom)->desc : "-";
}
