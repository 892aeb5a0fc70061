# tm: failure_route re-routes to a second UAS after a 486 from the first
# one; every call succeeds (100 calls over UDP), and the first UAS gets
# the proxy's ACK for its 486.  Then challenge merging (RFC 3261 §16.7
# step 7): a first UAS answers 401 (WWW-Authenticate), failure_route
# sends to a second that answers 407 (Proxy-Authenticate); the UAC gets
# one final reply carrying both challenges, and both UASes get an ACK.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tm.sh"
command -v sipp >/dev/null || skip "sipp not installed"
PROXY_PORT=$(free_port)
UAS1_PORT=$(free_port)
UAS2_PORT=$(free_port)
UAC_PORT=$(free_port)
CH1=$(free_port); CH2=$(free_port)
CALLS=100
tm_cfg "$TMPD/k.cfg" "	if (\$rU == \"chal\") {
		rewritehostport(\"127.0.0.1:$CH1\");
		t_on_failure(\"2\");
	} else {
		rewritehostport(\"127.0.0.1:$UAS1_PORT\");
		t_on_failure(\"1\");
	}
	if (!t_relay())
		sl_reply_error();" "
failure_route[1] {
	if (t_was_cancelled())
		exit;
	rewritehostport(\"127.0.0.1:$UAS2_PORT\");
	t_relay();
}
failure_route[2] {
	rewritehostport(\"127.0.0.1:$CH2\");
	t_relay();
}"
start_proxy "$TMPD/k.cfg"
start_bg uas1 sipp -sf "$TOP/test/integ/sipp/uas_486.xml" -i 127.0.0.1 \
	-p "$UAS1_PORT" -nostdin
start_bg uas2 sipp -sn uas -i 127.0.0.1 -p "$UAS2_PORT" -nostdin
wait_udp "$UAS1_PORT" && wait_udp "$UAS2_PORT" || fail "sipp UAS did not start"
timeout 60 sipp -sn uac -i 127.0.0.1 -p "$UAC_PORT" -nostdin \
	-default_behaviors all,-abortunexp -m "$CALLS" -r 50 -l 50 \
	-timeout 30 -timeout_error -trace_err -error_file "$TMPD/uac_err.log" \
	"127.0.0.1:$PROXY_PORT" > "$TMPD/uac.log" 2>&1
rc=$?
set -- $(sipp_counts "$TMPD/uac.log")
note "re-routed calls: successful $1, failed $2"
[ $rc -eq 0 ] || { tail -n 20 "$TMPD/uac_err.log"; fail "sipp exit $rc"; }
[ "$1" = "$CALLS" ] && [ "$2" = 0 ] || fail "expected $CALLS successful calls"
sleep 0.5
proxy_alive || fail "proxy died"

python3 - "$PROXY_PORT" "$CH1" "$CH2" <<'PY' > "$TMPD/chal.out" 2>&1 || { cat "$TMPD/chal.out"; fail "challenge merging"; }
import socket, sys
proxy, p1, p2 = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def sock(port=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port)); s.settimeout(5)
    return s
u1, u2, uac = sock(p1), sock(p2), sock()
lp = uac.getsockname()[1]
def req(method, totag=""):
    return ("%s sip:chal@127.0.0.1 SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKchal1;rport\r\n"
            "From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:chal@127.0.0.1>%s\r\n"
            "Call-ID: chal-1\r\nCSeq: 1 %s\r\nMax-Forwards: 70\r\n"
            "Contact: <sip:alice@127.0.0.1:%d>\r\nContent-Length: 0\r\n\r\n"
            % (method, lp, totag, method, lp)).encode()
def reply(m, code, reason, extra):
    head = m.split("\r\n\r\n", 1)[0].split("\r\n")
    out = ["SIP/2.0 %d %s" % (code, reason)]
    for l in head[1:]:
        n = l.split(":", 1)[0].strip().lower()
        if n in ("via", "from", "call-id", "cseq"):
            out.append(l)
        elif n == "to":
            out.append(l + ";tag=u%d" % code)
    out.append(extra)
    return ("\r\n".join(out) + "\r\nContent-Length: 0\r\n\r\n").encode()
uac.sendto(req("INVITE"), ("127.0.0.1", proxy))
m1, a1 = u1.recvfrom(65535); m1 = m1.decode()
u1.sendto(reply(m1, 401, "Unauthorized",
    'WWW-Authenticate: Digest realm="a.test", nonce="n1"'), a1)
ack1 = u1.recvfrom(65535)[0].decode()
m2, a2 = u2.recvfrom(65535); m2 = m2.decode()
u2.sendto(reply(m2, 407, "Proxy Authentication Required",
    'Proxy-Authenticate: Digest realm="b.test", nonce="n2"'), a2)
ack2 = u2.recvfrom(65535)[0].decode()
final = None
while final is None:
    m = uac.recvfrom(65535)[0].decode()
    if not m.startswith("SIP/2.0 1"):
        final = m
print(final.split("\r\n", 1)[0])
tag = [l for l in final.split("\r\n") if l.lower().startswith("to:")][0].split("tag=")[1]
uac.sendto(req("ACK", ";tag=" + tag), ("127.0.0.1", proxy))
ok = (final.split(" ")[1] in ("401", "407")
      and 'WWW-Authenticate: Digest realm="a.test", nonce="n1"' in final
      and 'Proxy-Authenticate: Digest realm="b.test", nonce="n2"' in final
      and final.count("Authenticate:") == 2
      and ack1.startswith("ACK") and ack2.startswith("ACK"))
print("both challenges in one reply; ACKs to both UASes" if ok else final)
sys.exit(0 if ok else 1)
PY
note "challenges merged: $(head -n 1 "$TMPD/chal.out") with WWW- and Proxy-Authenticate"
proxy_alive || fail "proxy died"
assert_clean_log
