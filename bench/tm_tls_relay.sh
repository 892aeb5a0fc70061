#!/bin/sh
# bench/tm_tls_relay.sh: stateful (tm) TLS relay cost per call, this proxy
# and Debian's Kamailio 5.6 (tm + tls modules) side by side.
#
#   sipp UAC -udp-> A (this proxy, t_relay to tls:B) -TLS-> B -udp-> sipp UAS
#
# B is measured: this proxy and Kamailio 5.6 (tcp_children=1: 5.6 crashes
# with more under concurrent handshakes); A is this proxy for both, one
# persistent TLS connection A->B.  Both pairs (each with its own A and its
# own sipp UAS on its own ports) run at the same time; after 10 warm-up
# calls each (not measured), ROUNDS rounds run RATE*SECS/ROUNDS calls at
# RATE/s through each pair in turn (order reversed every other round), so
# that load from elsewhere on a shared machine hits both alike.  CPU =
# utime+stime of every process of B over its slices / the calls sipp
# counted in those slices' logs.
# Usage: sh bench/tm_tls_relay.sh     (RATE=200 SECS=10 ROUNDS=4)
# Only 127.0.0.1, ports below 32768; stops only what it started.
set -u
. "$(dirname "$0")/lib.sh"
RATE=${RATE:-200}
SECS=${SECS:-10}
ROUNDS=${ROUNDS:-4}
[ "$ROUNDS" -ge 1 ] 2>/dev/null || { echo "ROUNDS must be a number, at least 1"; exit 1; }
PER=$((RATE * SECS / ROUNDS))
[ "$PER" -ge "$RATE" ] || { echo "RATE*SECS/ROUNDS must be at least RATE (one second per slice)"; exit 1; }
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

uac() { # A_UDP_PORT CALLS CALL_RATE LOG
	timeout $(($2 / $3 + 60)) sipp -sn uac -i 127.0.0.1 -p "$(free_port)" \
		-nostdin -default_behaviors all,-abortunexp -m "$2" \
		-r "$3" -timeout $(($2 / $3 + 40)) "127.0.0.1:$1" > "$4" 2>&1
}

NAMES=""; NREV=""
setup() { # NAME: start sipp UAS, B and A for that pair, idle
	name=$1
	AU=$(free_port); AT=$(free_port); BU=$(free_port); BT=$(free_port); UAS=$(free_port)
	sipp -sn uas -i 127.0.0.1 -p "$UAS" -nostdin > "$W/uas_$name.log" 2>&1 &
	PIDS="$PIDS $!"
	case $name in
	ours) b_ours "$BU" "$BT" "$UAS" > "$W/b_$name.cfg"
	      "$TOP/kamailio" -DD -E -f "$W/b_$name.cfg" > "$W/b_$name.log" 2>&1 & ;;
	kam) b_kam "$BU" "$BT" "$UAS" > "$W/b_$name.cfg"
	     "$KAM" -DD -E -m 64 -M 8 -f "$W/b_$name.cfg" > "$W/b_$name.log" 2>&1 & ;;
	esac
	BPID=$!
	PIDS="$PIDS $BPID"
	a_cfg "$AU" "$AT" "$BT" > "$W/a_$name.cfg"
	"$TOP/kamailio" -DD -E -f "$W/a_$name.cfg" > "$W/a_$name.log" 2>&1 &
	PIDS="$PIDS $!"
	wait_port udp "$UAS" && wait_port tcp "$BT" && wait_port udp "$AU" ||
		{ echo "$name: proxies did not start"; tail -3 "$W/b_$name.log"; return; }
	sleep 1
	# warm up: opens the TLS connection A -> B
	uac "$AU" 10 10 "$W/warm_$name.log"
	set -- $(sipp_counts "$W/warm_$name.log")
	[ "$1" -gt 0 ] || echo "warning: $name: no warm-up call went through ($*)"
	eval "B_$name=$BPID AU_$name=$AU T_$name=0 OK_$name=0 BAD_$name=0"
	NAMES="$NAMES $name"; NREV="$name $NREV"
}

slice() { # NAME ROUND: PER calls through that pair
	name=$1; eval "bpid=\$B_$name au=\$AU_$name"
	before=$(cpu_ticks "$bpid")
	uac "$au" "$PER" "$RATE" "$W/uac_${name}_$2.log"
	after=$(cpu_ticks "$bpid")
	set -- $(sipp_counts "$W/uac_${name}_$2.log")
	eval "bad=\$BAD_$name"
	case "$2:$bad" in *[!0-9:]*|:*|*:) bad='?' ;; *) bad=$((bad + $2)) ;; esac
	eval "BAD_$name=\$bad T_$name=\$((T_$name + after - before)) OK_$name=\$((OK_$name + $1))"
	printf ' %s %d us' "$name" $(( (after - before) * 1000000 / HZ / ($1 > 0 ? $1 : 1) ))
}

echo "tm TLS relay (UDP -> A -> TLS -> B -> UDP), $((PER * ROUNDS)) calls per B at $RATE/s, B measured,"
echo "both pairs running, interleaved in $ROUNDS rounds of $PER calls"
setup ours
if [ -x "$KAM" ] && [ -f "$KMPATH/tls.so" ]; then
	setup kam
else
	echo "kamailio 5.6 with tls not installed: no side-by-side figure"
fi
i=1
while [ $i -le "$ROUNDS" ]; do
	if [ $((i % 2)) -eq 1 ]; then order=$NAMES; else order=$NREV; fi
	printf 'round %d, B CPU per call:' "$i"
	for name in $order; do slice "$name" "$i"; done
	echo
	i=$((i + 1))
done
for name in $NAMES; do
	eval "t=\$T_$name ok=\$OK_$name bad=\$BAD_$name"
	us=$((t * 1000000 / HZ / (ok > 0 ? ok : 1)))
	printf '%-14s B: calls %s/%s failed %s  CPU %6d us/call\n' \
		"$name" "$ok" $((PER * ROUNDS)) "$bad" "$us"
	echo "$name $us" >> "$W/results"
done
[ -f "$W/results" ] && awk '$1=="ours"{o=$2} $1=="kam"{k=$2} END {
	if (o && k) printf "ratio: B CPU per call %.2f of Kamailio'"'"'s\n", o/k }' "$W/results"
