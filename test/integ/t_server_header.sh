# server_signature / server_header (Kamailio 1.x switches): by default a
# local reply names the software in "Server: kamailio (...)"; with
# server_header it carries the operator's line; with server_signature=no
# it carries none, so scanners learn nothing; a server_header that is
# not a header line is a config error naming its line.
. "$TOP/test/integ/lib.sh"
PROXY_PORT=$(free_port)
cat > "$TMPD/opt.sip" <<'MSG'
OPTIONS sip:127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:@LPORT@;branch=z9hG4bKsrvhdr
Max-Forwards: 70
From: <sip:a@test>;tag=1
To: <sip:b@test>
Call-ID: srvhdr@test
CSeq: 1 OPTIONS
Content-Length: 0

MSG
sed -i 's/$/\r/' "$TMPD/opt.sip"
cfg() {
	cat > "$TMPD/k.cfg" <<CFG
debug=2
log_stderror=yes
children=1
listen=udp:127.0.0.1:$PROXY_PORT
$1
loadmodule "sl"
route {
	sl_send_reply("200", "OK");
}
CFG
}
cfg ""
start_proxy "$TMPD/k.cfg"
out=$(send_udp "$PROXY_PORT" "$TMPD/opt.sip")
echo "$out" | grep -q "^Server: kamailio (" || { echo "$out"; fail "default Server header missing"; }
stop_proxy

cfg 'server_header="Server: edge-proxy"'
start_proxy "$TMPD/k.cfg"
out=$(send_udp "$PROXY_PORT" "$TMPD/opt.sip")
echo "$out" | grep -q "^Server: edge-proxy" || { echo "$out"; fail "server_header not used"; }
echo "$out" | grep -q "kamailio" && { echo "$out"; fail "software still named"; }
stop_proxy

cfg "server_signature=no"
start_proxy "$TMPD/k.cfg"
out=$(send_udp "$PROXY_PORT" "$TMPD/opt.sip")
echo "$out" | grep -q "^SIP/2.0 200 OK" || { echo "$out"; fail "no reply"; }
echo "$out" | grep -qi "^Server:" && { echo "$out"; fail "Server header with server_signature=no"; }
stop_proxy

cfg 'server_header="no colon here"'
if "$KAMAILIO" -c -f "$TMPD/k.cfg" > "$TMPD/bad.log" 2>&1; then
	fail "a bad server_header was accepted"
fi
grep -q "k.cfg:5:.*server_header: expected a header line" "$TMPD/bad.log" ||
	{ cat "$TMPD/bad.log"; fail "no file:line error for server_header"; }
assert_clean_log
