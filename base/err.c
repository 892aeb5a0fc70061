/* err.c: text for the E_* codes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../mem/pkg.h"
#include "err.h"

const char *
err_str(int rc)
{
	switch (rc) {
	case E_OK: return "ok";
	case E_NOMEM: return "out of memory";
	case E_PARSE: return "parse error";
	case E_AGAIN: return "try again";
	case E_CLOSED: return "connection closed";
	case E_IO: return "i/o error";
	case E_TLS: return "TLS error";
	case E_INVAL: return "invalid value";
	case E_NOTFOUND: return "not found";
	case E_TOOBIG: return "too big";
	case E_TIMEOUT: return "timeout";
	case E_BUG: return "internal error";
	case E_BLOCKED: return "next hop in the destination blocklist";
	}
	return "unknown error";
}

char *
err_dup(const char *s)
{
	return pkg_strndup(s, strlen(s));
}

char *
err_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = pkg_malloc((size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}
