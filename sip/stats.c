/* stats.c: per-process statistics slots in shm (see stats.h). */
#define LOG_MODULE "stats"
#include <string.h>

#include "../base/err.h"
#include "forward.h"
#include "../mem/shm.h"
#include "../base/proc.h"
#include "stats.h"
#include "../tls/tls_stats.h"

/* Transports a slot keeps apart; PROTO_NONE holds what fits nowhere. */
#define STATS_NPROTO (PROTO_TLS + 1)

/* in shm; slot i is written only by the process with process_no i, read
 * by anyone without a lock */
struct stats_slot {
	struct fwd_stats by_proto[STATS_NPROTO];
};

/* per process: the slots (shm, set before fork) and what this process
 * has published so far */
static struct stats_slot *slots;
static int nslots;
static struct fwd_stats published;

int
stats_init(int n)
{
	if (n < 1 || slots != NULL)
		return E_INVAL;
	if ((slots = shm_zalloc((size_t)n * sizeof(*slots))) == NULL)
		return E_NOMEM;
	/* the TLS counters are shared by all processes the same way */
	if (tls_stats_init() != 0)
		return E_NOMEM;
	nslots = n;
	return 0;
}

void
stats_destroy(void)
{
	shm_free(slots);
	slots = NULL;
	nslots = 0;
	memset(&published, 0, sizeof(published));
}

/* The counters are all unsigned long: treat the struct as an array so
 * that a counter added to forward.h is summed without touching this file. */
#define STATS_NCOUNTERS (sizeof(struct fwd_stats) / sizeof(unsigned long))

static unsigned long *
counters(struct fwd_stats *s)
{
	return (unsigned long *)(void *)s;
}

void
stats_publish(enum proto proto)
{
	unsigned long *cur, *old, *dst;
	size_t i;

	if (slots == NULL || process_no < 0 || process_no >= nslots)
		return;
	if ((unsigned)proto >= STATS_NPROTO)
		proto = PROTO_NONE;
	/* a restarted process starts again from zero: publishing the
	 * difference keeps the slot's totals growing */
	cur = counters(&fwd_stats);
	old = counters(&published);
	dst = counters(&slots[process_no].by_proto[proto]);
	for (i = 0; i < STATS_NCOUNTERS; i++) {
		if (cur[i] != old[i]) {
			dst[i] += cur[i] - old[i];
			old[i] = cur[i];
		}
	}
}

int
stats_sum(enum proto proto, struct fwd_stats *out)
{
	unsigned long *dst = counters(out), *src;
	int s, p;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (slots == NULL)
		return E_NOTFOUND;
	for (s = 0; s < nslots; s++)
		for (p = 0; p < STATS_NPROTO; p++) {
			if (proto != PROTO_NONE && p != (int)proto)
				continue;
			src = counters(&slots[s].by_proto[p]);
			for (i = 0; i < STATS_NCOUNTERS; i++)
				dst[i] += src[i];
		}
	return 0;
}
