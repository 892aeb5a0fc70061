/* db/db_driver.c: the registry of loaded DB drivers, by URL scheme.
 * Drivers register from their module's constructor (see db_driver.h),
 * in the main process, before fork; after that the registry is only
 * read. */
#define LOG_MODULE "db"
#include <string.h>
#include <strings.h>

#include "../err.h"
#include "../log.h"
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
