# test/db/servers.sh: throw-away MariaDB and PostgreSQL servers for the
# DB tests and benchmarks (sourced, POSIX sh).  Each server lives in a
# directory of its own, listens on 127.0.0.1 (and a unix socket in that
# directory) and is stopped by its PID; nothing else is touched.  Every
# wait is bounded.
#
#   mdb_start DIR PORT ROOTPW   MariaDB as root (--user=root); root's
#                               password set to ROOTPW; MDB_PID, MDB_SOCK
#   mdb_stop / mdb_kill         SIGTERM and wait (20 s) / SIGKILL
#   mdb_restart                 start again on the same data and port
#   pg_start DIR PORT ROOTPW    PostgreSQL 15 run as user postgres (it
#                               refuses root), superuser postgres with
#                               password ROOTPW over TCP (scram); PG_PID
#   pg_stop / pg_restart
#
# DB_SRV_WRAP, if set, is put before the server commands (the benchmark
# pins the servers to a CPU with "taskset -c 0").

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

# wait_for SECONDS CMD...: until CMD succeeds (every 0.2 s)
wait_for() {
	wf_n=$(($1 * 5)); shift
	while [ "$wf_n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2; wf_n=$((wf_n - 1))
	done
	return 1
}

mdb_run() {
	# --no-defaults: the machine's /etc/mysql settings stay out
	$DB_SRV_WRAP mariadbd --no-defaults --user=root --datadir="$MDB_DIR/data" \
	    --socket="$MDB_SOCK" --port="$MDB_PORT" --bind-address=127.0.0.1 \
	    --pid-file="$MDB_DIR/mariadbd.pid" --log-error="$MDB_DIR/err.log" \
	    --innodb-buffer-pool-size=32M --innodb-log-file-size=16M \
	    --max-connections=200 --performance-schema=OFF \
	    >>"$MDB_DIR/out.log" 2>&1 &
	MDB_PID=$!
	wait_for 30 mariadb-admin --no-defaults -S "$MDB_SOCK" -u root \
	    ${MDB_ROOTPW_SET:+-p"$MDB_ROOTPW"} ping || {
		tail -n 20 "$MDB_DIR/err.log"; return 1; }
}

mdb_start() {
	MDB_DIR=$1 MDB_PORT=$2 MDB_ROOTPW=$3 MDB_ROOTPW_SET=
	MDB_SOCK=$MDB_DIR/mysqld.sock
	mkdir -p "$MDB_DIR/data" || return 1
	mariadb-install-db --no-defaults --user=root --datadir="$MDB_DIR/data" \
	    --auth-root-authentication-method=normal --skip-test-db \
	    >"$MDB_DIR/install.log" 2>&1 || { cat "$MDB_DIR/install.log"; return 1; }
	mdb_run || return 1
	# root: the password on every account it has (TCP from 127.0.0.1
	# is root@localhost once the address resolves); no anonymous users
	mariadb --no-defaults -S "$MDB_SOCK" -u root -e "
	    DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root'
	        AND Host NOT IN ('localhost', '127.0.0.1', '::1'));
	    FLUSH PRIVILEGES;
	    ALTER USER root@localhost IDENTIFIED BY '$MDB_ROOTPW',
	        root@'127.0.0.1' IDENTIFIED BY '$MDB_ROOTPW',
	        root@'::1' IDENTIFIED BY '$MDB_ROOTPW';" || return 1
	MDB_ROOTPW_SET=1
}

mdb_stop() {
	[ -n "${MDB_PID:-}" ] || return 0
	kill "$MDB_PID" 2>/dev/null
	wf_i=0
	while kill -0 "$MDB_PID" 2>/dev/null && [ $wf_i -lt 100 ]; do
		sleep 0.2; wf_i=$((wf_i + 1))
	done
	kill -9 "$MDB_PID" 2>/dev/null
	wait "$MDB_PID" 2>/dev/null
	MDB_PID=
}

mdb_kill() {
	[ -n "${MDB_PID:-}" ] || return 0
	kill -9 "$MDB_PID" 2>/dev/null
	wait "$MDB_PID" 2>/dev/null
	MDB_PID=
}

mdb_restart() {
	mdb_run
}

pg_ctl_() {
	runuser -u postgres -- $DB_SRV_WRAP "$PG_BIN/pg_ctl" -D "$PG_DIR/data" "$@"
}

pg_run() {
	pg_ctl_ -l "$PG_DIR/server.log" -w -t 30 \
	    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c shared_buffers=16MB -c max_connections=100 -c fsync=off" \
	    start >>"$PG_DIR/ctl.log" 2>&1 || { tail -n 20 "$PG_DIR/server.log"; return 1; }
	PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")
}

pg_start() {
	PG_DIR=$1 PG_PORT=$2 PG_ROOTPW=$3
	[ -x "$PG_BIN/initdb" ] || { echo "no PostgreSQL server binaries"; return 1; }
	mkdir -p "$PG_DIR" && chown postgres "$PG_DIR" && chmod 700 "$PG_DIR" ||
	    return 1
	printf '%s\n' "$PG_ROOTPW" >"$PG_DIR/pw" && chown postgres "$PG_DIR/pw"
	# SQL_ASCII and C locale: the server stores and compares bytes, as
	# kamdbctl creates the database
	runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres \
	    --pwfile="$PG_DIR/pw" --auth-host=scram-sha-256 --auth-local=trust \
	    -E SQL_ASCII --locale=C >"$PG_DIR/initdb.log" 2>&1 ||
	    { cat "$PG_DIR/initdb.log"; return 1; }
	rm -f "$PG_DIR/pw"
	pg_run
}

pg_stop() {
	[ -n "${PG_PID:-}" ] || return 0
	# pg_ctl signals the postmaster by the PID in its pid file: ours
	pg_ctl_ -m fast -w -t 20 stop >>"$PG_DIR/ctl.log" 2>&1 ||
	    kill -9 "$PG_PID" 2>/dev/null
	PG_PID=
}

pg_restart() {
	pg_run
}
