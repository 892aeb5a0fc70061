/* bench/tls_mem_probe.c: where the memory of an idle server-side TLS
 * connection goes.  Standalone (not part of the proxy): N handshakes over
 * socketpairs between a server SSL set up like the proxy's (release
 * buffers, no session cache, tickets) and a client SSL, one short message
 * each way, then the server side idles.  OpenSSL's allocations are counted
 * with CRYPTO_set_mem_functions, split by phase: what each idle server
 * SSL still holds (bytes and blocks, plus glibc's 16-byte chunk header per
 * block) is printed per connection.
 *
 *   cc -O2 -o tls_mem_probe bench/tls_mem_probe.c -lssl -lcrypto
 *   ./tls_mem_probe CERT KEY [N] [tickets] [drop]
 *     tickets: SSL_CTX_set_num_tickets value (default 2, OpenSSL's)
 *     drop:    1 = after the handshake, SSL_free_buffers() on the idle SSL
 *
 * The client's allocations are excluded: every client SSL is freed before
 * the count is taken, and the server-side objects are alive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

static long live_bytes, live_blocks;

struct site {
	const char *f;
	int l;
	long bytes, blocks;
};
static struct site sites[4096];
static int nsites;

struct hdr {
	size_t n;
	struct site *at;
};

static struct site *
site_of(const char *f, int l)
{
	int i;

	for (i = 0; i < nsites; i++)
		if (sites[i].l == l && sites[i].f == f)
			return &sites[i];
	if (nsites == (int)(sizeof(sites) / sizeof(sites[0])))
		return &sites[0];
	sites[nsites].f = f;
	sites[nsites].l = l;
	return &sites[nsites++];
}

static int
by_bytes(const void *a, const void *b)
{
	const struct site *x = a, *y = b;

	return (y->bytes > x->bytes) - (y->bytes < x->bytes);
}

static void *
c_malloc(size_t n, const char *f, int l)
{
	struct hdr *h = malloc(sizeof(*h) + n);

	if (h == NULL)
		return NULL;
	h->n = n;
	h->at = site_of(f, l);
	h->at->bytes += (long)n;
	h->at->blocks++;
	live_bytes += (long)n;
	live_blocks++;
	return h + 1;
}

static void
c_free(void *p, const char *f, int l)
{
	struct hdr *h;

	(void)f;
	(void)l;
	if (p == NULL)
		return;
	h = (struct hdr *)p - 1;
	h->at->bytes -= (long)h->n;
	h->at->blocks--;
	live_bytes -= (long)h->n;
	live_blocks--;
	free(h);
}

static void *
c_realloc(void *p, size_t n, const char *f, int l)
{
	void *q;
	struct hdr *h;

	if (p == NULL)
		return c_malloc(n, f, l);
	if (n == 0) {
		c_free(p, f, l);
		return NULL;
	}
	h = (struct hdr *)p - 1;
	if ((q = c_malloc(n, f, l)) == NULL)
		return NULL;
	memcpy(q, p, h->n < n ? h->n : n);
	c_free(p, f, l);
	return q;
}

/* drive both sides until both handshakes are done */
static int
pump(SSL *s, SSL *c)
{
	int i, rs = 0, rc = 0;

	for (i = 0; i < 100 && (rs != 1 || rc != 1); i++) {
		if (rc != 1)
			rc = SSL_do_handshake(c);
		if (rs != 1)
			rs = SSL_do_handshake(s);
	}
	return rs == 1 && rc == 1 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	int n = argc > 3 ? atoi(argv[3]) : 1000;
	int tickets = argc > 4 ? atoi(argv[4]) : 2;
	int drop = argc > 5 ? atoi(argv[5]) : 0;
	SSL_CTX *sctx, *cctx;
	SSL **srv;
	long b0, k0;
	char buf[256];
	size_t got;
	int i, sv[2];

	if (argc < 3) {
		fprintf(stderr, "usage: %s CERT KEY [N] [tickets] [drop]\n",
		    argv[0]);
		return 2;
	}
	CRYPTO_set_mem_functions(c_malloc, c_realloc, c_free);
	sctx = SSL_CTX_new(TLS_server_method());
	cctx = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_min_proto_version(sctx, TLS1_2_VERSION);
	SSL_CTX_set_options(sctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_NO_COMPRESSION | SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_mode(sctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_session_cache_mode(sctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_session_id_context(sctx, (const unsigned char *)"p", 1);
	SSL_CTX_set_num_tickets(sctx, (size_t)tickets);
	if (SSL_CTX_use_certificate_chain_file(sctx, argv[1]) != 1 ||
	    SSL_CTX_use_PrivateKey_file(sctx, argv[2], SSL_FILETYPE_PEM) != 1) {
		ERR_print_errors_fp(stderr);
		return 1;
	}
	if ((srv = calloc((size_t)n, sizeof(*srv))) == NULL)
		return 1;
	for (i = 0; i < nsites; i++)
		sites[i].bytes = sites[i].blocks = 0;
	b0 = live_bytes;
	k0 = live_blocks;
	for (i = 0; i < n; i++) {
		SSL *c;

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) != 0) {
			perror("socketpair");
			return 1;
		}
		srv[i] = SSL_new(sctx);
		c = SSL_new(cctx);
		SSL_set_fd(srv[i], sv[0]);
		SSL_set_fd(c, sv[1]);
		SSL_set_accept_state(srv[i]);
		SSL_set_connect_state(c);
		if (pump(srv[i], c) != 0) {
			ERR_print_errors_fp(stderr);
			return 1;
		}
		SSL_write_ex(c, "OPTIONS", 7, &got);
		SSL_read_ex(srv[i], buf, sizeof(buf), &got);
		SSL_write_ex(srv[i], "200 OK", 6, &got);
		SSL_read_ex(c, buf, sizeof(buf), &got);  /* reads tickets too */
		SSL_read_ex(srv[i], buf, sizeof(buf), &got);  /* idle read */
		if (drop)
			SSL_free_buffers(srv[i]);
		SSL_free(c);
		close(sv[1]);
	}
	printf("%d idle server SSLs (tickets %d, free_buffers %d): %ld bytes "
	    "in %ld blocks each; with malloc headers ~%ld bytes\n", n, tickets,
	    drop, (live_bytes - b0) / n, (live_blocks - k0) / n,
	    (live_bytes - b0 + (live_blocks - k0) * 16) / n);
	if (argc > 6) {
		/* the allocation sites still holding memory, per connection */
		qsort(sites, (size_t)nsites, sizeof(sites[0]), by_bytes);
		for (i = 0; i < nsites && i < atoi(argv[6]); i++)
			printf("  %6ld bytes %4.1f blocks  %s:%d\n",
			    sites[i].bytes / n, (double)sites[i].blocks / n,
			    sites[i].f ? sites[i].f : "?", sites[i].l);
	}
	return 0;
}
