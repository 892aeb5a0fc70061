/* unit.c: the runner behind UNIT_MAIN. */
#include <stdio.h>
#include <string.h>

#include "../../mem/pkg.h"
#include "unit.h"

static long baseline;

void
unit_leak_baseline(void)
{
	baseline = pkg_live_blocks();
}

int
unit_run(const struct unit_test *tests, int argc, char **argv)
{
	const char *filter = NULL;
	int passed = 0, failed = 0;
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "-k") == 0 && i + 1 < argc)
			filter = argv[++i];
	for (i = 0; tests[i].name != NULL; i++) {
		long before;
		int rc;

		if (filter != NULL && strstr(tests[i].name, filter) == NULL)
			continue;
		before = baseline = pkg_live_blocks();
		rc = tests[i].fn();
		before = baseline;
		if (rc == 0 && pkg_live_blocks() != before) {
			printf("%s: leaked %ld pkg blocks\n", tests[i].name,
			    pkg_live_blocks() - before);
			rc = 1;
		}
		if (rc == 0) {
			passed++;
		} else {
			printf("FAIL %s\n", tests[i].name);
			failed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
