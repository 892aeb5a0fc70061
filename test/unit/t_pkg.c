/* t_pkg.c: the private heap's -M cap. */
#include <stdint.h>

#include "../../mem/pkg.h"
#include "unit.h"

#define CAP (256 * 1024)
#define BLK 4096

/* Under a cap, allocations fail once the cap would be passed, realloc
 * does not grow past it, and freeing makes room again. */
static int
t_cap(void)
{
	void *b[2 * CAP / BLK], *q;
	size_t n = 0, i;

	pkg_set_limit(CAP);
	CHECK_INT(0, pkg_used_bytes());
	while (n < sizeof(b) / sizeof(b[0]) && (b[n] = pkg_malloc(BLK)) != NULL)
		n++;
	CHECK(n < sizeof(b) / sizeof(b[0])); /* the cap was hit */
	CHECK(n > CAP / BLK / 2);
	CHECK(pkg_used_bytes() <= CAP);
	CHECK(pkg_used_bytes() >= n * BLK);
	CHECK(pkg_realloc(b[0], 2 * CAP) == NULL); /* b[0] still ours */
	pkg_free(b[--n]);
	CHECK((b[n] = pkg_malloc(BLK)) != NULL);
	n++;
	for (i = 0; i < n; i++)
		pkg_free(b[i]);
	CHECK_INT(0, pkg_used_bytes());
	pkg_set_limit(0);
	/* no cap: larger than the old one is fine */
	CHECK((q = pkg_malloc(2 * CAP)) != NULL);
	CHECK((q = pkg_realloc(q, 4 * CAP)) != NULL);
	pkg_free(q);
	return 0;
}

/* A cap set while uncounted blocks are live: freeing them must not wrap
 * the counter (which would then refuse every allocation). */
static int
t_cap_late(void)
{
	void *p = pkg_malloc(BLK), *q;

	CHECK(p != NULL);
	pkg_set_limit(CAP);
	pkg_free(p);
	CHECK_INT(0, pkg_used_bytes());
	CHECK((q = pkg_malloc(BLK)) != NULL);
	pkg_free(q);
	pkg_set_limit(0);
	return 0;
}

/* clang-format off */
static const struct unit_test tests[] = {
	{ "cap",      t_cap },
	{ "cap_late", t_cap_late },
	{ NULL, NULL },
};
/* clang-format on */

UNIT_MAIN(tests)
