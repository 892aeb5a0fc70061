/* db_sqlite.h: what the two files of the db_sqlite module share. */
#ifndef DB_SQLITE_H
#define DB_SQLITE_H

#include "../../api/sr_api.h"

/* module parameters (db_sqlite_mod.c) */
extern int db_sqlite_query_timeout; /* s: busy wait and statement run */

/* the driver (db_sqlite.c) */
extern const struct db_driver db_sqlite_driver;

#endif
