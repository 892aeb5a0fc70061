# Shared memory runs out under load (here: -m 8 and a callee that never
# answers, so transactions pile up): new requests get "503 Out Of
# Memory" with Retry-After at once instead of silence (callers
# retransmitted into a full proxy until they timed out), the refusals are
# counted (tm:refused_no_shm), the log says so a few times, not once per
# request, and the proxy keeps answering.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tm.sh"
PROXY_PORT=$(free_port)
UAS=$(free_port)
FIFO=$TMPD/fifo
CHILDREN=1 FR_TIMER=120 tm_cfg "$TMPD/k.cfg" "	if (method == \"OPTIONS\") {
		sl_send_reply(\"200\", \"OK\");
		exit;
	}
	rewritehostport(\"127.0.0.1:$UAS\");
	t_relay();"
sed -i "s|^debug=.*|debug=2\nfifo=\"$FIFO\"|" "$TMPD/k.cfg"
start_proxy "$TMPD/k.cfg" -m 8
timeout 120 python3 - "$PROXY_PORT" "$UAS" <<'PY' || fail "shm exhaustion"
import socket, sys, time
proxy, uas_port = int(sys.argv[1]), int(sys.argv[2])
uas = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
uas.bind(("127.0.0.1", uas_port))          # a callee that never answers
uas.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 16)
uac = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
uac.bind(("127.0.0.1", 0)); uac.settimeout(0.005)
uac.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
lp = uac.getsockname()[1]
body = "v=0\r\n" + "a=x:%s\r\n" % ("y" * 1800)   # ~2 KB per request
codes, retry_after, sent = {}, 0, 0
def drain():
    global retry_after
    while True:
        try:
            m = uac.recv(65535).decode("latin-1")
        except socket.timeout:
            return
        c = int(m.split(" ", 2)[1])
        codes[c] = codes.get(c, 0) + 1
        if c == 503 and "\r\nRetry-After: " in m:
            retry_after += 1
t0 = time.time()
while sent < 6000 and time.time() - t0 < 60:
    uac.sendto(("INVITE sip:u%d@127.0.0.1 SIP/2.0\r\n"
                "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKshm%d\r\n"
                "From: <sip:a@test>;tag=%d\r\nTo: <sip:u@test>\r\n"
                "Call-ID: shm-%d\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
                "Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s"
                % (sent, lp, sent, sent, sent, len(body), body)).encode(),
               ("127.0.0.1", proxy))
    sent += 1
    if sent % 20 == 0:
        drain()
    if codes.get(503, 0) >= 200:
        break
time.sleep(0.5); drain()
print("sent %d INVITEs: replies %s, 503 with Retry-After %d" % (sent, codes, retry_after))
# OPTIONS is still answered
uac.settimeout(3)
uac.sendto(("OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKshmo\r\n"
            "From: <sip:a@test>;tag=o\r\nTo: <sip:b@test>\r\nCall-ID: shm-o\r\n"
            "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n" % lp).encode(),
           ("127.0.0.1", proxy))
ok = False
end = time.time() + 5
while time.time() < end and not ok:
    try:
        ok = uac.recv(65535).startswith(b"SIP/2.0 200")
    except socket.timeout:
        break
print("OPTIONS after:", "200" if ok else "no answer")
sys.exit(0 if codes.get(503, 0) > 0 and retry_after == codes.get(503) and ok else 1)
PY
proxy_alive || fail "proxy died"
n=$(grep -c "out of shared memory: a transaction needs" "$TMPD/proxy.log")
note "$n log lines about it"
[ "$n" -ge 1 ] && [ "$n" -le 10 ] || fail "expected 1..10 log lines, got $n"
KAMCTLRC=$TMPD/kamctlrc; export KAMCTLRC
printf 'FIFO_PATH=%s\nFIFO_TIMEOUT=5\n' "$FIFO" > "$KAMCTLRC"
timeout 20 sh "$TOP/scripts/kamctl" stats tm: </dev/null > "$TMPD/st.out" 2>&1 || true
grep -Eq "tm:refused_no_shm = [1-9]" "$TMPD/st.out" || { cat "$TMPD/st.out"; fail "refusals not counted"; }
assert_clean_log "out of shared memory"
