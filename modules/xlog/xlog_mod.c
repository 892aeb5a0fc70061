/* xlog: log lines with pseudo-variables: xlog([level,] "format"), xdbg. */
#define LOG_MODULE "xlog"
#include <stdint.h>
#include <string.h>

#include "../../api/sr_api.h"

static int
fixup_xlog(struct action *a, int idx, char **err)
{
	if (a->nargs == 2 && idx == 0) {
		int lev;

		if (!log_level_parse(a->args[0].s, &lev)) {
			*err = pkg_strndup("expected a level L_ALERT..L_DBG", 31);
			return E_INVAL;
		}
		a->fixed[0] = (void *)(intptr_t)lev;
		return 0;
	}
	return fixup_pvfmt(a, idx, err);
}

static int
xlog_at(struct sip_msg *msg, int lev, const struct pv_fmt *f)
{
	char buf[4096];

	if (!LOG_ON(lev))
		return 1;
	pv_fmt_print(msg, f, buf, sizeof(buf));
	log_emit(lev, "script", "xlog", "%s", buf);
	return 1;
}

static int
w_xlog1(struct sip_msg *msg, const struct cmd_args *a)
{
	return xlog_at(msg, L_ERR, a->fixed[0]);
}

static int
w_xlog2(struct sip_msg *msg, const struct cmd_args *a)
{
	return xlog_at(msg, (int)(intptr_t)a->fixed[0], a->fixed[1]);
}

static int
w_xdbg(struct sip_msg *msg, const struct cmd_args *a)
{
	return xlog_at(msg, L_DBG, a->fixed[0]);
}

/* clang-format off */
static const struct cmd_export cmds[] = {
	CMD("xlog", w_xlog1, 1, fixup_xlog, RT_ANY,
	    "write a formatted log line (pseudo-variables expanded) at L_ERR"),
	CMD("xlog", w_xlog2, 2, fixup_xlog, RT_ANY,
	    "write a formatted log line at the given level"),
	CMD("xdbg", w_xdbg, 1, fixup_xlog, RT_ANY,
	    "write a formatted log line at L_DBG"),
	CMD_END
};
/* clang-format on */

const struct module_exports exports = {
	.abi = MODULE_ABI,
	.name = "xlog",
	.cmds = cmds,
};
