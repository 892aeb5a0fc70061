# disable_tcp=yes: a listen line without a protocol gives no TCP socket
# and no TCP process; UDP still works; forward_tcp() is refused by the
# config check.  Without it, the same line listens on TCP too.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
PROXY_PORT=$(free_port)
cat > "$TMPD/k.cfg" <<CFG
debug=2
log_stderror=yes
children=1
disable_tcp=yes
listen=127.0.0.1:$PROXY_PORT
loadmodule "sl"
route {
	sl_send_reply("200", "OK");
}
CFG
start_proxy "$TMPD/k.cfg"
sleep 0.5
options_ok udp "$PROXY_PORT" || fail "no UDP answer"
ss -Hltn "sport = :$PROXY_PORT" | grep -q . && fail "a TCP socket is open"
grep -q "tcp" "$TMPD/proxy.log" && { grep tcp "$TMPD/proxy.log"; fail "tcp in the log"; }
kids=$(ps -o pid= --ppid "$PROXY_PID" | wc -l)
note "processes besides the main one: $kids"
[ "$kids" -eq 2 ] || fail "expected 2 children (udp receiver, timer), got $kids"
kill "$PROXY_PID"; sleep 0.5
cat > "$TMPD/bad.cfg" <<CFG
disable_tcp=yes
listen=udp:127.0.0.1:$PROXY_PORT
route {
	forward_tcp("127.0.0.1", 5060);
}
CFG
"$KAMAILIO" -c -f "$TMPD/bad.cfg" > "$TMPD/bad.log" 2>&1 && fail "forward_tcp accepted with disable_tcp"
note "$(grep -i forward_tcp "$TMPD/bad.log" | head -1)"
# and without disable_tcp the same listen line serves TCP as well
PROXY_PORT=$(free_port)
sed -e '/disable_tcp/d' -e "s/^listen=.*/listen=127.0.0.1:$PROXY_PORT/" "$TMPD/k.cfg" > "$TMPD/k2.cfg"
start_proxy "$TMPD/k2.cfg"
wait_tcp "$PROXY_PORT" || fail "no TCP listener"
options_ok tcp "$PROXY_PORT" || fail "no TCP answer"
options_ok udp "$PROXY_PORT" || fail "no UDP answer"
assert_clean_log
