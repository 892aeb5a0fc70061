/* sl: stateless replies from the script. */
#define LOG_MODULE "sl"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../api/sr_api.h"

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
	CMD("sl_send_reply", w_sl_send_reply, 2, fixup_reply_code, RT_REQUEST | RT_FAILURE,
	    "send a stateless reply: code, reason"),
	CMD("sl_reply_error", w_sl_reply_error, 0, NULL, RT_REQUEST | RT_FAILURE,
	    "send a stateless 500 reply for an internal error"),
	CMD_END
};
/* clang-format on */

const struct module_exports exports = {
	.abi = MODULE_ABI,
	.name = "sl",
	.cmds = cmds,
};
