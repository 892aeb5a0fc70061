/* sl: stateless replies from the script. */
#define LOG_MODULE "sl"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../sip/forward.h"
#include "../../base/log.h"
#include "../../mem/pkg.h"
#include "../../script/sr_module.h"

static int
fixup_code(struct action *a, int idx, char **err)
{
	int rc;

	if (idx != 0)
		return 0;
	if ((rc = fixup_int(a, idx, err)) != 0)
		return rc;
	if ((intptr_t)a->fixed[0] < 100 || (intptr_t)a->fixed[0] > 699) {
		*err = pkg_strndup("a reply code is 100..699", 24);
		return E_INVAL;
	}
	return 0;
}

static int
w_sl_send_reply(struct sip_msg *msg, const struct cmd_args *a)
{
	int code = (int)(intptr_t)a->fixed[0];
	int rc;

	if (msg->first.type != SIP_REQUEST)
		return -1;
	if (msg->first.method_id == METHOD_ACK)
		return 1;
	if ((rc = reply_local(msg, code, a->fixed[1])) != 0) {
		LM_ERR("cannot send %d reply: %s", code, err_str(rc));
		return -1;
	}
	return 1;
}

static int
w_sl_reply_error(struct sip_msg *msg, const struct cmd_args *a)
{
	(void)a;
	if (msg->first.type != SIP_REQUEST)
		return -1;
	return reply_local(msg, 500, "Server Internal Error") == 0 ? 1 : -1;
}

/* clang-format off */
static const struct cmd_export cmds[] = {
	{ "sl_send_reply",  w_sl_send_reply,  2, fixup_code, RT_REQUEST | RT_FAILURE },
	{ "sl_reply_error", w_sl_reply_error, 0, NULL,       RT_REQUEST | RT_FAILURE },
	CMD_END
};
/* clang-format on */

const struct module_exports exports = {
	.abi = MODULE_ABI,
	.name = "sl",
	.cmds = cmds,
};
