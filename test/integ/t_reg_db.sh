# usrloc with a database: db_mode 1 (write-through), 2 (write-back) and 3
# (database only) on SQLite, MariaDB and PostgreSQL (servers started here
# on 127.0.0.1 by test/db/servers.sh, schema by kamdbctl).  In each mode:
# REGISTERs land in the location table (mode 2 after one timer pass),
# lookup() routes a call to the registered UA, a binding that expires
# leaves memory and the table, a refresh is an upsert by ruid (one row),
# and "Contact: *" empties both.  Modes 1 and 2: a restart of the proxy
# keeps the registrations (loaded from the table).  Mode 3: a second
# proxy sharing the table sees the first one's registrations, in calls
# and in its ul_dump.  Mode 1 on
# SQLite: when a write fails (the table renamed away) the REGISTER gets
# 500 and nothing changes in memory.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_reg.sh"
. "$TOP/test/db/servers.sh"
command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 not installed"
[ -f "$TOP/modules/db_sqlite/db_sqlite.so" ] || fail "db_sqlite not built"
KDB=$TOP/scripts/kamdbctl
ROOTPW=rootpw-$$
RWPW=rw-$$

db_cleanup() {
	mdb_stop
	pg_stop
	cleanup
}
trap db_cleanup EXIT INT TERM

kdb() {
	timeout 120 sh "$KDB" "$@" </dev/null >"$TMPD/kdb.out" 2>&1 ||
	    { cat "$TMPD/kdb.out"; fail "kamdbctl $*"; }
}

# rows SQL: the engine's answer to one SELECT (first column of the first
# row), through its own client
rows() {
	case $ENG in
	sqlite) sqlite3 "$TMPD/kamailio.db" "$1" ;;
	mysql) mariadb --no-defaults -S "$MDB_SOCK" -u root -p"$ROOTPW" \
	    -N -B kam_test -e "$1" ;;
	pgsql) PGPASSWORD=$ROOTPW "$PG_BIN/psql" -h 127.0.0.1 -p "$PPORT" \
	    -U postgres -d kam_test -tA -c "$1" ;;
	esac
}

# start_ua: a UDP UA on $UA_PORT that answers every INVITE 486, and sends
# REGISTERs from that same port when told to over a control datagram
# ("REG proxyport user contactport expires cseq"), so that its Contact and
# its source agree as a real phone's do (background)
start_ua() {
	UA_PORT=$(free_port)
	start_bg ua python3 -c "
import socket, time
from regua import reply, parse, code_of
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', $UA_PORT)); s.settimeout(0.5)
ctl = None; end = time.time() + 600
while time.time() < end:
    try:
        m, a = s.recvfrom(65535)
    except socket.timeout:
        continue
    if m.startswith(b'INVITE '):
        s.sendto(reply(m, 486, 'Busy Here', 'u'), a)
    elif m.startswith(b'REG '):
        ctl = a
        _, pp, user, cp, exp, cseq = m.decode().split()
        c = '*' if cp == '*' else '<sip:%s@127.0.0.1:%s>' % (user, cp)
        r = ('REGISTER sip:127.0.0.1 SIP/2.0\\r\\nVia: SIP/2.0/UDP 127.0.0.1:$UA_PORT;branch=z9hG4bKr%s%s;rport\\r\\n'
             'From: <sip:%s@127.0.0.1>;tag=r\\r\\nTo: <sip:%s@127.0.0.1>\\r\\nCall-ID: db-%s\\r\\n'
             'CSeq: %s REGISTER\\r\\nContact: %s\\r\\nExpires: %s\\r\\nContent-Length: 0\\r\\n\\r\\n'
             % (cseq, user, user, user, user, cseq, c, exp))
        s.sendto(r.encode(), ('127.0.0.1', int(pp)))
    elif m.startswith(b'SIP/2.0') and ctl is not None:
        first = m.split(b'\\r\\n', 1)[0].decode()
        if code_of(first) >= 200 and b'REGISTER' in m:
            s.sendto(str(code_of(first)).encode(), ctl); ctl = None
"
}

# reg USER CONTACT_PORT EXPIRES [CSEQ [PROXY]]: one REGISTER sent by the
# UA (CONTACT_PORT "ua": its own port, "*": Contact: *); prints the code
reg() {
	cp=$2; [ "$cp" = ua ] && cp=$UA_PORT
	python3 - "$UA_PORT" "${5:-$PROXY_PORT}" "$1" "$cp" "$3" "${4:-1}" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)
s.sendto(("REG %s %s %s %s %s" % tuple(sys.argv[2:])).encode(), ("127.0.0.1", int(sys.argv[1])))
try:
    print(s.recv(100).decode())
except socket.timeout:
    print(0)
PY
}

# call USER [PROXY]: an INVITE through the proxy, the final code
call() {
	python3 - "${2:-$PROXY_PORT}" "$1" <<'PY'
import sys
from regua import Flow, request, wait_final
f = Flow("udp", int(sys.argv[1]))
inv = request(f, "INVITE", "sip:%s@127.0.0.1" % sys.argv[2], "call-%s-%d" % (sys.argv[2], f.local[1]))
print(wait_final(f, 5, inv=inv)[0])
PY
}

# wait_rows SQL WANT SECONDS
wait_rows() {
	i=0
	while [ "$(rows "$1")" != "$2" ] && [ $i -lt $(($3 * 10)) ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ "$(rows "$1")" = "$2" ]
}

# mode_cycle MODE: the checks of one db_mode on $ENG ($URL, $LOADMOD)
mode_cycle() {
	mode=$1
	note "$ENG db_mode $mode"
	rows "DELETE FROM location" >/dev/null
	PROXY_PORT=$(free_port)
	DB_LOAD=$LOADMOD UL_TIMER=1 reg_cfg "$TMPD/k$mode.cfg" "" \
	    "modparam(\"usrloc\", \"db_url\", \"$URL\")
modparam(\"usrloc\", \"db_mode\", $mode)
modparam(\"registrar\", \"min_expires\", 1)"
	start_proxy "$TMPD/k$mode.cfg"
	[ "$(reg alice ua 600 1)" = 200 ] || fail "$ENG/$mode: REGISTER alice"
	[ "$(reg bob 5999 2 1)" = 200 ] || fail "$ENG/$mode: REGISTER bob"
	wait_rows "SELECT COUNT(*) FROM location" 2 3 ||
	    fail "$ENG/$mode: not 2 rows: $(rows 'SELECT COUNT(*) FROM location')"
	[ "$(rows "SELECT contact FROM location WHERE username = 'alice'")" = "sip:alice@127.0.0.1:$UA_PORT" ] ||
	    fail "$ENG/$mode: alice's row"
	[ "$(call alice)" = 486 ] || fail "$ENG/$mode: the call to alice did not reach her"
	# a refresh is the same row (upsert by ruid)
	ruid=$(rows "SELECT ruid FROM location WHERE username = 'alice'")
	[ "$(reg alice ua 900 2)" = 200 ] || fail "$ENG/$mode: refresh"
	wait_rows "SELECT COUNT(*) FROM location WHERE username = 'alice' AND ruid = '$ruid'" 1 3 ||
	    fail "$ENG/$mode: the refresh made another row"
	# bob expires: out of memory and of the table
	wait_rows "SELECT COUNT(*) FROM location WHERE username = 'bob'" 0 6 ||
	    fail "$ENG/$mode: bob's row did not expire"
	[ "$(call bob)" = 404 ] || fail "$ENG/$mode: bob still found after his expiry"
	if [ "$mode" != 3 ]; then
		[ "$(ul_count)" = 1 ] || fail "$ENG/$mode: memory has $(ul_count) contacts, not 1"
		stop_proxy
		start_proxy "$TMPD/k$mode.cfg"
		kctl ul show alice > "$TMPD/show.txt" || fail "$ENG/$mode: alice lost in the restart"
		grep -q "Contact:: sip:alice@127.0.0.1:$UA_PORT" "$TMPD/show.txt" ||
		    fail "$ENG/$mode: alice's binding lost in the restart"
		[ "$(call alice)" = 486 ] || fail "$ENG/$mode: no call to alice after the restart"
		note "$ENG db_mode $mode: the restart kept alice"
	else
		# another proxy on the same table sees alice
		P1=$PROXY_PORT; PID1=$PROXY_PID
		PROXY_PORT=$(free_port)
		FIFO_SAVE=$FIFO; FIFO=$TMPD/fifo2
		DB_LOAD=$LOADMOD UL_TIMER=1 reg_cfg "$TMPD/k3b.cfg" "" \
		    "modparam(\"usrloc\", \"db_url\", \"$URL\")
modparam(\"usrloc\", \"db_mode\", 3)"
		start_bg proxy2 sh -c 'cd "$1" && shift && exec "$@"' sh "$TMPD" \
			"$KAMAILIO" -DD -E -f "$TMPD/k3b.cfg"
		wait_udp "$PROXY_PORT" || fail "second proxy did not start"
		[ "$(call alice)" = 486 ] || fail "$ENG/3: the second proxy does not see alice"
		# its ul_dump lists the table's bindings, not its empty memory
		kctl ul show > "$TMPD/dump3.txt" || fail "$ENG/3: ul_dump failed"
		grep -q "AOR:: alice" "$TMPD/dump3.txt" &&
		    grep -q "Contact:: sip:alice@127.0.0.1:$UA_PORT" "$TMPD/dump3.txt" &&
		    grep -q "AORs:: 1" "$TMPD/dump3.txt" ||
		    { cat "$TMPD/dump3.txt"; fail "$ENG/3: ul_dump does not list alice from the table"; }
		kill "$PID_proxy2"
		FIFO=$FIFO_SAVE; PROXY_PORT=$P1; PROXY_PID=$PID1
		note "$ENG db_mode 3: a second proxy on the table routes to alice"
	fi
	# "*" empties the table
	[ "$(reg alice '*' 0 10)" = 200 ] || fail "$ENG/$mode: Contact: *"
	wait_rows "SELECT COUNT(*) FROM location" 0 3 || fail "$ENG/$mode: * left rows"
	[ "$(call alice)" = 404 ] || fail "$ENG/$mode: alice found after *"
	stop_proxy
	assert_clean_log
}

start_ua

# ---- SQLite
ENG=sqlite
printf 'DBENGINE=SQLITE\nDB_PATH=%s\n' "$TMPD/kamailio.db" > "$TMPD/sqlite.rc"
KAMCTLRC=$TMPD/sqlite.rc kdb create
URL="sqlite://$TMPD/kamailio.db"
LOADMOD='loadmodule "db_sqlite"'
for m in 1 2 3; do mode_cycle $m; done

# a failed write changes nothing (db_mode 1)
note "sqlite db_mode 1: a failed write"
PROXY_PORT=$(free_port)
DB_LOAD=$LOADMOD reg_cfg "$TMPD/kf.cfg" "" \
    "modparam(\"usrloc\", \"db_url\", \"$URL\")
modparam(\"usrloc\", \"db_mode\", 1)"
start_proxy "$TMPD/kf.cfg"
[ "$(reg carol ua 600 1)" = 200 ] || fail "REGISTER carol"
rows "ALTER TABLE location RENAME TO location_away" >/dev/null
[ "$(reg carol 5998 600 2)" = 500 ] || fail "a REGISTER whose write failed was not answered 500"
rows "ALTER TABLE location_away RENAME TO location" >/dev/null
kctl ul show carol > "$TMPD/carol.txt"
grep -q "sip:carol@127.0.0.1:5998" "$TMPD/carol.txt" && fail "the failed REGISTER changed memory"
grep -q "sip:carol@127.0.0.1:$UA_PORT" "$TMPD/carol.txt" || fail "carol's binding lost"
stop_proxy
assert_clean_log "no such table: location|could not be undone|not saved in location"

# ---- MariaDB and PostgreSQL
if command -v mariadbd >/dev/null 2>&1 && [ -x "$PG_BIN/initdb" ]; then
	MPORT=$(free_port); PPORT=$(free_port)
	mdb_start "$TMPD/mdb" "$MPORT" "$ROOTPW" || fail "MariaDB did not start"
	pg_start "$TMPD/pg" "$PPORT" "$ROOTPW" || fail "PostgreSQL did not start"
	for e in MYSQL:mysql:$MPORT PGSQL:pgsql:$PPORT; do
		E=${e%%:*}; r=${e#*:}; ENG=${r%%:*}; port=${r#*:}
		cat > "$TMPD/$ENG.rc" <<EOF
DBENGINE=$E
DBHOST=127.0.0.1
DBPORT=$port
DBNAME=kam_test
DBRWUSER=kamrw
DBRWPW='$RWPW'
DBROOTPW='$ROOTPW'
EOF
		KAMCTLRC=$TMPD/$ENG.rc kdb create
		if [ "$ENG" = mysql ]; then
			URL="mysql://kamrw:$RWPW@127.0.0.1:$port/kam_test"
			LOADMOD='loadmodule "mysql"'
		else
			URL="postgres://kamrw:$RWPW@127.0.0.1:$port/kam_test"
			LOADMOD='loadmodule "postgres"'
		fi
		for m in 1 2 3; do mode_cycle $m; done
	done
else
	note "MariaDB or PostgreSQL not installed: SQLite only"
fi
note "every db_mode passed"
