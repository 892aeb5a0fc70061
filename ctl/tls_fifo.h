/* ctl/tls_fifo.h: the TLS commands of the control interface. */
#ifndef CTL_TLS_FIFO_H
#define CTL_TLS_FIFO_H

/* Give the tls_list and tls_reload entries of the command table their
 * handlers (without them, both answer that TLS is not running).  Main
 * process, after tls_transport_setup(), before fork.  0 or E_*. */
int tls_fifo_register(void);

#endif
