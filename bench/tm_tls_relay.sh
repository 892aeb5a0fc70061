#!/bin/sh
# bench/tm_tls_relay.sh: stateful (tm) TLS relay cost per call, this proxy
# and Debian's Kamailio 5.6 (tm + tls modules) side by side.
#
#   sipp UAC -udp-> A (this proxy, t_relay to tls:B) -TLS-> B -udp-> sipp UAS
#
# B is measured: first this proxy, then Kamailio 5.6 (tcp_children=1: 5.6
# crashes with more under concurrent handshakes); A is this proxy in both
# runs, one persistent TLS connection A->B.  CPU = utime+stime of every
# process of B over the run / calls, at a fixed rate.
# Usage: sh bench/tm_tls_relay.sh     (RATE=200 SECS=10)
set -u
. "$(dirname "$0")/lib.sh"
RATE=${RATE:-200}
SECS=${SECS:-10}
CALLS=$((RATE * SECS))
command -v sipp >/dev/null || { echo "sipp not installed"; exit 1; }
"$TOP/kamailio" -V | grep -q "^TLS: compiled in" ||
	{ echo "build first: TLS=1 make all"; exit 1; }

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/key.pem" \
	-out "$W/cert.pem" -subj /CN=127.0.0.1 -days 30 > /dev/null 2>&1

a_cfg() { # UDP TLS B_TLS
	cat <<CFG
debug=1
log_stderror=yes
children=2
tcp_children=2
listen=udp:127.0.0.1:$1
listen=tls:127.0.0.1:$2
tls_certificate="$W/cert.pem"
tls_private_key="$W/key.pem"
tls_verify_server=0
tls_verify_client=0
tls_require_client_certificate=0
loadmodule "sl"
loadmodule "tm"
route { t_relay("tls:127.0.0.1:$3"); }
CFG
}
b_ours() { # UDP TLS UAS
	cat <<CFG
debug=1
log_stderror=yes
children=1
tcp_children=1
listen=udp:127.0.0.1:$1
listen=tls:127.0.0.1:$2
tls_certificate="$W/cert.pem"
tls_private_key="$W/key.pem"
tls_verify_client=0
tls_require_client_certificate=0
loadmodule "sl"
loadmodule "tm"
route { t_relay_to_udp("127.0.0.1", "$3"); }
CFG
}
b_kam() { # UDP TLS UAS
	cat > "$W/ktls.cfg" <<CFG
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
certificate = $W/cert.pem
private_key = $W/key.pem

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
CFG
	cat <<CFG
#!KAMAILIO
debug=1
log_stderror=yes
children=1
tcp_children=1
auto_aliases=no
listen=udp:127.0.0.1:$1
listen=tls:127.0.0.1:$2
enable_tls=yes
mpath="$KMPATH/"
loadmodule "tls.so"
loadmodule "sl.so"
loadmodule "tm.so"
modparam("tls", "config", "$W/ktls.cfg")
request_route { t_relay_to_udp("127.0.0.1", "$3"); }
CFG
}

run() { # NAME B_CMD...
	name=$1; shift
	AU=$(free_port); AT=$(free_port); BU=$(free_port); BT=$(free_port); UAS=$(free_port)
	sipp -sn uas -i 127.0.0.1 -p "$UAS" -nostdin > "$W/uas.log" 2>&1 &
	PIDS="$PIDS $!"
	case $name in
	ours) b_ours "$BU" "$BT" "$UAS" > "$W/b.cfg"
	      "$TOP/kamailio" -DD -E -f "$W/b.cfg" > "$W/b.log" 2>&1 & ;;
	kam) b_kam "$BU" "$BT" "$UAS" > "$W/b.cfg"
	     "$KAM" -DD -E -m 64 -M 8 -f "$W/b.cfg" > "$W/b.log" 2>&1 & ;;
	esac
	BPID=$!
	PIDS="$PIDS $BPID"
	a_cfg "$AU" "$AT" "$BT" > "$W/a.cfg"
	"$TOP/kamailio" -DD -E -f "$W/a.cfg" > "$W/a.log" 2>&1 &
	PIDS="$PIDS $!"
	wait_port tcp "$BT" && wait_port udp "$AU" ||
		{ echo "$name: proxies did not start"; tail -3 "$W/b.log"; return; }
	sleep 1
	# warm up: opens the TLS connection A -> B
	timeout 30 sipp -sn uac -i 127.0.0.1 -p "$(free_port)" -nostdin -m 10 \
		-r 10 "127.0.0.1:$AU" > /dev/null 2>&1
	before=$(cpu_ticks "$BPID")
	timeout $((SECS + 60)) sipp -sn uac -i 127.0.0.1 -p "$(free_port)" \
		-nostdin -default_behaviors all,-abortunexp -m "$CALLS" \
		-r "$RATE" -timeout $((SECS + 40)) "127.0.0.1:$AU" \
		> "$W/uac.log" 2>&1
	after=$(cpu_ticks "$BPID")
	ok=$(grep "Successful call" "$W/uac.log" | tail -n 1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
	bad=$(grep "Failed call" "$W/uac.log" | tail -n 1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
	us=$(( (after - before) * 1000000 / HZ / ${ok:-1} ))
	printf '%-14s B: calls %s/%s failed %s  CPU %6d us/call\n' \
		"$name" "${ok:-0}" "$CALLS" "${bad:-?}" "$us"
	echo "$name $us" >> "$W/results"
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 1
	PIDS=""
}

echo "tm TLS relay (UDP -> A -> TLS -> B -> UDP), $CALLS calls at $RATE/s, B measured"
run ours
if [ -x "$KAM" ] && [ -f "$KMPATH/tls.so" ]; then
	run kam
	awk '$1=="ours"{o=$2} $1=="kam"{k=$2} END {
		if (o && k) printf "ratio: B CPU per call %.2f of Kamailio'"'"'s\n", o/k }' "$W/results"
else
	echo "kamailio 5.6 with tls not installed: no side-by-side figure"
fi
