/* hdr_lines.h: helpers shared by the header fuzz targets: turn an input
 * into a chain of same-type header lines, and check that a view lies
 * where a parser may point.  Any failed check abort()s, which libFuzzer
 * and the replay driver report as a crash. */
#ifndef TEST_FUZZ_HDR_LINES_H
#define TEST_FUZZ_HDR_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../parser/msg_parser.h"

#define HDR_LINES_MAX 64

struct hdr_lines {
	struct hdr_field h[HDR_LINES_MAX];
	size_t n;
	const char *buf;
	size_t size;
};

/* Split buf into header bodies of the given type, linked by next_same:
 * a '\n' ends a body unless SP or HTAB follows (folding, kept inside the
 * body as parse_msg() keeps it); past HDR_LINES_MAX lines the rest stays
 * in the last body.  Returns the first header (never NULL). */
struct hdr_field *hdr_lines_split(struct hdr_lines *hl, const char *buf,
    size_t size, enum hdr_type type);

/* abort() unless s is empty or lies inside one of the bodies. */
void hdr_lines_check(const struct hdr_lines *hl, const struct str *s);
/* abort() unless at points into a body or at its end. */
void hdr_lines_check_at(const struct hdr_lines *hl, const char *at);
/* abort() unless s is empty or lies inside outer. */
void view_within(const struct str *s, const struct str *outer);

/* An exact-size malloc copy of the input, so that ASan sees any read
 * past its end; NULL if out of memory. */
char *fuzz_dup(const uint8_t *data, size_t size);

/* A list parser run over the lines with a limit of max values: returns
 * its code and, on success, *n the number of values it took. */
typedef int hdr_lines_run_fn(const struct hdr_lines *hl, size_t max, size_t *n);

/* For a run function: abort() on a code a list parser may not return,
 * or on E_PARSE with err_at outside the lines.  True when rc is 0. */
bool hdr_lines_rc(const struct hdr_lines *hl, int rc, const char *err_at);

/* The whole of a list target: split a copy of the input into lines of
 * type, run without a limit and with a limit of small, and abort() unless
 * the limit changes the result only by refusing (E_TOOBIG) more than
 * small values, or when pkg blocks are left afterwards. */
void hdr_lines_fuzz_list(const uint8_t *data, size_t size, enum hdr_type type,
    size_t small, hdr_lines_run_fn *run);

#endif
