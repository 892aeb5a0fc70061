/* db_sqlite: the SQLite DB driver module (URLs sqlite:///path/file.db).
 *
 * Loading the module registers the driver with the DB core (constructor
 * below), so a module that binds a sqlite:// URL, or a check_url
 * modparam, finds it from the next config line on. */
#define LOG_MODULE "db_sqlite"
#include <string.h>

#include "../../api/sr_api.h"
#include "db_sqlite.h"

int db_sqlite_query_timeout = 3;

/* check_url: db_url_check() at config time (for "kamailio -c" and for
 * tests); it stores nothing. */
static int
set_check_url(const struct param_def *p, const struct cfg_val *v, char **err)
{
	(void)p;
	return db_url_check(v->s, err);
}

__attribute__((constructor)) static void
db_sqlite_load(void)
{
	db_driver_register(&db_sqlite_driver);
}

__attribute__((destructor)) static void
db_sqlite_unload(void)
{
	db_driver_unregister(&db_sqlite_driver);
}

/* clang-format off */
static const struct param_def params[] = {
	{ .name = "query_timeout", .kind = PK_INT,
	  .target = &db_sqlite_query_timeout, .min = 1, .max = 600,
	  .doc = "longest wait for a lock held by another process, and "
		 "longest run of one statement, s (default 3)" },
	{ .name = "check_url", .kind = PK_SET, .set = set_check_url,
	  .doc = "check a DB URL while the config is read (parses, driver "
		 "loaded, sqlite file exists); stores nothing" },
	PARAM_END
};
/* clang-format on */

const struct module_exports exports = {
	.abi = MODULE_ABI,
	.name = "db_sqlite",
	.params = params,
};
