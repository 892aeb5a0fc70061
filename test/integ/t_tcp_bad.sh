# Misbehaving TCP peers: garbage, a header block that never ends, a
# Content-Length larger than the body then a close, a reset mid-message,
# 10 MB without a CRLF (cut at tcp_max_msg_size), a request without
# Content-Length (answered 400, then closed), a client sending a byte a
# second while others are served, and more connections than open_files_limit allows.  One reader
# only (tcp_children=1), so a peer that could hold a reader would stop
# everything.  After each case the proxy must still answer OPTIONS over
# UDP and TCP.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
PROXY_PORT=$(free_port)
cat > "$TMPD/k.cfg" <<CFG
debug=2
log_stderror=yes
children=1
tcp_children=1
tcp_max_msg_size=65536
tcp_connection_lifetime=20
listen=udp:127.0.0.1:$PROXY_PORT
listen=tcp:127.0.0.1:$PROXY_PORT
loadmodule "sl"
route {
	sl_send_reply("200", "OK");
}
CFG
start_proxy "$TMPD/k.cfg"
wait_tcp "$PROXY_PORT" || fail "no TCP listener"

still_serving() {
	options_ok udp "$PROXY_PORT" || fail "after $1: no UDP answer"
	options_ok tcp "$PROXY_PORT" || fail "after $1: no TCP answer"
	proxy_alive || fail "after $1: proxy died"
	note "$1: ok, still serving"
}

bad() {   # CASE: run one python case, which exits 0 when it saw what it must
	python3 - "$PROXY_PORT" "$1" <<'PY' || fail "case $1"
import socket, struct, sys, time
port, case = int(sys.argv[1]), sys.argv[2]
HDR = ("OPTIONS sip:bad@127.0.0.1 SIP/2.0\r\n"
       "Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKbad\r\n"
       "From: <sip:t@127.0.0.1>;tag=b\r\nTo: <sip:bad@127.0.0.1>\r\n"
       "Call-ID: bad-%s\r\nCSeq: 1 OPTIONS\r\n" % case).encode()
s = socket.create_connection(("127.0.0.1", port), timeout=5)
def expect_eof(limit):
    s.settimeout(limit)
    try:
        while True:
            d = s.recv(65536)
            if not d:
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
if case == "garbage":
    s.sendall(b"\x00\xff\x16\x03\x01 this is no SIP at all\r\n\r\n")
    sys.exit(0 if expect_eof(5) else 1)
if case == "nocl":
    # complete headers, no Content-Length (mandatory on streams, RFC 3261
    # 18.3): a 400 that says so, then the close
    s.sendall(HDR + b"\r\n")
    s.settimeout(5)
    got = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            got += d
    except (ConnectionResetError, socket.timeout):
        pass
    print(got.split(b"\r\n", 1)[0])
    sys.exit(0 if got.startswith(b"SIP/2.0 400 Missing Content-Length")
             else 1)
if case == "noend":
    s.sendall(HDR + b"X-Filler: " + b"a" * 1000 + b"\r\n")
    time.sleep(0.3); s.close(); sys.exit(0)
if case == "shortbody":
    s.sendall(HDR + b"Content-Length: 500\r\n\r\nonly a little")
    time.sleep(0.3); s.close(); sys.exit(0)
if case == "reset":
    s.sendall(HDR + b"Content-Length: 500\r\n\r\nabc")
    time.sleep(0.3)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close(); sys.exit(0)
if case == "huge":
    chunk = b"x" * 65536
    sent = 0
    try:
        for _ in range(160):   # 10 MB
            s.sendall(chunk); sent += len(chunk)
    except OSError as e:
        print("cut after %d bytes: %s" % (sent, e)); sys.exit(0)
    ok = expect_eof(5)
    print("sent %d bytes, EOF %s" % (sent, ok)); sys.exit(0 if ok else 1)
sys.exit(2)
PY
}

for c in garbage nocl noend shortbody reset huge; do
	bad $c
	still_serving $c
done

# a byte a second (10 s) while 40 other requests are answered promptly
python3 - "$PROXY_PORT" > "$TMPD/slow.log" 2>&1 <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port), timeout=5)
m = (b"OPTIONS sip:slow@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5060;"
     b"branch=z9hG4bKslow\r\nFrom: <sip:t@127.0.0.1>;tag=s\r\n")
for b in m[:10]:
    s.send(bytes([b])); time.sleep(1)
s.close()
PY
SLOW=$!
PIDS="$PIDS $SLOW"
sleep 1.5
python3 - "$PROXY_PORT" <<'PY' || fail "requests during the slow client"
import socket, sys, time
port = int(sys.argv[1])
worst = 0.0
for i in range(40):
    proto = "TCP" if i % 2 == 0 else "UDP"
    t = time.time()
    if proto == "TCP":
        s = socket.create_connection(("127.0.0.1", port), timeout=3)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0)); s.settimeout(3)
    lp = s.getsockname()[1]
    m = ("OPTIONS sip:fast@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/%s 127.0.0.1:%d;"
         "branch=z9hG4bKf%d\r\nFrom: <sip:t@127.0.0.1>;tag=f\r\n"
         "To: <sip:fast@127.0.0.1>\r\nCall-ID: fast-%d\r\nCSeq: 1 OPTIONS\r\n"
         "Content-Length: 0\r\n\r\n" % (proto, lp, i, i)).encode()
    if proto == "TCP":
        s.sendall(m)
    else:
        s.sendto(m, ("127.0.0.1", port))
    d = s.recv(65535)
    s.close()
    if not d.startswith(b"SIP/2.0 200"):
        print("request %d over %s: no 200" % (i, proto)); sys.exit(1)
    worst = max(worst, time.time() - t)
print("-- 40 requests (TCP and UDP) answered while a client sends a byte "
      "a second; slowest %.1f ms" % (worst * 1000))
sys.exit(0 if worst < 1.0 else 1)
PY
kill -0 $SLOW 2>/dev/null || fail "the slow client ended early"
wait $SLOW
still_serving slow
assert_clean_log

# Out of file descriptors (open_files_limit=64, 100 connections held
# open): the ones beyond the limit are closed at once instead of waiting
# in the backlog, the reader does not spin on the listening socket (well
# under a second of CPU in 2 s), a log line says why, and once the
# clients go the proxy serves again.
stop_proxy
PROXY_PORT=$(free_port)
sl_tcp_cfg "$TMPD/k_fd.cfg" 1 "open_files_limit=64
tcp_max_connections=1000"
start_proxy "$TMPD/k_fd.cfg"
wait_tcp "$PROXY_PORT" || fail "no TCP listener (fd limit)"
PYTHONPATH="$TOP/test/integ" python3 - "$PROXY_PORT" "$PROXY_PID" <<'PY' || fail "out of descriptors"
import socket, sys, time
from proxyprocs import cpu_ticks
port, ppid = int(sys.argv[1]), sys.argv[2]
def opt(s, i):
    s.send(("OPTIONS sip:fd%d@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:%d;branch=z9hG4bKfd%d\r\n"
            "From: <sip:t@127.0.0.1>;tag=%d\r\nTo: <sip:fd@127.0.0.1>\r\nCall-ID: fd-%d\r\n"
            "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n" % (i, s.getsockname()[1], i, i, i)).encode())
    try:
        return s.recv(4096).startswith(b"SIP/2.0 200")
    except ConnectionResetError:
        return False  # closed at once: refused
    except socket.timeout:
        return None   # it hangs in the backlog
socks, ok, closed = [], 0, 0
for i in range(100):
    s = socket.create_connection(("127.0.0.1", port), timeout=3)
    r = opt(s, i)
    if r is None:
        print("connection %d hung" % i); sys.exit(1)
    ok += r; closed += not r
    socks.append(s)
c0 = cpu_ticks(ppid); time.sleep(2); used = cpu_ticks(ppid) - c0
print("answered %d, closed at once %d; proxy CPU in the next 2 s: %d ticks" % (ok, closed, used))
for s in socks:
    s.close()
time.sleep(0.5)
s = socket.create_connection(("127.0.0.1", port), timeout=3)
sys.exit(0 if ok > 0 and closed > 0 and used < 100 and opt(s, 999) else 1)
PY
grep -q "refused: out of file descriptors" "$TMPD/proxy.log" || fail "no log line for the refused connections"
still_serving fd
assert_clean_log "out of file descriptors"
