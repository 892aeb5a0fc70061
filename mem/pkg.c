/* mem/pkg.c: the process-private heap on top of malloc. */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "pkg.h"

static long live_blocks;
static long fail_countdown;
/* Bytes are counted only under a cap: malloc_usable_size() on every
 * allocation and free is not free, and without -M nothing reads them. */
static size_t live_bytes;
static size_t limit_bytes; /* 0: no limit (-M) */

static int
pkg_should_fail(void)
{
	if (fail_countdown > 0 && --fail_countdown == 0)
		return 1;
	return 0;
}

void
pkg_set_limit(size_t bytes)
{
	limit_bytes = bytes;
}

/* Blocks taken before the cap was set were not counted: their frees
 * must not take the counter below zero. */
static size_t
pkg_min(size_t a, size_t b)
{
	return a < b ? a : b;
}

size_t
pkg_used_bytes(void)
{
	return live_bytes;
}

static void *
pkg_account(void *p)
{
	size_t sz;

	if (p == NULL || limit_bytes == 0)
		return p;
	sz = malloc_usable_size(p);
	if (live_bytes + sz > limit_bytes) {
		free(p);
		return NULL;
	}
	live_bytes += sz;
	return p;
}

void *
pkg_malloc_(size_t n, const char *file, int line)
{
	void *p;

	(void)file;
	(void)line;
	if (pkg_should_fail())
		return NULL;
	if ((p = pkg_account(malloc(n ? n : 1))) != NULL)
		live_blocks++;
	return p;
}

void *
pkg_zalloc_(size_t n, const char *file, int line)
{
	void *p = pkg_malloc_(n, file, line);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

void *
pkg_realloc_(void *p, size_t n, const char *file, int line)
{
	void *q;
	size_t old;

	if (p == NULL)
		return pkg_malloc_(n, file, line);
	if (pkg_should_fail())
		return NULL;
	if (limit_bytes == 0)
		return realloc(p, n ? n : 1);
	old = malloc_usable_size(p);
	if (n > old && live_bytes + (n - old) > limit_bytes)
		return NULL;
	if ((q = realloc(p, n ? n : 1)) == NULL)
		return NULL;
	live_bytes = live_bytes - pkg_min(old, live_bytes) +
	    malloc_usable_size(q);
	return q;
}

void
pkg_free(void *p)
{
	if (p == NULL)
		return;
	live_blocks--;
	if (limit_bytes != 0)
		live_bytes -= pkg_min(malloc_usable_size(p), live_bytes);
	free(p);
}

char *
pkg_strndup_(const char *s, size_t n, const char *file, int line)
{
	char *d = pkg_malloc_(n + 1, file, line);

	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

long
pkg_live_blocks(void)
{
	return live_blocks;
}

void
pkg_fail_after(long n)
{
	fail_countdown = n;
}
