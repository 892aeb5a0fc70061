/* ul_flow.c: the stream connections that carry bindings (RFC 5626
 * flows, and every binding made over TCP or TLS).
 *
 * A binding keeps the id of the connection its REGISTER came over.  Ids
 * are never reused within a run, so "this id is in the table and not
 * dead" is the whole test of reachability: the TCP layer's closed hook
 * marks an entry dead the moment its connection closes (whoever closed
 * it), and an id that is not in the table (one from before a restart, or
 * one whose bindings are long gone) is not reachable either.  Entries
 * live until the last binding on them expires (until), then the timer
 * forgets them.  The connection itself is kept open by the TCP layer as
 * long (tcp_conn_keep), however idle. */
#define LOG_MODULE "usrloc"
#include <stdint.h>
#include <string.h>

#include "../../api/sr_api.h"
#include "ul_table.h"

#define FLOW_BUCKETS 1024

/* shm; guarded by ul_flows.lock */
struct ul_flow {
	struct ul_flow *next;
	int conn_id;
	bool dead;
	int64_t until; /* epoch s: the last binding's expiry */
};

/* shm */
struct ul_flows {
	struct gen_lock lock;
	unsigned long closed; /* flows that died under a binding */
	struct ul_flow *b[FLOW_BUCKETS];
};

static struct ul_flows *flows;

int
ul_flows_init(void)
{
	if ((flows = shm_zalloc(sizeof(*flows))) == NULL)
		return E_NOMEM;
	lock_init(&flows->lock);
	proc_watch_locks(&flows->lock, 0, 1, "usrloc flows");
	return 0;
}

void
ul_flows_destroy(void)
{
	unsigned i;

	if (flows == NULL)
		return;
	for (i = 0; i < FLOW_BUCKETS; i++)
		while (flows->b[i] != NULL) {
			struct ul_flow *f = flows->b[i];

			flows->b[i] = f->next;
			shm_free(f);
		}
	shm_free(flows);
	flows = NULL;
}

static struct ul_flow **
flow_slot(int conn_id)
{
	struct ul_flow **pp = &flows->b[(unsigned)conn_id % FLOW_BUCKETS];

	while (*pp != NULL && (*pp)->conn_id != conn_id)
		pp = &(*pp)->next;
	return pp;
}

void
ul_flow_note(int conn_id, int64_t until)
{
	struct ul_flow **pp, *f;
	int64_t left;

	if (flows == NULL || conn_id <= 0)
		return;
	lock_get(&flows->lock);
	if ((f = *flow_slot(conn_id)) == NULL &&
	    (f = shm_zalloc(sizeof(*f))) != NULL) {
		pp = &flows->b[(unsigned)conn_id % FLOW_BUCKETS];
		f->conn_id = conn_id;
		f->next = *pp;
		*pp = f;
	}
	if (f != NULL && f->until < until)
		f->until = until;
	lock_release(&flows->lock);
	if (f == NULL) {
		LM_ERR("out of shm: connection %d not kept", conn_id);
		return;
	}
	/* 1.x's tcp_persistent_flag: the connection outlives idleness as
	 * long as the binding, plus a margin for the refresh to arrive */
	left = until == INT64_MAX ? INT64_MAX / 2000 : until - ul_now();
	if (left < 0)
		left = 0;
	tcp_conn_keep(conn_id, get_ticks_ms() + (uint64_t)left * 1000 + 30000);
}

void
ul_flow_closed(int conn_id)
{
	struct ul_flow *f;

	if (flows == NULL)
		return;
	lock_get(&flows->lock);
	if ((f = *flow_slot(conn_id)) != NULL && !f->dead) {
		f->dead = true;
		flows->closed++;
	}
	lock_release(&flows->lock);
}

bool
ul_flow_alive(int conn_id)
{
	struct ul_flow *f;
	bool alive;

	if (flows == NULL || conn_id <= 0)
		return false;
	lock_get(&flows->lock);
	f = *flow_slot(conn_id);
	alive = f != NULL && !f->dead;
	lock_release(&flows->lock);
	return alive;
}

void
ul_flows_expire(int64_t now)
{
	unsigned i;

	if (flows == NULL)
		return;
	lock_get(&flows->lock);
	for (i = 0; i < FLOW_BUCKETS; i++) {
		struct ul_flow **pp = &flows->b[i];

		while (*pp != NULL) {
			struct ul_flow *f = *pp;

			if (f->until < now) {
				*pp = f->next;
				shm_free(f);
			} else {
				pp = &f->next;
			}
		}
	}
	lock_release(&flows->lock);
}

unsigned long
ul_flows_closed_count(void)
{
	return flows != NULL ? __atomic_load_n(&flows->closed, __ATOMIC_RELAXED)
	                     : 0;
}
