# Flow tokens are signed (rr flow_token, doc/cluster.md "The flow
# token's signature").  One proxy, UDP and TLS: a caller on a TLS
# connection sends an INVITE to a callee on UDP; record_route() puts a
# signed flow token for the caller's connection in the Record-Route.
# The callee's BYE, by that Route, comes down the caller's connection.
# An attacker on UDP who forges the Route (received= naming the caller's
# connection, no ;ft= or a wrong one) does not get its request onto the
# caller's connection: loose_route() treats the Route as a plain Route
# of ours and the request goes to its Request-URI (the attacker's own
# sink), and the log says why.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tls.sh"
"$KAMAILIO" -V 2>&1 | grep -qi tls || skip "built without TLS"
mk_ca "$TMPD/ca"
mk_cert "$TMPD/ca" proxy "IP:127.0.0.1"
CERT_DIR=$TMPD/ca/proxy
PROXY_PORT=$(free_port)
TLS_PORT=$(free_port)
openssl rand -hex 32 > "$TMPD/flow.key"
cat > "$TMPD/k.cfg" <<CFG
debug=2
log_stderror=yes
children=1
tcp_children=1
listen=udp:127.0.0.1:$PROXY_PORT
listen=tls:127.0.0.1:$TLS_PORT
tls_certificate="$CERT_DIR/cert.pem"
tls_private_key="$CERT_DIR/privkey.pem"
tls_ca_list="$CERT_DIR/calist.pem"
tls_verify_client=0
tls_require_client_certificate=0
loadmodule "sl"
loadmodule "tm"
loadmodule "rr"
modparam("tm", "fr_timer", 3)
modparam("rr", "flow_token", 1)
modparam("rr", "flow_secret_file", "$TMPD/flow.key")
route {
	if (loose_route()) {
		t_relay();
		exit;
	}
	if (method == "INVITE") {
		record_route();
		t_relay();
		exit;
	}
	sl_send_reply("404", "Not Here");
}
CFG
start_proxy "$TMPD/k.cfg"
timeout 60 python3 - "$PROXY_PORT" "$TLS_PORT" > "$TMPD/ua.log" 2>&1 <<'PY' ||
import re, socket, ssl, sys, time

udp_port, tls_port = int(sys.argv[1]), int(sys.argv[2])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
raw = socket.create_connection(("127.0.0.1", tls_port), timeout=10)
caller = ctx.wrap_socket(raw)
cport = caller.getsockname()[1]
callee = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
callee.bind(("127.0.0.1", 0))
eport = callee.getsockname()[1]
attacker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
attacker.bind(("127.0.0.1", 0))
aport = attacker.getsockname()[1]
sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sink.bind(("127.0.0.1", 0))
sport = sink.getsockname()[1]

def udp_wait(sock, pred, secs=10):
    """the first datagram on sock for which pred is true, or None"""
    end = time.time() + secs
    while time.time() < end:
        sock.settimeout(max(0.1, end - time.time()))
        try:
            d = sock.recv(65535).decode("latin-1")
        except socket.timeout:
            return None
        if pred(d):
            return d
    return None

buf = b""
def tls_wait(pred, secs):
    """a message read from the caller's connection that pred accepts"""
    global buf
    end = time.time() + secs
    while time.time() < end:
        m = re.search(rb"\r\n\r\n", buf)
        if m:
            msg = buf[:m.end()].decode("latin-1")
            buf = buf[m.end():]  # no bodies in this test
            if pred(msg):
                return msg
            continue
        caller.settimeout(max(0.1, end - time.time()))
        try:
            d = caller.recv(65535)
        except (socket.timeout, ssl.SSLError):
            return None
        if not d:
            return None
        buf += d
    return None

inv = ("INVITE sip:bob@127.0.0.1:%d SIP/2.0\r\n"
       "Via: SIP/2.0/TLS 127.0.0.1:%d;branch=z9hG4bKft1\r\n"
       "Max-Forwards: 70\r\nFrom: <sip:alice@test>;tag=a1\r\n"
       "To: <sip:bob@test>\r\nCall-ID: ft@test\r\nCSeq: 1 INVITE\r\n"
       "Contact: <sip:alice@10.255.0.1:9;transport=tls>\r\n"
       "Content-Length: 0\r\n\r\n") % (eport, cport)
caller.sendall(inv.encode())
got = udp_wait(callee, lambda d: d.startswith("INVITE "))
assert got, "the INVITE did not reach the callee"
rr = re.search(r"^Record-Route:\s*<([^>]*)>", got, re.M | re.I)
assert rr, "no Record-Route:\n" + got
rr = rr.group(1)
print("Record-Route:", rr)
tok = "received=tls:127.0.0.1:%d" % cport
assert tok in rr and re.search(r";ft=[0-9a-f]{32}(;|$)", rr), \
    "Record-Route without a signed flow token: " + rr

def bye(sock, route, ruri, n):
    m = ("BYE %s SIP/2.0\r\n"
         "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKftb%d\r\n"
         "Route: <%s>\r\nMax-Forwards: 70\r\n"
         "From: <sip:bob@test>;tag=b1\r\nTo: <sip:alice@test>;tag=a1\r\n"
         "Call-ID: ft@test\r\nCSeq: %d BYE\r\nContent-Length: 0\r\n\r\n"
         ) % (ruri, sock.getsockname()[1], n, route, n)
    sock.sendto(m.encode(), ("127.0.0.1", udp_port))

# forged: no MAC, a wrong MAC, a MAC cut short
mac = re.search(r";ft=([0-9a-f]{32})", rr).group(1)
flipped = ("0" if mac[0] != "0" else "1") + mac[1:]
base = rr.split(";ft=")[0]
forged = [base, base + ";ft=" + flipped, base + ";ft=" + mac[:31]]
for i, route in enumerate(forged):
    bye(attacker, route, "sip:x@127.0.0.1:%d" % sport, 10 + i)
    got = udp_wait(sink, lambda d: d.startswith("BYE ") and
                   ("CSeq: %d BYE" % (10 + i)) in d)
    assert got, "forged token %d: the BYE was not routed by its R-URI" % i
    leak = tls_wait(lambda d: d.startswith("BYE "), 1.0)
    assert leak is None, "forged token %d reached the caller:\n%s" % (i, leak)
    print("forged token %d (%s): not followed, went to its R-URI" %
          (i, route.split(";", 2)[-1]))

# genuine: the callee's BYE by the recorded route comes down the
# caller's connection
bye(callee, rr, "sip:alice@10.255.0.1:9;transport=tls", 2)
got = tls_wait(lambda d: d.startswith("BYE "), 10)
assert got and "CSeq: 2 BYE" in got, "the genuine BYE did not reach the caller"
print("genuine token: the BYE came down the caller's TLS connection")
caller.sendall((
    "SIP/2.0 200 OK\r\n" +
    re.search(r"^Via:[^\r]*\r\n", got, re.M).group(0) +
    "From: <sip:bob@test>;tag=b1\r\nTo: <sip:alice@test>;tag=a1\r\n"
    "Call-ID: ft@test\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n").encode())
PY
	{ cat "$TMPD/ua.log"; tail -30 "$TMPD/proxy.log"; fail "flow token test"; }
cat "$TMPD/ua.log"
n=$(grep -c "signature.*not followed" "$TMPD/proxy.log" || true)
[ "$n" -ge 3 ] || { tail -20 "$TMPD/proxy.log"; fail "no log line for the forged tokens ($n)"; }
note "forged flow tokens not followed and logged; the genuine one followed"
assert_clean_log "signature.*not followed"
