/* tcp_main.h: the start-up of the TCP transport (connection table,
 * listening sockets, reader channels) and the TCP supervisor process.
 * See doc/architecture.md, "TCP". */
#ifndef TCP_MAIN_H
#define TCP_MAIN_H

/* Set up the TCP transport: the shm connection table, the listening
 * sockets of tcp_listen and tls_listen (bound and listening,
 * non-blocking), the readers' admission table and one channel per reader
 * (net/tcp_chan.h; tcp_readers is set).  Main process, after
 * sockets_from_cfg(), before fork and before dropping privileges.  0, or
 * E_* with a message in *err (static buffer). */
int tcp_init(char **err);

/* The supervisor role (proc_run_fn): every 100 ms, ask owners to close
 * what outlived its limits.  Never returns. */
int tcp_main_loop(int rank, void *arg);

#endif
