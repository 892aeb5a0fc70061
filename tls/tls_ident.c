/* tls/tls_ident.c: does a server certificate belong to the SIP host we
 * connected to (RFC 5922 section 7.1, RFC 6125)?
 *
 * OpenSSL's X509_check_host/X509_check_ip_asc do DNS and IP names
 * (wildcards: only a whole leftmost label, no "f*.example.com"); SIP adds
 * URI names "sip:host" / "sips:host", checked here.  The subject CN is
 * used only when the certificate has no DNS and no URI name. */
#define LOG_MODULE "tls"
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include <openssl/x509v3.h>

#include "tls_int.h"

/* "sip:host", "sips:host[:port][;params]" (no user part) vs host. */
static bool
uri_matches(const char *uri, size_t len, const char *host)
{
	size_t skip, hlen, hostlen = strlen(host);
	const char *h;

	if (len > 4 && strncasecmp(uri, "sip:", 4) == 0)
		skip = 4;
	else if (len > 5 && strncasecmp(uri, "sips:", 5) == 0)
		skip = 5;
	else
		return false;
	h = uri + skip;
	len -= skip;
	if (memchr(h, '@', len) != NULL)
		return false;
	if (h[0] == '[') {
		const char *e = memchr(h, ']', len);

		if (e == NULL)
			return false;
		hlen = (size_t)(e - h) + 1;
	} else {
		for (hlen = 0; hlen < len && h[hlen] != ':' && h[hlen] != ';';
		    hlen++)
			;
	}
	if (hostlen == hlen && strncasecmp(h, host, hlen) == 0)
		return true;
	/* "[::1]" in the URI vs "::1" as the target */
	return hlen > 2 && h[0] == '[' && hostlen == hlen - 2 &&
	    strncasecmp(h + 1, host, hostlen) == 0;
}

/* Look through the URI names; *has_names says whether any DNS or URI
 * name exists (then the CN must not be used). */
static bool
san_uri_match(X509 *cert, const char *host, bool *has_names)
{
	GENERAL_NAMES *sans;
	const GENERAL_NAME *g;
	bool match = false;
	int i;

	*has_names = false;
	sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	if (sans == NULL)
		return false;
	for (i = 0; i < sk_GENERAL_NAME_num(sans); i++) {
		g = sk_GENERAL_NAME_value(sans, i);
		if (g->type == GEN_DNS) {
			*has_names = true;
		} else if (g->type == GEN_URI) {
			*has_names = true;
			if (uri_matches((const char *)ASN1_STRING_get0_data(
				g->d.uniformResourceIdentifier),
				(size_t)ASN1_STRING_length(
				    g->d.uniformResourceIdentifier), host))
				match = true;
		}
	}
	GENERAL_NAMES_free(sans);
	return match;
}

bool
tls_ident_match(X509 *cert, const char *host)
{
	unsigned char bin[16];
	char ip[64];
	size_t n = strlen(host);
	bool has_names;
	unsigned flags = X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;

	if (cert == NULL || n == 0)
		return false;
	if (host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof(ip)) {
		memcpy(ip, host + 1, n - 2);
		ip[n - 2] = '\0';
		host = ip;
	}
	if (san_uri_match(cert, host, &has_names))
		return true;
	if (inet_pton(AF_INET, host, bin) == 1 ||
	    inet_pton(AF_INET6, host, bin) == 1)
		return X509_check_ip_asc(cert, host, 0) == 1;
	if (has_names)
		flags |= X509_CHECK_FLAG_NEVER_CHECK_SUBJECT;
	return X509_check_host(cert, host, 0, flags, NULL) == 1;
}
