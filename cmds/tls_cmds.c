/* cmds/tls_cmds.c: $tls_* and is_peer_verified() (see tls_cmds.h). */
#include <string.h>

#include "../base/err.h"
#include "../cfg/cfg_tls.h"
#include "../parser/msg_parser.h"
#include "../sip/transport.h"
#include "../tls/tls.h"
#include "tls_cmds.h"

static int
msg_conn(const struct sip_msg *msg)
{
	if (msg == NULL || msg->rcv.proto != PROTO_TLS)
		return 0;
	return msg->rcv.conn_id;
}

static int
set_str(struct pv_value *out, const char *s)
{
	if (s == NULL) {
		out->flags = PV_NULL;
		return 0;
	}
	out->flags = PV_STR;
	out->s = str_from(s);    /* owned by the tls_conn: outlives msg */
	return 0;
}

static int
tls_pv_get(struct sip_msg *msg, const struct pv_spec *sp,
    struct pv_value *out)
{
	enum tls_info f = (enum tls_info)sp->exp->id;
	const char *s;
	long n;

	memset(out, 0, sizeof(*out));
	out->flags = PV_NULL;
	if (!tls_conn_info(msg_conn(msg), f, &s, &n))
		return 0;
	if (f == TLS_INFO_CIPHER_BITS || f == TLS_INFO_PEER_VERIFIED)
		return pv_value_set_int(out, n);
	return set_str(out, s);
}

/* clang-format off */
const struct pv_export tls_pv_exports[] = {
	{ .name = "tls_version",          .get = tls_pv_get, .id = TLS_INFO_VERSION },
	{ .name = "tls_cipher_info",      .get = tls_pv_get, .id = TLS_INFO_CIPHER },
	{ .name = "tls_cipher_bits",      .get = tls_pv_get, .id = TLS_INFO_CIPHER_BITS },
	{ .name = "tls_peer_subject",     .get = tls_pv_get, .id = TLS_INFO_PEER_SUBJECT },
	{ .name = "tls_peer_subject_cn",  .get = tls_pv_get, .id = TLS_INFO_PEER_CN },
	{ .name = "tls_peer_issuer",      .get = tls_pv_get, .id = TLS_INFO_PEER_ISSUER },
	{ .name = "tls_peer_serial",      .get = tls_pv_get, .id = TLS_INFO_PEER_SERIAL },
	{ .name = "tls_peer_verified",    .get = tls_pv_get, .id = TLS_INFO_PEER_VERIFIED },
	{ .name = "tls_peer_notBefore",   .get = tls_pv_get, .id = TLS_INFO_PEER_NOT_BEFORE },
	{ .name = "tls_peer_notAfter",    .get = tls_pv_get, .id = TLS_INFO_PEER_NOT_AFTER },
	{ .name = "tls_peer_server_name", .get = tls_pv_get, .id = TLS_INFO_SERVER_NAME },
	{ .name = "tls_my_subject",       .get = tls_pv_get, .id = TLS_INFO_MY_SUBJECT },
	{ .name = NULL },
};
/* clang-format on */

static int
w_is_peer_verified(struct sip_msg *msg, const struct cmd_args *a)
{
	const char *s;
	long n;

	(void)a;
	return tls_conn_info(msg_conn(msg), TLS_INFO_PEER_VERIFIED, &s, &n) &&
	    n != 0 ? 1 : -1;
}

/* clang-format off */
const struct cmd_export tls_cmd_exports[] = {
	{ .name = "is_peer_verified", .fn = w_is_peer_verified, .nargs = 0,
	  .route_types = RT_ANY,
	  .doc = "true if the message came over TLS from a peer whose "
		 "certificate verified" },
	CMD_END,
};
/* clang-format on */

int
tls_pv_register(void)
{
	return tls_compiled() ? pv_register(tls_pv_exports) : 0;
}

int
tls_cmds_register(void)
{
	if (!tls_compiled())
		return cmd_register_unavailable("is_peer_verified",
		    TLS_NOT_COMPILED_MSG);
	if (!transport_available(PROTO_TLS))
		return cmd_register_unavailable("is_peer_verified",
		    "TLS is off: set disable_tls=0 or configure TLS");
	return cmd_register("core", tls_cmd_exports);
}
