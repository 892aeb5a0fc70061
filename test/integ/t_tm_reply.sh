# tm: t_reply() is stateful: a retransmitted request gets the same reply
# (same To-tag) without running the script again; a 404 to an INVITE over
# UDP is retransmitted (timer G) until the ACK, which is absorbed.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tm.sh"
PROXY_PORT=$(free_port)
tm_cfg "$TMPD/k.cfg" "	xlog(\"L_WARN\", \"script saw \$rm \$ci\\n\");
	t_reply(\"404\", \"Not Here\");"
sed -i 's/^loadmodule "rr"/loadmodule "rr"\nloadmodule "xlog"/' "$TMPD/k.cfg"
start_proxy "$TMPD/k.cfg"
python3 - "$PROXY_PORT" > "$TMPD/py.log" 2>&1 <<'PY'
import socket, sys, time
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); s.settimeout(0.2)
lp = s.getsockname()[1]
def req(m, cseq):
    return ("%s sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKtmreply1\r\n"
            "From: <sip:a@127.0.0.1>;tag=f1\r\nTo: <sip:x@127.0.0.1>%s\r\nCall-ID: tmreply-1\r\n"
            "CSeq: 1 %s\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
            % (m, lp, cseq, m)).encode()
def collect(secs):
    out, end = [], time.time() + secs
    while time.time() < end:
        try: out.append(s.recv(65535).decode())
        except socket.timeout: pass
    return out
s.sendto(req("INVITE", ""), ("127.0.0.1", port))
r = collect(1.2)          # 404 at 0, retransmitted at 0.5 s
assert len(r) >= 2 and all(x.startswith("SIP/2.0 404") for x in r), r
tag = [l for l in r[0].split("\r\n") if l.startswith("To:")][0]
assert ";tag=" in tag, tag
s.sendto(req("INVITE", ""), ("127.0.0.1", port))   # a retransmission
r2 = collect(0.3)
assert r2 and r2[0].startswith("SIP/2.0 404") and tag in r2[0], r2
s.sendto(req("ACK", tag[len("To: <sip:x@127.0.0.1>"):]), ("127.0.0.1", port))
r3 = collect(2.5)         # nothing more after the ACK
assert not r3, r3
print("ok: %d retransmissions before the ACK, none after" % (len(r) + len(r2) - 1))
PY
rc=$?
cat "$TMPD/py.log"
[ $rc -eq 0 ] || fail "stateful reply checks"
n=$(grep -c "script saw" "$TMPD/proxy.log")
note "script ran $n time(s)"
[ "$n" -eq 1 ] || fail "the script ran $n times (retransmissions/ACK must be absorbed)"
proxy_alive || fail "proxy died"
assert_clean_log
