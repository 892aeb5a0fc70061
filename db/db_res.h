/* db/db_res.h: building query results (drivers, inside execute) and
 * releasing them (the core).  All of a result's memory comes from its own
 * chunks (pkg of the process that ran the query); nothing needs freeing
 * on error: the core frees the whole result. */
#ifndef DB_DB_RES_H
#define DB_DB_RES_H

#include <stddef.h>

#include "db_val.h"

/* An empty result (pkg); NULL when out of memory. */
struct db_res *db_res_new(void);
void db_res_free(struct db_res *r);
/* Empty r for another query, keeping its first chunk; returns r. */
struct db_res *db_res_recycle(struct db_res *r);

/* The builders return 0 or E_NOMEM. */
/* Set the number of columns (once, before the first row). */
int db_res_cols(struct db_res *r, int n);
/* Name and type of column i (name copied). */
int db_res_col_set(struct db_res *r, int i, const char *name, size_t len,
    enum db_type t);
/* Append a row: returns its n_cols values, each NULL of its column's
 * type, for the driver to fill; NULL when out of memory. */
struct db_val *db_res_row_add(struct db_res *r);
/* Set v to a copy of len bytes as type t (DB_STR or DB_BLOB), followed
 * by a NUL. */
int db_res_val_bytes(struct db_res *r, struct db_val *v, enum db_type t,
    const char *s, size_t len);
/* n bytes (16-byte aligned) of the result's memory. */
void *db_res_alloc(struct db_res *r, size_t n);

/* The columns of a prepared statement's results (names and types), made
 * by a driver when it prepares the statement, and shared by reference
 * with every result of it instead of being asked from the engine and
 * copied for each: pkg, refcounted (the statement holds one reference,
 * each result one), so a result outlives its statement safely. */
struct db_cols;

/* Append a column (name copied) to *c, made on the first call.  Only
 * before the first db_res_cols_use().  0 or E_NOMEM (*c stays valid). */
int db_cols_add(struct db_cols **c, const char *name, size_t len,
    enum db_type t);
/* Drop a reference (NULL is fine); the last one frees. */
void db_cols_unref(struct db_cols *c);
/* Give r the columns of c (instead of db_res_cols + db_res_col_set).
 * 0 or E_NOMEM. */
int db_res_cols_use(struct db_res *r, struct db_cols *c);

#endif
