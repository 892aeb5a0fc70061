/* base/stat.c: registered statistics (see stat.h).  The table itself is
 * in pkg of the main process, inherited by fork and read-only after it;
 * only counter values are in shm. */
#include <string.h>

#include "../mem/shm.h"
#include "err.h"
#include "stat.h"

#define STAT_MAX 256

struct stat_var {
	unsigned long v;   /* shm; atomic */
};

static struct {
	const char *group;
	const char *name;
	struct stat_var *var;   /* counter, or NULL */
	stat_fn fn;
	void *arg;
} stats[STAT_MAX];
static int n_stats;

static int
stat_slot(const char *group, const char *name)
{
	int i;

	for (i = 0; i < n_stats; i++)
		if (strcmp(stats[i].group, group) == 0 &&
		    strcmp(stats[i].name, name) == 0)
			return E_INVAL;
	return n_stats < STAT_MAX ? n_stats : E_TOOBIG;
}

int
stat_register(const char *group, const char *name, struct stat_var **out)
{
	struct stat_var *v;
	int i = stat_slot(group, name);

	if (i < 0)
		return i;
	if ((v = shm_zalloc(sizeof(*v))) == NULL)
		return E_NOMEM;
	stats[i].group = group;
	stats[i].name = name;
	stats[i].var = v;
	stats[i].fn = NULL;
	n_stats++;
	*out = v;
	return 0;
}

int
stat_register_fn(const char *group, const char *name, stat_fn fn, void *arg)
{
	int i = stat_slot(group, name);

	if (i < 0)
		return i;
	stats[i].group = group;
	stats[i].name = name;
	stats[i].var = NULL;
	stats[i].fn = fn;
	stats[i].arg = arg;
	n_stats++;
	return 0;
}

void
stat_add(struct stat_var *v, long n)
{
	if (v != NULL)
		__atomic_add_fetch(&v->v, (unsigned long)n, __ATOMIC_RELAXED);
}

void
stat_set(struct stat_var *v, unsigned long n)
{
	if (v != NULL)
		__atomic_store_n(&v->v, n, __ATOMIC_RELAXED);
}

unsigned long
stat_get(const struct stat_var *v)
{
	return v != NULL ? __atomic_load_n(&v->v, __ATOMIC_RELAXED) : 0;
}

void
stat_foreach(void (*fn)(const char *group, const char *name,
    unsigned long value, void *arg), void *arg)
{
	int i;

	for (i = 0; i < n_stats; i++)
		fn(stats[i].group, stats[i].name,
		    stats[i].var != NULL ? stat_get(stats[i].var)
					 : stats[i].fn(stats[i].arg), arg);
}

void
stat_reset(void)
{
	n_stats = 0;
}
