# TLS server side against openssl s_client and a python ssl client: SNI
# picks the right certificate on one socket (two server_name domains and
# the socket's domain; unknown or no SNI keeps the socket's), and each
# tls_verify_client / tls_require_client_certificate combination accepts
# and refuses the right clients: none, CA-trusted, other CA, expired.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
PROXY_PORT=$(free_port)
P1=$(free_port); P2=$(free_port); P3=$(free_port)
C=$TMPD/ca; O=$TMPD/other
mk_ca "$C"; mk_ca "$O"
mk_cert "$C" sock "DNS:sock.example.com,IP:127.0.0.1"
mk_cert "$C" alice "DNS:a.example.com"
mk_cert "$C" bob "DNS:b.example.com"
mk_cert "$C" client "DNS:client.example.com"
mk_cert "$O" stranger "DNS:client.example.com"
mk_expired "$C" expired
cat > "$TMPD/k.cfg" <<CFG
debug=4
log_stderror=yes
children=1
tcp_children=1
listen=udp:127.0.0.1:$PROXY_PORT
listen=tls:127.0.0.1:$P1
listen=tls:127.0.0.1:$P2
listen=tls:127.0.0.1:$P3
tls_certificate="$C/sock/cert.pem"
tls_private_key="$C/sock/privkey.pem"
tls_ca_list="$C/cacert.pem"
loadmodule "sl"
route {
	sl_send_reply("200", "OK");
}
tls_server_domain[127.0.0.1:$P1] {
	tls_verify_client = 0
	tls_require_client_certificate = 0
}
tls_server_domain[127.0.0.1:$P1] {
	server_name = "a.example.com"
	tls_certificate = "$C/alice/cert.pem"
	tls_private_key = "$C/alice/privkey.pem"
	tls_verify_client = 0
}
tls_server_domain[127.0.0.1:$P1] {
	server_name = "b.example.com"
	tls_certificate = "$C/bob/cert.pem"
	tls_private_key = "$C/bob/privkey.pem"
	tls_verify_client = 0
}
tls_server_domain[127.0.0.1:$P2] {
	tls_verify_client = 1
	tls_require_client_certificate = 0
}
tls_server_domain[127.0.0.1:$P3] {
	tls_verify_client = 1
	tls_require_client_certificate = 1
}
CFG
start_proxy "$TMPD/k.cfg"
wait_tcp "$P3" || fail "no TLS listener"

# SNI
for case in "a.example.com alice" "b.example.com bob" "A.EXAMPLE.COM alice" \
	"c.example.com sock" " sock"; do
	set -- $case
	if [ $# -eq 1 ]; then sni=""; want=$1; else sni=$1; want=$2; fi
	got=$(server_cn "$P1" "$sni")
	[ "$got" = "$want" ] || fail "SNI '${sni:-none}': certificate CN '$got', expected '$want'"
	note "SNI '${sni:-none}' -> $got"
done
grep -q 'chosen by SNI' "$TMPD/proxy.log" || fail "debug log does not say SNI chose the domain"

# verification matrix: port, client, expected (ok/refused)
check() {
	if [ "$2" = none ]; then
		tls_options "$1" - - - "${4:-}" > "$TMPD/c.out" 2>&1; rc=$?
	else
		d=$C/$2; [ "$2" = stranger ] && d=$O/$2
		tls_options "$1" "$d/cert.pem" "$d/privkey.pem" - "${4:-}" > "$TMPD/c.out" 2>&1; rc=$?
	fi
	if [ "$3" = ok ] && [ $rc -ne 0 ]; then cat "$TMPD/c.out"; fail "port $1 ($5): client $2 ${4:-} refused"; fi
	if [ "$3" = refused ] && [ $rc -eq 0 ]; then fail "port $1 ($5): client $2 ${4:-} accepted"; fi
	note "$5: client $2 ${4:-}: $3"
}
for v in "" tls12; do
	for c in "none ok" "client ok" "stranger ok" "expired ok"; do
		set -- $c; check "$P1" "$1" "$2" "$v" "verify=0"
	done
	for c in "none ok" "client ok" "stranger refused" "expired refused"; do
		set -- $c; check "$P2" "$1" "$2" "$v" "verify=1 require=0"
	done
	for c in "none refused" "client ok" "stranger refused" "expired refused"; do
		set -- $c; check "$P3" "$1" "$2" "$v" "verify=1 require=1"
	done
done
grep -q 'peer certificate: verified /CN=client' "$TMPD/proxy.log" ||
	fail "no verified-peer handshake line in the debug log"
options_ok udp "$PROXY_PORT" || fail "no UDP answer"
proxy_alive || fail "proxy died"
assert_clean_log
note "ok"
