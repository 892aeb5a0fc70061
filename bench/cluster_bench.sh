#!/bin/sh
# bench/cluster_bench.sh: REGISTER refreshes and call set-ups per second
# with three proxies (registrar cluster mode, usrloc db_mode 3) on one
# MariaDB, against one proxy on the same database, and the database's
# statements per call (MariaDB's Com_select/insert/update/delete
# counters, before and after).  PAIRS TLS phones (test/integ/regua.py)
# register through the proxies in turn; each caller thread calls its
# callee (registered through the next proxy, so that with three proxies
# every call is relayed once) CALLS times: INVITE, the callee's 200.
#
# Usage: sh bench/cluster_bench.sh      (PAIRS=8 CALLS=50 REFRESH=50)
. "$(dirname "$0")/lib.sh"
. "$TOP/test/db/servers.sh"
PAIRS=${PAIRS:-8}
CALLS=${CALLS:-50}
REFRESH=${REFRESH:-50}
command -v mariadbd >/dev/null || { echo "needs mariadb-server"; exit 1; }
[ -x "$TOP/kamailio" ] || { echo "build first: TLS=1 make all"; exit 1; }
"$TOP/kamailio" -V 2>&1 | grep -q USE_TLS || { echo "build with TLS=1"; exit 1; }
PYTHONPATH="$TOP/test/integ"; export PYTHONPATH
ROOTPW=bench-$$ RWPW=rw-$$
trap 'mdb_stop; bench_cleanup' EXIT INT TERM

KAMCTLRC=/dev/null timeout 60 sh "$TOP/scripts/kamctl" tls rootCA --no-passphrase "$W/ca" >/dev/null 2>&1 &&
KAMCTLRC=/dev/null timeout 60 sh "$TOP/scripts/kamctl" tls userCERT --no-passphrase \
    --san "IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3" proxy "$W/ca" >/dev/null 2>&1 ||
    { echo "cannot make certificates"; exit 1; }
MPORT=$(free_port)
mdb_start "$W/mdb" "$MPORT" "$ROOTPW" >/dev/null || { echo "MariaDB did not start"; exit 1; }
printf 'DBENGINE=MYSQL\nDBHOST=127.0.0.1\nDBPORT=%s\nDBNAME=kam_bench\nDBRWUSER=kamrw\nDBRWPW=%s\nDBROOTPW=%s\n' \
    "$MPORT" "$RWPW" "$ROOTPW" > "$W/kdb.rc"
KAMCTLRC=$W/kdb.rc timeout 120 sh "$TOP/scripts/kamdbctl" create </dev/null >"$W/kdb.log" 2>&1 ||
    { cat "$W/kdb.log"; exit 1; }
URL="mysql://kamrw:$RWPW@127.0.0.1:$MPORT/kam_bench"

# statements the server was sent so far (Questions: every query and
# prepared-statement execution; this query itself counts one)
stmts() {
	mariadb --no-defaults -S "$MDB_SOCK" -u root -p"$ROOTPW" -N -B -e \
	    "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
	     WHERE VARIABLE_NAME = 'QUESTIONS'"
}

# the flow secret all proxies share (rr)
[ -s "$W/flow.key" ] || openssl rand -hex 32 > "$W/flow.key"

# proxy I: 127.0.0.I, server_id I, TLS port $TLSI
proxy() {
	eval "tls=\$TLS$1"
	udp=$(free_port)
	cat > "$W/p$1.cfg" <<CFG
debug=1
log_stderror=yes
children=1
tcp_children=2
listen=udp:127.0.0.$1:$udp
listen=tls:127.0.0.$1:$tls
tls_certificate="$W/ca/proxy/cert.pem"
tls_private_key="$W/ca/proxy/privkey.pem"
tls_ca_list="$W/ca/proxy/calist.pem"
tls_verify_client=0
tls_require_client_certificate=0
loadmodule "mysql"
loadmodule "sl"
loadmodule "tm"
loadmodule "rr"
loadmodule "usrloc"
loadmodule "registrar"
modparam("usrloc", "db_url", "$URL")
modparam("usrloc", "db_mode", 3)
modparam("usrloc", "server_id", $1)
modparam("registrar", "cluster", 1)
modparam("rr", "flow_secret_file", "$W/flow.key")
route {
	if (method == "REGISTER") { save("location"); exit; }
	if (loose_route()) { t_relay(); exit; }
	if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
	t_relay();
}
CFG
	(cd "$W" && exec "$TOP/kamailio" -DD -E -f "$W/p$1.cfg" >"$W/p$1.log" 2>&1) &
	PIDS="$PIDS $!"
	wait_port tcp "$tls" || { cat "$W/p$1.log"; exit 1; }
}

# run N: the load through proxies 1..N; prints one line of figures
run() {
	n=$1
	mariadb --no-defaults -S "$MDB_SOCK" -u root -p"$ROOTPW" kam_bench -e "DELETE FROM location"
	cat > "$W/load.py" <<'PY'
import sys, threading, time
from regua import *
n, pairs, calls, refresh = (int(x) for x in sys.argv[1:5])
tls = [None] + [int(p) for p in sys.argv[5:8]]
def phone(user, i):
    f = Flow("tls", tls[i], host="127.0.0.%d" % i, timeout=10)
    c = "<sip:%s@%s:%d;transport=tls>" % (user, f.local[0], f.local[1])
    code, first, _ = register(f, user, [c], expires=600)
    assert code == 200, first
    return f, c
ph = {}
for k in range(pairs):
    ph["a%d" % k] = phone("a%d" % k, 1 + k % n)
    ph["b%d" % k] = phone("b%d" % k, 1 + (k + 1) % n)
# refreshes: every phone, REFRESH times, one thread per phone
def refresher(user):
    f, c = ph[user]
    for r in range(refresh):
        code, first, _ = register(f, user, [c], cseq=2 + r, expires=600)
        assert code == 200, first
t0 = time.time()
ts = [threading.Thread(target=refresher, args=(u,)) for u in ph]
[t.start() for t in ts]; [t.join() for t in ts]
reg_s = len(ph) * refresh / (time.time() - t0)
def callee(k):
    f, c = ph["b%d" % k]
    for i in range(calls):
        inv = wait_request(f, "INVITE", 10)
        assert inv is not None
        f.send(reply(inv, 200, "OK", "t%d" % i, contact=c))
def caller(k):
    f, _ = ph["a%d" % k]
    for i in range(calls):
        cid = "bench-%d-%d-%d" % (n, k, i)
        request(f, "INVITE", "sip:b%d@127.0.0.1" % k, cid)
        code, _ = wait_final(f, 10, callid=cid)
        assert code == 200, code
print("STMTS_BEFORE_CALLS", flush=True)
sys.stdin.readline()
t0 = time.time()
ts = [threading.Thread(target=callee, args=(k,)) for k in range(pairs)] + \
     [threading.Thread(target=caller, args=(k,)) for k in range(pairs)]
[t.start() for t in ts]; [t.join() for t in ts]
call_s = pairs * calls / (time.time() - t0)
print("proxies=%d phones=%d refreshes_per_s=%.0f calls_per_s=%.0f" % (n, len(ph), reg_s, call_s))
PY
	python3 "$W/load.py" "$n" "$PAIRS" "$CALLS" "$REFRESH" $TLS1 $TLS2 $TLS3
}

TLS1=$(free_port); TLS2=$(free_port); TLS3=$(free_port)
proxy 1; proxy 2; proxy 3
for n in 1 3; do
	mkfifo "$W/go$n"
	run $n < "$W/go$n" > "$W/out$n" &
	rp=$!
	exec 9>"$W/go$n"
	i=0
	while ! grep -q STMTS_BEFORE_CALLS "$W/out$n" && [ $i -lt 600 ]; do
		kill -0 $rp 2>/dev/null || break
		sleep 0.1; i=$((i + 1))
	done
	s0=$(stmts)
	echo >&9
	wait $rp || { cat "$W/out$n"; exit 1; }
	exec 9>&-
	s1=$(stmts)
	line=$(grep "^proxies=" "$W/out$n")
	echo "$line db_statements_per_call=$(python3 -c "print('%.2f' % (($s1 - $s0 - 1) / ($PAIRS * $CALLS)))")"
done
