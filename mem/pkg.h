/* mem/pkg.h: process-private heap.  Freed only by the process that
 * allocated it.  Backed by the system allocator (as MEM_SYSTEM=1 would be),
 * with a byte counter so tests can see leaks. */
#ifndef MEM_PKG_H
#define MEM_PKG_H

#include <stddef.h>

void *pkg_malloc_(size_t n, const char *file, int line);
void *pkg_zalloc_(size_t n, const char *file, int line);
void *pkg_realloc_(void *p, size_t n, const char *file, int line);
void pkg_free(void *p);
char *pkg_strndup_(const char *s, size_t n, const char *file, int line);

#define pkg_malloc(n) pkg_malloc_((n), __FILE__, __LINE__)
#define pkg_zalloc(n) pkg_zalloc_((n), __FILE__, __LINE__)
#define pkg_realloc(p, n) pkg_realloc_((p), (n), __FILE__, __LINE__)
#define pkg_strndup(s, n) pkg_strndup_((s), (n), __FILE__, __LINE__)

/* Cap this process's private heap (-M); 0 = no cap.  An allocation over
 * the cap fails (NULL), as Kamailio's fixed-size pkg pool would.  Set it
 * before allocating: bytes are counted only while a cap is set, so
 * pkg_used_bytes() is 0 without one. */
void pkg_set_limit(size_t bytes);
size_t pkg_used_bytes(void);
/* Live allocations and bytes in this process (for leak checks). */
long pkg_live_blocks(void);
/* Make the Nth allocation from now fail (0 = never); for --oom tests. */
void pkg_fail_after(long n);

#endif
