# tm: sipp UAC -> proxy (t_relay) -> sipp UAS over UDP, 1000 calls
# (INVITE/100/180/200/ACK/BYE/200), record-routed; no call may fail.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tm.sh"
command -v sipp >/dev/null || skip "sipp not installed"
PROXY_PORT=$(free_port)
UAS_PORT=$(free_port)
UAC_PORT=$(free_port)
CALLS=${CALLS:-1000}
tm_cfg "$TMPD/k.cfg" "	rewritehostport(\"127.0.0.1:$UAS_PORT\");
	if (!t_relay())
		sl_reply_error();"
start_proxy "$TMPD/k.cfg"
start_bg uas sipp -sn uas -i 127.0.0.1 -p "$UAS_PORT" -nostdin \
	-trace_err -error_file "$TMPD/uas_err.log"
wait_udp "$UAS_PORT" || fail "sipp UAS did not start"
timeout 120 sipp -sn uac -i 127.0.0.1 -p "$UAC_PORT" -nostdin \
	-default_behaviors all,-abortunexp \
	-m "$CALLS" -r 200 -l 100 -timeout 90 -timeout_error \
	-trace_err -error_file "$TMPD/uac_err.log" \
	"127.0.0.1:$PROXY_PORT" > "$TMPD/uac.log" 2>&1
rc=$?
tail -n 5 "$TMPD/uac.log"
set -- $(sipp_counts "$TMPD/uac.log")
note "successful calls: $1, failed: $2"
[ $rc -eq 0 ] || { tail -n 20 "$TMPD/uac_err.log" 2>/dev/null; fail "sipp UAC exit $rc"; }
[ "$1" = "$CALLS" ] && [ "$2" = "0" ] || fail "expected $CALLS successful calls"
proxy_alive || fail "proxy died"
assert_clean_log
