/* maxfwd: Max-Forwards processing (RFC 3261 §16.3 step 3, §16.6 step 3).
 *
 * mf_process_maxfwd_header(max): no header -> add "Max-Forwards: max",
 * true; value 0 -> false (the script answers 483); otherwise decrement
 * (and cap at max_limit), true.  A malformed value is answered 400 and
 * the script stops. */
#define LOG_MODULE "maxfwd"
#include <stdint.h>
#include <stdio.h>

#include "../../api/sr_api.h"

static int max_limit; /* default: its row below */

static int
fixup_max(struct action *a, int idx, char **err)
{
	return fixup_int_range(a, idx, 1, 255, "the Max-Forwards limit", err);
}

static int
w_process_maxfwd(struct sip_msg *msg, const struct cmd_args *a)
{
	int max = (int)(intptr_t)a->fixed[0];
	struct hdr_field *h = msg->h[HDR_MAXFORWARDS];
	char tmp[32];
	int v, n;

	if (msg->first.type != SIP_REQUEST)
		return -1;
	if (msg->core_flags & MSG_FLAG_MAXFWD_DONE)
		return 1;
	if (h == NULL) {
		n = snprintf(tmp, sizeof(tmp), "Max-Forwards: %d\r\n", max);
		if (lump_insert(msg, msg_hdrs_end(msg), tmp, (size_t)n) != 0)
			return -1;
		msg->core_flags |= MSG_FLAG_MAXFWD_DONE;
		return 1;
	}
	if ((v = parse_maxfwd(msg)) < 0) {
		LM_DBG("bad Max-Forwards value: answering 400");
		reply_local(msg, 400, "Bad Max-Forwards");
		return 0;
	}
	if (v == 0)
		return -1;
	v--;
	if (v > max_limit)
		v = max_limit;
	n = snprintf(tmp, sizeof(tmp), "%d", v);
	if (lump_delete(msg, (size_t)(h->body.s - msg->buf), h->body.len) ||
	    lump_insert(msg, (size_t)(h->body.s - msg->buf), tmp, (size_t)n))
		return -1;
	msg->core_flags |= MSG_FLAG_MAXFWD_DONE;
	return 1;
}

/* clang-format off */
static const struct cmd_export cmds[] = {
	CMD("mf_process_maxfwd_header", w_process_maxfwd, 1, fixup_max, RT_REQUEST,
	    "add Max-Forwards (max) or lower it; false when it is 0 (answer 483)"),
	CMD_END
};

static const struct param_def params[] = {
	PARAM_INT("max_limit", &max_limit, 1, 255, 70, PS_MODULE,
	    "highest Max-Forwards value passed on (a higher one is lowered to it)"),
	PARAM_END
};
/* clang-format on */

const struct module_exports exports = {
	.abi = MODULE_ABI,
	.name = "maxfwd",
	.cmds = cmds,
	.params = params,
};
