#!/bin/sh
# bench/dns_bench.sh: CPU per call of t_relay() to a name that the DNS
# cache holds, against t_relay() to an IP, side by side with Debian's
# Kamailio 5.6 when it is installed.
#
# sipp UAC -> proxy -> sipp UAS over UDP, RATE calls/s for SECS seconds,
# every request through t_relay() after rewritehostport() to either
# "127.0.0.1:UAS" (no lookup) or "uas.bench.test:UAS" (A/AAAA through
# the cache; the name is served by a local dnsmasq with a one-hour TTL,
# so it is asked once per run: the script prints how many queries
# dnsmasq saw).  The two cases alternate ROUNDS times (default 3) and
# the ratio is of the sums, so that the load of a shared machine hits
# both alike.  Kamailio 5.6 is run to an IP only, for scale: it has no
# dns_server setting (it reads /etc/resolv.conf), and its DNS cache does
# not read the hosts file, so it cannot be pointed at the test's dnsmasq.
# CPU = utime+stime of every proxy process after minus before, divided
# by the successful calls.
#
# Usage: sh bench/dns_bench.sh   (RATE=500 SECS=10 ROUNDS=3 to change)
# Only 127.0.0.1, ports below 32768; stops only what it started.
set -u
. "$(dirname "$0")/lib.sh"
RATE=${RATE:-500}
SECS=${SECS:-10}
ROUNDS=${ROUNDS:-3}
CALLS=$((RATE * SECS))
command -v sipp >/dev/null || { echo "sipp not installed"; exit 1; }
command -v dnsmasq >/dev/null || { echo "dnsmasq not installed (dnsmasq-base)"; exit 1; }
[ -x "$TOP/kamailio" ] || { echo "build first: make all"; exit 1; }

DNS_PORT=$(free_port)
dnsmasq --no-daemon --keep-in-foreground --conf-file=/dev/null \
	--no-resolv --no-hosts --listen-address=127.0.0.1 --port="$DNS_PORT" \
	--bind-interfaces --pid-file --user=nobody --local=/test/ \
	--log-queries --log-facility=- --local-ttl=3600 \
	--host-record=uas.bench.test,127.0.0.1 > "$W/dns.log" 2>&1 &
PIDS="$PIDS $!"
wait_udp "$DNS_PORT" || { echo "dnsmasq did not start"; cat "$W/dns.log"; exit 1; }

# run_one NAME PORT UAS CMD...: prints the figures of one proxy; appends
# "NAME us" to $W/results
run_one() {
	name=$1; port=$2; uas=$3; shift 3
	"$@" > "$W/p.log" 2>&1 &
	ppid=$!
	PIDS="$PIDS $ppid"
	wait_udp "$port" || { echo "$name did not start:"; tail -5 "$W/p.log"; return 1; }
	sleep 1
	sipp -sn uas -i 127.0.0.1 -p "$uas" -nostdin > "$W/uas.log" 2>&1 &
	upid=$!
	PIDS="$PIDS $upid"
	wait_udp "$uas" || { echo "sipp UAS did not start"; return 1; }
	q0=$(grep -c "query\[" "$W/dns.log")
	t0=$(cpu_ticks "$ppid")
	timeout $((SECS + 60)) sipp -sn uac -i 127.0.0.1 -p "$(free_port)" \
		-nostdin -default_behaviors all,-abortunexp -m "$CALLS" \
		-r "$RATE" -l 4000 -timeout $((SECS + 40)) \
		"127.0.0.1:$port" > "$W/uac.log" 2>&1
	t1=$(cpu_ticks "$ppid")
	q1=$(grep -c "query\[" "$W/dns.log")
	set -- $(sipp_counts "$W/uac.log")
	ok=$1; bad=$2
	kill "$upid" "$ppid" 2>/dev/null
	sleep 1
	[ "${ok:-0}" -gt 0 ] || ok=1
	cpu_us=$(( (t1 - t0) * 1000000 / HZ / ok ))
	printf '%-26s calls %s/%s failed %s  CPU %6d us/call  dnsmasq queries %d\n' \
		"$name" "$ok" "$CALLS" "$bad" "$cpu_us" $((q1 - q0))
	echo "$target $cpu_us" >> "$W/results"
}

mkcfg() {   # ours|kam PORT TARGET
	if [ "$1" = ours ]; then
		echo "debug=1
log_stderror=yes
children=2
dns_server=\"127.0.0.1:$DNS_PORT\"
use_dns_cache=yes"
	else
		echo "debug=1
log_stderror=yes
children=2
disable_tcp=yes
mpath=\"$KMPATH\"
auto_aliases=no
use_dns_cache=on
dns_try_naptr=no
dns_srv_lb=no
dns_try_ipv6=no"
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
	rewritehostport("$3");
	t_relay();
}
CFG
}

echo "tm relay to an IP vs to a cached name: $CALLS calls at $RATE/s over UDP, $ROUNDS rounds"
r=0
while [ $r -lt "$ROUNDS" ]; do
	for target in ip name; do
		P=$(free_port); U=$(free_port)
		if [ $target = ip ]; then t="127.0.0.1:$U"; else t="uas.bench.test:$U"; fi
		mkcfg ours "$P" "$t" > "$W/ours.cfg"
		sed -i 's/^loadmodule "\(.*\)\.so"/loadmodule "\1"/' "$W/ours.cfg"
		run_one "this proxy, to $target" "$P" "$U" "$TOP/kamailio" -DD -E -m 64 -f "$W/ours.cfg"
	done
	r=$((r + 1))
done
awk '$1 == "ip" {ip += $2; ni++} $1 == "name" {nm += $2; nn++} END {
	ip /= (ni ? ni : 1); nm /= (nn ? nn : 1)
	printf "this proxy: mean CPU per call %d us to an IP, %d us to a cached name: ratio %.3f (%+.1f %%)\n",
	    ip, nm, nm / (ip ? ip : 1), (nm / (ip ? ip : 1) - 1) * 100 }' "$W/results"
if [ -x "$KAM" ]; then
	P=$(free_port); U=$(free_port)
	target=kam
	mkcfg kam "$P" "127.0.0.1:$U" > "$W/kam.cfg"
	run_one "kamailio 5.6, to ip" "$P" "$U" "$KAM" -DD -E -m 64 -M 8 -f "$W/kam.cfg"
else
	echo "kamailio not installed"
fi
