# 1000 concurrent TCP connections, each sending one OPTIONS that the
# script answers with sl_send_reply: all answered, and spread over the
# four TCP readers (each holds at least an eighth); then, with
# tcp_connection_lifetime=2, every connection is closed by the idle
# timeout (each peer sees EOF within 10 s).
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
PROXY_PORT=$(free_port)
N=${N:-1000}
sl_tcp_cfg "$TMPD/k.cfg" 4 "open_files_limit=8192
tcp_max_connections=4096
tcp_max_connections_per_ip=0
tcp_connection_lifetime=2"
start_proxy "$TMPD/k.cfg"
wait_tcp "$PROXY_PORT" || fail "no TCP listener"
PYTHONPATH="$TOP/test/integ" python3 - "$PROXY_PORT" "$N" "$PROXY_PID" <<'PY' || fail "connection test failed"
import resource, selectors, socket, sys, time
from proxyprocs import socket_counts
port, n, ppid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 256), hard))
sel = selectors.DefaultSelector()
socks = []
for i in range(n):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex(("127.0.0.1", port))
    socks.append(s)
    sel.register(s, selectors.EVENT_WRITE, i)
sent, answered, eof = set(), set(), set()
buf = {}
t0 = time.time()
def msg(i, lp):
    return ("OPTIONS sip:c%d@127.0.0.1 SIP/2.0\r\n"
            "Via: SIP/2.0/TCP 127.0.0.1:%d;branch=z9hG4bKc%d\r\n"
            "From: <sip:t@127.0.0.1>;tag=%d\r\nTo: <sip:c@127.0.0.1>\r\n"
            "Call-ID: conn-%d\r\nCSeq: 1 OPTIONS\r\n"
            "Content-Length: 0\r\n\r\n" % (i, lp, i, i, i)).encode()
while len(answered) < n and time.time() - t0 < 30:
    for key, ev in sel.select(timeout=1):
        s, i = key.fileobj, key.data
        if ev & selectors.EVENT_WRITE:
            s.send(msg(i, s.getsockname()[1]))
            sent.add(i)
            sel.modify(s, selectors.EVENT_READ, i)
        elif ev & selectors.EVENT_READ:
            try:
                d = s.recv(4096)
            except OSError:
                d = b""
            if not d:
                eof.add(i); sel.unregister(s); continue
            buf[i] = buf.get(i, b"") + d
            if b"\r\n\r\n" in buf[i]:
                if buf[i].startswith(b"SIP/2.0 200"):
                    answered.add(i)
t1 = time.time()
print("sent %d, answered %d in %.2f s, early EOF %d" % (len(sent), len(answered), t1 - t0, len(eof)))
if len(answered) != n or eof:
    sys.exit(1)
# sockets held by each child of the proxy: the four readers own the
# connections, and none of them may own (almost) all of them
counts = socket_counts(ppid)
print("sockets per proxy process:", counts)
if len(counts) < 4 or counts[3] < n // 8:
    print("connections not spread over the readers")
    sys.exit(1)
# every connection is idle now: wait for the proxy to close them
while len(eof) < n and time.time() - t1 < 10:
    for key, ev in sel.select(timeout=1):
        s, i = key.fileobj, key.data
        try:
            d = s.recv(4096)
        except OSError:
            d = b""
        if not d:
            eof.add(i); sel.unregister(s)
print("closed by the proxy: %d of %d, last after %.2f s" % (len(eof), n, time.time() - t1))
for s in socks:
    s.close()
sys.exit(0 if len(eof) == n else 1)
PY
sleep 0.5
n=$(ss -Htn state established "sport = :$PROXY_PORT" | wc -l)
[ "$n" -eq 0 ] || fail "$n connections still open on the proxy"
options_ok udp "$PROXY_PORT" || fail "no UDP answer afterwards"
options_ok tcp "$PROXY_PORT" || fail "no TCP answer afterwards"
proxy_alive || fail "proxy died"
assert_clean_log

# A reader that does not run (here: stopped with SIGSTOP, as one blocked
# in a long script would be) gets no new connection: with 2 readers and
# one stopped, 30 connections one after the other are all answered by the
# other, which keeps them all open (the balance must not pass any to the
# idle-looking stopped one).
stop_proxy
PROXY_PORT=$(free_port)
sl_tcp_cfg "$TMPD/k2.cfg" 2
start_proxy "$TMPD/k2.cfg"
wait_tcp "$PROXY_PORT" || fail "no TCP listener (second proxy)"
PYTHONPATH="$TOP/test/integ" python3 - "$PROXY_PORT" "$PROXY_PID" <<'PY' || fail "a stopped reader got connections"
import os, signal, socket, sys, time
from proxyprocs import readers as proxy_readers
port, ppid = int(sys.argv[1]), sys.argv[2]
readers = proxy_readers(ppid)
if len(readers) != 2:
    print("expected 2 readers, found", readers); sys.exit(1)
victim = readers[0]
os.kill(victim, signal.SIGSTOP)
try:
    time.sleep(1.5)
    res, keep = [], []
    for i in range(30):
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.send(("OPTIONS sip:s%d@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:%d;branch=z9hG4bKst%d\r\n"
                "From: <sip:t@127.0.0.1>;tag=%d\r\nTo: <sip:s@127.0.0.1>\r\nCall-ID: stop-%d\r\n"
                "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n" % (i, s.getsockname()[1], i, i, i)).encode())
        try:
            res.append(s.recv(4096).startswith(b"SIP/2.0 200"))
        except socket.timeout:
            res.append(False)
        keep.append(s)
finally:
    os.kill(victim, signal.SIGCONT)
print("answered with one reader stopped:", "".join("1" if r else "0" for r in res))
sys.exit(0 if all(res) else 1)
PY
proxy_alive || fail "proxy died (second proxy)"
assert_clean_log
