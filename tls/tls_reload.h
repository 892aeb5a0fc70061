/* tls/tls_reload.h: tls_reload across processes.  The FIFO process
 * validates the files (tls_reload() in tls.h) and bumps a counter in shm;
 * every process rebuilds its contexts when it sees a new value, before
 * its next new connection.  Internal to tls/. */
#ifndef TLS_RELOAD_H
#define TLS_RELOAD_H

/* Make the shared counter.  Main process, before fork.  0 or E_NOMEM. */
int tls_reload_init(void);
/* Rebuild this process's contexts if a reload happened since the last
 * call (a failure keeps the old context, logged).  Any process. */
void tls_reload_check(void);

#endif
