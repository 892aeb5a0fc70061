# tm: parallel forking.  append_branch() adds targets to the destination
# set and t_relay() sends one branch to each at once: UAS1 rings, UAS2
# answers 200; the caller gets that 200, UAS1 gets a CANCEL (and the
# proxy's ACK for its 487).  A second call whose branches all fail gets
# its final reply only when both are final, and the best one (486 over
# 503, RFC 3261 §16.7).
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tm.sh"
PROXY_PORT=$(free_port)
U1=$(free_port)
U2=$(free_port)
CHILDREN=1
tm_cfg "$TMPD/k.cfg" "	if (\$rU == \"fork\") {
		rewritehostport(\"127.0.0.1:$U1\");
		append_branch(\"sip:fork2@127.0.0.1:$U2\");
	} else if (\$rU == \"fail\") {
		rewritehostport(\"127.0.0.1:$U1\");
		append_branch(\"sip:fail2@127.0.0.1:$U2\");
	}
	if (!t_relay())
		sl_reply_error();"
start_proxy "$TMPD/k.cfg"

python3 - "$PROXY_PORT" "$U1" "$U2" <<'PY' > "$TMPD/fork.out" 2>&1 || { cat "$TMPD/fork.out"; fail "parallel forking"; }
import socket, sys, time
proxy, p1, p2 = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def sock(port=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port)); s.settimeout(5)
    return s
u1, u2, uac = sock(p1), sock(p2), sock()
lp = uac.getsockname()[1]
def req(user, method, cid, totag=""):
    return ("%s sip:%s@127.0.0.1 SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%s;rport\r\n"
            "From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:%s@127.0.0.1>%s\r\n"
            "Call-ID: %s\r\nCSeq: 1 %s\r\nMax-Forwards: 70\r\n"
            "Contact: <sip:alice@127.0.0.1:%d>\r\nContent-Length: 0\r\n\r\n"
            % (method, user, lp, cid, user, totag, cid, method, lp)).encode()
def reply(m, code, reason, tag):
    head = m.split("\r\n\r\n", 1)[0].split("\r\n")
    out = ["SIP/2.0 %d %s" % (code, reason)]
    for l in head[1:]:
        n = l.split(":", 1)[0].strip().lower()
        if n in ("via", "from", "call-id", "cseq"):
            out.append(l)
        elif n == "to":
            out.append(l if ";tag=" in l else l + ";tag=" + tag)
    return ("\r\n".join(out) + "\r\nContent-Length: 0\r\n\r\n").encode()
def recv(s, want):
    end = time.time() + 5
    while time.time() < end:
        m, a = s.recvfrom(65535)
        m = m.decode()
        if m.startswith(want):
            return m, a
    raise SystemExit("no %s" % want)
def final(s):
    end = time.time() + 5
    while time.time() < end:
        m, a = s.recvfrom(65535)
        m = m.decode()
        code = int(m.split(" ", 2)[1])
        if code >= 200:
            return code, m
    raise SystemExit("no final reply")

# 1: one branch rings, the other answers
uac.sendto(req("fork", "INVITE", "fork-1"), ("127.0.0.1", proxy))
i1, a1 = recv(u1, "INVITE sip:fork@127.0.0.1:%d" % p1)
i2, a2 = recv(u2, "INVITE sip:fork2@127.0.0.1:%d" % p2)
u1.sendto(reply(i1, 180, "Ringing", "r1"), a1)
u2.sendto(reply(i2, 200, "OK", "ok2"), a2)
code, m = final(uac)
assert code == 200 and "tag=ok2" in m, m
c1, ca = recv(u1, "CANCEL")
u1.sendto(reply(c1, 200, "OK", "r1"), ca)
u1.sendto(reply(i1, 487, "Request Terminated", "r1"), a1)
ack, _ = recv(u1, "ACK")
print("fork: 200 from branch 2, branch 1 cancelled and acked")

# 2: both fail: no final reply goes up until every branch is final, then
# the lower class (4xx over 5xx)
uac.sendto(req("fail", "INVITE", "fork-2"), ("127.0.0.1", proxy))
i1, a1 = recv(u1, "INVITE sip:fail@")
i2, a2 = recv(u2, "INVITE sip:fail2@")
u1.sendto(reply(i1, 503, "Service Unavailable", "n1"), a1)
uac.settimeout(0.7)
try:
    m = uac.recvfrom(65535)[0].decode()
    assert int(m.split(" ", 2)[1]) < 200, "final too early: " + m
except socket.timeout:
    pass
uac.settimeout(5)
u2.sendto(reply(i2, 486, "Busy Here", "b2"), a2)
code, m = final(uac)
assert code == 486, m
print("fail: waited for both branches, 486 chosen over 503")
PY
cat "$TMPD/fork.out"
proxy_alive || fail "proxy died"
assert_clean_log
