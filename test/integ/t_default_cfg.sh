# The shipped default configuration (etc/kamailio.cfg, or
# etc/kamailio-notls.cfg in a build without TLS), with certificates made
# by kamctl as the quickstart does: it starts, answers OPTIONS over UDP,
# TCP and TLS, and relays a request (only the ports are changed, to free
# ones on 127.0.0.1).
. "$TOP/test/integ/lib.sh"
PROXY_PORT=$(free_port)
TLS_PORT=$(free_port)
SINK_PORT=$(free_port)
if "$KAMAILIO" -V | grep -q "^TLS: compiled in"; then
	src="$TOP/etc/kamailio.cfg"; tls=1
	mkdir -p "$TMPD/tls"
	KAMCTLRC=/dev/null "$TOP/scripts/kamctl" tls rootCA --no-passphrase "$TMPD/tls" > /dev/null ||
		fail "kamctl tls rootCA"
	KAMCTLRC=/dev/null "$TOP/scripts/kamctl" tls userCERT --no-passphrase \
		--san "DNS:localhost,IP:127.0.0.1" proxy "$TMPD/tls" > /dev/null ||
		fail "kamctl tls userCERT proxy"
	KAMCTLRC=/dev/null "$TOP/scripts/kamctl" tls userCERT --no-passphrase \
		client "$TMPD/tls" > /dev/null || fail "kamctl tls userCERT client"
else
	src="$TOP/etc/kamailio-notls.cfg"; tls=0
fi
sed -e "s/0\.0\.0\.0:5060/127.0.0.1:$PROXY_PORT/g" \
    -e "s/0\.0\.0\.0:5061/127.0.0.1:$TLS_PORT/g" \
    -e "s/^log_stderror=no/log_stderror=yes/" "$src" > "$TMPD/kamailio.cfg"
start_proxy "$TMPD/kamailio.cfg"
python3 - "$PROXY_PORT" "$TLS_PORT" "$SINK_PORT" "$tls" "$TMPD/tls" <<'PY' || fail "default config scenario failed"
import socket, ssl, sys
port, tport, sinkp, tls, certs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1", sys.argv[5]
def opt(proto, lport, n, ruri="sip:127.0.0.1", method="OPTIONS", extra=""):
    return ("%s %s SIP/2.0\r\nVia: SIP/2.0/%s 127.0.0.1:%d;branch=z9hG4bKdef%d\r\nMax-Forwards: 70\r\n"
            "From: <sip:a@other.test>;tag=%d\r\nTo: <%s>\r\nCall-ID: def%d@test\r\nCSeq: 1 %s\r\n%sContent-Length: 0\r\n\r\n"
            % (method, ruri, proto, lport, n, n, ruri, n, method, extra)).encode()
def read_msg(s):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk: break
        data += chunk
    return data.decode()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0)); u.settimeout(3)
u.sendto(opt("UDP", u.getsockname()[1], 1), ("127.0.0.1", port))
r = u.recv(65535).decode(); assert r.startswith("SIP/2.0 200 OK"), r
print("ok: OPTIONS over UDP")
t = socket.create_connection(("127.0.0.1", port), timeout=3)
t.sendall(opt("TCP", t.getsockname()[1], 2)); r = read_msg(t); assert r.startswith("SIP/2.0 200 OK"), r
print("ok: OPTIONS over TCP")
# a request for elsewhere is relayed (record-routed)
sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); sink.bind(("127.0.0.1", sinkp)); sink.settimeout(3)
u.sendto(opt("UDP", u.getsockname()[1], 3, "sip:bob@127.0.0.1:%d" % sinkp, "INVITE"), ("127.0.0.1", port))
m = sink.recv(65535).decode()
assert m.startswith("INVITE sip:bob@127.0.0.1:%d" % sinkp) and "Record-Route:" in m and "Alert-Info" not in m, m
print("ok: INVITE relayed, record-routed, no Alert-Info for an untrusted caller")
if tls:
    ctx = ssl.create_default_context(cafile=certs + "/cacert.pem")
    ctx.load_cert_chain(certs + "/client/cert.pem", certs + "/client/privkey.pem")
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", tport), timeout=3), server_hostname="localhost")
    s.sendall(opt("TLS", s.getsockname()[1], 4)); r = read_msg(s); assert r.startswith("SIP/2.0 200 OK"), r
    print("ok: OPTIONS over TLS (%s) with a client certificate" % s.version())
    s.sendall(opt("TLS", s.getsockname()[1], 5, "sip:carol@127.0.0.1:%d" % sinkp, "INVITE"))
    m = sink.recv(65535).decode()
    assert "Alert-Info: 1" in m and "transport=tls" in m, m
    print("ok: INVITE over TLS from a verified peer gets Alert-Info (the guide's scenario)")
    ctx2 = ssl.create_default_context(cafile=certs + "/cacert.pem")
    s2 = ctx2.wrap_socket(socket.create_connection(("127.0.0.1", tport), timeout=3), server_hostname="localhost")
    s2.sendall(opt("TLS", s2.getsockname()[1], 6, "sip:dave@127.0.0.1:%d" % sinkp, "INVITE"))
    m = sink.recv(65535).decode()
    assert "Alert-Info" not in m, m
    print("ok: INVITE over TLS without a client certificate: no Alert-Info")
PY
assert_clean_log
