/* db/db_url.c: parsing, masking and checking DB URLs (see db_url.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/err.h"
#include "../mem/pkg.h"
#include "db_url.h"

#define URL_SHAPE "scheme://[user[:password]@]host[:port]/database"

/* clang-format off */
/* The module that serves a scheme, for the "loadmodule ...?" hint. */
static const struct { const char *scheme, *module; } scheme_mods[] = {
	{ "sqlite",     "db_sqlite.so" },
	{ "mysql",      "mysql.so" },
	{ "postgres",   "postgres.so" },
	{ "postgresql", "postgres.so" },
	{ NULL, NULL },
};
/* clang-format on */

bool
db_url_is_file_scheme(const char *scheme)
{
	return strcasecmp(scheme, "sqlite") == 0;
}

char *
db_url_mask(const char *url, char *out, size_t size)
{
	const char *sep, *auth, *end, *at, *colon;
	size_t o = 0, n;

	if (size == 0)
		return out;
	out[0] = '\0';
	if (url == NULL)
		return out;
	sep = strstr(url, "://");
	auth = sep ? sep + 3 : url;
	end = auth + strcspn(auth, "/");
	/* the last '@' before the path ends the user info */
	for (at = NULL, colon = auth; colon < end; colon++)
		if (*colon == '@')
			at = colon;
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon == NULL) {
		snprintf(out, size, "%s", url);
		return out;
	}
	n = (size_t)(colon + 1 - url);
	o = n < size - 1 ? n : size - 1;
	memcpy(out, url, o);
	out[o] = '\0';
	snprintf(out + o, size - o, "***%s", at);
	return out;
}

__attribute__((format(printf, 3, 4))) static int
url_err(char **err, const char *url, const char *fmt, ...)
{
	char masked[512], why[256];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	db_url_mask(url, masked, sizeof(masked));
	n = strlen(masked) + strlen(why) + sizeof(URL_SHAPE) + 64;
	if (err != NULL && (*err = pkg_malloc(n)) != NULL)
		snprintf(*err, n,
		    "URL '%s' does not parse: %s (expected " URL_SHAPE ")",
		    masked, why);
	return E_PARSE;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode s[0..n) into out (NUL-terminated).  Returns the offset of a bad
 * escape (or of a %00), or -1 when fine. */
static long
pct_decode(const char *s, size_t n, char *out)
{
	size_t i, o = 0;
	int h, l;

	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			out[o++] = s[i];
			continue;
		}
		if (i + 2 >= n || (h = hexval(s[i + 1])) < 0 ||
		    (l = hexval(s[i + 2])) < 0 || (h == 0 && l == 0))
			return (long)i;
		out[o++] = (char)(h << 4 | l);
		i += 2;
	}
	out[o] = '\0';
	return -1;
}

/* Copy-and-decode a part of the URL into the block at *p. */
static int
part(const char *url, const char *what, const char *s, size_t n, char **p,
    char **field, char **err)
{
	long bad;

	if ((bad = pct_decode(s, n, *p)) >= 0)
		return url_err(err, url, "bad percent-escape in the %s", what);
	*field = *p;
	*p += strlen(*p) + 1;
	return 0;
}

static bool
host_ok(const char *s, size_t n, bool v6)
{
	bool zone = false; /* after '%' in fe80::1%eth0 */
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];
		bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F');
		bool alnum = hex || (c >= 'g' && c <= 'z') ||
		    (c >= 'G' && c <= 'Z');

		if (v6 && !zone) {
			if (c == '%' && i > 0)
				zone = true;
			else if (!hex && c != ':' && c != '.')
				return false;
		} else if (!alnum && c != '.' && c != '-' && c != '_') {
			return false;
		}
	}
	return true;
}

/* user[:password]@host[:port] */
static int
parse_authority(const char *url, const char *a, size_t n, struct db_url *u,
    char **p, char **err)
{
	const char *at = NULL, *c, *h, *hend, *port = NULL;
	size_t i;
	long pn;
	char *end;
	int rc;

	for (i = 0; i < n; i++)
		if (a[i] == '@')
			at = a + i;
	h = a;
	if (at != NULL) {
		const char *colon = memchr(a, ':', (size_t)(at - a));
		size_t ul = colon ? (size_t)(colon - a) : (size_t)(at - a);

		if (ul == 0)
			return url_err(err, url, "empty user name before '@'");
		if ((rc = part(url, "user name", a, ul, p, &u->user, err)) ||
		    (colon &&
		        (rc = part(url, "password", colon + 1,
		             (size_t)(at - colon - 1), p, &u->password, err))))
			return rc;
		h = at + 1;
	}
	n -= (size_t)(h - a);
	if (n > 0 && h[0] == '[') {
		if ((c = memchr(h, ']', n)) == NULL)
			return url_err(err, url,
			    "'[' without ']' around the "
			    "IPv6 address");
		if (!host_ok(h + 1, (size_t)(c - h - 1), true))
			return url_err(err, url, "bad IPv6 address");
		hend = c + 1;
		if (hend < h + n && *hend != ':')
			return url_err(err, url, "junk after ']'");
		memcpy(*p, h + 1, (size_t)(c - h - 1));
		(*p)[c - h - 1] = '\0';
	} else {
		c = memchr(h, ':', n);
		hend = c ? c : h + n;
		if (!host_ok(h, (size_t)(hend - h), false))
			return url_err(err, url,
			    hend == h ? "no host" : "bad host name");
		memcpy(*p, h, (size_t)(hend - h));
		(*p)[hend - h] = '\0';
	}
	u->host = *p;
	*p += strlen(*p) + 1;
	if (hend < h + n) {
		port = hend + 1;
		pn = strtol(port, &end, 10);
		if (port[0] < '0' || port[0] > '9' || end != h + n || pn < 1 ||
		    pn > 65535)
			return url_err(err, url,
			    "port '%.*s' is not a number "
			    "in 1..65535",
			    (int)(h + n - port), port);
		u->port = (unsigned short)pn;
	}
	return 0;
}

int
db_url_parse(const char *url, struct db_url *out, char **err)
{
	struct db_url u = { 0 };
	const char *sep, *rest, *slash;
	size_t ulen, i;
	char *p;
	int rc;

	if (err != NULL)
		*err = NULL;
	if (url == NULL || (sep = strstr(url, "://")) == NULL || sep == url)
		return url_err(err, url ? url : "",
		    "no scheme:// at the "
		    "start");
	for (i = 0; url + i < sep; i++)
		if (!((url[i] >= 'a' && url[i] <= 'z') ||
		        (url[i] >= 'A' && url[i] <= 'Z') ||
		        (i > 0 && url[i] >= '0' && url[i] <= '9')))
			return url_err(err, url, "bad scheme");
	ulen = strlen(url);
	/* every part fits in the URL's length; masked adds "***" */
	if ((u.mem_ = pkg_malloc(3 * ulen + 64)) == NULL)
		return E_NOMEM;
	p = u.mem_;
	u.scheme = p;
	for (i = 0; url + i < sep; i++)
		*p++ = (char)(url[i] | 0x20);
	*p++ = '\0';
	u.masked = p;
	db_url_mask(url, p, ulen + 8);
	p += strlen(p) + 1;
	rest = sep + 3;
	if (db_url_is_file_scheme(u.scheme)) {
		if (*rest == '\0') {
			rc = url_err(err, url, "no file path after '%s://'",
			    u.scheme);
			goto out;
		}
		rc = part(url, "path", rest, strlen(rest), &p, &u.database,
		    err);
		goto out;
	}
	if (strchr(rest, '?') != NULL) {
		rc = url_err(err, url,
		    "parameters after '?' are not "
		    "supported");
		goto out;
	}
	if ((slash = strchr(rest, '/')) == NULL || slash[1] == '\0') {
		rc = url_err(err, url, "no /database after the host");
		goto out;
	}
	if ((rc = parse_authority(url, rest, (size_t)(slash - rest), &u, &p,
	         err)) != 0)
		goto out;
	if (strchr(slash + 1, '/') != NULL) {
		rc = url_err(err, url, "'/' in the database name (write %%2F)");
		goto out;
	}
	rc = part(url, "database name", slash + 1, strlen(slash + 1), &p,
	    &u.database, err);
out:
	if (rc != 0)
		pkg_free(u.mem_);
	else
		*out = u;
	return rc;
}

void
db_url_clear(struct db_url *u)
{
	pkg_free(u->mem_);
	memset(u, 0, sizeof(*u));
}

const char *
db_url_module(const char *scheme)
{
	int i;

	for (i = 0; scheme_mods[i].scheme != NULL; i++)
		if (strcmp(scheme_mods[i].scheme, scheme) == 0)
			return scheme_mods[i].module;
	return NULL;
}
