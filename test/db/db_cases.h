/* db_cases.h: the driver conformance cases, run against SQLite by the
 * unit test t_db and against every engine by db_conformance.
 *
 * Before running them, set db_case_url to a database that holds the
 * shipped schema (the create files of scripts/ENGINE/); the cases also
 * create and drop a table of their own, db_conf. */
#ifndef DB_CASES_H
#define DB_CASES_H

#include "../unit/unit.h"

extern const char *db_case_url;
extern const struct unit_test db_cases[];

#define LOCATION_VERSION 2001

#endif
