/* db/db_val.c: value accessors and DATETIME text. */
#define LOG_MODULE "db"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/err.h"
#include "../base/log.h"
#include "../mem/pkg.h"
#include "db_val.h"

struct str
db_val_get_str(const struct db_val *v)
{
	if (v->nul)
		return STR_NULL;
	switch (v->type) {
	case DB_STRING:
		return str_from(v->v.string);
	case DB_STR:
	case DB_BLOB:
		return v->v.str;
	default:
		return STR_NULL;
	}
}

int64_t
db_val_get_int(const struct db_val *v)
{
	if (v->nul)
		return 0;
	switch (v->type) {
	case DB_INT:
		return v->v.i;
	case DB_BIGINT:
		return v->v.i64;
	case DB_DATETIME:
		return (int64_t)v->v.time;
	case DB_DOUBLE:
		return (int64_t)v->v.d;
	default:
		return 0;
	}
}

const char *
db_type_name(enum db_type t)
{
	/* clang-format off */
	static const char *const names[] = {
		[DB_INT] = "int",         [DB_BIGINT] = "bigint",
		[DB_DOUBLE] = "double",   [DB_STRING] = "string",
		[DB_STR] = "str",         [DB_DATETIME] = "datetime",
		[DB_BLOB] = "blob",
	};
	/* clang-format on */

	if ((unsigned)t < sizeof(names) / sizeof(names[0]))
		return names[t];
	return "?";
}

int
db_time_format(time_t t, char *buf)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, DB_TIME_LEN, "%Y-%m-%d %H:%M:%S", &tm) == 0) {
		buf[0] = '\0';
		return E_INVAL;
	}
	return 0;
}

int
db_time_parse(const char *s, size_t len, time_t *out)
{
	char tmp[64];
	struct tm tm;
	const char *end;
	time_t t;

	if (len == 0 || len >= sizeof(tmp))
		return E_PARSE;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(tmp, "%Y-%m-%d %H:%M:%S", &tm)) == NULL) {
		memset(&tm, 0, sizeof(tm));
		if ((end = strptime(tmp, "%Y-%m-%d", &tm)) == NULL ||
		    *end != '\0')
			return E_PARSE;
	}
	/* ".123456", "+00", "+00:00", "Z": the value is UTC anyway */
	if (*end != '\0' && *end != '.' && *end != '+' && *end != 'Z' &&
	    *end != '-')
		return E_PARSE;
	if ((t = timegm(&tm)) == (time_t)-1 && tm.tm_year != 69)
		return E_PARSE;
	*out = t;
	return 0;
}
