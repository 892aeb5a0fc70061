/* fuzz_uri.c: libFuzzer target for parse_uri. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/err.h"
#include "../../parser/parse_uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
in_range(const struct str *s, const char *buf, size_t size)
{
	if (s->len != 0 && (s->s < buf || s->s + s->len > buf + size))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct sip_uri u;

	if (buf == NULL)
		return 0;
	if (size)
		memcpy(buf, data, size);
	if (parse_uri(buf, size, &u) == 0) {
		in_range(&u.user, buf, size);
		in_range(&u.passwd, buf, size);
		in_range(&u.host, buf, size);
		in_range(&u.port, buf, size);
		in_range(&u.params, buf, size);
		in_range(&u.headers, buf, size);
		in_range(&u.transport, buf, size);
		in_range(&u.maddr, buf, size);
		if (u.type != URI_TEL && u.host.len == 0)
			abort();
		(void)uri_port(&u);
	} else if (u.type != URI_ERROR) {
		abort();
	}
	free(buf);
	return 0;
}
