/* ul_fifo.c: usrloc's control commands (the FIFO; kamctl ul ...):
 * ul_dump, ul_show_contact, ul_rm, ul_rm_contact, ul_add.  Output is
 * "Name:: value" lines as in 1.x, or JSON after a "json" argument
 * (doc/registrar.md shows both). */
#define LOG_MODULE "usrloc"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../api/sr_api.h"
#include "ul_db.h"
#include "ul_fifo.h"
#include "ul_table.h"

struct dump_ctx {
	struct ctl_out *o;
	int aors;
	bool json;
};

static void
socket_text(const struct socket_info *si, char *buf, size_t size)
{
	if (si == NULL)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%s:%s:%u", proto_name(si->proto),
		    si->via_host, si->port);
}

static void
json_field(struct ctl_out *o, const char *name, const struct str *v)
{
	ctl_out_printf(o, ", \"%s\": ", name);
	ctl_out_json_str(o, v->s, v->len);
}

static void
dump_binding_json(struct ctl_out *o, const struct ul_binding *b, int64_t now,
    bool first)
{
	char sock[128];

	socket_text(b->sock, sock, sizeof(sock));
	ctl_out_printf(o, "%s\n      {\"contact\": ", first ? "" : ",");
	ctl_out_json_str(o, b->contact.s, b->contact.len);
	ctl_out_printf(o, ", \"expires\": %" PRId64 ", \"q\": %d",
	    (b->flags & UL_FL_PERMANENT) ? (int64_t)0 : b->expires - now, b->q);
	json_field(o, "callid", &b->callid);
	ctl_out_printf(o, ", \"cseq\": %u", b->cseq);
	json_field(o, "user_agent", &b->user_agent);
	json_field(o, "received", &b->received);
	json_field(o, "path", &b->path);
	ctl_out_printf(o, ", \"socket\": ");
	ctl_out_json_str(o, sock, strlen(sock));
	ctl_out_printf(o, ", \"conn_id\": %d", b->conn_id);
	json_field(o, "instance", &b->instance);
	ctl_out_printf(o, ", \"reg_id\": %u", b->reg_id);
	json_field(o, "ruid", &b->ruid);
	ctl_out_printf(o,
	    ", \"flags\": %u, \"cflags\": %u, \"methods\": %u, "
	    "\"state\": \"%s\"}",
	    b->flags, b->cflags, b->methods,
	    b->unreachable ? "unreachable" : "reachable");
}

static void
dump_binding_text(struct ctl_out *o, const struct ul_binding *b, int64_t now)
{
	char sock[128];

	socket_text(b->sock, sock, sizeof(sock));
	ctl_out_printf(o, "\t\tContact:: %.*s Q=", STR_FMT(&b->contact));
	if (b->q >= 0)
		ctl_out_printf(o, "%d.%03d", b->q / 1000, b->q % 1000);
	if (b->flags & UL_FL_PERMANENT)
		ctl_out_printf(o, "\n\t\t\tExpires:: permanent\n");
	else
		ctl_out_printf(o, "\n\t\t\tExpires:: %" PRId64 "\n",
		    b->expires - now);
	ctl_out_printf(o, "\t\t\tCallid:: %.*s\n", STR_FMT(&b->callid));
	ctl_out_printf(o, "\t\t\tCseq:: %u\n", b->cseq);
	if (b->user_agent.len)
		ctl_out_printf(o, "\t\t\tUser-agent:: %.*s\n",
		    STR_FMT(&b->user_agent));
	if (b->received.len)
		ctl_out_printf(o, "\t\t\tReceived:: %.*s\n",
		    STR_FMT(&b->received));
	if (b->path.len)
		ctl_out_printf(o, "\t\t\tPath:: %.*s\n", STR_FMT(&b->path));
	ctl_out_printf(o, "\t\t\tSocket:: %s\n", sock);
	if (b->conn_id != 0)
		ctl_out_printf(o, "\t\t\tConnection:: %d\n", b->conn_id);
	if (b->instance.len)
		ctl_out_printf(o, "\t\t\tInstance:: %.*s\n\t\t\tReg-Id:: %u\n",
		    STR_FMT(&b->instance), b->reg_id);
	ctl_out_printf(o, "\t\t\tRuid:: %.*s\n", STR_FMT(&b->ruid));
	ctl_out_printf(o,
	    "\t\t\tFlags:: %u\n\t\t\tCflags:: %u\n"
	    "\t\t\tMethods:: %u\n\t\t\tState:: %s\n",
	    b->flags, b->cflags, b->methods,
	    b->unreachable ? "unreachable" : "reachable");
}

static int
dump_aor(const struct str *aor, const struct ul_binding *b, int n, void *arg)
{
	struct dump_ctx *x = arg;
	int64_t now = ul_now();
	int i;

	if (x->json) {
		ctl_out_printf(x->o, "%s\n    {\"aor\": ", x->aors ? "," : "");
		ctl_out_json_str(x->o, aor->s, aor->len);
		ctl_out_printf(x->o, ", \"contacts\": [");
		for (i = 0; i < n; i++)
			dump_binding_json(x->o, &b[i], now, i == 0);
		ctl_out_printf(x->o, "]}");
	} else {
		ctl_out_printf(x->o, "\tAOR:: %.*s\n", STR_FMT(aor));
		for (i = 0; i < n; i++)
			dump_binding_text(x->o, &b[i], now);
	}
	x->aors++;
	return x->o->too_big ? 1 : 0;
}

static int
cmd_ul_dump(struct ctl_out *o, int argc, char *argv[])
{
	struct ul_domain *d;
	bool json = o->json;
	int nd = 0;

	(void)argv;
	if (argc > 0) {
		ctl_out_status(o, 400, "ul_dump takes no argument");
		return E_INVAL;
	}
	if (json)
		ctl_out_printf(o, "{\"tables\": [");
	for (d = ul_domain_first(); d != NULL; d = ul_domain_next(d)) {
		struct dump_ctx x = { .o = o, .json = json };

		if (json) {
			ctl_out_printf(o,
			    "%s\n  {\"name\": \"%s\", \"aors\": [",
			    nd ? "," : "", ul_domain_name(d));
		} else {
			ctl_out_printf(o, "Domain:: %s\n", ul_domain_name(d));
		}
		if (ul_cfg.db_mode == 3 &&
		    ul_db_walk(ul_domain_name(d), ul_now(), dump_aor, &x) !=
		        0) {
			o->len = 0; /* no half listing */
			ctl_out_status(o, 500, "database error");
			return E_IO;
		}
		if (ul_cfg.db_mode != 3)
			ul_walk(d, dump_aor, &x);
		if (json)
			ctl_out_printf(o, "]}");
		else
			ctl_out_printf(o, "\tAORs:: %d\n", x.aors);
		nd++;
	}
	if (json)
		ctl_out_printf(o, "\n]}\n");
	return 0;
}

/* TABLE and AOR arguments: the table, or a 404. */
static struct ul_domain *
arg_table(struct ctl_out *o, const char *name)
{
	struct ul_domain *d = ul_domain_find(name);

	if (d == NULL)
		ctl_out_status(o, 404, "no table %.40s", name);
	return d;
}

struct show_ctx {
	struct ctl_out *o;
	const struct str *aor;
	int n;
};

static void
show_report(const struct ul_binding *b, int n, void *arg)
{
	struct show_ctx *x = arg;

	x->n = n;
	if (n > 0) {
		struct dump_ctx dx = { .o = x->o, .json = x->o->json };

		if (dx.json)
			ctl_out_printf(x->o, "{\"aors\": [");
		dump_aor(x->aor, b, n, &dx);
		if (dx.json)
			ctl_out_printf(x->o, "\n]}\n");
	}
}

static int
cmd_ul_show_contact(struct ctl_out *o, int argc, char *argv[])
{
	struct ul_domain *d;
	struct str aor;
	struct show_ctx x = { .o = o, .aor = &aor };

	if (argc != 2) {
		ctl_out_status(o, 400, "usage: ul_show_contact TABLE AOR");
		return E_INVAL;
	}
	if ((d = arg_table(o, argv[0])) == NULL)
		return E_NOTFOUND;
	aor = str_from(argv[1]);
	if (ul_get(d, &aor, show_report, &x) != 0) {
		ctl_out_status(o, 500, "database error");
		return E_IO;
	}
	if (x.n == 0) {
		ctl_out_status(o, 404, "AOR not found");
		return E_NOTFOUND;
	}
	return 0;
}

static int
rm(struct ctl_out *o, const char *table, const char *aor_s,
    const char *contact_s)
{
	struct ul_domain *d;
	struct str aor = str_from(aor_s), contact;
	int rc;

	if ((d = arg_table(o, table)) == NULL)
		return E_NOTFOUND;
	if (contact_s != NULL)
		contact = str_from(contact_s);
	rc = ul_remove(d, &aor, contact_s != NULL ? &contact : NULL);
	if (rc == E_NOTFOUND)
		ctl_out_status(o, 404,
		    contact_s ? "contact not found" : "AOR not found");
	else if (rc != 0)
		ctl_out_status(o, 500, "cannot remove: %s", err_str(rc));
	return rc;
}

static int
cmd_ul_rm(struct ctl_out *o, int argc, char *argv[])
{
	if (argc != 2 && argc != 3) {
		ctl_out_status(o, 400, "usage: ul_rm TABLE AOR [CONTACT]");
		return E_INVAL;
	}
	return rm(o, argv[0], argv[1], argc == 3 ? argv[2] : NULL);
}

static int
cmd_ul_rm_contact(struct ctl_out *o, int argc, char *argv[])
{
	if (argc != 3) {
		ctl_out_status(o, 400,
		    "usage: ul_rm_contact TABLE AOR CONTACT");
		return E_INVAL;
	}
	return rm(o, argv[0], argv[1], argv[2]);
}

/* ul_add: one binding made by hand, matched to an existing one by its
 * contact URI. */
struct add_ctx {
	struct ul_binding b;
};

static int
add_decide(const struct ul_binding *cur, int n, struct ul_change *ch, void *arg)
{
	struct add_ctx *x = arg;
	int i;

	ch[0].b = x->b;
	ch[0].op = UL_INSERT;
	for (i = 0; i < n; i++)
		if (str_eq(&cur[i].contact, &x->b.contact)) {
			ch[0].op = UL_UPDATE;
			ch[0].idx = i;
			ch[0].b.cseq = cur[i].cseq + 1;
		}
	return 1;
}

static bool
parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int
cmd_ul_add(struct ctl_out *o, int argc, char *argv[])
{
	struct add_ctx x = { .b = { .q = -1, .methods = UL_METHODS_ALL } };
	struct ul_domain *d;
	struct str aor;
	struct sip_uri u;
	long exp, q = -1, flags = 0;
	char raw[UL_URI_MAX + 3];
	int rc;

	if (argc < 4 || argc > 6) {
		ctl_out_status(o, 400,
		    "usage: ul_add TABLE AOR CONTACT EXPIRES "
		    "[Q [FLAGS]]");
		return E_INVAL;
	}
	if ((d = arg_table(o, argv[0])) == NULL)
		return E_NOTFOUND;
	aor = str_from(argv[1]);
	x.b.contact = str_from(argv[2]);
	if (x.b.contact.len > UL_URI_MAX ||
	    parse_uri(x.b.contact.s, x.b.contact.len, &u) != 0) {
		ctl_out_status(o, 400, "bad contact URI");
		return E_INVAL;
	}
	if (!parse_long(argv[3], 0, 0x7fffffffL, &exp) ||
	    (argc > 4 && !parse_long(argv[4], -1, 1000, &q)) ||
	    (argc > 5 && !parse_long(argv[5], 0, 0xffffL, &flags))) {
		ctl_out_status(o, 400,
		    "bad EXPIRES (s, 0: permanent), Q "
		    "(0..1000, -1: none) or FLAGS");
		return E_INVAL;
	}
	snprintf(raw, sizeof(raw), "<%s>", argv[2]);
	x.b.raw = str_from(raw);
	x.b.expires = exp > 0 ? ul_now() + exp : 0;
	x.b.flags = (unsigned)flags & UL_FL_MEM_ONLY;
	if (exp == 0)
		x.b.flags |= UL_FL_PERMANENT;
	x.b.q = (int)q;
	x.b.callid = STR_LIT("ul_add");
	x.b.cseq = 1;
	x.b.user_agent = STR_LIT("kamctl");
	x.b.proto = u.proto != PROTO_NONE ? u.proto : PROTO_UDP;
	if (proto_is_stream(x.b.proto))
		x.b.conn_id = -1; /* no connection of its own */
	if ((rc = ul_update(d, &aor, add_decide, NULL, &x)) != 0) {
		ctl_out_status(o, 500, "cannot add: %s", err_str(rc));
		return rc;
	}
	return 0;
}

int
ul_fifo_register(void)
{
	int rc;

	if ((rc = ctl_cmd_register("ul_dump", cmd_ul_dump,
	         "every binding of every location table (json: as JSON)")) ||
	    (rc = ctl_cmd_register("ul_show_contact", cmd_ul_show_contact,
	         "TABLE AOR: the bindings of one AOR")) ||
	    (rc = ctl_cmd_register("ul_rm", cmd_ul_rm,
	         "TABLE AOR [CONTACT]: remove an AOR's bindings, or one of them")) ||
	    (rc = ctl_cmd_register("ul_rm_contact", cmd_ul_rm_contact,
	         "TABLE AOR CONTACT: remove one binding")) ||
	    (rc = ctl_cmd_register("ul_add", cmd_ul_add,
	         "TABLE AOR CONTACT EXPIRES [Q [FLAGS]]: add or refresh a binding "
	         "(EXPIRES 0: permanent; Q in 0..1000)")))
		LM_ERR("cannot register the FIFO commands: %s", err_str(rc));
	return rc;
}
