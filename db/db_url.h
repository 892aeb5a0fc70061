/* db/db_url.h: database URLs.
 *
 *	scheme://[user[:password]@]host[:port]/database
 *	sqlite:///absolute/path.db     sqlite://relative/path.db
 *
 * The scheme picks the driver (case-insensitive); user, password and
 * database may hold percent-escapes (%40 for '@', %2F for '/', ...); an
 * IPv6 host goes in brackets: mysql://u@[::1]:3306/db.  For the file
 * schemes (sqlite) everything after "://" is the path, percent-decoded;
 * a relative path is relative to the proxy's working directory.
 *
 * A URL written to a log line or an error text always has its password
 * replaced by "***" (db_url_mask()). */
#ifndef DB_DB_URL_H
#define DB_DB_URL_H

#include <stdbool.h>
#include <stddef.h>

/* A parsed URL.  Every string is NUL-terminated and decoded, all in one
 * pkg block owned by the struct (freed by db_url_clear()). */
struct db_url {
	char *scheme;        /* lower case: "mysql", "postgres", "sqlite" */
	char *user;          /* NULL if the URL has none */
	char *password;      /* NULL if the URL has none */
	char *host;          /* without brackets; NULL for file schemes */
	unsigned short port; /* 0: the engine's default */
	char *database;      /* database name, or the file path */
	char *masked;        /* the URL as given, password as "***" */
	char *mem_;          /* the block (private) */
};

/* Parse url into *out (which the caller then owns and clears).  Any
 * process.  Returns 0, E_NOMEM, or E_PARSE with *err (pkg, caller frees)
 * saying what was expected, naming the masked URL. */
int db_url_parse(const char *url, struct db_url *out, char **err);
/* Free what db_url_parse() filled in; u itself stays the caller's.  NULL
 * fields are fine (a zeroed struct). */
void db_url_clear(struct db_url *u);
/* Copy url to out (size bytes, always terminated) with the password part
 * (between the user's ':' and the last '@' before the path) replaced by
 * "***".  Works on URLs that do not parse, too.  Returns out. */
char *db_url_mask(const char *url, char *out, size_t size);
/* True for schemes whose URL is a file path (sqlite). */
bool db_url_is_file_scheme(const char *scheme);

/* The module file that serves scheme ("mysql.so"), for messages; NULL
 * for a scheme no driver of this proxy knows. */
const char *db_url_module(const char *scheme);

#endif
