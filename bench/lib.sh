# bench/lib.sh: helpers shared by the benchmark scripts (sourced).
# Sets TOP, KAM, KMPATH, W (a scratch dir removed at exit) and PIDS (the
# processes to stop at exit: only what the script started).

TOP=$(cd "$(dirname "$0")/.." && pwd)
KAM=/usr/sbin/kamailio
KMPATH=/usr/lib/x86_64-linux-gnu/kamailio/modules/
HZ=$(getconf CLK_TCK)
W=$(mktemp -d "/tmp/$(basename "$0" .sh).XXXXXX")
PIDS=""

bench_cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.5
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$W"
}
trap bench_cleanup EXIT INT TERM

# A port below 32768 free for both UDP and TCP on 127.0.0.1.
free_port() {
	python3 - <<'PY'
import random, socket, sys
for _ in range(200):
    p = random.randint(10000, 32000)
    ok = True
    for t in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        s = socket.socket(socket.AF_INET, t)
        try: s.bind(("127.0.0.1", p))
        except OSError: ok = False
        s.close()
    if ok: print(p); sys.exit(0)
sys.exit(1)
PY
}

# wait_port tcp|udp PORT: until something listens there (10 s at most)
wait_port() {
	i=0
	while [ $i -lt 100 ]; do
		ss -Hln -A "$1" "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
wait_tcp() { wait_port tcp "$1"; }
wait_udp() { wait_port udp "$1"; }

# The pids of a proxy: the main one and its children.
proxy_pids() {
	echo "$1"
	pgrep -P "$1"
}

# Sum of utime+stime (clock ticks) of the proxy rooted at $1.
cpu_ticks() {
	t=0
	for p in $(proxy_pids "$1"); do
		v=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
		t=$((t + ${v:-0}))
	done
	echo $t
}

# Sum of PSS (kB) of the proxy rooted at $1.
pss_kb() {
	t=0
	for p in $(proxy_pids "$1"); do
		v=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
		t=$((t + ${v:-0}))
	done
	echo $t
}

# sipp_counts LOG: "successful failed" from a sipp UAC's final screen.
sipp_counts() {
	ok=$(grep "Successful call" "$1" | tail -n 1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
	bad=$(grep "Failed call" "$1" | tail -n 1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
	echo "${ok:-0} ${bad:-?}"
}
