# test/integ/lib.sh: helpers for integration tests (sourced, POSIX sh).
# Every test runs the built proxy on 127.0.0.1 only, bounds every wait,
# and stops only the processes it started, by PID.

: "${TOP:?run through test/integ/run.sh}"
: "${TMPD:?run through test/integ/run.sh}"
KAMAILIO="$TOP/kamailio"
PIDS=""

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "$*"; exit 77; }
note() { echo "-- $*"; }

# A port below 32768 that nothing listens on (UDP and TCP).
free_port() {
	python3 - "$@" <<'PY'
import random, socket, sys
for _ in range(200):
    p = random.randint(10000, 32000)
    ok = True
    for t in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        s = socket.socket(socket.AF_INET, t)
        try:
            s.bind(("127.0.0.1", p))
        except OSError:
            ok = False
        s.close()
    if ok:
        print(p); sys.exit(0)
sys.exit(1)
PY
}

# start_bg NAME CMD...: run CMD in the background, output in $TMPD/NAME.log
start_bg() {
	name=$1; shift
	"$@" > "$TMPD/$name.log" 2>&1 &
	pid=$!
	PIDS="$PIDS $pid"
	eval "PID_$name=$pid"
}

# Stop what this test started (by PID only), at exit.
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.3
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	return 0
}
trap cleanup EXIT INT TERM

# wait_udp PORT: until something answers on 127.0.0.1:PORT/udp (bounded)
wait_udp() {
	i=0
	while [ $i -lt 50 ]; do
		if ss -Hlun "sport = :$1" 2>/dev/null | grep -q .; then return 0; fi
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

# start_proxy CFG [ARGS]: run ./kamailio in the foreground mode with
# logging to stderr; waits for its first UDP port ($PROXY_PORT).
start_proxy() {
	cfg=$1; shift
	"$KAMAILIO" -c -f "$cfg" > "$TMPD/check.log" 2>&1 ||
		{ cat "$TMPD/check.log"; fail "config check failed for $cfg"; }
	# from the scratch dir: modules must be found relative to the binary
	start_bg proxy sh -c 'cd "$1" && shift && exec "$@"' sh "$TMPD" \
		"$KAMAILIO" -DD -E -f "$cfg" "$@"
	PROXY_PID=$PID_proxy
	wait_udp "$PROXY_PORT" || { cat "$TMPD/proxy.log"; fail "proxy did not start"; }
}

proxy_alive() { kill -0 "$PROXY_PID" 2>/dev/null; }

# stop_proxy: SIGTERM the proxy this test started and wait (bounded) until
# it is gone, so that another one can be started in the same test
stop_proxy() {
	kill "$PROXY_PID" 2>/dev/null
	i=0
	while proxy_alive && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}

# The proxy log must have no ERROR/CRITICAL/ALERT lines (unless expected
# lines are filtered out with the optional grep -v pattern).
assert_clean_log() {
	if [ -n "${1:-}" ]; then
		bad=$(grep -E 'ERROR|CRITICAL|ALERT|runtime error' "$TMPD/proxy.log" | grep -vE "$1" || true)
	else
		bad=$(grep -E 'ERROR|CRITICAL|ALERT|runtime error' "$TMPD/proxy.log" || true)
	fi
	[ -z "$bad" ] || { echo "$bad" | head -20; fail "errors in proxy log"; }
}

# send_udp PORT FILE [TIMEOUT]: send a file as one datagram, print the
# reply (if any within TIMEOUT seconds, default 2)
send_udp() {
	python3 - "$1" "$2" "${3:-2}" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(float(sys.argv[3]))
s.bind(("127.0.0.1", 0))
data = open(sys.argv[2], "rb").read()
data = data.replace(b"@LPORT@", str(s.getsockname()[1]).encode())
s.sendto(data, ("127.0.0.1", int(sys.argv[1])))
try:
    print(s.recv(65535).decode("latin-1"))
except socket.timeout:
    pass
PY
}
