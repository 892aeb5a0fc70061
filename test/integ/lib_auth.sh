# test/integ/lib_auth.sh: helpers for the digest authentication tests
# (sourced after lib.sh): a SQLite subscriber database made with
# kamdbctl and kamctl add, a proxy config with auth, auth_db and uri_db,
# and the fail2ban filter check.  The python client is sipauth.py.
command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 not installed"
for m in auth auth_db uri_db db_sqlite; do
	[ -f "$TOP/modules/$m/$m.so" ] || skip "modules/$m/$m.so not built"
done
DB=$TMPD/k.db
FIFO=$TMPD/fifo
KAMCTLRC=$TMPD/kamctlrc; export KAMCTLRC
printf 'DBENGINE=SQLITE\nDB_PATH=%s\nSIP_DOMAIN=127.0.0.1\nFIFO_PATH=%s\nFIFO_TIMEOUT=5\n' \
	"$DB" "$FIFO" > "$KAMCTLRC"
PYTHONPATH=$TOP/test/integ; export PYTHONPATH
kamctl() { timeout 30 sh "$TOP/scripts/kamctl" "$@"; }

# auth_db_create: the database with alice/s3cr3t and bob/b0b-pw
# (bob's password through stdin)
auth_db_create() {
	timeout 60 sh "$TOP/scripts/kamdbctl" create > "$TMPD/kamdbctl.log" 2>&1 ||
		{ cat "$TMPD/kamdbctl.log"; fail "kamdbctl create"; }
	kamctl add alice s3cr3t alice@example.com </dev/null > /dev/null ||
		fail "kamctl add alice"
	echo "b0b-pw" | kamctl add bob > /dev/null || fail "kamctl add bob"
}

# db_digest: a hash of every row of the database (for "nothing written")
db_digest() {
	sqlite3 "$DB" .dump | grep -v '^PRAGMA' | md5sum | cut -c1-32
}

# kstat NAME: a statistic from the running proxy (group:name)
kstat() {
	kamctl fifo get_statistics "$1" </dev/null | sed -n "s/^$1 = //p"
}

# f2b_count LOG: how many lines of LOG (proxy stderr) the shipped
# fail2ban filter matches, after giving them a syslog prefix as syslog
# would write them.
f2b_count() {
	command -v fail2ban-regex >/dev/null 2>&1 || { echo skip; return; }
	# the filter includes fail2ban's common.conf, from its package
	common=$(dpkg -L fail2ban 2>/dev/null | grep '/filter\.d/common\.conf$' | head -n 1)
	[ -n "$common" ] && [ -r "$common" ] || { echo skip; return; }
	mkdir -p "$TMPD/f2b/filter.d"
	cp "$common" "$TOP/etc/fail2ban/filter.d/kamailio-auth.conf" "$TMPD/f2b/filter.d/"
	d=$(date '+%b %e %H:%M:%S')
	sed -n "s/^ *[0-9]*(\([0-9]*\)) /$d host kamailio[\1]: /p" "$1" > "$TMPD/syslog.txt"
	fail2ban-regex "$TMPD/syslog.txt" "$TMPD/f2b/filter.d/kamailio-auth.conf" \
		> "$TMPD/f2b.out" 2>&1
	sed -n 's/^Failregex: \([0-9]*\) total.*/\1/p' "$TMPD/f2b.out"
}
