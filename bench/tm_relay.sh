#!/bin/sh
# bench/tm_relay.sh: stateful (tm, t_relay) UDP relay cost of this proxy,
# side by side with Debian's Kamailio 5.6 when it is installed.
#
# sipp UAC -> proxy -> sipp UAS over UDP, RATE calls/s for SECS seconds
# (INVITE/100/180/200/ACK/BYE/200, record-routed, every request through
# t_relay()).  CPU = the sum of utime+stime of every proxy process
# (/proc/PID/stat) after minus before, divided by the successful calls.
#
# Usage: sh bench/tm_relay.sh   (RATE=500 SECS=10 to change)
# Only 127.0.0.1, ports below 32768; stops only what it started.
set -u
. "$(dirname "$0")/lib.sh"
RATE=${RATE:-500}
SECS=${SECS:-10}
CALLS=$((RATE * SECS))
command -v sipp >/dev/null || { echo "sipp not installed"; exit 1; }
[ -x "$TOP/kamailio" ] || { echo "build first: make all"; exit 1; }


# run_one NAME PORT UAS CMD...: prints the figures of one proxy
run_one() {
	name=$1; port=$2; uas=$3; shift 3
	"$@" > "$W/$name.log" 2>&1 &
	ppid=$!
	PIDS="$PIDS $ppid"
	wait_udp "$port" || { echo "$name did not start:"; tail -5 "$W/$name.log"; return 1; }
	sleep 1
	sipp -sn uas -i 127.0.0.1 -p "$uas" -nostdin > "$W/uas_$name.log" 2>&1 &
	upid=$!
	PIDS="$PIDS $upid"
	wait_udp "$uas" || { echo "sipp UAS did not start"; return 1; }
	t0=$(cpu_ticks "$ppid")
	timeout $((SECS + 60)) sipp -sn uac -i 127.0.0.1 -p "$(free_port)" \
		-nostdin -default_behaviors all,-abortunexp -m "$CALLS" \
		-r "$RATE" -l 4000 -timeout $((SECS + 40)) \
		"127.0.0.1:$port" > "$W/uac_$name.log" 2>&1
	t1=$(cpu_ticks "$ppid")
	ok=$(grep "Successful call" "$W/uac_$name.log" | tail -n 1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
	bad=$(grep "Failed call" "$W/uac_$name.log" | tail -n 1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
	kill "$upid" "$ppid" 2>/dev/null
	sleep 1
	hz=$(getconf CLK_TCK)
	[ "${ok:-0}" -gt 0 ] || ok=1
	cpu_us=$(( (t1 - t0) * 1000000 / hz / ok ))
	printf '%-16s calls %s/%s failed %s  CPU %6d us/call\n' \
		"$name" "$ok" "$CALLS" "${bad:-?}" "$cpu_us"
	echo "x $cpu_us" >> "$W/results"
}

mkcfg() {   # ours|kam PORT UAS
	if [ "$1" = ours ]; then
		echo 'debug=1
log_stderror=yes
children=2'
	else
		echo "debug=1
log_stderror=yes
children=2
disable_tcp=yes
mpath=\"$KMPATH\"
auto_aliases=no"
	fi
	cat <<CFG
listen=udp:127.0.0.1:$2
loadmodule "sl.so"
loadmodule "tm.so"
loadmodule "maxfwd.so"
loadmodule "rr.so"
route {
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	if (loose_route()) {
		t_relay();
		exit;
	}
	if (method == "INVITE")
		record_route();
	rewritehostport("127.0.0.1:$3");
	t_relay();
}
CFG
}

echo "tm UDP relay: $CALLS calls at $RATE/s (t_relay, record-routed)"
P=$(free_port); U=$(free_port)
mkcfg ours "$P" "$U" > "$W/ours.cfg"
sed -i 's/^loadmodule "\(.*\)\.so"/loadmodule "\1"/' "$W/ours.cfg"
run_one "this proxy" "$P" "$U" "$TOP/kamailio" -DD -E -m 64 -f "$W/ours.cfg"
if [ -x "$KAM" ]; then
	P=$(free_port); U=$(free_port)
	mkcfg kam "$P" "$U" > "$W/kam.cfg"
	run_one "kamailio 5.6" "$P" "$U" "$KAM" -DD -E -m 64 -M 8 -f "$W/kam.cfg"
	if [ -s "$W/results" ] && [ "$(wc -l < "$W/results")" -eq 2 ]; then
		awk 'NR==1 {c=$2} NR==2 {
			printf "ratio: CPU per call %.2f of Kamailio'"'"'s\n",
			    (c / ($2 ? $2 : 1)) }' "$W/results"
	fi
else
	echo "kamailio not installed"
fi
