# TLS session resumption keeps going (RFC 8446 appendix C.4: a client
# uses each ticket once): a resumed session gets a new ticket, which
# resumes again on the next connection, and so on, over TLS 1.3 and 1.2
# (tlsfuzzer's test-tls13-session-resumption found the resumed handshake
# got no ticket).
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
listen=tls:127.0.0.1:$PT
tls_certificate="$C/srv/cert.pem"
tls_private_key="$C/srv/privkey.pem"
tls_ca_list="$C/cacert.pem"
tls_verify_client=0
tls_require_client_certificate=0
loadmodule "sl"
route {
	sl_send_reply("200", "OK");
}
CFG
start_proxy "$TMPD/k.cfg"
wait_tcp "$PT" || fail "no TLS listener"
python3 - "$PT" "$C" <<'PY' || fail "resumption chain broken"
import socket, ssl, sys
port, ca = int(sys.argv[1]), sys.argv[2]

def options(s, i):
    s.sendall(("OPTIONS sip:r@127.0.0.1 SIP/2.0\r\n"
               "Via: SIP/2.0/TLS 127.0.0.1:%d;branch=z9hG4bKres%d\r\n"
               "From: <sip:t@127.0.0.1>;tag=%d\r\nTo: <sip:r@127.0.0.1>\r\n"
               "Call-ID: resume-%d\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
               "Content-Length: 0\r\n\r\n"
               % (s.getsockname()[1], i, i, i)).encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        d = s.recv(4096)
        if not d:
            break
        buf += d
    return buf.split(b"\r\n", 1)[0]

bad = 0
for ver in (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(ca + "/cacert.pem")
    ctx.minimum_version = ctx.maximum_version = ver
    sess, ids = None, []
    for i in range(5):
        s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port),
                                                     timeout=5),
                            server_hostname="localhost", session=sess)
        # the answer comes after the tickets (TLS 1.3 sends them after
        # the handshake)
        ok = options(s, i) == b"SIP/2.0 200 OK"
        reused = s.session_reused
        sess = s.session
        ids.append(sess.id)
        s.close()
        print("%s connection %d: %s, reply %s" % (ver.name, i,
              "resumed" if reused else "full", "ok" if ok else "missing"))
        if not ok or (i > 0 and not reused):
            bad += 1
    # every connection brought a ticket of its own
    if len(set(ids)) != len(ids):
        print("%s: a resumed connection got no new ticket" % ver.name)
        bad += 1
sys.exit(1 if bad else 0)
PY
proxy_alive || fail "proxy died"
assert_clean_log
