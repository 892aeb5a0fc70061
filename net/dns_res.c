/* net/dns_res.c: lookups through the shared cache with c-ares (see
 * dns_res.h).  A process has one channel per server setting (the core's
 * and tm's), made on first use after fork. */
#define LOG_MODULE "dns"
#include <ares.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../base/err.h"
#include "../base/log.h"
#include "../base/timer.h"
#include "../cfg/core_cfg.h"
#include "dns_res.h"
#include "net_addr.h"

#define DNS_CLASS_IN 1
#define CHANS 2

struct chan {
	ares_channel ch;
	pid_t pid;
	char servers[256];
	unsigned timeout_ms;
};

static struct chan chans[CHANS];
static int pending; /* queries of the current batch not answered */

void
dns_res_core_cfg(struct dns_res_cfg *c)
{
	c->servers = core_cfg.dns_server;
	c->timeout_ms = (unsigned)core_cfg.dns_timeout;
}

/* ------------------------------------------------------------ wire */

/* Skip a (possibly compressed) name at *off.  0 or E_INVAL. */
static int
name_skip(const unsigned char *buf, size_t len, size_t *off)
{
	size_t o = *off;
	int labels = 0;

	while (o < len && labels++ < 128) {
		unsigned char c = buf[o];

		if (c == 0) {
			*off = o + 1;
			return 0;
		}
		if ((c & 0xC0) == 0xC0) {
			if (o + 2 > len)
				return E_INVAL;
			*off = o + 2;
			return 0;
		}
		if ((c & 0xC0) != 0)
			return E_INVAL;
		o += (size_t)c + 1;
	}
	return E_INVAL;
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

int
dns_wire_ttls(const unsigned char *buf, size_t len, unsigned *ans, long *neg)
{
	unsigned qd, an, ns, i;
	size_t off = 12;
	bool first = true;

	*ans = 0;
	*neg = -1;
	if (len < 12)
		return E_INVAL;
	qd = get16(buf + 4);
	an = get16(buf + 6);
	ns = get16(buf + 8);
	for (i = 0; i < qd; i++) {
		if (name_skip(buf, len, &off) != 0 || off + 4 > len)
			return E_INVAL;
		off += 4;
	}
	for (i = 0; i < an + ns; i++) {
		unsigned type, rdlen;
		uint32_t ttl;

		if (name_skip(buf, len, &off) != 0 || off + 10 > len)
			return E_INVAL;
		type = get16(buf + off);
		ttl = get32(buf + off + 4);
		if (ttl > 0x7fffffffu)
			ttl = 0; /* RFC 2181 section 8 */
		rdlen = get16(buf + off + 8);
		off += 10;
		if (off + rdlen > len)
			return E_INVAL;
		if (i < an) {
			if (first || ttl < *ans)
				*ans = ttl;
			first = false;
		} else if (type == 6 /* SOA */ && *neg < 0) {
			size_t r = off;

			if (name_skip(buf, off + rdlen, &r) != 0 ||
			    name_skip(buf, off + rdlen, &r) != 0 ||
			    r + 20 > off + rdlen)
				return E_INVAL;
			*neg = get32(buf + r + 16);
			if ((uint32_t)*neg > 0x7fffffffu || *neg > (long)ttl)
				*neg = (long)ttl;
		}
		off += rdlen;
	}
	return 0;
}

/* ------------------------------------------------------------ channel */

int
dns_server_check(const char *csv)
{
	ares_channel ch;
	int rc;

	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS ||
	    ares_init(&ch) != ARES_SUCCESS)
		return E_NOMEM;
	rc = ares_set_servers_ports_csv(ch, csv);
	ares_destroy(ch);
	return rc == ARES_SUCCESS ? 0 : E_INVAL;
}

static struct chan *
chan_get(const struct dns_res_cfg *cfg)
{
	static bool lib_done;
	const char *srv = cfg->servers != NULL ? cfg->servers : "";
	struct ares_options o;
	struct chan *c = NULL;
	int i, rc;

	for (i = 0; i < CHANS; i++) {
		if (chans[i].ch != NULL && chans[i].pid != getpid()) {
			ares_destroy(chans[i].ch); /* inherited */
			chans[i].ch = NULL;
		}
		if (chans[i].ch != NULL &&
		    chans[i].timeout_ms == cfg->timeout_ms &&
		    strcmp(chans[i].servers, srv) == 0)
			return &chans[i];
		if (chans[i].ch == NULL && c == NULL)
			c = &chans[i];
	}
	if (c == NULL || strlen(srv) >= sizeof(c->servers))
		return NULL;
	if (!lib_done) {
		if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
			return NULL;
		lib_done = true;
	}
	memset(&o, 0, sizeof(o));
	o.timeout = cfg->timeout_ms / 2 > 100 ? (int)cfg->timeout_ms / 2 : 100;
	o.tries = 2;
	rc = ares_init_options(&c->ch, &o, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
	if (rc != ARES_SUCCESS) {
		LM_ERR("c-ares: %s", ares_strerror(rc));
		c->ch = NULL;
		return NULL;
	}
	if (srv[0] != '\0' &&
	    (rc = ares_set_servers_ports_csv(c->ch, srv)) != ARES_SUCCESS) {
		LM_ERR("c-ares: dns_server %s: %s", srv, ares_strerror(rc));
		ares_destroy(c->ch);
		c->ch = NULL;
		return NULL;
	}
	memcpy(c->servers, srv, strlen(srv) + 1);
	c->timeout_ms = cfg->timeout_ms;
	c->pid = getpid();
	return c;
}

/* Drive the outstanding queries of ch until *left (which the callers'
 * callbacks count down) is 0 or the deadline passes (then they are
 * cancelled: their callbacks run with ARES_ECANCELLED).  0, E_TIMEOUT or
 * E_IO.  Shared by this resolver and tm's RFC 3263 one. */
int
dns_ares_wait(struct ares_channeldata *ch, const int *left, uint64_t deadline)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	struct pollfd pfd[ARES_GETSOCK_MAXNUM];
	struct timeval maxtv, tv, *tvp;
	uint64_t now;
	unsigned bits;
	int i, n, ms, rc;

	while (*left > 0) {
		if ((now = timer_now_ms()) >= deadline) {
			ares_cancel(ch);
			return E_TIMEOUT;
		}
		bits = (unsigned)ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
		for (i = n = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			short ev = 0;

			/* not ARES_GETSOCK_WRITABLE: it shifts a signed 1
			 * into the sign bit for the last socket */
			if (bits & (1u << i))
				ev |= POLLIN;
			if (bits & (1u << (i + ARES_GETSOCK_MAXNUM)))
				ev |= POLLOUT;
			if (ev != 0)
				pfd[n++] = (struct pollfd){ .fd = socks[i],
					.events = ev };
		}
		ms = (int)(deadline - now);
		maxtv.tv_sec = ms / 1000;
		maxtv.tv_usec = (ms % 1000) * 1000;
		tvp = ares_timeout(ch, &maxtv, &tv);
		ms = (int)(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);
		rc = poll(pfd, (nfds_t)n, ms);
		if (rc == -1 && errno != EINTR) {
			ares_cancel(ch);
			return E_IO;
		}
		if (rc <= 0) {
			/* c-ares's own per-try timeouts */
			ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
			continue;
		}
		for (i = 0; i < n; i++) {
			short re = pfd[i].revents;

			if (re == 0)
				continue;
			ares_process_fd(ch,
			    re & (POLLIN | POLLERR | POLLHUP) ? pfd[i].fd
			                                      : ARES_SOCKET_BAD,
			    re & POLLOUT ? pfd[i].fd : ARES_SOCKET_BAD);
		}
	}
	return 0;
}

/* ------------------------------------------------------------ answers */

static void
copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src != NULL ? src : "");
}

static int
parse_addrs(struct dns_q *q, const unsigned char *abuf, int alen)
{
	int i, n = DNS_RR_MAX;

	if (q->type == DNS_T_A) {
		struct ares_addrttl a[DNS_RR_MAX];

		if (ares_parse_a_reply(abuf, alen, NULL, a, &n) != ARES_SUCCESS)
			return 0;
		for (i = 0; i < n; i++) {
			q->rr[i].ip.af = AF_INET;
			q->rr[i].ip.len = 4;
			memcpy(q->rr[i].ip.u.b, &a[i].ipaddr, 4);
		}
	} else {
		struct ares_addr6ttl a[DNS_RR_MAX];

		if (ares_parse_aaaa_reply(abuf, alen, NULL, a, &n) !=
		    ARES_SUCCESS)
			return 0;
		for (i = 0; i < n; i++) {
			q->rr[i].ip.af = AF_INET6;
			q->rr[i].ip.len = 16;
			memcpy(q->rr[i].ip.u.b, &a[i].ip6addr, 16);
		}
	}
	return n;
}

static int
parse_srv(struct dns_q *q, const unsigned char *abuf, int alen)
{
	struct ares_srv_reply *rr = NULL, *r;
	int n = 0;

	if (ares_parse_srv_reply(abuf, alen, &rr) != ARES_SUCCESS)
		return 0;
	for (r = rr; r != NULL && n < DNS_RR_MAX; r = r->next) {
		if (r->host == NULL || strlen(r->host) >= DNS_NAME_LEN)
			continue;
		q->rr[n].prio = r->priority;
		q->rr[n].weight = r->weight;
		q->rr[n].port = r->port;
		copy_str(q->rr[n].name, DNS_NAME_LEN, r->host);
		n++;
	}
	ares_free_data(rr);
	return n;
}

static int
parse_naptr(struct dns_q *q, const unsigned char *abuf, int alen)
{
	struct ares_naptr_reply *rr = NULL, *r;
	int n = 0;

	if (ares_parse_naptr_reply(abuf, alen, &rr) != ARES_SUCCESS)
		return 0;
	for (r = rr; r != NULL && n < DNS_RR_MAX; r = r->next) {
		if (r->replacement == NULL ||
		    strlen(r->replacement) >= DNS_NAME_LEN)
			continue;
		q->rr[n].prio = r->order;
		q->rr[n].weight = r->preference;
		copy_str(q->rr[n].flags, sizeof(q->rr[n].flags),
		    (const char *)r->flags);
		copy_str(q->rr[n].service, sizeof(q->rr[n].service),
		    (const char *)r->service);
		copy_str(q->rr[n].name, DNS_NAME_LEN, r->replacement);
		n++;
	}
	ares_free_data(rr);
	return n;
}

static void
query_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct dns_q *q = arg;
	unsigned ttl = 0;
	long neg = -1;

	(void)timeouts;
	pending--;
	if (abuf == NULL || alen <= 0 ||
	    dns_wire_ttls(abuf, (size_t)alen, &ttl, &neg) != 0 ||
	    (status != ARES_SUCCESS && status != ARES_ENOTFOUND &&
	        status != ARES_ENODATA)) {
		/* no answer (timeout, SERVFAIL, refused): nothing cached */
		q->n = DNS_MISS;
		dns_cache_unclaim(q->type, q->name);
		return;
	}
	q->n = 0;
	if (status == ARES_SUCCESS) {
		if (q->type == DNS_T_A || q->type == DNS_T_AAAA)
			q->n = parse_addrs(q, abuf, alen);
		else if (q->type == DNS_T_SRV)
			q->n = parse_srv(q, abuf, alen);
		else
			q->n = parse_naptr(q, abuf, alen);
	}
	if (q->n == 0) /* NXDOMAIN or NODATA (RFC 2308) */
		ttl = neg >= 0 ? (unsigned)neg
		               : (unsigned)core_cfg.dns_cache_negative_ttl;
	dns_cache_put(q->type, q->name, q->rr, q->n, ttl);
}

int
dns_res_lookup(const struct dns_res_cfg *cfg, struct dns_q *q, int nq)
{
	return dns_res_lookup_until(cfg, q, nq,
	    timer_now_ms() + cfg->timeout_ms);
}

int
dns_res_lookup_until(const struct dns_res_cfg *cfg, struct dns_q *q, int nq,
    uint64_t deadline)
{
	struct chan *c = NULL;
	uint64_t now = timer_now_ms();
	unsigned claim_ms = deadline > now ? (unsigned)(deadline - now) : 1;
	int i, asked = 0, rc = 0;

	for (i = 0; i < nq; i++) {
		q[i].n = dns_cache_get(q[i].type, q[i].name, q[i].rr,
		    DNS_RR_MAX);
		if (q[i].n != DNS_MISS)
			continue;
		if (!dns_cache_claim(q[i].type, q[i].name, claim_ms)) {
			q[i].n = DNS_PENDING;
			continue;
		}
		if (c == NULL && (c = chan_get(cfg)) == NULL) {
			dns_cache_unclaim(q[i].type, q[i].name);
			rc = E_IO;
			continue;
		}
		pending++;
		asked++;
		ares_query(c->ch, q[i].name, DNS_CLASS_IN, q[i].type, query_cb,
		    &q[i]);
	}
	if (asked > 0) {
		int w = dns_ares_wait(c->ch, &pending, deadline);

		if (w != 0)
			rc = w;
		pending = 0;
	}
	return rc;
}

int
dns_res_lookup_wait(const struct dns_res_cfg *cfg, struct dns_q *q, int nq,
    uint64_t deadline, unsigned wait_ms)
{
	uint64_t until;
	int i, left, rc;

	rc = dns_res_lookup_until(cfg, q, nq, deadline);
	until = timer_now_ms() + wait_ms;
	if (until > deadline)
		until = deadline;
	for (;;) {
		for (i = left = 0; i < nq; i++) {
			if (q[i].n != DNS_PENDING)
				continue;
			q[i].n = dns_cache_get(q[i].type, q[i].name, q[i].rr,
			    DNS_RR_MAX);
			/* the other lookup ended with nothing cached (a TTL of
			 * 0, no answer): ask ourselves */
			if (q[i].n == DNS_MISS &&
			    dns_res_lookup_until(cfg, &q[i], 1, deadline) ==
			        E_TIMEOUT)
				rc = E_TIMEOUT;
			if (q[i].n == DNS_PENDING)
				left++;
		}
		if (left == 0 || timer_now_ms() >= until)
			break;
		{
			struct timespec ts = { .tv_nsec = 1000000 };

			nanosleep(&ts, NULL);
		}
	}
	return rc;
}

int
dns_res_hosts_file(const struct dns_res_cfg *cfg, const char *name,
    struct ip_addr *ip)
{
	static const int af[] = { AF_INET, AF_INET6 };
	struct chan *c;
	struct hostent *h;
	size_t i;

	/* an answer in the cache came from DNS: the file did not have the
	 * name (and is not read again on each call) */
	if (dns_cache_get(DNS_T_A, name, NULL, 0) != DNS_MISS ||
	    dns_cache_get(DNS_T_AAAA, name, NULL, 0) != DNS_MISS)
		return E_NOTFOUND;
	if ((c = chan_get(cfg)) == NULL)
		return E_NOTFOUND;
	for (i = 0; i < sizeof(af) / sizeof(af[0]); i++) {
		if (ares_gethostbyname_file(c->ch, name, af[i], &h) !=
		    ARES_SUCCESS)
			continue;
		if (h->h_addr_list != NULL && h->h_addr_list[0] != NULL) {
			ip->af = af[i];
			ip->len = af[i] == AF_INET ? 4 : 16;
			memcpy(ip->u.b, h->h_addr_list[0], ip->len);
			ares_free_hostent(h);
			return 0;
		}
		ares_free_hostent(h);
	}
	return E_NOTFOUND;
}

int
dns_res_host(const struct dns_res_cfg *cfg, const char *name,
    struct ip_addr *ip)
{
	static struct dns_q q[2];
	int rc, i;

	if (dns_res_hosts_file(cfg, name, ip) == 0)
		return 0;
	q[0].type = DNS_T_A;
	q[1].type = DNS_T_AAAA;
	q[0].name = q[1].name = name;
	rc = dns_res_lookup_wait(cfg, q, 2, timer_now_ms() + cfg->timeout_ms,
	    DNS_PENDING_WAIT_MS);
	for (i = 0; i < 2; i++)
		if (q[i].n > 0) {
			*ip = q[i].rr[0].ip;
			return 0;
		}
	if (q[0].n == DNS_PENDING || q[1].n == DNS_PENDING)
		return E_AGAIN;
	if (rc == E_TIMEOUT)
		return E_TIMEOUT;
	return E_NOTFOUND;
}
