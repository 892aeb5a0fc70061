# tm: CANCEL before the 200 ends both sides cleanly: the UAC gets 200 for
# its CANCEL and 487 for the INVITE, the UAS gets the CANCEL and the ACK
# for its 487 (100 calls over UDP).
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tm.sh"
command -v sipp >/dev/null || skip "sipp not installed"
PROXY_PORT=$(free_port)
UAS_PORT=$(free_port)
UAC_PORT=$(free_port)
UAS2=$(free_port)
CALLS=100
tm_cfg "$TMPD/k.cfg" "	if (\$rU == \"cretr\")
		rewritehostport(\"127.0.0.1:$UAS2\");
	else
		rewritehostport(\"127.0.0.1:$UAS_PORT\");
	if (!t_relay())
		sl_reply_error();"
start_proxy "$TMPD/k.cfg"
start_bg uas sipp -sf "$TOP/test/integ/sipp/uas_cancel.xml" -i 127.0.0.1 \
	-p "$UAS_PORT" -nostdin -trace_err -error_file "$TMPD/uas_err.log"
wait_udp "$UAS_PORT" || fail "sipp UAS did not start"
timeout 60 sipp -sf "$TOP/test/integ/sipp/uac_cancel.xml" -i 127.0.0.1 \
	-p "$UAC_PORT" -nostdin -m "$CALLS" -r 50 -l 50 \
	-timeout 30 -timeout_error -trace_err -error_file "$TMPD/uac_err.log" \
	"127.0.0.1:$PROXY_PORT" > "$TMPD/uac.log" 2>&1
rc=$?
set -- $(sipp_counts "$TMPD/uac.log")
note "cancelled calls: successful $1, failed $2"
[ $rc -eq 0 ] || { tail -n 20 "$TMPD/uac_err.log"; fail "sipp exit $rc"; }
[ "$1" = "$CALLS" ] && [ "$2" = 0 ] || fail "expected $CALLS cancelled calls"
sleep 1
# the UAS saw every CANCEL and every ACK for its 487 in order
if grep -q "Aborting\|unexpected" "$TMPD/uas_err.log" 2>/dev/null; then
	head -n 20 "$TMPD/uas_err.log"; fail "UAS scenario errors"
fi
proxy_alive || fail "proxy died"
assert_clean_log

# Our CANCEL is retransmitted over UDP (timer E) until the callee answers
# it: a UAS that ignores the first CANCEL gets a second one about T1
# later, answers it (200, then 487), and gets no further CANCEL; the UAC
# sees 200 for its CANCEL and 487 for the INVITE, and the ACK for the 487
# reaches the UAS.
python3 - "$PROXY_PORT" "$UAS2" <<'PY' > "$TMPD/cretr.out" 2>&1 &
import socket, sys, time
proxy, uport = int(sys.argv[1]), int(sys.argv[2])
uas = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
uas.bind(("127.0.0.1", uport)); uas.settimeout(6)
uac = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
uac.bind(("127.0.0.1", 0)); uac.settimeout(6)
lp = uac.getsockname()[1]
def req(method, cseq="1"):
    return ("%s sip:cretr@127.0.0.1:%d SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKcretr1;rport\r\n"
            "From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>\r\n"
            "Call-ID: cretr-1\r\nCSeq: %s %s\r\nMax-Forwards: 70\r\n"
            "Contact: <sip:alice@127.0.0.1:%d>\r\nContent-Length: 0\r\n\r\n"
            % (method, uport, lp, cseq, method, lp)).encode()
def reply(m, code, reason, totag=True):
    head, _, _ = m.partition("\r\n\r\n")
    lines = head.split("\r\n")
    out = ["SIP/2.0 %d %s" % (code, reason)]
    for l in lines[1:]:
        n = l.split(":", 1)[0].strip().lower()
        if n in ("via", "from", "call-id", "cseq"):
            out.append(l)
        elif n == "to":
            out.append(l + (";tag=b1" if totag and "tag=" not in l else ""))
    return ("\r\n".join(out) + "\r\nContent-Length: 0\r\n\r\n").encode()
def recv(s, what):
    d, a = s.recvfrom(65535)
    m = d.decode("latin-1")
    return m, a
uac.sendto(req("INVITE"), ("127.0.0.1", proxy))
inv, pa = recv(uas, "INVITE")
assert inv.startswith("INVITE"), inv
uas.sendto(reply(inv, 180, "Ringing"), pa)
got = []
while True:
    m, _ = recv(uac, "1xx")
    got.append(m.split("\r\n", 1)[0])
    if m.startswith("SIP/2.0 180"):
        break
uac.sendto(req("CANCEL"), ("127.0.0.1", proxy))
c1, _ = recv(uas, "CANCEL")
t1 = time.time()
assert c1.startswith("CANCEL"), c1
c2, pa2 = recv(uas, "CANCEL again")
dt = time.time() - t1
assert c2.startswith("CANCEL"), c2
print("second CANCEL after %.2f s" % dt)
uas.sendto(reply(c2, 200, "OK"), pa2)
uas.sendto(reply(inv, 487, "Request Terminated"), pa)
codes = []
while "487" not in " ".join(codes):
    m, _ = recv(uac, "replies")
    codes.append(m.split("\r\n", 1)[0].split(" ", 2)[1] + "/" + m.split("CSeq: ")[1].split("\r\n")[0])
print("UAC got", codes)
uac.sendto(req("ACK").replace(b"To: <sip:bob@127.0.0.1>", b"To: <sip:bob@127.0.0.1>;tag=b1"), ("127.0.0.1", proxy))
rest = []
uas.settimeout(0.5)
t0 = time.time()
while time.time() - t0 < 2.5:
    try:
        m, _ = recv(uas, "after")
        rest.append(m.split(" ", 1)[0])
    except socket.timeout:
        pass
print("UAS after the 200 for CANCEL:", rest)
ok = (0.3 < dt < 1.5 and "200/1 CANCEL" in codes and "487/1 INVITE" in codes
      and "ACK" in rest and "CANCEL" not in rest)
print("ok" if ok else "FAIL")
PY
cpid=$!
i=0; while kill -0 "$cpid" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
kill "$cpid" 2>/dev/null
tail -n 1 "$TMPD/cretr.out" | grep -qx ok || { cat "$TMPD/cretr.out"; fail "CANCEL retransmission"; }
note "$(grep 'second CANCEL' "$TMPD/cretr.out"); $(grep 'UAS after' "$TMPD/cretr.out")"
proxy_alive || fail "proxy died"
assert_clean_log
