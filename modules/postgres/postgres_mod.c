/* postgres: the PostgreSQL DB driver module (URLs postgres://... or
 * postgresql://...).  Loading the module registers the driver with the
 * DB core (constructor below). */
#define LOG_MODULE "postgres"
#include <string.h>

#include "../../api/sr_api.h"
#include "pg_drv.h"

int pg_connect_timeout = 2;
int pg_query_timeout = 3;

/* check_url: db_url_check() at config time; stores nothing. */
static int
set_check_url(const struct param_def *p, const struct cfg_val *v, char **err)
{
	(void)p;
	return db_url_check(v->s, err);
}

__attribute__((constructor)) static void
postgres_load(void)
{
	db_driver_register(&pg_driver);
}

__attribute__((destructor)) static void
postgres_unload(void)
{
	db_driver_unregister(&pg_driver);
}

/* clang-format off */
static const struct param_def params[] = {
	{ .name = "connect_timeout", .kind = PK_INT,
	  .target = &pg_connect_timeout, .min = 2, .max = 600,
	  .doc = "longest wait for a connection to the server, s (libpq "
		 "takes 2 at least; default 2)" },
	{ .name = "query_timeout", .kind = PK_INT,
	  .target = &pg_query_timeout, .min = 1, .max = 600,
	  .doc = "longest run of one statement (statement_timeout); the "
		 "client gives up 2 s later (default 3)" },
	{ .name = "check_url", .kind = PK_SET, .set = set_check_url,
	  .doc = "check a DB URL while the config is read; stores nothing" },
	PARAM_END
};
/* clang-format on */

const struct module_exports exports = {
	.abi = MODULE_ABI,
	.name = "postgres",
	.params = params,
};
