/* t_dns.c: RFC 3263 "Locating SIP Servers" with c-ares.
 *
 * One resolution runs in the calling process (a receiver running the
 * script, or the timer process): the queries of one step go out together
 * on the process's c-ares channel and are driven here with poll() and
 * ares_process_fd() until they are answered or the resolution's single
 * deadline (dns_timeout ms, counted from the start) passes; then what is
 * still outstanding is cancelled.  So a slow or dead DNS server holds a
 * process for at most dns_timeout ms per resolution, never longer.  The
 * steps (§4.1-4.2):
 *
 *   NAPTR host             (no transport, no port, a name)
 *   SRV of each NAPTR replacement, or of _sips._tcp / _sip._tcp /
 *     _sip._udp.host when NAPTR gave nothing (only the SRV of the given
 *     transport when one was given)
 *   A/AAAA of every SRV target, or of host itself when SRV gave nothing
 *     (or a port was given)
 */
#define LOG_MODULE "tm"
#include <ares.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../../api/sr_api.h"
#include "t_dns.h"

#define DNS_CLASS_IN 1
#define DNS_TYPE_SRV 33
#define DNS_TYPE_NAPTR 35
#define NAME_LEN 256
#define SRV_NAMES 8        /* SRV names queried in one resolution */
#define HOPS 16            /* hosts (SRV targets) resolved */

char *tm_dns_server;
int tm_dns_timeout;      /* default: its row in tm_mod.c */

static ares_channel chan;
static pid_t chan_pid;
static int pending;         /* queries of the current step not answered */

/* A name to query for SRV, with the transport it stands for. */
struct srv_name {
	char name[NAME_LEN];
	enum proto proto;
	unsigned short order, pref;   /* of its NAPTR record */
};

/* A host:port to resolve, in try order; ai filled by the callback. */
struct hop {
	char name[NAME_LEN];
	unsigned short port;
	enum proto proto;
	struct ares_addrinfo *ai;
};

/* One SRV answer record, before ordering. */
struct srv_rec {
	char name[NAME_LEN];
	unsigned short port, prio, weight;
	bool taken;
};

/* The result slot of one SRV query. */
struct srv_ans {
	struct srv_rec rec[HOPS];
	int n;
};

static struct srv_name naptr_out[SRV_NAMES];
static int naptr_n;

/* ------------------------------------------------------------ channel */

/* Parse "addr[:port]" at s (len bytes).  0 or E_INVAL. */
static int
server_check_one(const char *s, size_t len)
{
	struct ip_addr ip;
	const char *end = s + len, *c;

	if (len > 0 && s[0] == '[') {
		if ((c = memchr(s, ']', len)) == NULL ||
		    ip_addr_parse(s + 1, (size_t)(c - s - 1), &ip) != 0)
			return E_INVAL;
		c++;
	} else if ((c = memchr(s, ':', len)) != NULL &&
	    memchr(c + 1, ':', (size_t)(end - c - 1)) == NULL) {
		if (ip_addr_parse(s, (size_t)(c - s), &ip) != 0)
			return E_INVAL;
	} else {
		return ip_addr_parse(s, len, &ip) == 0 ? 0 : E_INVAL;
	}
	if (c == end)
		return 0;
	if (*c != ':' || c + 1 == end || end - c > 6)
		return E_INVAL;
	for (c++; c < end; c++)
		if (*c < '0' || *c > '9')
			return E_INVAL;
	return 0;
}

int
tm_dns_server_check(const char *csv, char **err)
{
	static const char msg[] = "dns_server: expected address[:port], "
				  "comma-separated (e.g. 127.0.0.1:5353)";
	const char *s = csv, *c;

	do {
		c = strchr(s, ',');
		if (server_check_one(s, c ? (size_t)(c - s) : strlen(s)) != 0) {
			*err = pkg_strndup(msg, sizeof(msg) - 1);
			return E_INVAL;
		}
		s = c + 1;
	} while (c != NULL);
	return 0;
}

/* The channel of this process (made on first use after fork). */
static int
chan_get(void)
{
	static bool lib_done;
	struct ares_options o;
	int rc, mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;

	if (chan != NULL && chan_pid == getpid())
		return 0;
	if (chan != NULL)
		ares_destroy(chan);   /* inherited: our copies of its fds */
	chan = NULL;
	if (!lib_done) {
		if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
			return E_NOMEM;
		lib_done = true;
	}
	memset(&o, 0, sizeof(o));
	/* two tries fit in the bound; the deadline cuts the rest anyway */
	o.timeout = tm_dns_timeout / 2 > 100 ? tm_dns_timeout / 2 : 100;
	o.tries = 2;
	if ((rc = ares_init_options(&chan, &o, mask)) != ARES_SUCCESS) {
		LM_ERR("c-ares: %s", ares_strerror(rc));
		chan = NULL;
		return E_IO;
	}
	if (tm_dns_server != NULL &&
	    (rc = ares_set_servers_ports_csv(chan, tm_dns_server)) !=
		ARES_SUCCESS) {
		LM_ERR("c-ares: dns_server %s: %s", tm_dns_server,
		    ares_strerror(rc));
		ares_destroy(chan);
		chan = NULL;
		return E_INVAL;
	}
	chan_pid = getpid();
	return 0;
}

void
tm_dns_destroy(void)
{
	if (chan != NULL && chan_pid == getpid())
		ares_destroy(chan);
	chan = NULL;
}

/* Drive the outstanding queries of the step (the core's c-ares loop).
 * 0, E_TIMEOUT or E_IO. */
static int
dns_wait(uint64_t deadline)
{
	return dns_ares_wait(chan, &pending, deadline);
}

/* ------------------------------------------------------------ NAPTR */

static enum proto
naptr_proto(const char *service, bool sips)
{
	if (strcasecmp(service, "SIPS+D2T") == 0)
		return PROTO_TLS;
	if (sips)
		return PROTO_NONE;   /* sips: TLS only (RFC 3263 §4.1) */
	if (strcasecmp(service, "SIP+D2T") == 0)
		return PROTO_TCP;
	if (strcasecmp(service, "SIP+D2U") == 0)
		return PROTO_UDP;
	return PROTO_NONE;
}

static void
naptr_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct ares_naptr_reply *rr = NULL, *r;
	bool sips = arg != NULL;
	int i, j;

	(void)timeouts;
	pending--;
	if (status != ARES_SUCCESS ||
	    ares_parse_naptr_reply(abuf, alen, &rr) != ARES_SUCCESS)
		return;
	for (r = rr; r != NULL && naptr_n < SRV_NAMES; r = r->next) {
		struct srv_name *s = &naptr_out[naptr_n];
		enum proto p = naptr_proto((const char *)r->service, sips);

		/* only terminal "s" records that lead to SRV names */
		if (p == PROTO_NONE || !transport_available(p) ||
		    strcasecmp((const char *)r->flags, "s") != 0 ||
		    r->replacement == NULL || r->replacement[0] == '\0' ||
		    strlen(r->replacement) >= NAME_LEN)
			continue;
		memcpy(s->name, r->replacement, strlen(r->replacement) + 1);
		s->proto = p;
		s->order = r->order;
		s->pref = r->preference;
		/* insertion sort: order, then preference; stable */
		for (i = naptr_n; i > 0; i--) {
			struct srv_name *q = &naptr_out[i - 1];

			if (q->order < s->order || (q->order == s->order &&
			    q->pref <= s->pref))
				break;
		}
		if (i < naptr_n) {
			struct srv_name t = *s;

			for (j = naptr_n; j > i; j--)
				naptr_out[j] = naptr_out[j - 1];
			naptr_out[i] = t;
		}
		naptr_n++;
	}
	ares_free_data(rr);
}

/* ------------------------------------------------------------ SRV */

static void
srv_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct srv_ans *a = arg;
	struct ares_srv_reply *rr = NULL, *r;

	(void)timeouts;
	pending--;
	if (status != ARES_SUCCESS ||
	    ares_parse_srv_reply(abuf, alen, &rr) != ARES_SUCCESS)
		return;
	for (r = rr; r != NULL && a->n < HOPS; r = r->next) {
		struct srv_rec *s = &a->rec[a->n];

		/* "." : the service is decidedly not available (RFC 2782) */
		if (r->host == NULL || r->host[0] == '\0' ||
		    strcmp(r->host, ".") == 0 || strlen(r->host) >= NAME_LEN)
			continue;
		memcpy(s->name, r->host, strlen(r->host) + 1);
		s->port = r->port;
		s->prio = r->priority;
		s->weight = r->weight;
		s->taken = false;
		a->n++;
	}
	ares_free_data(rr);
}

/* RFC 2782 order: lowest priority first; within a priority, pick at
 * random with probability proportional to weight (zero weights only
 * when nothing else is left).  Appends to hops. */
static void
srv_order(struct srv_ans *a, enum proto proto, struct hop *hops, int *nh)
{
	int left = a->n, i, pass;

	while (left > 0 && *nh < HOPS) {
		unsigned prio = 65536, sum = 0, pick, run = 0;
		struct srv_rec *s = NULL;

		for (i = 0; i < a->n; i++)
			if (!a->rec[i].taken && a->rec[i].prio < prio)
				prio = a->rec[i].prio;
		for (i = 0; i < a->n; i++)
			if (!a->rec[i].taken && a->rec[i].prio == prio)
				sum += a->rec[i].weight;
		/* zero weights first, so that they are taken only when
		 * nothing else is left (pick >= 1 while sum > 0) */
		pick = sum > 0 ? (unsigned)random() % sum + 1 : 0;
		for (pass = 0; pass < 2 && s == NULL; pass++)
			for (i = 0; i < a->n && s == NULL; i++) {
				struct srv_rec *r = &a->rec[i];

				if (r->taken || r->prio != prio ||
				    (pass == 0) != (r->weight == 0))
					continue;
				run += r->weight;
				if (run >= pick)
					s = r;
			}
		s->taken = true;
		left--;
		memcpy(hops[*nh].name, s->name, sizeof(s->name));
		hops[*nh].port = s->port;
		hops[*nh].proto = proto;
		hops[*nh].ai = NULL;
		(*nh)++;
	}
}

/* SRV of every name (in parallel), ordered into hops.  0 or E_*. */
static int
srv_step(const struct srv_name *names, int nn, struct hop *hops, int *nh,
    uint64_t deadline)
{
	struct srv_ans *ans;
	int i, rc;

	if ((ans = pkg_zalloc(sizeof(*ans) * (size_t)nn)) == NULL)
		return E_NOMEM;
	for (i = 0; i < nn; i++) {
		pending++;
		ares_query(chan, names[i].name, DNS_CLASS_IN, DNS_TYPE_SRV,
		    srv_cb, &ans[i]);
	}
	rc = dns_wait(deadline);
	for (i = 0; i < nn; i++)
		srv_order(&ans[i], names[i].proto, hops, nh);
	pkg_free(ans);
	return rc;
}

/* ------------------------------------------------------------ A/AAAA */

static void
addr_cb(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
	struct hop *h = arg;

	(void)timeouts;
	pending--;
	if (status == ARES_SUCCESS)
		h->ai = res;
	else
		ares_freeaddrinfo(res);
}

static bool
target_known(const struct tm_targets *out, const struct tm_target *t)
{
	int i;

	for (i = 0; i < out->n; i++)
		if (out->t[i].proto == t->proto &&
		    su_len(&out->t[i].to) == su_len(&t->to) &&
		    memcmp(&out->t[i].to, &t->to, su_len(&t->to)) == 0)
			return true;
	return false;
}

/* A/AAAA of every hop (in parallel), appended to out in hop order. */
static int
addr_step(struct hop *hops, int nh, struct tm_targets *out,
    uint64_t deadline)
{
	struct ares_addrinfo_hints hints;
	struct ares_addrinfo_node *n;
	int i, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	for (i = 0; i < nh; i++) {
		pending++;
		ares_getaddrinfo(chan, hops[i].name, NULL, &hints, addr_cb,
		    &hops[i]);
	}
	rc = dns_wait(deadline);
	for (i = 0; i < nh; i++) {
		if (hops[i].ai == NULL)
			continue;
		for (n = hops[i].ai->nodes; n != NULL && out->n < TM_DNS_MAX;
		    n = n->ai_next) {
			struct tm_target t = { .proto = hops[i].proto };
			struct ip_addr ip;

			if (n->ai_family != AF_INET && n->ai_family != AF_INET6)
				continue;
			ip_addr_from_su(&ip,
			    (const union sockaddr_union *)(void *)n->ai_addr);
			su_from_ip_port(&t.to, &ip, hops[i].port);
			if (!target_known(out, &t))
				out->t[out->n++] = t;
		}
		ares_freeaddrinfo(hops[i].ai);
		hops[i].ai = NULL;
	}
	return rc;
}

/* ------------------------------------------------------------ RFC 3263 */

/* The SRV names to try without NAPTR: the given transport's, or all we
 * can use (RFC 3263 §4.1, last paragraphs). */
static int
srv_defaults(const char *host, enum proto proto, bool sips,
    struct srv_name *names)
{
	static const struct {
		const char *prefix;
		enum proto proto;
	} svc[] = {
		{ "_sips._tcp.", PROTO_TLS },
		{ "_sip._tcp.", PROTO_TCP },
		{ "_sip._udp.", PROTO_UDP },
	};
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(svc) / sizeof(svc[0]); i++) {
		if ((proto != PROTO_NONE && svc[i].proto != proto) ||
		    (sips && svc[i].proto != PROTO_TLS) ||
		    !transport_available(svc[i].proto))
			continue;
		snprintf(names[n].name, NAME_LEN, "%s%s", svc[i].prefix, host);
		names[n].proto = svc[i].proto;
		n++;
	}
	return n;
}

/* A name (NUL-terminated) to targets.  E_TIMEOUT only when nothing at all
 * came before the deadline. */
static int
resolve_name(const char *name, unsigned short port, enum proto proto,
    bool sips, struct tm_targets *out, uint64_t deadline)
{
	struct srv_name names[SRV_NAMES];
	struct hop *hops;
	int nn = 0, nh = 0, rc = 0;

	if ((hops = pkg_zalloc(sizeof(*hops) * HOPS)) == NULL)
		return E_NOMEM;
	if (port == 0 && proto == PROTO_NONE) {
		naptr_n = 0;
		pending++;
		ares_query(chan, name, DNS_CLASS_IN, DNS_TYPE_NAPTR, naptr_cb,
		    sips ? (void *)1 : NULL);
		rc = dns_wait(deadline);
		nn = naptr_n;
		memcpy(names, naptr_out, sizeof(names[0]) * (size_t)nn);
	}
	if (port == 0 && nn == 0 && rc == 0)
		nn = srv_defaults(name, proto, sips, names);
	if (nn > 0 && rc == 0)
		rc = srv_step(names, nn, hops, &nh, deadline);
	if (nh == 0 && rc == 0) {
		/* no SRV (or a port given): the host itself */
		snprintf(hops[0].name, NAME_LEN, "%s", name);
		hops[0].proto = proto != PROTO_NONE ? proto
		    : (sips ? PROTO_TLS : PROTO_UDP);
		hops[0].port = port ? port : proto_default_port(hops[0].proto);
		nh = 1;
	}
	if (nh > 0 && (rc == 0 || rc == E_TIMEOUT))
		rc = addr_step(hops, nh, out, deadline);
	pkg_free(hops);
	return rc;
}

int
tm_dns_resolve(const struct str *host, unsigned short port, enum proto proto,
    bool sips, struct tm_targets *out)
{
	char name[NAME_LEN];
	struct ip_addr ip;
	struct str h = str_unbracket(*host);
	bool no_proto = proto == PROTO_NONE;
	int rc;

	out->n = 0;
	if (sips)
		proto = PROTO_TLS;
	if (h.len == 0 || h.len >= sizeof(name))
		return E_INVAL;
	if (ip_addr_parse(h.s, h.len, &ip) == 0) {
		/* an IP literal: no DNS at all (§4.1, §4.2) */
		out->t[0].proto = proto != PROTO_NONE ? proto : PROTO_UDP;
		su_from_ip_port(&out->t[0].to, &ip,
		    port ? port : proto_default_port(out->t[0].proto));
		out->n = 1;
		return 0;
	}
	memcpy(name, h.s, h.len);
	name[h.len] = '\0';
	if ((rc = chan_get()) != 0)
		return rc;
	/* sips: the transport is TLS, but NAPTR still picks the server */
	rc = resolve_name(name, port, sips && no_proto ? PROTO_NONE : proto,
	    sips, out, timer_now_ms() + (uint64_t)tm_dns_timeout);
	if (out->n > 0)
		return 0;
	LM_DBG("%s: no usable address%s", name,
	    rc == E_TIMEOUT ? " (DNS timeout)" : "");
	return rc == E_NOMEM ? E_NOMEM : E_NOTFOUND;
}
