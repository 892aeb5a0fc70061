# Abuse of the stream listeners that found its way around the limits:
#  1. the tls_max_handshakes pool as a lockout lever: silent connections
#     (they never send a ClientHello) from three addresses fill the pool;
#     legitimate clients from another address must still get through
#     (the oldest silent connection is closed to make room; one address
#     holds at most tls_max_handshakes_per_ip; tls_hello_timeout closes
#     the silent ones after 3 s);
#  2. slowloris: many connections from one address sending a byte a
#     second never complete a message; tcp_max_connections_per_ip caps
#     them at accept and tcp_message_timeout closes them, while clients
#     from another address are served throughout.
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
tcp_children=2
listen=udp:127.0.0.1:$PROXY_PORT
listen=tcp:127.0.0.1:$PROXY_PORT
listen=tls:127.0.0.1:$PT
tls_certificate="$C/srv/cert.pem"
tls_private_key="$C/srv/privkey.pem"
tls_verify_client=0
tls_require_client_certificate=0
tls_max_handshakes=20
tls_max_handshakes_per_ip=8
tls_hello_timeout=3
tcp_max_connections_per_ip=50
tcp_message_timeout=3
loadmodule "sl"
route {
	sl_send_reply("200", "OK");
}
CFG
start_proxy "$TMPD/k.cfg"
wait_tcp "$PT" || fail "no TLS listener"
timeout 90 python3 - "$PT" "$PROXY_PORT" <<'PY' || fail "abuse"
import socket, ssl, sys, threading, time
pt, port = int(sys.argv[1]), int(sys.argv[2])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE

def options(s, i, proto):
    s.sendall(("OPTIONS sip:a@127.0.0.1 SIP/2.0\r\n"
               "Via: SIP/2.0/%s 127.0.0.1:%d;branch=z9hG4bKab%d\r\n"
               "From: <sip:t@127.0.0.1>;tag=%d\r\nTo: <sip:a@127.0.0.1>\r\n"
               "Call-ID: abuse-%d\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
               "Content-Length: 0\r\n\r\n"
               % (proto, s.getsockname()[1], i, i, i)).encode())
    d = b""
    while b"\r\n\r\n" not in d:
        x = s.recv(4096)
        if not x:
            break
        d += x
    return d.startswith(b"SIP/2.0 200")

def closed(s, wait):
    s.settimeout(wait)
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False

# 1: silent connections from 127.0.0.2..4, kept coming for 6 s
stop = False
silent = []
lock = threading.Lock()
def attacker(ip):
    while not stop:
        try:
            s = socket.socket()
            s.bind((ip, 0))
            s.settimeout(2)
            s.connect(("127.0.0.1", pt))
            with lock:
                silent.append(s)
        except OSError:
            pass
        time.sleep(0.05)
ths = [threading.Thread(target=attacker, args=("127.0.0.%d" % n,)) for n in (2, 3, 4)]
for t in ths:
    t.start()
time.sleep(1)
ok = 0
for i in range(20):
    try:
        raw = socket.create_connection(("127.0.0.1", pt), timeout=5)
        s = ctx.wrap_socket(raw)
        ok += options(s, i, "TLS")
        s.close()
    except (OSError, ssl.SSLError) as e:
        print("legit %d: %s" % (i, e))
    time.sleep(0.1)
stop = True
for t in ths:
    t.join()
print("legitimate TLS clients served: %d of 20 while %d silent connections came"
      % (ok, len(silent)))
# the silent ones go within tls_hello_timeout (3 s) plus a scan
time.sleep(5)
left = sum(1 for s in silent if not closed(s, 0.01))
print("silent connections still open 5 s later: %d" % left)
for s in silent:
    s.close()
if ok < 19 or left > 0:
    sys.exit(1)

# 2: slowloris from 127.0.0.5 over TCP
slow = []
for i in range(80):
    s = socket.socket()
    s.bind(("127.0.0.5", 0))
    try:
        s.connect(("127.0.0.1", port))
        slow.append(s)
    except OSError:
        pass
time.sleep(0.5)
refused = sum(1 for s in slow if closed(s, 0.01))
print("slow connections refused at accept (cap 50): %d of %d" % (refused, len(slow)))
msg = b"OPTIONS sip:slow@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.5;branch=z9hG4bKslow\r\n"
served = 0
t0 = time.time()
k = 0
while time.time() - t0 < 6:
    for s in slow:
        try:
            s.send(msg[k:k + 1])
        except OSError:
            pass
    k += 1
    s2 = socket.create_connection(("127.0.0.1", port), timeout=3)
    served += options(s2, 100 + k, "TCP")
    s2.close()
    time.sleep(1)
alive = sum(1 for s in slow if not closed(s, 0.01))
print("while trickling: %d requests from 127.0.0.1 served of %d; slow "
      "connections open after 6 s: %d" % (served, k, alive))
for s in slow:
    s.close()
sys.exit(0 if refused >= 25 and alive == 0 and served == k else 1)
PY
proxy_alive || fail "proxy died"
tls_options "$PT" || fail "TLS not served afterwards"
assert_clean_log
