/* base/fault.c: fault injection for tests (see fault.h). */
#define LOG_MODULE "fault"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../mem/shm.h"
#include "fault.h"
#include "log.h"

bool fault_armed;
static char point_name[64];
static long point_n;
static long passes; /* this process's passes through the point */
static int *fired;  /* shm: once per run */

void
fault_init(void)
{
	const char *e = getenv("KAMAILIO_FAULT"), *colon;
	size_t len;

	if (e == NULL || (colon = strchr(e, ':')) == NULL)
		return;
	len = (size_t)(colon - e);
	if (len == 0 || len >= sizeof(point_name) ||
	    (point_n = strtol(colon + 1, NULL, 10)) <= 0 ||
	    (fired = shm_zalloc(sizeof(*fired))) == NULL)
		return;
	memcpy(point_name, e, len);
	point_name[len] = '\0';
	fault_armed = true;
	LM_WARN("fault injection armed: pass %ld of %s kills the process",
	    point_n, point_name);
}

void
fault_fire(const char *point)
{
	if (strcmp(point, point_name) != 0 || ++passes != point_n ||
	    __atomic_exchange_n(fired, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	kill(getpid(), SIGKILL);
}
