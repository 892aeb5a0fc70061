/* bench/min_tls_server.c: the smallest pre-forked OpenSSL server, the
 * baseline of tls_bench.sh's handshake CPU figures.  Standalone (not part
 * of the proxy).
 *
 * The context is set up as the proxy sets up a server domain (tls/
 * tls_init.c): TLS >= 1.2, OpenSSL's default ciphers and groups, no
 * renegotiation or compression, release buffers, no session cache,
 * tickets from one AES-256-CBC + HMAC-SHA256 key callback with keys made
 * before fork, OpenSSL's default number of TLS 1.3 tickets, no client
 * verification.  Then NPROC processes block in accept() on one listening
 * socket; each connection gets SSL_accept, one read (a request line, or
 * the EOF of a client that only handshakes), a reply if a line came, and
 * close.  CPU = utime + stime of the parent and its children.
 *
 *   cc -O2 -o min_tls_server bench/min_tls_server.c -lssl -lcrypto
 *   ./min_tls_server PORT CERT KEY [NPROC]     (127.0.0.1; SIGTERM stops) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

static unsigned char tk_name[16], tk_aes[32], tk_hmac[32];

static int
ticket_cb(SSL *s, unsigned char key_name[16], unsigned char *iv,
    EVP_CIPHER_CTX *cctx, EVP_MAC_CTX *hctx, int enc)
{
	char digest[] = "SHA256";
	OSSL_PARAM p[3];

	(void)s;
	p[0] = OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, tk_hmac,
	    sizeof(tk_hmac));
	p[1] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest, 0);
	p[2] = OSSL_PARAM_construct_end();
	if (enc) {
		if (RAND_bytes(iv, 16) != 1)
			return -1;
		memcpy(key_name, tk_name, sizeof(tk_name));
		return EVP_EncryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, tk_aes,
			   iv) == 1 && EVP_MAC_CTX_set_params(hctx, p) == 1
		    ? 1 : -1;
	}
	if (memcmp(key_name, tk_name, sizeof(tk_name)) != 0)
		return 0;
	return EVP_MAC_CTX_set_params(hctx, p) == 1 &&
		   EVP_DecryptInit_ex(cctx, EVP_aes_256_cbc(), NULL, tk_aes,
		       iv) == 1
	    ? 1 : -1;
}

static SSL_CTX *
ctx_new(const char *cert, const char *key)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_method());
	unsigned char sid[32];
	unsigned int n = 0;

	if (ctx == NULL ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
		return NULL;
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_NO_COMPRESSION | SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
		return NULL;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	if (EVP_Digest("baseline", 8, sid, &n, EVP_sha256(), NULL) != 1 ||
	    SSL_CTX_set_session_id_context(ctx, sid, n) != 1 ||
	    SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticket_cb) != 1)
		return NULL;
	return ctx;
}

static void
serve(SSL_CTX *ctx, int lfd)
{
	static const char reply[] = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";
	char buf[4096];
	size_t n;
	SSL *ssl;
	int fd, on = 1;

	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) == -1)
			continue;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		if ((ssl = SSL_new(ctx)) != NULL && SSL_set_fd(ssl, fd) == 1 &&
		    SSL_accept(ssl) == 1) {
			if (SSL_read_ex(ssl, buf, sizeof(buf), &n) == 1)
				SSL_write_ex(ssl, reply, sizeof(reply) - 1, &n);
			SSL_shutdown(ssl);
		}
		ERR_clear_error();
		SSL_free(ssl);
		close(fd);
	}
}

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int i, lfd, on = 1, nproc = argc > 4 ? atoi(argv[4]) : 1;
	pid_t kids[64];
	SSL_CTX *ctx;

	if (argc < 4 || nproc < 1 || nproc > 64) {
		fprintf(stderr, "usage: %s PORT CERT KEY [NPROC]\n", argv[0]);
		return 2;
	}
	if (RAND_bytes(tk_name, sizeof(tk_name)) != 1 ||
	    RAND_bytes(tk_aes, sizeof(tk_aes)) != 1 ||
	    RAND_bytes(tk_hmac, sizeof(tk_hmac)) != 1 ||
	    (ctx = ctx_new(argv[2], argv[3])) == NULL) {
		ERR_print_errors_fp(stderr);
		return 1;
	}
	sa.sin_port = htons((unsigned short)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(lfd, 1024) != 0) {
		perror("listen");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < nproc; i++)
		if ((kids[i] = fork()) == 0) {
			signal(SIGTERM, SIG_DFL);
			serve(ctx, lfd);
		}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	while (!stop)
		pause();
	for (i = 0; i < nproc; i++)
		kill(kids[i], SIGTERM);
	while (wait(NULL) > 0)
		;
	return 0;
}
