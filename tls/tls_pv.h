/* tls/tls_pv.h: the $tls_* pseudo-variables and is_peer_verified().
 *
 * Both need the struct tls_conn of the connection a message came on;
 * the TCP glue provides it by setting tls_conn_lookup (owner process:
 * the reader that received the message holds the connection).  Until it
 * is set, or when the message did not come over TLS, every $tls_* is
 * <null> and is_peer_verified() is false. */
#ifndef TLS_PV_H
#define TLS_PV_H

#include "../script/pv.h"
#include "../script/sr_module.h"

struct tls_conn;

/* Set by the TCP glue: the tls_conn of connection conn_id in this
 * process, or NULL. */
extern struct tls_conn *(*tls_conn_lookup)(int conn_id);

/* The table for pv_register() (ends with .name NULL):
 * $tls_version $tls_cipher_info $tls_cipher_bits $tls_peer_subject
 * $tls_peer_subject_cn $tls_peer_issuer $tls_peer_serial
 * $tls_peer_verified $tls_peer_notBefore $tls_peer_notAfter
 * $tls_peer_server_name $tls_my_subject.
 * Register it in the main process before the config is fixed up:
 *	pv_register(tls_pv_exports); */
extern const struct pv_export tls_pv_exports[];

/* Script functions (CMD_END-terminated), to be found like core
 * functions: is_peer_verified() (no arguments, any route) is true when
 * the message came over TLS and the peer presented a certificate that
 * verified.  core_cmd_find()/find_cmd_export() should search this table
 * after the core's own when USE_TLS is defined. */
extern const struct cmd_export tls_cmd_exports[];

#endif
