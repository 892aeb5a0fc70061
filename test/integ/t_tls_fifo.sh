# tls_list and tls_reload over the FIFO (scripts/kamctl fifo), and the
# accept limits: tls_max_handshakes and tls_handshake_rate_per_ip.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
command -v mkfifo >/dev/null 2>&1 || skip "mkfifo not installed"
PROXY_PORT=$(free_port); PT=$(free_port)
FIFO=$TMPD/fifo
KAMCTLRC=$TMPD/kamctlrc; export KAMCTLRC
printf 'FIFO_PATH=%s\nFIFO_TIMEOUT=5\n' "$FIFO" > "$KAMCTLRC"
C=$TMPD/ca
mk_ca "$C"
mk_cert "$C" first "DNS:localhost,IP:127.0.0.1"
mk_cert "$C" second "DNS:localhost,IP:127.0.0.1"
mkdir -p "$TMPD/live"
cp "$C/first/cert.pem" "$C/first/privkey.pem" "$TMPD/live/"
cat > "$TMPD/k.cfg" <<CFG
debug=3
log_stderror=yes
children=1
tcp_children=2
fifo="$FIFO"
listen=udp:127.0.0.1:$PROXY_PORT
listen=tls:127.0.0.1:$PT
tls_certificate="$TMPD/live/cert.pem"
tls_private_key="$TMPD/live/privkey.pem"
tls_verify_client=0
tls_require_client_certificate=0
tls_max_handshakes=3
tls_handshake_rate_per_ip=20
loadmodule "sl"
route {
	sl_send_reply("200", "OK");
}
CFG
start_proxy "$TMPD/k.cfg"
wait_tcp "$PT" || fail "no TLS listener"
kam() { timeout 20 sh "$TOP/scripts/kamctl" fifo "$@" </dev/null > "$TMPD/out" 2>&1; }

# tls_list: an open connection with its details
python3 - "$PT" "$TMPD/held" <<'PY' &
import socket, ssl, sys, time
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))),
                    server_hostname="list.example.com")
s.sendall(b"\r\n\r\n"); s.recv(10)
open(sys.argv[2], "w").write("up\n")
time.sleep(8)
PY
PIDS="$PIDS $!"
i=0; while [ ! -s "$TMPD/held" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kam tls_list || { cat "$TMPD/out"; fail "tls_list failed"; }
cat "$TMPD/out"
grep -q "open 127.0.0.1:$PT <- 127.0.0.1:[0-9]*, domain \"default server domain\", TLSv1.3, cipher TLS_[A-Z0-9_]*, SNI \"list.example.com\"" "$TMPD/out" ||
	fail "tls_list does not show the connection"
kam tls_list json && grep -q '"sni": "list.example.com"' "$TMPD/out" || { cat "$TMPD/out"; fail "tls_list json"; }
note "tls_list shows the connection (text and JSON)"

# tls_reload: a bad file is refused and changes nothing; a good one is used
[ "$(server_cn "$PT")" = first ] || fail "not serving the first certificate"
printf 'garbage\n' > "$TMPD/live/cert.pem"
kam tls_reload && { cat "$TMPD/out"; fail "tls_reload accepted a bad certificate"; }
cat "$TMPD/out"
# (the status line may be cut to its maximum length: the file name is
# checked in the whole answer)
grep -q "500 tls_reload failed: default server domain" "$TMPD/out" &&
    grep -q "$TMPD/live/cert.pem" "$TMPD/out" ||
	fail "tls_reload error does not name the domain and file"
[ "$(server_cn "$PT")" = first ] || fail "a refused reload changed the running certificate"
cp "$C/second/cert.pem" "$C/second/privkey.pem" "$TMPD/live/"
kam tls_reload || { cat "$TMPD/out"; fail "tls_reload failed"; }
for i in 1 2 3; do   # every reader
	got=$(server_cn "$PT")
	[ "$got" = second ] || fail "after tls_reload: certificate '$got', expected 'second'"
done
tls_options "$PT" > /dev/null || fail "no TLS answer after reload"
note "tls_reload: bad file refused (500, running set kept), good file used by new connections"

# tls_max_handshakes=3: 6 connections stuck in the handshake (silent);
# each of the last 3 makes room by closing the oldest silent one
python3 - "$PT" <<'PY' || fail "tls_max_handshakes"
import socket, sys, time
port = int(sys.argv[1])
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(6)]
time.sleep(0.5)
closed = 0
for s in socks:
    s.settimeout(0.3)
    try:
        if s.recv(10) == b"":
            closed += 1
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed += 1
print("stuck handshakes: %d of 6 closed to make room" % closed)
sys.exit(0 if closed == 3 else 1)
PY
grep -q "tls_max_handshakes reached" "$TMPD/proxy.log" || fail "no tls_max_handshakes log"
sleep 1.2
# tls_handshake_rate_per_ip=20: 40 quick full handshakes in one second
python3 - "$PT" <<'PY' || fail "tls_handshake_rate_per_ip"
import socket, ssl, sys, time
port = int(sys.argv[1])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
ok = bad = 0
t0 = time.time()
for i in range(40):
    try:
        s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=2))
        ok += 1; s.close()
    except (OSError, ssl.SSLError):
        bad += 1
print("40 handshakes in %.2f s: %d ok, %d refused" % (time.time() - t0, ok, bad))
sys.exit(0 if bad > 0 and ok >= 10 else 1)
PY
grep -q "refused: tls_handshake_rate_per_ip exceeded" "$TMPD/proxy.log" || fail "no rate log"
sleep 1.2
tls_options "$PT" > /dev/null || fail "no TLS answer after the limits"
options_ok udp "$PROXY_PORT" || fail "no UDP answer"
proxy_alive || fail "proxy died"
assert_clean_log "tls_reload"
note "ok"
