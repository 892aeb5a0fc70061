# The FIFO control server against scripts/kamctl: ps, uptime, version,
# statistics after a few OPTIONS, debug in every process, an unknown
# command, JSON output; then junk written straight into the FIFO, after
# which both the FIFO and SIP still work; the FIFO is gone after SIGTERM.
. "$TOP/test/integ/lib.sh"
command -v mkfifo >/dev/null 2>&1 || skip "mkfifo not installed"
command -v timeout >/dev/null 2>&1 || skip "timeout not installed"

PROXY_PORT=$(free_port)
FIFO=$TMPD/fifo
K=$TOP/scripts/kamctl
KAMCTLRC=$TMPD/kamctlrc; export KAMCTLRC
printf 'FIFO_PATH=%s\nFIFO_TIMEOUT=5\n' "$FIFO" >"$KAMCTLRC"
cat > "$TMPD/k.cfg" <<CFG
debug=3
fork=yes
log_stderror=yes
children=2
listen=udp:127.0.0.1:$PROXY_PORT
fifo="$FIFO"
loadmodule "sl"
route {
	if (method=="OPTIONS") {
		sl_send_reply("200", "Alive");
		exit;
	};
	sl_send_reply("404", "Not Here");
}
CFG

# kam ARGS: kamctl with stdout in $TMPD/out, stderr in $TMPD/err.
kam() {
	echo "+ kamctl $*"
	timeout 20 sh "$K" "$@" </dev/null >"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	sed 's/^/  out| /' "$TMPD/out"
	sed 's/^/  err| /' "$TMPD/err"
	return $rc
}

# options N: send N OPTIONS over UDP, print how many got a 200.
options() {
	python3 - "$PROXY_PORT" "$1" <<'PY'
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.bind(("127.0.0.1", 0))
lp = s.getsockname()[1]
ok = 0
for i in range(n):
    m = ("OPTIONS sip:127.0.0.1:%d SIP/2.0\r\n"
         "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKfifo%d\r\n"
         "Max-Forwards: 70\r\nFrom: <sip:t@test>;tag=%d\r\n"
         "To: <sip:127.0.0.1>\r\nCall-ID: fifo%d@test\r\n"
         "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
         % (port, lp, i, i, i))
    s.sendto(m.encode(), ("127.0.0.1", port))
    try:
        if s.recv(65535).startswith(b"SIP/2.0 200 Alive"):
            ok += 1
    except socket.timeout:
        pass
print(ok)
PY
}

# statv NAME: the value of NAME in $TMPD/out ("NAME = V" lines)
statv() {
	sed -n "s/^$1 = //p" "$TMPD/out"
}

# A non-FIFO file at the FIFO path: refuse to start, say why.
echo "not a fifo" >"$FIFO"
"$KAMAILIO" -DD -E -f "$TMPD/k.cfg" >"$TMPD/refuse.log" 2>&1 &
rpid=$!
i=0
while kill -0 $rpid 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 $rpid 2>/dev/null && { kill $rpid; fail "started over a regular file"; }
grep -q "exists and is not a FIFO" "$TMPD/refuse.log" ||
    { cat "$TMPD/refuse.log"; fail "no clear error for a non-FIFO file"; }
[ "$(cat "$FIFO")" = "not a fifo" ] || fail "the regular file was touched"
rm -f "$FIFO"
note "a regular file at the FIFO path is refused"

# A stale FIFO (nobody reads it) is replaced.
mkfifo -m 644 "$FIFO"
start_proxy "$TMPD/k.cfg"
i=0
while [ $i -lt 50 ] && ! grep -q "serving control requests" "$TMPD/proxy.log"; do
	sleep 0.1; i=$((i + 1))
done
[ -p "$FIFO" ] || fail "no FIFO at $FIFO"
[ "$(stat -c %a "$FIFO")" = 600 ] || fail "FIFO mode $(stat -c %a "$FIFO"), want 600"
[ "$(stat -c %u "$FIFO")" = "$(id -u)" ] || fail "FIFO not owned by the proxy's user"

kam ps || fail "ps"
grep -q "receiver udp:127.0.0.1:$PROXY_PORT" "$TMPD/out" || fail "ps: no receivers"
[ "$(grep -c "Type=receiver udp" "$TMPD/out")" -eq 2 ] || fail "ps: want 2 receivers"
grep -q "Type=timer" "$TMPD/out" || fail "ps: no timer"
grep -q "Type=fifo server" "$TMPD/out" || fail "ps: no fifo server"
grep -q "^Process:: ID=0 PID=$PROXY_PID Type=attendant$" "$TMPD/out" ||
    fail "ps: process 0 is not the attendant $PROXY_PID"

kam uptime || fail "uptime"
grep -q '^Up time:: [0-9]* \[sec\]$' "$TMPD/out" || fail "uptime: no 'Up time::'"
grep -q '^Now:: ' "$TMPD/out" || fail "uptime: no 'Now::'"
grep -q '^Up since:: ' "$TMPD/out" || fail "uptime: no 'Up since::'"

kam version || fail "version"
grep -q '^Server:: kamailio ' "$TMPD/out" || fail "version: no server line"
grep -q '^OpenSSL:: OpenSSL ' "$TMPD/out" || fail "version: no OpenSSL"
grep -q '^TLS:: ' "$TMPD/out" || fail "version: no TLS line"
note "ps, uptime, version"

n=$(options 5)
[ "$n" = 5 ] || fail "only $n of 5 OPTIONS answered"
kam stats || fail "stats"
[ "$(statv core:rcv_requests)" = 5 ] || fail "core:rcv_requests != 5"
[ "$(statv udp:rcv_requests)" = 5 ] || fail "udp:rcv_requests != 5"
[ "$(statv core:local_replies)" = 5 ] || fail "core:local_replies != 5"
[ "$(statv core:rcv_replies)" = 0 ] || fail "core:rcv_replies != 0"
[ "$(statv tls:rcv_requests)" = 0 ] || fail "tls:rcv_requests != 0"
[ "$(statv shmem:used_size)" -gt 0 ] || fail "shmem:used_size"
kam stats core:rcv_requests || fail "stats core:rcv_requests"
[ "$(wc -l <"$TMPD/out")" -eq 1 ] || fail "one statistic asked, several given"
kam stats nosuch:thing && fail "unknown statistic succeeded"
note "statistics count the OPTIONS"

kam debug || fail "debug"
[ "$(cat "$TMPD/out")" = "DEBUG:: 3" ] || fail "debug: want 3"
kam debug 4 || fail "debug 4"
kam debug || fail "debug"
[ "$(cat "$TMPD/out")" = "DEBUG:: 4" ] || fail "debug did not stay at 4"
# a receiver (not the FIFO process) now logs a malformed datagram at DEBUG
printf 'not SIP at all\r\n\r\n' >"$TMPD/bad.sip"
for n in 1 2 3 4; do send_udp "$PROXY_PORT" "$TMPD/bad.sip" 0.2 >/dev/null; done
i=0
while [ $i -lt 20 ] && ! grep -q "DEBUG: core: log_bad: dropped a malformed" "$TMPD/proxy.log"; do
	sleep 0.1; i=$((i + 1))
done
grep -q "DEBUG: core: log_bad: dropped a malformed" "$TMPD/proxy.log" ||
    fail "no DEBUG line from a receiver after debug 4"
kam debug 3 || fail "debug 3"
kam fifo debug 99 && fail "debug 99 accepted"
grep -q "400 bad log level" "$TMPD/err" || fail "debug 99: no 400"
note "debug shows and sets the level in every process"

kam fifo nosuch_cmd
[ $rc -eq 1 ] || fail "unknown command: exit $rc, want 1"
grep -q "500 unknown command nosuch_cmd" "$TMPD/err" || fail "unknown command: no 500"
kam fifo tls_list && fail "tls_list succeeded"
grep -q "500 " "$TMPD/err" || fail "tls_list: no 500"
kam fifo ps json || fail "ps json"
python3 -m json.tool "$TMPD/out" >/dev/null || fail "ps json does not parse"
python3 - "$TMPD/out" <<'PY' || fail "ps json: no fifo server"
import json, sys
d = json.load(open(sys.argv[1]))
assert any(p["type"] == "fifo server" for p in d["processes"])
PY
for c in uptime version which get_statistics debug; do
	a=; [ $c = get_statistics ] && a=all
	# shellcheck disable=SC2086 # $a is empty or one word
	kam fifo $c json $a || fail "$c json"
	python3 -m json.tool "$TMPD/out" >/dev/null || fail "$c json does not parse"
done
note "unknown command, JSON output"

# Junk written straight into the FIFO.
timeout 5 sh -c 'printf "garbage\nmore garbage\n\n" >"$1"' x "$FIFO" || fail "write junk"
timeout 5 sh -c 'head -c 6000 /dev/urandom >"$1"' x "$FIFO" || fail "write binary"
timeout 5 sh -c 'printf "\n:uptime:../../etc/passwd\n\n" >"$1"' x "$FIFO" || fail "write ../"
timeout 5 sh -c 'printf ":uptime:a/b\n\n" >"$1"' x "$FIFO" || fail "write a/b"
timeout 5 sh -c 'printf ":uptime:\n\n" >"$1"' x "$FIFO" || fail "write no name"
python3 -c 'import sys; sys.stdout.write(":" + "x" * 5000 + ":r\n\n")' |
    timeout 5 sh -c 'cat >"$1"' x "$FIFO" || fail "write long line"
kam uptime || fail "uptime right after junk"
# a truncated request: no empty line at the end, then a partial line
timeout 5 sh -c 'printf ":uptime:kamailio_reply_gone\narg" >"$1"' x "$FIFO" ||
    fail "write truncated"
sleep 4  # the server's request timeout is 3 s
kam uptime || fail "uptime after a truncated request"
# a truncated request directly followed by a good one
timeout 5 sh -c 'printf ":ps:kamailio_reply_gone2\narg\n" >"$1"' x "$FIFO" ||
    fail "write truncated 2"
kam uptime || fail "uptime after a truncated request with no pause"
[ "$(options 1)" = 1 ] || fail "OPTIONS not answered after FIFO junk"
grep -q "WARNING: fifo: .*skipping" "$TMPD/proxy.log" || fail "junk not logged"
grep -q "bad reply FIFO name" "$TMPD/proxy.log" || fail "../ not refused"
proxy_alive || fail "proxy died"
note "junk is skipped; FIFO and SIP keep working"

kill "$PROXY_PID"
i=0
while proxy_alive && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
proxy_alive && fail "proxy did not stop on SIGTERM"
[ -e "$FIFO" ] && fail "FIFO left behind after exit"
note "FIFO removed at exit"
assert_clean_log
echo "all fifo checks passed"
