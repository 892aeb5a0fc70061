# A TCP reader dies (SIGKILL) while a transaction waits on a connection
# it owned (the request went out over TCP, the callee has not answered):
# the reader that takes its place reports the dead connections, and tm
# answers the caller with 503 at once instead of after fr_timer (30 s).
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tm.sh"
PROXY_PORT=$(free_port)
UAS=$(free_port)
CHILDREN=1 FR_TIMER=30 tm_cfg "$TMPD/k.cfg" "	t_relay_to_tcp(\"127.0.0.1\", \"$UAS\");"
sed -i 's/^tcp_children=4$/tcp_children=1/' "$TMPD/k.cfg"
start_proxy "$TMPD/k.cfg"
PYTHONPATH="$TOP/test/integ" timeout 60 python3 - "$PROXY_PORT" "$UAS" "$PROXY_PID" <<'PY' || fail "reader death"
import os, signal, socket, sys, time
from proxyprocs import readers
proxy, uas_port, ppid = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", uas_port)); srv.listen(8); srv.settimeout(5)
uac = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
uac.bind(("127.0.0.1", 0)); uac.settimeout(1)
lp = uac.getsockname()[1]
uac.sendto(("INVITE sip:dead@127.0.0.1 SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKdeath1;rport\r\n"
            "From: <sip:a@test>;tag=1\r\nTo: <sip:dead@test>\r\n"
            "Call-ID: death-1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
            "Content-Length: 0\r\n\r\n" % lp).encode(), ("127.0.0.1", proxy))
conn, _ = srv.accept()             # the proxy connected: it is waiting
conn.settimeout(5)
data = b""
while b"\r\n\r\n" not in data:
    data += conn.recv(65535)
assert data.startswith(b"INVITE"), data[:60]
rs = readers(ppid)
assert len(rs) == 1, rs
t0 = time.time()
os.kill(rs[0], signal.SIGKILL)
code = None
while time.time() - t0 < 10 and code is None:
    try:
        m = uac.recv(65535).decode()
    except socket.timeout:
        continue
    c = int(m.split(" ", 2)[1])
    if c >= 200:
        code = c
dt = time.time() - t0
print("reader killed: final reply %s after %.1f s" % (code, dt))
if code != 503 or dt >= 5:
    sys.exit(1)
# the restarted reader serves: the next request goes out over TCP again
uac.sendto(("INVITE sip:dead@127.0.0.1 SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKdeath2;rport\r\n"
            "From: <sip:a@test>;tag=2\r\nTo: <sip:dead@test>\r\n"
            "Call-ID: death-2\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
            "Content-Length: 0\r\n\r\n" % lp).encode(), ("127.0.0.1", proxy))
conn2, _ = srv.accept()
conn2.settimeout(5)
data = b""
while b"\r\n\r\n" not in data:
    data += conn2.recv(65535)
print("after the restart:", data.split(b"\r\n", 1)[0])
sys.exit(0 if b"death-2" in data else 1)
PY
proxy_alive || fail "proxy died"
