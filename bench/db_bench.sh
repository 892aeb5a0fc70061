#!/bin/sh
# bench/db_bench.sh: location-style lookups (the contacts of one
# username@domain, by the (username, domain) index of the shipped
# location table) per second in one process, for SQLite, MariaDB and
# PostgreSQL, through the DB API and through each engine's own library
# with a prepared statement (bench/db_bench.c), and the API's cost per
# lookup over the library's.
#
#   sh bench/db_bench.sh          # ROWS=10000 N=20000 SQN=200000 RUNS=3
#
# The servers are started here (test/db/servers.sh) on 127.0.0.1 in a
# scratch directory and stopped by PID at the end.  They and the
# benchmark are pinned to CPU 0: a lookup is a round trip between two
# processes, and whether the two share a CPU or wake each other across
# CPUs (on this 2-core VM: 15 us against 60-100 us a lookup, and it
# changes from connection to connection) would otherwise swamp what is
# measured.  Each line gives wall time and this process's CPU time per
# lookup; for a server engine the CPU time is the cost the API adds to.
. "$(dirname "$0")/lib.sh"
. "$TOP/test/db/servers.sh"

ROWS=${ROWS:-10000}
N=${N:-20000}
SQN=${SQN:-200000}
RUNS=${RUNS:-3}
BENCH=$TOP/bench/db_bench
KDB=$TOP/scripts/kamdbctl
MODS=$TOP/modules

command -v taskset >/dev/null 2>&1 || { echo "taskset not installed"; exit 1; }
if [ ! -x "$BENCH" ] || [ ! -f "$MODS/postgres/postgres.so" ]; then
	make -C "$TOP" -s dbtools >/dev/null || { echo "cannot build"; exit 1; }
fi
chmod 711 "$W" # PostgreSQL runs as user postgres in $W/pg
db_bench_cleanup() {
	mdb_stop
	pg_stop
	bench_cleanup
}
trap db_bench_cleanup EXIT INT TERM

DB_SRV_WRAP="taskset -c 0"
MPORT=$(free_port) PPORT=$(free_port)
mdb_start "$W/mdb" "$MPORT" rootpw >/dev/null || { echo "MariaDB did not start"; exit 1; }
pg_start "$W/pg" "$PPORT" rootpw >/dev/null || { echo "PostgreSQL did not start"; exit 1; }

rc() {
	cat >"$W/$1.rc" <<EOF
DBENGINE=$1
DB_PATH=$W/kamailio.db
DBHOST=127.0.0.1
DBPORT=$2
DBNAME=kam_bench
DBRWUSER=kamrw
DBRWPW=rwpw
DBROOTPW=rootpw
EOF
	KAMCTLRC=$W/$1.rc sh "$KDB" create >/dev/null ||
	    { echo "kamdbctl create ($1) failed"; exit 1; }
}
rc SQLITE ""
rc MYSQL "$MPORT"
rc PGSQL "$PPORT"

# run NAME MODULE URL LOOKUPS: --fill once, then RUNS runs; prints every
# run and keeps the one with the median API CPU time in $W/NAME.best
run() {
	taskset -c 0 "$BENCH" -m "$2" -r "$ROWS" -n 200 --fill "$3" >/dev/null ||
	    { echo "$1: fill failed"; exit 1; }
	: >"$W/$1.runs"
	i=0
	while [ $i -lt "$RUNS" ]; do
		taskset -c 0 "$BENCH" -m "$2" -r "$ROWS" -n "$4" "$3" \
		    >>"$W/$1.runs" || { echo "$1: run failed"; exit 1; }
		i=$((i + 1))
	done
	sed 's/^/  /' "$W/$1.runs"
	sort -t= -k9 -n "$W/$1.runs" | sed -n "$(((RUNS + 1) / 2))p" >"$W/$1.best"
}

echo "rows=$ROWS, lookups per run: SQLite $SQN, servers $N; $RUNS runs; pinned to CPU 0"
run sqlite "$MODS/db_sqlite/db_sqlite.so" "sqlite://$W/kamailio.db" "$SQN"
run mysql "$MODS/mysql/mysql.so" "mysql://kamrw:rwpw@127.0.0.1:$MPORT/kam_bench" "$N"
run postgres "$MODS/postgres/postgres.so" "postgres://kamrw:rwpw@127.0.0.1:$PPORT/kam_bench" "$N"

echo
echo "median run (by API CPU time):"
printf '| engine | lookups/s API | lookups/s library | wall us API / library | CPU us API / library | API cost over library (CPU) |\n'
printf '|---|---:|---:|---:|---:|---:|\n'
for e in sqlite mysql postgres; do
	awk -v e="$e" '{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "| %s | %d | %d | %.2f / %.2f | %.2f / %.2f | %s |\n", e,
		    v["api_per_s"], v["direct_per_s"], v["api_us"], v["direct_us"],
		    v["api_cpu_us"], v["direct_cpu_us"], v["overhead_cpu"]
	}' "$W/$e.best"
done
