/* mysql_drv.h: what the two files of the mysql module share. */
#ifndef MYSQL_DRV_H
#define MYSQL_DRV_H

#include "../../api/sr_api.h"

/* module parameters (mysql_mod.c), seconds */
extern int mysql_connect_timeout;
extern int mysql_query_timeout;

/* the driver (mysql_drv.c) */
extern const struct db_driver mysql_driver;
void mysql_drv_unload(void);

#endif
