/* core_cfg.h: core settings, as set by the config's global parameters
 * (table in cfg_param.c) and the command line (main.c).  Set in the main
 * process before fork; read-only afterwards. */
#ifndef GLOBALS_H
#define GLOBALS_H

#include <stdbool.h>

#include "../base/ip_addr.h"

/* One "listen=" line, as written. */
struct listen_cfg {
	enum proto proto;      /* PROTO_NONE: every enabled protocol */
	char *host;            /* pkg; "*"/"0.0.0.0" or an address or a name;
				* IPv6 without brackets */
	unsigned short port;   /* 0: the protocol's default port */
	struct cfg_pos_lite {
		const char *file;
		int line;
	} pos;
	struct listen_cfg *next;
};

/* One "alias=" line. */
struct alias_cfg {
	char *host;            /* pkg */
	unsigned short port;   /* 0: any port */
	struct alias_cfg *next;
};

struct core_cfg {
	int debug;             /* mirrors log_level */
	int fork;
	int log_stderror;
	int check_via;
	int dns;
	int rev_dns;
	int port;              /* default SIP port, 5060 */
	int children;          /* UDP receivers per UDP socket */
	int tcp_children;
	int disable_tcp;
	int open_files_limit;
	char *log_facility;    /* "LOG_DAEMON", ...; NULL = default */
	char *fifo;            /* FIFO path, NULL = no FIFO */
	char *user, *group;
	char *mpath;           /* module search path, NULL = default */
	int server_signature;  /* Server header in local replies */
	char *server_header;   /* its text, NULL = the row's default
				* (core_server_header()) */
	struct listen_cfg *listen;
	struct alias_cfg *alias;
	char *cfg_file;        /* as given on the command line */
	char *cfg_dir;         /* its directory (CFG_DIR of the TLS guide) */
	/* TCP */
	int tcp_max_connections;
	int tcp_connection_lifetime;  /* s */
	int tcp_connect_timeout;      /* s */
	int tcp_send_timeout;         /* s */
	int tcp_accept_aliases;
	int tcp_max_msg_size;         /* bytes */
	int tcp_max_connections_per_ip; /* accepted from one IP, 0: none */
	int tcp_message_timeout;      /* s, first byte to last, 0: none */
	int use_dns_cache;            /* the shared DNS cache on */
	int dns_cache_min_ttl;        /* s */
	int dns_cache_max_ttl;        /* s */
	int dns_cache_negative_ttl;   /* s, cap of NXDOMAIN/NODATA */
	int dns_cache_mem;            /* KB */
	int dns_timeout;              /* ms, one core lookup */
	char *dns_server;             /* c-ares servers csv, NULL: resolv.conf */
	int use_dst_blacklist;        /* the destination blocklist on */
	int dst_blacklist_expire;     /* s an entry stays */
	int dst_blacklist_mem;        /* KB */
	/* set by the command line */
	long shm_mb;
	long pkg_mb;
	int dont_daemonize;    /* -D count */
	char *pid_file;
	bool check_only;       /* -c */
};

extern struct core_cfg core_cfg;

/* The Server header line of local replies (no CRLF), or NULL when
 * server_signature=no. */
const char *core_server_header(void);

#endif
