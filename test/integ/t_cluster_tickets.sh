# TLS session tickets across a cluster of three proxies on 127.0.0.1,
# 127.0.0.2 and 127.0.0.3 that share one tls_ticket_key_file (nginx's
# 80-byte format), driven by `openssl s_client -sess_out` / `-sess_in`,
# for TLS 1.2 (RFC 5077 tickets) and TLS 1.3 (PSK tickets):
#  - a ticket issued by proxy 1 resumes on proxy 3 (and on proxy 2);
#  - rotation: the file becomes "new key, old key", `kamctl tls reload` on
#    every proxy; proxy 1's old ticket still resumes on proxy 3, and a
#    ticket issued by proxy 2 after the rotation resumes on proxy 1;
#  - the old key removed from the file and reloaded: the old ticket gets a
#    full handshake (the connection still works), while the ticket of the
#    new key still resumes, so the new key is the one that encrypted it;
#  - a key file of the wrong size: `tls reload` fails naming it, and the
#    proxy keeps its keys (the new key's ticket still resumes).
# t_tls_tickets.sh covers the same on two proxies of one address with
# python's ssl client, and the bad key file at start-up.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tls.sh"
C=$TMPD/ca
mk_ca "$C"
mk_cert "$C" srv "DNS:localhost,IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3"
openssl rand 80 > "$TMPD/key_old"
openssl rand 80 > "$TMPD/key_new"
cp "$TMPD/key_old" "$TMPD/tickets"

# cfg N UDP TLS: proxy N on 127.0.0.N
cfg() {
	cat > "$TMPD/p$1.cfg" <<CFG
debug=2
log_stderror=yes
children=1
tcp_children=2
fifo="$TMPD/p$1.fifo"
listen=udp:127.0.0.$1:$2
listen=tls:127.0.0.$1:$3
tls_certificate="$C/srv/cert.pem"
tls_private_key="$C/srv/privkey.pem"
tls_verify_client=0
tls_require_client_certificate=0
tls_ticket_key_file="$TMPD/tickets"
loadmodule "sl"
route {
	sl_send_reply("200", "OK");
}
CFG
}

# wait_listen ADDR PORT: until something listens there on TCP (30 s)
wait_listen() {
	i=0
	while [ $i -lt 300 ]; do
		ss -Hltn "src $1 and sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

for n in 1 2 3; do
	eval "U$n=\$(free_port); T$n=\$(free_port)"
	eval "cfg $n \$U$n \$T$n"
	"$KAMAILIO" -c -f "$TMPD/p$n.cfg" > "$TMPD/check$n.log" 2>&1 ||
		{ cat "$TMPD/check$n.log"; fail "config check of proxy $n"; }
	start_bg "p$n" "$KAMAILIO" -DD -E -f "$TMPD/p$n.cfg"
done
for n in 1 2 3; do
	eval "wait_listen 127.0.0.$n \$T$n" ||
		{ cat "$TMPD/p$n.log"; fail "proxy $n did not start"; }
done

# reload_all: `kamctl tls reload` on the three proxies
reload_all() {
	for n in 1 2 3; do
		FIFO_PATH=$TMPD/p$n.fifo KAMCTLRC=/dev/null timeout 30 \
		    sh "$TOP/scripts/kamctl" tls reload </dev/null \
		    > "$TMPD/reload$n.out" 2>&1 ||
			{ cat "$TMPD/reload$n.out"; fail "tls reload on proxy $n"; }
	done
}

# sclient N VER SESS_OUT [SESS_IN]: one OPTIONS to proxy N through
# openssl s_client -tls1_2 / -tls1_3 (VER 2 or 3), the session saved
# to SESS_OUT; prints "Reused" or "New" (what s_client says of the
# handshake) and fails unless the OPTIONS got its 200
sclient() {
	eval "port=\$T$1"
	python3 - "127.0.0.$1" "$port" "$2" "$3" "${4:-}" <<'PY'
import subprocess, sys, time
addr, port, ver, out, sin = sys.argv[1:6]
cmd = ["openssl", "s_client", "-connect", "%s:%s" % (addr, port),
       "-tls1_%s" % ver, "-noservername", "-sess_out", out]
if sin:
    cmd += ["-sess_in", sin]
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT)
msg = ("OPTIONS sip:ping@%s SIP/2.0\r\n"
       "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKtk%d\r\n"
       "From: <sip:t@127.0.0.1>;tag=tk\r\nTo: <sip:ping@%s>\r\n"
       "Call-ID: tk-%d@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
       "Content-Length: 0\r\n\r\n" % (addr, time.time_ns(), addr,
                                      time.time_ns()))
# the OPTIONS goes out once the handshake is done (s_client reads stdin
# only then); its 200 comes after the TLS 1.3 tickets, so by the time
# it is seen the ticket is in -sess_out
p.stdin.write(msg.encode()); p.stdin.flush()
import selectors
sel = selectors.DefaultSelector()
sel.register(p.stdout, selectors.EVENT_READ)
data, end = b"", time.time() + 20
while b"SIP/2.0 200" not in data and time.time() < end:
    if sel.select(timeout=max(0.1, end - time.time())):
        chunk = p.stdout.read1(65536)
        if not chunk:
            break
        data += chunk
p.stdin.close()               # EOF: s_client closes and exits
try:
    p.wait(timeout=20)
except subprocess.TimeoutExpired:
    p.kill(); p.wait()
data += p.stdout.read()
text = data.decode("latin-1")
if "SIP/2.0 200" not in text:
    print(text); print("no 200 for the OPTIONS"); sys.exit(1)
if "\nReused, " in text:
    print("Reused")
elif "\nNew, " in text:
    print("New")
else:
    print(text); sys.exit(1)
PY
}

bad=0
# expect WHAT WANT N VER SESS_OUT [SESS_IN]
expect() {
	what=$1 want=$2; shift 2
	got=$(sclient "$@") || { echo "$got"; fail "$what: the connection failed"; }
	printf '%-64s %s\n' "$what" "$got"
	[ "$got" = "$want" ] || { echo "  (wanted $want)"; bad=1; }
}

for v in 2 3; do
	S=$TMPD/s$v
	expect "TLS 1.$v: a full handshake on proxy 1" New 1 $v "$S.p1"
	expect "TLS 1.$v: proxy 1's ticket on proxy 3" Reused 3 $v "$S.x" "$S.p1"
	expect "TLS 1.$v: proxy 1's ticket on proxy 2" Reused 2 $v "$S.x" "$S.p1"
done

note "rotation: the new key first, the old one kept"
cat "$TMPD/key_new" "$TMPD/key_old" > "$TMPD/tickets"
reload_all
for v in 2 3; do
	S=$TMPD/s$v
	expect "TLS 1.$v: proxy 1's old ticket on proxy 3" Reused 3 $v "$S.x" "$S.p1"
	expect "TLS 1.$v: a full handshake on proxy 2 (new key)" New 2 $v "$S.p2"
	expect "TLS 1.$v: proxy 2's new ticket on proxy 1" Reused 1 $v "$S.x" "$S.p2"
done

note "the old key removed"
cp "$TMPD/key_new" "$TMPD/tickets"
reload_all
for v in 2 3; do
	S=$TMPD/s$v
	expect "TLS 1.$v: proxy 1's old ticket on proxy 3" New 3 $v "$S.x" "$S.p1"
	expect "TLS 1.$v: proxy 1's old ticket on proxy 1" New 1 $v "$S.x" "$S.p1"
	expect "TLS 1.$v: the new key's ticket on proxy 3" Reused 3 $v "$S.x" "$S.p2"
done

note "a broken key file: tls reload refuses it, the keys stay"
head -c 50 "$TMPD/key_new" > "$TMPD/tickets"
FIFO_PATH=$TMPD/p1.fifo KAMCTLRC=/dev/null timeout 30 \
    sh "$TOP/scripts/kamctl" tls reload </dev/null > "$TMPD/reload_bad.out" 2>&1 &&
	{ cat "$TMPD/reload_bad.out"; fail "tls reload took a 50-byte key file"; }
grep -q "tls_ticket_key_file \"$TMPD/tickets\": 50 bytes" "$TMPD/reload_bad.out" ||
	{ cat "$TMPD/reload_bad.out"; fail "tls reload does not name the bad key file"; }
for v in 2 3; do
	expect "TLS 1.$v: the new key's ticket on proxy 1" Reused 1 $v "$TMPD/s$v.x" "$TMPD/s$v.p2"
done
[ $bad = 0 ] || fail "a ticket did not do what it should"
for n in 1 2 3; do
	bad_lines=$(grep -E 'ERROR|CRITICAL|ALERT' "$TMPD/p$n.log" |
	    grep -v 'tls_reload refused, the running set is kept: tls_ticket_key_file' || true)
	[ -z "$bad_lines" ] || { echo "$bad_lines" | head; fail "errors in proxy $n's log"; }
done
note "tickets resume across the three proxies, and rotation works"
