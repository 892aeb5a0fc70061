# tm: CANCEL before the 200 ends both sides cleanly: the UAC gets 200 for
# its CANCEL and 487 for the INVITE, the UAS gets the CANCEL and the ACK
# for its 487 (100 calls over UDP).
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tm.sh"
command -v sipp >/dev/null || skip "sipp not installed"
PROXY_PORT=$(free_port)
UAS_PORT=$(free_port)
UAC_PORT=$(free_port)
CALLS=100
tm_cfg "$TMPD/k.cfg" "	rewritehostport(\"127.0.0.1:$UAS_PORT\");
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
