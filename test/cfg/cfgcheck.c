/* cfgcheck.c: a stand-in for "kamailio -c [--print] -f file" until main.c
 * exists.  Accepts any loadmodule/modparam, sets globals through the core
 * table, prints the errors; exit 1 on error.  -p prints the routes. */
#include <stdio.h>
#include <string.h>

#include "../../cfg/cfg.h"
#include "../../cfg/cfg_tls.h"
#include "../../mem/pkg.h"

static int
any_module(const char *path, const struct cfg_pos *pos, char **err)
{
	(void)path;
	(void)pos;
	(void)err;
	return 0;
}

static int
any_param(const char *mod, const char *param, const struct cfg_val *v,
    char **err)
{
	(void)mod;
	(void)param;
	(void)v;
	(void)err;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct cfg_hooks h = {
		.loadmodule = any_module,
		.modparam = any_param,
	};
	struct route_block *r = NULL;
	int nerr = 0, print = 0, rc;

#ifdef USE_TLS
	cfg_tls_compiled = true;
#endif
	if (argc > 2 && strcmp(argv[1], "-p") == 0) {
		print = 1;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: cfgcheck [-p] file.cfg\n");
		return 2;
	}
	rc = cfg_parse_file(argv[1], &h, &r, &nerr);
	if (rc == 0 && print)
		cfg_print_routes(stdout, r);
	route_blocks_free(r);
	core_cfg_reset();
	tls_cfg_reset();
	if (rc != 0)
		fprintf(stderr, "%s: %d error(s)\n", argv[1], nerr);
	return rc == 0 ? 0 : 1;
}
