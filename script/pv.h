/* pv.h: pseudo-variables ($ru, $fd, $hdr(Name), $avp(i:400), ...) and
 * format strings that contain them (xlog, log, assignments).
 *
 * Specs are parsed once at fix-up time into pkg; values are read per
 * message.  A value's string points into the message, the AVP list or
 * the value's own buffer: valid until the message is done. */
#ifndef PV_H
#define PV_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/str.h"
#include "../base/usr_avp.h"

struct sip_msg;

#define PV_NULL 0x1   /* no value ("<null>") */
#define PV_STR 0x2
#define PV_INT 0x4    /* n valid (and s holds its text) */

struct pv_value {
	unsigned flags;
	struct str s;
	long n;
	char buf[64];     /* backing store for numbers and small strings */
};

/* Fill v with the number n and its decimal text (in v->buf): PV_INT |
 * PV_STR.  Returns 0, so that a pv_get_fn can end with it. */
int pv_value_set_int(struct pv_value *v, long n);

struct pv_spec;
typedef int (*pv_get_fn)(struct sip_msg *msg, const struct pv_spec *sp,
    struct pv_value *out);
typedef int (*pv_set_fn)(struct sip_msg *msg, const struct pv_spec *sp,
    const struct pv_value *val);

/* A family of pseudo-variables other code may register (the TLS layer's
 * $tls_*): name is the part after '$' and before any '('. */
struct pv_export {
	const char *name;
	pv_get_fn get;
	pv_set_fn set;      /* NULL: read-only */
	int id;             /* free for the exporter */
};

struct pv_spec {
	const struct pv_export *exp;
	struct str arg;          /* inside (...), pkg copy; empty if none */
	struct avp_name avp;     /* for $avp(...) */
	char *text;              /* the spec as written, pkg */
};

/* Register extra pseudo-variables (table ends with .name NULL); before
 * the config is fixed up.  0 or E_NOMEM. */
int pv_register(const struct pv_export *table);

/* Parse a spec at s (starting with '$'); *consumed gets its length.
 * 0, or E_PARSE with *err (pkg) naming the problem. */
int pv_parse(const char *s, size_t len, struct pv_spec **out,
    size_t *consumed, char **err);
void pv_spec_free(struct pv_spec *sp);

/* 0 with out filled (PV_NULL when there is no value), or E_*. */
int pv_get(struct sip_msg *msg, const struct pv_spec *sp, struct pv_value *out);
/* 0, or E_INVAL if the variable cannot be written. */
int pv_set(struct sip_msg *msg, const struct pv_spec *sp,
    const struct pv_value *val);
bool pv_is_writable(const struct pv_spec *sp);

/* A format: text with pseudo-variables, e.g. "$rm from $si\n". */
struct pv_fmt;
int pv_fmt_parse(const char *s, size_t len, struct pv_fmt **out, char **err);
void pv_fmt_free(struct pv_fmt *f);
/* Print into buf (NUL-terminated, truncated to size); returns length. */
size_t pv_fmt_print(struct sip_msg *msg, const struct pv_fmt *f, char *buf,
    size_t size);

#endif
