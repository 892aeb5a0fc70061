# tm over TLS.  (a) sipp UAC -> proxy A (t_relay("tls:B")) -> proxy B
# (t_relay to UDP) -> sipp UAS: 1000 calls, none may fail.  (b) The
# guide's Example 1.14 route ($avp(i:400) = $fd; $avp(i:401) = $rd;
# t_relay() with NAPTR/SRV from a local dnsmasq) against openssl s_server
# peers, which see the client certificate of the name-based client domain
# and the SNI; t_relay("tls:127.0.0.1:GW") uses the socket-based client
# domain of the gateway.  (c) A TLS handshake failure (untrusted server
# certificate, tls_verify_server=1) gives the UAC a 503 at once (fr_timer
# is 30 s), or, with another SRV target, the next target's answer.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
. "$TOP/test/integ/lib_tm.sh"
command -v sipp >/dev/null || skip "sipp not installed"
command -v dnsmasq >/dev/null || skip "dnsmasq not installed (dnsmasq-base)"
PROXY_PORT=$(free_port); A_TLS=$(free_port)
B_UDP=$(free_port); B_TLS=$(free_port)
UAS_PORT=$(free_port); UAC_PORT=$(free_port); DNS_PORT=$(free_port)
SA=$(free_port); SB=$(free_port); GW=$(free_port); SU=$(free_port)
CALLS=${CALLS:-1000}
C=$TMPD/ca; O=$TMPD/other
mk_ca "$C"; mk_ca "$O"
mk_cert "$C" a "IP:127.0.0.1"
mk_cert "$C" b "IP:127.0.0.1,DNS:hs.test"
mk_cert "$C" atlanta.com "DNS:atlanta.com"
mk_cert "$C" biloxi.com "DNS:biloxi.com"
mk_cert "$C" local "DNS:local.example.net"
mk_cert "$C" gw "IP:127.0.0.1"
mk_cert "$O" untrusted "IP:127.0.0.1,DNS:hs.test"

start_bg dns dnsmasq --no-daemon --keep-in-foreground --conf-file=/dev/null \
	--no-resolv --no-hosts --listen-address=127.0.0.1 --port="$DNS_PORT" \
	--bind-interfaces --pid-file --user=nobody \
	--local=/test/ --local=/atlanta.com/ --local=/biloxi.com/ \
	--naptr-record=biloxi.com,10,10,S,SIPS+D2T,,_sips._tcp.biloxi.com \
	--srv-host=_sips._tcp.biloxi.com,sb.biloxi.com,"$SB",0,10 \
	--host-record=sb.biloxi.com,127.0.0.1 \
	--srv-host=_sips._tcp.atlanta.com,sa.atlanta.com,"$SA",0,10 \
	--host-record=sa.atlanta.com,127.0.0.1 \
	--srv-host=_sips._tcp.hs.test,u.hs.test,"$SU",0,10 \
	--srv-host=_sips._tcp.hs.test,b.hs.test,"$B_TLS",10,10 \
	--host-record=u.hs.test,127.0.0.1 --host-record=b.hs.test,127.0.0.1
wait_udp "$DNS_PORT" || { cat "$TMPD/dns.log"; fail "dnsmasq did not start"; }

# proxy B: TLS in, UDP out to the sipp UAS
cat > "$TMPD/b.cfg" <<CFG
debug=2
log_stderror=yes
children=2
tcp_children=2
listen=udp:127.0.0.1:$B_UDP
listen=tls:127.0.0.1:$B_TLS
tls_certificate="$C/b/cert.pem"
tls_private_key="$C/b/privkey.pem"
tls_ca_list="$C/cacert.pem"
loadmodule "sl"
loadmodule "tm"
route {
	if (\$rU == "hs") {
		sl_send_reply("200", "B answers");
		exit;
	}
	rewritehostport("127.0.0.1:$UAS_PORT");
	if (!t_relay())
		sl_reply_error();
}
CFG
"$KAMAILIO" -c -f "$TMPD/b.cfg" > "$TMPD/check_b.log" 2>&1 ||
	{ cat "$TMPD/check_b.log"; fail "config check failed for b.cfg"; }
start_bg b sh -c 'cd "$1" && shift && exec "$@"' sh "$TMPD" \
	"$KAMAILIO" -DD -E -f "$TMPD/b.cfg"
wait_tcp "$B_TLS" || { cat "$TMPD/b.log"; fail "proxy B did not start"; }

# proxy A: the guide's Example 1.14 client side
cat > "$TMPD/k.cfg" <<CFG
debug=3
log_stderror=yes
children=2
tcp_children=2
listen=udp:127.0.0.1:$PROXY_PORT
listen=tls:127.0.0.1:$A_TLS
tls_certificate="$C/a/cert.pem"
tls_private_key="$C/a/privkey.pem"
tls_ca_list="$C/cacert.pem"
tls_verify_server=1
tls_client_domain_avp=400
tls_server_name_avp=401
loadmodule "sl"
loadmodule "tm"
modparam("tm", "dns_server", "127.0.0.1:$DNS_PORT")
modparam("tm", "fr_timer", 30)
route {
	if (\$rU == "service") {
		if (!t_relay("tls:127.0.0.1:$B_TLS"))
			sl_reply_error();
		exit;
	}
	if (\$rU == "gw") {
		# send calls to the PSTN gateway using TLS
		t_relay("tls:127.0.0.1:$GW");
		exit;
	}
	if (\$rU == "untrusted") {
		t_relay_to_tls("127.0.0.1", "$SU");
		exit;
	}
	\$avp(i:400) = \$fd;
	\$avp(i:401) = \$rd;
	t_relay(); # uses NAPTR and SRV lookups
	exit;
}
tls_client_domain["atlanta.com"] {
	tls_certificate = "$C/atlanta.com/cert.pem"
	tls_private_key = "$C/atlanta.com/privkey.pem"
	tls_ca_list = "$C/cacert.pem"
	tls_verify_server = 1
}
tls_client_domain["biloxi.com"] {
	tls_certificate = "$C/biloxi.com/cert.pem"
	tls_private_key = "$C/biloxi.com/privkey.pem"
	tls_ca_list = "$C/cacert.pem"
	tls_verify_server = 1
}
tls_client_domain[127.0.0.1:$GW] {
	tls_certificate = "$C/local/cert.pem"
	tls_private_key = "$C/local/privkey.pem"
	tls_ca_list = "$C/cacert.pem"
	tls_verify_server = 1
}
CFG
start_proxy "$TMPD/k.cfg"

# (a) 1000 calls through A -> TLS -> B
start_bg uas sipp -sn uas -i 127.0.0.1 -p "$UAS_PORT" -nostdin \
	-trace_err -error_file "$TMPD/uas_err.log"
wait_udp "$UAS_PORT" || fail "sipp UAS did not start"
timeout 150 sipp -sn uac -s service -i 127.0.0.1 -p "$UAC_PORT" -nostdin \
	-default_behaviors all,-abortunexp \
	-m "$CALLS" -r 200 -l 100 -timeout 120 -timeout_error \
	-trace_err -error_file "$TMPD/uac_err.log" \
	"127.0.0.1:$PROXY_PORT" > "$TMPD/uac.log" 2>&1
rc=$?
set -- $(sipp_counts "$TMPD/uac.log")
note "(a) UAC -> A -(TLS)-> B -> UAS: successful calls: $1, failed: $2"
[ $rc -eq 0 ] && [ "$1" = "$CALLS" ] && [ "$2" = 0 ] ||
	{ tail -n 20 "$TMPD/uac.log"; fail "expected $CALLS successful calls"; }

# s_server peers; each stops at the end of its input: a FIFO held open
mkfifo "$TMPD/in"; exec 3<>"$TMPD/in"
srv() {   # NAME PORT CERTDIR SNI: s_server for one connection, asks for
	  # a client certificate, logs the SNI it gets (-servername)
	openssl s_server -accept "$2" -cert "$3/cert.pem" -key "$3/privkey.pem" \
		-naccept 1 -Verify 2 -CAfile "$C/cacert.pem" \
		-verify_return_error -servername "$4" -cert2 "$3/cert.pem" \
		-key2 "$3/privkey.pem" < "$TMPD/in" > "$TMPD/$1.log" 2>&1 &
	PIDS="$PIDS $!"
}
srv sa "$SA" "$C/atlanta.com" atlanta.com
srv sb "$SB" "$C/biloxi.com" biloxi.com
srv gw "$GW" "$C/gw" gw.invalid
openssl s_server -accept "$SU" -cert "$O/untrusted/cert.pem" \
	-key "$O/untrusted/privkey.pem" < "$TMPD/in" > "$TMPD/su.log" 2>&1 &
PIDS="$PIDS $!"
for p in $SA $SB $GW $SU; do wait_tcp "$p" || fail "s_server on $p did not start"; done

# req METHOD RURI FROM TAG [TIMEOUT]: one request to A over UDP; prints
# the first reply's status line
req() {
	cat > "$TMPD/r.sip" <<SIP
$1 $2 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:@LPORT@;branch=z9hG4bKtls$4
From: <$3>;tag=$4
To: <$2>
Call-ID: tmtls-$4
CSeq: 1 $1
Max-Forwards: 70
Content-Length: 0

SIP
	sed -i 's/$/\r/' "$TMPD/r.sip"
	send_udp "$PROXY_PORT" "$TMPD/r.sip" "${5:-0.3}" > "$TMPD/r.out"
	head -n 1 "$TMPD/r.out" | tr -d '\r'
}
seen() {   # LOG PATTERN: wait up to 5 s
	i=0
	while [ $i -lt 50 ]; do
		grep -q "$2" "$TMPD/$1.log" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

# (b) Example 1.14: client domain from $fd, SNI from $rd, NAPTR/SRV
req OPTIONS sip:bob@biloxi.com sip:alice@atlanta.com b1 > /dev/null
seen sb "OPTIONS sip:bob@biloxi.com" || { cat "$TMPD/sb.log"; fail "biloxi.com server did not get the request"; }
grep -q 'Hostname in TLS extension: "biloxi.com"' "$TMPD/sb.log" || fail "biloxi.com: SNI not seen"
grep -q '^subject=CN = atlanta.com' "$TMPD/sb.log" || fail "biloxi.com: client certificate of atlanta.com not seen"
note "(b) sip:bob@biloxi.com from atlanta.com: NAPTR/SRV, SNI biloxi.com, client cert CN=atlanta.com"
req OPTIONS sip:carol@atlanta.com sip:dave@biloxi.com b2 > /dev/null
seen sa "OPTIONS sip:carol@atlanta.com" || { cat "$TMPD/sa.log"; fail "atlanta.com server did not get the request"; }
grep -q 'Hostname in TLS extension: "atlanta.com"' "$TMPD/sa.log" || fail "atlanta.com: SNI not seen"
grep -q '^subject=CN = biloxi.com' "$TMPD/sa.log" || fail "atlanta.com: client certificate of biloxi.com not seen"
note "(b) sip:carol@atlanta.com from biloxi.com: SRV, SNI atlanta.com, client cert CN=biloxi.com"
req OPTIONS sip:gw@pstn.example.net sip:alice@atlanta.com b3 > /dev/null
seen gw "OPTIONS sip:gw@pstn.example.net" || { cat "$TMPD/gw.log"; fail "gateway did not get the request"; }
grep -q '^subject=CN = local' "$TMPD/gw.log" || fail "gateway: socket-based client certificate not seen"
note "(b) t_relay(\"tls:127.0.0.1:GW\"): socket-based client domain, client cert CN=local"

# (c) handshake failure: 503 at once, not after fr_timer
t0=$(date +%s%N)
r=$(req OPTIONS sip:untrusted@127.0.0.1 sip:alice@atlanta.com c1 4)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
note "(c) untrusted upstream: '$r' after $ms ms"
echo "$r" | grep -q "^SIP/2.0 503" || fail "handshake failure: expected 503, got '$r'"
[ "$ms" -lt 4000 ] || fail "handshake failure: 503 took $ms ms"
grep -q "certificate verify failed" "$TMPD/proxy.log" || fail "no verification failure logged"

# ... and with a second SRV target: that target answers
t0=$(date +%s%N)
r=$(req OPTIONS sip:hs@hs.test sip:alice@example.net c2 4)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
note "(c) sip:hs@hs.test (1st SRV target untrusted): '$r' after $ms ms"
[ "$r" = "SIP/2.0 200 B answers" ] || fail "handshake failure with another target: expected B's 200, got '$r'"

proxy_alive || fail "proxy A died"
kill -0 "$PID_b" 2>/dev/null || fail "proxy B died"
grep -E "ERROR|CRITICAL" "$TMPD/b.log" | head -5
grep -qE "ERROR|CRITICAL" "$TMPD/b.log" && fail "errors in proxy B's log"
assert_clean_log
note "ok"
