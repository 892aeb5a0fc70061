# tm: RFC 3263 with a local dnsmasq as the DNS server (modparam
# dns_server).  t_relay() to sip:bob@example.test follows NAPTR (SIPS+D2T;
# an E2U record of better order is skipped) -> SRV -> A to a TLS listener
# (a second proxy that answers with sl_send_reply), whose certificate
# names the domain (RFC 5922: not the SRV target); sip:carol@fo.test fails
# over from the first SRV target (port closed) to the second, and
# sip:erin@to.test from a silent UDP target after failover_timer; a pure SRV
# case (_sip._udp, no NAPTR) reaches a sipp UAS; a name that does not
# exist gets a 503; a DNS server that never answers costs at most
# dns_timeout.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
. "$TOP/test/integ/lib_tm.sh"
command -v dnsmasq >/dev/null || skip "dnsmasq not installed (dnsmasq-base)"
command -v sipp >/dev/null || skip "sipp not installed"
PROXY_PORT=$(free_port); A_TLS=$(free_port)
B_UDP=$(free_port); B_TLS=$(free_port)
DEAD=$(free_port); DNS_PORT=$(free_port); MUTE=$(free_port)
UAS_PORT=$(free_port); UAC_PORT=$(free_port)
C=$TMPD/ca
mk_ca "$C"
mk_cert "$C" a "IP:127.0.0.1"
mk_cert "$C" b "DNS:example.test,DNS:fo.test,IP:127.0.0.1"

start_bg dns dnsmasq --no-daemon --keep-in-foreground --conf-file=/dev/null \
	--no-resolv --no-hosts --listen-address=127.0.0.1 --port="$DNS_PORT" \
	--bind-interfaces --pid-file --user=nobody --local=/test/ \
	--naptr-record=example.test,5,10,U,E2U+sip,'!^.*$!sip:x@y!', \
	--naptr-record=example.test,10,10,S,SIPS+D2T,,_sips._tcp.example.test \
	--naptr-record=example.test,20,10,S,SIP+D2U,,_sip._udp.example.test \
	--srv-host=_sips._tcp.example.test,b.example.test,"$B_TLS",0,10 \
	--host-record=b.example.test,127.0.0.1 \
	--naptr-record=fo.test,10,10,S,SIPS+D2T,,_sips._tcp.fo.test \
	--srv-host=_sips._tcp.fo.test,dead.fo.test,"$DEAD",0,10 \
	--srv-host=_sips._tcp.fo.test,b.fo.test,"$B_TLS",10,10 \
	--host-record=dead.fo.test,127.0.0.1 \
	--host-record=b.fo.test,127.0.0.1 \
	--srv-host=_sip._udp.srv.test,uas.srv.test,"$UAS_PORT",0,0 \
	--host-record=uas.srv.test,127.0.0.1 \
	--srv-host=_sip._udp.to.test,dead.to.test,"$DEAD",0,0 \
	--srv-host=_sip._udp.to.test,b.to.test,"$B_UDP",10,0 \
	--host-record=dead.to.test,127.0.0.1 --host-record=b.to.test,127.0.0.1
wait_udp "$DNS_PORT" || { cat "$TMPD/dns.log"; fail "dnsmasq did not start"; }

# proxy B: the TLS target; answers everything itself
cat > "$TMPD/b.cfg" <<CFG
debug=3
log_stderror=yes
children=1
tcp_children=2
listen=udp:127.0.0.1:$B_UDP
listen=tls:127.0.0.1:$B_TLS
tls_certificate="$C/b/cert.pem"
tls_private_key="$C/b/privkey.pem"
tls_ca_list="$C/cacert.pem"
loadmodule "sl"
route {
	sl_send_reply("200", "B answers");
}
CFG
"$KAMAILIO" -c -f "$TMPD/b.cfg" > "$TMPD/check_b.log" 2>&1 ||
	{ cat "$TMPD/check_b.log"; fail "config check failed for b.cfg"; }
start_bg b sh -c 'cd "$1" && shift && exec "$@"' sh "$TMPD" \
	"$KAMAILIO" -DD -E -f "$TMPD/b.cfg"
wait_tcp "$B_TLS" || { cat "$TMPD/b.log"; fail "proxy B did not start"; }

# proxy A: t_relay() with RFC 3263, verifying B's certificate
FR_TIMER=8
tm_cfg "$TMPD/k.cfg" "	if (\$rU == \"service\")
		rewritehostport(\"srv.test\");
	if (!t_relay())
		sl_reply_error();"
sed -i "s|^listen=tcp:.*|listen=tls:127.0.0.1:$A_TLS\\
tls_certificate=\"$C/a/cert.pem\"\\
tls_private_key=\"$C/a/privkey.pem\"\\
tls_ca_list=\"$C/cacert.pem\"\\
tls_verify_server=1|" "$TMPD/k.cfg"
sed -i "s|^loadmodule \"tm\"|loadmodule \"tm\"\\
modparam(\"tm\", \"dns_server\", \"127.0.0.1:$DNS_PORT\")\
modparam(\"tm\", \"failover_timer\", 1000)|" "$TMPD/k.cfg"
start_proxy "$TMPD/k.cfg"

# opt RURI TAG: one OPTIONS to proxy A over UDP; prints the status line
opt() {
	cat > "$TMPD/o.sip" <<SIP
OPTIONS $1 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:@LPORT@;branch=z9hG4bKdns$2
From: <sip:t@127.0.0.1>;tag=$2
To: <$1>
Call-ID: dns-$2
CSeq: 1 OPTIONS
Max-Forwards: 70
Content-Length: 0

SIP
	sed -i 's/$/\r/' "$TMPD/o.sip"
	send_udp "$PROXY_PORT" "$TMPD/o.sip" "${3:-5}" > "$TMPD/o.out"
	head -n 1 "$TMPD/o.out" | tr -d '\r'
}

r=$(opt "sip:bob@example.test" 1)
[ "$r" = "SIP/2.0 200 B answers" ] || fail "NAPTR->SRV->A: expected B's 200, got '$r'"
note "sip:bob@example.test: NAPTR -> SRV -> A -> TLS to B: $r"

t0=$(date +%s%N)
r=$(opt "sip:carol@fo.test" 2)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$r" = "SIP/2.0 200 B answers" ] || fail "failover: expected B's 200, got '$r'"
[ "$ms" -lt 3000 ] || fail "failover took $ms ms (a transport error must not wait for fr_timer)"
note "sip:carol@fo.test: first SRV target closed, second answered in $ms ms"

t0=$(date +%s%N)
r=$(opt "sip:erin@to.test" 5 6)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$r" = "SIP/2.0 200 B answers" ] || fail "timeout failover: expected B's 200, got '$r'"
[ "$ms" -ge 900 ] && [ "$ms" -lt 4000 ] ||
	fail "timeout failover took $ms ms (failover_timer 1000, fr_timer 8 s)"
note "sip:erin@to.test: first SRV target (UDP) silent, second answered after $ms ms (failover_timer=1000)"

r=$(opt "sip:nobody@nothere.test" 3)
[ "$r" = "SIP/2.0 503 Service Unavailable" ] || fail "unknown name: expected 503, got '$r'"
note "sip:nobody@nothere.test: $r"

# pure SRV (_sip._udp.srv.test, no NAPTR) to a sipp UAS
start_bg uas sipp -sn uas -i 127.0.0.1 -p "$UAS_PORT" -nostdin \
	-trace_err -error_file "$TMPD/uas_err.log"
wait_udp "$UAS_PORT" || fail "sipp UAS did not start"
timeout 60 sipp -sn uac -s service -i 127.0.0.1 -p "$UAC_PORT" -nostdin \
	-default_behaviors all,-abortunexp -m 50 -r 50 -timeout 30 \
	-timeout_error -trace_err -error_file "$TMPD/uac_err.log" \
	"127.0.0.1:$PROXY_PORT" > "$TMPD/uac.log" 2>&1
rc=$?
set -- $(sipp_counts "$TMPD/uac.log")
note "SRV _sip._udp.srv.test -> sipp UAS: successful calls: $1, failed: $2"
[ $rc -eq 0 ] && [ "$1" = 50 ] && [ "$2" = 0 ] ||
	{ tail -n 20 "$TMPD/uac.log"; fail "SRV calls failed"; }
proxy_alive || fail "proxy died"
grep -q "ERROR\|CRITICAL" "$TMPD/b.log" && fail "errors in proxy B's log"
assert_clean_log

# a DNS server that never answers: the relay gives up after dns_timeout
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
t = time.time() + 60
while time.time() < t:
    s.settimeout(1)
    try: s.recv(2048)
    except OSError: pass
' "$MUTE" &
PIDS="$PIDS $!"
kill "$PROXY_PID"; sleep 0.5
sed -i "s|127.0.0.1:$DNS_PORT\")|127.0.0.1:$MUTE\")\\
modparam(\"tm\", \"dns_timeout\", 600)|" "$TMPD/k.cfg"
mv "$TMPD/proxy.log" "$TMPD/proxy1.log"
start_proxy "$TMPD/k.cfg"
t0=$(date +%s%N)
r=$(opt "sip:dave@slow.test" 4 5)
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$r" = "SIP/2.0 503 Service Unavailable" ] || fail "mute DNS: expected 503, got '$r'"
[ "$ms" -lt 1500 ] || fail "mute DNS: the answer took $ms ms (dns_timeout 600)"
note "mute DNS server: $r after $ms ms (dns_timeout=600)"
proxy_alive || fail "proxy died"
assert_clean_log
note "ok"
