# The ten most likely mistakes of a TLS set-up (doc/troubleshooting.md),
# each made on purpose; the message it gives must name the file (config
# file:line, or the certificate/key/CA file), the domain or address, and
# what to do.  Found by "kamailio -c" where it can be (1, 4, 5, 7, 8, 9a,
# 10), else at start-up (6, 9b) or in the log at run time: handshakes
# with openssl s_client (2, 3 server side) and s_server (2, 3 client
# side) peers, and the client domain choice of a relayed request (4).
#
# Run as root: "not writable" is made real by -u nobody (9b) or by a path
# that cannot be a file (7: a directory; 9a: a missing directory).
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
PROXY_PORT=$(free_port); PT=$(free_port); PT2=$(free_port)
A=$TMPD/ca; B=$TMPD/ca2
mk_ca "$A"; mk_ca "$B"
mk_cert "$A" srv "DNS:localhost,IP:127.0.0.1"
mk_cert "$A" other "DNS:other.example.com"
mk_expired "$A" old

# has FILE TEXT...: every TEXT (fixed string) is in FILE
has() {
	f=$1; shift
	for e in "$@"; do
		grep -qF -- "$e" "$f" || { cat "$f"; fail "$(basename "$f"): '$e' not in the message"; }
	done
}
# check_fails NAME: kamailio -c -f $TMPD/NAME.cfg must fail; output in NAME.out
check_fails() {
	"$KAMAILIO" -c -f "$TMPD/$1.cfg" > "$TMPD/$1.out" 2>&1 &&
		{ cat "$TMPD/$1.out"; fail "$1: kamailio -c accepted the config"; }
	return 0
}
check_ok() {
	"$KAMAILIO" -c -f "$TMPD/$1.cfg" > "$TMPD/$1.out" 2>&1 ||
		{ cat "$TMPD/$1.out"; fail "$1: kamailio -c refused the config"; }
}
shown() { note "$1: $(grep -m1 -F -- "$2" "$TMPD/$1.out" | cut -c1-400)"; }
# line NAME TEXT: the line number of TEXT in $TMPD/NAME.cfg
line() { grep -nF -- "$2" "$TMPD/$1.cfg" | head -n 1 | cut -d: -f1; }

waitlog() {   # TEXT: until the proxy log has TEXT (bounded)
	i=0
	while [ $i -lt 100 ]; do
		grep -qF -- "$1" "$TMPD/proxy.log" && return 0
		sleep 0.1; i=$((i + 1))
	done
	cat "$TMPD/proxy.log" | tail -20; fail "not in the proxy log: $1"
}

head_cfg() {   # a TLS proxy's globals on $PROXY_PORT / $PT
	cat <<CFG
debug=3
log_stderror=yes
children=1
tcp_children=1
listen=udp:127.0.0.1:$PROXY_PORT
listen=tls:127.0.0.1:$PT
tls_certificate="$A/srv/cert.pem"
tls_private_key="$A/srv/privkey.pem"
tls_ca_list="$A/cacert.pem"
CFG
}
ROUTE='loadmodule "sl"
route {
	sl_send_reply("200", "OK");
}'

# 1. certificate and key that do not match (in a domain block)
{ head_cfg; cat <<CFG
tls_server_domain[127.0.0.1:$PT] {
	tls_certificate = "$A/srv/cert.pem"
	tls_private_key = "$A/other/privkey.pem"
}
$ROUTE
CFG
} > "$TMPD/m1.cfg"
check_fails m1
has "$TMPD/m1.out" "tls_server_domain[127.0.0.1:$PT]" \
	"tls_private_key \"$A/other/privkey.pem\" does not match tls_certificate \"$A/srv/cert.pem\"" \
	"the key does not belong to the certificate: check tls_private_key" \
	"key values mismatch"
shown m1 "does not match"

# 2. the CA list misses the peer's CA: a client certificate of CA A, a
# tls_ca_list of CA B only; the peer is openssl s_client
{ head_cfg | sed "s|^tls_ca_list=.*|tls_ca_list=\"$B/cacert.pem\"|"; cat <<CFG
tls_verify_client=1
tls_require_client_certificate=1
listen=tls:127.0.0.1:$PT2
tls_server_domain[127.0.0.1:$PT2] {
	tls_certificate = "$A/srv/cert.pem"
	tls_private_key = "$A/srv/privkey.pem"
	tls_verify_client = 0
	tls_require_client_certificate = 0
}
tls_server_domain[127.0.0.1:$PT2] {
	server_name = "sip.example.com"
	tls_certificate = "$A/other/cert.pem"
	tls_private_key = "$A/other/privkey.pem"
	tls_verify_client = 0
	tls_require_client_certificate = 0
}
$ROUTE
CFG
} > "$TMPD/m2.cfg"
start_proxy "$TMPD/m2.cfg"
wait_tcp "$PT" || fail "no TLS listener"
wait_tcp "$PT2" || fail "no second TLS listener"
(sleep 2) | timeout 10 openssl s_client -connect "127.0.0.1:$PT" \
	-cert "$A/srv/cert.pem" -key "$A/srv/privkey.pem" > "$TMPD/sclient2.out" 2>&1
waitlog "unable to get local issuer certificate"
grep -F "unable to get local issuer certificate" "$TMPD/proxy.log" > "$TMPD/m2.out"
has "$TMPD/m2.out" "from 127.0.0.1:" "(default server domain)" \
	"certificate verification: unable to get local issuer certificate" \
	"hint: the peer's CA is not in this domain's tls_ca_list"
shown m2 "unable to get"

# 3. a server name that no domain has: SNI "wrong.example.net" on a
# socket whose server_name domain is "sip.example.com"
timeout 10 openssl s_client -connect "127.0.0.1:$PT2" -servername wrong.example.net \
	</dev/null > "$TMPD/sclient3.out" 2>&1
waitlog 'SNI "wrong.example.net"'
grep -F 'SNI "wrong.example.net"' "$TMPD/proxy.log" > "$TMPD/m3.out"
has "$TMPD/m3.out" 'matches no server_name' '(they have "sip.example.com")' \
	"using tls_server_domain[127.0.0.1:$PT2]" \
	'add server_name = "wrong.example.net" to a domain, or fix the client'
shown m3 "SNI"
# the right name picks the domain, and says nothing
timeout 10 openssl s_client -connect "127.0.0.1:$PT2" -servername sip.example.com \
	</dev/null > "$TMPD/sclient3b.out" 2>&1
grep -q "CN *= *other" "$TMPD/sclient3b.out" || { cat "$TMPD/sclient3b.out"; fail "server_name domain not chosen"; }
grep -qF 'SNI "sip.example.com"' "$TMPD/proxy.log" && fail "a matching SNI was logged"
stop_proxy

# 4. a name-based client domain that can never be chosen: no
# tls_client_domain_avp
{ head_cfg; cat <<CFG
tls_client_domain["peer.example.com"] {
	tls_certificate = "$A/other/cert.pem"
	tls_private_key = "$A/other/privkey.pem"
}
$ROUTE
CFG
} > "$TMPD/m4.cfg"
check_ok m4
has "$TMPD/m4.out" "m4.cfg:$(line m4 'tls_client_domain[')" \
	'tls_client_domain["peer.example.com"] is never used' \
	"tls_client_domain_avp is not set" \
	'set e.g. tls_client_domain_avp=400 and $avp(i:400)="peer.example.com"'
shown m4 "never used"
# with the AVP parameter set, no warning
sed 's|^children=1|children=1\ntls_client_domain_avp=400|' "$TMPD/m4.cfg" > "$TMPD/m4b.cfg"
check_ok m4b
grep -q "never used" "$TMPD/m4b.out" && fail "m4b: warned with tls_client_domain_avp set"

# 2, 3 and 4 on the client side: the proxy relays (forward_tls) to
# openssl s_server peers: one whose certificate is from a CA not in
# tls_ca_list (2), one whose certificate names another host (3), and a
# trusted one reached with tls_client_domain_avp set but the AVP not
# assigned, or naming no domain (4)
mk_cert "$B" foreign "DNS:localhost,IP:127.0.0.1"
mk_cert "$A" elsewhere "DNS:elsewhere.example.com"
PU=$(free_port); PW=$(free_port); PN=$(free_port); PX=$(free_port)
{ head_cfg; cat <<CFG
tls_client_domain_avp=400
tls_client_domain["peer.example.com"] {
	tls_certificate = "$A/other/cert.pem"
	tls_private_key = "$A/other/privkey.pem"
}
loadmodule "sl"
route {
	if (\$rU == "foreign") { forward_tls("127.0.0.1", $PU); drop; }
	if (\$rU == "wronghost") { forward_tls("127.0.0.1", $PW); drop; }
	if (\$rU == "badname") { \$avp(i:400) = "nosuch.example.com"; forward_tls("127.0.0.1", $PX); drop; }
	forward_tls("127.0.0.1", $PN);
	drop;
}
CFG
} > "$TMPD/mc.cfg"
start_proxy "$TMPD/mc.cfg"
mkfifo "$TMPD/in"; exec 3<>"$TMPD/in"
srv() {   # NAME PORT CERTDIR: one s_server in the background
	openssl s_server -accept "$2" -cert "$3/cert.pem" -key "$3/privkey.pem" \
		< "$TMPD/in" > "$TMPD/$1.log" 2>&1 &
	PIDS="$PIDS $!"
}
srv su "$PU" "$B/foreign"; srv sw "$PW" "$A/elsewhere"; srv sn "$PN" "$A/srv"; srv sx "$PX" "$A/srv"
for p in $PU $PW $PN $PX; do wait_tcp "$p" || fail "s_server on $p did not start"; done
opt() {   # USER: one OPTIONS to the proxy over UDP
	printf 'OPTIONS sip:%s@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:@LPORT@;branch=z9hG4bK%s\r\nFrom: <sip:t@127.0.0.1>;tag=%s\r\nTo: <sip:%s@127.0.0.1>\r\nCall-ID: mistakes-%s\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n' \
		"$1" "$1" "$1" "$1" "$1" > "$TMPD/o.sip"
	send_udp "$PROXY_PORT" "$TMPD/o.sip" 0.2 > /dev/null
}
opt foreign
waitlog "to 127.0.0.1:$PU (default client domain): TLS handshake: certificate verification: unable to get local issuer certificate"
grep -F "to 127.0.0.1:$PU" "$TMPD/proxy.log" > "$TMPD/m2c.out"
has "$TMPD/m2c.out" "hint: the peer's CA is not in this domain's tls_ca_list"
shown m2c "unable to get"
opt wronghost
waitlog "to 127.0.0.1:$PW (default client domain): TLS handshake: certificate verification: hostname mismatch"
grep -F "to 127.0.0.1:$PW" "$TMPD/proxy.log" > "$TMPD/m3c.out"
has "$TMPD/m3c.out" 'hint: the server'"'"'s certificate does not name "127.0.0.1"' \
	"set tls_check_server_identity=0 in default client domain"
shown m3c "hostname mismatch"
opt noavp
waitlog '$avp(i:400) (tls_client_domain_avp) is not set for this connection: using default client domain although name-based client domains exist'
seen_sn=0; i=0
while [ $i -lt 50 ]; do grep -q "OPTIONS sip:noavp@" "$TMPD/sn.log" && { seen_sn=1; break; }; sleep 0.1; i=$((i + 1)); done
[ $seen_sn -eq 1 ] || { cat "$TMPD/sn.log"; fail "the trusted server did not get the request"; }
grep -F '$avp(i:400) (tls_client_domain_avp) is not set' "$TMPD/proxy.log" > "$TMPD/m4c.out"
shown m4c "is not set"
opt badname
waitlog '$avp(i:400) is "nosuch.example.com" but there is no tls_client_domain["nosuch.example.com"]: using default client domain'
grep -F 'nosuch.example.com' "$TMPD/proxy.log" > "$TMPD/m4d.out"
shown m4d "nosuch"
stop_proxy

# 5. TLS disabled at build time: a plain build (in a copy of the tree,
# so that this test's TLS binary stays) given a TLS config
P=$TMPD/plain; mkdir -p "$P"
(cd "$TOP" && tar --exclude=./build --exclude=./build-tls --exclude=./test/integ/tmp \
	--exclude=./.git --exclude='*.so' --exclude=./kamailio -cf - .) | tar -C "$P" -xf - ||
	fail "copy for the plain build"
(cd "$P" && env -u TLS timeout 300 make -j2 TLS= kamailio > "$TMPD/plain-build.log" 2>&1) ||
	{ tail -20 "$TMPD/plain-build.log"; fail "plain build"; }
"$P/kamailio" -V | grep -q "USE_TLS" && fail "the plain build has TLS"
"$P/kamailio" -c -f "$TMPD/m1.cfg" > "$TMPD/m5.out" 2>&1 && fail "m5: plain build accepted a TLS config"
has "$TMPD/m5.out" "m1.cfg:$(line m1 'listen=tls:'):" \
	"m1.cfg:$(line m1 'tls_certificate='):" \
	"m1.cfg:$(line m1 'tls_server_domain['):" \
	"TLS support is not compiled in; rebuild with \`TLS=1 make all\`"
shown m5 "not compiled in"

# 6. the port is already in use: something else holds the UDP port
start_bg holder python3 -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', $PROXY_PORT))
time.sleep(60)"
wait_udp "$PROXY_PORT" || fail "the holder did not bind"
cat > "$TMPD/m6.cfg" <<CFG
debug=2
log_stderror=yes
children=1
disable_tcp=yes
listen=udp:127.0.0.1:$PROXY_PORT
$ROUTE
CFG
check_ok m6   # a port in use is not a config error
timeout 20 "$KAMAILIO" -DD -E -f "$TMPD/m6.cfg" > "$TMPD/m6.out" 2>&1 && fail "m6: started on a port in use"
has "$TMPD/m6.out" "m6.cfg:$(line m6 'listen=udp'): listen=udp:127.0.0.1:$PROXY_PORT" \
	"cannot bind udp 127.0.0.1:$PROXY_PORT: Address already in use" \
	"another process already listens on this address and port" "stop it, or change the port"
shown m6 "cannot bind"
kill "$PID_holder" 2>/dev/null

# 7. the DB file is not writable: the URL names a directory (root can
# write any file, so a directory is what is made real here)
mkdir -p "$TMPD/dbdir"
cat > "$TMPD/m7.cfg" <<CFG
debug=2
log_stderror=yes
listen=udp:127.0.0.1:$PROXY_PORT
loadmodule "sl"
loadmodule "db_sqlite"
loadmodule "usrloc"
modparam("usrloc", "db_mode", 1)
modparam("usrloc", "db_url", "sqlite://$TMPD/dbdir")
route { exit; }
CFG
check_fails m7
has "$TMPD/m7.out" "m7.cfg:$(line m7 '"db_url"'):" \
	"'$TMPD/dbdir' is a directory: the URL must name the SQLite file, e.g. sqlite://$TMPD/dbdir/kamailio.db (modparam \"usrloc\", \"db_url\")"
shown m7 "is a directory"

# 8. module path wrong: mpath to a directory that does not exist, and a
# module that is nowhere
cat > "$TMPD/m8.cfg" <<CFG
debug=2
log_stderror=yes
listen=udp:127.0.0.1:$PROXY_PORT
mpath="$TMPD/no-such-dir/"
loadmodule "sl_typo"
route { exit; }
CFG
check_fails m8
has "$TMPD/m8.out" "m8.cfg:$(line m8 'loadmodule'):" \
	"mpath \"$TMPD/no-such-dir/\" is not a directory" \
	"module \"sl_typo\" not found; looked in mpath (\"$TMPD/no-such-dir/\")" \
	"the config's directory \"$TMPD\"" \
	"set mpath=\"/path/to/modules/\" before the loadmodule lines, or give loadmodule an absolute path"
shown m8 "not found"
printf 'listen=udp:127.0.0.1:%s\nloadmodule "%s/nowhere/sl.so"\nroute { exit; }\n' \
	"$PROXY_PORT" "$TMPD" > "$TMPD/m8b.cfg"
check_fails m8b
has "$TMPD/m8b.out" "m8b.cfg:2:" "module \"$TMPD/nowhere/sl.so\" not found: no such readable file" \
	'write loadmodule "sl.so" and set mpath'

# 9. the FIFO path is not writable: (a) its directory does not exist
# (found by -c); (b) a directory only root may write, proxy run as nobody
cat > "$TMPD/m9.cfg" <<CFG
debug=2
log_stderror=yes
children=1
disable_tcp=yes
listen=udp:127.0.0.1:$PROXY_PORT
fifo="$TMPD/no-such-dir/kamailio_fifo"
$ROUTE
CFG
check_fails m9
has "$TMPD/m9.out" "fifo=\"$TMPD/no-such-dir/kamailio_fifo\": its directory \"$TMPD/no-such-dir\": No such file or directory" \
	"create it (writable by the proxy's user) or set fifo to a path in an existing directory"
shown m9 "fifo="
mkdir -p "$TMPD/rootonly"; chmod 755 "$TMPD/rootonly"
sed "s|^fifo=.*|fifo=\"$TMPD/rootonly/kamailio_fifo\"|" "$TMPD/m9.cfg" > "$TMPD/m9b.cfg"
check_ok m9b
timeout 20 "$KAMAILIO" -DD -E -u nobody -f "$TMPD/m9b.cfg" > "$TMPD/m9b.out" 2>&1 &&
	fail "m9b: started without its FIFO"
has "$TMPD/m9b.out" "fifo=\"$TMPD/rootonly/kamailio_fifo\": cannot create it: Permission denied" \
	"the FIFO is made after dropping privileges (user=/-u): make its directory writable by that user"
shown m9b "cannot create"

# 10. the certificate has expired: loaded (as Kamailio does), with a
# warning naming the domain, the file and its notAfter
{ head_cfg; cat <<CFG
tls_server_domain[127.0.0.1:$PT] {
	tls_certificate = "$A/old/cert.pem"
	tls_private_key = "$A/old/privkey.pem"
}
$ROUTE
CFG
} > "$TMPD/m10.cfg"
check_ok m10
has "$TMPD/m10.out" "tls_server_domain[127.0.0.1:$PT]: tls_certificate \"$A/old/cert.pem\" has expired (notAfter Jan  2 00:00:00 2020 GMT)" \
	"renew it"
shown m10 "has expired"
# and the 1.x tls_method values (doc/migrating.md): TLSv1 is TLS 1.0
# only, with a warning; SSLv3 is refused naming the line
{ echo 'tls_method=TLSv1'; head_cfg; echo "$ROUTE"; } > "$TMPD/mt1.cfg"
check_ok mt1
has "$TMPD/mt1.out" "default server domain: tls_method TLSv1 allows only TLS 1.0" "use SSLv23 or TLSv1.2+"
{ echo 'tls_method=SSLv3'; head_cfg; echo "$ROUTE"; } > "$TMPD/mt2.cfg"
check_fails mt2
has "$TMPD/mt2.out" "mt2.cfg:1:12: tls_method: SSLv3 is insecure and has been removed from OpenSSL; use SSLv23 or TLSv1.2+"
echo "ok"
