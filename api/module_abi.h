/* api/module_abi.h: MODULE_ABI, the number a module's exports carry and
 * the loader compares with its own (see api/sr_api.h). */
#ifndef API_MODULE_ABI_H
#define API_MODULE_ABI_H

#include "../base/ip_addr.h"
#include "../cfg/cfg_param.h"
#include "../net/dest_info.h"
#include "../parser/msg_parser.h"
#include "../script/cmd.h"
#include "../script/pv.h"
#include "../script/sr_module.h"

/* Bump MODULE_ABI_VERSION for a change that keeps every size (a field
 * reordered, a function's meaning changed). */
#define MODULE_ABI_VERSION 2
#define MODULE_ABI                                                        \
	((int)((MODULE_ABI_VERSION * 1000003u) ^                          \
	    (unsigned)(sizeof(struct module_exports) << 24) ^             \
	    (unsigned)(sizeof(struct cmd_export) << 20) ^                 \
	    (unsigned)(sizeof(struct param_def) << 16) ^                  \
	    (unsigned)(sizeof(struct sip_msg) << 4) ^                     \
	    (unsigned)(sizeof(struct hdr_field) << 12) ^                  \
	    (unsigned)(sizeof(struct action) << 8) ^                      \
	    (unsigned)(sizeof(struct dest_info) << 14) ^                  \
	    (unsigned)(sizeof(struct receive_info) << 18) ^               \
	    (unsigned)(sizeof(struct pv_value) << 22) ^                   \
	    (unsigned)(sizeof(struct cmd_args) << 26)))

#endif
