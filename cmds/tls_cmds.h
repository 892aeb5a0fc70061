/* cmds/tls_cmds.h: the TLS script interface: the $tls_* pseudo-variables
 * and is_peer_verified(), over tls_conn_info() (tls/tls.h).  When the
 * message did not come over TLS, or its connection's handshake is not
 * done, every $tls_* is <null> and is_peer_verified() is false. */
#ifndef CMDS_TLS_CMDS_H
#define CMDS_TLS_CMDS_H

#include "../script/cmd.h"
#include "../script/pv.h"

/* $tls_version $tls_cipher_info $tls_cipher_bits $tls_peer_subject
 * $tls_peer_subject_cn $tls_peer_issuer $tls_peer_serial
 * $tls_peer_verified $tls_peer_notBefore $tls_peer_notAfter
 * $tls_peer_server_name $tls_my_subject (ends with .name NULL). */
extern const struct pv_export tls_pv_exports[];
/* is_peer_verified() (no arguments, any route): true when the message
 * came over TLS and the peer presented a certificate that verified. */
extern const struct cmd_export tls_cmd_exports[];

/* Register the pseudo-variables when this build has TLS.  Main process,
 * before the config is parsed.  0 or E_NOMEM. */
int tls_pv_register(void);
/* Register is_peer_verified(), or, when TLS is off or not built, make it
 * a function that fix-up refuses with the reason.  Main process, after
 * the config is parsed (transport_tls_on known), before fix-up. */
int tls_cmds_register(void);

#endif
