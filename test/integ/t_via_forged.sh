# Forged received=/rport=/i= in a request's top Via do not steer replies
# (reflection against third parties) and do not travel downstream: the
# proxy replaces them with the real source (RFC 3581 section 4, RFC 3261
# 18.2.1), for stateless forward() and for tm.  The client writes
# received=127.0.0.77;rport=<trap port>;i=7; a socket listening at that
# trap address must get nothing, the client must get its reply, and the
# UAS must see the client's real address and port in that Via.
. "$TOP/test/integ/lib.sh"
PROXY_PORT=$(free_port)
UAS=$(free_port)
TRAP=$(free_port)
cat > "$TMPD/k.cfg" <<CFG
debug=2
log_stderror=yes
children=1
listen=udp:127.0.0.1:$PROXY_PORT
loadmodule "sl"
loadmodule "tm"
route {
	if (\$rU == "sl") {
		forward("127.0.0.1", "$UAS");
		exit;
	}
	rewritehostport("127.0.0.1:$UAS");
	t_relay();
}
CFG
start_proxy "$TMPD/k.cfg"
python3 - "$PROXY_PORT" "$UAS" "$TRAP" <<'PY' || fail "forged Via parameters were honoured"
import re, socket, sys
proxy, uas_port, trap_port = (int(a) for a in sys.argv[1:4])
def sock(ip, port=0, t=3):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((ip, port)); s.settimeout(t)
    return s
uas, trap, uac = sock("127.0.0.1", uas_port), sock("127.0.0.77", trap_port, 1), sock("127.0.0.1")
lp = uac.getsockname()[1]
bad = 0
for user, method in (("sl", "MESSAGE"), ("tm", "MESSAGE")):
    req = ("%s sip:%s@127.0.0.1 SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKforged%s;"
           "received=127.0.0.77;rport=%d;i=7\r\n"
           "From: <sip:a@test>;tag=1\r\nTo: <sip:%s@test>\r\n"
           "Call-ID: forged-%s\r\nCSeq: 1 %s\r\nMax-Forwards: 70\r\n"
           "Content-Length: 0\r\n\r\n"
           % (method, user, lp, user, trap_port, user, user, method)).encode()
    uac.sendto(req, ("127.0.0.1", proxy))
    m, a = uas.recvfrom(65535)
    m = m.decode()
    vias = [l for l in m.split("\r\n") if l.lower().startswith("via:")]
    cv = vias[-1]
    print(user, "client Via downstream:", cv)
    if "127.0.0.77" in cv or ";i=" in cv or ("rport=%d" % lp) not in cv \
       or "received=127.0.0.1" not in cv or str(trap_port) in cv:
        print(user, ": forged values downstream"); bad += 1
    head = m.split("\r\n\r\n", 1)[0].split("\r\n")
    out = ["SIP/2.0 200 OK"] + [l + (";tag=u" if l.lower().startswith("to:") else "")
                                for l in head[1:] if l.split(":", 1)[0].lower()
                                in ("via", "from", "to", "call-id", "cseq")]
    uas.sendto(("\r\n".join(out) + "\r\nContent-Length: 0\r\n\r\n").encode(), a)
    try:
        r = uac.recv(65535).decode()
        print(user, "reply:", r.split("\r\n", 1)[0])
        if not r.startswith("SIP/2.0 200"):
            bad += 1
    except socket.timeout:
        print(user, ": the client got no reply"); bad += 1
    try:
        t = trap.recv(65535)
        print(user, ": the trap address got", t[:40]); bad += 1
    except socket.timeout:
        pass
sys.exit(1 if bad else 0)
PY
proxy_alive || fail "proxy died"
assert_clean_log
