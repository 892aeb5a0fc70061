# Concurrent TLS handshakes with 4 TCP readers (Kamailio 5.6 needs
# tcp_children=1 for this): 400 clients in 50 threads each complete a
# handshake with a client certificate, send an OPTIONS and get its 200;
# the connections end up spread over the readers (each holds at least an
# eighth); then 40 clients resume their sessions by ticket on new
# connections, whichever reader takes them, and are answered; the proxy
# still serves UDP and TLS afterwards.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
PROXY_PORT=$(free_port); PT=$(free_port)
C=$TMPD/ca
mk_ca "$C"
mk_cert "$C" srv "DNS:localhost,IP:127.0.0.1"
mk_cert "$C" cli "DNS:client.example.com"
cat > "$TMPD/k.cfg" <<CFG
debug=2
log_stderror=yes
children=1
tcp_children=4
open_files_limit=4096
tcp_max_connections=2048
tcp_max_connections_per_ip=0
tls_max_handshakes_per_ip=0
listen=udp:127.0.0.1:$PROXY_PORT
listen=tls:127.0.0.1:$PT
tls_certificate="$C/srv/cert.pem"
tls_private_key="$C/srv/privkey.pem"
tls_ca_list="$C/cacert.pem"
tls_verify_client=1
tls_require_client_certificate=1
loadmodule "sl"
route {
	if (proto == tls && !is_peer_verified()) {
		sl_send_reply("403", "Not Verified");
		exit;
	}
	sl_send_reply("200", "OK");
}
CFG
start_proxy "$TMPD/k.cfg"
wait_tcp "$PT" || fail "no TLS listener"
PYTHONPATH="$TOP/test/integ" python3 - "$PT" "$PROXY_PID" "$C" <<'PY' || fail "concurrent TLS test failed"
import resource, socket, ssl, sys, threading, time
from proxyprocs import socket_counts
from concurrent.futures import ThreadPoolExecutor
port, ppid, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3]
N, THREADS, RESUME = 400, 50, 40
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, N + 512), hard))
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(ca + "/cacert.pem")
ctx.load_cert_chain(ca + "/cli/cert.pem", ca + "/cli/privkey.pem")
ctx.check_hostname = False
ctx.maximum_version = ssl.TLSVersion.TLSv1_2   # sessions known after the handshake
start = threading.Barrier(THREADS)

def options(s, i):
    lp = s.getsockname()[1]
    s.sendall(("OPTIONS sip:c%d@127.0.0.1 SIP/2.0\r\n"
               "Via: SIP/2.0/TLS 127.0.0.1:%d;branch=z9hG4bKcc%d\r\n"
               "From: <sip:t@127.0.0.1>;tag=%d\r\nTo: <sip:c@127.0.0.1>\r\n"
               "Call-ID: tlsconn-%d\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
               "Content-Length: 0\r\n\r\n" % (i, lp, i, i, i)).encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(4096)
        if not d:
            break
        buf += d
    return buf.split(b"\r\n", 1)[0]

def one(i):
    if i < THREADS:
        start.wait(timeout=20)   # the first wave starts together
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=20))
    return s, options(s, i)

t0 = time.time()
with ThreadPoolExecutor(THREADS) as ex:
    res = list(ex.map(one, range(N)))
lines = [r[1] for r in res]
ok = sum(1 for l in lines if l == b"SIP/2.0 200 OK")
print("%d of %d answered 200 in %.1f s" % (ok, N, time.time() - t0))
if ok != N:
    print("other answers:", set(lines) - {b"SIP/2.0 200 OK"})
    sys.exit(1)
counts = socket_counts(ppid)
print("sockets per proxy process:", counts)
if len(counts) < 4 or counts[3] < N // 8:
    print("connections not spread over the readers")
    sys.exit(1)
# resumption: each of RESUME clients opens a new connection with its
# session, in parallel; whichever reader accepts it must resume it
def resume(i):
    s0 = res[i][0]
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=20),
                        session=s0.session)
    return s.session_reused, options(s, N + i), s
with ThreadPoolExecutor(20) as ex:
    rr = list(ex.map(resume, range(RESUME)))
reused = sum(1 for r in rr if r[0])
answered = sum(1 for r in rr if r[1] == b"SIP/2.0 200 OK")
print("resumed %d of %d, answered %d" % (reused, RESUME, answered))
for r in rr:
    r[2].close()
for s, _ in res:
    s.close()
sys.exit(0 if reused == RESUME and answered == RESUME else 1)
PY
sleep 0.5
options_ok udp "$PROXY_PORT" || fail "no UDP answer afterwards"
python3 - "$PT" "$C" <<'PY' || fail "no TLS answer afterwards"
import socket, ssl, sys
port, ca = int(sys.argv[1]), sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(ca + "/cacert.pem")
ctx.load_cert_chain(ca + "/cli/cert.pem", ca + "/cli/privkey.pem")
ctx.check_hostname = False
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5))
s.sendall(b"OPTIONS sip:after@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:1;branch=z9hG4bKafter\r\n"
          b"From: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:a@127.0.0.1>\r\nCall-ID: after\r\n"
          b"CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
sys.exit(0 if s.recv(4096).startswith(b"SIP/2.0 200") else 1)
PY
note "400 concurrent TLS handshakes with client certificates over 4 readers; 40 resumed by ticket"
proxy_alive || fail "proxy died"
assert_clean_log
