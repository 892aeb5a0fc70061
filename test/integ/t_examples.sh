# Every example of the TLS guide (etc/examples/example_1_1.cfg ..
# example_1_15.cfg), its placeholders filled as etc/examples/README.md
# says, passes "kamailio -c"; then each one is started and asked what it
# is for: disable_tls leaves no TLS socket, listen/tls_port_no put TLS
# where they say, tls_method=TLSv1 speaks TLS 1.0 only, the certificate
# paths present that certificate, tls_verify_client refuses a client
# without one, the client domain AVP picks the client certificate of an
# outgoing connection, Example 1.14 presents the certificate of each
# socket and server_name, Example 1.15 challenges a REGISTER for domA.net.
# The examples use the guide's fixed ports (5060, 5061, 5062), so they are
# started in a network namespace of their own (loopback only, unshare -n).
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
. "$TOP/test/integ/lib_examples.sh"
EX=$TOP/etc/examples
R=$TMPD/root
if [ -z "${EXAMPLES_IN_NS:-}" ]; then
	command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 not installed"
	for m in sl tm rr maxfwd usrloc registrar textops auth auth_db uri_db db_sqlite; do
		[ -f "$TOP/modules/$m/$m.so" ] || skip "modules/$m/$m.so not built"
	done
	# the files the guide's paths name, made with kamctl tls
	C=$TMPD/ca
	mk_ca "$C"
	mk_cert "$C" kamailioX "DNS:domA.net,IP:127.0.0.1"
	mk_cert "$C" client "DNS:client.test"
	mkdir -p "$R/path" "$R/mycerts/certs" "$R/mycerts/private" "$R/tmp" "$R/certs"
	cp "$C/kamailioX/cert.pem" "$R/path/kamailioX_cert.pem"
	cp "$C/kamailioX/privkey.pem" "$C/kamailioX/calist.pem" "$R/path/"
	cp "$C/kamailioX/cert.pem" "$R/mycerts/certs/kamailio_server_cert.pem"
	cp "$C/kamailioX/privkey.pem" "$R/mycerts/private/prik.pem"
	cp "$C/cacert.pem" "$R/mycerts/certs/ca_list.pem"
	mk_cert "$C" biloxy.com "DNS:biloxy.com"
	mkdir -p "$R/path/biloxy.com"; cp "$C/biloxy.com/"*.pem "$R/path/biloxy.com/"
	for n in default atlanta.com biloxy.com aaa.example.com bbb.example.com \
		ccc.example.com local XYZ; do
		[ -d "$C/$n" ] || mk_cert "$C" "$n" "DNS:$n,IP:127.0.0.1"
		mkdir -p "$R/certs/$n"; cp "$C/$n/cert.pem" "$C/$n/privkey.pem" "$R/certs/$n/"
		cp "$C/cacert.pem" "$R/certs/$n/ca.pem"
	done
	cp "$C/cacert.pem" "$R/certs/default/CAs.pem"; cp "$C/cacert.pem" "$R/certs/wellknownCAs"
	cp "$C/cacert.pem" "$R/certs/GWproviderSelfSignedCA"
	cp "$C/cacert.pem" "$R/certs/atlanta.com/wellknownCAs"
	cp "$R/certs/XYZ/cert.pem" "$R/certs/XYZ/mycert.pem"
	cp "$R/certs/XYZ/privkey.pem" "$R/certs/XYZ/myprivkey.pem"
	cp "$C/cacert.pem" "$R/certs/XYZ/cacert.pem"
	# Example 1.15's subscriber table, made with kamdbctl / kamctl add
	KAMCTLRC=$TMPD/kamctlrc; export KAMCTLRC
	printf 'DBENGINE=SQLITE\nDB_PATH=%s\nSIP_DOMAIN=domA.net\n' "$R/kamailio.db" > "$KAMCTLRC"
	timeout 60 sh "$TOP/scripts/kamdbctl" create > "$TMPD/kamdbctl.log" 2>&1 ||
		{ cat "$TMPD/kamdbctl.log"; fail "kamdbctl create"; }
	timeout 30 sh "$TOP/scripts/kamctl" add alice s3cr3t </dev/null > /dev/null ||
		fail "kamctl add alice"
	n=0
	for i in $(seq 1 15); do
		f=$EX/example_1_$i.cfg
		[ -f "$f" ] || fail "$f missing"
		grep -q "_your_serv_IP_\|_DNS_ALIAS_\|IP_1:port1\|sql_url\|\"/" "$f" ||
			note "example_1_$i.cfg has no placeholder"
		fill_example "$f" "$TMPD/ex$i.cfg" "$R" 127.0.0.1 domA.net "$R/kamailio.db"
		grep -n "_your_serv_IP_\|_DNS_ALIAS_\|IP_[0-9]:port\|sql_url" "$TMPD/ex$i.cfg" &&
			fail "example 1.$i: a placeholder is left after filling"
		"$KAMAILIO" -c -f "$TMPD/ex$i.cfg" > "$TMPD/check$i.log" 2>&1 ||
			{ cat "$TMPD/check$i.log"; fail "example 1.$i: kamailio -c failed"; }
		note "example 1.$i: kamailio -c ok"
		n=$((n + 1))
	done
	[ "$n" -eq 15 ] || fail "only $n examples checked"
	command -v unshare >/dev/null 2>&1 || skip "unshare not installed (util-linux)"
	command -v ip >/dev/null 2>&1 || skip "ip not installed (iproute2)"
	unshare -n true 2>/dev/null || skip "cannot make a network namespace (unshare -n)"
	EXAMPLES_IN_NS=1 C=$C R=$R exec unshare -n sh "$0"
fi

# ---- in the namespace: only lo, brought up here ----
ip link set lo up || fail "ip link set lo up"
ip addr show lo | grep -q "127.0.0.1" || fail "no 127.0.0.1 in the namespace"
CC=$C/client/cert.pem CK=$C/client/privkey.pem

# run_ex N: start example 1.N (filled), wait for its first socket
run_ex() {
	stop_proxy
	PROXY_PORT=$2
	start_bg "ex$1" sh -c 'cd "$1" && shift && exec "$@"' sh "$TMPD" \
		"$KAMAILIO" -DD -E -f "$TMPD/ex$1.cfg"
	PROXY_PID=$(eval echo \$PID_ex$1)
	cp /dev/null "$TMPD/proxy.log"
	if [ "$3" = tcp ]; then wait_tcp "$2"; else wait_udp "$2"; fi ||
		{ cat "$TMPD/ex$1.log"; fail "example 1.$1 did not start"; }
}
tcp_listens() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }
tls_hs() { # tls_hs HOST:PORT ARGS...: openssl s_client output
	hp=$1; shift
	timeout 5 openssl s_client -connect "$hp" "$@" </dev/null 2>&1
}
cn_of() { sed -n 's/^subject=.*CN *= *\([^,/]*\).*/\1/p' | head -n 1; }

run_ex 1 5060
options_ok udp 5060 > /dev/null || fail "example 1.1: no 200 over UDP"
tcp_listens 5061 && fail "example 1.1: disable_tls=1 but something listens on 5061"
note "example 1.1: UDP answered, no TLS socket"

run_ex 2 5061 tcp
tls_options 5061 "$CC" "$CK" > "$TMPD/o2" || { cat "$TMPD/o2"; fail "example 1.2: no 200 over TLS on 5061"; }
note "example 1.2: TLS on 127.0.0.1:5061 answers"

run_ex 3 5062 tcp
tls_options 5062 "$CC" "$CK" > "$TMPD/o3" || { cat "$TMPD/o3"; fail "example 1.3: no 200 over TLS on 5062"; }
tcp_listens 5061 && fail "example 1.3: tls_port_no=5062 but TLS on 5061"
options_ok udp 5060 > /dev/null || fail "example 1.3: no 200 over UDP 5060"
note "example 1.3: TLS on tls_port_no 5062, UDP on 5060"

run_ex 4 5061 tcp
tls_hs 127.0.0.1:5061 -tls1 -cipher DEFAULT@SECLEVEL=0 -cert "$CC" -key "$CK" > "$TMPD/h4"
grep -Eq "^New, TLSv1(\.0)?, Cipher is" "$TMPD/h4" || { cat "$TMPD/h4"; fail "example 1.4: no TLS 1.0 handshake"; }
tls_hs 127.0.0.1:5061 -tls1_2 -cert "$CC" -key "$CK" > "$TMPD/h4b"
grep -q "^New, TLS" "$TMPD/h4b" && fail "example 1.4: TLS 1.2 accepted with tls_method=TLSv1"
note "example 1.4: TLS 1.0 only"

for x in 5 6 7 10 11 12; do
	run_ex $x 5061 tcp
	tls_options 5061 "$CC" "$CK" > "$TMPD/o$x" || { cat "$TMPD/o$x"; fail "example 1.$x: no 200 over TLS"; }
	got=$(tls_hs 127.0.0.1:5061 -cert "$CC" -key "$CK" | cn_of)
	[ "$got" = kamailioX ] || fail "example 1.$x: server certificate '$got'"
	note "example 1.$x: TLS answers with the kamailioX certificate"
done
grep -q "119\|121" "$TMPD/ex11.cfg" || fail "example 1.11 lost its timeouts"

run_ex 8 5061 tcp
tls_hs 127.0.0.1:5061 -tls1_2 -cipher NULL@SECLEVEL=0 -cert "$CC" -key "$CK" > "$TMPD/h8"
grep -q "Cipher is .*NULL" "$TMPD/h8" || { cat "$TMPD/h8"; fail "example 1.8: no NULL cipher handshake"; }
grep -q "NULL" "$TMPD/check8.log" || { cat "$TMPD/check8.log"; fail "example 1.8: -c does not warn about NULL ciphers"; }
note "example 1.8: NULL cipher (no encryption) negotiated, and -c warns"

run_ex 9 5061 tcp
tls_options 5061 - - > "$TMPD/o9" && fail "example 1.9: a client without certificate was served"
tls_options 5061 "$CC" "$CK" > "$TMPD/o9b" || { cat "$TMPD/o9b"; fail "example 1.9: client with certificate refused"; }
note "example 1.9: client certificate required"

# 1.13: the AVP selects client domain "biloxy.com": the TLS server the
# request is relayed to sees that certificate
PEER=5071
cat > "$TMPD/peer13.py" <<'PY'
import socket, ssl, sys
port, c = int(sys.argv[1]), sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(c + "/kamailioX/cert.pem", c + "/kamailioX/privkey.pem")
ctx.load_verify_locations(c + "/cacert.pem")
ctx.verify_mode = ssl.CERT_REQUIRED
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port)); ls.listen(4); ls.settimeout(15)
raw, _ = ls.accept()
s = ctx.wrap_socket(raw, server_side=True)
subj = dict(x[0] for x in s.getpeercert()["subject"])
print("peer CN:", subj.get("commonName"), flush=True)
d = b""
while b"\r\n\r\n" not in d:
    d += s.recv(65535)
hs = [l for l in d.decode().split("\r\n") if l.split(":")[0].lower() in ("via", "from", "to", "call-id", "cseq")]
s.sendall(("SIP/2.0 200 biloxy peer\r\n" + "\r\n".join(hs) + "\r\nContent-Length: 0\r\n\r\n").encode())
s.recv(100)
PY
start_bg peer13 python3 "$TMPD/peer13.py" "$PEER" "$C"
run_ex 13 5060
printf 'OPTIONS sip:peer@127.0.0.1:%s;transport=tls SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:@LPORT@;branch=z9hG4bK13\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:peer@127.0.0.1>\r\nCall-ID: ex13\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n' "$PEER" > "$TMPD/req13"
python3 - "$TMPD/req13" > "$TMPD/r13" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); s.settimeout(8)
d = open(sys.argv[1], "rb").read().replace(b"@LPORT@", str(s.getsockname()[1]).encode())
s.sendto(d, ("127.0.0.1", 5060))
while True:
    try:
        r = s.recv(65535).decode()
    except socket.timeout:
        break
    print(r.split("\r\n")[0])
    if not r.startswith("SIP/2.0 1"):
        break
PY
grep -q "200 biloxy peer" "$TMPD/r13" || { cat "$TMPD/r13" "$TMPD/peer13.log" "$TMPD/ex13.log"; fail "example 1.13: relayed request not answered"; }
grep -q "peer CN: biloxy.com" "$TMPD/peer13.log" || { cat "$TMPD/peer13.log"; fail "example 1.13: client domain biloxy.com not used"; }
note "example 1.13: \$avp(i:401) picked the biloxy.com client certificate"

# 1.14: each socket and server_name presents its certificate (TLS 1.0,
# as the example's tls_method says; 127.0.0.3 wants a client certificate)
run_ex 14 5061 tcp
for c in "127.0.0.1 x.example.com default" "127.0.0.2 x.example.com atlanta.com" \
	"127.0.0.3 aaa.example.com aaa.example.com" "127.0.0.3 ccc.example.com ccc.example.com" \
	"127.0.0.3 zzz.example.com biloxy.com"; do
	set -- $c
	got=$(tls_hs "$1:5061" -tls1 -cipher DEFAULT@SECLEVEL=0 -servername "$2" \
		-cert "$CC" -key "$CK" | cn_of)
	[ "$got" = "$3" ] || fail "example 1.14: $1:5061 SNI $2: certificate '$got', expected '$3'"
	note "example 1.14: $1:5061 SNI $2 -> $got"
done

# 1.15: REGISTER for domA.net is challenged (realm domA.net, no qop);
# TLS with a client certificate is served
run_ex 15 5060
printf 'REGISTER sip:domA.net SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:@LPORT@;branch=z9hG4bK15\r\nFrom: <sip:alice@domA.net>;tag=1\r\nTo: <sip:alice@domA.net>\r\nCall-ID: ex15\r\nCSeq: 1 REGISTER\r\nContact: <sip:alice@127.0.0.1:@LPORT@>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n' > "$TMPD/req15"
send_udp 5060 "$TMPD/req15" 3 > "$TMPD/r15"
grep -q "^SIP/2.0 401" "$TMPD/r15" || { cat "$TMPD/r15"; fail "example 1.15: REGISTER not challenged"; }
grep -qi '^WWW-Authenticate: Digest.*realm="domA.net"' "$TMPD/r15" || { cat "$TMPD/r15"; fail "example 1.15: no domA.net challenge"; }
grep -qi "qop" "$TMPD/r15" && fail "example 1.15: qop offered, the guide says \"0\""
wait_tcp 5061 || fail "example 1.15: no TLS socket on 5061 (tls_port_no)"
tls_options 5061 "$CC" "$CK" > "$TMPD/o15"
grep -q "^SIP/2.0 404" "$TMPD/o15" || { cat "$TMPD/o15"; fail "example 1.15: TLS request not answered with the script's 404"; }
tls_options 5061 - - > "$TMPD/o15b" && fail "example 1.15: TLS client without certificate served"
note "example 1.15: REGISTER challenged for domA.net; TLS with a certificate answered"
proxy_alive || fail "example 1.15 died"
stop_proxy
note "ok"
