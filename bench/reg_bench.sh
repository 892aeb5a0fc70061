#!/bin/sh
# bench/reg_bench.sh: CPU per REGISTER (refreshes of USERS bindings) and
# per lookup, at a fixed rate, for usrloc db_mode 0 (memory) and 1
# (write-through to SQLite), this proxy and Debian's Kamailio 5.6 side
# by side (each with its own usrloc + registrar, one UDP receiver).
# Both SQLite files are in WAL mode; ours also sets synchronous=NORMAL
# (no fsync per commit), Kamailio 5.6 keeps SQLite's FULL.  sipp
# sends the REGISTERs (each user registers once, then refreshes) and then
# OPTIONS to the users, which the script answers after lookup().
#
# Usage: sh bench/reg_bench.sh        (RATE=500 SECS=10 USERS=1000)
. "$(dirname "$0")/lib.sh"
RATE=${RATE:-500}
SECS=${SECS:-10}
USERS=${USERS:-1000}
command -v sipp >/dev/null || { echo "needs sipp"; exit 1; }
[ -x "$TOP/kamailio" ] || { echo "build first: make all"; exit 1; }

cat > "$W/reg.xml" <<'XML'
<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="register">
  <send>
    <![CDATA[
      REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/UDP [local_ip]:[local_port];branch=[branch]
      From: <sip:[field0]@bench.test>;tag=[pid]r[call_number]
      To: <sip:[field0]@bench.test>
      Call-ID: [call_id]
      CSeq: [call_number] REGISTER
      Contact: <sip:[field0]@[local_ip]:[local_port]>
      Expires: 3600
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" />
</scenario>
XML
cat > "$W/look.xml" <<'XML'
<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="lookup">
  <send>
    <![CDATA[
      OPTIONS sip:[field0]@bench.test SIP/2.0
      Via: SIP/2.0/UDP [local_ip]:[local_port];branch=[branch]
      From: <sip:bench@bench.test>;tag=[pid]o[call_number]
      To: <sip:[field0]@bench.test>
      Call-ID: [call_id]
      CSeq: 1 OPTIONS
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" />
</scenario>
XML
{ echo SEQUENTIAL; i=0; while [ $i -lt "$USERS" ]; do echo "u$i"; i=$((i + 1)); done; } > "$W/users.csv"

# cfg KIND(ours|kam) DBMODE PORT DBFILE
cfg() {
	if [ "$1" = ours ]; then
		echo "debug=1
log_stderror=yes
children=1
listen=udp:127.0.0.1:$3
loadmodule \"sl\"
loadmodule \"tm\"
$( [ "$2" != 0 ] && echo "loadmodule \"db_sqlite\"" )
loadmodule \"usrloc\"
loadmodule \"registrar\"
modparam(\"usrloc\", \"db_mode\", $2)
$( [ "$2" != 0 ] && echo "modparam(\"usrloc\", \"db_url\", \"sqlite://$4\")" )
route {
	if (method == \"REGISTER\") {
		save(\"location\");
		exit;
	}
	if (lookup(\"location\"))
		sl_send_reply(\"200\", \"Found\");
	else
		sl_send_reply(\"404\", \"Not Found\");
}"
	else
		echo "#!KAMAILIO
debug=1
log_stderror=yes
children=1
auto_aliases=no
listen=udp:127.0.0.1:$3
mpath=\"$KMPATH\"
loadmodule \"tm.so\"
loadmodule \"sl.so\"
$( [ "$2" != 0 ] && echo "loadmodule \"db_sqlite.so\"" )
loadmodule \"usrloc.so\"
loadmodule \"registrar.so\"
modparam(\"usrloc\", \"db_mode\", $2)
$( [ "$2" != 0 ] && echo "modparam(\"usrloc\", \"db_url\", \"sqlite://$4\")" )
request_route {
	if (method == \"REGISTER\") {
		save(\"location\");
		exit;
	}
	if (lookup(\"location\"))
		sl_send_reply(\"200\", \"Found\");
	else
		sl_send_reply(\"404\", \"Not Found\");
}"
	fi
}

# measure NAME SCENARIO PORT PID: sipp at RATE for SECS; CPU us per call
measure() {
	c0=$(cpu_ticks "$4")
	timeout $((SECS + 30)) sipp -sf "$W/$2.xml" -inf "$W/users.csv" \
		-i 127.0.0.1 -p "$(free_port)" -r "$RATE" -m $((RATE * SECS)) \
		-nostdin -timeout $((SECS + 20)) "127.0.0.1:$3" \
		> "$W/sipp.log" 2>&1
	c1=$(cpu_ticks "$4")
	set -- $(sipp_counts "$W/sipp.log")
	if [ "$1" = 0 ]; then
		tail -n 5 "$W/sipp.log" >&2
		echo 0 0
		return
	fi
	echo $(( (c1 - c0) * 1000000 / HZ / $1 )) "$1"
}

run() {   # KIND DBMODE
	port=$(free_port)
	dbf="$W/$1-$2.db"
	if [ "$2" != 0 ]; then
		if [ "$1" = ours ]; then
			DBENGINE=SQLITE DB_PATH="$dbf" KAMCTLRC=/dev/null \
			    sh "$TOP/scripts/kamdbctl" create > /dev/null 2>&1 ||
			    { echo "kamdbctl create failed"; return; }
		else
			for f in standard usrloc; do
				sqlite3 "$dbf" < "/usr/share/kamailio/db_sqlite/$f-create.sql"
			done
			# WAL as ours uses; the mode is kept in the file
			sqlite3 "$dbf" 'PRAGMA journal_mode=WAL;' > /dev/null
		fi
	fi
	cfg "$1" "$2" "$port" "$dbf" > "$W/$1.cfg"
	bin="$TOP/kamailio"; [ "$1" = kam ] && bin=$KAM
	"$bin" -DD -E -m 128 -f "$W/$1.cfg" > "$W/$1.log" 2>&1 &
	pid=$!; PIDS="$PIDS $pid"
	wait_udp "$port" || { echo "$1 did not start"; tail -n 5 "$W/$1.log"; return; }
	set -- "$1" "$2" $(measure "$1" reg "$port" "$pid")
	reg_us=$3; reg_ok=$4
	set -- "$1" "$2" "$reg_us" "$reg_ok" $(measure "$1" look "$port" "$pid")
	printf '%-12s db_mode %s: REGISTER %5d us CPU (%s ok), lookup %5d us CPU (%s ok)\n' \
	    "$( [ "$1" = ours ] && echo ours || echo kamailio-5.6)" "$2" \
	    "$3" "$4" "$5" "$6"
	kill "$pid"; sleep 1
}

for mode in 0 1; do
	run ours "$mode"
	if [ -x "$KAM" ] && [ -f "$KMPATH/usrloc.so" ] &&
	    { [ "$mode" = 0 ] || [ -f "$KMPATH/db_sqlite.so" ]; }; then
		run kam "$mode"
	fi
done
