/* ctl/dns_fifo.h: the FIFO commands of the DNS cache and of the
 * destination blocklist (dns.view, dns.flush, dst_blacklist.view,
 * dst_blacklist.flush; doc/dns.md). */
#ifndef CTL_DNS_FIFO_H
#define CTL_DNS_FIFO_H

/* Give the four entries of the command table their handlers.  Main
 * process, before fork.  0 or E_*. */
int dns_fifo_register(void);

#endif
