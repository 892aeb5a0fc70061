/* mem/shm.h: the shared-memory heap.
 *
 * One anonymous MAP_SHARED mapping made by the main process before fork
 * (size from -m), so every process sees it at the same address.  Blocks
 * come from segregated free lists (exact 16-byte size classes up to 2 KiB,
 * then power-of-two buckets searched first-fit), neighbours are coalesced
 * on free, payloads are 16-byte aligned.  One process-shared lock guards
 * the heap; every function below takes it itself, so callers need no lock.
 *
 * Built with -fsanitize=address, free blocks, block headers and the slack
 * after each allocation are poisoned, so use-after-free and overflows are
 * reported.  ASan's shadow is per process, so poisoning is switched off
 * (shm_sanitizer_multiproc()) before the first fork. */
#ifndef MEM_SHM_H
#define MEM_SHM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Map and format a heap of `bytes` bytes (rounded up to pages; the
 * allocator's own bookkeeping comes out of it).  Main process, once,
 * before fork.  Returns 0, E_INVAL (too small / already done) or E_NOMEM
 * (mmap failed). */
int shm_init(size_t bytes);
/* Unmap the heap.  Main process at exit, after every child is gone. */
void shm_destroy(void);

/* Allocate n bytes (n == 0 gives a minimal block).  Any process.  Returns
 * NULL when the heap is exhausted (logged once per call site). */
void *shm_malloc_(size_t n, const char *file, int line);
/* shm_malloc_ + zero fill. */
void *shm_zalloc_(size_t n, const char *file, int line);
/* Resize p (NULL: allocate; n == 0: free and return NULL).  On failure
 * returns NULL and p stays valid and unchanged. */
void *shm_realloc_(void *p, size_t n, const char *file, int line);
/* Free p (NULL is fine).  Double and foreign frees are logged (CRIT) and
 * ignored. */
void shm_free_(void *p, const char *file, int line);

#define shm_malloc(n) shm_malloc_((n), __FILE__, __LINE__)
#define shm_zalloc(n) shm_zalloc_((n), __FILE__, __LINE__)
#define shm_realloc(p, n) shm_realloc_((p), (n), __FILE__, __LINE__)
#define shm_free(p) shm_free_((p), __FILE__, __LINE__)

/* True when p points into the shared heap.  Any process, no lock. */
bool shm_owns(const void *p);

/* Statistics, any process (they take the heap lock briefly).
 * used: bytes in allocated blocks, headers included; free: bytes in free
 * blocks; live: number of allocated blocks. */
size_t shm_used_bytes(void);
size_t shm_free_bytes(void);
long shm_live_blocks(void);
/* Largest n for which shm_malloc(n) would succeed right now. */
size_t shm_max_alloc(void);

/* Pid holding the heap lock, 0 if none: the supervisor uses it to tell
 * whether a dead child left the heap locked. */
pid_t shm_lock_owner(void);

/* Make the Nth shm allocation from now fail in this process (0 = never);
 * for --oom tests. */
void shm_fail_after(long n);

/* Unpoison the whole heap and stop poisoning in this process and its
 * future children (no-op without ASan).  Main process, before fork. */
void shm_sanitizer_multiproc(void);

#endif
