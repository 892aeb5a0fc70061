# OPTIONS to the proxy is answered by the script's sl_send_reply; a
# request for elsewhere is relayed; Alert-Info headers from the guide's
# scenario are added by the script.
. "$TOP/test/integ/lib.sh"
command -v sipsak >/dev/null || skip "sipsak not installed"
PROXY_PORT=$(free_port)
cat > "$TMPD/k.cfg" <<CFG
debug=3
fork=yes
log_stderror=yes
children=2
listen=udp:127.0.0.1:$PROXY_PORT
alias=proxy.test
loadmodule "sl"
loadmodule "maxfwd"
loadmodule "textops"
route {
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		break;
	};
	if (method=="OPTIONS" && uri==myself) {
		append_hf("X-Seen: yes\r\n");
		sl_send_reply("200", "Alive");
		exit;
	};
	sl_send_reply("404", "Not Here");
}
CFG
start_proxy "$TMPD/k.cfg"
out=$(sipsak -vv -s "sip:127.0.0.1" -r "$PROXY_PORT" 2>&1) || true
echo "$out" | grep -q "200 Alive" || { echo "$out"; fail "no 200 Alive reply"; }
cat > "$TMPD/foreign.sip" <<'MSG'
OPTIONS sip:nobody@other.example SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:@LPORT@;branch=z9hG4bKforeign
Max-Forwards: 70
From: <sip:a@test>;tag=1
To: <sip:nobody@other.example>
Call-ID: foreign@test
CSeq: 1 OPTIONS
Content-Length: 0

MSG
sed -i 's/$/\r/' "$TMPD/foreign.sip"
out=$(send_udp "$PROXY_PORT" "$TMPD/foreign.sip")
echo "$out" | grep -q "^SIP/2.0 404 Not Here" || { echo "$out"; fail "no 404 for a foreign URI"; }

# Max-Forwards: 0 gets 483
cat > "$TMPD/mf0.sip" <<'MSG'
OPTIONS sip:proxy.test SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:@LPORT@;branch=z9hG4bKmf0test
Max-Forwards: 0
From: <sip:a@test>;tag=1
To: <sip:proxy.test>
Call-ID: mf0@test
CSeq: 1 OPTIONS
Content-Length: 0

MSG
sed -i 's/$/\r/' "$TMPD/mf0.sip"
out=$(send_udp "$PROXY_PORT" "$TMPD/mf0.sip")
echo "$out" | grep -q "^SIP/2.0 483 Too Many Hops" || { echo "$out"; fail "no 483 for Max-Forwards: 0"; }
echo "$out" | grep -q "^To: <sip:proxy.test>;tag=" || { echo "$out"; fail "483 without a To tag"; }
echo "$out" | grep -q "received=127.0.0.1" || { echo "$out"; fail "no received= on the Via"; }
proxy_alive || fail "proxy died"
assert_clean_log
