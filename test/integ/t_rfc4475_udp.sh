# Every RFC 4475 torture message (valid and invalid) sent over UDP to a
# proxy running a relaying script: the proxy keeps serving after each
# (an OPTIONS to it is answered), and it logs no crash.
. "$TOP/test/integ/lib.sh"
PROXY_PORT=$(free_port)
SINK_PORT=$(free_port)
cat > "$TMPD/k.cfg" <<CFG
debug=3
log_stderror=yes
children=2
listen=udp:127.0.0.1:$PROXY_PORT
loadmodule "sl"
loadmodule "maxfwd"
loadmodule "rr"
loadmodule "textops"
loadmodule "xlog"
route {
	xlog("L_INFO", "got \$rm \$ru from \$si:\$sp\n");
	if (method=="OPTIONS" && uri==myself) {
		sl_send_reply("200", "Alive");
		exit;
	}
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	record_route();
	remove_hf("Alert-Info");
	append_hf("P-hint: torture\r\n");
	# everything goes to a sink on loopback, never elsewhere
	forward("127.0.0.1", $SINK_PORT);
}
CFG
start_proxy "$TMPD/k.cfg"
cat > "$TMPD/ping.sip" <<'MSG'
OPTIONS sip:127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:@LPORT@;branch=z9hG4bKping
Max-Forwards: 70
From: <sip:t@test>;tag=1
To: <sip:127.0.0.1>
Call-ID: ping@test
CSeq: 1 OPTIONS
Content-Length: 0

MSG
sed -i 's/$/\r/' "$TMPD/ping.sip"
n=0
for f in "$TOP"/test/unit/rfc4475/valid/*.msg "$TOP"/test/unit/rfc4475/invalid/*.msg; do
	send_udp "$PROXY_PORT" "$f" 0.1 > /dev/null
	n=$((n + 1))
	out=$(send_udp "$PROXY_PORT" "$TMPD/ping.sip")
	echo "$out" | grep -q "^SIP/2.0 200 Alive" ||
		{ echo "$out"; fail "proxy stopped answering after $(basename "$f")"; }
done
note "$n torture messages sent; proxy still answering"
proxy_alive || fail "proxy died"
grep -qE "exited|killed by signal" "$TMPD/proxy.log" && fail "a proxy process died"
# the relaying path logs no ERROR for messages it refuses: those are DBG
assert_clean_log "cannot resolve|forwarding .* failed|not a SIP URI"
