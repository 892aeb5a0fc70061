#!/bin/sh
# bench/udp_relay.sh: stateless UDP relay, this proxy and Debian's
# Kamailio 5.6 side by side on equivalent configs, in the same run.
#
#   sipp UAC --udp--> proxy --udp--> sipp UAS   (INVITE/200/ACK/BYE/200)
#
# Figures:
#   - CPU per call at a fixed rate (RATE calls/s for SECS seconds): the sum
#     of user+system time of all the proxy's processes over the run,
#     divided by the calls.  This is the stable figure on a shared machine.
#   - The highest rate (from a ladder of rates, 5 s each) with no failed
#     call.
# Usage: sh bench/udp_relay.sh [RATE] [SECS]     (defaults 1000, 15)
# Needs: ./kamailio built (make all), sipp; kamailio 5.6 is optional.
set -u
. "$(dirname "$0")/lib.sh"
RATE=${1:-1000}
SECS=${2:-15}
LADDER=${LADDER:-"1000 2000 4000 6000 8000 12000"}

start_proxy() { # NAME CMD...
	name=$1; shift
	"$@" > "$W/$name.log" 2>&1 &
	echo $! > "$W/$name.pid"
	PIDS="$PIDS $!"
	sleep 1.5
	kill -0 "$(cat "$W/$name.pid")" 2>/dev/null || { cat "$W/$name.log"; return 1; }
}

# run_calls PROXYPORT RATE SECS -> prints "ok failed"
run_calls() {
	n=$(($2 * $3))
	timeout $(($3 + 60)) sipp -sn uac -i 127.0.0.1 -p "$(free_port)" -nostdin \
		-default_behaviors all,-abortunexp \
		-m "$n" -r "$2" -l $(($2 * 4)) -timeout $(($3 + 40)) \
		"127.0.0.1:$1" > "$W/uac.log" 2>&1
	sipp_counts "$W/uac.log"
}

bench_one() { # NAME PROXYPORT
	pid=$(cat "$W/$1.pid")
	before=$(cpu_ticks "$pid")
	set -- "$1" "$2" $(run_calls "$2" "$RATE" "$SECS")
	after=$(cpu_ticks "$pid")
	calls=$3
	if [ "$calls" -gt 0 ]; then
		us=$(( (after - before) * 1000000 / HZ / calls ))
	else
		us="n/a"
	fi
	printf '%-12s fixed rate %5d calls/s x %ss: %6s calls ok, %s failed, CPU %s us/call\n' \
		"$1" "$RATE" "$SECS" "$3" "$4" "$us"
	best=0
	for r in $LADDER; do
		set -- "$1" "$2" $(run_calls "$2" "$r" 5)
		[ "$4" = "0" ] && [ "$3" -ge $((r * 5)) ] || break
		best=$r
	done
	printf '%-12s highest rate with no failed call (ladder %s): %s calls/s\n' \
		"$1" "$(echo $LADDER | tr ' ' ,)" "$best"
}

command -v sipp >/dev/null || { echo "sipp not installed"; exit 1; }
[ -x "$TOP/kamailio" ] || { echo "build first: make all"; exit 1; }
UAS=$(free_port); P1=$(free_port); P2=$(free_port)
sipp -sn uas -i 127.0.0.1 -p "$UAS" -nostdin > "$W/uas.log" 2>&1 &
PIDS="$PIDS $!"

cat > "$W/ours.cfg" <<CFG
debug=0
log_stderror=yes
children=2
listen=udp:127.0.0.1:$P1
loadmodule "sl"
loadmodule "maxfwd"
loadmodule "rr"
route {
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	if (loose_route()) {
		forward();
		exit;
	}
	if (method == "INVITE")
		record_route();
	rewritehostport("127.0.0.1:$UAS");
	forward();
}
CFG
cat > "$W/kam.cfg" <<CFG
#!KAMAILIO
debug=0
log_stderror=yes
children=2
disable_tcp=yes
listen=udp:127.0.0.1:$P2
mpath="$KMPATH"
loadmodule "sl.so"
loadmodule "maxfwd.so"
loadmodule "rr.so"
request_route {
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	if (loose_route()) {
		forward();
		exit;
	}
	if (method == "INVITE")
		record_route();
	rewritehostport("127.0.0.1:$UAS");
	forward();
}
CFG
echo "== stateless UDP relay, $(nproc) cores, $(date -u +%Y-%m-%d)"
start_proxy ours "$TOP/kamailio" -DD -E -m 64 -f "$W/ours.cfg" || exit 1
bench_one ours "$P1"
if command -v kamailio >/dev/null && [ -d "$KMPATH" ]; then
	if start_proxy kam5.6 kamailio -DD -E -m 64 -f "$W/kam.cfg" -Y "$W"; then
		bench_one kam5.6 "$P2"
	else
		echo "kamailio 5.6 did not start"
	fi
else
	echo "kamailio 5.6 not installed: no side-by-side figures"
fi
