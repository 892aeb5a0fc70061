/* reg.h: what the registrar's files share (internal). */
#ifndef REGISTRAR_REG_H
#define REGISTRAR_REG_H

#include "../rr/rr.h"
#include "../usrloc/usrloc.h"
#include "reg_rules.h"

/* The module's settings (reg_mod.c); read-only after the config. */
struct reg_params {
	struct reg_cfg rules;
	int append_branches;
	int case_sensitive;
	char *received_avp;
	int use_path;
	int path_mode; /* 0 off, 1 lazy, 2 strict */
	int outbound;  /* RFC 5626 processing as the first hop */
	int method_filtering;
	int cluster; /* flow Paths for the other proxies (doc/cluster.md) */
};
extern struct reg_params reg_p;
extern const struct usrloc_api *reg_ul;
extern const struct rr_api *reg_rr; /* cluster mode: rr's flow signer */
extern struct pv_spec *reg_received_pv;
extern struct stat_var *reg_st_accepted, *reg_st_rejected;

/* save() flags */
#define REG_SAVE_MEMORY 0x01  /* in memory only, never the database */
#define REG_SAVE_NOREPLY 0x02 /* the script replies */
#define REG_SAVE_SINGLE 0x04  /* one binding per AOR */

/* A table named in the script, bound to usrloc's at init. */
struct reg_table {
	const char *name;
	struct ul_domain *d;
};

/* The AOR of a URI into buf (UL_AOR_MAX + 1): user@host, or user when
 * usrloc's use_domain is off; host always, user unless case_sensitive,
 * in lower case.  Returns the length, or 0 when the URI does not parse
 * or the AOR is empty or too long. */
size_t reg_aor(const struct str *uri, char *buf);

/* save(table [, flags]): script value. */
int reg_save(struct sip_msg *msg, struct reg_table *t, unsigned flags);
/* lookup(table): 1 found, -1 none, -2 none for this method, -3 error. */
int reg_lookup(struct sip_msg *msg, struct reg_table *t);
/* registered(table): 1 or -1. */
int reg_registered(struct sip_msg *msg, struct reg_table *t);

#endif
