/* pg_drv.h: what the two files of the postgres module share. */
#ifndef PG_DRV_H
#define PG_DRV_H

#include "../../api/sr_api.h"

/* module parameters (postgres_mod.c), seconds */
extern int pg_connect_timeout;
extern int pg_query_timeout;

/* the driver (pg_drv.c) */
extern const struct db_driver pg_driver;

#endif
