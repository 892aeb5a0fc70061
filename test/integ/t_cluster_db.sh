# Three proxies on 127.0.0.1, 127.0.0.2 and 127.0.0.3 serving one domain
# (cluster.test) from one location table, usrloc db_mode 3, each with its
# own server_id, on a MariaDB and then on a PostgreSQL server started here
# on loopback (test/db/servers.sh, schema by kamdbctl).  On each engine:
#  - phones (cluster_ua.py: UDP, and one over TLS) register through
#    different proxies; every proxy's lookup() finds every UDP phone (a
#    MESSAGE through each proxy reaches each phone, whose name comes back
#    as the To tag) and `kamctl ul show` on another proxy lists the TLS
#    phone's binding;
#  - the database server is stopped (and, for MariaDB, once more killed
#    with SIGKILL): a REGISTER (new or refresh) gets a
#    5xx within seconds, never a 200 or silence, with the registrar's log
#    line; a MESSAGE to a registered phone gets a 5xx (lookup() -3); the
#    proxies keep answering OPTIONS;
#  - the server is started again: each proxy serves REGISTERs and
#    lookups again by itself (no restart, no command), and every binding
#    that was answered 200 before the outage is there, on every proxy;
#    the REGISTERs refused during the outage left nothing.
# The proxies' logs have no ERROR line outside the outage.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tls.sh"
. "$TOP/test/db/servers.sh"
command -v mariadbd >/dev/null 2>&1 || skip "mariadb-server not installed"
[ -x "$PG_BIN/initdb" ] || skip "postgresql not installed"
for m in mysql postgres usrloc registrar tm; do
	[ -f "$TOP/modules/$m/$m.so" ] || fail "modules/$m/$m.so not built"
done
PYTHONPATH="$TOP/test/integ${PYTHONPATH:+:$PYTHONPATH}"; export PYTHONPATH
KDB=$TOP/scripts/kamdbctl
ROOTPW=rootpw-$$
RWPW=rw-$$
CUA=$TOP/test/integ/cluster_ua.py
C=$TMPD/ca
mk_ca "$C"
mk_cert "$C" srv "DNS:localhost,IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3"

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

# rows SQL: the first column of the engine's answer, through its client
rows() {
	case $ENG in
	mysql) mariadb --no-defaults -S "$MDB_SOCK" -u root -p"$ROOTPW" \
	    -N -B kam_test -e "$1" ;;
	pgsql) PGPASSWORD=$ROOTPW "$PG_BIN/psql" -h 127.0.0.1 -p "$PPORT" \
	    -U postgres -d kam_test -tA -c "$1" ;;
	esac
}

# cfg N: proxy N's config (udp/tcp $PN, tls $TN on 127.0.0.N)
cfg() {
	eval "p=\$P$1; t=\$T$1"
	cat > "$TMPD/$ENG-p$1.cfg" <<CFG
debug=2
log_stderror=yes
children=2
tcp_children=2
listen=udp:127.0.0.$1:$p
listen=tcp:127.0.0.$1:$p
listen=tls:127.0.0.$1:$t
tls_certificate="$C/srv/cert.pem"
tls_private_key="$C/srv/privkey.pem"
tls_verify_client=0
tls_require_client_certificate=0
fifo="$TMPD/$ENG-p$1.fifo"
alias=cluster.test
loadmodule "sl"
loadmodule "tm"
loadmodule "maxfwd"
loadmodule "$MOD"
loadmodule "usrloc"
loadmodule "registrar"
modparam("usrloc", "db_url", "$URL")
modparam("usrloc", "db_mode", 3)
modparam("usrloc", "server_id", $1)
modparam("tm", "fr_timer", 5)
route {
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	if (method == "REGISTER") {
		if (!save("location"))
			sl_reply_error();
		exit;
	}
	if (method == "OPTIONS" && \$rU == "ping") {
		sl_send_reply("200", "OK");
		exit;
	}
	lookup("location");
	if (retcode == -3) {
		sl_send_reply("503", "Location database unavailable");
		exit;
	}
	if (retcode < 0) {
		sl_send_reply("404", "Not Found");
		exit;
	}
	if (!t_relay())
		sl_reply_error();
}
CFG
}

# wait_listen ADDR PORT: until something listens there on UDP (30 s)
wait_listen() {
	i=0
	while [ $i -lt 300 ]; do
		ss -Hlun "src $1 and sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

reg() {   # NAME PROXY EXPIRES CSEQ: the final code of one REGISTER
	eval "port=\$P$2"
	timeout 20 python3 "$CUA" reg "$CTL" "$1" "127.0.0.$2" "$port" "$3" "$4"
}
msg() {   # PROXY USER [METHOD]: "CODE TOTAG"
	eval "port=\$P$1"
	timeout 20 python3 "$CUA" msg "127.0.0.$1" "$port" "$2" ${3:-}
}
kctl() {  # PROXY ARGS...: kamctl against that proxy
	n=$1; shift
	FIFO_PATH="$TMPD/$ENG-p$n.fifo" KAMCTLRC=/dev/null timeout 20 \
	    sh "$TOP/scripts/kamctl" "$@" </dev/null
}
# every_lookup WHAT: through each proxy a MESSAGE to each UDP phone
# reaches that phone
every_lookup() {
	for n in 1 2 3; do
		for u in alice bob carol; do
			r=$(msg $n $u)
			[ "$r" = "200 $u" ] ||
			    fail "$ENG $1: proxy $n, MESSAGE to $u: $r (want 200 $u)"
		done
	done
}
# loglines N: the number of lines in proxy N's log
loglines() { wc -l < "$TMPD/${ENG}_p$1.log"; }

# outage STOP WHAT ROUND: the database server stopped by the command
# STOP ("stopped", "killed"), the checks during the outage, the server
# started again ($RESTART) and the checks after it; ROUND numbers the
# outages of one engine (CSeqs)
outage() {
	for n in 1 2 3; do
		eval "from=\${R$n:-0}"
		eval "L$n=\$(loglines $n)"
		bad=$(tail -n +$((from + 1)) "$TMPD/${ENG}_p$n.log" | grep -E 'ERROR|CRITICAL|ALERT' || true)
		[ -z "$bad" ] || { echo "$bad" | head; fail "$ENG: errors in proxy $n's log before the outage"; }
	done

	note "$ENG: the database server is $2"
	$1
	t0=$(date +%s)
	r=$(reg erin 1 600 1)
	case $r in 5??) ;; *) fail "$ENG: a new REGISTER during the outage got '$r', not a 5xx" ;; esac
	r2=$(reg alice 2 900 2)
	case $r2 in 5??) ;; *) fail "$ENG: a refresh during the outage got '$r2', not a 5xx" ;; esac
	secs=$(( $(date +%s) - t0 ))
	[ $secs -le 15 ] || fail "$ENG: the 5xx answers took $secs s"
	m=$(msg 3 bob)
	case $m in 5??*) ;; *) fail "$ENG: a MESSAGE to bob during the outage: '$m', not a 5xx" ;; esac
	for n in 1 2 3; do
		case $(msg $n ping OPTIONS) in 200\ *) ;; *) false ;; esac ||
		    fail "$ENG: proxy $n does not answer OPTIONS during the outage"
	done
	tail -n +$((L1 + 1)) "$TMPD/${ENG}_p1.log" | grep -q "erin: not saved in location" ||
	    { tail -n 20 "$TMPD/${ENG}_p1.log"; fail "$ENG: no log line for erin's refused REGISTER"; }
	tail -n +$((L2 + 1)) "$TMPD/${ENG}_p2.log" | grep -q "alice: not saved in location" ||
	    fail "$ENG: no log line for alice's refused refresh"
	note "$ENG: outage: REGISTER $r / $r2, MESSAGE $m, OPTIONS 200 on every proxy"

	note "$ENG: the database server starts again"
	$RESTART || fail "$ENG: the server did not start again"
	t0=$(date +%s)
	for n in 1 2 3; do
		i=0
		while [ "$(reg frank $n 600 $(($3 * 1000 + n * 100 + i)))" != 200 ]; do
			i=$((i + 1))
			[ $i -lt 30 ] || fail "$ENG: proxy $n does not take REGISTERs again"
			sleep 1
		done
	done
	note "$ENG: every proxy takes REGISTERs again, $(( $(date +%s) - t0 )) s after the restart"
	# each proxy's every process: several lookups per proxy, until each
	# works (the first use of a process's connection may be the one that
	# finds it broken)
	for n in 1 2 3; do
		i=0
		while [ "$(msg $n alice)" != "200 alice" ]; do
			i=$((i + 1))
			[ $i -lt 30 ] || fail "$ENG: proxy $n does not look up again"
			sleep 1
		done
		for u in alice bob carol alice bob carol; do msg $n $u > /dev/null; done
	done
	for n in 1 2 3; do eval "R$n=\$(loglines $n)"; done
	every_lookup "after the outage"
	for u in alice bob carol dave frank; do
		[ "$(rows "SELECT COUNT(*) FROM location WHERE username = '$u'")" = 1 ] ||
		    fail "$ENG: $u's binding is not in the table after the outage"
	done
	[ "$(rows "SELECT COUNT(*) FROM location WHERE username = 'erin'")" = 0 ] ||
	    fail "$ENG: erin's refused REGISTER left a row"
	[ "$(rows "SELECT cseq FROM location WHERE username = 'alice'")" = 1 ] ||
	    fail "$ENG: alice's refused refresh changed her row"
	for n in 1 2 3; do
		kctl $n ul show > "$TMPD/$ENG-dump$n.txt" || fail "$ENG: ul_dump on proxy $n"
		for u in alice bob carol dave frank; do
			grep -q "AOR:: $u\$" "$TMPD/$ENG-dump$n.txt" ||
			    { cat "$TMPD/$ENG-dump$n.txt"; fail "$ENG: proxy $n does not list $u after the outage"; }
		done
	done
	note "$ENG: nothing answered 200 was lost; every proxy lists every binding"
	# no ERROR line after the recovery
	for n in 1 2 3; do
		eval "from=\$R$n"
		bad=$(tail -n +$((from + 1)) "$TMPD/${ENG}_p$n.log" | grep -E 'ERROR|CRITICAL|ALERT' || true)
		[ -z "$bad" ] || { echo "$bad" | head; fail "$ENG: errors in proxy $n's log after the recovery"; }
		bad=$(grep -E 'CRITICAL|ALERT|runtime error' "$TMPD/${ENG}_p$n.log" || true)
		[ -z "$bad" ] || { echo "$bad" | head; fail "$ENG: critical lines in proxy $n's log"; }
	done
	note "$ENG: what proxy 1 logged during the outage:"
	eval "from=\$L1; to=\$R1"
	sed -n "$((from + 1)),${to}p" "$TMPD/${ENG}_p1.log" | grep -E 'ERROR|WARN' | head -n 8
}

# cycle: the checks on $ENG ($URL, $MOD)
cycle() {
	R1=0 R2=0 R3=0
	for n in 1 2 3; do
		eval "P$n=\$(free_port); T$n=\$(free_port)"
		cfg $n
		"$KAMAILIO" -c -f "$TMPD/$ENG-p$n.cfg" > "$TMPD/check.log" 2>&1 ||
			{ cat "$TMPD/check.log"; fail "$ENG: config check of proxy $n"; }
		start_bg "${ENG}_p$n" "$KAMAILIO" -DD -E -f "$TMPD/$ENG-p$n.cfg"
	done
	for n in 1 2 3; do
		eval "wait_listen 127.0.0.$n \$P$n" ||
		    { cat "$TMPD/${ENG}_p$n.log"; fail "$ENG: proxy $n did not start"; }
	done
	CTL=$(free_port)
	start_bg "${ENG}_ua" python3 "$CUA" daemon "$CTL" 500 alice bob carol tls:dave erin frank
	i=0
	while ! ss -Hlun "sport = :$CTL" | grep -q . && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done

	note "$ENG: phones register through different proxies"
	[ "$(reg alice 1 600 1)" = 200 ] || fail "$ENG: alice via proxy 1"
	[ "$(reg bob 2 600 1)" = 200 ] || fail "$ENG: bob via proxy 2"
	[ "$(reg carol 3 600 1)" = 200 ] || fail "$ENG: carol via proxy 3"
	eval "tport=\$T3"
	r=$(timeout 20 python3 "$CUA" reg "$CTL" dave 127.0.0.3 "$tport" 600 1)
	[ "$r" = 200 ] || fail "$ENG: dave over TLS via proxy 3: $r"
	[ "$(rows "SELECT COUNT(*) FROM location")" = 4 ] ||
	    fail "$ENG: not 4 rows: $(rows 'SELECT COUNT(*) FROM location')"
	for u in alice:1 bob:2 carol:3 dave:3; do
		[ "$(rows "SELECT server_id FROM location WHERE username = '${u%:*}'")" = "${u#*:}" ] ||
		    fail "$ENG: ${u%:*}'s row does not carry server_id ${u#*:}"
	done
	every_lookup "before the outage"
	kctl 1 ul show dave > "$TMPD/$ENG-dave.txt" &&
	    grep -q "Contact:: sip:dave@127.0.0.1:[0-9]*;transport=tls" "$TMPD/$ENG-dave.txt" ||
	    { cat "$TMPD/$ENG-dave.txt"; fail "$ENG: proxy 1 does not list dave (TLS via proxy 3)"; }
	note "$ENG: every proxy finds every phone; proxy 1 lists dave's TLS binding"
	outage "$STOP" "stopped (SIGTERM)" 1
	[ "$ENG" != mysql ] || outage mdb_kill "killed (SIGKILL)" 2
	# stop this engine's proxies and phones (by PID)
	for n in 1 2 3; do
		eval "pid=\$PID_${ENG}_p$n"
		kill "$pid" 2>/dev/null
	done
	eval "pid=\$PID_${ENG}_ua"
	kill "$pid" 2>/dev/null
}

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
		MOD=mysql STOP=mdb_stop RESTART=mdb_restart
	else
		URL="postgres://kamrw:$RWPW@127.0.0.1:$port/kam_test"
		MOD=postgres STOP=pg_stop RESTART=pg_restart
	fi
	cycle
done
note "both engines: the cluster shares the table and survives the outage"
