# The command line and process model: -V, -h, -c (good and bad configs,
# every error as file:line:col), -P, -u, fork=no, a dead child restarted,
# and a clean stop on SIGTERM.
. "$TOP/test/integ/lib.sh"
"$KAMAILIO" -V > "$TMPD/v.txt" || fail "-V failed"
grep -q "^OpenSSL: OpenSSL 3" "$TMPD/v.txt" || fail "-V does not show the OpenSSL version"
grep -q "^TLS: " "$TMPD/v.txt" || fail "-V does not say whether TLS is compiled in"
"$KAMAILIO" -h | grep -q -- "-c " || fail "-h has no -c"
"$KAMAILIO" -Z > /dev/null 2>&1; [ $? -eq 2 ] || fail "a bad option must exit 2"

cat > "$TMPD/bad.cfg" <<'CFG'
debug=3
children=0
loadmodule "nosuchmodule"
route {
	nosuchfunction();
	if (uri=~"(") { exit; }
}
CFG
"$KAMAILIO" -c -f "$TMPD/bad.cfg" > "$TMPD/bad.out" 2>&1 && fail "a bad config passed -c"
cat "$TMPD/bad.out"
grep -q "bad.cfg:2:[0-9]*: children" "$TMPD/bad.out" || fail "no error for children=0"
grep -q "bad.cfg:3:[0-9]*: .*nosuchmodule" "$TMPD/bad.out" || fail "no error for the missing module"
grep -q "bad.cfg:5:[0-9]*: unknown function nosuchfunction" "$TMPD/bad.out" || fail "no error for the unknown function"
grep -q "bad.cfg:6:[0-9]*: bad regular expression" "$TMPD/bad.out" || fail "no error for the bad regex"

# every bad config of the config tests: refused with exit 1, never a crash
for f in "$TOP"/test/cfg/bad/*.cfg; do
	"$KAMAILIO" -c -f "$f" > /dev/null 2>&1
	rc=$?
	[ $rc -eq 1 ] || fail "kamailio -c $f exited $rc"
done
# -u/-g win over user=/group= (and the config's values are freed
# safely: this used to free the command line's string)
printf 'user="root"\ngroup="root"\nroute { exit; }\n' > "$TMPD/user.cfg"
"$KAMAILIO" -c -u nobody -g nogroup -f "$TMPD/user.cfg" > "$TMPD/user.out" 2>&1 ||
	{ cat "$TMPD/user.out"; fail "-c -u with user= in the config failed"; }
for f in "$TOP"/test/cfg/good/*.cfg; do
	"$KAMAILIO" -c -f "$f" > "$TMPD/good.out" 2>&1
	rc=$?
	[ $rc -le 1 ] || fail "kamailio -c $f exited $rc"
done

PROXY_PORT=$(free_port)
cat > "$TMPD/k.cfg" <<CFG
log_stderror=yes
debug=3
children=2
disable_tcp=yes
listen=udp:127.0.0.1:$PROXY_PORT
loadmodule "sl"
route { sl_send_reply("200", "OK"); }
CFG
mkdir "$TMPD/run" && chmod 777 "$TMPD/run"
start_proxy "$TMPD/k.cfg" -P "$TMPD/run/k.pid" -u nobody
[ "$(cat "$TMPD/run/k.pid")" = "$PROXY_PID" ] || fail "pid file does not hold the main pid"
child=$(pgrep -P "$PROXY_PID" | head -n 1)
[ -n "$child" ] || fail "no child processes"
[ "$(ps -o user= -p "$child" | tr -d ' ')" = "nobody" ] || fail "-u nobody did not drop privileges"
kill -9 "$child"
i=0
while [ $i -lt 30 ] && ! grep -q "killed by signal 9" "$TMPD/proxy.log"; do sleep 0.1; i=$((i + 1)); done
grep -q "killed by signal 9" "$TMPD/proxy.log" || fail "the dead child was not noticed"
sleep 0.5
n=$(pgrep -P "$PROXY_PID" | wc -l)
[ "$n" -eq 3 ] || fail "expected 3 children after the restart, got $n"
cat > "$TMPD/o.sip" <<'MSG'
OPTIONS sip:127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:@LPORT@;branch=z9hG4bKcmd
Max-Forwards: 70
From: <sip:t@test>;tag=1
To: <sip:127.0.0.1>
Call-ID: cmd@test
CSeq: 1 OPTIONS
Content-Length: 0

MSG
sed -i 's/$/\r/' "$TMPD/o.sip"
send_udp "$PROXY_PORT" "$TMPD/o.sip" | grep -q "^SIP/2.0 200 OK" || fail "no answer after the restart"
kill "$PROXY_PID"
i=0
while [ $i -lt 50 ] && kill -0 "$PROXY_PID" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
kill -0 "$PROXY_PID" 2>/dev/null && fail "SIGTERM did not stop the proxy"
[ -e "$TMPD/run/k.pid" ] && fail "pid file left behind"

# fork=no: one process serves the first UDP socket
PROXY_PORT=$(free_port)
sed -e "s/^children=2/fork=no/" -e "s/127.0.0.1:[0-9]*/127.0.0.1:$PROXY_PORT/" "$TMPD/k.cfg" > "$TMPD/nf.cfg"
start_proxy "$TMPD/nf.cfg"
[ -z "$(pgrep -P "$PROXY_PID")" ] || fail "fork=no started child processes"
send_udp "$PROXY_PORT" "$TMPD/o.sip" | grep -q "^SIP/2.0 200 OK" || fail "fork=no does not answer"
assert_clean_log "killed by signal 9"

# -M caps private memory; a config check fits in 1 MB
"$KAMAILIO" -M 1 -c -f "$TMPD/k.cfg" > /dev/null 2>&1 || fail "-M 1 is enough for -c"

# listen=tcp: with disable_tcp=yes is refused, not silently unserved
printf 'disable_tcp=yes\nlisten=tcp:127.0.0.1:5099\nroute { exit; }\n' > "$TMPD/dt.cfg"
"$KAMAILIO" -c -f "$TMPD/dt.cfg" > "$TMPD/dt.out" 2>&1 && fail "listen=tcp with disable_tcp passed -c"
grep -q "dt.cfg:2: listen=tcp:127.0.0.1: TCP is disabled" "$TMPD/dt.out" || { cat "$TMPD/dt.out"; fail "no clear error for listen=tcp with disable_tcp"; }
