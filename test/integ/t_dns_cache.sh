# The shared DNS cache with tm's RFC 3263 resolution (use_dns_cache=yes,
# the default), against a local dnsmasq (--log-queries counts what it is
# asked) and a python DNS server that answers after 3 s:
# (a) 100 relays to a name (SRV -> A, sipp) make one A query;
# (b) after the TTL the name is asked again;
# (c) FIFO dns.view lists the entries (records, negative ones),
#     dns.flush NAME / dns.flush empty them (kamctl dns view / flush);
# (d) dnsmasq stopped mid-run: the cached name keeps working until its
#     TTL, then gets 503; calls to an IP keep their rate meanwhile;
# (e) a DNS server that answers after 3 s: while lookups of a name are
#     pending, calls that need no lookup are not slowed (100 calls to an
#     IP at 50/s finish within a bound, none fails).
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tm.sh"
command -v dnsmasq >/dev/null || skip "dnsmasq not installed (dnsmasq-base)"
command -v sipp >/dev/null || skip "sipp not installed"
command -v mkfifo >/dev/null || skip "mkfifo not installed"
PROXY_PORT=$(free_port); DNS_PORT=$(free_port); SLOW_PORT=$(free_port)
UAS_PORT=$(free_port); UAC_PORT=$(free_port)
TTL=8
FIFO=$TMPD/fifo
KAMCTLRC=$TMPD/kamctlrc; export KAMCTLRC
printf 'FIFO_PATH=%s\nFIFO_TIMEOUT=5\n' "$FIFO" > "$KAMCTLRC"
kamctl() { timeout 20 sh "$TOP/scripts/kamctl" "$@" </dev/null; }

start_bg dns dnsmasq --no-daemon --keep-in-foreground --conf-file=/dev/null \
	--no-resolv --no-hosts --listen-address=127.0.0.1 --port="$DNS_PORT" \
	--bind-interfaces --pid-file --user=nobody --local=/test/ \
	--log-queries --log-facility=- --local-ttl="$TTL" \
	--srv-host=_sip._udp.c.test,uas.c.test,"$UAS_PORT",0,0 \
	--host-record=uas.c.test,127.0.0.1
wait_udp "$DNS_PORT" || { cat "$TMPD/dns.log"; fail "dnsmasq did not start"; }
# queries NAME TYPE: how many times dnsmasq was asked
queries() { grep -c "query\[$2\] $1 from" "$TMPD/dns.log"; }
# wait_queries NAME TYPE N: until dnsmasq has logged N queries (bounded)
wait_queries() {
	i=0
	while [ "$(queries "$1" "$2")" -lt "$3" ] && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
}

start_bg uas sipp -sn uas -i 127.0.0.1 -p "$UAS_PORT" -nostdin \
	-trace_err -error_file "$TMPD/uas_err.log"
wait_udp "$UAS_PORT" || fail "sipp UAS did not start"

CHILDREN=4
tm_cfg "$TMPD/k.cfg" "	if (\$rU == \"name\")
		rewritehostport(\"c.test\");
	else if (\$rU == \"slow\")
		rewritehostport(\"slow.test:$UAS_PORT\");
	else
		rewritehostport(\"127.0.0.1:$UAS_PORT\");
	if (!t_relay())
		sl_reply_error();"
sed -i "s|^log_stderror=yes|log_stderror=yes\\
fifo=\"$FIFO\"\\
dns_server=\"127.0.0.1:$DNS_PORT\"\\
dns_cache_negative_ttl=30|" "$TMPD/k.cfg"
start_proxy "$TMPD/k.cfg"
i=0
while [ $i -lt 50 ] && ! [ -p "$FIFO" ]; do sleep 0.1; i=$((i + 1)); done

# uac USER N RATE TAG: N calls through the proxy; prints "ok failed secs"
uac() {
	t0=$(date +%s%N)
	timeout 120 sipp -sn uac -s "$1" -i 127.0.0.1 -p "$UAC_PORT" -nostdin \
		-default_behaviors all,-abortunexp -m "$2" -r "$3" -timeout 60 \
		-timeout_error -trace_err -error_file "$TMPD/uac_$4_err.log" \
		"127.0.0.1:$PROXY_PORT" > "$TMPD/uac_$4.log" 2>&1
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "$(sipp_counts "$TMPD/uac_$4.log") $ms"
}

# (a) one lookup for 100 calls
set -- $(uac name 100 50 a)
note "(a) 100 calls to sip:name@c.test: ok $1, failed $2, $3 ms"
[ "$1" = 100 ] && [ "$2" = 0 ] || { tail -n 20 "$TMPD/uac_a.log"; fail "(a) calls failed"; }
qa=$(queries uas.c.test A); qs=$(queries _sip._udp.c.test SRV)
note "(a) dnsmasq asked: A uas.c.test $qa time(s), SRV _sip._udp.c.test $qs time(s)"
[ "$qa" = 1 ] && [ "$qs" = 1 ] || fail "(a) expected one query each, got A=$qa SRV=$qs"

hits=$(kamctl stats dns:cache_hits | sed -n 's/^dns:cache_hits = //p')
note "(a) statistic dns:cache_hits = $hits"
[ "${hits:-0}" -ge 100 ] || fail "(a) dns:cache_hits = '$hits', want at least 100"

# (c) dns.view and dns.flush
kamctl dns view > "$TMPD/view" || { cat "$TMPD/view"; fail "dns view"; }
sed 's/^/  view| /' "$TMPD/view"
grep -q "^uas.c.test A ttl=[0-9]* records: 127.0.0.1$" "$TMPD/view" ||
	fail "(c) dns.view: no A entry of uas.c.test"
grep -q "^_sip._udp.c.test SRV ttl=[0-9]* records: 0 0 $UAS_PORT uas.c.test$" "$TMPD/view" ||
	fail "(c) dns.view: no SRV entry"
grep -q "^c.test NAPTR ttl=[0-9]* negative$" "$TMPD/view" ||
	fail "(c) dns.view: no negative NAPTR entry of c.test"
kamctl fifo dns.view json > "$TMPD/view.json" || fail "dns.view json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any(e["name"]=="uas.c.test" and e["records"]==["127.0.0.1"] for e in d["entries"])' "$TMPD/view.json" ||
	fail "(c) dns.view json"
kamctl dns flush uas.c.test > "$TMPD/flush" || fail "dns flush NAME"
grep -q "^flushed: 2$" "$TMPD/flush" || { cat "$TMPD/flush"; fail "(c) dns.flush uas.c.test: want 2 (A, AAAA)"; }
kamctl dns view | grep -q "^uas.c.test " && fail "(c) uas.c.test still cached after dns.flush"
set -- $(uac name 5 50 c)
[ "$1" = 5 ] || fail "(c) calls after flush failed"
wait_queries uas.c.test A 2
[ "$(queries uas.c.test A)" = 2 ] || fail "(c) after dns.flush NAME: want a second A query, got $(queries uas.c.test A)"
[ "$(queries _sip._udp.c.test SRV)" = 1 ] || fail "(c) the SRV entry was flushed too"
kamctl dns flush | grep -q "^flushed: [1-9]" || fail "(c) dns.flush: nothing flushed"
kamctl dns view | grep -q "^entries: 0," || fail "(c) entries left after dns.flush"
note "(c) dns.view lists records and negative entries; dns.flush NAME and dns.flush work"

# (b) TTL expiry: cached now, asked again once the TTL has passed
set -- $(uac name 5 50 b1)
[ "$1" = 5 ] || fail "(b) calls failed"
q0=$(queries uas.c.test A)
sleep $((TTL + 1))
set -- $(uac name 5 50 b2)
[ "$1" = 5 ] || fail "(b) calls after the TTL failed"
wait_queries uas.c.test A $((q0 + 1))
q1=$(queries uas.c.test A)
[ "$q1" = $((q0 + 1)) ] || fail "(b) after the TTL ($TTL s): want one more A query, got $q0 -> $q1"
note "(b) TTL $TTL s expired: asked again ($q0 -> $q1 queries)"

# (d) dnsmasq stopped: the cached name works until its TTL
set -- $(uac name 5 50 d0)
[ "$1" = 5 ] || fail "(d) calls failed"
t_fill=$(date +%s)
kill "$PID_dns"
i=0
while kill -0 "$PID_dns" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
set -- $(uac name 20 50 d1)
note "(d) dnsmasq stopped: 20 calls to the cached name: ok $1, failed $2"
[ "$(( $(date +%s) - t_fill ))" -lt "$TTL" ] || skip "(d) too slow a machine: the TTL passed before the check"
[ "$1" = 20 ] || fail "(d) cached name failed with dnsmasq stopped"
set -- $(uac ip 100 50 d2)
note "(d) dnsmasq stopped: 100 calls to an IP at 50/s: ok $1, failed $2, $3 ms"
[ "$1" = 100 ] && [ "$3" -lt 10000 ] || fail "(d) IP calls: ok $1 in $3 ms"
while [ "$(( $(date +%s) - t_fill ))" -le "$TTL" ]; do sleep 0.2; done
sleep 1
# the TTL has passed, no server: 503, and IP calls keep their rate
python3 - "$PROXY_PORT" 40 > "$TMPD/name503.log" 2>&1 <<'PY' &
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); s.settimeout(0.2)
lp = s.getsockname()[1]; codes = {}
for i in range(n):
    m = ("OPTIONS sip:name@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKn%d\r\n"
         "From: <sip:t@127.0.0.1>;tag=%d\r\nTo: <sip:name@127.0.0.1>\r\nCall-ID: n%d@t\r\n"
         "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n") % (lp, i, i, i)
    s.sendto(m.encode(), ("127.0.0.1", port))
    t = time.time() + 0.1
    while time.time() < t:
        try:
            d = s.recv(4096).decode("latin-1"); c = d.split(" ", 2)[1]
            codes[c] = codes.get(c, 0) + 1
        except socket.timeout:
            break
    time.sleep(0.05)
print(" ".join("%s=%d" % kv for kv in sorted(codes.items())))
PY
NPID=$!
set -- $(uac ip 100 50 d3)
wait "$NPID"
note "(d) TTL passed, no DNS server: name calls got $(cat "$TMPD/name503.log"); 100 IP calls: ok $1, failed $2, $3 ms"
grep -q "503=" "$TMPD/name503.log" || fail "(d) name calls without a server: no 503"
[ "$1" = 100 ] && [ "$2" = 0 ] && [ "$3" -lt 10000 ] || fail "(d) IP calls slowed or failed: ok $1 failed $2 in $3 ms"
proxy_alive || fail "proxy died"

# (e) a DNS server that answers after 3 s
python3 - "$SLOW_PORT" > "$TMPD/slow.log" 2>&1 <<'PY' &
import socket, struct, sys, threading, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
def answer(q, a):
    time.sleep(3)
    qd = q[12:]; end = qd.index(b"\0") + 5
    qtype = struct.unpack(">H", qd[end - 4:end - 2])[0]
    if qtype == 1:
        h = q[:2] + b"\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00"
        rr = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00\x01"
    else:
        h = q[:2] + b"\x81\x80\x00\x01\x00\x00\x00\x00\x00\x00"
        rr = b""
    s.sendto(h + qd[:end] + rr, a)
stop = time.time() + 120
s.settimeout(1)
while time.time() < stop:
    try:
        q, a = s.recvfrom(2048)
    except socket.timeout:
        continue
    print("query", len(q), flush=True)
    threading.Thread(target=answer, args=(q, a), daemon=True).start()
PY
PIDS="$PIDS $!"
wait_udp "$SLOW_PORT" || fail "slow DNS server did not start"
stop_proxy
mv "$TMPD/proxy.log" "$TMPD/proxy1.log"
sed -i "s|^dns_server=.*|dns_server=\"127.0.0.1:$SLOW_PORT\"|" "$TMPD/k.cfg"
sed -i "s|^loadmodule \"tm\"|loadmodule \"tm\"\\
modparam(\"tm\", \"dns_timeout\", 5000)|" "$TMPD/k.cfg"
start_proxy "$TMPD/k.cfg"
# calls to slow.test (A/AAAA pending 3 s) beside 100 calls to an IP
timeout 60 sipp -sn uac -s slow -i 127.0.0.1 -p "$(free_port)" -nostdin \
	-default_behaviors all,-abortunexp -m 20 -r 5 -timeout 30 \
	"127.0.0.1:$PROXY_PORT" > "$TMPD/uac_slow.log" 2>&1 &
SPID=$!
PIDS="$PIDS $SPID"
i=0
while ! grep -q query "$TMPD/slow.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q query "$TMPD/slow.log" || fail "(e) the slow server was not asked"
set -- $(uac ip 100 50 e)
wait "$SPID"
nq=$(grep -c query "$TMPD/slow.log")
note "(e) DNS answering after 3 s ($nq queries): 100 calls to an IP at 50/s: ok $1, failed $2, $3 ms; calls to slow.test: $(sipp_counts "$TMPD/uac_slow.log")"
[ "$1" = 100 ] && [ "$2" = 0 ] || fail "(e) IP calls failed beside pending lookups"
[ "$3" -lt 8000 ] || fail "(e) IP calls slowed: $3 ms for 100 calls at 50/s"
proxy_alive || fail "proxy died"
assert_clean_log
note "ok"
