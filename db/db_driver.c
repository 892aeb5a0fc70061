/* db/db_driver.c: the registry of loaded DB drivers, by URL scheme.
 * Drivers register from their module's constructor (see db_driver.h),
 * in the main process, before fork; after that the registry is only
 * read. */
#define LOG_MODULE "db"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../base/err.h"
#include "../base/log.h"
#include "../mem/pkg.h"
#include "../cfg/cfg_param.h"
#include "db_driver.h"

#define DB_DRIVERS_MAX 16

static const struct db_driver *drivers[DB_DRIVERS_MAX];

const struct db_driver *
db_driver_find(const char *scheme, size_t len)
{
	const char *const *s;
	int i;

	for (i = 0; i < DB_DRIVERS_MAX; i++) {
		if (drivers[i] == NULL)
			continue;
		for (s = drivers[i]->schemes; *s != NULL; s++)
			if (strlen(*s) == len &&
			    strncasecmp(*s, scheme, len) == 0)
				return drivers[i];
	}
	return NULL;
}

int
db_driver_register(const struct db_driver *d)
{
	const struct db_driver *other;
	const char *const *s;
	int i, free_slot = -1;

	for (i = 0; i < DB_DRIVERS_MAX; i++) {
		if (drivers[i] == d)
			return 0;
		if (drivers[i] == NULL && free_slot < 0)
			free_slot = i;
	}
	for (s = d->schemes; *s != NULL; s++)
		if ((other = db_driver_find(*s, strlen(*s))) != NULL) {
			LM_ERR("driver %s: scheme '%s' is served by %s already",
			    d->name, *s, other->name);
			return E_INVAL;
		}
	if (free_slot < 0) {
		LM_ERR("driver %s: more than %d DB drivers", d->name,
		    DB_DRIVERS_MAX);
		return E_TOOBIG;
	}
	drivers[free_slot] = d;
	LM_DBG("DB driver %s registered", d->name);
	return 0;
}

void
db_driver_unregister(const struct db_driver *d)
{
	int i;

	for (i = 0; i < DB_DRIVERS_MAX; i++)
		if (drivers[i] == d)
			drivers[i] = NULL;
}

int
db_err(char *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, DB_ERR_LEN, fmt, ap);
	va_end(ap);
	return code;
}

int
db_url_check(const char *url, char **err)
{
	const struct db_driver *d;
	struct db_url u;
	char derr[DB_ERR_LEN];
	const char *mod;
	size_t n;
	int rc;

	if ((rc = db_url_parse(url, &u, err)) != 0)
		return rc;
	n = strlen(u.masked) + DB_ERR_LEN + 128;
	if ((d = db_driver_find(u.scheme, strlen(u.scheme))) == NULL) {
		mod = db_url_module(u.scheme);
		if ((*err = pkg_malloc(n)) != NULL) {
			if (mod != NULL)
				snprintf(*err, n,
				    "URL '%s': no DB driver "
				    "loaded for scheme '%s' (loadmodule "
				    "\"%s\"?)",
				    u.masked, u.scheme, mod);
			else
				snprintf(*err, n,
				    "URL '%s': no DB driver "
				    "loaded for scheme '%s' (known: sqlite, "
				    "mysql, postgres)",
				    u.masked, u.scheme);
		}
		db_url_clear(&u);
		return E_NOTFOUND;
	}
	derr[0] = '\0';
	if (d->url_check != NULL && (rc = d->url_check(&u, derr)) != 0) {
		if ((*err = pkg_malloc(n)) != NULL)
			snprintf(*err, n, "URL '%s': %s", u.masked, derr);
	}
	db_url_clear(&u);
	return rc;
}

int
db_param_url(const struct param_def *p, const struct cfg_val *v, char **err)
{
	int rc;

	if (v->s == NULL || v->s[0] == '\0') {
		*err = err_fmt("%s: expected a DB URL", p->name);
		return E_INVAL;
	}
	if ((rc = db_url_check(v->s, err)) != 0)
		return rc;
	return param_store_to(p, p->target, v, err);
}
