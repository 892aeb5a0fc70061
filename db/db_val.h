/* db/db_val.h: typed values and query results of the DB API.
 *
 * A value is a type, a NULL flag and a union.  Values given to the API
 * (keys compared, rows inserted) are borrowed for the length of the call;
 * every one goes to the server as a bound parameter, never as SQL text.
 * Values in a result live in the result's memory (pkg, the process that
 * ran the query) until free_result(). */
#ifndef DB_DB_VAL_H
#define DB_DB_VAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../base/str.h"

enum db_type {
	DB_INT,      /* v.i: int, 32 bits */
	DB_BIGINT,   /* v.i64: int64_t (epoch seconds, counters) */
	DB_DOUBLE,   /* v.d */
	DB_STRING,   /* v.string: NUL-terminated text */
	DB_STR,      /* v.str: text as pointer + length (NUL bytes allowed
			where the engine stores them) */
	DB_DATETIME, /* v.time: time_t, always UTC */
	DB_BLOB,     /* v.str: bytes */
};

struct db_val {
	enum db_type type;
	bool nul; /* SQL NULL: v is not used (type still says which) */
	union {
		int i;
		int64_t i64;
		double d;
		const char *string;
		struct str str;
		time_t time;
	} v;
};

/* A result row: n values, in the order of the result's columns. */
struct db_row {
	int n;
	struct db_val *values;
};

struct db_chunk;
struct db_cols;

/* A query result, in pkg memory of the process that ran the query, freed
 * by free_result().  Text comes back as DB_STR and bytes as DB_BLOB; both
 * are followed by a NUL that len does not count, so v.str.s may be used
 * as a C string when the value holds no NUL.  A column's type is what
 * the engine declares (DB_INT for 32-bit integers, DB_BIGINT for 64-bit,
 * DB_DATETIME for DATETIME/TIMESTAMP columns); SQLite, which types
 * values rather than columns, may give a value of an INT column as
 * DB_BIGINT when it does not fit in 32 bits (use db_val_get_int()). */
struct db_res {
	int n_cols;
	const char *const *col_names;
	const enum db_type *col_types;
	int n_rows;
	struct db_row *rows;
	/* private to the DB core */
	struct db_chunk *chunks;
	struct db_cols *cols; /* shared column names, or NULL */
	const char **names_;  /* own column arrays (db_res_cols) */
	enum db_type *types_;
	int rows_cap;
};

/* Value constructors, for arrays of values given to the API. */
static inline struct db_val
db_val_int(int i)
{
	return (struct db_val){ .type = DB_INT, .v.i = i };
}

static inline struct db_val
db_val_bigint(int64_t i)
{
	return (struct db_val){ .type = DB_BIGINT, .v.i64 = i };
}

static inline struct db_val
db_val_double(double d)
{
	return (struct db_val){ .type = DB_DOUBLE, .v.d = d };
}

/* s must not be NULL (use db_val_null(DB_STRING) for NULL). */
static inline struct db_val
db_val_string(const char *s)
{
	return (struct db_val){ .type = DB_STRING, .v.string = s };
}

static inline struct db_val
db_val_str(const char *s, size_t len)
{
	return (struct db_val){ .type = DB_STR, .v.str = { s, len } };
}

static inline struct db_val
db_val_datetime(time_t t)
{
	return (struct db_val){ .type = DB_DATETIME, .v.time = t };
}

static inline struct db_val
db_val_blob(const void *p, size_t len)
{
	return (struct db_val){ .type = DB_BLOB,
		.v.str = { (const char *)p, len } };
}

static inline struct db_val
db_val_null(enum db_type t)
{
	return (struct db_val){ .type = t, .nul = true };
}

/* The bytes of a DB_STRING, DB_STR or DB_BLOB value; { NULL, 0 } for
 * NULL and for other types. */
struct str db_val_get_str(const struct db_val *v);
/* The number in a DB_INT, DB_BIGINT, DB_DATETIME (epoch seconds) or
 * DB_DOUBLE (truncated) value; 0 for NULL and other types. */
int64_t db_val_get_int(const struct db_val *v);
/* Name of a type ("int", "bigint", ...). */
const char *db_type_name(enum db_type t);

/* "YYYY-MM-DD HH:MM:SS" in UTC, the text form every engine takes for a
 * DATETIME.  buf has DB_TIME_LEN bytes; returns 0 or E_INVAL (a time
 * gmtime() cannot represent). */
#define DB_TIME_LEN 20
int db_time_format(time_t t, char *buf);
/* Parse "YYYY-MM-DD HH:MM:SS" (an optional ".fraction" and a "+00"-like
 * zone suffix after it are ignored: the value is UTC) or
 * "YYYY-MM-DD"; 0 or E_PARSE. */
int db_time_parse(const char *s, size_t len, time_t *out);

#endif
