# IPv6: a proxy listening on [::1] and 127.0.0.1 answers OPTIONS over
# IPv6, relays a request from IPv6 to an IPv4 sink and the reply back
# (Via with a bracketed address, received= with the IPv6 source), and
# af==INET6 / src_ip==::1 work in the script.
. "$TOP/test/integ/lib.sh"
python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null ||
	skip "no IPv6 loopback"
PROXY_PORT=$(free_port)
SINK_PORT=$(free_port)
cat > "$TMPD/k.cfg" <<CFG
debug=3
log_stderror=yes
children=1
disable_tcp=yes
listen=udp:127.0.0.1:$PROXY_PORT
listen=udp:[::1]:$PROXY_PORT
loadmodule "sl"
loadmodule "textops"
route {
	if (af==INET6 && src_ip==::1) { append_hf("X-AF: 6\r\n"); }
	if (method=="OPTIONS" && uri==myself) {
		sl_send_reply("200", "OK v6");
		exit;
	}
	forward("127.0.0.1", $SINK_PORT);
}
CFG
start_proxy "$TMPD/k.cfg"
python3 - "$PROXY_PORT" "$SINK_PORT" <<'PY' || fail "IPv6 scenario failed"
import socket, sys
proxy, sinkp = int(sys.argv[1]), int(sys.argv[2])
ua = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); ua.bind(("::1", 0)); ua.settimeout(3)
lport = ua.getsockname()[1]
sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); sink.bind(("127.0.0.1", sinkp)); sink.settimeout(3)
def req(method, ruri, n):
    return ("%s %s SIP/2.0\r\nVia: SIP/2.0/UDP [::1]:%d;branch=z9hG4bKv6%d;rport\r\nMax-Forwards: 70\r\n"
            "From: <sip:a@test>;tag=%d\r\nTo: <%s>\r\nCall-ID: v6%d@test\r\nCSeq: 1 %s\r\nContent-Length: 0\r\n\r\n"
            % (method, ruri, lport, n, n, ruri, n, method)).encode()
ua.sendto(req("OPTIONS", "sip:[::1]:%d" % proxy, 1), ("::1", proxy))
r = ua.recv(65535).decode()
assert r.startswith("SIP/2.0 200 OK v6"), r
assert "rport=%d" % lport in r and "received=::1" in r, r
print("ok: OPTIONS over IPv6 answered, rport/received on the Via")
ua.sendto(req("MESSAGE", "sip:bob@example.org", 2), ("::1", proxy))
m = sink.recv(65535).decode()
assert "X-AF: 6" in m, m
top = [l for l in m.split("\r\n") if l.startswith("Via:")]
assert top[0].startswith("Via: SIP/2.0/UDP 127.0.0.1:%d;branch=" % proxy), m
assert "[::1]:%d;branch=z9hG4bKv62;rport=%d;received=::1" % (lport, lport) in top[1], m
print("ok: relayed IPv6 -> IPv4 with our Via and received= on theirs")
resp = "SIP/2.0 200 OK\r\n" + "\r\n".join(top) + "\r\nFrom: <sip:a@test>;tag=2\r\nTo: <sip:bob@example.org>;tag=x\r\nCall-ID: v62@test\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n"
sink.sendto(resp.encode(), ("127.0.0.1", proxy))
r = ua.recv(65535).decode()
assert r.startswith("SIP/2.0 200 OK") and r.count("Via:") == 1, r
print("ok: the reply came back over IPv6")
PY
assert_clean_log
