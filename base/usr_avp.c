/* usr_avp.c: the per-message AVP list. */
#include <string.h>

#include "err.h"
#include "../mem/pkg.h"
#include "usr_avp.h"

struct avp {
	struct avp_name name;
	struct avp_value val;
	struct avp *next;
	char data[]; /* name text then value text */
};

static struct avp *avps;

static bool
avp_name_eq(const struct avp_name *a, const struct avp_name *b)
{
	if (a->is_str != b->is_str)
		return false;
	if (!a->is_str)
		return a->id == b->id;
	return str_eq(&a->name, &b->name);
}

int
avp_add(const struct avp_name *name, const struct avp_value *val)
{
	size_t nlen = name->is_str ? name->name.len : 0;
	size_t vlen = val->is_str ? val->s.len : 0;
	struct avp *a;

	if ((a = pkg_malloc(sizeof(*a) + nlen + vlen + 1)) == NULL)
		return E_NOMEM;
	a->name = *name;
	a->val = *val;
	if (nlen) {
		memcpy(a->data, name->name.s, nlen);
		a->name.name.s = a->data;
	}
	if (val->is_str) {
		if (vlen)
			memcpy(a->data + nlen, val->s.s, vlen);
		a->data[nlen + vlen] = '\0';
		a->val.s.s = a->data + nlen;
	}
	a->next = avps;
	avps = a;
	return 0;
}

bool
avp_get(const struct avp_name *name, struct avp_value *out)
{
	struct avp *a;

	for (a = avps; a != NULL; a = a->next)
		if (avp_name_eq(&a->name, name)) {
			*out = a->val;
			return true;
		}
	return false;
}

bool
avp_get_int_name(long id, struct avp_value *out)
{
	struct avp_name n = { .is_str = false, .id = id };

	return avp_get(&n, out);
}

void
avp_del(const struct avp_name *name)
{
	struct avp **pp = &avps, *a;

	while ((a = *pp) != NULL) {
		if (avp_name_eq(&a->name, name)) {
			*pp = a->next;
			pkg_free(a);
		} else {
			pp = &a->next;
		}
	}
}

void
avp_reset(void)
{
	struct avp *a;

	while ((a = avps) != NULL) {
		avps = a->next;
		pkg_free(a);
	}
}
