# TLS client side against openssl s_server as the upstream: forward_tls()
# relays an OPTIONS received over UDP.  tls_verify_server accepts a trusted
# server and refuses an untrusted one and one whose certificate names
# another host; the client certificate and SNI s_server sees are those of
# the name based client domain chosen with $avp(i:400) / $avp(i:401); two
# requests to one ip:port under two client domains use two connections.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
PROXY_PORT=$(free_port)
PROXY_TLS=$(free_port); PT=$(free_port); PU=$(free_port); PW=$(free_port); PD=$(free_port)
C=$TMPD/ca; O=$TMPD/other
mk_ca "$C"; mk_ca "$O"
mk_cert "$C" proxy "IP:127.0.0.1"
mk_cert "$C" upstream "DNS:localhost,IP:127.0.0.1"
mk_cert "$O" untrusted "DNS:localhost,IP:127.0.0.1"
mk_cert "$C" wronghost "DNS:elsewhere.example.com"
mk_cert "$C" one "DNS:one.example.com"
mk_cert "$C" two "DNS:two.example.com"
cat > "$TMPD/k.cfg" <<CFG
debug=4
log_stderror=yes
children=1
tcp_children=1
listen=udp:127.0.0.1:$PROXY_PORT
listen=tls:127.0.0.1:$PROXY_TLS
tls_certificate="$C/proxy/cert.pem"
tls_private_key="$C/proxy/privkey.pem"
tls_ca_list="$C/cacert.pem"
tls_client_domain_avp=400
tls_server_name_avp=401
loadmodule "sl"
route {
	if (\$rU == "trusted") { forward_tls("127.0.0.1", $PT); drop; }
	if (\$rU == "untrusted") { forward_tls("127.0.0.1", $PU); drop; }
	if (\$rU == "wronghost") { forward_tls("127.0.0.1", $PW); drop; }
	if (\$rU == "one") {
		\$avp(i:400) = "dom1";
		\$avp(i:401) = "one.example.com";
	} else {
		\$avp(i:400) = "dom2";
		\$avp(i:401) = "two.example.com";
	}
	forward_tls("127.0.0.1", $PD);
}
tls_client_domain["dom1"] {
	tls_certificate = "$C/one/cert.pem"
	tls_private_key = "$C/one/privkey.pem"
}
tls_client_domain["dom2"] {
	tls_certificate = "$C/two/cert.pem"
	tls_private_key = "$C/two/privkey.pem"
}
CFG
start_proxy "$TMPD/k.cfg"

# s_server stops at the end of its input: feed it a FIFO we hold open
mkfifo "$TMPD/in"; exec 3<>"$TMPD/in"
mkfifo "$TMPD/in_sd"; exec 4<>"$TMPD/in_sd"
srv() {   # NAME ARGS: s_server in the background, output in $TMPD/NAME.log
	name=$1; shift
	in=$TMPD/in; [ "$name" = sd ] && in=$TMPD/in_sd
	openssl s_server "$@" < "$in" > "$TMPD/$name.log" 2>&1 &
	PIDS="$PIDS $!"
}
srv st -accept "$PT" -cert "$C/upstream/cert.pem" -key "$C/upstream/privkey.pem" -naccept 1
srv su -accept "$PU" -cert "$O/untrusted/cert.pem" -key "$O/untrusted/privkey.pem" -naccept 1
srv sw -accept "$PW" -cert "$C/wronghost/cert.pem" -key "$C/wronghost/privkey.pem" -naccept 1
srv sd -accept "$PD" -cert "$C/upstream/cert.pem" -key "$C/upstream/privkey.pem" -naccept 2 -Verify 2 -CAfile "$C/cacert.pem" -verify_return_error -servername one.example.com -cert2 "$C/upstream/cert.pem" -key2 "$C/upstream/privkey.pem"
for p in $PT $PU $PW $PD; do wait_tcp "$p" || fail "s_server on $p did not start"; done

opt() {   # USER: one OPTIONS to the proxy over UDP
	cat > "$TMPD/o.sip" <<SIP
OPTIONS sip:$1@127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:@LPORT@;branch=z9hG4bK$1
From: <sip:t@127.0.0.1>;tag=$1
To: <sip:$1@127.0.0.1>
Call-ID: sserver-$1
CSeq: 1 OPTIONS
Max-Forwards: 70
Content-Length: 0

SIP
	sed -i 's/$/\r/' "$TMPD/o.sip"
	send_udp "$PROXY_PORT" "$TMPD/o.sip" 0.2 > /dev/null
}
# seen LOG PATTERN: wait up to 5 s for PATTERN in $TMPD/LOG.log
seen() {
	i=0
	while [ $i -lt 50 ]; do
		grep -q "$2" "$TMPD/$1.log" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

opt trusted
seen st "OPTIONS sip:trusted@" || { cat "$TMPD/st.log"; fail "trusted server did not get the request"; }
grep -q "^Via: SIP/2.0/TLS 127.0.0.1" "$TMPD/st.log" || fail "our Via does not say TLS"
note "trusted server: request relayed over TLS, Via says TLS"

opt untrusted
sleep 1
grep -q "OPTIONS sip:untrusted@" "$TMPD/su.log" && fail "request sent to an untrusted server"
grep -q "TLS connection .* to 127.0.0.1:$PU.*certificate verify failed" "$TMPD/proxy.log" ||
	{ grep "$PU" "$TMPD/proxy.log"; fail "no verification failure logged for the untrusted server"; }
note "untrusted server refused"

opt wronghost
sleep 1
grep -q "OPTIONS sip:wronghost@" "$TMPD/sw.log" && fail "request sent to a server with a wrong-host certificate"
grep -q "does not match \"127.0.0.1\"" "$TMPD/proxy.log" ||
	{ grep "$PW" "$TMPD/proxy.log"; fail "no identity failure logged for the wrong-host server"; }
note "wrong-host server refused"

opt one
seen sd "OPTIONS sip:one@" || { cat "$TMPD/sd.log"; fail "domain server did not get request one"; }
opt two
# s_server serves one connection at a time: the second one waits in its
# backlog, established.  Both must be open at once (no reuse across
# client domains).
i=0; n=0
while [ $i -lt 50 ]; do
	n=$(ss -Htn state established "dst 127.0.0.1:$PD" | wc -l)
	[ "$n" -ge 2 ] && break
	sleep 0.1; i=$((i + 1))
done
[ "$n" -eq 2 ] || fail "expected 2 connections to 127.0.0.1:$PD, found $n"
note "two client domains to one ip:port: 2 connections open"
echo q >&4   # s_server: close the first connection, take the second
seen sd "OPTIONS sip:two@" || { cat "$TMPD/sd.log"; fail "request two did not arrive on the second connection"; }
grep -q 'Hostname in TLS extension: "one.example.com"' "$TMPD/sd.log" || fail "SNI one.example.com not seen"
grep -q 'Hostname in TLS extension: "two.example.com"' "$TMPD/sd.log" || fail "SNI two.example.com not seen"
grep -q '^subject=CN = one' "$TMPD/sd.log" || fail "client certificate of dom1 not seen"
grep -q '^subject=CN = two' "$TMPD/sd.log" || fail "client certificate of dom2 not seen"
n=$(grep -c '^ACCEPT\|^CIPHER is' "$TMPD/sd.log")
acc=$(grep -c '^CIPHER is' "$TMPD/sd.log")
[ "$acc" -eq 2 ] || fail "expected 2 TLS connections to the domain server, saw $acc ($n)"
note "two client domains -> two connections, each with its certificate and SNI"
# order: request one arrived on the connection with SNI one and CN one
awk '/Hostname in TLS extension/ {sni=$0} /^subject=CN/ {cn=$0} /^OPTIONS sip:/ {print sni " | " cn " | " $2}' "$TMPD/sd.log" > "$TMPD/pairs"
grep -q 'one.example.com.*CN = one.*sip:one@' "$TMPD/pairs" || { cat "$TMPD/pairs"; fail "request one on the wrong connection"; }
grep -q 'two.example.com.*CN = two.*sip:two@' "$TMPD/pairs" || { cat "$TMPD/pairs"; fail "request two on the wrong connection"; }
proxy_alive || fail "proxy died"
assert_clean_log
note "ok"
