# Misbehaving TLS peers: garbage instead of a ClientHello, a client that
# never finishes the handshake (closed after tls_handshake_timeout=2),
# a TLS 1.0-only client, a renegotiation attempt on TLS 1.2, 1 MB of junk
# after the handshake.  After each the proxy still answers OPTIONS over
# TLS and UDP.  Then start-up refusals: a missing key file, a key that
# does not match the certificate, a CA list that holds no certificate:
# each names the domain, the file and OpenSSL's reason.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
PROXY_PORT=$(free_port); PT=$(free_port)
C=$TMPD/ca
mk_ca "$C"
mk_cert "$C" srv "DNS:localhost,IP:127.0.0.1"
mk_cert "$C" other "DNS:localhost"
cat > "$TMPD/k.cfg" <<CFG
debug=2
log_stderror=yes
children=1
tcp_children=1
listen=udp:127.0.0.1:$PROXY_PORT
listen=tls:127.0.0.1:$PT
tls_certificate="$C/srv/cert.pem"
tls_private_key="$C/srv/privkey.pem"
tls_ca_list="$C/cacert.pem"
tls_verify_client=0
tls_require_client_certificate=0
tls_handshake_timeout=2
loadmodule "sl"
route {
	sl_send_reply("200", "OK");
}
CFG
start_proxy "$TMPD/k.cfg"
wait_tcp "$PT" || fail "no TLS listener"

still_serving() {
	tls_options "$PT" > /dev/null || fail "after $1: no TLS answer"
	options_ok udp "$PROXY_PORT" || fail "after $1: no UDP answer"
	proxy_alive || fail "after $1: proxy died"
	note "$1: ok, still serving"
}
still_serving "start"

bad() {   # CASE: python case, exits 0 when the proxy behaved
	python3 - "$PT" "$1" <<'PY' || fail "case $1"
import os, socket, ssl, sys, time
port, case = int(sys.argv[1]), sys.argv[2]
def eof_within(s, limit):
    s.settimeout(limit)
    t0 = time.time()
    try:
        while True:
            d = s.recv(65536)
            if not d:
                return time.time() - t0
    except (ConnectionResetError, ssl.SSLError, BrokenPipeError):
        return time.time() - t0
    except socket.timeout:
        return None
s = socket.create_connection(("127.0.0.1", port), timeout=5)
if case == "garbage":
    s.sendall(b"\x00\xff garbage, no ClientHello\r\n\r\n" * 20)
    t = eof_within(s, 5)
    print("garbage: closed after %s s" % t); sys.exit(0 if t is not None else 1)
if case == "stall":
    # half a ClientHello, then nothing
    s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
    t = eof_within(s, 8)
    print("stalled handshake: closed after %s s" % t)
    sys.exit(0 if t is not None and 1.5 <= t <= 5 else 1)
if case == "junk":
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
    c = ctx.wrap_socket(s)
    try:
        c.sendall(os.urandom(1 << 20))
    except (OSError, ssl.SSLError) as e:
        print("junk: send stopped: %s" % e)
    t = eof_within(c, 10)
    print("1 MB junk: closed after %s s" % t); sys.exit(0 if t is not None else 1)
PY
}
bad garbage; still_serving "garbage instead of a ClientHello"
bad stall; still_serving "a handshake that never completes"

timeout 10 openssl s_client -tls1 -cipher DEFAULT@SECLEVEL=0 -connect "127.0.0.1:$PT" \
	</dev/null > "$TMPD/tls1.out" 2>&1 && fail "a TLS 1.0-only client was accepted"
grep -q "Cipher is (NONE)" "$TMPD/tls1.out" || { cat "$TMPD/tls1.out"; fail "TLS 1.0: no refusal seen"; }
still_serving "a TLS 1.0-only client (refused)"

(sleep 1; echo R; sleep 3) | timeout 10 openssl s_client -tls1_2 -connect "127.0.0.1:$PT" > "$TMPD/reneg.out" 2>&1
grep -q "RENEGOTIATING" "$TMPD/reneg.out" || fail "renegotiation not attempted"
grep -qiE "no renegotiation|closed|error" "$TMPD/reneg.out" || { tail -5 "$TMPD/reneg.out"; fail "renegotiation was not refused"; }
note "renegotiation: $(grep -iE 'no renegotiation|closed' "$TMPD/reneg.out" | head -1 | cut -c1-100)"
still_serving "a renegotiation attempt"

bad junk; still_serving "1 MB of junk after the handshake"
assert_clean_log

# start-up refusals
startup() {   # NAME CERT KEY CA EXPECT...: kamailio -c must fail naming them
	name=$1; cert=$2; key=$3; ca=$4; shift 4
	sed -e "s|^tls_certificate=.*|tls_certificate=\"$cert\"|" \
	    -e "s|^tls_private_key=.*|tls_private_key=\"$key\"|" \
	    -e "s|^tls_ca_list=.*|tls_ca_list=\"$ca\"|" "$TMPD/k.cfg" > "$TMPD/$name.cfg"
	"$KAMAILIO" -c -f "$TMPD/$name.cfg" > "$TMPD/$name.out" 2>&1 && fail "$name: start-up not refused"
	for e in "$@"; do
		grep -q -- "$e" "$TMPD/$name.out" || { cat "$TMPD/$name.out"; fail "$name: '$e' not in the message"; }
	done
	# and a real start stops too
	timeout 10 "$KAMAILIO" -DD -E -f "$TMPD/$name.cfg" > "$TMPD/$name.run" 2>&1 && fail "$name: proxy started"
	grep -q "TLS start-up failed" "$TMPD/$name.run" || { cat "$TMPD/$name.run"; fail "$name: no start-up error"; }
	note "$name: $(grep -m1 'TLS start-up failed' "$TMPD/$name.out" | cut -c1-220)"
}
printf 'not a certificate\n' > "$TMPD/garbage-ca.pem"
startup missing-key "$C/srv/cert.pem" "$TMPD/nokey.pem" "$C/cacert.pem" \
	"default server domain" "$TMPD/nokey.pem" "error:"
startup key-mismatch "$C/srv/cert.pem" "$C/other/privkey.pem" "$C/cacert.pem" \
	"default server domain" "$C/other/privkey.pem" "does not match" "error:"
startup bad-ca "$C/srv/cert.pem" "$C/srv/privkey.pem" "$TMPD/garbage-ca.pem" \
	"default server domain" "$TMPD/garbage-ca.pem"
note "ok"
