/* base/fault.h: fault injection for tests.
 *
 * With KAMAILIO_FAULT="point:n" in the environment, the n-th time a
 * process passes fault point `point`, it kills itself (SIGKILL) there,
 * in the middle of whatever it holds: that is how the tests make a
 * process die inside a critical section.  It fires once per proxy run
 * (a flag in shm), so the restarted process is not killed again.
 * Without the variable a fault point costs one test of a flag. */
#ifndef BASE_FAULT_H
#define BASE_FAULT_H

#include <stdbool.h>

/* Read KAMAILIO_FAULT.  Main process, after shm_init(), before fork. */
void fault_init(void);

extern bool fault_armed;

void fault_fire(const char *point);

/* A fault point (no-op unless armed). */
static inline void
fault_point(const char *point)
{
	if (fault_armed)
		fault_fire(point);
}

#endif
