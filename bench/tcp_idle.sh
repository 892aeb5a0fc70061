#!/bin/sh
# bench/tcp_idle.sh: what idle TLS connections cost in CPU, and whether
# they slow the busy ones.  For each count of idle TLS connections (0, then
# N/2, then N; held open from several 127.0.0.x addresses, each after one
# OPTIONS), the proxy's CPU (every process) is measured over SECS seconds
# with nothing else to do, then while one more TLS connection relays
# RATE OPTIONS a second (CPU per message).  Prints a line per count, and
# the same for Debian's Kamailio 5.6 when it is installed (NOKAM=1 skips
# it).  N is bounded by RLIMIT_NOFILE here (the hard limit of the shell).
#
# Usage: sh bench/tcp_idle.sh      (N=16000 SECS=20 RATE=200)
. "$(dirname "$0")/lib.sh"
N=${N:-16000}
SECS=${SECS:-20}
RATE=${RATE:-200}
hard=$(ulimit -Hn)
[ "$hard" != unlimited ] && [ "$N" -gt $((hard - 600)) ] && N=$((hard - 600))
ulimit -n "$hard" 2>/dev/null
command -v openssl >/dev/null || { echo "needs openssl"; exit 1; }
[ -x "$TOP/kamailio" ] && "$TOP/kamailio" -V | grep -q USE_TLS ||
	{ echo "build with TLS=1 make all first"; exit 1; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-subj /CN=bench -days 2 -keyout "$W/key.pem" -out "$W/cert.pem" \
	>/dev/null 2>&1 || { echo "cannot make a certificate"; exit 1; }

ours_cfg() {   # UDP TLS
	cat <<CFG
debug=1
log_stderror=yes
children=1
tcp_children=2
open_files_limit=$((N + 1000))
tcp_max_connections=$((N + 500))
tcp_max_connections_per_ip=0
tls_max_handshakes_per_ip=0
tcp_connection_lifetime=3600
listen=udp:127.0.0.1:$1
listen=tls:127.0.0.1:$2
tls_certificate="$W/cert.pem"
tls_private_key="$W/key.pem"
tls_verify_client=0
tls_require_client_certificate=0
loadmodule "sl"
route {
	sl_send_reply("200", "OK");
}
CFG
}

kam_cfg() {    # UDP TLS
	cat <<CFG
#!KAMAILIO
debug=1
log_stderror=yes
children=1
tcp_children=1
open_files_limit=$((N + 1000))
tcp_max_connections=$((N + 500))
tls_max_connections=$((N + 500))
tcp_connection_lifetime=3600
auto_aliases=no
listen=udp:127.0.0.1:$1
listen=tls:127.0.0.1:$2
enable_tls=yes
mpath="$KMPATH"
loadmodule "tls.so"
loadmodule "sl.so"
modparam("tls", "config", "$W/kam-tls.cfg")
modparam("tls", "tls_method", "TLSv1.2+")
request_route {
	sl_send_reply("200", "OK");
}
CFG
	cat > "$W/kam-tls.cfg" <<TLS
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $W/key.pem
certificate = $W/cert.pem
TLS
}

# run NAME BINARY CFG_FN: start, then measure for 0, N/2, N
run() {
	name=$1; bin=$2; cfgf=$3
	udp=$(free_port); tls=$(free_port)
	$cfgf "$udp" "$tls" > "$W/$name.cfg"
	"$bin" -DD -E -m 512 -f "$W/$name.cfg" > "$W/$name.log" 2>&1 &
	pid=$!
	PIDS="$PIDS $pid"
	wait_tcp "$tls" || { echo "$name did not start"; tail "$W/$name.log"; return 1; }
	python3 - "$tls" "$N" "$SECS" "$RATE" "$pid" "$name" <<'PY'
import os, resource, socket, ssl, sys, time
port, n, secs, rate, pid, name = (int(sys.argv[1]), int(sys.argv[2]),
    int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
hz = os.sysconf("SC_CLK_TCK")
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
def ticks():
    t = 0
    pids = [pid] + [int(p) for p in os.popen("pgrep -P %d" % pid).read().split()]
    for p in pids:
        try:
            st = open("/proc/%d/stat" % p).read().rsplit(")", 1)[1].split()
            t += int(st[11]) + int(st[12])
        except OSError:
            pass
    return t
def options(s, i):
    s.sendall(("OPTIONS sip:i@127.0.0.1 SIP/2.0\r\n"
               "Via: SIP/2.0/TLS 127.0.0.1:%d;branch=z9hG4bKidle%d\r\n"
               "From: <sip:t@127.0.0.1>;tag=%d\r\nTo: <sip:i@127.0.0.1>\r\n"
               "Call-ID: idle-%d\r\nCSeq: 1 OPTIONS\r\n"
               "Content-Length: 0\r\n\r\n" % (s.getsockname()[1], i, i, i)).encode())
    d = b""
    while b"\r\n\r\n" not in d:
        x = s.recv(4096)
        if not x:
            return False
        d += x
    return True
held = []
def hold(total):
    while len(held) < total:
        raw = socket.socket()
        raw.bind(("127.0.0.%d" % (2 + len(held) % 8), 0))
        raw.connect(("127.0.0.1", port))
        try:
            s = ctx.wrap_socket(raw)
        except (OSError, ssl.SSLError) as e:
            print("%-12s stopped accepting TLS connections at %d held: %s"
                  % (name, len(held), e))
            sys.exit(0)
        s.settimeout(10)
        options(s, len(held))
        held.append(s)
busy = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5))
for count in (0, n // 2, n):
    hold(count)
    time.sleep(2)
    t0, c0 = time.time(), ticks()
    time.sleep(secs)
    idle = (ticks() - c0) / hz / (time.time() - t0) * 100
    k, c0, t0 = 0, ticks(), time.time()
    while time.time() - t0 < secs:
        options(busy, 10 ** 7 + k)
        k += 1
        time.sleep(max(0, t0 + k / rate - time.time()))
    per = (ticks() - c0) / hz / k * 1e6
    print("%-12s %6d idle TLS connections: idle CPU %5.2f %% of a core; "
          "busy connection %5.0f us CPU per message (%d messages)"
          % (name, count, idle, per, k))
    sys.stdout.flush()
PY
	kill "$pid" 2>/dev/null; sleep 1
}

run ours "$TOP/kamailio" ours_cfg
if [ -z "${NOKAM:-}" ] && [ -x "$KAM" ] && [ -f "$KMPATH/tls.so" ]; then
	run kamailio-5.6 "$KAM" kam_cfg
fi
