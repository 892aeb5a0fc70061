/* tls/tls_config.h: the guide's TLS_CONFIG part: tls_cfg (cfg_tls.h) holds
 * the parsed settings; tls_config.c turns it into domains (tls_int.h).
 * Nothing else is exported. */
#ifndef TLS_CONFIG_H
#define TLS_CONFIG_H

#include "../cfg/cfg_tls.h"

#endif
