/* unit.h: a tiny table-driven unit test harness.
 *
 * Each test/unit/t_<unit>.c defines
 *	static const struct unit_test tests[] = { { "name", fn }, ... , { NULL, NULL } };
 *	UNIT_MAIN(tests)
 * A test function returns 0 on success; the CHECK macros print
 * "file:line: expected X got Y" and return 1.  The binary takes -k NAME to
 * run only tests whose name contains NAME, reports a test that leaks pkg
 * blocks, and ends with "N passed, N failed". */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	int (*fn)(void);
};

int unit_run(const struct unit_test *tests, int argc, char **argv);
/* Count pkg blocks allocated so far as belonging to the setup, not as a
 * leak of the running test (e.g. a parsed config kept for later tests). */
void unit_leak_baseline(void);

#define UNIT_MAIN(tests)                                  \
	int main(int argc, char **argv)                   \
	{                                                 \
		return unit_run((tests), argc, argv);     \
	}

#define CHECK(cond)                                                       \
	do {                                                              \
		if (!(cond)) {                                            \
			printf("%s:%d: check failed: %s\n", __FILE__,     \
			    __LINE__, #cond);                             \
			return 1;                                         \
		}                                                         \
	} while (0)

#define CHECK_INT(exp, got)                                               \
	do {                                                              \
		long long e_ = (long long)(exp), g_ = (long long)(got);   \
		if (e_ != g_) {                                           \
			printf("%s:%d: %s: expected %lld got %lld\n",     \
			    __FILE__, __LINE__, #got, e_, g_);            \
			return 1;                                         \
		}                                                         \
	} while (0)

/* Compare a C string with a (pointer, length) pair such as a struct str. */
#define CHECK_STRN(exp, s_, len_)                                          \
	do {                                                               \
		const char *e_ = (exp);                                    \
		size_t l_ = (size_t)(len_);                                \
		if (strlen(e_) != l_ || memcmp(e_, (s_), l_) != 0) {       \
			printf("%s:%d: %s: expected \"%s\" got \"%.*s\"\n", \
			    __FILE__, __LINE__, #s_, e_, (int)l_,          \
			    (s_) ? (const char *)(s_) : "");               \
			return 1;                                          \
		}                                                          \
	} while (0)

#define CHECK_STR(exp, strp) CHECK_STRN((exp), (strp)->s, (strp)->len)

#endif
