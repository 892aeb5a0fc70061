# baresip (Debian's, a real phone) registers over UDP, TCP and TLS, and
# two baresip phones registered over TLS call each other through the
# proxy: register, dial, ring, answer, talk (RTP on loopback), hang up,
# all driven through baresip's ctrl_tcp command interface.  baresip finds
# its own Contact in the 200 (it reads its expiry from there), so each
# phone reports "200 OK ... [1 binding]".  Every baresip runs headless
# with its config in $TMPD and quits by itself (-t).
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
. "$TOP/test/integ/lib_reg.sh"
command -v baresip >/dev/null 2>&1 || skip "baresip not installed (baresip-core)"
PROXY_PORT=$(free_port); TLS_PORT=$(free_port)
mk_ca "$TMPD/ca"
mk_cert "$TMPD/ca" proxy "IP:127.0.0.1"
CERT_DIR=$TMPD/ca/proxy
reg_cfg "$TMPD/k.cfg"
start_proxy "$TMPD/k.cfg"
wait_tcp "$TLS_PORT" || fail "no TLS listener"

# phone NAME TRANSPORT: a baresip for NAME@127.0.0.1 over TRANSPORT,
# its ctrl_tcp port in $CTL_<NAME>
phone() {
	d=$TMPD/bs-$1; mkdir -p "$d"
	sp=$(free_port); cp=$(free_port); rp=$(($(free_port) & ~1))
	case $2 in
	udp) out="sip:127.0.0.1:$PROXY_PORT;transport=udp" ;;
	tcp) out="sip:127.0.0.1:$PROXY_PORT;transport=tcp" ;;
	tls) out="sip:127.0.0.1:$TLS_PORT;transport=tls" ;;
	esac
	cat > "$d/config" <<EOF
poll_method		epoll
sip_listen		127.0.0.1:$sp
sip_cafile		$TMPD/ca/cacert.pem
audio_player		aubridge,$1
audio_source		ausine,440
audio_alert		aubridge,$1
rtp_ports		$rp-$((rp + 9))
module_path		/usr/lib/baresip/modules
module			opus.so
module			ausine.so
module			aubridge.so
module_app		account.so
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		127.0.0.1:$cp
EOF
	echo "<sip:$1@127.0.0.1;transport=$2>;regint=600;outbound=\"$out\"" > "$d/accounts"
	start_bg "bs_$1" baresip -f "$d" -n 127.0.0.1 -t "${3:-40}"
	eval "CTL_$1=$cp"
}

# registered NAME: until baresip says its REGISTER got a 200 (10 s)
registered() {
	i=0
	while ! grep -q "$1@127.0.0.1: .* 200 OK" "$TMPD/bs_$1.log" 2>/dev/null; do
		[ $i -lt 100 ] || { cat "$TMPD/bs_$1.log"; fail "baresip $1 did not register"; }
		sleep 0.1; i=$((i + 1))
	done
	grep "$1@127.0.0.1: .* 200 OK" "$TMPD/bs_$1.log" | head -n 1
	grep -q "$1@127.0.0.1: .*\[1 binding\]" "$TMPD/bs_$1.log" ||
	    fail "baresip $1 did not find its binding in the 200"
}

phone alice udp
phone bob tcp
phone carol tls 60
phone dave tls 60
for p in alice bob carol dave; do registered $p; done
kctl ul show > "$TMPD/ul.txt" || fail "ul show"
for p in alice bob carol dave; do
	grep -q "AOR:: $p\$" "$TMPD/ul.txt" || { cat "$TMPD/ul.txt"; fail "no binding for $p"; }
done
grep -A12 "AOR:: carol" "$TMPD/ul.txt" | grep -q "Connection::" ||
    fail "carol's binding has no connection"
note "alice (udp), bob (tcp), carol and dave (tls) registered"

# carol calls dave; dave answers; carol hangs up (ctrl_tcp: netstrings of
# JSON commands; events come back the same way)
python3 - "$CTL_carol" "$CTL_dave" > "$TMPD/call.out" 2>&1 <<'PY' || { cat "$TMPD/call.out"; fail "the baresip call"; }
import os, sys, time
sys.path.insert(0, os.path.join(os.environ["TOP"], "test/integ"))
from bs_ctl import ctl, event, send
def events(c, want, timeout=10):
    return event(c, want, timeout)
carol, dave = ctl(sys.argv[1]), ctl(sys.argv[2])
send(carol, "dial", "sip:dave@127.0.0.1")
ev = events(dave, "CALL_INCOMING")
print("dave: incoming call from", ev.get("peeruri"))
events(carol, "CALL_RINGING")
send(dave, "accept")
events(dave, "CALL_ESTABLISHED")
events(carol, "CALL_ESTABLISHED")
print("call established")
time.sleep(1)
send(carol, "hangup")
events(carol, "CALL_CLOSED")
events(dave, "CALL_CLOSED")
print("call closed")
PY
cat "$TMPD/call.out"
# the INVITE and the BYE reached dave over his TLS registration connection
grep -q "incoming call from" "$TMPD/call.out" || fail "dave saw no call"
proxy_alive || fail "proxy died"
assert_clean_log
