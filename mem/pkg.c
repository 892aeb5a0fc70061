/* mem/pkg.c: the process-private heap on top of malloc. */
#include <stdlib.h>
#include <string.h>

#include "pkg.h"

static long live_blocks;
static long fail_countdown;

static int
pkg_should_fail(void)
{
	if (fail_countdown > 0 && --fail_countdown == 0)
		return 1;
	return 0;
}

void *
pkg_malloc_(size_t n, const char *file, int line)
{
	void *p;

	(void)file;
	(void)line;
	if (pkg_should_fail())
		return NULL;
	if ((p = malloc(n ? n : 1)) != NULL)
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

	if (p == NULL)
		return pkg_malloc_(n, file, line);
	if (pkg_should_fail())
		return NULL;
	q = realloc(p, n ? n : 1);
	return q;
}

void
pkg_free(void *p)
{
	if (p == NULL)
		return;
	live_blocks--;
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
