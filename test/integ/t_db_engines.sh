# The DB drivers against real engines: the conformance suite
# (test/db/db_cases.c) on SQLite, and on MariaDB and PostgreSQL servers
# started here on 127.0.0.1 in $TMPD (schema made by scripts/kamdbctl),
# then, per server engine, what a user sees when things go wrong: a wrong
# password (the error names the URL, never the password), a statement
# over query_timeout (an error after about 1 s), a table with the wrong
# version (and kamdbctl migrate fixing it), the server stopped mid-run
# (calls fail fast, then work again once it is back) and, for MariaDB, a
# server that stops answering (SIGSTOP: bounded by the client timeout);
# then kamdbctl dump/restore, drop and reinit on every engine.  Every
# server is stopped by its PID at the end.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/db/servers.sh"

CONF=$TOP/test/db/db_conformance
KDB=$TOP/scripts/kamdbctl
MODS=$TOP/modules
command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 not installed"
command -v mariadbd >/dev/null 2>&1 || skip "mariadb-server not installed"
[ -x "$PG_BIN/initdb" ] || skip "postgresql not installed"
if [ ! -x "$CONF" ]; then
	make -C "$TOP" -s dbtools >"$TMPD/make.log" 2>&1 ||
	    { cat "$TMPD/make.log"; fail "cannot build the DB tools"; }
fi
for m in db_sqlite mysql postgres; do
	[ -f "$MODS/$m/$m.so" ] || fail "modules/$m/$m.so not built (make all)"
done

db_cleanup() {
	mdb_stop
	pg_stop
	cleanup
}
trap db_cleanup EXIT INT TERM

# The proxy's account: a password with characters a URL must escape.
RWPW='Pa:ss@w/rd%1'
RWPW_URL='Pa%3Ass%40w%2Frd%251'
ROOTPW=rootpw-$$

# conf NAME ARGS...: db_conformance, stdout in $TMPD/NAME.out, stderr
# (the DB core's log lines) in $TMPD/NAME.err
conf() {
	name=$1; shift
	echo "+ db_conformance $*" | sed "s/$RWPW_URL/PW/g"
	timeout 120 "$CONF" "$@" >"$TMPD/$name.out" 2>"$TMPD/$name.err"
	rc=$?
	sed 's/^/  | /' "$TMPD/$name.out" | tail -n 5
	return $rc
}

kdb() {
	echo "+ kamdbctl $*"
	timeout 120 sh "$KDB" "$@" </dev/null >"$TMPD/kdb.out" 2>&1
	rc=$?
	sed 's/^/  | /' "$TMPD/kdb.out"
	return $rc
}

# field NAME KEY: the number after KEY= in the one line of NAME.out
field() {
	sed -n "s/.*$2=\\(-*[0-9]*\\).*/\\1/p" "$TMPD/$1.out" | head -n 1
}

# ---- SQLite

note "SQLite"
printf 'DBENGINE=SQLITE\nDB_PATH=%s\n' "$TMPD/kamailio.db" >"$TMPD/sqlite.rc"
KAMCTLRC=$TMPD/sqlite.rc; export KAMCTLRC
kdb create || fail "kamdbctl create (sqlite) failed"
SQ_URL="sqlite://$TMPD/kamailio.db"
conf sqlite -m "$MODS/db_sqlite/db_sqlite.so" "$SQ_URL" ||
    { cat "$TMPD/sqlite.out"; fail "conformance failed on SQLite"; }
grep -q '^15 passed, 0 failed$' "$TMPD/sqlite.out" || fail "not every case ran on SQLite"

# ---- servers

MPORT=$(free_port) || fail "no free port"
PPORT=$(free_port) || fail "no free port"
note "MariaDB on 127.0.0.1:$MPORT, PostgreSQL on 127.0.0.1:$PPORT"
mdb_start "$TMPD/mdb" "$MPORT" "$ROOTPW" || fail "MariaDB did not start"
pg_start "$TMPD/pg" "$PPORT" "$ROOTPW" || fail "PostgreSQL did not start"

# engine_rc ENGINE PORT: a kamctlrc for kamdbctl
engine_rc() {
	cat >"$TMPD/$1.rc" <<EOF
DBENGINE=$1
DBHOST=127.0.0.1
DBPORT=$2
DBNAME=kam_test
DBRWUSER=kamrw
DBRWPW='$RWPW'
DBROOTPW='$ROOTPW'
EOF
}

# failures ENGINE MODULE URL BADURL SLEEP_SQL STOP RESTART: the failure
# cases of one server engine
failures() {
	eng=$1 mod=$2 url=$3 bad=$4 sleep_sql=$5 stop=$6 restart=$7

	note "$eng: wrong password"
	conf "$eng-pw" -m "$mod" --sql "SELECT 1" "$bad" &&
	    fail "$eng: a wrong password connected"
	[ "$(field "$eng-pw" rc)" = -3 ] || fail "$eng: wrong password: not E_AGAIN"
	grep -q 'kamrw:\*\*\*@127.0.0.1' "$TMPD/$eng-pw.err" ||
	    fail "$eng: the error does not name the URL with its password masked"
	grep -qi -e 'denied' -e 'authentication failed' "$TMPD/$eng-pw.err" ||
	    fail "$eng: the error does not say the server refused the password"
	grep -q 'Wrong-Secret' "$TMPD/$eng-pw.err" "$TMPD/$eng-pw.out" &&
	    fail "$eng: the wrong password shows in the output"

	note "$eng: statement over query_timeout=1"
	conf "$eng-sleep" -m "$mod" -p "$eng:query_timeout=1" --sql \
	    "$sleep_sql" "$url" && fail "$eng: a 5 s statement finished"
	[ "$(field "$eng-sleep" rc)" = -10 ] || fail "$eng: not E_TIMEOUT"
	ms=$(field "$eng-sleep" ms)
	[ "$ms" -ge 900 ] && [ "$ms" -le 2500 ] ||
	    fail "$eng: the timeout took $ms ms, not about 1000"

	note "$eng: table with the wrong version"
	conf "$eng-v3" -m "$mod" --sql "UPDATE version SET table_version = 3 WHERE table_name = 'location'" "$url" ||
	    fail "$eng: cannot change the version row"
	conf "$eng-ver" -m "$mod" --version location 2001 "$url" &&
	    fail "$eng: a wrong version passed the check"
	grep -q "table 'location' has version 3, expected 2001 (run kamdbctl migrate)" \
	    "$TMPD/$eng-ver.out" || fail "$eng: not the version message"
	kdb migrate || fail "$eng: kamdbctl migrate failed"
	grep -q 'location: version 3 -> 2001' "$TMPD/kdb.out" ||
	    fail "$eng: migrate did not set the version"
	conf "$eng-ver2" -m "$mod" --version location 2001 "$url" ||
	    fail "$eng: still the wrong version after migrate"

	note "$eng: server stopped mid-run, then started again"
	t0=$(date +%s%N)
	"$CONF" -m "$mod" --loop 11 "$url" >"$TMPD/$eng-loop.out" \
	    2>"$TMPD/$eng-loop.err" &
	loop=$!
	PIDS="$PIDS $loop"
	sleep 2
	$stop
	sleep 2
	$restart || fail "$eng: the server did not start again"
	back=$((($(date +%s%N) - t0) / 1000000))
	wait "$loop" || fail "$eng: the lookup loop failed"
	awk -v back="$back" -v eng="$eng" '
	{ t = $1 + 0; rc = $2; sub(/rc=/, "", rc); rc += 0
	  ms = $3; sub(/ms=/, "", ms); ms += 0
	  n++; if (ms > max) max = ms
	  if (rc == 0 && !down) before++
	  if (rc != 0) { down = 1; fails++; if (ms > maxdown) maxdown = ms }
	  if (rc == 0 && down && t > back && first == "") first = t + 0
	  last = rc }
	END {
	  printf "%s: %d calls, %d ok before, %d failed (slowest %d ms, slowest while down %d ms), server back at %d ms, first success %d ms later, last rc %d\n",
	      eng, n, before, fails, max, maxdown, back, first - back, last
	  bad = 0
	  if (before < 5) { print "too few calls before the stop"; bad = 1 }
	  if (fails < 5) { print "calls did not fail while the server was down"; bad = 1 }
	  if (maxdown > 500) { print "a failing call was not fast"; bad = 1 }
	  if (max > 2500) { print "a call hung"; bad = 1 }
	  if (first == "" || first - back > 3000) { print "not served again within 3 s of the restart"; bad = 1 }
	  if (last != 0) { print "the last call failed"; bad = 1 }
	  exit bad }' "$TMPD/$eng-loop.out" || fail "$eng: stop/restart"
	grep -q 'kamrw:\*\*\*@127.0.0.1' "$TMPD/$eng-loop.err" ||
	    fail "$eng: no log line naming the server"
	grep -q 'connected again' "$TMPD/$eng-loop.err" ||
	    fail "$eng: no 'connected again' line"
	lines=$(grep -c 'ERROR' "$TMPD/$eng-loop.err")
	[ "$lines" -le 12 ] || fail "$eng: $lines ERROR lines for ~3 s down: not rate-limited"
}

mdb_pause() {
	kill -STOP "$MDB_PID"
	sleep 4
	kill -CONT "$MDB_PID"
}

# ---- MariaDB

note "MariaDB"
engine_rc MYSQL "$MPORT"
KAMCTLRC=$TMPD/MYSQL.rc
kdb create || fail "kamdbctl create (mysql) failed"
MY_URL="mysql://kamrw:$RWPW_URL@127.0.0.1:$MPORT/kam_test"
conf mysql -m "$MODS/mysql/mysql.so" "$MY_URL" ||
    { cat "$TMPD/mysql.out"; fail "conformance failed on MariaDB"; }
grep -q '^15 passed, 0 failed$' "$TMPD/mysql.out" || fail "not every case ran on MariaDB"
failures mysql "$MODS/mysql/mysql.so" "$MY_URL" \
    "mysql://kamrw:Wrong-Secret@127.0.0.1:$MPORT/kam_test" "SELECT SLEEP(5)" \
    mdb_stop mdb_restart

note "MariaDB: server stops answering (SIGSTOP 4 s), query_timeout=1"
"$CONF" -m "$MODS/mysql/mysql.so" -p mysql:query_timeout=1 -p \
    mysql:connect_timeout=1 --loop 8 "$MY_URL" >"$TMPD/hang.out" \
    2>"$TMPD/hang.err" &
loop=$!
PIDS="$PIDS $loop"
sleep 1.5
mdb_pause
wait "$loop" || fail "the lookup loop failed"
awk '{ rc = $2; sub(/rc=/, "", rc); rc += 0
       ms = $3; sub(/ms=/, "", ms); ms += 0
       if (ms > max) max = ms; if (rc != 0) f++; last = rc }
     END { printf "hang: %d failed, slowest call %d ms, last rc %d\n", f, max, last
	   exit (f < 1 || max > 3600 || last != 0) }' "$TMPD/hang.out" ||
    fail "a hung server was not bounded by the client timeout, or no recovery"

# ---- PostgreSQL

note "PostgreSQL"
engine_rc PGSQL "$PPORT"
KAMCTLRC=$TMPD/PGSQL.rc
kdb create || fail "kamdbctl create (pgsql) failed"
PG_URL="postgres://kamrw:$RWPW_URL@127.0.0.1:$PPORT/kam_test"
conf pg -m "$MODS/postgres/postgres.so" "$PG_URL" ||
    { cat "$TMPD/pg.out"; fail "conformance failed on PostgreSQL"; }
grep -q '^15 passed, 0 failed$' "$TMPD/pg.out" || fail "not every case ran on PostgreSQL"
failures postgres "$MODS/postgres/postgres.so" \
    "postgresql://kamrw:$RWPW_URL@127.0.0.1:$PPORT/kam_test" \
    "postgresql://kamrw:Wrong-Secret@127.0.0.1:$PPORT/kam_test" \
    "SELECT pg_sleep(5)" pg_stop pg_restart

# ---- dump and restore, every engine

for e in sqlite MYSQL PGSQL; do
	KAMCTLRC=$TMPD/$e.rc
	kdb dump "$TMPD/$e.dump" || fail "$e: dump failed"
	kdb restore --yes "$TMPD/$e.dump" || fail "$e: restore failed"
	kdb versions || fail "$e: no version table after restore"
	grep -q 'location.2001' "$TMPD/kdb.out" || fail "$e: version rows lost"
done
conf pg-after -m "$MODS/postgres/postgres.so" -k hostile "$PG_URL" ||
    fail "PostgreSQL: not usable after restore"

# drop and reinit ask first; without a terminal they need --yes
for e in sqlite MYSQL PGSQL; do
	KAMCTLRC=$TMPD/$e.rc
	kdb drop && fail "$e: drop without --yes and without a terminal"
	grep -q 'without --yes' "$TMPD/kdb.out" || fail "$e: no reason given"
	kdb reinit --yes || fail "$e: reinit failed"
	kdb versions || fail "$e: no version table after reinit"
	grep -q 'location.2001' "$TMPD/kdb.out" || fail "$e: reinit lost tables"
done
kdb drop --yes || fail "PGSQL: drop failed"
kdb versions && fail "PGSQL: the database is still there after drop"

# no password anywhere in what the tools printed
if grep -rF -e "$RWPW" -e "$RWPW_URL" -e "$ROOTPW" -e 'Wrong-Secret' \
    "$TMPD"/*.err; then
	fail "a password shows in a log line"
fi
echo "ok"
