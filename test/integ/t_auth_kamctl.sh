# kamctl add / passwd / rm / showdb on every DB engine (SQLite, and
# MariaDB and PostgreSQL servers started here on 127.0.0.1 in $TMPD,
# stopped by PID), each checked end to end: the proxy's auth_db reads the
# ha1 column kamctl filled (calculate_ha1 = 0) and the ha1b column for a
# username sent as user@domain, on that engine; a user named o'brien with
# the password pa'ss\word"x (given on stdin) registers; after passwd the
# old password fails and the new one works; after rm the user is gone.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/db/servers.sh"
PYTHONPATH=$TOP/test/integ; export PYTHONPATH
kamctl() { timeout 30 sh "$TOP/scripts/kamctl" "$@"; }
kdb() { timeout 120 sh "$TOP/scripts/kamdbctl" "$@" </dev/null >"$TMPD/kdb.log" 2>&1 ||
	{ cat "$TMPD/kdb.log"; fail "kamdbctl $*"; }; }
ROOTPW=rootpw-$$
RWPW=rwpw$$

db_cleanup() {
	mdb_stop
	pg_stop
	cleanup
}
trap db_cleanup EXIT INT TERM

# one_engine NAME MODULE URL: the kamctl round and the proxy checks
one_engine() {
	eng=$1 mod=$2 url=$3
	note "$eng"
	kdb create
	kamctl add alice s3cr3t alice@example.com </dev/null || fail "$eng: add alice"
	printf '%s\n' "pa'ss\\word\"x" | kamctl add "o'brien" || fail "$eng: add o'brien (password on stdin)"
	kamctl add alice other </dev/null 2>/dev/null && fail "$eng: a second alice was added"
	kamctl showdb </dev/null > "$TMPD/showdb.out" || fail "$eng: showdb"
	grep -q "^alice|127.0.0.1|alice@example.com|yes|yes" "$TMPD/showdb.out" &&
	grep -q "^o'brien|127.0.0.1||yes|yes" "$TMPD/showdb.out" ||
		{ cat "$TMPD/showdb.out"; fail "$eng: showdb does not list the users"; }
	grep -q "s3cr3t" "$TMPD/showdb.out" && fail "$eng: showdb shows a password"
	PROXY_PORT=$(free_port)
	cat > "$TMPD/$eng.cfg" <<CFG
debug=3
log_stderror=yes
children=1
listen=udp:127.0.0.1:$PROXY_PORT
loadmodule "sl"
loadmodule "$mod"
loadmodule "auth"
loadmodule "auth_db"
modparam("auth_db", "db_url", "$url")
modparam("auth_db", "calculate_ha1", 0)
route {
	if (!www_authorize("127.0.0.1", "subscriber")) {
		www_challenge("127.0.0.1", "auth");
		exit;
	}
	sl_send_reply("200", "OK");
}
CFG
	start_proxy "$TMPD/$eng.cfg"
	python3 - "$PROXY_PORT" "$eng" <<'PY' || fail "$eng: registrations with kamctl's hashes"
import sys
from sipauth import Phone, check
port, name = int(sys.argv[1]), sys.argv[2]
def reg(user, pw, code):
    r1, r2 = Phone(port, user=user, password=pw).login()
    check(r2 is not None and r2.code == code, "%s: %s / %s -> %d" % (name, user, pw, code), r2)
reg("alice", "s3cr3t", 200)
reg("alice@127.0.0.1", "s3cr3t", 200)      # ha1b
reg("o'brien", "pa'ss\\word\"x", 200)
reg("alice", "wrong", 401)
PY
	kamctl passwd alice n3w-pw </dev/null || fail "$eng: passwd"
	echo "stdin-pw" | kamctl passwd "o'brien" || fail "$eng: passwd from stdin"
	python3 - "$PROXY_PORT" "$eng" <<'PY' || fail "$eng: after passwd"
import sys
from sipauth import Phone, check
port, name = int(sys.argv[1]), sys.argv[2]
for user, pw, code in (("alice", "s3cr3t", 401), ("alice", "n3w-pw", 200),
                       ("o'brien", "stdin-pw", 200)):
    r1, r2 = Phone(port, user=user, password=pw).login()
    check(r2 is not None and r2.code == code, "%s after passwd: %s / %s -> %d" % (name, user, pw, code), r2)
PY
	kamctl rm alice </dev/null || fail "$eng: rm"
	kamctl rm alice </dev/null 2>/dev/null && fail "$eng: rm of a missing user succeeded"
	kamctl showdb </dev/null | grep -q "^alice|" && fail "$eng: alice still listed"
	python3 - "$PROXY_PORT" "$eng" <<'PY' || fail "$eng: after rm"
import sys
from sipauth import Phone, check
port, name = int(sys.argv[1]), sys.argv[2]
r1, r2 = Phone(port, user="alice", password="n3w-pw").login()
check(r2 is not None and r2.code == 401, "%s: alice removed -> 401" % name, r2)
PY
	stop_proxy
	grep -q "reason=unknown-user user=\"alice\"" "$TMPD/proxy.log" || fail "$eng: no unknown-user line after rm"
	assert_clean_log
}

command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 not installed"
printf 'DBENGINE=SQLITE\nDB_PATH=%s\nSIP_DOMAIN=127.0.0.1\n' "$TMPD/k.db" > "$TMPD/sqlite.rc"
KAMCTLRC=$TMPD/sqlite.rc; export KAMCTLRC
one_engine sqlite db_sqlite "sqlite://$TMPD/k.db"

engine_rc() {
	cat > "$TMPD/$1.rc" <<EOF
DBENGINE=$1
DBHOST=127.0.0.1
DBPORT=$2
DBNAME=kam_auth
DBRWUSER=kamrw
DBRWPW='$RWPW'
DBROOTPW='$ROOTPW'
SIP_DOMAIN=127.0.0.1
EOF
}
if command -v mariadbd >/dev/null 2>&1; then
	MPORT=$(free_port)
	mdb_start "$TMPD/mdb" "$MPORT" "$ROOTPW" || fail "MariaDB did not start"
	engine_rc MYSQL "$MPORT"; KAMCTLRC=$TMPD/MYSQL.rc
	one_engine mariadb mysql "mysql://kamrw:$RWPW@127.0.0.1:$MPORT/kam_auth"
	mdb_stop
else
	note "mariadb-server not installed: MariaDB not checked"
fi
if [ -x "${PG_BIN:-/nonexistent}/initdb" ]; then
	PPORT=$(free_port)
	pg_start "$TMPD/pg" "$PPORT" "$ROOTPW" || fail "PostgreSQL did not start"
	engine_rc PGSQL "$PPORT"; KAMCTLRC=$TMPD/PGSQL.rc
	one_engine postgres postgres "postgres://kamrw:$RWPW@127.0.0.1:$PPORT/kam_auth"
	pg_stop
else
	note "postgresql not installed: PostgreSQL not checked"
fi
note "ok"
