"""The processes of a proxy under test, seen from /proc (test helper).

Tests import it with PYTHONPATH=$TOP/test/integ.  Only the children of
the proxy the test started (its main PID) are looked at."""
import os


def children(ppid):
    """PIDs (int) of the direct children of process ppid."""
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            st = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if st[1] == str(ppid):
            out.append(int(pid))
    return out


def _links(pid):
    try:
        return [os.readlink("/proc/%d/fd/%s" % (pid, f))
                for f in os.listdir("/proc/%d/fd" % pid)]
    except OSError:
        return []


def socket_counts(ppid):
    """Sockets held by each child, largest first."""
    return sorted((sum(1 for l in _links(p) if l.startswith("socket:"))
                   for p in children(ppid)), reverse=True)


def readers(ppid):
    """The TCP readers: the only children with an epoll instance."""
    return [p for p in children(ppid)
            if any("eventpoll" in l for l in _links(p))]


def cpu_ticks(ppid):
    """utime + stime of every child, in clock ticks."""
    t = 0
    for p in children(ppid):
        try:
            st = open("/proc/%d/stat" % p).read().rsplit(")", 1)[1].split()
            t += int(st[11]) + int(st[12])
        except OSError:
            pass
    return t
