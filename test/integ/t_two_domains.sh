# The guide's scenario (section 1.3, Example 1.15) end to end: two
# proxies, domA.net on 127.0.0.1 and domB.net on 127.0.0.2, each running
# etc/examples/example_1_15.cfg with only the placeholders filled as
# etc/examples/README.md says, plus a tls_server_domain block for its own
# TLS socket and a tls_client_domain block for the peer (Example 1.14's
# shape).  Each domain has its own CA, made with kamctl tls rootCA; each
# proxy's certificate (kamctl tls userCERT) names its domain, and each
# calist.pem holds both CAs.  A dnsmasq on 127.0.0.1:53 serves NAPTR, SRV
# and A records for both domains; the proxies find it through
# /etc/resolv.conf, bind-mounted in a network and mount namespace of the
# test's own (unshare -n -m), where the guide's ports 5060/5061 are free.
# baresip phones register with digest (www_challenge) and call with
# proxy_challenge; the calls between the domains cross the TLS link and
# the callee's phone gets the guide's three Alert-Info headers: bob@domB
# -> alice@domA (domB's route(1): t_relay() by NAPTR -> SIPS+D2T), alice
# -> bob@domB.net (t_relay_to_tls), alice -> 201bob@domA.net (prefix,
# strip(3), sethost, t_relay_to_tls).  A third domain (domC.net, its own
# CA that nobody trusts) is refused at the TLS handshake; its phone that
# calls over UDP rings without Alert-Info, and a forged Alert-Info is
# removed.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
. "$TOP/test/integ/lib_examples.sh"
EX=$TOP/etc/examples/example_1_15.cfg
if [ -z "${TWODOM_IN_NS:-}" ]; then
	for c in baresip dnsmasq sqlite3 unshare ip; do
		command -v $c >/dev/null 2>&1 || skip "$c not installed"
	done
	for m in sl tm rr maxfwd usrloc registrar textops auth auth_db uri_db db_sqlite; do
		[ -f "$TOP/modules/$m/$m.so" ] || skip "modules/$m/$m.so not built"
	done
	unshare -n -m true 2>/dev/null || skip "cannot make a network+mount namespace (unshare -n -m)"
	# one CA per domain; each proxy's certificate names its domain
	for d in domA domB domC; do
		mk_ca "$TMPD/ca-$d"
	done
	mk_cert "$TMPD/ca-domA" domA.net "IP:127.0.0.1"
	mk_cert "$TMPD/ca-domB" domB.net "IP:127.0.0.2"
	mk_cert "$TMPD/ca-domC" domC.net "IP:127.0.0.3"
	for d in domA:127.0.0.1:domB domB:127.0.0.2:domA; do
		IFS=: read -r dom ip peer <<EOF
$d
EOF
		R=$TMPD/$dom
		mkdir -p "$R/path" "$R/tmp"
		cp "$TMPD/ca-$dom/$dom.net/cert.pem" "$R/path/kamailioX_cert.pem"
		cp "$TMPD/ca-$dom/$dom.net/privkey.pem" "$R/path/privkey.pem"
		# guide 1.5.3: append the peer's CA to the CA list
		cat "$TMPD/ca-$dom/$dom.net/calist.pem" "$TMPD/ca-$peer/cacert.pem" \
			> "$R/path/calist.pem"
		KAMCTLRC=$R/kamctlrc; export KAMCTLRC
		printf 'DBENGINE=SQLITE\nDB_PATH=%s\nSIP_DOMAIN=%s.net\n' \
			"$R/kamailio.db" "$dom" > "$KAMCTLRC"
		timeout 60 sh "$TOP/scripts/kamdbctl" create > "$TMPD/kamdbctl-$dom.log" 2>&1 ||
			{ cat "$TMPD/kamdbctl-$dom.log"; fail "kamdbctl create ($dom)"; }
		fill_example "$EX" "$TMPD/$dom.cfg" "$R" "$ip" "$dom.net" "$R/kamailio.db"
		peer_ip=127.0.0.1; [ "$dom" = domA ] && peer_ip=127.0.0.2
		# Example 1.14's blocks: our own TLS socket, the peer's socket
		cat >> "$TMPD/$dom.cfg" <<CFG

# ---- added (Example 1.14's blocks): our TLS socket, the peer domain
tls_server_domain[$ip:5061] {
    tls_certificate   = "$R/path/kamailioX_cert.pem"
    tls_private_key   = "$R/path/privkey.pem"
    tls_ca_list       = "$R/path/calist.pem"
    tls_verify_client = 1
    tls_require_client_certificate = 1
}
tls_client_domain[$peer_ip:5061] {
    tls_certificate   = "$R/path/kamailioX_cert.pem"
    tls_private_key   = "$R/path/privkey.pem"
    tls_ca_list       = "$R/path/calist.pem"
    tls_verify_server = 1
}
CFG
		grep -n "_your_serv_IP_\|_DNS_ALIAS_\|sql_url" "$TMPD/$dom.cfg" &&
			fail "$dom: a placeholder is left"
		grep -n '=[[:space:]]*"/' "$TMPD/$dom.cfg" | grep -v "\"$R/" &&
			fail "$dom: a guide path is left"
		"$KAMAILIO" -c -f "$TMPD/$dom.cfg" > "$TMPD/check-$dom.log" 2>&1 ||
			{ cat "$TMPD/check-$dom.log"; fail "$dom: kamailio -c failed"; }
	done
	grep -q 'www_challenge( "domB.net"' "$TMPD/domB.cfg" || fail "domB's realm not filled"
	KAMCTLRC=$TMPD/domA/kamctlrc timeout 30 sh "$TOP/scripts/kamctl" add alice alice-pw \
		</dev/null > /dev/null || fail "kamctl add alice"
	KAMCTLRC=$TMPD/domB/kamctlrc timeout 30 sh "$TOP/scripts/kamctl" add bob bob-pw \
		</dev/null > /dev/null || fail "kamctl add bob"
	note "domA.net and domB.net configs filled and checked; alice@domA.net, bob@domB.net added"
	TWODOM_IN_NS=1 exec unshare -n -m sh "$0"
fi

# ---- in the namespace: only lo, brought up here ----
ip link set lo up || fail "ip link set lo up"
printf 'nameserver 127.0.0.1\n' > "$TMPD/resolv.conf"
mount --bind "$TMPD/resolv.conf" /etc/resolv.conf || fail "bind-mount resolv.conf"

# listening PROTO IP PORT: until something listens there (bounded, 10 s)
listening() {
	i=0
	while [ $i -lt 100 ]; do
		ss -Hl"$(echo "$1" | cut -c1)"n "src $2:$3" 2>/dev/null | grep -q . && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

start_bg dns dnsmasq --no-daemon --keep-in-foreground --conf-file=/dev/null \
	--no-resolv --no-hosts --listen-address=127.0.0.1 --port=53 \
	--bind-interfaces --pid-file --user=nobody --local=/net/ \
	--naptr-record=domA.net,10,10,S,SIPS+D2T,,_sips._tcp.domA.net \
	--naptr-record=domA.net,20,10,S,SIP+D2U,,_sip._udp.domA.net \
	--srv-host=_sips._tcp.domA.net,sip.domA.net,5061,0,10 \
	--srv-host=_sip._udp.domA.net,sip.domA.net,5060,0,10 \
	--host-record=domA.net,127.0.0.1 --host-record=sip.domA.net,127.0.0.1 \
	--naptr-record=domB.net,10,10,S,SIPS+D2T,,_sips._tcp.domB.net \
	--naptr-record=domB.net,20,10,S,SIP+D2U,,_sip._udp.domB.net \
	--srv-host=_sips._tcp.domB.net,sip.domB.net,5061,0,10 \
	--srv-host=_sip._udp.domB.net,sip.domB.net,5060,0,10 \
	--host-record=domB.net,127.0.0.2 --host-record=sip.domB.net,127.0.0.2
listening udp 127.0.0.1 53 || { cat "$TMPD/dns.log"; fail "dnsmasq did not start"; }

# the two proxies, as an operator starts them (-DD -E: foreground, stderr)
for d in domA:127.0.0.1 domB:127.0.0.2; do
	dom=${d%%:*} ip=${d#*:}
	start_bg "$dom" sh -c 'cd "$1" && shift && exec "$@"' sh "$TMPD" \
		"$KAMAILIO" -DD -E -f "$TMPD/$dom.cfg"
	listening udp "$ip" 5060 && listening tcp "$ip" 5061 ||
		{ cat "$TMPD/$dom.log"; fail "$dom did not start"; }
done
PROXY_PID=$PID_domA

# phone NAME DOMAIN IP [REGINT]: a baresip for NAME@DOMAIN on IP (not a
# proxy address: the guide challenges INVITEs from other addresses only),
# outbound over UDP to its domain's proxy; SIP trace (-s) in its log;
# its ctrl_tcp port in $CTL_<NAME>
phone() {
	d=$TMPD/bs-$1; mkdir -p "$d"
	sp=$(free_port); cp=$(free_port); rp=$(($(free_port) & ~1))
	case $2 in
	domA.net | domC.net) px=127.0.0.1 ;;
	*) px=127.0.0.2 ;;
	esac
	cat > "$d/config" <<EOF
poll_method		epoll
sip_listen		$3:$sp
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
	echo "<sip:$1@$2>;auth_pass=$1-pw;regint=${4:-600};outbound=\"sip:$px:5060;transport=udp\"" > "$d/accounts"
	start_bg "bs_$1" baresip -s -f "$d" -n "$3" -t 120
	eval "CTL_$1=$cp"
}

# registered NAME DOMAIN: until baresip says its REGISTER got a 200 (20 s)
registered() {
	i=0
	while ! grep -q "$1@$2: .* 200 OK" "$TMPD/bs_$1.log" 2>/dev/null; do
		[ $i -lt 200 ] || { cat "$TMPD/bs_$1.log"; fail "baresip $1@$2 did not register"; }
		sleep 0.1; i=$((i + 1))
	done
	grep "$1@$2: .* 200 OK" "$TMPD/bs_$1.log" | head -n 1
}

phone alice domA.net 127.0.0.11
phone bob domB.net 127.0.0.12
phone carol domC.net 127.0.0.13 0
registered alice domA.net
registered bob domB.net
grep -q "401 Unauthorized" "$TMPD/bs_alice.log" || fail "alice's REGISTER was not challenged"
note "alice@domA.net and bob@domB.net registered with digest"

# call NAME CALLER CALLEE URI [answer|callee-bye|reject]: one baresip call; the
# callee's SIP trace of that call (from the INVITE on) in $TMPD/NAME.trace
call() {
	before=$(wc -c < "$TMPD/bs_$3.log")
	timeout 60 python3 "$TOP/test/integ/bs_call.py" "$(eval echo \$CTL_$2)" \
		"$(eval echo \$CTL_$3)" "$4" ${5:-} > "$TMPD/$1.out" 2>&1 ||
		{ cat "$TMPD/$1.out"; tail -n 60 "$TMPD/bs_$2.log"; fail "call $1: $2 -> $4"; }
	tail -c +$((before + 1)) "$TMPD/bs_$3.log" > "$TMPD/$1.trace"
	note "call $1: $2 -> $4: $(tr '\n' ' ' < "$TMPD/$1.out")"
}
# alert_info TRACE: the Alert-Info lines of the first INVITE in TRACE
alert_info() {
	awk '/^INVITE sip:/ { on = 1 } on && /^[[:space:]]*$/ { exit }
		on && tolower($0) ~ /^alert-info:/ { print }' "$1" | tr -d '\r'
}
trusted_rings() { # trusted_rings NAME: the guide's three headers
	a=$(alert_info "$TMPD/$1.trace")
	[ "$(echo "$a" | grep -c .)" = 3 ] && echo "$a" | grep -q "^Alert-info: 1$" &&
	echo "$a" | grep -q "^Alert-info: Bellcore-dr4$" &&
	echo "$a" | grep -q "^Alert-info: http://foo.bar/x.wav$" ||
		{ echo "$a"; sed -n '/^INVITE sip:/,/^\r\{0,1\}$/p' "$TMPD/$1.trace" | head -40
		  fail "call $1: the callee's INVITE lacks the guide's Alert-Info headers"; }
}

# 1. bob@domB.net -> alice@domA.net: domB's route(1), t_relay() by
# NAPTR (SIPS+D2T) -> SRV -> A, over TLS to domA; alice hangs up (her
# BYE follows the route set back over TLS)
call b2a bob alice "sip:alice@domA.net" callee-bye
trusted_rings b2a
grep -q "SIP/2.0 407" "$TMPD/bs_bob.log" || fail "bob's INVITE was not challenged (proxy_challenge)"
grep -q "^Via: SIP/2.0/TLS 127.0.0.2" "$TMPD/b2a.trace" ||
	{ cat "$TMPD/b2a.trace"; fail "call b2a did not cross domB -> domA over TLS"; }
# rr's double Record-Route: domA names its TLS socket (towards domB) and
# its UDP one (towards alice), so alice's BYE goes back over UDP
sed -n '/^INVITE sip:alice/,/^\r\{0,1\}$/p' "$TMPD/b2a.trace" | grep "^Record-Route:" > "$TMPD/b2a.rr"
[ "$(sed -n 1p "$TMPD/b2a.rr" | cut -d';' -f1)" = "Record-Route: <sip:127.0.0.1:5060" ] &&
[ "$(sed -n 2p "$TMPD/b2a.rr" | cut -d';' -f1,2)" = "Record-Route: <sip:127.0.0.1:5061;transport=tls" ] ||
	{ cat "$TMPD/b2a.rr"; fail "call b2a: no double Record-Route at domA (UDP on top, TLS below)"; }
grep -A4 "^BYE sip:bob" "$TMPD/bs_alice.log" | grep -q "^Via: SIP/2.0/UDP 127.0.0.11" ||
	fail "alice's BYE did not leave over UDP"
# the ACK of domB's 407 ends at domB (hop by hop), it is not relayed
tag=$(grep -A12 "^SIP/2.0 407" "$TMPD/bs_bob.log" | tr -d '\r' |
	sed -n 's/^To: .*;tag=\([^;>]*\).*/\1/p' | head -n 1)
[ -n "$tag" ] || fail "no To tag in domB's 407"
grep -q "tag=$tag" "$TMPD/bs_alice.log" && fail "the ACK of domB's 407 was relayed to alice"
note "bob@domB -> alice@domA: challenged, crossed TLS, rang with the 3 Alert-Info headers; alice hung up"

# 2. alice -> bob@domB.net: domA's t_relay_to_tls("domB.net","5061")
call a2b alice bob "sip:bob@domB.net"
trusted_rings a2b
grep -q "^Via: SIP/2.0/TLS 127.0.0.1" "$TMPD/a2b.trace" || fail "call a2b did not cross over TLS"
grep -q "^P-hint: OUTBOUND" "$TMPD/a2b.trace" || fail "call a2b: no P-hint: OUTBOUND"
note "alice@domA -> bob@domB: t_relay_to_tls, rang with the 3 Alert-Info headers"

# 3. the prefix route: 201 + strip(3) + sethost("domB.net") + t_relay_to_tls
call p201 alice bob "sip:201bob@domA.net"
trusted_rings p201
grep -q "^Via: SIP/2.0/TLS 127.0.0.1" "$TMPD/p201.trace" || fail "call p201 did not cross over TLS"
grep -qi "^To: <sip:201bob@domA.net>" "$TMPD/p201.trace" || fail "call p201: To changed"
note "alice -> 201bob@domA.net: stripped to bob@domB.net, over TLS, Alert-Info"

# 4. a third domain over UDP: carol@domC.net's phone calls alice directly
# (not through a trusted domain): rings without the guide's headers
call c2a carol alice "sip:alice@domA.net"
a=$(alert_info "$TMPD/c2a.trace")
[ -z "$a" ] || { echo "$a"; fail "call c2a (domC over UDP) rang with Alert-Info"; }
note "carol@domC.net -> alice over UDP: rang without Alert-Info"

# 5. the same over UDP with a forged Alert-Info: removed (remove_hf)
cat > "$TMPD/forged.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.13", 0)); s.settimeout(1)
lp = s.getsockname()[1]
hdr = ("Via: SIP/2.0/UDP 127.0.0.13:%d;branch=z9hG4bKforged1\r\n"
       "From: <sip:eve@domC.net>;tag=f1\r\nTo: <sip:alice@domA.net>\r\n"
       "Call-ID: forged-1\r\n" % lp)
inv = ("INVITE sip:alice@domA.net SIP/2.0\r\n" + hdr + "CSeq: 1 INVITE\r\n"
       "Contact: <sip:eve@127.0.0.13:%d>\r\nMax-Forwards: 70\r\n"
       "Alert-Info: <http://evil/ring.wav>\r\nContent-Length: 0\r\n\r\n" % lp)
s.sendto(inv.encode(), ("127.0.0.1", 5060))
end = time.time() + 15; ringing = False
while time.time() < end:
    try:
        r = s.recv(65535).decode("latin-1")
    except socket.timeout:
        continue
    code = r.split(" ", 2)[1]
    print("got", r.split("\r\n")[0], flush=True)
    if code == "180":
        ringing = True
        s.sendto(("CANCEL sip:alice@domA.net SIP/2.0\r\n" + hdr + "CSeq: 1 CANCEL\r\n"
                  "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n").encode(), ("127.0.0.1", 5060))
    if r.startswith("SIP/2.0 4") and "INVITE" in r.split("CSeq:")[1].split("\r\n")[0]:
        to = [l for l in r.split("\r\n") if l.lower().startswith("to:")][0]
        s.sendto(("ACK sip:alice@domA.net SIP/2.0\r\n" + hdr.replace("To: <sip:alice@domA.net>\r\n", to + "\r\n") +
                  "CSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n").encode(), ("127.0.0.1", 5060))
        sys.exit(0 if ringing else 1)
sys.exit(1)
PY
before=$(wc -c < "$TMPD/bs_alice.log")
timeout 30 python3 "$TMPD/forged.py" > "$TMPD/forged.out" 2>&1 ||
	{ cat "$TMPD/forged.out"; fail "forged Alert-Info INVITE over UDP: no 180 / final answer"; }
tail -c +$((before + 1)) "$TMPD/bs_alice.log" > "$TMPD/forged.trace"
grep -q "^INVITE sip:alice[^@]*@127.0.0.11:" "$TMPD/forged.trace" || fail "the forged INVITE did not reach alice"
a=$(alert_info "$TMPD/forged.trace")
[ -z "$a" ] || { echo "$a"; fail "untrusted INVITE with a forged Alert-Info kept one"; }
note "INVITE over UDP with a forged Alert-Info: rang (180), header removed, cancelled"

# 6. domC's certificate (a CA domA does not trust) is refused at the TLS
# handshake: its calls cannot cross as trusted
python3 - "$TMPD/ca-domC/domC.net" > "$TMPD/untrusted.out" 2>&1 <<'PY' && { cat "$TMPD/untrusted.out"; fail "domA accepted domC's untrusted certificate"; }
import socket, ssl, sys
d = sys.argv[1]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
ctx.load_cert_chain(d + "/cert.pem", d + "/privkey.pem")
raw = socket.socket(); raw.bind(("127.0.0.3", 0)); raw.settimeout(5)
raw.connect(("127.0.0.1", 5061))
try:
    s = ctx.wrap_socket(raw, server_hostname="domA.net")
    s.sendall(b"OPTIONS sip:domA.net SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.3;branch=z9hG4bKu1\r\n"
              b"From: <sip:c@domC.net>;tag=1\r\nTo: <sip:domA.net>\r\nCall-ID: u1\r\n"
              b"CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
    d = s.recv(65535)
    if not d:
        raise ssl.SSLError("closed")
    print("answered:", d[:40]); sys.exit(0)
except (OSError, ssl.SSLError) as e:
    print("refused:", e); sys.exit(1)
PY
note "domC's certificate refused by domA: $(cat "$TMPD/untrusted.out")"

for p in $PID_domA $PID_domB; do kill -0 "$p" 2>/dev/null || fail "a proxy died"; done
for dom in domA domB; do
	bad=$(grep -E 'ERROR|CRITICAL|ALERT|runtime error' "$TMPD/$dom.log" |
		grep -vE 'certificate verify failed|unknown ca|verif' || true)
	[ -z "$bad" ] || { echo "$bad" | head -20; fail "errors in $dom's log"; }
done
note "ok"
