# Interop with an independent TLS implementation: Debian's Kamailio 5.6
# (tls module) as a TLS peer in both directions, both sides verifying the
# other's certificate against one CA:
#   sipp UAC (udp) -> us -> TLS -> kamailio 5.6 -> udp -> sipp UAS
#   sipp UAC (udp) -> kamailio 5.6 -> TLS -> us -> udp -> sipp UAS
# $CALLS calls each way (default 50), none may fail.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
command -v sipp >/dev/null || skip "sipp not installed"
K56=/usr/sbin/kamailio
K56MOD=/usr/lib/x86_64-linux-gnu/kamailio/modules
[ -x "$K56" ] && [ -f "$K56MOD/tls.so" ] || skip "kamailio 5.6 with kamailio-tls-modules not installed"
CALLS=${CALLS:-50}
PROXY_PORT=$(free_port); PROXY_TLS=$(free_port)
KU=$(free_port); KT=$(free_port)
UAS1=$(free_port); UAS2=$(free_port); UAC1=$(free_port); UAC2=$(free_port)
C=$TMPD/ca
mk_ca "$C"
mk_cert "$C" ours "DNS:localhost,IP:127.0.0.1"
mk_cert "$C" k56 "DNS:localhost,IP:127.0.0.1"

cat > "$TMPD/k.cfg" <<CFG
debug=${DEBUG:-2}
log_stderror=yes
children=1
tcp_children=2
listen=udp:127.0.0.1:$PROXY_PORT
listen=tls:127.0.0.1:$PROXY_TLS
tls_certificate="$C/ours/cert.pem"
tls_private_key="$C/ours/privkey.pem"
tls_ca_list="$C/cacert.pem"
tls_method="TLSv1.2+"
route {
	if (proto == tls) {
		forward_udp("127.0.0.1", $UAS2);
	} else {
		forward_tls("127.0.0.1", $KT);
	}
}
CFG

cat > "$TMPD/k56tls.cfg" <<CFG
[server:default]
method = TLSv1.2+
verify_certificate = yes
require_certificate = yes
certificate = $C/k56/cert.pem
private_key = $C/k56/privkey.pem
ca_list = $C/cacert.pem

[client:default]
method = TLSv1.2+
verify_certificate = yes
require_certificate = yes
certificate = $C/k56/cert.pem
private_key = $C/k56/privkey.pem
ca_list = $C/cacert.pem
CFG
cat > "$TMPD/k56.cfg" <<CFG
#!KAMAILIO
debug=2
log_stderror=yes
children=1
tcp_children=1
listen=udp:127.0.0.1:$KU
listen=tls:127.0.0.1:$KT
enable_tls=yes
mpath="$K56MOD/"
loadmodule "tls.so"
modparam("tls", "config", "$TMPD/k56tls.cfg")
request_route {
	if (proto == TLS) {
		forward_udp("127.0.0.1", $UAS1);
	} else {
		forward_tls("127.0.0.1", $PROXY_TLS);
	}
}
CFG
"$K56" -c -f "$TMPD/k56.cfg" > "$TMPD/k56check.log" 2>&1 || { cat "$TMPD/k56check.log"; fail "kamailio 5.6 config check"; }
start_bg k56 "$K56" -DD -E -Y "$TMPD" -f "$TMPD/k56.cfg"
wait_tcp "$KT" || { cat "$TMPD/k56.log"; fail "kamailio 5.6 did not start"; }
start_proxy "$TMPD/k.cfg"
wait_tcp "$PROXY_TLS" || fail "no TLS listener"
start_bg uas1 sipp -sn uas -i 127.0.0.1 -p "$UAS1" -nostdin
start_bg uas2 sipp -sn uas -i 127.0.0.1 -p "$UAS2" -nostdin
wait_udp "$UAS1" && wait_udp "$UAS2" || fail "sipp UAS did not start"

calls() {   # NAME UAC_PORT TARGET_PORT
	timeout 90 sipp -sn uac -i 127.0.0.1 -p "$2" -nostdin -m "$CALLS" \
		-r 25 -l 50 -timeout 60 -timeout_error -trace_err \
		-error_file "$TMPD/err_$1.log" "127.0.0.1:$3" > "$TMPD/uac_$1.log" 2>&1
	rc=$?
	ok=$(grep "Successful call" "$TMPD/uac_$1.log" | tail -n 1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
	bad=$(grep "Failed call" "$TMPD/uac_$1.log" | tail -n 1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
	note "$1: successful $ok, failed $bad (sipp exit $rc)"
	[ $rc -eq 0 ] && [ "$ok" = "$CALLS" ] && [ "$bad" = "0" ] || {
		tail -n 20 "$TMPD/err_$1.log" 2>/dev/null; tail -n 20 "$TMPD/proxy.log"
		tail -n 20 "$TMPD/k56.log"; fail "$1: expected $CALLS successful calls"; }
}
calls "us-to-k56" "$UAC1" "$PROXY_PORT"
calls "k56-to-us" "$UAC2" "$KU"
proxy_alive || fail "proxy died"
kill -0 "$PID_k56" || fail "kamailio 5.6 died"
assert_clean_log
note "ok"
