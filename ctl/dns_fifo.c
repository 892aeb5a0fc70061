/* ctl/dns_fifo.c: dns.view, dns.flush, dst_blacklist.view and
 * dst_blacklist.flush (formats in doc/dns.md). */
#define LOG_MODULE "fifo"
#include <stdio.h>
#include <string.h>

#include "../base/err.h"
#include "../base/log.h"
#include "../net/dns_cache.h"
#include "../net/dst_blacklist.h"
#include "../net/net_addr.h"
#include "dns_fifo.h"
#include "fifo_server.h"

struct view_ctx {
	struct fifo_reply *r;
	bool json, first;
	int n;
};

/* One record as text. */
static void
rr_str(int type, const struct dns_rr *rr, char *buf, size_t size)
{
	switch (type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		if (ip_addr_to_str(&rr->ip, buf, size) == 0)
			snprintf(buf, size, "?");
		break;
	case DNS_T_SRV:
		snprintf(buf, size, "%u %u %u %s", rr->prio, rr->weight,
		    rr->port, rr->name);
		break;
	default:
		snprintf(buf, size, "%u %u \"%s\" \"%s\" %s", rr->prio,
		    rr->weight, rr->flags, rr->service, rr->name);
		break;
	}
}

static int
dns_view_one(void *arg, int type, const char *name, const struct dns_rr *rr,
    int n, unsigned ttl_left, bool pending)
{
	struct view_ctx *v = arg;
	char buf[DNS_NAME_LEN + 64];
	int i;

	v->n++;
	if (!v->json) {
		fifo_reply_printf(v->r, "%s %s ttl=%u %s", name,
		    dns_type_name(type), ttl_left,
		    pending      ? "pending"
		        : n == 0 ? "negative"
		                 : "records:");
		for (i = 0; i < n; i++) {
			rr_str(type, &rr[i], buf, sizeof(buf));
			fifo_reply_printf(v->r, " %s%s", buf,
			    i + 1 < n ? ";" : "");
		}
		fifo_reply_printf(v->r, "\n");
		return 0;
	}
	fifo_reply_printf(v->r, "%s\n  {\"name\": ", v->first ? "" : ",");
	fifo_reply_json_str(v->r, name);
	fifo_reply_printf(v->r,
	    ", \"type\": \"%s\", \"ttl\": %u, "
	    "\"pending\": %s, \"negative\": %s, \"records\": [",
	    dns_type_name(type), ttl_left, pending ? "true" : "false",
	    !pending && n == 0 ? "true" : "false");
	for (i = 0; i < n; i++) {
		rr_str(type, &rr[i], buf, sizeof(buf));
		fifo_reply_printf(v->r, "%s", i ? ", " : "");
		fifo_reply_json_str(v->r, buf);
	}
	fifo_reply_printf(v->r, "]}");
	v->first = false;
	return 0;
}

static int
dns_fifo_view(struct fifo_reply *r, int argc, char *argv[])
{
	struct view_ctx v = { .r = r,
		.json = fifo_reply_json(r),
		.first = true };
	struct dns_cache_stats st;

	(void)argv;
	if (argc != 0) {
		fifo_reply_status(r, 400, "too many arguments");
		return E_INVAL;
	}
	if (v.json)
		fifo_reply_printf(r, "{\"entries\": [");
	dns_cache_walk(dns_view_one, &v);
	dns_cache_get_stats(&st);
	if (v.json)
		fifo_reply_printf(r,
		    "\n], \"bytes\": %lu, \"hits\": %lu, "
		    "\"misses\": %lu, \"evicted\": %lu}\n",
		    st.bytes, st.hits, st.misses, st.evicted);
	else
		fifo_reply_printf(r,
		    "entries: %d, bytes: %lu, hits: %lu, "
		    "misses: %lu, evicted: %lu\n",
		    v.n, st.bytes, st.hits, st.misses, st.evicted);
	return 0;
}

static int
dns_fifo_flush(struct fifo_reply *r, int argc, char *argv[])
{
	int n;

	if (argc > 1) {
		fifo_reply_status(r, 400, "usage: dns.flush [NAME]");
		return E_INVAL;
	}
	n = argc == 1 ? dns_cache_flush_name(argv[0]) : dns_cache_flush();
	if (fifo_reply_json(r))
		fifo_reply_printf(r, "{\"flushed\": %d}\n", n);
	else
		fifo_reply_printf(r, "flushed: %d\n", n);
	return 0;
}

static int
bl_view_one(void *arg, enum proto proto, const union sockaddr_union *to,
    unsigned reason, unsigned ttl_left)
{
	struct view_ctx *v = arg;
	struct ip_addr ip;
	char a[IP_ADDR_STR_MAX], why[32];

	ip_addr_from_su(&ip, to);
	ip_addr_to_str(&ip, a, sizeof(a));
	dst_blacklist_reason_str(reason, why, sizeof(why));
	v->n++;
	if (!v->json) {
		fifo_reply_printf(v->r, "%s:%s%s%s:%u ttl=%u reason=%s\n",
		    proto_name(proto), ip.af == AF_INET6 ? "[" : "", a,
		    ip.af == AF_INET6 ? "]" : "", su_port(to), ttl_left, why);
		return 0;
	}
	fifo_reply_printf(v->r,
	    "%s\n  {\"proto\": \"%s\", \"ip\": \"%s\", "
	    "\"port\": %u, \"ttl\": %u, \"reason\": \"%s\"}",
	    v->first ? "" : ",", proto_name(proto), a, su_port(to), ttl_left,
	    why);
	v->first = false;
	return 0;
}

static int
dst_blacklist_fifo_view(struct fifo_reply *r, int argc, char *argv[])
{
	struct view_ctx v = { .r = r,
		.json = fifo_reply_json(r),
		.first = true };

	(void)argv;
	if (argc != 0) {
		fifo_reply_status(r, 400, "too many arguments");
		return E_INVAL;
	}
	if (v.json)
		fifo_reply_printf(r, "{\"entries\": [");
	dst_blacklist_walk(bl_view_one, &v);
	if (v.json)
		fifo_reply_printf(r, "\n]}\n");
	else
		fifo_reply_printf(r, "entries: %d\n", v.n);
	return 0;
}

static int
dst_blacklist_fifo_flush(struct fifo_reply *r, int argc, char *argv[])
{
	int n;

	(void)argv;
	if (argc != 0) {
		fifo_reply_status(r, 400, "too many arguments");
		return E_INVAL;
	}
	n = dst_blacklist_flush();
	if (fifo_reply_json(r))
		fifo_reply_printf(r, "{\"flushed\": %d}\n", n);
	else
		fifo_reply_printf(r, "flushed: %d\n", n);
	return 0;
}

int
dns_fifo_register(void)
{
	static const struct {
		const char *name;
		fifo_cmd_fn fn;
	} cmds[] = {
		{ "dns.view", dns_fifo_view },
		{ "dns.flush", dns_fifo_flush },
		{ "dst_blacklist.view", dst_blacklist_fifo_view },
		{ "dst_blacklist.flush", dst_blacklist_fifo_flush },
	};
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if ((rc = fifo_register(cmds[i].name, cmds[i].fn, NULL)) != 0 &&
		    rc != E_INVAL)
			return rc;
	return 0;
}
