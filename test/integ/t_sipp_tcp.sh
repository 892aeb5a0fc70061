# sipp UAC over TCP (-t t1: one connection; -t tn: one per call) -> proxy
# -> sipp UAS over UDP and over TCP: 1000 calls each, stateless,
# record-routed; no call may fail.  Replies and in-dialog requests go
# back over the connection they belong to: the proxy's debug log must
# show no connection opened towards the UAC, and the UAS side over TCP
# must use a single proxy connection.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
command -v sipp >/dev/null || skip "sipp not installed"
PROXY_PORT=$(free_port)
CALLS=${CALLS:-1000}

run_case() {   # UAC_MODE UAS_TRANSPORT
	mode=$1; uast=$2
	UAS_PORT=$(free_port)
	UAC_PORT=$(free_port)
	if [ "$uast" = tcp ]; then
		start_bg "uas_$mode$uast" sipp -sn uas -t t1 -i 127.0.0.1 \
			-p "$UAS_PORT" -nostdin -max_socket 2000
		wait_tcp "$UAS_PORT" || fail "sipp UAS (tcp) did not start"
		fwd="forward_tcp(\"127.0.0.1\", $UAS_PORT)"
	else
		start_bg "uas_$mode$uast" sipp -sn uas -i 127.0.0.1 \
			-p "$UAS_PORT" -nostdin
		wait_udp "$UAS_PORT" || fail "sipp UAS (udp) did not start"
		fwd="forward_udp(\"127.0.0.1\", $UAS_PORT)"
	fi
	cat > "$TMPD/k_$mode$uast.cfg" <<CFG
debug=${DEBUG:-2}
log_stderror=yes
children=1
tcp_children=4
listen=udp:127.0.0.1:$PROXY_PORT
listen=tcp:127.0.0.1:$PROXY_PORT
loadmodule "sl"
loadmodule "maxfwd"
loadmodule "rr"
route {
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	if (loose_route()) {
		if (!forward())
			sl_reply_error();
		exit;
	}
	if (method == "INVITE")
		record_route();
	if (!$fwd)
		sl_reply_error();
}
CFG
	start_proxy "$TMPD/k_$mode$uast.cfg"
	cp "$TMPD/proxy.log" /dev/null
	timeout 60 sipp -sn uac -t "$mode" -i 127.0.0.1 -p "$UAC_PORT" \
		-nostdin -m "$CALLS" -r 200 -l 200 -timeout 45 -timeout_error \
		-max_socket 2000 -trace_err -error_file "$TMPD/uac_err_$mode$uast.log" \
		"127.0.0.1:$PROXY_PORT" > "$TMPD/uac_$mode$uast.log" 2>&1
	rc=$?
	ok=$(grep "Successful call" "$TMPD/uac_$mode$uast.log" | tail -n 1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
	bad=$(grep "Failed call" "$TMPD/uac_$mode$uast.log" | tail -n 1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
	note "uac -t $mode, uas $uast: successful $ok, failed $bad (sipp exit $rc)"
	[ $rc -eq 0 ] || { tail -n 20 "$TMPD/uac_err_$mode$uast.log" 2>/dev/null; tail -n 20 "$TMPD/proxy.log"; fail "sipp UAC exit $rc"; }
	[ "$ok" = "$CALLS" ] && [ "$bad" = "0" ] || fail "expected $CALLS successful calls"
	proxy_alive || fail "proxy died"
	if [ "$uast" = tcp ]; then
		# every call towards the UAS went over one proxy connection
		n=$(ss -Htn state established "dport = :$UAS_PORT" | wc -l)
		note "proxy connections to the UAS: $n"
		[ "$n" -eq 1 ] || fail "expected 1 connection to the UAS, got $n"
	fi
	# the proxy never opened a connection towards the UAC: replies and
	# in-dialog requests used the UAC's own connection(s)
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
