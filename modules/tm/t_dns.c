/* t_dns.c: RFC 3263 "Locating SIP Servers" through the core resolver.
 *
 * One resolution runs in the calling process (a receiver running the
 * script, or the timer process): the queries of one step go out together
 * through the core's resolver (net/dns_res.c: c-ares, and the shared DNS
 * cache in shm when use_dns_cache is on) until they are answered or the
 * resolution's single deadline (dns_timeout ms, counted from the start)
 * passes; then what is still outstanding is cancelled.  So a slow or dead
 * DNS server holds a process for at most dns_timeout ms per resolution,
 * never longer, and a cached name asks no server at all.  The steps
 * (§4.1-4.2):
 *
 *   NAPTR host             (no transport, no port, a name)
 *   SRV of each NAPTR replacement, or of _sips._tcp / _sip._tcp /
 *     _sip._udp.host when NAPTR gave nothing (only the SRV of the given
 *     transport when one was given)
 *   A/AAAA of every SRV target, or of host itself when SRV gave nothing
 *     (or a port was given)
 */
#define LOG_MODULE "tm"
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

#define NAME_LEN 256
#define SRV_NAMES 8 /* SRV names queried in one resolution */
#define HOPS 16     /* hosts (SRV targets) resolved */

char *tm_dns_server;
int tm_dns_timeout; /* default: its row in tm_mod.c */

/* A name to query for SRV, with the transport it stands for. */
struct srv_name {
	char name[NAME_LEN];
	enum proto proto;
	unsigned short order, pref; /* of its NAPTR record */
};

/* A host:port to resolve, in try order; ai filled by the callback. */
struct hop {
	char name[NAME_LEN];
	unsigned short port;
	enum proto proto;
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

/* The resolver settings: tm's dns_server (else the core's), and the
 * bound of one resolution. */
static void
res_cfg(struct dns_res_cfg *c)
{
	dns_res_core_cfg(c);
	if (tm_dns_server != NULL)
		c->servers = tm_dns_server;
	c->timeout_ms = (unsigned)tm_dns_timeout;
}

void
tm_dns_destroy(void)
{
}

/* One step's queries through the core resolver (and the shared cache
 * when use_dns_cache is on); a query another process has under way is
 * waited for DNS_PENDING_WAIT_MS at most (dns_res_lookup_wait).  0 or
 * E_*. */
static int
lookup(struct dns_q *q, int nq, uint64_t deadline)
{
	struct dns_res_cfg cfg;

	res_cfg(&cfg);
	return dns_res_lookup_wait(&cfg, q, nq, deadline, DNS_PENDING_WAIT_MS);
}

/* ------------------------------------------------------------ NAPTR */

static enum proto
naptr_proto(const char *service, bool sips)
{
	if (strcasecmp(service, "SIPS+D2T") == 0)
		return PROTO_TLS;
	if (sips)
		return PROTO_NONE; /* sips: TLS only (RFC 3263 §4.1) */
	if (strcasecmp(service, "SIP+D2T") == 0)
		return PROTO_TCP;
	if (strcasecmp(service, "SIP+D2U") == 0)
		return PROTO_UDP;
	return PROTO_NONE;
}

/* The usable NAPTR records of q into names, in order then preference
 * (stable).  Returns how many. */
static int
naptr_names(const struct dns_q *q, bool sips, struct srv_name *names)
{
	int i, j, k, nn = 0;

	for (k = 0; k < q->n && nn < SRV_NAMES; k++) {
		const struct dns_rr *r = &q->rr[k];
		struct srv_name *s = &names[nn];
		enum proto p = naptr_proto(r->service, sips);

		/* only terminal "s" records that lead to SRV names */
		if (p == PROTO_NONE || !transport_available(p) ||
		    strcasecmp(r->flags, "s") != 0 || r->name[0] == '\0' ||
		    strlen(r->name) >= NAME_LEN)
			continue;
		memcpy(s->name, r->name, strlen(r->name) + 1);
		s->proto = p;
		s->order = r->prio;
		s->pref = r->weight;
		/* insertion sort: order, then preference; stable */
		for (i = nn; i > 0; i--) {
			struct srv_name *o = &names[i - 1];

			if (o->order < s->order ||
			    (o->order == s->order && o->pref <= s->pref))
				break;
		}
		if (i < nn) {
			struct srv_name t = *s;

			for (j = nn; j > i; j--)
				names[j] = names[j - 1];
			names[i] = t;
		}
		nn++;
	}
	return nn;
}

/* ------------------------------------------------------------ SRV */

/* The SRV records of q into a ("." : the service is decidedly not
 * available, RFC 2782). */
static void
srv_records(const struct dns_q *q, struct srv_ans *a)
{
	int k;

	for (k = 0; k < q->n && a->n < HOPS; k++) {
		const struct dns_rr *r = &q->rr[k];
		struct srv_rec *s = &a->rec[a->n];

		if (r->name[0] == '\0' || strcmp(r->name, ".") == 0 ||
		    strlen(r->name) >= NAME_LEN)
			continue;
		memcpy(s->name, r->name, strlen(r->name) + 1);
		s->port = r->port;
		s->prio = r->prio;
		s->weight = r->weight;
		s->taken = false;
		a->n++;
	}
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
		(*nh)++;
	}
}

/* SRV of every name (in parallel), ordered into hops.  0 or E_*. */
static int
srv_step(const struct srv_name *names, int nn, struct hop *hops, int *nh,
    uint64_t deadline)
{
	static struct srv_ans ans[SRV_NAMES];
	static struct dns_q q[SRV_NAMES];
	int i, rc;

	if (nn > SRV_NAMES)
		nn = SRV_NAMES;
	for (i = 0; i < nn; i++)
		ans[i].n = 0;
	for (i = 0; i < nn; i++) {
		q[i].type = DNS_T_SRV;
		q[i].name = names[i].name;
	}
	rc = lookup(q, nn, deadline);
	for (i = 0; i < nn; i++) {
		srv_records(&q[i], &ans[i]);
		srv_order(&ans[i], names[i].proto, hops, nh);
	}
	return rc;
}

/* ------------------------------------------------------------ A/AAAA */

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

static void
target_add(struct tm_targets *out, const struct hop *h,
    const struct ip_addr *ip)
{
	struct tm_target t = { .proto = h->proto };

	if (out->n >= TM_DNS_MAX)
		return;
	su_from_ip_port(&t.to, ip, h->port);
	if (!target_known(out, &t))
		out->t[out->n++] = t;
}

/* The addresses of every hop (the cache; else the hosts file; else A and
 * AAAA from the server, all in parallel), appended to out in hop order,
 * A before AAAA.  One resolution at a time per process: the query
 * slots are static (no per-call allocation on the cached path). */
static int
addr_step(struct hop *hops, int nh, struct tm_targets *out, uint64_t deadline)
{
	static struct dns_q q[2 * HOPS];
	static struct ip_addr file[HOPS]; /* af 0: not in the hosts file */
	static bool cached[HOPS];
	struct dns_res_cfg cfg;
	int i, k, nq = 0, rc = 0;
	bool ask = false;

	if (nh > HOPS)
		nh = HOPS;
	res_cfg(&cfg);
	for (i = 0; i < nh; i++) {
		struct dns_q *a = &q[2 * i], *b = &q[2 * i + 1];

		a->type = DNS_T_A;
		b->type = DNS_T_AAAA;
		a->name = b->name = hops[i].name;
		file[i].af = 0;
		/* the cached path: both answers (positive or negative) */
		a->n = dns_cache_get(DNS_T_A, a->name, a->rr, DNS_RR_MAX);
		b->n = a->n >= 0
		    ? dns_cache_get(DNS_T_AAAA, b->name, b->rr, DNS_RR_MAX)
		    : DNS_MISS;
		cached[i] = a->n >= 0 && b->n >= 0;
		if (cached[i])
			continue;
		if (dns_res_hosts_file(&cfg, hops[i].name, &file[i]) == 0)
			continue;
		file[i].af = 0;
		ask = true;
	}
	if (ask) {
		/* the misses, packed, through the resolver */
		static struct dns_q m[2 * HOPS];

		for (i = 0; i < nh; i++)
			if (!cached[i] && file[i].af == 0) {
				m[nq++] = q[2 * i];
				m[nq++] = q[2 * i + 1];
			}
		rc = lookup(m, nq, deadline);
		for (i = nq = 0; i < nh; i++)
			if (!cached[i] && file[i].af == 0) {
				q[2 * i] = m[nq++];
				q[2 * i + 1] = m[nq++];
			}
	}
	for (i = 0; i < nh; i++) {
		if (file[i].af != 0) {
			target_add(out, &hops[i], &file[i]);
			continue;
		}
		for (k = 0; k < q[2 * i].n; k++)
			target_add(out, &hops[i], &q[2 * i].rr[k].ip);
		for (k = 0; k < q[2 * i + 1].n; k++)
			target_add(out, &hops[i], &q[2 * i + 1].rr[k].ip);
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
resolve_name(const char *name, unsigned short port, enum proto proto, bool sips,
    struct tm_targets *out, uint64_t deadline)
{
	static struct hop hops[HOPS];
	static struct dns_q naptr;
	struct srv_name names[SRV_NAMES];
	int nn = 0, nh = 0, rc = 0;

	if (port == 0 && proto == PROTO_NONE) {
		struct dns_q *q = &naptr;

		q->type = DNS_T_NAPTR;
		q->name = name;
		rc = lookup(q, 1, deadline);
		nn = naptr_names(q, sips, names);
	}
	if (port == 0 && nn == 0 && rc == 0)
		nn = srv_defaults(name, proto, sips, names);
	if (nn > 0 && rc == 0)
		rc = srv_step(names, nn, hops, &nh, deadline);
	if (nh == 0 && rc == 0) {
		/* no SRV (or a port given): the host itself */
		snprintf(hops[0].name, NAME_LEN, "%s", name);
		hops[0].proto = proto != PROTO_NONE
		    ? proto
		    : (sips ? PROTO_TLS : PROTO_UDP);
		hops[0].port = port ? port : proto_default_port(hops[0].proto);
		nh = 1;
	}
	if (nh > 0 && (rc == 0 || rc == E_TIMEOUT))
		rc = addr_step(hops, nh, out, deadline);
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
	/* sips: the transport is TLS, but NAPTR still picks the server */
	rc = resolve_name(name, port, sips && no_proto ? PROTO_NONE : proto,
	    sips, out, timer_now_ms() + (uint64_t)tm_dns_timeout);
	if (out->n > 0)
		return 0;
	LM_DBG("%s: no usable address%s", name,
	    rc == E_TIMEOUT ? " (DNS timeout)" : "");
	return rc == E_NOMEM ? E_NOMEM : E_NOTFOUND;
}
