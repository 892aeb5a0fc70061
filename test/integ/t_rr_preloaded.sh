# loose_route() and a preloaded Route (a phone whose outbound proxy is
# this proxy puts Route: <sip:us;lr> on its initial requests): the Route
# to us is removed and loose_route() is false for an initial request (no
# To tag), so the script routes it (REGISTER saved, INVITE looked up);
# in a dialog (To tag) it is true, as in Kamailio 1.x.
. "$TOP/test/integ/lib.sh"
PROXY_PORT=$(free_port)
cat > "$TMPD/k.cfg" <<CFG
debug=2
log_stderror=yes
children=1
listen=udp:127.0.0.1:$PROXY_PORT
loadmodule "sl"
loadmodule "rr"
route {
	if (loose_route()) {
		sl_send_reply("299", "Loose Routed");
		exit;
	}
	sl_send_reply("298", "Script Routed");
}
CFG
start_proxy "$TMPD/k.cfg"
req() {   # TO_TAG
	cat > "$TMPD/r.sip" <<MSG
INVITE sip:bob@example.com SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:@LPORT@;branch=z9hG4bKpre$1
Route: <sip:127.0.0.1:$PROXY_PORT;lr>
Max-Forwards: 70
From: <sip:a@test>;tag=1
To: <sip:bob@example.com>$1
Call-ID: preloaded@test
CSeq: 1 INVITE
Content-Length: 0

MSG
	sed -i 's/$/\r/' "$TMPD/r.sip"
	send_udp "$PROXY_PORT" "$TMPD/r.sip" | head -n 1
}
got=$(req "")
note "initial request with a Route to us: $got"
echo "$got" | grep -q "298 Script Routed" || fail "preloaded Route: loose_route() must be false"
got=$(req ";tag=b2")
note "in-dialog request with a Route to us: $got"
echo "$got" | grep -q "299 Loose Routed" || fail "in dialog: loose_route() must be true"
assert_clean_log
