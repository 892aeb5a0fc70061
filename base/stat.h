/* base/stat.h: named statistics that modules and the core register, for
 * the control interface's get_statistics ("group:name = value").
 *
 * A counter lives in shm and is changed with atomic adds by any process;
 * a computed statistic is a function called when it is read (in the
 * process that reads it, the FIFO server: it must only read shm).  Both
 * are registered in the main process before fork (a module's init). */
#ifndef BASE_STAT_H
#define BASE_STAT_H

#include <stdbool.h>

struct stat_var;   /* shm; opaque */

typedef unsigned long (*stat_fn)(void *arg);

/* A counter group:name, zero, in shm.  Names are static strings.  0 with
 * *out, E_NOMEM, E_TOOBIG (too many), or E_INVAL (shm not ready, or the
 * name is taken). */
int stat_register(const char *group, const char *name, struct stat_var **out);
/* A statistic whose value fn(arg) computes when read.  0 or as above. */
int stat_register_fn(const char *group, const char *name, stat_fn fn,
    void *arg);
/* Add n (may be negative) / set / read.  Any process, no lock.  NULL v is
 * fine (a no-op, or 0). */
void stat_add(struct stat_var *v, long n);
void stat_set(struct stat_var *v, unsigned long n);
unsigned long stat_get(const struct stat_var *v);
/* Call fn for every registered statistic, in registration order. */
void stat_foreach(void (*fn)(const char *group, const char *name,
    unsigned long value, void *arg), void *arg);
/* Forget every registration (tests, and the main process at exit). */
void stat_reset(void);

#endif
