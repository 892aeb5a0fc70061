# tm: sipp UAC over TCP (-t t1: one connection; -t tn: one per call) ->
# proxy (t_relay_to_udp / t_relay_to_tcp) -> sipp UAS over UDP and over
# TCP: 1000 calls each, record-routed; no call may fail, and the proxy
# never opens a connection back to the UAC.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tm.sh"
command -v sipp >/dev/null || skip "sipp not installed"
CALLS=${CALLS:-1000}

run_case() {   # UAC_MODE UAS_TRANSPORT
	mode=$1; uast=$2
	PROXY_PORT=$(free_port)
	UAS_PORT=$(free_port)
	UAC_PORT=$(free_port)
	if [ "$uast" = tcp ]; then
		start_bg "uas_$mode$uast" sipp -sn uas -t t1 -i 127.0.0.1 \
			-p "$UAS_PORT" -nostdin -max_socket 2000
		wait_tcp "$UAS_PORT" || fail "sipp UAS (tcp) did not start"
	else
		start_bg "uas_$mode$uast" sipp -sn uas -i 127.0.0.1 \
			-p "$UAS_PORT" -nostdin
		wait_udp "$UAS_PORT" || fail "sipp UAS (udp) did not start"
	fi
	tm_cfg "$TMPD/k_$mode$uast.cfg" "	if (!t_relay_to_$uast(\"127.0.0.1\", \"$UAS_PORT\"))
		sl_reply_error();"
	start_proxy "$TMPD/k_$mode$uast.cfg"
	timeout 90 sipp -sn uac -t "$mode" -i 127.0.0.1 -p "$UAC_PORT" \
		-nostdin -m "$CALLS" -r 200 -l 200 -timeout 60 -timeout_error \
		-max_socket 2000 -trace_err -error_file "$TMPD/uac_err_$mode$uast.log" \
		"127.0.0.1:$PROXY_PORT" > "$TMPD/uac_$mode$uast.log" 2>&1
	rc=$?
	set -- $(sipp_counts "$TMPD/uac_$mode$uast.log")
	note "uac -t $mode, uas $uast: successful $1, failed $2 (sipp exit $rc)"
	[ $rc -eq 0 ] || { tail -n 20 "$TMPD/uac_err_$mode$uast.log" 2>/dev/null; tail -n 20 "$TMPD/proxy.log"; fail "sipp UAC exit $rc"; }
	[ "$1" = "$CALLS" ] && [ "$2" = "0" ] || fail "expected $CALLS successful calls"
	proxy_alive || fail "proxy died"
	n=$(ss -Htn state established "dport = :$UAC_PORT" "sport != :$PROXY_PORT" | wc -l)
	[ "$n" -eq 0 ] || fail "proxy opened $n connections to the UAC"
	assert_clean_log
	kill "$PROXY_PID" "$(eval echo \$PID_uas_$mode$uast)" 2>/dev/null
	sleep 0.5
}

run_case t1 udp
run_case tn udp
run_case t1 tcp
run_case tn tcp
