# sipp UAC -> proxy -> sipp UAS over UDP: 1000 calls (INVITE/200/ACK/
# BYE/200), stateless, record-routed; no call may fail.
. "$TOP/test/integ/lib.sh"
command -v sipp >/dev/null || skip "sipp not installed"
PROXY_PORT=$(free_port)
UAS_PORT=$(free_port)
UAC_PORT=$(free_port)
CALLS=${CALLS:-1000}
cat > "$TMPD/k.cfg" <<CFG
debug=2
log_stderror=yes
children=2
listen=udp:127.0.0.1:$PROXY_PORT
loadmodule "sl"
loadmodule "maxfwd"
loadmodule "rr"
loadmodule "textops"
route {
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	if (loose_route()) {
		forward();
		exit;
	}
	if (method == "INVITE")
		record_route();
	rewritehostport("127.0.0.1:$UAS_PORT");
	if (!forward()) {
		sl_reply_error();
	}
}
CFG
start_proxy "$TMPD/k.cfg"
start_bg uas sipp -sn uas -i 127.0.0.1 -p "$UAS_PORT" -nostdin \
	-trace_err -error_file "$TMPD/uas_err.log"
wait_udp "$UAS_PORT" || fail "sipp UAS did not start"
# UDP may reorder a 180 behind the 200 between two receiver processes
# (as with any multi-process stateless proxy): sipp must not abort on it
timeout 120 sipp -sn uac -i 127.0.0.1 -p "$UAC_PORT" -nostdin \
	-default_behaviors all,-abortunexp \
	-m "$CALLS" -r 200 -l 100 -timeout 90 -timeout_error \
	-trace_stat -stf "$TMPD/uac_stat.csv" \
	-trace_err -error_file "$TMPD/uac_err.log" \
	"127.0.0.1:$PROXY_PORT" > "$TMPD/uac.log" 2>&1
rc=$?
tail -n 5 "$TMPD/uac.log"
[ $rc -eq 0 ] || { tail -n 20 "$TMPD/uac_err.log" 2>/dev/null; fail "sipp UAC exit $rc"; }
ok=$(grep "Successful call" "$TMPD/uac.log" | tail -n 1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
bad=$(grep "Failed call" "$TMPD/uac.log" | tail -n 1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
note "successful calls: $ok, failed: $bad"
[ "$ok" = "$CALLS" ] && [ "$bad" = "0" ] || fail "expected $CALLS successful calls"
proxy_alive || fail "proxy died"
assert_clean_log
