/* textops: header and text operations on the message being routed. */
#define LOG_MODULE "textops"
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../api/sr_api.h"

#define MAX_SUBST 4096

static int
fixup_re(struct action *a, int idx, char **err)
{
	return fixup_regex_flags(a, idx, REG_NEWLINE, err);
}

/* search_append(re, text), replace(re, text): arg 0 regex, arg 1 text */
static int
fixup_re_str(struct action *a, int idx, char **err)
{
	return idx == 0 ? fixup_re(a, idx, err) : 0;
}

/* ---- headers */

static int
w_append_hf(struct sip_msg *msg, const struct cmd_args *a)
{
	char buf[2048];
	size_t n = pv_fmt_print(msg, a->fixed[0], buf, sizeof(buf));

	return lump_insert(msg, msg_hdrs_end(msg), buf, n) == 0 ? 1 : -1;
}

static bool
hdr_name_matches(const struct hdr_field *h, const char *name)
{
	struct str n = str_from(name);

	if (str_caseeq(&h->name, &n))
		return true;
	/* "Via" also matches "v", and so on */
	return h->type != HDR_OTHER && h->type == hdr_type_of(&n);
}

static int
w_remove_hf(struct sip_msg *msg, const struct cmd_args *a)
{
	struct hdr_field *h;
	int removed = 0;

	for (h = msg->headers; h != NULL; h = h->next)
		if (hdr_name_matches(h, a->fixed[0]) &&
		    !lump_hdr_deleted(msg, h)) {
			if (lump_delete_hdr(msg, h) != 0)
				return -1;
			removed++;
		}
	return removed ? 1 : -1;
}

static int
w_is_present_hf(struct sip_msg *msg, const struct cmd_args *a)
{
	struct hdr_field *h;

	for (h = msg->headers; h != NULL; h = h->next)
		if (hdr_name_matches(h, a->fixed[0]) &&
		    !lump_hdr_deleted(msg, h))
			return 1;
	return -1;
}

/* ---- text */

static int
w_search(struct sip_msg *msg, const struct cmd_args *a)
{
	return regexec(a->fixed[0], msg->buf, 0, NULL, 0) == 0 ? 1 : -1;
}

static int
w_search_append(struct sip_msg *msg, const struct cmd_args *a)
{
	regmatch_t m;
	const char *text = a->fixed[1];

	if (regexec(a->fixed[0], msg->buf, 1, &m, 0) != 0)
		return -1;
	return lump_insert(msg, (size_t)m.rm_eo, text, strlen(text)) == 0 ? 1
									  : -1;
}

static int
w_replace(struct sip_msg *msg, const struct cmd_args *a)
{
	regmatch_t m;
	const char *text = a->fixed[1];

	if (regexec(a->fixed[0], msg->buf, 1, &m, 0) != 0)
		return -1;
	if (lump_delete(msg, (size_t)m.rm_so, (size_t)(m.rm_eo - m.rm_so)) ||
	    lump_insert(msg, (size_t)m.rm_so, text, strlen(text)))
		return -1;
	return 1;
}

/* subst('/re/replacement/flags'): sed-like, \0..\9 back-references,
 * flags i (ignore case) and g (every match). */
struct subst {
	regex_t re;
	char *repl;
	bool global;
};

static int
fixup_subst(struct action *a, int idx, char **err)
{
	const char *s = a->args[idx].s;
	char sep, *re_txt = NULL, *p;
	const char *q, *part[3];
	size_t plen[3];
	int k = 0, cflags = REG_EXTENDED | REG_NEWLINE, rc;
	struct subst *sb;

	if (strlen(s) < 4) {
		*err = err_dup("expected /regex/replacement/flags");
		return E_INVAL;
	}
	sep = s[0];
	q = s + 1;
	while (k < 3) {
		part[k] = q;
		while (*q && *q != sep) {
			if (*q == '\\' && q[1])
				q++;
			q++;
		}
		plen[k] = (size_t)(q - part[k]);
		k++;
		if (*q == '\0')
			break;
		q++;
	}
	if (k < 2 || (k == 2 && *q != '\0')) {
		*err = err_dup("expected /regex/replacement/flags");
		return E_INVAL;
	}
	if ((sb = pkg_zalloc(sizeof(*sb))) == NULL)
		return E_NOMEM;
	if (k == 3)
		for (p = (char *)part[2]; p < part[2] + plen[2]; p++) {
			if (*p == 'i')
				cflags |= REG_ICASE;
			else if (*p == 'g')
				sb->global = true;
			else {
				*err = err_dup("unknown subst flag (use i, g)");
				pkg_free(sb);
				return E_INVAL;
			}
		}
	re_txt = pkg_strndup(part[0], plen[0]);
	sb->repl = pkg_strndup(part[1], plen[1]);
	if (re_txt == NULL || sb->repl == NULL ||
	    (rc = regcomp(&sb->re, re_txt, cflags)) != 0) {
		*err = err_dup("bad regular expression in subst");
		pkg_free(re_txt);
		pkg_free(sb->repl);
		pkg_free(sb);
		return E_INVAL;
	}
	pkg_free(re_txt);
	a->fixed[idx] = sb;
	return 0;
}

static size_t
subst_expand(const struct subst *sb, const char *base, const regmatch_t *m,
    char *out, size_t size)
{
	const char *r;
	size_t n = 0;

	for (r = sb->repl; *r && n < size - 1; r++) {
		if (*r == '\\' && r[1] >= '0' && r[1] <= '9') {
			int g = r[1] - '0';
			size_t l;

			r++;
			if (m[g].rm_so < 0)
				continue;
			l = (size_t)(m[g].rm_eo - m[g].rm_so);
			if (l > size - 1 - n)
				l = size - 1 - n;
			memcpy(out + n, base + m[g].rm_so, l);
			n += l;
		} else if (*r == '\\' && r[1]) {
			r++;
			out[n++] = *r == 'n' ? '\n' : *r == 'r' ? '\r' : *r;
		} else {
			out[n++] = *r;
		}
	}
	out[n] = '\0';
	return n;
}

static int
w_subst(struct sip_msg *msg, const struct cmd_args *a)
{
	const struct subst *sb = a->fixed[0];
	regmatch_t m[10];
	const char *p = msg->buf;
	char out[MAX_SUBST];
	int count = 0, eflags = 0;

	while (p < msg->buf + msg->len &&
	    regexec(&sb->re, p, 10, m, eflags) == 0) {
		size_t off = (size_t)(p - msg->buf) + (size_t)m[0].rm_so;
		size_t n = subst_expand(sb, p, m, out, sizeof(out));

		if (lump_delete(msg, off, (size_t)(m[0].rm_eo - m[0].rm_so)) ||
		    lump_insert(msg, off, out, n))
			return -1;
		count++;
		if (!sb->global)
			break;
		p += m[0].rm_eo > m[0].rm_so ? m[0].rm_eo : m[0].rm_eo + 1;
		eflags = REG_NOTBOL;
	}
	return count ? 1 : -1;
}

/* clang-format off */
static const struct cmd_export cmds[] = {
	CMD("append_hf", w_append_hf, 1, fixup_pvfmt, RT_REQUEST | RT_FAILURE | RT_BRANCH | RT_ONREPLY,
	    "append a header line (text with pseudo-variables; include the CRLF)"),
	CMD("remove_hf", w_remove_hf, 1, NULL, RT_ANY,
	    "remove every header of that name"),
	CMD("is_present_hf", w_is_present_hf, 1, NULL, RT_ANY,
	    "true if a header of that name is present"),
	CMD("search", w_search, 1, fixup_re, RT_ANY,
	    "true if the message matches the regular expression"),
	CMD("search_append", w_search_append, 2, fixup_re_str, RT_ANY,
	    "append text after the first match of the regular expression"),
	CMD("replace", w_replace, 2, fixup_re_str, RT_ANY,
	    "replace the first match of the regular expression with text"),
	CMD("subst", w_subst, 1, fixup_subst, RT_ANY,
	    "sed-like /re/replacement/flags over the message"),
	CMD_END
};
/* clang-format on */

const struct module_exports exports = {
	.abi = MODULE_ABI,
	.name = "textops",
	.cmds = cmds,
};
