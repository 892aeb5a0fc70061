# tm: a UAS that never answers (a UDP sink) gives 408 after fr_timer=2;
# the proxy retransmits the INVITE meanwhile (timer A) and the UAC sees
# 100 then 408 (20 calls).
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tm.sh"
command -v sipp >/dev/null || skip "sipp not installed"
PROXY_PORT=$(free_port)
SINK_PORT=$(free_port)
UAC_PORT=$(free_port)
CALLS=20
FR_TIMER=2 WT_TIMER=1 tm_cfg "$TMPD/k.cfg" "	rewritehostport(\"127.0.0.1:$SINK_PORT\");
	if (!t_relay())
		sl_reply_error();"
start_proxy "$TMPD/k.cfg"
start_bg sink python3 -u -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
n = 0
while True:
    d = s.recv(65535)
    n += 1
    print("got", n, d.split(b"\r\n")[0].decode(), flush=True)
' "$SINK_PORT"
wait_udp "$SINK_PORT" || fail "sink did not start"
start=$(date +%s)
timeout 60 sipp -sf "$TOP/test/integ/sipp/uac_408.xml" -i 127.0.0.1 \
	-p "$UAC_PORT" -nostdin -m "$CALLS" -r 20 -l 20 \
	-timeout 30 -timeout_error -trace_err -error_file "$TMPD/uac_err.log" \
	"127.0.0.1:$PROXY_PORT" > "$TMPD/uac.log" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
set -- $(sipp_counts "$TMPD/uac.log")
got=$(grep -c "^got" "$TMPD/sink.log")
note "408 calls: successful $1, failed $2, ${secs}s; sink got $got INVITEs"
[ $rc -eq 0 ] || { tail -n 20 "$TMPD/uac_err.log"; fail "sipp exit $rc"; }
[ "$1" = "$CALLS" ] || fail "expected $CALLS calls with 408"
# fr_timer=2 s with T1=500 ms: 0, 0.5, 1.5 s -> 3 copies per INVITE,
# and a CANCEL is not sent (no provisional came)
[ "$got" -ge $((CALLS * 3)) ] || fail "expected retransmissions (timer A)"
grep -q "CANCEL" "$TMPD/sink.log" && fail "CANCEL sent without a 1xx"
proxy_alive || fail "proxy died"
assert_clean_log
