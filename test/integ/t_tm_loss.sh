# tm: 5% packet loss at both sipp ends (-lost 5); the proxy's
# retransmissions (timers A/E towards the UAS, G for final INVITE
# replies, absorbed request retransmissions upstream) keep calls going.
# sipp itself gives up on a call when it loses a message it does not
# retransmit (e.g. the UAS's 200 retransmission budget or a lost ACK at
# the end of a call), so a few failures are allowed: >= 95% must succeed.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tm.sh"
command -v sipp >/dev/null || skip "sipp not installed"
PROXY_PORT=$(free_port)
UAS_PORT=$(free_port)
UAC_PORT=$(free_port)
CALLS=${CALLS:-200}
tm_cfg "$TMPD/k.cfg" "	rewritehostport(\"127.0.0.1:$UAS_PORT\");
	if (!t_relay())
		sl_reply_error();"
start_proxy "$TMPD/k.cfg"
start_bg uas sipp -sn uas -i 127.0.0.1 -p "$UAS_PORT" -nostdin -lost 5
wait_udp "$UAS_PORT" || fail "sipp UAS did not start"
timeout 150 sipp -sn uac -i 127.0.0.1 -p "$UAC_PORT" -nostdin -lost 5 \
	-default_behaviors all,-abortunexp -m "$CALLS" -r 50 -l 200 \
	-timeout 120 -recv_timeout 20000 -trace_err -error_file "$TMPD/uac_err.log" \
	"127.0.0.1:$PROXY_PORT" > "$TMPD/uac.log" 2>&1
set -- $(sipp_counts "$TMPD/uac.log")
note "with 5% loss: successful $1, failed $2 of $CALLS"
[ $(( $1 * 100 )) -ge $(( CALLS * 95 )) ] || fail "fewer than 95% of calls succeeded"
proxy_alive || fail "proxy died"
assert_clean_log
