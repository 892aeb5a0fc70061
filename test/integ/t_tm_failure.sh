# tm: failure_route re-routes to a second UAS after a 486 from the first
# one; every call succeeds (100 calls over UDP), and the first UAS gets
# the proxy's ACK for its 486.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tm.sh"
command -v sipp >/dev/null || skip "sipp not installed"
PROXY_PORT=$(free_port)
UAS1_PORT=$(free_port)
UAS2_PORT=$(free_port)
UAC_PORT=$(free_port)
CALLS=100
tm_cfg "$TMPD/k.cfg" "	rewritehostport(\"127.0.0.1:$UAS1_PORT\");
	t_on_failure(\"1\");
	if (!t_relay())
		sl_reply_error();" "
failure_route[1] {
	if (t_was_cancelled())
		exit;
	rewritehostport(\"127.0.0.1:$UAS2_PORT\");
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
assert_clean_log
