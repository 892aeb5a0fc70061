# get_statistics for TLS: handshakes ok / failed by reason / refused,
# current connections per transport and days left on each certificate,
# checked against known events; and tls_reload while a connection stays
# open (the open one keeps working, new ones get the new certificate, a
# bad file changes nothing).  Certificates come from kamctl tls rootCA /
# userCERT.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
command -v mkfifo >/dev/null 2>&1 || skip "mkfifo not installed"
PROXY_PORT=$(free_port); PT=$(free_port); PTCP=$(free_port)
FIFO=$TMPD/fifo
KAMCTLRC=$TMPD/kamctlrc; export KAMCTLRC
printf 'FIFO_PATH=%s\nFIFO_TIMEOUT=5\n' "$FIFO" > "$KAMCTLRC"
kamctl() { timeout 20 sh "$TOP/scripts/kamctl" "$@" </dev/null; }
usercert() {   # usercert CADIR NAME DAYS
	KAMCTLRC=/dev/null timeout 60 sh "$TOP/scripts/kamctl" tls userCERT \
		--no-passphrase --days "$3" --san "IP:127.0.0.1" "$2" "$1" \
		> "$TMPD/uc.log" 2>&1 || { cat "$TMPD/uc.log"; fail "userCERT $2"; }
}
fpr() { openssl x509 -noout -fingerprint -sha256 -in "$1" | sed 's/.*=//'; }
served_fpr() {
	timeout 5 openssl s_client -connect "127.0.0.1:$PT" -noservername \
		</dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 |
		sed 's/.*=//'
}

C=$TMPD/ca; R=$TMPD/rogue
mk_ca "$C"; mk_ca "$R"
usercert "$C" srv 30
usercert "$C" srv2 10
usercert "$C" cli 365
usercert "$R" intruder 365
# the files, their modes and the chains
[ "$(stat -c %a "$C/srv/privkey.pem")" = 600 ] || fail "privkey.pem not 0600"
for n in srv srv2 cli; do
	openssl verify -CAfile "$C/cacert.pem" "$C/$n/cert.pem" > /dev/null ||
		fail "$n does not verify against the CA"
done
openssl verify -CAfile "$C/cacert.pem" "$R/intruder/cert.pem" > /dev/null 2>&1 &&
	fail "the rogue certificate verifies against our CA"
mkdir -p "$TMPD/live"
cp "$C/srv/cert.pem" "$C/srv/privkey.pem" "$TMPD/live/"
cat > "$TMPD/k.cfg" <<CFG
debug=3
log_stderror=yes
children=1
tcp_children=2
fifo="$FIFO"
listen=udp:127.0.0.1:$PROXY_PORT
listen=tcp:127.0.0.1:$PTCP
listen=tls:127.0.0.1:$PT
tls_certificate="$TMPD/live/cert.pem"
tls_private_key="$TMPD/live/privkey.pem"
tls_ca_list="$C/cacert.pem"
tls_verify_client=1
tls_require_client_certificate=0
tls_handshake_timeout=2
tls_max_handshakes=2
loadmodule "sl"
route {
	sl_send_reply("200", "OK");
}
CFG
start_proxy "$TMPD/k.cfg"
wait_tcp "$PT" || fail "no TLS listener"

# stat NAME: the value of one statistic (kamctl stats NAME)
stat() { kamctl stats "$1" | sed -n "s/^$(printf '%s' "$1" | sed 's/[][]/\\&/g') = //p"; }
# expect NAME VALUE: within 5 s
expect() {
	i=0
	while [ "$(stat "$1")" != "$2" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	got=$(stat "$1")
	[ "$got" = "$2" ] || { kamctl stats tls:; fail "$1 = '$got', expected $2"; }
}

# 3 handshakes with a client certificate from the same CA (verified)
for i in 1 2 3; do
	tls_options "$PT" "$C/cli/cert.pem" "$C/cli/privkey.pem" > /dev/null ||
		fail "no OPTIONS answer with a client certificate"
done
expect tls:handshake_ok 3
note "3 handshakes with a client certificate of the same CA: handshake_ok 3"

# a client certificate from another CA: verification fails
tls_options "$PT" "$R/intruder/cert.pem" "$R/intruder/privkey.pem" > /dev/null &&
	fail "a client certificate from another CA was accepted"
expect tls:handshake_failed_verify 1
# a TLS 1.0 client: protocol failure
timeout 5 openssl s_client -connect "127.0.0.1:$PT" -tls1 \
	-cipher 'DEFAULT:@SECLEVEL=0' </dev/null > /dev/null 2>&1
expect tls:handshake_failed_protocol 1
note "untrusted client certificate -> failed_verify 1; TLS 1.0 -> failed_protocol 1"

# 3 silent connections: at tls_max_handshakes=2 the third makes room by
# closing the oldest silent one at once (refused_limit), and
# tls_handshake_timeout=2 closes the other two
python3 - "$PT" <<'PY' || fail "stalled handshakes"
import socket, sys, time
port = int(sys.argv[1])
socks = []
for _ in range(3):
    socks.append(socket.create_connection(("127.0.0.1", port)))
    time.sleep(0.2)
t0 = time.time(); closed = []
for s in socks:
    s.settimeout(6)
    try:
        s.recv(10)
    except OSError:
        pass
    closed.append(round(time.time() - t0, 1))
print("silent connections closed after", closed)
sys.exit(0 if closed[0] < 1.0 and closed[1] >= 1.0 and closed[2] < 6 else 1)
PY
expect tls:handshake_refused_limit 1
expect tls:handshake_failed_timeout 2
expect tls:handshake_failed_other 0
note "stalled handshakes: refused_limit 1, failed_timeout 2"

# current connections: 2 TLS and 1 TCP held open
python3 - "$PT" "$PTCP" "$TMPD/held" <<'PY' &
import socket, ssl, sys, time
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
h = [ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))),
                     server_hostname=None) for _ in range(2)]
t = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
open(sys.argv[3], "w").write("up\n")
time.sleep(6)
PY
HOLD=$!; PIDS="$PIDS $HOLD"
i=0; while [ ! -s "$TMPD/held" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
expect tls:current_connections 2
expect tcp:current_connections 1
expect tls:handshake_ok 5
kill "$HOLD" 2>/dev/null; wait "$HOLD" 2>/dev/null
expect tls:current_connections 0
expect tcp:current_connections 0
note "current_connections: tls 2, tcp 1 while held; 0 after"

# days left: srv was issued for 30 days
days=$(stat "tls:cert_days_left[default server domain]")
case $days in 29 | 30) ;; *) fail "cert_days_left '$days', expected 29 or 30" ;; esac
note "cert_days_left[default server domain] = $days"

# JSON
kamctl fifo get_statistics json all > "$TMPD/all.json" || fail "get_statistics json all"
python3 -m json.tool "$TMPD/all.json" > /dev/null || { cat "$TMPD/all.json"; fail "JSON does not parse"; }
python3 - "$TMPD/all.json" <<'PY' || fail "JSON content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["tls:handshake_ok"] == 5, d
assert d["tls:handshake_failed_verify"] == 1
assert d["tls:handshake_failed_timeout"] == 2
assert d["tls:cert_days_left[default server domain]"] in (29, 30)
assert "tcp:current_connections" in d and "core:rcv_requests" in d
PY
kamctl fifo get_statistics json tls: | python3 -m json.tool > /dev/null || fail "tls: JSON"
kamctl stats tls: > "$TMPD/tls.txt" || fail "kamctl stats tls:"
grep -q '^tcp:' "$TMPD/tls.txt" && fail "tls: shows other groups"
kamctl stats tls:cert_days_left | grep -q '^tls:cert_days_left\[default server domain\] = ' ||
	fail "tls:cert_days_left"
note "JSON parses, groups select"

# tls_reload with a connection open
rm -f "$TMPD/s1" "$TMPD/s2" "$TMPD/go" "$TMPD/go2"
python3 - "$PT" "$TMPD" "$C/cli" <<'PY' > "$TMPD/holder.log" 2>&1 &
import os, socket, ssl, sys, time
port, d = int(sys.argv[1]), sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
ctx.load_cert_chain(sys.argv[3] + "/cert.pem", sys.argv[3] + "/privkey.pem")
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5),
                    server_hostname="reload.example.com")
lp = s.getsockname()[1]
def options(n):
    m = ("OPTIONS sip:ping@127.0.0.1 SIP/2.0\r\n"
         "Via: SIP/2.0/TLS 127.0.0.1:%d;branch=z9hG4bKrl%d\r\n"
         "From: <sip:t@127.0.0.1>;tag=r\r\nTo: <sip:ping@127.0.0.1>\r\n"
         "Call-ID: reload-%d\r\nCSeq: %d OPTIONS\r\nMax-Forwards: 70\r\n"
         "Content-Length: 0\r\n\r\n" % (lp, n, lp, n)).encode()
    s.sendall(m)
    b = b""
    while b"\r\n\r\n" not in b:
        x = s.recv(65535)
        if not x:
            break
        b += x
    return b.split(b"\r\n")[0].decode("latin-1")
def wait(f):
    for _ in range(200):
        if os.path.exists(f):
            return
        time.sleep(0.05)
    sys.exit("no " + f)
open(d + "/s1", "w").write("%d %s\n" % (lp, options(1)))
wait(d + "/go"); open(d + "/s2", "w").write(options(2) + "\n")
wait(d + "/go2"); open(d + "/s3", "w").write(options(3) + "\n")
PY
HOLDER=$!; PIDS="$PIDS $HOLDER"
i=0; while [ ! -s "$TMPD/s1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
read -r lport first < "$TMPD/s1" || fail "holder did not start"
[ "$first" = "SIP/2.0 200 OK" ] || fail "first OPTIONS on the held connection: '$first'"
kamctl tls list > "$TMPD/list" || fail "kamctl tls list"
cat "$TMPD/list"
grep -q "^[0-9][0-9]*: open 127.0.0.1:$PT <- 127.0.0.1:$lport, domain \"default server domain\", TLSv1\.[23], cipher [A-Z0-9_-]*, SNI \"reload.example.com\", peer \"[^\"]*CN *= *cli[^\"]*\" (verified), age [0-9]*s" "$TMPD/list" ||
	fail "kamctl tls list does not show the held connection"
kamctl fifo tls.list json | python3 -m json.tool > /dev/null || fail "tls.list json"
[ "$(served_fpr)" = "$(fpr "$C/srv/cert.pem")" ] || fail "not serving srv"
cp "$C/srv2/cert.pem" "$C/srv2/privkey.pem" "$TMPD/live/"
kamctl tls reload > "$TMPD/out" 2>&1 || { cat "$TMPD/out"; fail "kamctl tls reload"; }
touch "$TMPD/go"
i=0; while [ ! -s "$TMPD/s2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(cat "$TMPD/s2")" = "SIP/2.0 200 OK" ] ||
	{ cat "$TMPD/holder.log"; fail "the open connection stopped working after tls reload"; }
for i in 1 2 3; do   # every reader
	[ "$(served_fpr)" = "$(fpr "$C/srv2/cert.pem")" ] ||
		fail "a new connection after tls reload does not see srv2"
done
days=$(stat "tls:cert_days_left[default server domain]")
case $days in 9 | 10) ;; *) fail "after reload cert_days_left '$days', expected 9 or 10" ;; esac
note "tls reload: open connection answered again, new connections see srv2, cert_days_left $days"

# a bad certificate: reload fails with the error, nothing changes
printf 'garbage\n' > "$TMPD/live/cert.pem"
kamctl tls reload > "$TMPD/out" 2>&1 && { cat "$TMPD/out"; fail "a bad certificate was reloaded"; }
grep -q "tls_reload failed.*$TMPD/live/cert.pem" "$TMPD/out" ||
	{ cat "$TMPD/out"; fail "kamctl tls reload does not show the error"; }
[ "$(served_fpr)" = "$(fpr "$C/srv2/cert.pem")" ] || fail "a failed reload changed the certificate"
touch "$TMPD/go2"
wait "$HOLDER"
[ "$(cat "$TMPD/s3")" = "SIP/2.0 200 OK" ] || fail "the open connection failed after a refused reload"
days=$(stat "tls:cert_days_left[default server domain]")
case $days in 9 | 10) ;; *) fail "a refused reload changed cert_days_left to '$days'" ;; esac
note "bad certificate: kamctl tls reload exits 1 with the error; certificate and open connection unchanged"

options_ok udp "$PROXY_PORT" || fail "no UDP answer"
proxy_alive || fail "proxy died"
assert_clean_log "tls_reload"
note "ok"
