/* tls/tls_stats.c: TLS counters in shm and certificate lifetimes (see
 * tls_stats.h). */
#define LOG_MODULE "tls"
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "../base/err.h"
#include "../mem/shm.h"
#include "../net/tcp_conn.h"
#include "tls_domain.h"
#include "tls_server.h"
#include "tls_stats.h"

/* in shm (allocated before fork); atomic adds, no lock */
static unsigned long *counters;

int
tls_stats_init(void)
{
	if (counters != NULL)
		return 0;
	if ((counters = shm_zalloc(TLS_STAT_MAX * sizeof(*counters))) == NULL)
		return E_NOMEM;
	return 0;
}

void
tls_stats_inc(enum tls_stat st)
{
	if (counters != NULL && (unsigned)st < TLS_STAT_MAX)
		__atomic_add_fetch(&counters[st], 1, __ATOMIC_RELAXED);
}

unsigned long
tls_stats_get(enum tls_stat st)
{
	if (counters == NULL || (unsigned)st >= TLS_STAT_MAX)
		return 0;
	return __atomic_load_n(&counters[st], __ATOMIC_RELAXED);
}

void
tls_stats_conn_closed(struct tls_conn *tc, bool done)
{
	if (done || tc == NULL)
		return;
	switch (tls_conn_fail(tc)) {
	case TLS_FAIL_NONE:
		return;   /* no error: timed out or shut down */
	case TLS_FAIL_VERIFY:
		tls_stats_inc(TLS_STAT_HS_VERIFY);
		return;
	case TLS_FAIL_PROTOCOL:
		tls_stats_inc(TLS_STAT_HS_PROTOCOL);
		return;
	case TLS_FAIL_OTHER:
		tls_stats_inc(TLS_STAT_HS_OTHER);
		return;
	}
}

/* Whole days from now until the certificate's notAfter. */
static bool
cert_days(const SSL_CTX *ctx, long *days)
{
	X509 *cert = SSL_CTX_get0_certificate(ctx);
	int d, s;

	if (cert == NULL ||
	    ASN1_TIME_diff(&d, &s, NULL, X509_get0_notAfter(cert)) != 1)
		return false;
	*days = d;
	return true;
}

static void
list_certs(const struct tls_domain *d, tls_stats_cert_fn fn, void *arg)
{
	long days;

	for (; d != NULL; d = d->next)
		if (d->ctx != NULL && cert_days(d->ctx, &days))
			fn(d->desc, days, arg);
}

void
tls_stats_certs(tls_stats_cert_fn fn, void *arg)
{
	list_certs(tls_default_server_domain, fn, arg);
	list_certs(tls_default_client_domain, fn, arg);
	list_certs(tls_server_domains, fn, arg);
	list_certs(tls_client_domains, fn, arg);
}
