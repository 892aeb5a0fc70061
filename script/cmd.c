/* script/cmd.c: the function registry and the shared fixups (see
 * cmd.h). */
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/err.h"
#include "../mem/pkg.h"
#include "cmd.h"
#include "pv.h"

#define CMD_TABLES 64
#define CMD_UNAVAILABLE 32

static struct {
	const char *owner;
	const struct cmd_export *table;
} tables[CMD_TABLES];
static int n_tables;

static struct {
	const char *name;
	const char *why;
} unavail[CMD_UNAVAILABLE];
static int n_unavail;

int
cmd_register(const char *owner, const struct cmd_export *table)
{
	if (n_tables == CMD_TABLES)
		return E_TOOBIG;
	tables[n_tables].owner = owner;
	tables[n_tables].table = table;
	n_tables++;
	return 0;
}

int
cmd_register_unavailable(const char *name, const char *why)
{
	if (n_unavail == CMD_UNAVAILABLE)
		return E_NOMEM;
	unavail[n_unavail].name = name;
	unavail[n_unavail].why = why;
	n_unavail++;
	return 0;
}

const struct cmd_export *
cmd_find(const char *name, int nargs)
{
	const struct cmd_export *c;
	int i;

	for (i = 0; i < n_tables; i++)
		for (c = tables[i].table; c != NULL && c->name != NULL; c++)
			if (c->nargs == nargs && strcmp(c->name, name) == 0)
				return c;
	return NULL;
}

const char *
cmd_unavailable(const char *name)
{
	int i;

	for (i = 0; i < n_unavail; i++)
		if (strcmp(unavail[i].name, name) == 0)
			return unavail[i].why;
	return NULL;
}

void
cmd_foreach(void (*fn)(const char *owner, const struct cmd_export *c,
    void *arg), void *arg)
{
	const struct cmd_export *c;
	int i;

	for (i = 0; i < n_tables; i++)
		for (c = tables[i].table; c != NULL && c->name != NULL; c++)
			fn(tables[i].owner, c, arg);
}

void
cmd_registry_reset(void)
{
	n_tables = 0;
	n_unavail = 0;
}

/* ---------------------------------------------------------- fixups */

int
fixup_int(struct action *a, int idx, char **err)
{
	char *end;
	long v;

	if (a->args[idx].type == ARG_NUM) {
		a->fixed[idx] = (void *)(intptr_t)a->args[idx].n;
		return 0;
	}
	v = strtol(a->args[idx].s, &end, 10);
	if (a->args[idx].s[0] == '\0' || *end != '\0') {
		*err = err_dup("expected a number");
		return E_INVAL;
	}
	a->fixed[idx] = (void *)(intptr_t)v;
	return 0;
}

int
fixup_int_range(struct action *a, int idx, long min, long max,
    const char *what, char **err)
{
	char msg[96];
	int rc = fixup_int(a, idx, err);

	if (rc == 0 && ((intptr_t)a->fixed[idx] < min ||
			   (intptr_t)a->fixed[idx] > max)) {
		snprintf(msg, sizeof(msg), "%s is %ld..%ld", what, min, max);
		*err = err_dup(msg);
		return E_INVAL;
	}
	return rc;
}

int
fixup_reply_code(struct action *a, int idx, char **err)
{
	if (idx != 0)
		return 0;
	return fixup_int_range(a, idx, 100, 699, "a reply code", err);
}

int
fixup_pvfmt(struct action *a, int idx, char **err)
{
	struct pv_fmt *f;

	if (pv_fmt_parse(a->args[idx].s, a->args[idx].len, &f, err) != 0)
		return E_INVAL;
	a->fixed[idx] = f;
	return 0;
}

int
fixup_regex_flags(struct action *a, int idx, int cflags, char **err)
{
	regex_t *re = pkg_malloc(sizeof(*re));
	int rc;

	if (re == NULL)
		return E_NOMEM;
	rc = regcomp(re, a->args[idx].s, REG_EXTENDED | REG_ICASE | cflags);
	if (rc != 0) {
		char msg[160];

		regerror(rc, re, msg, sizeof(msg));
		*err = err_dup(msg);
		pkg_free(re);
		return E_INVAL;
	}
	a->fixed[idx] = re;
	return 0;
}

int
fixup_regex(struct action *a, int idx, char **err)
{
	return fixup_regex_flags(a, idx, 0, err);
}
