/* tls/tls_pv.c: $tls_* pseudo-variables and is_peer_verified(). */
#define LOG_MODULE "tls"
#include <stdio.h>
#include <string.h>

#include "../base/err.h"
#include "../parser/msg_parser.h"
#include "../script/pv.h"
#include "../script/sr_module.h"
#include "tls_pv.h"
#include "tls_server.h"

struct tls_conn *(*tls_conn_lookup)(int conn_id);

enum tls_pv_id {
	TPV_VERSION,
	TPV_CIPHER,
	TPV_BITS,
	TPV_PEER_SUBJECT,
	TPV_PEER_CN,
	TPV_PEER_ISSUER,
	TPV_PEER_SERIAL,
	TPV_PEER_VERIFIED,
	TPV_PEER_NOT_BEFORE,
	TPV_PEER_NOT_AFTER,
	TPV_SERVER_NAME,
	TPV_MY_SUBJECT,
};

static struct tls_conn *
msg_conn(struct sip_msg *msg)
{
	if (msg == NULL || msg->rcv.proto != PROTO_TLS ||
	    msg->rcv.conn_id == 0 || tls_conn_lookup == NULL)
		return NULL;
	return tls_conn_lookup(msg->rcv.conn_id);
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
set_int(struct pv_value *out, long n)
{
	int k = snprintf(out->buf, sizeof(out->buf), "%ld", n);

	out->flags = PV_INT | PV_STR;
	out->n = n;
	out->s.s = out->buf;
	out->s.len = (size_t)k;
	return 0;
}

static int
tls_pv_get(struct sip_msg *msg, const struct pv_spec *sp,
    struct pv_value *out)
{
	struct tls_conn *c = msg_conn(msg);

	memset(out, 0, sizeof(*out));
	out->flags = PV_NULL;
	if (c == NULL || !tls_conn_handshake_done(c))
		return 0;
	switch ((enum tls_pv_id)sp->exp->id) {
	case TPV_VERSION:
		return set_str(out, tls_conn_version(c));
	case TPV_CIPHER:
		return set_str(out, tls_conn_cipher(c));
	case TPV_BITS:
		return set_int(out, tls_conn_cipher_bits(c));
	case TPV_PEER_SUBJECT:
		return set_str(out, tls_conn_peer_subject(c));
	case TPV_PEER_CN:
		return set_str(out, tls_conn_peer_cn(c));
	case TPV_PEER_ISSUER:
		return set_str(out, tls_conn_peer_issuer(c));
	case TPV_PEER_SERIAL:
		return set_str(out, tls_conn_peer_serial(c));
	case TPV_PEER_VERIFIED:
		return set_int(out, tls_conn_peer_verified(c) ? 1 : 0);
	case TPV_PEER_NOT_BEFORE:
		return set_str(out, tls_conn_peer_not_before(c));
	case TPV_PEER_NOT_AFTER:
		return set_str(out, tls_conn_peer_not_after(c));
	case TPV_SERVER_NAME:
		return set_str(out, tls_conn_server_name(c));
	case TPV_MY_SUBJECT:
		return set_str(out, tls_conn_my_subject(c));
	}
	return E_BUG;
}

/* clang-format off */
const struct pv_export tls_pv_exports[] = {
	{ .name = "tls_version",          .get = tls_pv_get, .id = TPV_VERSION },
	{ .name = "tls_cipher_info",      .get = tls_pv_get, .id = TPV_CIPHER },
	{ .name = "tls_cipher_bits",      .get = tls_pv_get, .id = TPV_BITS },
	{ .name = "tls_peer_subject",     .get = tls_pv_get, .id = TPV_PEER_SUBJECT },
	{ .name = "tls_peer_subject_cn",  .get = tls_pv_get, .id = TPV_PEER_CN },
	{ .name = "tls_peer_issuer",      .get = tls_pv_get, .id = TPV_PEER_ISSUER },
	{ .name = "tls_peer_serial",      .get = tls_pv_get, .id = TPV_PEER_SERIAL },
	{ .name = "tls_peer_verified",    .get = tls_pv_get, .id = TPV_PEER_VERIFIED },
	{ .name = "tls_peer_notBefore",   .get = tls_pv_get, .id = TPV_PEER_NOT_BEFORE },
	{ .name = "tls_peer_notAfter",    .get = tls_pv_get, .id = TPV_PEER_NOT_AFTER },
	{ .name = "tls_peer_server_name", .get = tls_pv_get, .id = TPV_SERVER_NAME },
	{ .name = "tls_my_subject",       .get = tls_pv_get, .id = TPV_MY_SUBJECT },
	{ .name = NULL },
};
/* clang-format on */

static int
w_is_peer_verified(struct sip_msg *msg, const struct cmd_args *a)
{
	struct tls_conn *c = msg_conn(msg);

	(void)a;
	return c != NULL && tls_conn_peer_verified(c) ? 1 : -1;
}

/* clang-format off */
const struct cmd_export tls_cmd_exports[] = {
	{ .name = "is_peer_verified", .fn = w_is_peer_verified, .nargs = 0, .route_types = RT_ANY },
	CMD_END,
};
/* clang-format on */
