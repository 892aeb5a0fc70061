/* err.c: text for the E_* codes. */
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
	}
	return "unknown error";
}
