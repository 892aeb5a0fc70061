/* parser/parse_util.c: the character class table behind parse_util.h. */
#include "parse_util.h"

/* RFC 3261 token characters (see pu_is_token()).  The range designators
 * are a GNU C extension, as the build's -std=gnu11 allows. */
const unsigned char pu_token_tab[256] = {
	['0' ... '9'] = 1,
	['A' ... 'Z'] = 1,
	['a' ... 'z'] = 1,
	['-'] = 1, ['.'] = 1, ['!'] = 1, ['%'] = 1, ['*'] = 1,
	['_'] = 1, ['+'] = 1, ['`'] = 1, ['\''] = 1, ['~'] = 1,
};
