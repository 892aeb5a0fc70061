/* conformance.c: db_conformance, the driver conformance suite and a few
 * probes, against the database of a URL, with the driver modules loaded
 * as the proxy loads them (dlopen).
 *
 *   db_conformance [opts] URL                  run the cases of db_cases.c
 *   db_conformance [opts] --sql SQL URL        one raw_query; prints
 *                                              "rc=N ms=T error=..."
 *   db_conformance [opts] --loop SECS URL      a lookup in table version
 *                                              every 100 ms for SECS s;
 *                                              prints "T rc=N ms=D" lines
 *   db_conformance [opts] --version TABLE N URL  db_check_table_version
 * opts: -m MODULE.so (repeatable), -p module:param=value, -k NAME (only
 * cases whose name contains NAME).  Logs go to stderr. */
#include <dlfcn.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../cfg/cfg_param.h"
#include "../../db/db.h"
#include "../../base/err.h"
#include "../../base/log.h"
#include "../../mem/pkg.h"
#include "../../api/module_abi.h"
#include "../../script/sr_module.h"
#include "../unit/unit.h"
#include "db_cases.h"

#define MODS_MAX 8

static struct {
	const char *name;
	void *h;
} mods[MODS_MAX];
static int nmods;

static int64_t
ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
load(const char *path)
{
	const struct module_exports *exp;
	void *h;

	if (nmods == MODS_MAX) {
		fprintf(stderr, "too many modules\n");
		return 1;
	}
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "%s\n", dlerror());
		return 1;
	}
	if ((exp = dlsym(h, "exports")) == NULL || exp->abi != MODULE_ABI) {
		fprintf(stderr, "%s: not a module\n", path);
		return 1;
	}
	mods[nmods].name = exp->name;
	mods[nmods++].h = h;
	return 0;
}

/* module:param=value */
static int
set_param(const char *spec)
{
	const struct module_exports *exp = NULL;
	const struct param_def *p;
	struct cfg_val v = { 0 };
	char mod[64], name[64], *err = NULL;
	const char *colon = strchr(spec, ':'), *eq = strchr(spec, '=');
	int i;

	if (colon == NULL || eq == NULL || eq < colon ||
	    (size_t)(colon - spec) >= sizeof(mod) ||
	    (size_t)(eq - colon - 1) >= sizeof(name)) {
		fprintf(stderr, "-p %s: expected module:param=value\n", spec);
		return 1;
	}
	snprintf(mod, sizeof(mod), "%.*s", (int)(colon - spec), spec);
	snprintf(name, sizeof(name), "%.*s", (int)(eq - colon - 1), colon + 1);
	for (i = 0; i < nmods; i++)
		if (strcmp(mods[i].name, mod) == 0)
			exp = dlsym(mods[i].h, "exports");
	if (exp == NULL || (p = param_find_def(exp->params, name)) == NULL) {
		fprintf(stderr, "-p %s: no such module or parameter\n", spec);
		return 1;
	}
	v.s = eq + 1;
	v.len = strlen(v.s);
	v.n = strtol(v.s, NULL, 10);
	v.type = p->kind == PK_INT ? CV_NUM : CV_STR;
	if (param_store(p, &v, &err) != 0) {
		fprintf(stderr, "-p %s: %s\n", spec, err ? err : "bad value");
		return 1;
	}
	return 0;
}

static int
run_sql(const char *sql, const char *url)
{
	struct db_func f;
	struct db_handle *h;
	struct db_res *res = NULL;
	int64_t t0;
	int rc;

	if (db_bind_mod(url, &f) != 0 || (h = f.init(url)) == NULL)
		return 2;
	t0 = ms_now();
	rc = f.raw_query(h, sql, NULL, 0, &res);
	printf("rc=%d ms=%lld error=%s\n", rc, (long long)(ms_now() - t0),
	    rc ? f.last_error(h) : "");
	if (rc == 0)
		f.free_result(h, res);
	f.close(h);
	return rc == 0 ? 0 : 1;
}

static int
run_loop(int secs, const char *url)
{
	static const char *const keys[] = { "table_name" };
	struct db_val v = db_val_string("location");
	struct db_func f;
	struct db_handle *h;
	struct db_res *res;
	int64_t start = ms_now(), t0, dt;
	int rc;

	if (db_bind_mod(url, &f) != 0 || (h = f.init(url)) == NULL ||
	    f.use_table(h, "version") != 0)
		return 2;
	while (ms_now() - start < (int64_t)secs * 1000) {
		t0 = ms_now();
		rc = f.query(h, keys, NULL, &v, NULL, 1, 0, NULL, &res);
		dt = ms_now() - t0;
		if (rc == 0)
			f.free_result(h, res);
		printf("%lld rc=%d ms=%lld\n", (long long)(t0 - start), rc,
		    (long long)dt);
		fflush(stdout);
		if (dt < 100)
			usleep((useconds_t)(100 - dt) * 1000);
	}
	f.close(h);
	return 0;
}

static int
run_version(const char *table, int want, const char *url)
{
	struct db_func f;
	struct db_handle *h;
	char *err = NULL;
	int rc;

	if (db_bind_mod(url, &f) != 0 || (h = f.init(url)) == NULL)
		return 2;
	rc = db_check_table_version(&f, h, table, want, &err);
	printf("rc=%d %s\n", rc, err ? err : "ok");
	pkg_free(err);
	f.close(h);
	return rc == 0 ? 0 : 1;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: db_conformance [-m MODULE.so]... "
	    "[-p mod:param=value]... [-k NAME] [--sql SQL | --loop SECS | "
	    "--version TABLE N] URL\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *sql = NULL, *filter = NULL, *vtable = NULL;
	const char *params[16];
	int np = 0, loop = 0, vwant = 0, i;
	char *uargv[4];
	int uargc = 1;

	log_stderr = true;
	log_level = L_INFO;
	signal(SIGPIPE, SIG_IGN); /* as the proxy does */
	for (i = 1; i < argc - 1; i++) {
		if (strcmp(argv[i], "-m") == 0) {
			if (load(argv[++i]) != 0)
				return 2;
		} else if (strcmp(argv[i], "-p") == 0 && np < 16) {
			params[np++] = argv[++i];
		} else if (strcmp(argv[i], "-k") == 0) {
			filter = argv[++i];
		} else if (strcmp(argv[i], "--sql") == 0) {
			sql = argv[++i];
		} else if (strcmp(argv[i], "--loop") == 0) {
			loop = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--version") == 0 && i + 2 < argc) {
			vtable = argv[++i];
			vwant = atoi(argv[++i]);
		} else {
			usage();
		}
	}
	if (i != argc - 1)
		usage();
	for (i = 0; i < np; i++)
		if (set_param(params[i]) != 0)
			return 2;
	db_case_url = argv[argc - 1];
	if (sql != NULL)
		return run_sql(sql, db_case_url);
	if (loop > 0)
		return run_loop(loop, db_case_url);
	if (vtable != NULL)
		return run_version(vtable, vwant, db_case_url);
	uargv[0] = argv[0];
	if (filter != NULL) {
		uargv[uargc++] = (char *)(uintptr_t) "-k";
		uargv[uargc++] = (char *)(uintptr_t)filter;
	}
	uargv[uargc] = NULL;
	return unit_run(db_cases, uargc, uargv);
}
