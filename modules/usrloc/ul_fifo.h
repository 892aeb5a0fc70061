/* ul_fifo.h: usrloc's control commands (ul_fifo.c). */
#ifndef USRLOC_UL_FIFO_H
#define USRLOC_UL_FIFO_H

/* Register ul_dump, ul_show_contact, ul_rm, ul_rm_contact, ul_add.
 * Main process, before fork.  0 or E_*. */
int ul_fifo_register(void);

#endif
