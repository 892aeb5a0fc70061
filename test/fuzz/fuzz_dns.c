/* fuzz_dns.c: libFuzzer target for the DNS wire TTL parser
 * (dns_wire_ttls in net/dns_res.c), which reads every answer c-ares
 * hands the resolver: it must reject or read any bytes without reading
 * past them, and what it returns must be in range (TTLs at most 2^31-1,
 * RFC 2181 §8; the negative TTL -1 or a TTL). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../base/err.h"
#include "../../net/dns_res.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *buf = malloc(size ? size : 1);
	unsigned ans = 7;
	long neg = 7;
	int rc;

	if (buf == NULL)
		return 0;
	/* an exact-size copy: ASan sees any read past the end */
	memcpy(buf, data, size);
	rc = dns_wire_ttls(buf, size, &ans, &neg);
	if (rc != 0 && rc != E_INVAL)
		abort();
	if (rc == 0 && (ans > 0x7fffffffu || neg < -1 || neg > 0x7fffffffL))
		abort();
	if (size < 12 && rc == 0)
		abort();
	free(buf);
	return 0;
}
