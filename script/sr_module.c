/* sr_module.c: loading modules (with their parameters' defaults),
 * modparam, and listing the module directory for the reference. */
#define LOG_MODULE "core"
#include <dlfcn.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/err.h"
#include "../cfg/core_cfg.h"
#include "../base/log.h"
#include "../mem/pkg.h"
#include "../api/module_abi.h"
#include "sr_module.h"
#include "sr_module_core.h"

/* The installed module directory, relative to the binary's (the Makefile
 * passes the one of its layout). */
#ifndef MOD_DIR_REL
#define MOD_DIR_REL "../lib/" NAME "/modules"
#endif

struct sr_module {
	char *path;
	void *handle;
	const struct module_exports *exp;
	struct sr_module *next;
};

static struct sr_module *modules, **modules_tail = &modules;

__attribute__((format(printf, 1, 2))) static char *
errf(const char *fmt, ...)
{
	char *e = pkg_malloc(PATH_MAX + 256);
	va_list ap;

	if (e != NULL) {
		va_start(ap, fmt);
		vsnprintf(e, PATH_MAX + 256, fmt, ap);
		va_end(ap);
	}
	return e;
}

static bool
file_ok(const char *p)
{
	return access(p, R_OK) == 0;
}

/* Directory of the running binary, with a trailing '/'. */
static void
exe_dir(char *out, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", out, size - 1);
	char *slash;

	if (n <= 0) {
		out[0] = '\0';
		return;
	}
	out[n] = '\0';
	if ((slash = strrchr(out, '/')) != NULL)
		slash[1] = '\0';
}

/* "sl.so" or "sl" may mean "<dir>/sl.so" (the installed module
 * directory) or "<dir>/sl/sl.so" (the build tree). */
static bool
try_dir(const char *dir, const char *name, char *out, size_t size)
{
	char base[256];
	size_t bl;

	if (dir == NULL || dir[0] == '\0')
		return false;
	snprintf(out, size, "%s/%s", dir, name);
	if (file_ok(out))
		return true;
	snprintf(base, sizeof(base), "%s", strrchr(name, '/') ?
	    strrchr(name, '/') + 1 : name);
	bl = strlen(base);
	if (bl > 3 && strcmp(base + bl - 3, ".so") == 0)
		base[bl - 3] = '\0';
	snprintf(out, size, "%s/%s.so", dir, base);
	if (file_ok(out))
		return true;
	snprintf(out, size, "%s/%s/%s.so", dir, base, base);
	if (file_ok(out))
		return true;
	snprintf(out, size, "%s/modules/%s/%s.so", dir, base, base);
	return file_ok(out);
}

static bool
module_find_file(const char *path, char *out, size_t size)
{
	char dir[PATH_MAX];

	if (path[0] == '/') {
		snprintf(out, size, "%s", path);
		return file_ok(out);
	}
	if (try_dir(core_cfg.mpath, path, out, size))
		return true;
	if (try_dir(core_cfg.cfg_dir, path, out, size))
		return true;
	if (try_dir(".", path, out, size))
		return true;
	exe_dir(dir, sizeof(dir));
	if (dir[0] && try_dir(dir, path, out, size))
		return true;
	if (dir[0]) {
		strncat(dir, MOD_DIR_REL, sizeof(dir) -
		    strlen(dir) - 1);
		if (try_dir(dir, path, out, size))
			return true;
	}
	return try_dir(DEFAULT_MOD_DIR, path, out, size);
}

/* An mpath that is no directory is kept (configs written for another
 * host still check) but said once, at the first loadmodule. */
static void
mpath_check(const struct cfg_pos *pos)
{
	static bool said;
	const char *mp = core_cfg.mpath;
	struct stat st;

	if (said || mp == NULL || mp[0] == '\0')
		return;
	said = true;
	if (stat(mp, &st) == 0 && S_ISDIR(st.st_mode))
		return;
	LM_WARN("%s:%d:%d: loadmodule: mpath \"%s\" is not a directory: "
	    "modules are looked up in the other places only; set mpath to "
	    "the directory that holds the modules",
	    pos && pos->file ? pos->file : "?",
	    pos ? pos->line : 0, pos ? pos->col : 0, mp);
}

/* The error for a module no directory has: every place looked in, and
 * what to do. */
static void
module_not_found(const char *path, char **err)
{
	char dir[PATH_MAX], lib[PATH_MAX];
	const char *mp = core_cfg.mpath;

	if (path[0] == '/') {
		*err = errf("module \"%s\" not found: no such readable file; "
			    "fix the path, or write loadmodule \"%s\" and "
			    "set mpath to the directory holding the modules",
		    path, strrchr(path, '/') + 1);
		return;
	}
	exe_dir(dir, sizeof(dir));
	snprintf(lib, sizeof(lib), "%s../lib/" NAME "/modules", dir);
	*err = errf("module \"%s\" not found; looked in mpath (%s%s%s), "
		    "the config's directory \"%s\", \".\", \"%s\", \"%s\" "
		    "and \"%s\"; set mpath=\"/path/to/modules/\" before the "
		    "loadmodule lines, or give loadmodule an absolute path",
	    path, mp && mp[0] ? "\"" : "", mp && mp[0] ? mp : "not set",
	    mp && mp[0] ? "\"" : "",
	    core_cfg.cfg_dir ? core_cfg.cfg_dir : "", dir, lib,
	    DEFAULT_MOD_DIR);
}

/* dlopen file and check its exports.  0 or E_INVAL with *err. */
static int
module_open(const char *file, void **handle,
    const struct module_exports **exp, char **err)
{
	void *h;

	if ((h = dlopen(file, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		*err = errf("cannot load module %s: %s", file, dlerror());
		return E_INVAL;
	}
	if ((*exp = dlsym(h, "exports")) == NULL ||
	    (*exp)->abi != MODULE_ABI) {
		*err = errf("%s is not a module of this proxy (no exports or "
			    "wrong ABI)", file);
		dlclose(h);
		return E_INVAL;
	}
	*handle = h;
	return 0;
}

int
module_load(const char *path, const struct cfg_pos *pos, char **err)
{
	char file[PATH_MAX];
	struct sr_module *m;
	const struct module_exports *exp;
	void *h;

	mpath_check(pos);
	if (!module_find_file(path, file, sizeof(file))) {
		module_not_found(path, err);
		return E_NOTFOUND;
	}
	if (module_open(file, &h, &exp, err) != 0)
		return E_INVAL;
	for (m = modules; m != NULL; m = m->next)
		if (strcmp(m->exp->name, exp->name) == 0) {
			LM_WARN("module %s loaded twice; keeping the first",
			    exp->name);
			return 0;
		}
	/* the rows are the one place a module's defaults are written: its
	 * variables get them now, before any modparam (strings as pkg
	 * copies, which a later modparam frees) */
	if (param_defaults(exp->params, NULL, true) != 0)
		return E_NOMEM;
	if ((m = pkg_zalloc(sizeof(*m))) == NULL ||
	    (m->path = pkg_strndup(file, strlen(file))) == NULL) {
		pkg_free(m);
		return E_NOMEM;
	}
	m->handle = h;
	m->exp = exp;
	*modules_tail = m;
	modules_tail = &m->next;
	return 0;
}

static struct sr_module *
module_by_name(const char *name)
{
	struct sr_module *m;

	for (m = modules; m != NULL; m = m->next)
		if (strcmp(m->exp->name, name) == 0)
			return m;
	return NULL;
}

const void *
module_api_find(const char *mod, const char *name)
{
	struct sr_module *m = module_by_name(mod);
	const struct module_api *a;

	if (m == NULL)
		return NULL;
	for (a = m->exp->apis; a != NULL && a->name != NULL; a++)
		if (strcmp(a->name, name) == 0)
			return a->api;
	return NULL;
}

bool
module_loaded(const char *name)
{
	return module_by_name(name) != NULL;
}

int
module_param(const char *mod, const char *param, const struct cfg_val *v,
    char **err)
{
	struct sr_module *m = module_by_name(mod);
	const struct param_def *p;
	char *e;
	int rc;

	if (m == NULL) {
		*err = errf("modparam for module \"%s\", which is not loaded "
			    "(loadmodule must come first)", mod);
		return E_NOTFOUND;
	}
	if (m->exp->params == NULL ||
	    (p = param_find_def(m->exp->params, param)) == NULL) {
		*err = errf("module %s has no parameter \"%s\"", mod, param);
		return E_NOTFOUND;
	}
	if ((rc = param_store(p, v, err)) != 0) {
		/* the setter's text says what is wrong; name the row it is */
		e = errf("%s (modparam \"%s\", \"%s\")",
		    *err != NULL ? *err : err_str(rc), mod, param);
		if (e != NULL) {
			pkg_free(*err);
			*err = e;
		}
	}
	return rc;
}

int
modules_register_cmds(void)
{
	struct sr_module *m;
	int rc;

	for (m = modules; m != NULL; m = m->next)
		if (m->exp->cmds != NULL &&
		    (rc = cmd_register(m->exp->name, m->exp->cmds)) != 0)
			return rc;
	return 0;
}

int
modules_init(void)
{
	struct sr_module *m;

	for (m = modules; m != NULL; m = m->next)
		if (m->exp->init != NULL && m->exp->init() != 0) {
			LM_CRIT("module %s failed to initialise", m->exp->name);
			return E_INVAL;
		}
	return 0;
}

int
modules_child_init(int rank)
{
	struct sr_module *m;

	for (m = modules; m != NULL; m = m->next)
		if (m->exp->child_init != NULL &&
		    m->exp->child_init(rank) != 0) {
			LM_CRIT("module %s failed to initialise in process "
				"rank %d", m->exp->name, rank);
			return E_INVAL;
		}
	return 0;
}

void
modules_destroy(void)
{
	struct sr_module *m;

	for (m = modules; m != NULL; m = m->next)
		if (m->exp->destroy != NULL)
			m->exp->destroy();
}

void
modules_list(void (*fn)(const char *name, const char *path))
{
	struct sr_module *m;

	for (m = modules; m != NULL; m = m->next)
		fn(m->exp->name, m->path);
}

/* The module files of the binary's module directory: the build tree's
 * <bindir>/modules/<m>/<m>.so, else the installed <bindir>/MOD_DIR_REL/
 * <m>.so.  0 with *g filled (globfree it), or E_NOTFOUND. */
static int
module_dir_glob(glob_t *g)
{
	char dir[PATH_MAX], pat[PATH_MAX + 64];

	exe_dir(dir, sizeof(dir));
	if (dir[0] == '\0')
		return E_NOTFOUND;
	snprintf(pat, sizeof(pat), "%smodules/*/*.so", dir);
	if (glob(pat, 0, NULL, g) == 0)
		return 0;
	globfree(g);
	snprintf(pat, sizeof(pat), "%s" MOD_DIR_REL "/*.so", dir);
	if (glob(pat, 0, NULL, g) == 0)
		return 0;
	globfree(g);
	return E_NOTFOUND;
}

int
modules_list_dir(void (*fn)(const char *file,
    const struct module_exports *exp, void *arg), void *arg, char **err)
{
	const struct module_exports *exp;
	glob_t g;
	void *h;
	size_t i;
	int rc;

	if (module_dir_glob(&g) != 0) {
		*err = errf("no module files next to the binary (modules/*/"
			    "*.so or " MOD_DIR_REL "/*.so)");
		return E_NOTFOUND;
	}
	for (i = 0, rc = 0; i < g.gl_pathc && rc == 0; i++) {
		if ((rc = module_open(g.gl_pathv[i], &h, &exp, err)) != 0)
			break;
		fn(g.gl_pathv[i], exp, arg);
		dlclose(h);
	}
	globfree(&g);
	return rc;
}
