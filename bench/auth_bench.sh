#!/bin/sh
# bench/auth_bench.sh: authenticated REGISTERs, this proxy (auth +
# auth_db) and Debian's Kamailio 5.6 (auth + auth_db + db_sqlite) side by
# side, both on the same SQLite subscriber file, in the same run.
#
#   sipp UAC --udp--> proxy: REGISTER, 401 (qop=auth, MD5), REGISTER with
#   digest (sipp [authentication]), 200 from sl_send_reply
#
# USERS subscribers in the table (plain passwords, calculate_ha1 = 1 as
# in the guide);
# sipp registers user7 every time (its [authentication] takes one
# -au/-ap, not a CSV field), so every registration looks up one row of
# the table.  The R-URI carries the port because sipp's digest uri does
# (uri="sip:127.0.0.1:PORT"): this proxy answers 400 to a digest uri that
# is not the Request-URI (RFC 2617 3.2.2.5), Kamailio does not check.
# Figures:
#   - CPU per authenticated REGISTER (both requests of it) at a fixed rate
#     (RATE registrations/s for SECS s): user+system time of all the
#     proxy's processes, divided by the successful registrations;
#   - the highest rate of a ladder (5 s each) with no failed registration.
# Usage: sh bench/auth_bench.sh [RATE] [SECS]     (defaults 500, 15)
# Needs: ./kamailio and the modules with auth_db and db_sqlite (TLS=1 make
# all), sipp, sqlite3; kamailio 5.6 with kamailio-sqlite-modules is
# optional.
set -u
. "$(dirname "$0")/lib.sh"
RATE=${1:-500}
SECS=${2:-15}
USERS=${USERS:-1000}
LADDER=${LADDER:-"1000 2000 3000 4000 6000"}

command -v sipp >/dev/null || { echo "sipp not installed"; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 not installed"; exit 1; }
[ -x "$TOP/kamailio" ] && [ -f "$TOP/modules/auth_db/auth_db.so" ] ||
	{ echo "build first: make all (with auth_db and db_sqlite)"; exit 1; }

start_proxy() { # NAME CMD...
	name=$1; shift
	"$@" > "$W/$name.log" 2>&1 &
	echo $! > "$W/$name.pid"
	PIDS="$PIDS $!"
	sleep 1.5
	kill -0 "$(cat "$W/$name.pid")" 2>/dev/null || { cat "$W/$name.log"; return 1; }
}

# the database: our schema (kamdbctl), USERS subscribers in one go
DB=$W/k.db
printf 'DBENGINE=SQLITE\nDB_PATH=%s\n' "$DB" > "$W/kamctlrc"
KAMCTLRC=$W/kamctlrc sh "$TOP/scripts/kamdbctl" create > "$W/kamdbctl.log" 2>&1 ||
	{ cat "$W/kamdbctl.log"; exit 1; }
python3 - "$USERS" "$W/users.csv" > "$W/users.sql" <<'PY'
import hashlib, sys
n, csv = int(sys.argv[1]), sys.argv[2]
print("BEGIN;")
with open(csv, "w") as f:
    f.write("SEQUENTIAL\n")
    for i in range(n):
        u = "user%d" % i
        ha1 = hashlib.md5(("%s:127.0.0.1:pw%d" % (u, i)).encode()).hexdigest()
        print("INSERT INTO subscriber (username, domain, password, ha1) "
              "VALUES ('%s', '127.0.0.1', 'pw%d', '%s');" % (u, i, ha1))
        f.write("%s;pw%d\n" % (u, i))
print("COMMIT;")
PY
sqlite3 "$DB" < "$W/users.sql" || exit 1

cat > "$W/reg.xml" <<'XML'
<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="authenticated REGISTER">
  <send retrans="500">
    <![CDATA[
REGISTER sip:127.0.0.1:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:user7@127.0.0.1>;tag=[call_number]
To: <sip:user7@127.0.0.1>
Call-ID: [call_id]
CSeq: 1 REGISTER
Contact: <sip:[field0]@[local_ip]:[local_port]>
Max-Forwards: 70
Expires: 3600
Content-Length: 0

    ]]>
  </send>
  <recv response="401" auth="true"/>
  <send retrans="500">
    <![CDATA[
REGISTER sip:127.0.0.1:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:user7@127.0.0.1>;tag=[call_number]
To: <sip:user7@127.0.0.1>
Call-ID: [call_id]
CSeq: 2 REGISTER
Contact: <sip:[field0]@[local_ip]:[local_port]>
[authentication]
Max-Forwards: 70
Expires: 3600
Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
</scenario>
XML

# run_regs PROXYPORT RATE SECS -> prints "ok failed"
run_regs() {
	n=$(($2 * $3))
	timeout $(($3 + 60)) sipp -sf "$W/reg.xml" -inf "$W/users.csv" \
		-au user7 -ap pw7 \
		-i 127.0.0.1 -p "$(free_port)" -nostdin \
		-m "$n" -r "$2" -l $(($2 * 4)) -timeout $(($3 + 40)) \
		"127.0.0.1:$1" > "$W/uac.log" 2>&1
	sipp_counts "$W/uac.log"
}

bench_one() { # NAME PROXYPORT
	pid=$(cat "$W/$1.pid")
	before=$(cpu_ticks "$pid")
	set -- "$1" "$2" $(run_regs "$2" "$RATE" "$SECS")
	after=$(cpu_ticks "$pid")
	regs=$3
	if [ "$regs" -gt 0 ]; then
		us=$(( (after - before) * 1000000 / HZ / regs ))
	else
		us="n/a"
	fi
	eval "US_$(echo "$1" | tr -cd 'a-z0-9')=$us"
	printf '%-8s fixed rate %5d reg/s x %ss: %6s registrations ok, %s failed, CPU %s us/registration\n' \
		"$1" "$RATE" "$SECS" "$3" "$4" "$us"
	best=0
	for r in $LADDER; do
		set -- "$1" "$2" $(run_regs "$2" "$r" 5)
		[ "$4" = "0" ] && [ "$3" -ge $((r * 5)) ] || break
		best=$r
	done
	printf '%-8s highest rate with no failed registration (ladder %s): %s reg/s\n' \
		"$1" "$(echo $LADDER | tr ' ' ,)" "$best"
}

P1=$(free_port); P2=$(free_port)
cat > "$W/ours.cfg" <<CFG
debug=0
log_stderror=yes
children=2
listen=udp:127.0.0.1:$P1
loadmodule "sl"
loadmodule "db_sqlite"
loadmodule "auth"
loadmodule "auth_db"
modparam("auth_db", "db_url", "sqlite://$DB")
modparam("auth_db", "password_column", "password")
modparam("auth_db", "calculate_ha1", 1)
route {
	if (!www_authorize("127.0.0.1", "subscriber")) {
		www_challenge("127.0.0.1", "auth");
		exit;
	}
	sl_send_reply("200", "OK");
}
CFG
cat > "$W/kam.cfg" <<CFG
#!KAMAILIO
debug=0
log_stderror=yes
children=2
disable_tcp=yes
listen=udp:127.0.0.1:$P2
mpath="$KMPATH"
loadmodule "sl.so"
loadmodule "db_sqlite.so"
loadmodule "auth.so"
loadmodule "auth_db.so"
modparam("auth_db", "db_url", "sqlite://$DB")
modparam("auth_db", "password_column", "password")
modparam("auth_db", "calculate_ha1", 1)
# our subscriber table is Kamailio 1.x's (version 6); 5.6 wants 7
modparam("auth_db", "version_table", 0)
request_route {
	if (!www_authorize("127.0.0.1", "subscriber")) {
		www_challenge("127.0.0.1", "1");
		exit;
	}
	sl_send_reply("200", "OK");
}
CFG
echo "== authenticated REGISTER over UDP, $USERS users on SQLite, $(nproc) cores, $(date -u +%Y-%m-%d)"
start_proxy ours "$TOP/kamailio" -DD -E -m 64 -f "$W/ours.cfg" || exit 1
bench_one ours "$P1"
if command -v kamailio >/dev/null && [ -f "$KMPATH/auth_db.so" ] && [ -f "$KMPATH/db_sqlite.so" ]; then
	if start_proxy kam5.6 kamailio -DD -E -m 64 -f "$W/kam.cfg" -Y "$W"; then
		bench_one kam5.6 "$P2"
		case ${US_ours:-x}${US_kam56:-x} in
		*[!0-9]*) ;;
		*) [ "$US_kam56" -gt 0 ] &&
			echo "CPU ratio ours / Kamailio 5.6: $(awk "BEGIN { printf \"%.2f\", $US_ours / $US_kam56 }")" ;;
		esac
	else
		echo "kamailio 5.6 did not start"
	fi
else
	echo "kamailio 5.6 with kamailio-sqlite-modules not installed: no side-by-side figures"
fi
