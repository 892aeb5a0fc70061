/* api/sr_api.h: the module API, all that a module may include of the core
 * (scripts/check-layers enforces it).  A module is a shared object that
 * defines
 *
 *	const struct module_exports exports = {
 *		.abi = MODULE_ABI, .name = "x", .cmds = ..., .params = ...,
 *		.init = ..., .child_init = ..., .destroy = ...,
 *	};
 *
 * and reaches the core only through what the headers below declare.
 * doc/architecture.md ("The module API") says which function of them is
 * for what; in short:
 *
 *   module exports, ABI      script/sr_module.h
 *   parameters (modparam)    cfg/cfg_param.h     struct param_def rows
 *   script functions         script/cmd.h        CMD() rows, fixups
 *   pseudo-variables, AVPs   script/pv.h, base/usr_avp.h
 *   running route blocks     script/route.h      route_get, run_actions
 *   the message              parser/ headers     lazy header parsers;
 *                            parse_contact.h, parse_expires.h,
 *                            parse_path.h (the registrar's headers)
 *   credentials              parser/parse_auth.h Authorization headers
 *   editing it               sip/data_lump.h     lumps
 *   replies, relaying        sip/forward.h, sip/route_set.h, sip/ruri.h,
 *                            sip/target.h ($du, Path, connection, branches)
 *   sending                  sip/transport.h, net/dest_info.h,
 *                            net/socket_info.h, net/tcp_send.h (fail hooks)
 *   DNS, next-hop blocklist  net/dns_res.h (cached lookups),
 *                            net/dst_blacklist.h
 *   receive hooks            sip/receive.h       request/reply/done lists
 *   timers, clock            base/timer.h
 *   processes                base/proc.h         process_no, watched locks
 *   memory, locks            mem/pkg.h, mem/shm.h, mem/lock.h
 *   databases                db/db.h             bind by URL, bound values
 *   statistics               base/stat.h
 *   control (FIFO) commands  base/ctl_cmd.h      ctl_cmd_register
 *   logging, errors, strings base/log.h, base/err.h, base/str.h
 *   digests (ids, not auth)  base/hash.h
 *
 * A module includes this one header (and its own); it never includes a
 * core header by path.  MODULE_ABI changes with the size of every struct
 * a module and the core share, so a module built against other headers
 * is refused at load time. */
#ifndef API_SR_API_H
#define API_SR_API_H

#include "../base/ctl_cmd.h"
#include "../base/err.h"
#include "../base/hash.h"
#include "../base/ip_addr.h"
#include "../base/log.h"
#include "../base/proc.h"
#include "../base/proto.h"
#include "../base/stat.h"
#include "../base/str.h"
#include "../base/timer.h"
#include "../base/usr_avp.h"
#include "../cfg/cfg_param.h"
#include "../db/db.h"
#include "../mem/lock.h"
#include "../mem/pkg.h"
#include "../mem/shm.h"
#include "../net/dest_info.h"
#include "../net/dns_res.h"
#include "../net/dst_blacklist.h"
#include "../net/socket_info.h"
#include "../net/tcp_send.h"
#include "../parser/msg_parser.h"
#include "../parser/parse_addr.h"
#include "../parser/parse_auth.h"
#include "../parser/parse_contact.h"
#include "../parser/parse_expires.h"
#include "../parser/parse_param.h"
#include "../parser/parse_path.h"
#include "../parser/parse_uri.h"
#include "../parser/parse_via.h"
#include "../script/cmd.h"
#include "../script/pv.h"
#include "../script/route.h"
#include "../script/sr_module.h"
#include "../sip/data_lump.h"
#include "../sip/forward.h"
#include "../sip/receive.h"
#include "../sip/route_set.h"
#include "../sip/ruri.h"
#include "../sip/target.h"
#include "../sip/transport.h"
#include "module_abi.h"

#endif
