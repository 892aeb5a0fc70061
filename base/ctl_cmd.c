/* base/ctl_cmd.c: control commands registered by modules, and their
 * answers (see ctl_cmd.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../mem/pkg.h"
#include "ctl_cmd.h"
#include "err.h"

/* pkg of the main process, inherited by fork, read-only after it */
static struct ctl_cmd cmds[CTL_CMD_MAX];
static int ncmds;

int
ctl_cmd_register(const char *name, ctl_cmd_fn fn, const char *doc)
{
	size_t n;
	int i;

	if (name == NULL || fn == NULL)
		return E_INVAL;
	n = strspn(name,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-");
	if (n == 0 || n > 31 || name[n] != '\0')
		return E_INVAL;
	for (i = 0; i < ncmds; i++)
		if (strcmp(cmds[i].name, name) == 0)
			return E_INVAL;
	if (ncmds == CTL_CMD_MAX)
		return E_TOOBIG;
	cmds[ncmds++] = (struct ctl_cmd){ .name = name,
		.fn = fn,
		.doc = doc != NULL ? doc : "" };
	return 0;
}

int
ctl_cmd_count(void)
{
	return ncmds;
}

const struct ctl_cmd *
ctl_cmd_get(int i)
{
	return i >= 0 && i < ncmds ? &cmds[i] : NULL;
}

void
ctl_cmd_reset(void)
{
	ncmds = 0;
}

void
ctl_out_status(struct ctl_out *o, int code, const char *fmt, ...)
{
	va_list ap;
	char *nl;

	o->code = code;
	va_start(ap, fmt);
	vsnprintf(o->reason, sizeof(o->reason), fmt, ap);
	va_end(ap);
	if ((nl = strpbrk(o->reason, "\r\n")) != NULL)
		*nl = '\0';
}

static bool
out_grow(struct ctl_out *o, size_t need)
{
	size_t cap;
	char *p;

	if (o->too_big)
		return false;
	if (o->len + need + 1 <= o->cap)
		return true;
	if (o->len + need + 1 > CTL_OUT_MAX) {
		o->too_big = true;
		return false;
	}
	cap = o->cap ? o->cap : 1024;
	while (cap < o->len + need + 1)
		cap *= 2;
	if ((p = pkg_realloc(o->body, cap)) == NULL) {
		o->too_big = true;
		return false;
	}
	o->body = p;
	o->cap = cap;
	return true;
}

void
ctl_out_printf(struct ctl_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0 || !out_grow(o, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(o->body + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

void
ctl_out_json_str(struct ctl_out *o, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	ctl_out_printf(o, "\"");
	for (i = 0; i < len; i++) {
		if (p[i] == '"' || p[i] == '\\')
			ctl_out_printf(o, "\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] == 0x7f)
			ctl_out_printf(o, "\\u%04x", p[i]);
		else
			ctl_out_printf(o, "%c", p[i]);
	}
	ctl_out_printf(o, "\"");
}

void
ctl_out_free(struct ctl_out *o)
{
	pkg_free(o->body);
	o->body = NULL;
	o->len = o->cap = 0;
}
