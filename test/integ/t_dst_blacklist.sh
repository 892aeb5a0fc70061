# The destination blocklist (use_dst_blacklist=yes, dst_blacklist_expire
# 3 s) with t_relay():
# (a) a TLS next hop whose handshake fails (a server that accepts and
#     closes: it counts the connections) is tried once: the second call
#     makes no second connection and gets 503 at once; after the expiry
#     it is tried again; dst_blacklist.flush also lets it be tried again;
# (b) a TCP next hop that refuses (ECONNREFUSED) is entered and skipped
#     (statistics dst_blacklist:refused stays 1, skipped counts);
#     stateless forward_tcp() does not send to it either;
# (c) a silent UDP next hop (no reply before fr_timer) is entered, and the
#     next call gets its 503 without waiting for fr_timer;
# (d) with two SRV targets, the first blocked, the request goes straight
#     to the second; dst_blacklist.view lists the entries.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tls.sh"
. "$TOP/test/integ/lib_tm.sh"
command -v mkfifo >/dev/null || skip "mkfifo not installed"
command -v dnsmasq >/dev/null || skip "dnsmasq not installed (dnsmasq-base)"
PROXY_PORT=$(free_port); P_TLS=$(free_port); ACC=$(free_port)
CLOSED=$(free_port); MUTE=$(free_port); DNS_PORT=$(free_port)
OK_PORT=$(free_port); CLOSED2=$(free_port)
FIFO=$TMPD/fifo
KAMCTLRC=$TMPD/kamctlrc; export KAMCTLRC
printf 'FIFO_PATH=%s\nFIFO_TIMEOUT=5\n' "$FIFO" > "$KAMCTLRC"
kamctl() { timeout 20 sh "$TOP/scripts/kamctl" "$@" </dev/null; }
stat() { kamctl stats "dst_blacklist:$1" | sed -n "s/^dst_blacklist:$1 = //p"; }
C=$TMPD/ca
mk_ca "$C"
mk_cert "$C" a "IP:127.0.0.1"

# a TLS "server" that accepts and closes at once; prints one line per
# connection
python3 - "$ACC" > "$TMPD/acc.log" 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16); s.settimeout(1)
stop = time.time() + 300
while time.time() < stop:
    try:
        c, a = s.accept()
    except socket.timeout:
        continue
    print("conn", a, flush=True)
    c.close()
PY
PIDS="$PIDS $!"
# a UDP next hop that never answers, and one that answers 200
python3 - "$MUTE" "$OK_PORT" > "$TMPD/udp.log" 2>&1 <<'PY' &
import select, socket, sys, time
m = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); m.bind(("127.0.0.1", int(sys.argv[1])))
o = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); o.bind(("127.0.0.1", int(sys.argv[2])))
stop = time.time() + 300
while time.time() < stop:
    r, _, _ = select.select([m, o], [], [], 1)
    for s in r:
        d, a = s.recvfrom(65535)
        if s is m:
            print("mute got", len(d), flush=True)
            continue
        t = d.decode("latin-1")
        if t.startswith("SIP/2.0") or t.startswith("ACK"):
            continue
        hs = [l for l in t.split("\r\n")[1:] if l.split(":")[0].lower() in
              ("via", "from", "to", "call-id", "cseq")]
        r200 = "SIP/2.0 200 OK\r\n" + "\r\n".join(hs) + "\r\nContent-Length: 0\r\n\r\n"
        print("ok got", flush=True)
        s.sendto(r200.encode(), a)
PY
PIDS="$PIDS $!"
start_bg dns dnsmasq --no-daemon --keep-in-foreground --conf-file=/dev/null \
	--no-resolv --no-hosts --listen-address=127.0.0.1 --port="$DNS_PORT" \
	--bind-interfaces --pid-file --user=nobody --local=/test/ \
	--srv-host=_sip._udp.fo.test,mute.fo.test,"$MUTE",0,0 \
	--srv-host=_sip._udp.fo.test,ok.fo.test,"$OK_PORT",10,0 \
	--host-record=mute.fo.test,127.0.0.1 --host-record=ok.fo.test,127.0.0.1
wait_udp "$DNS_PORT" || { cat "$TMPD/dns.log"; fail "dnsmasq did not start"; }

FR_TIMER=2
tm_cfg "$TMPD/k.cfg" "	if (\$rU == \"tlsdead\") {
		t_relay(\"tls:127.0.0.1:$ACC\");
	} else if (\$rU == \"refuse\") {
		t_relay(\"tcp:127.0.0.1:$CLOSED\");
	} else if (\$rU == \"slrefuse\") {
		if (!forward_tcp(\"127.0.0.1\", $CLOSED2))
			sl_send_reply(\"500\", \"Not Forwarded\");
	} else if (\$rU == \"mute\") {
		t_relay(\"udp:127.0.0.1:$MUTE\");
	} else {
		rewritehostport(\"fo.test\");
		t_relay();
	}"
sed -i "s|^log_stderror=yes|log_stderror=yes\\
fifo=\"$FIFO\"\\
dns_server=\"127.0.0.1:$DNS_PORT\"\\
use_dst_blacklist=yes\\
dst_blacklist_expire=3\\
listen=tls:127.0.0.1:$P_TLS\\
tls_certificate=\"$C/a/cert.pem\"\\
tls_private_key=\"$C/a/privkey.pem\"\\
tls_ca_list=\"$C/cacert.pem\"|" "$TMPD/k.cfg"
start_proxy "$TMPD/k.cfg"
i=0
while [ $i -lt 50 ] && ! [ -p "$FIFO" ]; do sleep 0.1; i=$((i + 1)); done

# opt USER TAG [TIMEOUT]: one OPTIONS; prints the status code and the ms
opt() {
	cat > "$TMPD/o.sip" <<SIP
OPTIONS sip:$1@127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:@LPORT@;branch=z9hG4bKbl$2
From: <sip:t@127.0.0.1>;tag=$2
To: <sip:$1@127.0.0.1>
Call-ID: bl-$2
CSeq: 1 OPTIONS
Max-Forwards: 70
Content-Length: 0

SIP
	sed -i 's/$/\r/' "$TMPD/o.sip"
	t0=$(date +%s%N)
	send_udp "$PROXY_PORT" "$TMPD/o.sip" "${3:-8}" > "$TMPD/o.out"
	echo "$(head -n 1 "$TMPD/o.out" | cut -d' ' -f2) $(( ($(date +%s%N) - t0) / 1000000 ))"
}
conns() { grep -c conn "$TMPD/acc.log"; }
# wait_conns N: until the TLS server has seen N connections (bounded)
wait_conns() {
	i=0
	while [ "$(conns)" -lt "$1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}

# (a) TLS handshake failure
set -- $(opt tlsdead 1)
wait_conns 1
note "(a) call 1 to a TLS hop that fails the handshake: $1 after $2 ms, connections $(conns)"
[ "$1" = 503 ] && [ "$(conns)" = 1 ] || fail "(a) first call: want 503 and one connection"
[ "$(stat tls_failed)" = 1 ] || fail "(a) dst_blacklist:tls_failed = $(stat tls_failed)"
set -- $(opt tlsdead 2)
note "(a) call 2: $1 after $2 ms, connections $(conns)"
[ "$1" = 503 ] || fail "(a) second call: want 503, got $1"
sleep 0.5
[ "$(conns)" = 1 ] || fail "(a) second call opened a connection to a blocked hop"
kamctl dst_blacklist view > "$TMPD/view" || fail "dst_blacklist view"
sed 's/^/  view| /' "$TMPD/view"
grep -q "^tls:127.0.0.1:$ACC ttl=[0-9] reason=tls$" "$TMPD/view" || fail "(a) dst_blacklist.view: no entry"
sleep 3.5
set -- $(opt tlsdead 3)
wait_conns 2
note "(a) call 3 after the expiry (3 s): $1, connections $(conns)"
[ "$(conns)" = 2 ] || fail "(a) not tried again after dst_blacklist_expire"
kamctl dst_blacklist flush | grep -q "^flushed: 1$" || fail "(a) dst_blacklist.flush"
set -- $(opt tlsdead 4)
wait_conns 3
[ "$(conns)" = 3 ] || fail "(a) not tried again after dst_blacklist.flush"
note "(a) dst_blacklist.flush: tried again (connections $(conns))"

# (b) TCP refused
set -- $(opt refuse 5)
note "(b) call 1 to a TCP hop that refuses: $1 after $2 ms"
[ "$1" = 503 ] || fail "(b) first call: want 503, got $1"
[ "$(stat refused)" = 1 ] || fail "(b) dst_blacklist:refused = $(stat refused)"
sk=$(stat skipped)
set -- $(opt refuse 6)
note "(b) call 2: $1 after $2 ms; refused $(stat refused), skipped $sk -> $(stat skipped)"
[ "$1" = 503 ] || fail "(b) second call: want 503, got $1"
[ "$(stat refused)" = 1 ] || fail "(b) the refusing hop was tried again"
[ "$(stat skipped)" -gt "$sk" ] || fail "(b) no skip counted"

# (b2) stateless forward() to a TCP hop that refuses: the first is sent
# (the connect fails later), the second is not sent at all
r0=$(stat refused)
set -- $(opt slrefuse 11 1)
note "(b2) forward_tcp() to a refusing hop, call 1: '$1' (no reply expected)"
i=0
while [ "$(stat refused)" = "$r0" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(stat refused)" = $((r0 + 1)) ] || fail "(b2) refused hop not entered by forward_tcp()"
set -- $(opt slrefuse 12)
note "(b2) call 2: $1 after $2 ms"
[ "$1" = 500 ] || fail "(b2) second forward_tcp(): want the script's 500 (not forwarded), got '$1'"
[ "$(stat refused)" = $((r0 + 1)) ] || fail "(b2) the refusing hop was tried again by forward_tcp()"

# (c) UDP timeout
set -- $(opt mute 7)
note "(c) call 1 to a silent UDP hop: $1 after $2 ms (fr_timer 2 s)"
[ "$1" = 408 ] || fail "(c) first call: want 408, got $1"
[ "$(stat timeout)" = 1 ] || fail "(c) dst_blacklist:timeout = $(stat timeout)"
set -- $(opt mute 8)
note "(c) call 2: $1 after $2 ms"
[ "$1" = 503 ] && [ "$2" -lt 1500 ] || fail "(c) second call: want a 503 at once, got $1 after $2 ms"

# (d) SRV failover straight to the second target
kamctl dst_blacklist flush > /dev/null
set -- $(opt fo 9)
note "(d) call 1 to fo.test (SRV: silent hop, then a 200 hop): $1 after $2 ms"
[ "$1" = 200 ] || fail "(d) first call: want 200 via failover, got $1"
sleep 0.5
m1=$(grep -c 'mute got' "$TMPD/udp.log")
set -- $(opt fo 10)
sleep 0.5
m2=$(grep -c 'mute got' "$TMPD/udp.log")
[ "$m1" = "$m2" ] || fail "(d) the blocked SRV target got the request again ($m1 -> $m2 datagrams)"
note "(d) call 2: $1 after $2 ms (the silent target is skipped)"
[ "$1" = 200 ] && [ "$2" -lt 1500 ] || fail "(d) second call: want 200 at once, got $1 after $2 ms"

kamctl dst_blacklist view | grep -q "^udp:127.0.0.1:$MUTE ttl=[0-9] reason=timeout$" ||
	fail "(d) dst_blacklist.view: no timeout entry"
proxy_alive || fail "proxy died"
assert_clean_log
note "ok"
