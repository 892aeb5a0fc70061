#!/bin/sh
# bench/tcp_relay.sh: TCP relay cost of this proxy, side by side with
# Debian's Kamailio 5.6 when it is installed.
#
#  1. CPU per call: sipp UAC (-t t1) -> proxy -> sipp UAS (-t t1), RATE
#     calls/s for SECS seconds, stateless, record-routed.  CPU = the sum of
#     utime+stime of every proxy process (/proc/PID/stat) after minus
#     before, divided by the calls.
#  2. Memory per idle TCP connection: N connections opened, each sends one
#     OPTIONS (answered), then idles; the sum of PSS (/proc/PID/smaps_rollup)
#     of every proxy process after minus before, divided by N.
#
# Usage: sh bench/tcp_relay.sh   (RATE=300 SECS=15 N=2000 to change)
# Only 127.0.0.1, ports below 32768; stops only what it started.
set -u
. "$(dirname "$0")/lib.sh"
RATE=${RATE:-300}
SECS=${SECS:-15}
N=${N:-2000}
CALLS=$((RATE * SECS))
command -v sipp >/dev/null || { echo "sipp not installed"; exit 1; }
[ -x "$TOP/kamailio" ] || { echo "build first: make all"; exit 1; }


# run_one NAME CFG CMD...: prints "NAME cpu_us_per_call bytes_per_conn"
run_one() {
	name=$1; port=$2; uas=$3; shift 3
	"$@" > "$W/$name.log" 2>&1 &
	ppid=$!
	PIDS="$PIDS $ppid"
	wait_tcp "$port" || { echo "$name did not start:"; tail -5 "$W/$name.log"; return 1; }
	sleep 1
	sipp -sn uas -t t1 -i 127.0.0.1 -p "$uas" -nostdin -max_socket 4000 \
		> "$W/uas_$name.log" 2>&1 &
	upid=$!
	PIDS="$PIDS $upid"
	wait_tcp "$uas" || { echo "sipp UAS did not start"; return 1; }
	t0=$(cpu_ticks "$ppid")
	timeout $((SECS + 60)) sipp -sn uac -t t1 -i 127.0.0.1 \
		-p "$(free_port)" -nostdin -m "$CALLS" -r "$RATE" -l 2000 \
		-timeout $((SECS + 40)) -max_socket 4000 \
		"127.0.0.1:$port" > "$W/uac_$name.log" 2>&1
	t1=$(cpu_ticks "$ppid")
	ok=$(grep "Successful call" "$W/uac_$name.log" | tail -n 1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
	bad=$(grep "Failed call" "$W/uac_$name.log" | tail -n 1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
	kill "$upid" 2>/dev/null
	hz=$(getconf CLK_TCK)
	cpu_us=$(( (t1 - t0) * 1000000 / hz / ${ok:-1} ))
	# memory per idle connection
	m0=$(pss_kb "$ppid")
	python3 - "$port" "$N" "$W/hold_$name" <<'PY' &
import os, resource, selectors, socket, sys, time
port, n, flag = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 256), hard))
socks, answered = [], 0
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    lp = s.getsockname()[1]
    s.sendall(("OPTIONS sip:idle@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP "
               "127.0.0.1:%d;branch=z9hG4bKidle%d\r\nFrom: <sip:b@127.0.0.1>"
               ";tag=%d\r\nTo: <sip:idle@127.0.0.1>\r\nCall-ID: idle-%d\r\n"
               "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
               % (lp, i, i, i)).encode())
    socks.append(s)
for s in socks:
    try:
        if s.recv(4096).startswith(b"SIP/2.0 200"):
            answered += 1
    except OSError:
        pass
open(flag, "w").write("%d\n" % answered)
time.sleep(30)
PY
	hpid=$!
	PIDS="$PIDS $hpid"
	i=0
	while [ ! -s "$W/hold_$name" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 2
	m1=$(pss_kb "$ppid")
	held=$(cat "$W/hold_$name" 2>/dev/null || echo 0)
	kill "$hpid" 2>/dev/null
	kill "$ppid" 2>/dev/null
	sleep 1
	per=$(( (m1 - m0) * 1024 / N ))
	printf '%-16s calls %s/%s failed %s  CPU %6d us/call  idle conns answered %s/%s  PSS %+d kB -> %5d bytes/conn\n' \
		"$name" "${ok:-0}" "$CALLS" "${bad:-?}" "$cpu_us" "$held" "$N" \
		$((m1 - m0)) "$per"
	echo "x $cpu_us $per" >> "$W/results"
}

mkcfg() {   # ours|kam PORT UAS
	if [ "$1" = ours ]; then
		echo 'debug=1
log_stderror=yes
children=2
tcp_children=4
tcp_max_connections_per_ip=0'
	else
		echo "debug=1
log_stderror=yes
children=2
tcp_children=4
mpath=\"$KMPATH\"
auto_aliases=no"
	fi
	cat <<CFG
open_files_limit=16384
tcp_max_connections=8192
tcp_connection_lifetime=3600
listen=udp:127.0.0.1:$2
listen=tcp:127.0.0.1:$2
loadmodule "sl.so"
loadmodule "maxfwd.so"
loadmodule "rr.so"
route {
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	if (method == "OPTIONS") {
		sl_send_reply("200", "OK");
		exit;
	}
	if (loose_route()) {
		forward();
		exit;
	}
	if (method == "INVITE")
		record_route();
	forward_tcp("127.0.0.1", $3);
}
CFG
}

echo "TCP relay: $CALLS calls at $RATE/s (sipp -t t1 both sides), $N idle connections"
P=$(free_port); U=$(free_port)
mkcfg ours "$P" "$U" > "$W/ours.cfg"
sed -i 's/^loadmodule "\(.*\)\.so"/loadmodule "\1"/' "$W/ours.cfg"
run_one "this proxy" "$P" "$U" "$TOP/kamailio" -DD -E -m 64 -f "$W/ours.cfg"
if [ -x "$KAM" ]; then
	P=$(free_port); U=$(free_port)
	mkcfg kam "$P" "$U" > "$W/kam.cfg"
	run_one "kamailio 5.6" "$P" "$U" "$KAM" -DD -E -m 64 -M 8 -f "$W/kam.cfg"
	if [ -s "$W/results" ] && [ "$(wc -l < "$W/results")" -eq 2 ]; then
		awk 'NR==1 {c=$(NF-1); m=$NF} NR==2 {
			printf "ratio: CPU per call %.2f of Kamailio'"'"'s; memory per idle connection %.2f of Kamailio'"'"'s\n",
			    (c / ($(NF-1) ? $(NF-1) : 1)), (m / ($NF ? $NF : 1)) }' "$W/results"
	fi
else
	echo "kamailio not installed"
fi
