/* fuzz_cfg.c: the config parser on arbitrary input, with hooks that
 * accept everything; everything built is freed again.  Links libcore.a
 * (the generated grammar included) like every target: test/fuzz/fuzz.mk. */
#include <stdint.h>
#include <stdio.h>

#include "../../cfg/cfg.h"
#include "../../cfg/cfg_tls.h"

static int
no_global(const char *name, const struct cfg_val *v, char **err)
{
	/* run the real setters too: they must not crash on odd values */
	int rc = core_param_set(name, v, err);

	return rc;
}

static int
no_module(const char *path, const struct cfg_pos *pos, char **err)
{
	(void)path;
	(void)pos;
	(void)err;
	return 0;
}

static int
no_param(const char *mod, const char *param, const struct cfg_val *v,
    char **err)
{
	(void)mod;
	(void)param;
	(void)v;
	(void)err;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cfg_hooks h = {
		.global = no_global,
		.loadmodule = no_module,
		.modparam = no_param,
	};
	struct route_block *r = NULL;
	int nerr = 0;

	if (h.err_file == NULL &&
	    (h.err_file = fopen("/dev/null", "w")) == NULL)
		return 0;
	cfg_parse_buffer("fuzz.cfg", (const char *)data, size, &h, &r, &nerr);
	cfg_print_routes(h.err_file, r);
	route_blocks_free(r);
	core_cfg_reset();
	tls_cfg_reset();
	return 0;
}
