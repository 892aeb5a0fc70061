/* ctl/ref_dump.h: the reference pages, printed from the tables the proxy
 * runs on: kamailio --dump-params (every parameter: core, TLS, each
 * module of the module directory), --dump-functions (core and module
 * script functions) and --dump-fifo (the FIFO commands), as Markdown.
 * scripts/gen-docs writes them to doc/params.md, doc/functions.md and
 * doc/fifo-commands.md, and test/integ/t_docs.sh fails when a committed
 * page differs.
 *
 * The output depends neither on a config nor on the build: TLS rows are
 * printed by a build without TLS too (marked as needing TLS=1), so the
 * pages are the same whichever build made them.  Rows come in table
 * order.  Main process, before anything is started. */
#ifndef CTL_REF_DUMP_H
#define CTL_REF_DUMP_H

#include <stdio.h>

/* Each returns 0, or E_* with *err (pkg) when a module file cannot be
 * opened (ref_dump_fifo cannot fail). */
int ref_dump_params(FILE *f, char **err);
int ref_dump_functions(FILE *f, char **err);
int ref_dump_fifo(FILE *f);

#endif
