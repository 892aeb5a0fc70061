#!/bin/sh
# bench/tls_bench.sh: TLS costs of this proxy, side by side with Debian's
# Kamailio 5.6 (tls module) when it is installed.
#
#  1. Server CPU per full handshake: RSA-2048 and ECDSA P-256 certificates,
#     TLS 1.2 and TLS 1.3; HS handshakes per case from a python ssl loop
#     (new connection each time, no session reuse, no tickets asked);
#     CPU = utime+stime of every proxy process after minus before / HS.
#     The same for bench/min_tls_server.c, a minimal pre-forked OpenSSL
#     server with the same certificates and settings (as many processes
#     as the proxy has TCP readers), interleaved with the proxy in ROUNDS
#     slices per case, and the ratio proxy / baseline.
#  2. Memory per idle TLS connection: N connections, each completes the
#     handshake, sends one OPTIONS (answered), then idles; sum of PSS
#     (/proc/PID/smaps_rollup) of every proxy process after minus before
#     divided by N.  Target: at most 12 KB.
#  3. TLS relay CPU per call on one persistent connection: sipp UAC (udp)
#     -> this proxy (A) -> TLS -> B -> udp -> sipp UAS; CPU of B per call.
#     Every B (this proxy per TCS value, Kamailio 5.6) runs at the same
#     time with its own A and its own sipp UAS, idle; after 10 warm-up
#     calls per pair (not measured), ROUNDS rounds each run
#     RATE*SECS/ROUNDS calls at RATE/s through every pair in turn (order
#     reversed every other round), adding up B's CPU ticks and the calls
#     sipp counted in each slice's own log, so that load from elsewhere on
#     a shared machine hits every B alike.
#
# This proxy runs every part once per tcp_children value in TCS (default
# "1 4"); Kamailio 5.6 always with tcp_children=1 (5.6 crashes with more
# under concurrent handshakes).  children=1 for both.  A table of every
# figure ends the output.
#
# Usage: sh bench/tls_bench.sh      (HS=1000 N=2000 RATE=200 SECS=10
#                                    TCS="1 4" PARTS=123 ROUNDS=4)
# Only 127.0.0.1, ports below 32768; stops only what it started.
set -u
. "$(dirname "$0")/lib.sh"
PARTS=${PARTS:-123}
HS=${HS:-1000}
TCS=${TCS:-1 4}
N=${N:-2000}
RATE=${RATE:-200}
SECS=${SECS:-10}
ROUNDS=${ROUNDS:-4}
[ "$ROUNDS" -ge 1 ] 2>/dev/null || { echo "ROUNDS must be a number, at least 1"; exit 1; }
CALLS=$((RATE * SECS))
command -v sipp >/dev/null || { echo "sipp not installed"; exit 1; }
"$TOP/kamailio" -V | grep -q USE_TLS || { echo "build first: TLS=1 make all"; exit 1; }
HAVE_KAM=no
[ -x "$KAM" ] && [ -f "$KMPATH/tls.so" ] && HAVE_KAM=yes
RES=$W/results
: > "$RES"
rec() { echo "$1 $2" >> "$RES"; }   # KEY VALUE
cc -O2 -o "$W/min_tls_server" "$TOP/bench/min_tls_server.c" -lssl -lcrypto ||
	{ echo "cannot build bench/min_tls_server.c"; exit 1; }

start() {   # NAME PORT CMD...: run a proxy, sets SPID
	name=$1; port=$2; shift 2
	"$@" > "$W/$name.log" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
	wait_tcp "$port" || { echo "$name did not start:"; tail -5 "$W/$name.log"; exit 1; }
	sleep 1
}

# certificates (self-signed: the clients here do not verify)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/rsa.key" -out "$W/rsa.pem" \
	-subj /CN=rsa -days 30 > /dev/null 2>&1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$W/ec.key" -out "$W/ec.pem" -subj /CN=ec -days 30 > /dev/null 2>&1

# ------------------------------------------------------------ servers
ours_cfg() {   # UDP RSA_PORT EC_PORT [FWD]
	cat <<CFG
debug=1
log_stderror=yes
children=1
tcp_children=${TC:-1}
open_files_limit=16384
tcp_max_connections=8192
tcp_max_connections_per_ip=0
tls_max_handshakes_per_ip=0
tcp_connection_lifetime=3600
listen=udp:127.0.0.1:$1
listen=tls:127.0.0.1:$2
listen=tls:127.0.0.1:$3
tls_certificate="$W/rsa.pem"
tls_private_key="$W/rsa.key"
tls_verify_client=0
tls_require_client_certificate=0
tls_verify_server=0
tls_server_domain[127.0.0.1:$3] {
	tls_certificate="$W/ec.pem"
	tls_private_key="$W/ec.key"
}
loadmodule "sl"
route {
	if (method == "OPTIONS") { sl_send_reply("200", "OK"); exit; }
	${4:-drop;}
}
CFG
}
kam_cfg() {   # UDP RSA_PORT EC_PORT [FWD]
	cat > "$W/ktls.cfg" <<CFG
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
certificate = $W/rsa.pem
private_key = $W/rsa.key

[server:127.0.0.1:$3]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
certificate = $W/ec.pem
private_key = $W/ec.key

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
open_files_limit=16384
tcp_max_connections=8192
tcp_connection_lifetime=3600
auto_aliases=no
listen=udp:127.0.0.1:$1
listen=tls:127.0.0.1:$2
listen=tls:127.0.0.1:$3
enable_tls=yes
mpath="$KMPATH/"
loadmodule "tls.so"
loadmodule "sl.so"
modparam("tls", "config", "$W/ktls.cfg")
request_route {
	if (method == "OPTIONS") { sl_send_reply("200", "OK"); exit; }
	${4:-drop;}
}
CFG
}

# ------------------------------------------------------------ 1. handshakes
handshakes() {   # PORT VERSION COUNT
	python3 - "$@" <<'PY'
import socket, ssl, sys
port, ver, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
v = ssl.TLSVersion.TLSv1_2 if ver == "1.2" else ssl.TLSVersion.TLSv1_3
ctx.minimum_version = ctx.maximum_version = v
ctx.options |= ssl.OP_NO_TICKET
ok = 0
for i in range(n):
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5))
    ok += 1
    s.close()
print(ok)
PY
}
hs_bench() {   # NAME TAG RSA_PID RSA_PORT EC_PID EC_PORT
	name=$1; tag=$2
	for c in "RSA-2048 $3 $4" "ECDSA-P256 $5 $6"; do
		set -- $c
		for v in 1.2 1.3; do
			t0=$(cpu_ticks "$2")
			ok=$(handshakes "$3" "$v" "$HS")
			t1=$(cpu_ticks "$2")
			us=$(( (t1 - t0) * 1000000 / HZ / ${ok:-1} ))
			printf '  %-22s %-10s TLS %s: %5d us CPU per handshake (%s handshakes)\n' "$name" "$1" "$v" "$us" "$ok"
			rec "hs/$1/$v/$tag" "$us"
		done
	done
}
# The proxy and the baseline, interleaved in ROUNDS slices per case so
# that load from elsewhere on a shared machine hits both alike.
hs_pair() {   # TC OURS_PID RSA_PORT EC_PORT BASE_RSA_PID BASE_RSA_PORT BASE_EC_PID BASE_EC_PORT
	tc=$1; r=$ROUNDS; per=$((HS / r))
	for c in "RSA-2048 $2 $3 $5 $6" "ECDSA-P256 $2 $4 $7 $8"; do
		set -- $c
		for v in 1.2 1.3; do
			to=0; tb=0; no=0; nb=0; i=0
			while [ $i -lt "$r" ]; do
				t0=$(cpu_ticks "$2"); k=$(handshakes "$3" "$v" "$per"); t1=$(cpu_ticks "$2")
				to=$((to + t1 - t0)); no=$((no + ${k:-0}))
				t0=$(cpu_ticks "$4"); k=$(handshakes "$5" "$v" "$per"); t1=$(cpu_ticks "$4")
				tb=$((tb + t1 - t0)); nb=$((nb + ${k:-0}))
				i=$((i + 1))
			done
			uo=$((to * 1000000 / HZ / (no > 0 ? no : 1)))
			ub=$((tb * 1000000 / HZ / (nb > 0 ? nb : 1)))
			printf '  %-10s TLS %s: this proxy (tc=%s) %5d us, min_tls_server (N=%s) %5d us per handshake (%s/%s handshakes)\n' \
				"$1" "$v" "$tc" "$uo" "$tc" "$ub" "$no" "$nb"
			rec "hs/$1/$v/ours$tc" "$uo"
			rec "hs/$1/$v/base$tc" "$ub"
		done
	done
}

# ------------------------------------------------------------ 2. idle memory
idle_bench() {   # NAME TAG PID PORT
	name=$1; tag=$2; shift 2; set -- "$name" "$@"
	m0=$(pss_kb "$2")
	python3 - "$3" "$N" "$W/hold_$1" <<'PY' &
import resource, socket, ssl, sys, time
port, n, flag = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 256), hard))
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
socks, answered = [], 0
failed = 0
for i in range(n):
    try:
        s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=10))
    except (OSError, ssl.SSLError):
        failed += 1
        continue
    lp = s.getsockname()[1]
    s.sendall(("OPTIONS sip:idle@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TLS "
               "127.0.0.1:%d;branch=z9hG4bKidle%d\r\nFrom: <sip:b@127.0.0.1>"
               ";tag=%d\r\nTo: <sip:idle@127.0.0.1>\r\nCall-ID: idle-%d\r\n"
               "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
               % (lp, i, i, i)).encode())
    socks.append(s)
for s in socks:
    try:
        s.settimeout(5)
        if s.recv(4096).startswith(b"SIP/2.0 200"):
            answered += 1
    except OSError:
        pass
open(flag, "w").write("%d (%d handshakes failed)\n" % (answered, failed))
time.sleep(60)
PY
	hpid=$!
	PIDS="$PIDS $hpid"
	i=0
	while [ ! -s "$W/hold_$1" ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 2
	m1=$(pss_kb "$2")
	held=$(cat "$W/hold_$1" 2>/dev/null || echo 0)
	kill "$hpid" 2>/dev/null
	printf '  %-22s %s idle TLS connections (%s answered): PSS %+d kB -> %d bytes per connection\n' \
		"$1" "$N" "$held" $((m1 - m0)) $(( (m1 - m0) * 1024 / N ))
	rec "idle/$tag" $(( (m1 - m0) * 1024 / N ))
	if [ -n "${DETAIL:-}" ]; then
		for p in $(proxy_pids "$2"); do
			printf '    pid %s %s: Pss %s kB\n' "$p" "$(tr '\0' ' ' < "/proc/$p/cmdline" | cut -c1-40)" \
				"$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup")"
		done
	fi
}

# ------------------------------------------------------------ 3. relay
# Every B runs at the same time, each with its own A (this proxy,
# forward_tls to that B) and its own sipp UAS on its own port, so a slice
# through one pair sends nothing to the others.  relay_setup starts one
# such pair, idle; relay_slice runs PER calls through it and adds B's CPU
# ticks and sipp's counts (from the slice's own log) to the pair's sums.
relay_setup() {   # TAG NAME UAS_PORT B_TLS_PORT B_CMD...  (B's cfg sends to UAS_PORT)
	tag=$1; rname=$2; uas=$3; btls=$4; shift 4
	sipp -sn uas -i 127.0.0.1 -p "$uas" -nostdin > "$W/uas_$tag.log" 2>&1 &
	upid=$!; PIDS="$PIDS $upid"
	wait_udp "$uas" || { echo "sipp UAS for $tag did not start:"; tail -5 "$W/uas_$tag.log"; exit 1; }
	start b_$tag "$btls" "$@"; bpid=$SPID
	AU=$(free_port); AR=$(free_port); AE=$(free_port)
	TC=1 ours_cfg "$AU" "$AR" "$AE" "forward_tls(\"127.0.0.1\", $btls);" > "$W/a_$tag.cfg"
	start a_$tag "$AR" "$TOP/kamailio" -DD -E -m 64 -f "$W/a_$tag.cfg"
	eval "NAME_$tag=\$rname U_$tag=$upid B_$tag=$bpid A_$tag=$SPID AU_$tag=$AU"
	eval "T_$tag=0 OK_$tag=0 BAD_$tag=0"
	RTAGS="$RTAGS $tag"; RREV="$tag $RREV"
}
uac() {   # A_UDP_PORT CALLS CALL_RATE LOG
	timeout $(($2 / $3 + 60)) sipp -sn uac -i 127.0.0.1 -p "$(free_port)" -nostdin \
		-m "$2" -r "$3" -l 2000 -timeout $(($2 / $3 + 40)) "127.0.0.1:$1" > "$4" 2>&1
}
relay_slice() {   # TAG ROUND: PER calls through that pair; prints B's us/call
	tag=$1; eval "bpid=\$B_$tag au=\$AU_$tag"
	if [ -n "${PERF:-}" ]; then   # PERF=/path/prefix: perf record B, one file per slice
		perf record -q -g -o "$PERF.$tag.$2" -p "$(proxy_pids "$bpid" | paste -sd,)" \
			-- sleep $((PER / RATE)) > /dev/null 2>&1 &
		PIDS="$PIDS $!"
	fi
	if [ -n "${STRACE:-}" ]; then   # STRACE=/path/prefix: strace -c B, one file per slice
		timeout $((PER / RATE)) strace -c -f $(for p in $(proxy_pids "$bpid"); do printf ' -p %s' "$p"; done) \
			-o "$STRACE.$tag.$2" > /dev/null 2>&1 &
		PIDS="$PIDS $!"
	fi
	t0=$(cpu_ticks "$bpid")
	uac "$au" "$PER" "$RATE" "$W/uac_${tag}_$2.log"
	t1=$(cpu_ticks "$bpid")
	set -- $(sipp_counts "$W/uac_${tag}_$2.log")
	eval "bad=\$BAD_$tag"
	case "$2:$bad" in *[!0-9:]*|:*|*:) bad='?' ;; *) bad=$((bad + $2)) ;; esac
	eval "BAD_$tag=\$bad"
	eval "T_$tag=\$((T_$tag + t1 - t0)) OK_$tag=\$((OK_$tag + $1))"
	printf ' %s %d us' "$tag" $(( (t1 - t0) * 1000000 / HZ / ($1 > 0 ? $1 : 1) ))
}

stop() { kill "$1" 2>/dev/null; i=0; while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done; }

# ------------------------------------------------------------ 1 and 2
case $PARTS in *[12]*)
for TC in $TCS; do
	U=$(free_port); R=$(free_port); E=$(free_port)
	ours_cfg "$U" "$R" "$E" > "$W/ours$TC.cfg"
	start ours$TC "$E" "$TOP/kamailio" -DD -E -m 64 -f "$W/ours$TC.cfg"; OURS=$SPID
	case $PARTS in *1*)
	echo "1. server CPU per full handshake ($HS per case), tcp_children=$TC"
	BR=$(free_port); BE=$(free_port)
	start baseR$TC "$BR" "$W/min_tls_server" "$BR" "$W/rsa.pem" "$W/rsa.key" "$TC"; BRP=$SPID
	start baseE$TC "$BE" "$W/min_tls_server" "$BE" "$W/ec.pem" "$W/ec.key" "$TC"; BEP=$SPID
	hs_pair "$TC" "$OURS" "$R" "$E" "$BRP" "$BR" "$BEP" "$BE"
	stop "$BRP"; stop "$BEP"
	esac
	case $PARTS in *2*)
	echo "2. memory per idle TLS connection (TLS 1.3, RSA-2048; target <= 12 KB), tcp_children=$TC"
	idle_bench "this proxy (tc=$TC)" "ours$TC" "$OURS" "$R"
	esac
	stop "$OURS"
done
if [ $HAVE_KAM = yes ]; then
	KU=$(free_port); KR=$(free_port); KE=$(free_port)
	kam_cfg "$KU" "$KR" "$KE" > "$W/kam.cfg"
	# Kamailio keeps OpenSSL's objects in shm: give it room
	start kam "$KE" "$KAM" -DD -E -m 512 -Y "$W" -f "$W/kam.cfg"; KPID=$SPID
	case $PARTS in *1*)
	echo "1. server CPU per full handshake ($HS per case), Kamailio 5.6, tcp_children=1"
	hs_bench "Kamailio 5.6 (tc=1)" kam "$KPID" "$KR" "$KPID" "$KE"
	esac
	case $PARTS in *2*)
	echo "2. memory per idle TLS connection, Kamailio 5.6, tcp_children=1"
	idle_bench "Kamailio 5.6 (tc=1)" kam "$KPID" "$KR"
	esac
	stop "$KPID"
fi
esac

# ------------------------------------------------------------ 3
case $PARTS in *3*)
PER=$((CALLS / ROUNDS))
[ "$PER" -ge "$RATE" ] || { echo "3. RATE*SECS/ROUNDS must be at least RATE (one second per slice)"; exit 1; }
echo "3. TLS relay CPU per call: sipp -> A (this proxy) -> TLS -> B -> sipp UAS, $((PER * ROUNDS)) calls per B at $RATE/s,"
echo "   every B running, interleaved in $ROUNDS rounds of $PER calls per B"
RTAGS=""; RREV=""
for TC in $TCS; do
	UAS=$(free_port); BU=$(free_port); BR=$(free_port); BE=$(free_port)
	ours_cfg "$BU" "$BR" "$BE" "forward_udp(\"127.0.0.1\", $UAS);" > "$W/b$TC.cfg"
	relay_setup "ours$TC" "this proxy (tc=$TC)" "$UAS" "$BR" \
		"$TOP/kamailio" -DD -E -m 64 -f "$W/b$TC.cfg"
done
if [ $HAVE_KAM = yes ]; then
	UAS=$(free_port); BU=$(free_port); BR=$(free_port); BE=$(free_port)
	kam_cfg "$BU" "$BR" "$BE" "forward_udp(\"127.0.0.1\", $UAS);" > "$W/kb.cfg"
	relay_setup kam "Kamailio 5.6 (tc=1)" "$UAS" "$BR" \
		"$KAM" -DD -E -m 64 -Y "$W" -f "$W/kb.cfg"
fi
# warm-up, not measured: opens each persistent TLS connection A -> B
for tag in $RTAGS; do
	eval "au=\$AU_$tag"
	uac "$au" 10 10 "$W/warm_$tag.log"
	set -- $(sipp_counts "$W/warm_$tag.log")
	[ "$1" -gt 0 ] || echo "  warning: $tag: no warm-up call went through ($*)"
done
# the rounds: each pair in turn, in reverse order every other round
i=1
while [ $i -le "$ROUNDS" ]; do
	if [ $((i % 2)) -eq 1 ]; then order=$RTAGS; else order=$RREV; fi
	printf '  round %d, B CPU per call:' "$i"
	for tag in $order; do relay_slice "$tag" "$i"; done
	echo
	i=$((i + 1))
done
for tag in $RTAGS; do
	eval "name=\$NAME_$tag t=\$T_$tag ok=\$OK_$tag bad=\$BAD_$tag"
	us=$((t * 1000000 / HZ / (ok > 0 ? ok : 1)))
	printf '  B = %-22s calls %s/%s failed %s: B CPU %d us per call\n' "$name" "$ok" $((PER * ROUNDS)) "$bad" "$us"
	rec "relay/$tag" "$us"
done
for tag in $RTAGS; do
	eval "a=\$A_$tag b=\$B_$tag u=\$U_$tag"
	stop "$a"; stop "$b"; stop "$u"
done
esac

# ------------------------------------------------------------ table
get() { awk -v k="$1" '$1 == k {v = $2} END {print v}' "$RES"; }
ratio() {   # A B: A/B with two decimals, "-" if either is missing
	if [ -n "$1" ] && [ -n "$2" ] && [ "$2" -gt 0 ]; then
		echo "$1 $2" | awk '{printf "%.2f", $1 / $2}'
	else
		echo "-"
	fi
}
echo
echo "Results ($(date -u +%Y-%m-%d), $(nproc) CPUs; us = CPU microseconds)"
printf '| %-30s |' "case"
for TC in $TCS; do printf ' ours tc=%s | baseline N=%s | ratio |' "$TC" "$TC"; done
printf ' Kamailio 5.6 tc=1 |\n'
printf '|%s|' "--------------------------------"
for TC in $TCS; do printf -- '---:|---:|---:|'; done
printf -- '---:|\n'
for c in RSA-2048 ECDSA-P256; do
	for v in 1.2 1.3; do
		printf '| %-30s |' "handshake $c TLS $v"
		for TC in $TCS; do
			o=$(get "hs/$c/$v/ours$TC"); b=$(get "hs/$c/$v/base$TC")
			printf ' %s us | %s us | %s |' "${o:--}" "${b:--}" "$(ratio "$o" "$b")"
		done
		printf ' %s us |\n' "$(get "hs/$c/$v/kam")"
	done
done
printf '| %-30s |' "idle TLS connection (N=$N)"
for TC in $TCS; do printf ' %s B | | |' "$(get "idle/ours$TC")"; done
printf ' %s B |\n' "$(get idle/kam)"
printf '| %-30s |' "TLS relay, CPU of B per call"
for TC in $TCS; do
	o=$(get "relay/ours$TC")
	printf ' %s us | | %s of Kamailio |' "${o:--}" "$(ratio "$o" "$(get relay/kam)")"
done
printf ' %s us |\n' "$(get relay/kam)"
