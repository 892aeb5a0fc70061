# A TCP reader dies inside the connection table's lock, under load (a
# fault point kills it there: KAMAILIO_FAULT).  The supervisor used to shut
# everything down (the lock was never released); now it takes the lock
# over, rebuilds the table, releases it and restarts the reader: the TLS
# connections of the other readers keep being served and new TLS
# connections are accepted, without a restart of the proxy.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
PROXY_PORT=$(free_port); PT=$(free_port)
C=$TMPD/ca
mk_ca "$C"
mk_cert "$C" srv "DNS:localhost,IP:127.0.0.1"
cat > "$TMPD/k.cfg" <<CFG
debug=2
log_stderror=yes
children=1
tcp_children=4
tcp_max_connections_per_ip=0
listen=udp:127.0.0.1:$PROXY_PORT
listen=tls:127.0.0.1:$PT
tls_certificate="$C/srv/cert.pem"
tls_private_key="$C/srv/privkey.pem"
tls_verify_client=0
tls_require_client_certificate=0
loadmodule "sl"
route {
	sl_send_reply("200", "OK");
}
CFG
KAMAILIO_FAULT=tcp_lock_reader:3000; export KAMAILIO_FAULT
start_proxy "$TMPD/k.cfg"
unset KAMAILIO_FAULT
wait_tcp "$PT" || fail "no TLS listener"
timeout 90 python3 - "$PT" "$TMPD/proxy.log" <<'PY' || fail "the proxy did not recover"
import socket, ssl, sys, time
port, log = int(sys.argv[1]), sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
def conn():
    return ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=3))
def options(s, i):
    s.sendall(("OPTIONS sip:l@127.0.0.1 SIP/2.0\r\n"
               "Via: SIP/2.0/TLS 127.0.0.1:%d;branch=z9hG4bKld%d\r\n"
               "From: <sip:t@127.0.0.1>;tag=%d\r\nTo: <sip:l@127.0.0.1>\r\n"
               "Call-ID: lockdeath-%d\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
               "Content-Length: 0\r\n\r\n" % (s.getsockname()[1], i, i, i)).encode())
    d = b""
    while b"\r\n\r\n" not in d:
        x = s.recv(4096)
        if not x:
            raise OSError("closed")
        d += x
    return d.startswith(b"SIP/2.0 200")
held = [conn() for _ in range(40)]
alive = list(range(len(held)))
i = 0
t0 = time.time()
repaired_at = None
while time.time() - t0 < 60:
    for k in list(alive):
        i += 1
        try:
            options(held[k], i)
        except (OSError, ssl.SSLError):
            alive.remove(k)         # its reader died with it
    try:
        s = conn(); options(s, i); s.close()
    except (OSError, ssl.SSLError):
        pass
    if repaired_at is None and "repairing it" in open(log).read():
        repaired_at = time.time()
    if repaired_at is not None and time.time() - repaired_at > 3:
        break
if repaired_at is None:
    print("the fault never fired"); sys.exit(1)
# after the repair: the survivors and new connections are served
ok_old = 0
for k in alive:
    i += 1
    try:
        ok_old += options(held[k], i)
    except (OSError, ssl.SSLError):
        pass
ok_new = 0
for j in range(10):
    i += 1
    try:
        s = conn(); ok_new += options(s, i); s.close()
    except (OSError, ssl.SSLError) as e:
        print("new connection:", e)
print("after the repair: %d of %d held connections answered (%d lost with "
      "the dead reader), %d of 10 new ones" % (ok_old, len(alive),
      len(held) - len(alive), ok_new))
sys.exit(0 if ok_old == len(alive) and len(alive) >= 20 and ok_new == 10 else 1)
PY
proxy_alive || fail "the proxy shut down"
grep -q "died holding the TCP connection table lock: repairing it" "$TMPD/proxy.log" ||
	fail "no repair logged"
grep -q "restarted process" "$TMPD/proxy.log" || fail "the reader was not restarted"
