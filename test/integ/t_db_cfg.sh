# DB URLs in the config: "kamailio -c" refuses a URL that does not parse,
# one whose driver is not loaded, and a SQLite file that does not exist,
# each with file:line:col and the password masked (the check_url
# parameter of the driver modules exercises db_url_check(), which modules
# with a db_url will call); a config loading all three drivers with good
# URLs passes, and the proxy runs with them loaded (their symbols resolve
# against ./kamailio) and answers OPTIONS with a clean log.
. "$TOP/test/integ/lib.sh"
command -v sipsak >/dev/null || skip "sipsak not installed"
for m in db_sqlite mysql postgres; do
	[ -f "$TOP/modules/$m/$m.so" ] || fail "modules/$m/$m.so not built"
done

PROXY_PORT=$(free_port)
printf 'DBENGINE=SQLITE\nDB_PATH=%s\n' "$TMPD/kamailio.db" >"$TMPD/rc"
KAMCTLRC=$TMPD/rc sh "$TOP/scripts/kamdbctl" create ||
    fail "kamdbctl create failed"

cat > "$TMPD/bad.cfg" <<CFG
listen=udp:127.0.0.1:$PROXY_PORT
loadmodule "db_sqlite.so"
modparam("db_sqlite", "check_url", "mysql://kam:topsecret@127.0.0.1:99999/kamailio")
modparam("db_sqlite", "check_url", "mysql://kam:topsecret@127.0.0.1/kamailio")
modparam("db_sqlite", "check_url", "sqlite://$TMPD/nonexistent.db")
modparam("db_sqlite", "check_url", "kamailio.db")
modparam("db_sqlite", "check_url", "sqlite://$TMPD/kamailio.db")
route { exit; }
CFG
"$KAMAILIO" -c -f "$TMPD/bad.cfg" > "$TMPD/bad.out" 2>&1 &&
    { cat "$TMPD/bad.out"; fail "a config with bad DB URLs passed -c"; }
cat "$TMPD/bad.out"
grep -q "bad.cfg:3:[0-9]*: URL 'mysql://kam:\*\*\*@127.0.0.1:99999/kamailio' does not parse: port '99999' is not a number in 1..65535 (expected scheme://\[user\[:password\]@\]host\[:port\]/database)" \
    "$TMPD/bad.out" || fail "no file:line error for the bad port"
grep -q "bad.cfg:4:[0-9]*: URL 'mysql://kam:\*\*\*@127.0.0.1/kamailio': no DB driver loaded for scheme 'mysql' (loadmodule \"mysql.so\"?)" \
    "$TMPD/bad.out" || fail "no file:line error for the missing driver"
grep -q "bad.cfg:5:[0-9]*: .*database file '$TMPD/nonexistent.db' does not exist (create it with kamdbctl create)" \
    "$TMPD/bad.out" || fail "no file:line error for the missing SQLite file"
grep -q "bad.cfg:6:[0-9]*: URL 'kamailio.db' does not parse: no scheme://" \
    "$TMPD/bad.out" || fail "no file:line error for a URL without scheme"
grep -q "bad.cfg:7:" "$TMPD/bad.out" && fail "the good URL was refused"
grep -q "4 errors in the configuration" "$TMPD/bad.out" || fail "not 4 errors"
grep -q topsecret "$TMPD/bad.out" && fail "the password shows in an error"

cat > "$TMPD/k.cfg" <<CFG
debug=3
fork=yes
log_stderror=yes
children=2
listen=udp:127.0.0.1:$PROXY_PORT
loadmodule "sl"
loadmodule "db_sqlite.so"
loadmodule "mysql.so"
loadmodule "postgres.so"
modparam("db_sqlite", "query_timeout", 2)
modparam("mysql", "connect_timeout", 3)
modparam("postgres", "query_timeout", 5)
modparam("db_sqlite", "check_url", "sqlite://$TMPD/kamailio.db")
modparam("mysql", "check_url", "mysql://kam:topsecret@[::1]:3306/kamailio")
modparam("postgres", "check_url", "postgresql://kam@db.example.com/kamailio")
route {
	if (method=="OPTIONS") {
		sl_send_reply("200", "Alive");
		exit;
	};
	sl_send_reply("404", "Not Here");
}
CFG
start_proxy "$TMPD/k.cfg"
out=$(sipsak -vv -s "sip:127.0.0.1" -r "$PROXY_PORT" 2>&1) || true
echo "$out" | grep -q "200 Alive" || { echo "$out"; fail "no 200 Alive reply"; }
stop_proxy
assert_clean_log
echo "ok"
