/* tls/tls_stub.c: the TLS layer of a build without TLS (see tls.h): every
 * entry point exists and says that TLS is not compiled in, so that no
 * caller needs #ifdef USE_TLS.  Linked instead of the other tls/ files
 * when the proxy is built without TLS=1. */
#include <stdio.h>

#include "../base/err.h"
#include "../cfg/cfg_tls.h"
#include "tls.h"
#include "tls_stats.h"

bool
tls_compiled(void)
{
	return false;
}

int
pre_init_tls(void)
{
	return 0;
}

int
init_tls(void)
{
	return E_INVAL;
}

const char *
tls_init_error(void)
{
	return TLS_NOT_COMPILED_MSG;
}

void
destroy_tls(void)
{
}

int
tls_init(struct socket_info *si)
{
	(void)si;
	return E_INVAL;
}

int
tls_transport_setup(void)
{
	return E_INVAL;
}

int
tls_dest_target(const struct dest_info *d, struct tcp_tls_target *t)
{
	(void)d;
	(void)t;
	return E_NOTFOUND;
}

bool
tls_conn_info(int conn_id, enum tls_info f, const char **s, long *n)
{
	(void)conn_id;
	(void)f;
	*s = NULL;
	*n = 0;
	return false;
}

int
tls_reload(char *err, size_t size, int *gen)
{
	*gen = 0;
	snprintf(err, size, "%s", TLS_NOT_COMPILED_MSG);
	return E_INVAL;
}

const char *
tls_domain_desc_of(const void *dom)
{
	(void)dom;
	return "-";
}

int
tls_stats_init(void)
{
	return 0;
}

void
tls_stats_inc(enum tls_stat st)
{
	(void)st;
}

unsigned long
tls_stats_get(enum tls_stat st)
{
	(void)st;
	return 0;
}

void
tls_stats_conn_closed(struct tls_conn *tc, bool done)
{
	(void)tc;
	(void)done;
}

void
tls_stats_certs(tls_stats_cert_fn fn, void *arg)
{
	(void)fn;
	(void)arg;
}
