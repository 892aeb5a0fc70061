/* mysql: the MariaDB/MySQL DB driver module (URLs mysql://...).
 *
 * Loading the module registers the driver with the DB core (constructor
 * below).  Host "localhost" means the server's default unix socket, as
 * for every MariaDB client; use 127.0.0.1 for TCP. */
#define LOG_MODULE "mysql"
#include <string.h>

#include "../../api/sr_api.h"
#include "mysql_drv.h"

int mysql_connect_timeout = 2;
int mysql_query_timeout = 3;

/* check_url: db_url_check() at config time; stores nothing. */
static int
set_check_url(const struct param_def *p, const struct cfg_val *v, char **err)
{
	(void)p;
	return db_url_check(v->s, err);
}

__attribute__((constructor)) static void
mysql_load(void)
{
	db_driver_register(&mysql_driver);
}

__attribute__((destructor)) static void
mysql_unload(void)
{
	db_driver_unregister(&mysql_driver);
	mysql_drv_unload();
}

/* clang-format off */
static const struct param_def params[] = {
	{ .name = "connect_timeout", .kind = PK_INT,
	  .target = &mysql_connect_timeout, .min = 1, .max = 600,
	  .doc = "longest wait for a connection to the server, s (default 2)" },
	{ .name = "query_timeout", .kind = PK_INT,
	  .target = &mysql_query_timeout, .min = 1, .max = 600,
	  .doc = "longest run of one statement (max_statement_time); the "
		 "client gives up 2 s later (default 3)" },
	{ .name = "check_url", .kind = PK_SET, .set = set_check_url,
	  .doc = "check a DB URL while the config is read; stores nothing" },
	PARAM_END
};
/* clang-format on */

const struct module_exports exports = {
	.abi = MODULE_ABI,
	.name = "mysql",
	.params = params,
};
