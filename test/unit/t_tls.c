/* t_tls.c: the TLS layer (tls/): domains built from tls_cfg, verification
 * as the guide's 1.5.4 says, SNI, client domain selection, the server
 * identity check, methods, ticket resumption (also across fork), the key
 * log and start-up errors.
 *
 * Certificates are made at test time with the openssl command into a
 * temporary directory (removed at exit); no key is committed.  Handshakes
 * run in memory over non-blocking socketpair()s, driving both ends. */
#include <stdio.h>

#include "unit.h"

#ifdef USE_TLS
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../cfg/cfg_tls.h"
#include "../../base/err.h"
#include "../../cfg/core_cfg.h"
#include "../../base/log.h"
#include "../../mem/pkg.h"
#include "../../net/net_addr.h"
#include "../../tls/tls_domain.h"
#include "../../cmds/tls_cmds.h"
#include "../../tls/tls.h"
#include "../../tls/tls_transport.h"
#include "../../tls/tls_server.h"
#include "../../parser/msg_parser.h"
#include "../../script/pv.h"
#include "../../script/sr_module.h"

static char dir[256];

/* The test PKI.  gen NAME CA ALG CN SAN DAYS */
static const char pki_script[] =
    "set -e\n"
    "exec >gen.log 2>&1\n"
    "ca() { openssl req -x509 -newkey $2 $4 -nodes -keyout $1.key "
    "-out $1.pem -days 30 -subj \"/CN=$3\" "
    "-addext basicConstraints=critical,CA:TRUE "
    "-addext keyUsage=critical,keyCertSign,cRLSign; }\n"
    "gen() {\n"
    "  if [ $3 = ec ]; then openssl genpkey -algorithm EC "
    "-pkeyopt ec_paramgen_curve:P-256 -out $1.key;\n"
    "  else openssl genpkey -algorithm RSA "
    "-pkeyopt rsa_keygen_bits:2048 -out $1.key; fi\n"
    "  openssl req -new -key $1.key -subj \"/CN=$4\" -out $1.csr\n"
    "  printf 'basicConstraints=CA:FALSE\\n' > $1.ext\n"
    "  [ -n \"$5\" ] && printf 'subjectAltName=%s\\n' \"$5\" >> $1.ext\n"
    "  openssl x509 -req -in $1.csr -CA $2.pem -CAkey $2.key "
    "-CAcreateserial -days $6 -extfile $1.ext -out $1.pem\n"
    "  chmod 600 $1.key\n"
    "}\n"
    "ca ca rsa:2048 'Test CA'\n"
    "ca ca2 ec 'Other CA' '-pkeyopt ec_paramgen_curve:P-256'\n"
    "gen srv ca rsa server.test 'DNS:server.test,IP:127.0.0.1' 30\n"
    "gen srvec ca ec ec.test 'DNS:ec.test' 30\n"
    "gen aaa ca ec aaa.test 'DNS:aaa.test' 30\n"
    "gen bbb ca ec bbb.test 'DNS:bbb.test' 30\n"
    "gen wild ca ec wild.test 'DNS:*.wild.test' 30\n"
    "gen uri ca ec uri.test 'URI:sip:uri.test' 30\n"
    "gen cn ca ec cn.test '' 30\n"
    "gen cli ca ec client.test 'DNS:client.test' 30\n"
    "gen cli2 ca2 ec client2.test 'DNS:client2.test' 30\n"
    "gen cliexp ca ec expired.test 'DNS:expired.test' -1\n"
    "openssl pkey -in cli.key -aes256 -passout pass:secret -out enc.key\n"
    "cp cli.key world.key; chmod 644 world.key\n"
    "cat srv.pem srv.key > cert.pem; chmod 600 cert.pem\n"
    "echo 'not a certificate' > bad.pem\n"
    "mkdir cadir\n";

static void
rm_dir(void)
{
	char cmd[300];

	if (dir[0] != '\0' && getenv("T_TLS_KEEP") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			printf("could not remove %s\n", dir);
	}
}

static int
pki(void)
{
	char cmd[sizeof(pki_script) + 300];
	const char *tmp = getenv("TMPDIR");

	if (dir[0] != '\0')
		return 0;
	/* the proxy ignores SIGPIPE; a close_notify to a gone peer here too */
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "%s/t_tls.XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		dir[0] = '\0';
		return 1;
	}
	atexit(rm_dir);
	snprintf(cmd, sizeof(cmd), "cd '%s' && sh ./gen.sh", dir);
	{
		char p[300];
		FILE *f;

		snprintf(p, sizeof(p), "%s/gen.sh", dir);
		if ((f = fopen(p, "w")) == NULL)
			return 1;
		fputs(pki_script, f);
		fclose(f);
	}
	if (system(cmd) != 0) {
		printf("certificate generation failed, see %s/gen.log\n", dir);
		return 1;
	}
	return 0;
}

/* dir/name in a static ring of buffers */
static const char *
path(const char *name)
{
	static char bufs[16][320];
	static int i;
	char *b = bufs[i++ % 16];

	snprintf(b, sizeof(bufs[0]), "%s/%s", dir, name);
	return b;
}

/* ---------------------------------------------------- config helpers */

static int
gset(const char *name, const char *s)
{
	struct cfg_val v = { .type = CV_STR, .s = s, .len = strlen(s) };
	char *err = NULL;
	int rc = tls_cfg_global_set(name, &v, &err);

	if (rc != 0)
		printf("%s: %s\n", name, err ? err : "?");
	pkg_free(err);
	return rc;
}

static int
gseti(const char *name, long n)
{
	char t[32];
	struct cfg_val v = { .type = CV_NUM, .n = n, .s = t };
	char *err = NULL;
	int rc;

	v.len = (size_t)snprintf(t, sizeof(t), "%ld", n);
	rc = tls_cfg_global_set(name, &v, &err);
	if (rc != 0)
		printf("%s: %s\n", name, err ? err : "?");
	pkg_free(err);
	return rc;
}

/* Open a domain: addr "ip:port" (socket) or "\"name\"" style name when
 * is_name.  Settings follow as NULL-terminated name/value pairs; values
 * starting with '#' are numbers. */
static int
dom(enum tls_domain_type type, const char *addr, int is_name, ...)
{
	struct cfg_val v = { .type = is_name ? CV_STR : CV_ID, .s = addr,
		.len = strlen(addr) };
	char *err = NULL, t[32];
	const char *n, *s;
	va_list ap;
	int rc;

	v.pos.file = "t_tls.cfg";
	v.pos.line = 42;
	if ((rc = tls_cfg_domain_open(type, &v, &err)) != 0)
		goto out;
	va_start(ap, is_name);
	while (rc == 0 && (n = va_arg(ap, const char *)) != NULL) {
		s = va_arg(ap, const char *);
		if (s[0] == '#') {
			v.type = CV_NUM;
			v.n = atol(s + 1);
			v.len = (size_t)snprintf(t, sizeof(t), "%ld", v.n);
			v.s = t;
		} else {
			v.type = CV_STR;
			v.s = s;
			v.len = strlen(s);
		}
		rc = tls_cfg_domain_set(n, &v, &err);
	}
	va_end(ap);
	if (rc == 0)
		rc = tls_cfg_domain_close(&err);
out:
	if (rc != 0)
		printf("domain %s: %s\n", addr, err ? err : "?");
	pkg_free(err);
	return rc;
}

#define SRV(addr, ...) dom(TLS_DOMAIN_SRV, (addr), false, __VA_ARGS__, NULL)
#define CLI(addr, ...) dom(TLS_DOMAIN_CLI, (addr), false, __VA_ARGS__, NULL)
#define CLIN(name, ...) dom(TLS_DOMAIN_CLI, (name), true, __VA_ARGS__, NULL)

/* Globals every test starts from: the RSA server certificate, the CA. */
static int
base(void)
{
	if (pki() != 0)
		return 1;
	tls_cfg_reset();
	cfg_tls_compiled = tls_compiled();
	return gset("tls_certificate", path("srv.pem")) ||
	    gset("tls_private_key", path("srv.key")) ||
	    gset("tls_ca_list", path("ca.pem"));
}

static void
done(void)
{
	destroy_tls();
	tls_cfg_reset();
}

/* --------------------------------------------------- handshake helpers */

static int
nb_pair(int fds[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
		return -1;
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	return 0;
}

static bool
want(int rc)
{
	return rc == TLS_WANT_READ || rc == TLS_WANT_WRITE;
}

/* Drive both ends until both are done or one failed (the other then
 * gets a few more turns to see the alert). */
static void
drive(struct tls_conn *s, struct tls_conn *c, int *src, int *crc)
{
	int i, after_fail = -1;

	*src = *crc = TLS_WANT_READ;
	for (i = 0; i < 200; i++) {
		if (want(*src))
			*src = tls_conn_handshake(s);
		if (want(*crc))
			*crc = tls_conn_handshake(c);
		if (!want(*src) && !want(*crc))
			break;
		if ((*src < 0 && !want(*src)) || (*crc < 0 && !want(*crc))) {
			if (after_fail < 0)
				after_fail = i;
			else if (i - after_fail > 5)
				break;
		}
	}
}

/* Exchange a little data both ways; 0 if it worked. */
static int
ping(struct tls_conn *s, struct tls_conn *c)
{
	char buf[16];
	ssize_t n;
	int i;

	if (tls_conn_write(c, "ping", 4) != 4)
		return 1;
	for (i = 0; i < 50; i++) {
		n = tls_conn_read(s, buf, sizeof(buf));
		if (n == 4 && memcmp(buf, "ping", 4) == 0)
			break;
		if (!want((int)n))
			return 1;
	}
	if (tls_conn_write(s, "pong", 4) != 4)
		return 1;
	for (i = 0; i < 50; i++) {
		n = tls_conn_read(c, buf, sizeof(buf));
		if (n == 4 && memcmp(buf, "pong", 4) == 0)
			return 0;
		if (!want((int)n))
			return 1;
	}
	return 1;
}

struct hs {
	struct tls_conn *s, *c;
	int fds[2];
	int src, crc;
};

static struct ip_addr
ip4(const char *s)
{
	struct ip_addr ip;

	memset(&ip, 0, sizeof(ip));
	ip_addr_parse(s, strlen(s), &ip);
	return ip;
}

/* Handshake between the server socket 127.0.0.1:port and client domain
 * d (NULL: the default client domain). */
static int
hs_run(struct hs *h, unsigned short port, struct tls_domain *d,
    const char *sni, const char *vhost)
{
	struct ip_addr lo = ip4("127.0.0.1");

	memset(h, 0, sizeof(*h));
	if (nb_pair(h->fds) != 0)
		return 1;
	if (tls_conn_new_server(&h->s, h->fds[0], &lo, port) != 0 ||
	    tls_conn_new_client(&h->c, h->fds[1],
		d ? d : tls_default_client_domain, sni, vhost) != 0)
		return 1;
	drive(h->s, h->c, &h->src, &h->crc);
	return 0;
}

static void
hs_free(struct hs *h)
{
	tls_conn_free(h->s);
	tls_conn_free(h->c);
	close(h->fds[0]);
	close(h->fds[1]);
}

/* Did the connection come up (both handshakes done and data flows)? */
static bool
hs_ok(struct hs *h)
{
	return h->src == 0 && h->crc == 0 && ping(h->s, h->c) == 0;
}

static struct tls_domain *
cname(const char *n)
{
	return tls_find_client_domain_name(str_from(n));
}

/* ---------------------------------------------------------------- tests */

static int
t_defaults(void)
{
	CHECK(pki() == 0);
	tls_cfg_reset();
	core_cfg.cfg_dir = dir;     /* cert.pem there holds cert and key */
	CHECK_INT(0, init_tls());
	core_cfg.cfg_dir = NULL;
	CHECK(tls_default_server_domain != NULL);
	CHECK(strcmp(tls_default_server_domain->certificate,
		  path("cert.pem")) == 0);
	CHECK(strcmp(tls_default_server_domain->private_key,
		  path("cert.pem")) == 0);
	CHECK(tls_default_server_domain->ca_list == NULL);
	CHECK_INT(1, tls_default_server_domain->verify_client);
	CHECK_INT(1, tls_default_server_domain->require_client_certificate);
	CHECK_INT(1, tls_default_client_domain->verify_server);
	CHECK(strcmp(tls_default_server_domain->method_str, "SSLv23") == 0);
	CHECK(strcmp(tls_default_server_domain->desc,
		  "default server domain") == 0);
	done();
	return 0;
}

/* The guide, 1.5.4: verify_client x require_client_certificate x what
 * the client presents. */
static int
t_verify_client(void)
{
	/* clang-format off */
	static const struct {
		int vc, rq;
		bool ok[4];   /* none, trusted, other CA, expired */
	} rows[] = {
		{ 0, 0, { true, true,  true,  true  } },
		{ 0, 1, { true, true,  true,  true  } },
		{ 1, 0, { true, true,  false, false } },
		{ 1, 1, { false, true, false, false } },
	};
	static const char *const clients[] = { "none", "trusted", "other",
		"expired" };
	/* clang-format on */
	char vc[4], rq[4];
	struct hs h;
	size_t r, k;

	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		CHECK(base() == 0);
		snprintf(vc, sizeof(vc), "#%d", rows[r].vc);
		snprintf(rq, sizeof(rq), "#%d", rows[r].rq);
		CHECK(SRV("127.0.0.1:5061", "tls_verify_client", vc,
			  "tls_require_client_certificate", rq) == 0);
		CHECK(gseti("tls_verify_server", 0) == 0);
		CHECK(CLIN("none", "tls_certificate", "") == 0);
		CHECK(CLIN("trusted", "tls_certificate", path("cli.pem"),
			  "tls_private_key", path("cli.key")) == 0);
		CHECK(CLIN("other", "tls_certificate", path("cli2.pem"),
			  "tls_private_key", path("cli2.key")) == 0);
		CHECK(CLIN("expired", "tls_certificate", path("cliexp.pem"),
			  "tls_private_key", path("cliexp.key")) == 0);
		CHECK_INT(0, init_tls());
		for (k = 0; k < 4; k++) {
			CHECK(hs_run(&h, 5061, cname(clients[k]), NULL,
				  NULL) == 0);
			if (hs_ok(&h) != rows[r].ok[k]) {
				printf("verify_client=%d require=%d client %s:"
				       " expected %s, server: %s\n",
				    rows[r].vc, rows[r].rq, clients[k],
				    rows[r].ok[k] ? "accept" : "refuse",
				    tls_conn_error(h.s));
				hs_free(&h);
				done();
				return 1;
			}
			if (rows[r].ok[k] && k == 1 && rows[r].vc)
				CHECK(tls_conn_peer_verified(h.s));
			if (rows[r].ok[k] && k == 1 && rows[r].vc) {
				CHECK(strcmp(tls_conn_peer_cn(h.s),
					  "client.test") == 0);
				CHECK(strstr(tls_conn_peer_issuer(h.s),
					  "Test CA") != NULL);
				CHECK(tls_conn_peer_serial(h.s) != NULL);
				CHECK(tls_conn_peer_not_after(h.s) != NULL);
			}
			if (!rows[r].vc)
				CHECK(!tls_conn_peer_verified(h.s));
			hs_free(&h);
		}
		done();
	}
	return 0;
}

static int
t_sni(void)
{
	/* clang-format off */
	static const struct {
		const char *sni, *cn, *dom_has;
		bool by_sni;
	} rows[] = {
		{ "aaa.test", "aaa.test",    "aaa.test", true },
		{ "BBB.test", "bbb.test",    "bbb.test", true },
		{ "zzz.test", "server.test", "5061]",    false },
		{ NULL,       "server.test", "5061]",    false },
	};
	/* clang-format on */
	struct hs h;
	size_t r;

	CHECK(base() == 0);
	CHECK(gseti("tls_verify_client", 0) == 0);
	CHECK(gseti("tls_verify_server", 0) == 0);
	CHECK(gset("tls_certificate", path("srvec.pem")) == 0);
	CHECK(gset("tls_private_key", path("srvec.key")) == 0);
	CHECK(SRV("127.0.0.1:5061", "tls_certificate", path("srv.pem"),
		  "tls_private_key", path("srv.key")) == 0);
	CHECK(SRV("127.0.0.1:5061", "server_name", "aaa.test",
		  "tls_certificate", path("aaa.pem"), "tls_private_key",
		  path("aaa.key")) == 0);
	CHECK(SRV("127.0.0.1:5061", "server_name", "bbb.test",
		  "tls_certificate", path("bbb.pem"), "tls_private_key",
		  path("bbb.key"), "tls_verify_client", "#1") == 0);
	CHECK(CLIN("none", "tls_certificate", "") == 0);
	CHECK_INT(0, init_tls());
	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		CHECK(hs_run(&h, 5061, cname("none"), rows[r].sni, NULL) == 0);
		/* bbb.test requires a client certificate: refused */
		if (rows[r].sni && strcmp(rows[r].sni, "BBB.test") == 0) {
			CHECK(!hs_ok(&h));
			CHECK(strstr(tls_conn_domain_desc(h.s), "bbb.test"));
			hs_free(&h);
			continue;
		}
		CHECK(hs_ok(&h));
		CHECK(strcmp(tls_conn_peer_cn(h.c), rows[r].cn) == 0);
		CHECK(strstr(tls_conn_domain_desc(h.s), rows[r].dom_has));
		CHECK_INT(rows[r].by_sni, tls_conn_domain_by_sni(h.s));
		if (rows[r].sni != NULL)
			CHECK(strcmp(tls_conn_server_name(h.s),
				  rows[r].sni) == 0);
		else
			CHECK(tls_conn_server_name(h.s) == NULL);
		hs_free(&h);
	}
	/* another socket without a domain: the default (ECDSA) one */
	CHECK(hs_run(&h, 5062, NULL, "aaa.test", NULL) == 0);
	CHECK(hs_ok(&h));
	CHECK(strcmp(tls_conn_peer_cn(h.c), "ec.test") == 0);
	CHECK(strcmp(tls_conn_domain_desc(h.s), "default server domain") == 0);
	hs_free(&h);
	done();
	return 0;
}

static int
t_sni_needs_socket_domain(void)
{
	CHECK(base() == 0);
	CHECK(SRV("127.0.0.1:5063", "server_name", "aaa.test") == 0);
	CHECK(init_tls() != 0);
	CHECK(strstr(tls_init_error(), "tls_server_domain[127.0.0.1:5063]"));
	CHECK(strstr(tls_init_error(), "t_tls.cfg:42"));
	CHECK(strstr(tls_init_error(), "socket based"));
	done();
	return 0;
}

static int
t_client_select(void)
{
	struct ip_addr gw = ip4("10.0.0.1"), other = ip4("10.0.0.2");
	struct str atl = STR_LIT("atlanta.com"), unk = STR_LIT("nope.com");
	struct str empty = STR_NULL;
	struct tls_domain *d;

	CHECK(base() == 0);
	CHECK(CLIN("atlanta.com", "tls_verify_server", "#0") == 0);
	CHECK(CLI("10.0.0.1:6677", "tls_method", "TLSv1.3") == 0);
	CHECK_INT(0, init_tls());
	d = tls_select_client_domain(&atl, &gw, 6677);
	CHECK(d != NULL && d->name && strcmp(d->name, "atlanta.com") == 0);
	CHECK_INT(0, d->verify_server);
	d = tls_select_client_domain(&unk, &gw, 6677);
	CHECK(strcmp(d->desc, "tls_client_domain[10.0.0.1:6677]") == 0);
	d = tls_select_client_domain(&empty, &gw, 6677);
	CHECK(strcmp(d->desc, "tls_client_domain[10.0.0.1:6677]") == 0);
	CHECK(tls_select_client_domain(NULL, &gw, 6678) ==
	    tls_default_client_domain);
	CHECK(tls_select_client_domain(&unk, &other, 6677) ==
	    tls_default_client_domain);
	CHECK(tls_find_client_domain(&other, 6677) == NULL);
	CHECK(tls_find_server_domain(&gw, 5061) == tls_default_server_domain);
	done();
	return 0;
}

static int
t_verify_server(void)
{
	/* clang-format off */
	static const struct {
		unsigned short port;  /* 5061 srv, 5062 wild, 5063 uri, 5064 cn */
		const char *client, *host;
		bool ok;
	} rows[] = {
		{ 5061, "trust",    "server.test",   true },
		{ 5061, "trust",    "SERVER.test",   true },
		{ 5061, "trust",    "127.0.0.1",     true },
		{ 5061, "trust",    "wrong.test",    false },
		{ 5061, "trust",    "127.0.0.2",     false },
		{ 5061, "trust",    NULL,            true },
		{ 5061, "untrust",  "server.test",   false },
		{ 5061, "noident",  "wrong.test",    true },
		{ 5061, "noverify", "wrong.test",    true },
		{ 5062, "trust",    "a.wild.test",   true },
		{ 5062, "trust",    "b.a.wild.test", false },
		{ 5062, "trust",    "wild.test",     false },
		{ 5063, "trust",    "uri.test",      true },
		{ 5063, "trust",    "URI.TEST",      true },
		{ 5063, "trust",    "other.test",    false },
		{ 5064, "trust",    "cn.test",       true },
		{ 5064, "trust",    "other.test",    false },
	};
	/* clang-format on */
	struct hs h;
	size_t r;

	CHECK(base() == 0);
	CHECK(gseti("tls_verify_client", 0) == 0);
	CHECK(SRV("127.0.0.1:5061", "tls_verify_client", "#0") == 0);
	CHECK(SRV("127.0.0.1:5062", "tls_certificate", path("wild.pem"),
		  "tls_private_key", path("wild.key")) == 0);
	CHECK(SRV("127.0.0.1:5063", "tls_certificate", path("uri.pem"),
		  "tls_private_key", path("uri.key")) == 0);
	CHECK(SRV("127.0.0.1:5064", "tls_certificate", path("cn.pem"),
		  "tls_private_key", path("cn.key")) == 0);
	CHECK(CLIN("trust", "tls_certificate", "") == 0);
	CHECK(CLIN("untrust", "tls_certificate", "", "tls_ca_list",
		  path("ca2.pem")) == 0);
	CHECK(CLIN("noident", "tls_certificate", "",
		  "tls_check_server_identity", "#0") == 0);
	CHECK(CLIN("noverify", "tls_certificate", "", "tls_ca_list",
		  path("ca2.pem"), "tls_verify_server", "#0") == 0);
	CHECK_INT(0, init_tls());
	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		CHECK(hs_run(&h, rows[r].port, cname(rows[r].client), NULL,
			  rows[r].host) == 0);
		if (hs_ok(&h) != rows[r].ok) {
			printf("row %zu %s -> %s: expected %s; client: %s\n", r,
			    rows[r].client, rows[r].host ? rows[r].host : "-",
			    rows[r].ok ? "accept" : "refuse",
			    tls_conn_error(h.c));
			hs_free(&h);
			done();
			return 1;
		}
		if (!rows[r].ok)
			CHECK(h.crc == E_TLS);
		if (!rows[r].ok && strcmp(rows[r].client, "trust") == 0)
			CHECK(strstr(tls_conn_error(h.c), "ostname mismatch"));
		hs_free(&h);
	}
	done();
	return 0;
}

static int
t_method(void)
{
	/* clang-format off */
	static const struct {
		unsigned short port;  /* 5061 default, 5062 TLSv1.2, 5063 TLSv1.3+ */
		const char *client;
		const char *version;  /* NULL: refused */
	} rows[] = {
		{ 5061, NULL,      "TLSv1.3" },
		{ 5061, "tls10",   NULL },
		{ 5061, "tls11",   NULL },
		{ 5061, "tls12",   "TLSv1.2" },
		{ 5062, NULL,      "TLSv1.2" },
		{ 5062, "tls13",   NULL },
		{ 5063, "tls12",   NULL },
		{ 5063, "tls12up", "TLSv1.3" },
	};
	/* clang-format on */
	struct hs h;
	size_t r;

	CHECK(base() == 0);
	CHECK(gseti("tls_verify_client", 0) == 0);
	CHECK(gseti("tls_verify_server", 0) == 0);
	CHECK(SRV("127.0.0.1:5062", "tls_method", "tlsv1.2") == 0);
	CHECK(SRV("127.0.0.1:5063", "tls_method", "TLSv1.3+") == 0);
	CHECK(CLIN("tls10", "tls_method", "TLSv1") == 0);
	CHECK(CLIN("tls11", "tls_method", "TLSv1.1") == 0);
	CHECK(CLIN("tls12", "tls_method", "TLSv1.2") == 0);
	CHECK(CLIN("tls13", "tls_method", "TLSv1.3") == 0);
	CHECK(CLIN("tls12up", "tls_method", "TLSv1.2+") == 0);
	CHECK_INT(0, init_tls());
	CHECK_INT(0x0303 /* TLS1_2_VERSION */, tls_default_server_domain->method_min);
	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		CHECK(hs_run(&h, rows[r].port,
			  rows[r].client ? cname(rows[r].client) : NULL, NULL,
			  NULL) == 0);
		if (hs_ok(&h) != (rows[r].version != NULL)) {
			printf("row %zu: expected %s; server: %s client: %s\n",
			    r, rows[r].version ? rows[r].version : "refused",
			    tls_conn_error(h.s), tls_conn_error(h.c));
			hs_free(&h);
			done();
			return 1;
		}
		if (rows[r].version != NULL)
			CHECK(strcmp(tls_conn_version(h.s),
				  rows[r].version) == 0);
		hs_free(&h);
	}
	done();
	return 0;
}

/* Read on the client until the server's data arrived (TLS 1.3 tickets
 * come with it), then keep the session. */
static struct tls_session *
first_conn_session(void)
{
	struct tls_session *sess;
	struct hs h;

	if (hs_run(&h, 5061, NULL, NULL, NULL) != 0 || !hs_ok(&h)) {
		hs_free(&h);
		return NULL;
	}
	if (tls_conn_resumed(h.s)) {
		hs_free(&h);
		return NULL;
	}
	sess = tls_conn_session_get(h.c);
	hs_free(&h);
	return sess;
}

static int
resume_case(const char *method)
{
	struct ip_addr lo = ip4("127.0.0.1");
	struct tls_session *sess;
	struct tls_conn *s, *c;
	struct hs h;
	int fds[2], st, rc, i;
	pid_t pid;

	CHECK(base() == 0);
	CHECK(gseti("tls_verify_client", 0) == 0);
	CHECK(gseti("tls_verify_server", 0) == 0);
	CHECK(gset("tls_method", method) == 0);
	CHECK_INT(0, init_tls());
	CHECK((sess = first_conn_session()) != NULL);

	/* same process, new SSL objects from the same contexts */
	CHECK(nb_pair(h.fds) == 0);
	CHECK(tls_conn_new_server(&h.s, h.fds[0], &lo, 5061) == 0);
	CHECK(tls_conn_new_client(&h.c, h.fds[1], tls_default_client_domain,
		  NULL, NULL) == 0);
	CHECK(tls_conn_session_set(h.c, sess) == 0);
	drive(h.s, h.c, &h.src, &h.crc);
	CHECK(hs_ok(&h));
	CHECK(tls_conn_resumed(h.s));
	CHECK(tls_conn_resumed(h.c));
	hs_free(&h);

	/* the server end in a forked child: the ticket keys are shared */
	CHECK(nb_pair(fds) == 0);
	if ((pid = fork()) == 0) {
		struct pollfd p = { .fd = fds[0] };

		close(fds[1]);
		if (tls_conn_new_server(&s, fds[0], &lo, 5061) != 0)
			_exit(2);
		for (i = 0; i < 200; i++) {
			rc = tls_conn_handshake(s);
			if (!want(rc))
				break;
			p.events = rc == TLS_WANT_READ ? POLLIN : POLLOUT;
			poll(&p, 1, 1000);
		}
		_exit(rc == 0 && tls_conn_resumed(s) ? 0 : 1);
	}
	close(fds[0]);
	CHECK(tls_conn_new_client(&c, fds[1], tls_default_client_domain,
		  NULL, NULL) == 0);
	CHECK(tls_conn_session_set(c, sess) == 0);
	for (i = 0; i < 200; i++) {
		struct pollfd p = { .fd = fds[1] };

		rc = tls_conn_handshake(c);
		if (!want(rc))
			break;
		p.events = rc == TLS_WANT_READ ? POLLIN : POLLOUT;
		poll(&p, 1, 1000);
	}
	CHECK_INT(0, rc);
	CHECK(waitpid(pid, &st, 0) == pid);
	tls_conn_free(c);
	close(fds[1]);
	tls_session_free(sess);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	done();
	return 0;
}

static int
t_resume(void)
{
	return resume_case("TLSv1.3") || resume_case("TLSv1.2");
}

static int
t_keylog(void)
{
	char buf[4096];
	struct stat st;
	struct hs h;
	ssize_t n;
	int fd;

	CHECK(base() == 0);
	CHECK(gseti("tls_verify_client", 0) == 0);
	CHECK(gseti("tls_verify_server", 0) == 0);
	unlink(path("keys.log"));
	CHECK(gset("tls_keylog_file", path("keys.log")) == 0);
	CHECK_INT(0, init_tls());
	CHECK(hs_run(&h, 5061, NULL, NULL, NULL) == 0);
	CHECK(hs_ok(&h));
	hs_free(&h);
	done();
	CHECK(stat(path("keys.log"), &st) == 0);
	CHECK_INT(0600, st.st_mode & 0777);
	CHECK((fd = open(path("keys.log"), O_RDONLY)) >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	CHECK(n > 0);
	buf[n] = '\0';
	CHECK(strstr(buf, "CLIENT_HANDSHAKE_TRAFFIC_SECRET ") != NULL);
	CHECK(strstr(buf, "SERVER_TRAFFIC_SECRET_0 ") != NULL);
	return 0;
}

static int
t_startup_errors(void)
{
	/* clang-format off */
	static const struct {
		const char *param, *file, *domain, *reason;
	} rows[] = {
		{ "tls_private_key",  "nope.key", "default server domain",       "No such file" },
		{ "tls_private_key",  "enc.key",  "default server domain",       "is encrypted" },
		{ "tls_private_key",  "cli.key",  "default server domain",       "key type mismatch" },
		{ "tls_ca_list",      "bad.pem",  "default server domain",       "error:" },
		{ "tls_ca_list",      "cadir",    "default server domain",       "must be a file" },
		{ "tls_certificate",  "bad.pem",  "default server domain",       "error:" },
		{ "tls_crl",          "bad.pem",  "default server domain",       "no usable" },
		{ "tls_ciphers_list", NULL,       "tls_server_domain[127.0.0.1:5061]", "no cipher match" },
		{ "tls_private_key",  "cli.key",  "tls_server_domain[127.0.0.1:5061]", "key type mismatch" },
		{ "tls_certificate",  "aaa.pem",  "default server domain",       "key values mismatch" },
	};
	/* clang-format on */
	const char *e;
	size_t r;

	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		CHECK(base() == 0);
		if (rows[r].domain[0] == 'd') {
			CHECK(gset(rows[r].param, path(rows[r].file)) == 0);
			/* an EC certificate with another EC key */
			if (strcmp(rows[r].file, "aaa.pem") == 0)
				CHECK(gset("tls_private_key",
					  path("bbb.key")) == 0);
		} else if (rows[r].file == NULL) {
			CHECK(SRV("127.0.0.1:5061", rows[r].param,
				  "NOPE-CIPHER") == 0);
		} else {
			CHECK(SRV("127.0.0.1:5061", rows[r].param,
				  path(rows[r].file)) == 0);
		}
		CHECK(init_tls() != 0);
		e = tls_init_error();
		if (strstr(e, rows[r].domain) == NULL ||
		    strstr(e, rows[r].reason) == NULL ||
		    (rows[r].file && strstr(e, rows[r].file) == NULL)) {
			printf("row %zu: unexpected message: %s\n", r, e);
			done();
			return 1;
		}
		done();
	}
	return 0;
}

static int
t_world_readable_key(void)
{
	char buf[8192];
	int saved, fd, lvl = log_level;
	bool lse = log_stderr;
	ssize_t n;

	CHECK(base() == 0);
	CHECK(gset("tls_certificate", path("cli.pem")) == 0);
	CHECK(gset("tls_private_key", path("world.key")) == 0);
	fflush(stderr);
	saved = dup(2);
	fd = open(path("stderr.log"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	log_level = L_WARN;
	log_stderr = true;
	n = init_tls();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	log_level = lvl;
	log_stderr = lse;
	CHECK_INT(0, n);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	CHECK(n > 0);
	buf[n] = '\0';
	CHECK(strstr(buf, "world.key") != NULL);
	CHECK(strstr(buf, "readable by group or others") != NULL);
	CHECK(strstr(buf, "WARN") != NULL);
	done();
	return 0;
}

/* Read/write after the handshake, close_notify seen as 0, pending. */
static int
t_io(void)
{
	char big[20000], buf[20000];
	size_t got = 0, sent = 0;
	struct hs h;
	ssize_t n;
	int i;

	CHECK(base() == 0);
	CHECK(gseti("tls_verify_client", 0) == 0);
	CHECK(gseti("tls_verify_server", 0) == 0);
	CHECK_INT(0, init_tls());
	memset(big, 'x', sizeof(big));
	CHECK(nb_pair(h.fds) == 0);
	{
		struct ip_addr lo = ip4("127.0.0.1");

		CHECK(tls_conn_new_server(&h.s, h.fds[0], &lo, 5061) == 0);
	}
	CHECK(tls_conn_new_client(&h.c, h.fds[1], tls_default_client_domain,
		  NULL, NULL) == 0);
	/* no explicit handshake: read and write drive it */
	for (i = 0; i < 2000 && got < sizeof(big); i++) {
		if (sent < sizeof(big)) {
			n = tls_conn_write(h.c, big + sent, sizeof(big) - sent);
			if (n > 0)
				sent += (size_t)n;
			else
				CHECK(want((int)n));
		}
		n = tls_conn_read(h.s, buf + got, sizeof(buf) - got);
		if (n > 0)
			got += (size_t)n;
		else
			CHECK(want((int)n));
	}
	CHECK_INT(sizeof(big), got);
	CHECK(memcmp(big, buf, sizeof(big)) == 0);
	CHECK(strcmp(tls_conn_version(h.c), "TLSv1.3") == 0);
	CHECK(tls_conn_cipher(h.c) != NULL);
	CHECK(tls_conn_cipher_bits(h.c) >= 128);
	CHECK(tls_conn_my_subject(h.s) != NULL);
	CHECK(strstr(tls_conn_my_subject(h.s), "server.test") != NULL);
	CHECK(tls_conn_peer_subject(h.s) == NULL);
	tls_conn_free(h.c);    /* sends close_notify */
	h.c = NULL;
	for (i = 0; i < 10; i++)
		if ((n = tls_conn_read(h.s, buf, sizeof(buf))) != TLS_WANT_READ)
			break;
	CHECK_INT(0, n);
	tls_conn_free(h.s);
	close(h.fds[0]);
	close(h.fds[1]);
	done();
	return 0;
}

static struct tls_conn *pv_conn;

static struct tls_conn *
lookup_one(int id)
{
	return id == 7 ? pv_conn : NULL;
}

/* $tls_* and is_peer_verified() on a message from a verified client. */
static int
pv_text(struct sip_msg *msg, const char *name, char *out, size_t size)
{
	struct pv_spec *sp = NULL;
	struct pv_value v;
	char *err = NULL;
	size_t used;

	out[0] = '\0';
	if (pv_parse(name, strlen(name), &sp, &used, &err) != 0) {
		printf("%s: %s\n", name, err ? err : "?");
		pkg_free(err);
		return 1;
	}
	if (pv_get(msg, sp, &v) == 0 && !(v.flags & PV_NULL))
		snprintf(out, size, "%.*s", (int)v.s.len, v.s.s);
	else
		snprintf(out, size, "<null>");
	pv_spec_free(sp);
	return 0;
}

static int
t_pv(void)
{
	static bool registered;
	struct sip_msg msg;
	struct cmd_args noargs = { .n = 0 };
	char v[512];
	struct hs h;

	if (!registered) {
		CHECK_INT(0, pv_register(tls_pv_exports));
		registered = true;
	}
	CHECK(base() == 0);
	CHECK(gseti("tls_verify_server", 0) == 0);
	CHECK(CLIN("trusted", "tls_certificate", path("cli.pem"),
		  "tls_private_key", path("cli.key")) == 0);
	CHECK_INT(0, init_tls());
	CHECK(hs_run(&h, 5061, cname("trusted"), "server.test", NULL) == 0);
	CHECK(hs_ok(&h));
	memset(&msg, 0, sizeof(msg));
	msg.rcv.proto = PROTO_TLS;
	msg.rcv.conn_id = 7;
	/* no glue yet: <null> */
	CHECK(pv_text(&msg, "$tls_version", v, sizeof(v)) == 0);
	CHECK(strcmp(v, "<null>") == 0);
	tls_conn_lookup = lookup_one;
	pv_conn = h.s;
	CHECK(pv_text(&msg, "$tls_version", v, sizeof(v)) == 0);
	CHECK(strcmp(v, "TLSv1.3") == 0);
	CHECK(pv_text(&msg, "$tls_peer_subject_cn", v, sizeof(v)) == 0);
	CHECK(strcmp(v, "client.test") == 0);
	CHECK(pv_text(&msg, "$tls_peer_verified", v, sizeof(v)) == 0);
	CHECK(strcmp(v, "1") == 0);
	CHECK(pv_text(&msg, "$tls_peer_server_name", v, sizeof(v)) == 0);
	CHECK(strcmp(v, "server.test") == 0);
	CHECK(pv_text(&msg, "$tls_my_subject", v, sizeof(v)) == 0);
	CHECK(strstr(v, "CN=server.test") != NULL);
	CHECK(pv_text(&msg, "$tls_cipher_bits", v, sizeof(v)) == 0);
	CHECK(atoi(v) >= 128);
	CHECK(pv_text(&msg, "$tls_peer_notAfter", v, sizeof(v)) == 0);
	CHECK(strstr(v, "GMT") != NULL);
	CHECK(strcmp(tls_cmd_exports[0].name, "is_peer_verified") == 0);
	CHECK(tls_cmd_exports[0].fn(&msg, &noargs) > 0);
	msg.rcv.proto = PROTO_TCP;
	CHECK(tls_cmd_exports[0].fn(&msg, &noargs) < 0);
	CHECK(pv_text(&msg, "$tls_version", v, sizeof(v)) == 0);
	CHECK(strcmp(v, "<null>") == 0);
	tls_conn_lookup = NULL;
	hs_free(&h);
	done();
	return 0;
}

/* clang-format off */
static const struct unit_test tests[] = {
	{ "defaults",               t_defaults },
	{ "verify_client",          t_verify_client },
	{ "sni",                    t_sni },
	{ "sni_needs_socket_domain", t_sni_needs_socket_domain },
	{ "client_select",          t_client_select },
	{ "verify_server",          t_verify_server },
	{ "method",                 t_method },
	{ "resume",                 t_resume },
	{ "keylog",                 t_keylog },
	{ "startup_errors",         t_startup_errors },
	{ "world_readable_key",     t_world_readable_key },
	{ "io",                     t_io },
	{ "pv",                     t_pv },
	{ NULL, NULL },
};
/* clang-format on */

#else /* !USE_TLS */

/* A build without TLS=1 has no tls/ to test. */
static int
t_no_tls(void)
{
	return 0;
}

static const struct unit_test tests[] = {
	{ "no_tls_in_this_build", t_no_tls },
	{ NULL, NULL },
};

#endif

UNIT_MAIN(tests)
