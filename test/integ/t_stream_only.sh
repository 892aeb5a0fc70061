# A proxy with no UDP socket: listen=tls:... alone (and listen=tcp:...
# alone) starts and serves (Kamailio 5.6 runs such edges; operators who
# want no plain SIP at all use them).  Over TLS it answers OPTIONS and
# relays statefully to a TLS peer; a request that would have to leave
# over UDP gets a 503 and a clear log line instead of a crash.  fork=no
# still needs a UDP socket and says so.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
PT=$(free_port); PC=$(free_port); UDP_DST=$(free_port)
C=$TMPD/ca
mk_ca "$C"
mk_cert "$C" srv "DNS:localhost,IP:127.0.0.1"
start_stream() {   # CFG PORT
	"$KAMAILIO" -c -f "$1" > "$TMPD/check.log" 2>&1 ||
		{ cat "$TMPD/check.log"; fail "config check failed"; }
	start_bg proxy sh -c 'cd "$1" && shift && exec "$@"' sh "$TMPD" \
		"$KAMAILIO" -DD -E -f "$1"
	PROXY_PID=$PID_proxy
	wait_tcp "$2" || { cat "$TMPD/proxy.log"; fail "proxy did not start"; }
}
cat > "$TMPD/tls.cfg" <<CFG
debug=2
log_stderror=yes
tcp_children=2
listen=tls:127.0.0.1:$PT
tls_certificate="$C/srv/cert.pem"
tls_private_key="$C/srv/privkey.pem"
tls_verify_client=0
tls_require_client_certificate=0
loadmodule "sl"
loadmodule "tm"
route {
	if (method == "OPTIONS") {
		sl_send_reply("200", "OK");
		exit;
	}
	rewritehostport("127.0.0.1:$UDP_DST");
	if (!t_relay_to_udp("127.0.0.1", "$UDP_DST"))
		sl_reply_error();
}
CFG
start_stream "$TMPD/tls.cfg" "$PT"
sed -n '/Listening on/,/started:/p' "$TMPD/proxy.log" | grep -q "udp:" &&
	fail "a UDP socket was opened"
tls_options "$PT" || fail "no 200 over TLS from a TLS-only proxy"
python3 - "$PT" <<'PY' || fail "a request needing UDP was not answered 503"
import socket, ssl, sys
port = int(sys.argv[1])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5))
lp = s.getsockname()[1]
s.sendall(("MESSAGE sip:u@127.0.0.1 SIP/2.0\r\n"
           "Via: SIP/2.0/TLS 127.0.0.1:%d;branch=z9hG4bKonly1\r\n"
           "From: <sip:t@127.0.0.1>;tag=p\r\nTo: <sip:u@127.0.0.1>\r\n"
           "Call-ID: only-1\r\nCSeq: 1 MESSAGE\r\nMax-Forwards: 70\r\n"
           "Content-Length: 0\r\n\r\n" % lp).encode())
d = b""
while b"\r\n\r\n" not in d:
    x = s.recv(65535)
    if not x:
        break
    d += x
print(d.split(b"\r\n")[0])
sys.exit(0 if d.startswith(b"SIP/2.0 503") else 1)
PY
grep -q "no udp socket" "$TMPD/proxy.log" ||
	{ tail -n 20 "$TMPD/proxy.log"; fail "no log line saying why"; }
proxy_alive || fail "proxy died"
assert_clean_log "no udp socket"
stop_proxy

cat > "$TMPD/tcp.cfg" <<CFG
debug=2
log_stderror=yes
tcp_children=1
listen=tcp:127.0.0.1:$PC
loadmodule "sl"
route {
	sl_send_reply("200", "OK");
}
CFG
start_stream "$TMPD/tcp.cfg" "$PC"
options_ok tcp "$PC" || fail "no 200 over TCP from a TCP-only proxy"
stop_proxy

sed 's/^debug=2$/debug=2\nfork=no/' "$TMPD/tcp.cfg" > "$TMPD/nofork.cfg"
"$KAMAILIO" -DD -E -f "$TMPD/nofork.cfg" > "$TMPD/nofork.log" 2>&1 &&
	fail "fork=no without UDP started"
grep -q "no UDP socket to listen on.*fork=no" "$TMPD/nofork.log" ||
	{ cat "$TMPD/nofork.log"; fail "fork=no: no clear error"; }
