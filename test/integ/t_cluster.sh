# Scale-out (doc/cluster.md): three proxies on 127.0.0.1, 127.0.0.2 and
# 127.0.0.3 share one location table (usrloc db_mode 3, registrar
# cluster mode, a server_id each), on MariaDB and then on PostgreSQL,
# both started here on loopback.  TLS phones (test/integ/regua.py: no
# listening socket, everything they get comes over the connection they
# registered on) register through different proxies; a call between
# every pair of them reaches the callee over its own registration
# connection, relayed by the proxy that holds it (its Via is the top
# one), and gets the callee's 200.  A phone whose connection is gone is
# answered 430 Flow Failed by the proxy that held it.  A phone with two
# RFC 5626 flows (reg-id 1 through proxy 1, reg-id 2 through proxy 2)
# survives the SIGKILL of proxy 1: a call through proxy 3 reaches it over
# the flow on proxy 2 within a few seconds; another one, while proxy 1
# is stopped (SIGSTOP: silent), after fr_timer.  Two baresip phones (when
# installed) registered through proxies 1 and 2: one calls the other, it
# rings, the caller hangs up; again, the callee answers and hangs up (the
# dialog's requests both ways over the phones' own connections, by the
# flow tokens in Record-Route).  Proxy 1 started again deletes
# the rows of its dead connections.  An engine whose server binary is
# missing is skipped (77 if both are).
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
. "$TOP/test/db/servers.sh"
PYTHONPATH="$TOP/test/integ${PYTHONPATH:+:$PYTHONPATH}"; export PYTHONPATH
KDB=$TOP/scripts/kamdbctl
ROOTPW=rootpw-$$
RWPW=rw-$$
have_mdb=0; have_pg=0
command -v mariadbd >/dev/null 2>&1 && have_mdb=1
[ -x "$PG_BIN/initdb" ] && have_pg=1
[ $have_mdb = 1 ] || [ $have_pg = 1 ] || skip "neither MariaDB nor PostgreSQL installed"
"$KAMAILIO" -V 2>&1 | grep -qi tls || skip "built without TLS"

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

rows() {
	case $ENG in
	mysql) mariadb --no-defaults -S "$MDB_SOCK" -u root -p"$ROOTPW" \
	    -N -B kam_test -e "$1" ;;
	pgsql) PGPASSWORD=$ROOTPW "$PG_BIN/psql" -h 127.0.0.1 -p "$PPORT" \
	    -U postgres -d kam_test -tA -c "$1" ;;
	esac
}

mk_ca "$TMPD/ca"
mk_cert "$TMPD/ca" proxy "IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3"
CERT_DIR=$TMPD/ca/proxy

# the flow secret every proxy signs its flow tokens with (rr)
openssl rand -hex 32 > "$TMPD/flow.key"

# proxy_cfg I: proxy I's config (127.0.0.I, server_id I) on $URL
proxy_cfg() {
	i=$1
	eval "udp=\$UDP$i tls=\$TLS$i"
	cat > "$TMPD/p$i.cfg" <<CFG
debug=${DEBUG:-2}
log_stderror=yes
children=1
tcp_children=2
listen=udp:127.0.0.$i:$udp
listen=tcp:127.0.0.$i:$udp
listen=tls:127.0.0.$i:$tls
tls_certificate="$CERT_DIR/cert.pem"
tls_private_key="$CERT_DIR/privkey.pem"
tls_ca_list="$CERT_DIR/calist.pem"
tls_verify_client=0
tls_require_client_certificate=0
fifo="$TMPD/fifo$i"
$LOADMOD
loadmodule "sl"
loadmodule "tm"
loadmodule "rr"
loadmodule "maxfwd"
loadmodule "textops"
loadmodule "usrloc"
loadmodule "registrar"
modparam("tm", "fr_timer", 10)
modparam("usrloc", "db_url", "$URL")
modparam("usrloc", "db_mode", 3)
modparam("usrloc", "server_id", $i)
modparam("registrar", "cluster", 1)
modparam("rr", "flow_token", 1)
modparam("rr", "flow_secret_file", "$TMPD/flow.key")
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
	# a Route to us: in-dialog, or a call for a UA whose connection is
	# ours relayed by another proxy (a flow token: recorded, so that the
	# dialog's requests come down the same connection)
	if (loose_route()) {
		if (!search("^(To|t)[ \\t]*:[^\\r\\n]*;[ \\t]*tag="))
			record_route();
		if (!t_relay())
			sl_reply_error();
		exit;
	}
	if (!lookup("location")) {
		sl_send_reply("404", "Not Found");
		exit;
	}
	record_route();
	if (!t_relay())
		sl_reply_error();
}
CFG
}

# start_p I: proxy I in the background (PID_pI)
start_p() {
	"$KAMAILIO" -c -f "$TMPD/p$1.cfg" > "$TMPD/check$1.log" 2>&1 ||
	    { cat "$TMPD/check$1.log"; fail "config check of proxy $1"; }
	start_bg "p$1" sh -c 'cd "$1" && shift && exec "$@"' sh "$TMPD" \
	    "$KAMAILIO" -DD -E -f "$TMPD/p$1.cfg"
	eval "tls=\$TLS$1"
	wait_tcp "$tls" || { cat "$TMPD/p$1.log"; fail "proxy $1 did not start"; }
}

stop_p() {
	eval "pid=\$PID_p$1"
	kill "$pid" 2>/dev/null
	n=0
	while kill -0 "$pid" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
}

# bs_phone NAME I: a baresip for NAME@127.0.0.1 registered over TLS
# through proxy I; its ctrl_tcp port in $CTL_<NAME>, its SIP port (where
# nothing must connect) in $SIP_<NAME>
bs_phone() {
	d=$TMPD/bs-$1-$ENG; mkdir -p "$d"
	sp=$(free_port); cp=$(free_port); rp=$(($(free_port) & ~1))
	eval "tls=\$TLS$2"
	cat > "$d/config" <<EOF2
poll_method		epoll
sip_listen		127.0.0.1:$sp
sip_cafile		$TMPD/ca/cacert.pem
audio_player		aubridge,$1
audio_source		ausine,440
audio_alert		aubridge,$1
rtp_ports		$rp-$((rp + 9))
module_path		/usr/lib/baresip/modules
module			opus.so
module			ausine.so
module			aubridge.so
module_app		account.so
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		127.0.0.1:$cp
EOF2
	echo "<sip:$1@127.0.0.1;transport=tls>;regint=600;outbound=\"sip:127.0.0.$2:$tls;transport=tls\"" > "$d/accounts"
	start_bg "bs_$1_$ENG" baresip -f "$d" -n 127.0.0.1 -t 40
	eval "CTL_$1=$cp SIP_$1=$sp"
	i=0
	while ! grep -q "$1@127.0.0.1: .* 200 OK" "$TMPD/bs_$1_$ENG.log" 2>/dev/null; do
		[ $i -lt 150 ] || { cat "$TMPD/bs_$1_$ENG.log"; fail "baresip $1 did not register through proxy $2"; }
		sleep 0.1; i=$((i + 1))
	done
}

# baresip_call cancel|answer: carol (through proxy 1) calls dave (through
# proxy 2); dave rings, and carol hangs up (the CANCEL follows the
# INVITE's path), or dave answers (the ACK goes down his connection by
# proxy 2's flow token in Record-Route) and hangs up (the BYE reaches
# carol over her connection by proxy 1's, rr flow_token); nothing ever
# connects to either phone's own SIP port
baresip_call() {
	bs_phone carol 1
	bs_phone dave 2
	python3 - "$CTL_carol" "$CTL_dave" "$1" > "$TMPD/bs-$ENG.out" 2>&1 <<'PY' || { cat "$TMPD/bs-$ENG.out"; fail "$ENG: the baresip call"; }
import os, sys, time
sys.path.insert(0, os.path.join(os.environ["TOP"], "test/integ"))
from bs_ctl import ctl, event, send
def events(c, want, timeout=10):
    return event(c, want, timeout)
carol, dave = ctl(sys.argv[1]), ctl(sys.argv[2])
send(carol, "dial", "sip:dave@127.0.0.1")
ev = events(dave, "CALL_INCOMING")
print("dave (proxy 2): incoming call from", ev.get("peeruri"), "placed through proxy 1")
events(carol, "CALL_RINGING")
if sys.argv[3] == "cancel":
    send(carol, "hangup")
    events(dave, "CALL_CLOSED")
    print("carol hung up: dave's call closed (CANCEL across the proxies)")
else:
    send(dave, "accept")
    events(dave, "CALL_ESTABLISHED")
    events(carol, "CALL_ESTABLISHED")
    print("dave answered: established on both sides (ACK across the proxies)")
    time.sleep(1)
    send(dave, "hangup")
    events(dave, "CALL_CLOSED")
    events(carol, "CALL_CLOSED")
    print("dave hung up: carol's call closed (BYE from the callee's side)")
PY
	sed 's/^/  | /' "$TMPD/bs-$ENG.out"
	[ -z "$(ss -Htn state established "( dport = :$SIP_dave or dport = :$SIP_carol )" 2>/dev/null)" ] ||
	    fail "$ENG: something connected to a baresip's own SIP port"
	eval "kill \$PID_bs_carol_$ENG \$PID_bs_dave_$ENG" 2>/dev/null
}

# cluster_run: the scenario on $ENG ($URL, $LOADMOD)
cluster_run() {
	note "$ENG: three proxies"
	rows "DELETE FROM location" >/dev/null
	for i in 1 2 3; do
		eval "UDP$i=\$(free_port) TLS$i=\$(free_port)"
		proxy_cfg $i
		start_p $i
	done
	if command -v baresip >/dev/null 2>&1; then
		baresip_call cancel
		baresip_call answer
	else
		note "baresip not installed: the python phones only"
	fi
	python3 - "$TLS1" "$TLS2" "$TLS3" "$PID_p1" > "$TMPD/ua-$ENG.out" 2>&1 <<'PY' || { cat "$TMPD/ua-$ENG.out"; for i in 1 2 3; do tail -n 20 "$TMPD/p$i.log"; done; fail "$ENG: cluster scenario"; }
import os, signal, sys, time
from regua import *
tls = [None] + [int(p) for p in sys.argv[1:4]]
p1_pid = int(sys.argv[4])
INST = '"<urn:uuid:5b4d6c1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f>"'

def proxy(i):
    return ("127.0.0.%d" % i, tls[i])

def ua(user, i, extra_contact="", reg_extra=()):
    f = Flow("tls", tls[i], host="127.0.0.%d" % i)
    c = "<sip:%s@%s:%d;transport=tls>%s" % (user, f.local[0], f.local[1], extra_contact)
    code, first, h = register(f, user, [c], expires=600, extra=list(reg_extra))
    assert code == 200, "%s via proxy %d: %s" % (user, i, first)
    return f

def call(caller, user, callee, owner, cid, timeout=10):
    """caller's INVITE for user must reach callee's flow, relayed by
    proxy owner (top Via), and the callee's 200 must come back."""
    inv = request(caller, "INVITE", "sip:%s@127.0.0.1" % user, cid)
    got = wait_request(callee, "INVITE", timeout)
    assert got is not None, "%s: no INVITE on %s's connection" % (cid, user)
    _, gh, _ = parse(got)
    top = hget(gh, "via")
    assert ("127.0.0.%d:%d" % (owner, tls[owner])) in top, (cid, top)
    callee.send(reply(got, 200, "OK", "t" + cid,
                      contact="<sip:%s@%s:%d;transport=tls>" % ((user,) + callee.local)))
    code, _ = wait_final(caller, timeout, callid=cid)
    assert code == 200, "%s: caller got %d" % (cid, code)

# one phone per proxy; a call between every pair (and within each)
phones = {i: ua("u%d" % i, i) for i in (1, 2, 3)}
print("registered u1, u2, u3 through proxies 1, 2, 3")
for a in (1, 2, 3):
    for b in (1, 2, 3):
        call(phones[a], "u%d" % b, phones[b], b, "c-%d-%d-%d" % (a, b, os.getpid()))
print("calls between every pair of proxies: each over the callee's own connection")

# a phone whose connection closed: the proxy that held it says 430
gone = ua("gone", 2)
gone.close()
time.sleep(0.5)
inv = request(phones[3], "INVITE", "sip:gone@127.0.0.1", "c-gone")
code, _ = wait_final(phones[3], 10, callid="c-gone", inv=inv)
assert code == 430, "call to a closed flow: %d, not 430" % code
print("a call to a closed flow through another proxy: 430 Flow Failed")

# two flows of one instance: reg-id 2 via proxy 2, then reg-id 1 via
# proxy 1 (the newest: tried first)
ob = ["Supported: outbound, path"]
f2 = ua("dan", 2, ";+sip.instance=%s;reg-id=2" % INST, ob)
time.sleep(1.1)
f1 = ua("dan", 1, ";+sip.instance=%s;reg-id=1" % INST, ob)
call(phones[3], "dan", f1, 1, "c-dan-before")
print("dan (two flows): a call through proxy 3 takes the newest, via proxy 1")
# proxy 1 hangs (SIGSTOP): nothing comes back from it, and after
# fr_timer (10 s) the call goes over eve's other flow, via proxy 2
import proxyprocs
INST_E = '"<urn:uuid:7c2e1d0f-3a4b-4c5d-9e8f-1a2b3c4d5e6f>"'
e2 = ua("eve", 2, ";+sip.instance=%s;reg-id=2" % INST_E, ob)
time.sleep(1.1)
e1 = ua("eve", 1, ";+sip.instance=%s;reg-id=1" % INST_E, ob)
p1_all = [p1_pid] + proxyprocs.children(p1_pid)
for pid in p1_all:
    os.kill(pid, signal.SIGSTOP)
t0 = time.time()
try:
    call(phones[3], "eve", e2, 2, "c-eve-stopped", timeout=25)
finally:
    for pid in p1_all:
        os.kill(pid, signal.SIGCONT)
took = time.time() - t0
assert 9 <= took <= 20, took
print("proxy 1 stopped: the call reached eve over her flow via proxy 2 "
      "after fr_timer (%.1f s)" % took)

# the whole of proxy 1 dies at once (its children too: with the main
# process alone they would get SIGTERM and finish what they hold)
for pid in [p1_pid] + proxyprocs.children(p1_pid):
    os.kill(pid, signal.SIGKILL)
t0 = time.time()
call(phones[3], "dan", f2, 2, "c-dan-after", timeout=15)
print("proxy 1 killed: the call through proxy 3 reached dan over his flow "
      "via proxy 2 in %.1f s" % (time.time() - t0))
# a caller on proxy 2 itself: its own open flow first
call(phones[2], "dan", f2, 2, "c-dan-local")
print("through proxy 2: its own flow")
PY
	sed 's/^/  | /' "$TMPD/ua-$ENG.out"
	# proxy 1 is gone with its flows; its rows stay until it comes back
	n=$(rows "SELECT COUNT(*) FROM location WHERE server_id = 1 AND conn_id > 0")
	[ "$n" -ge 2 ] || fail "$ENG: proxy 1's rows: $n"
	start_p 1
	n=$(rows "SELECT COUNT(*) FROM location WHERE server_id = 1 AND conn_id > 0")
	[ "$n" = 0 ] || fail "$ENG: proxy 1 restarted kept $n rows of its dead connections"
	grep -q "bindings of our earlier run's connections deleted" "$TMPD/p1.log" ||
	    fail "$ENG: no log line for the deleted rows"
	note "$ENG: proxy 1 restarted deleted the rows of its dead connections"
	for i in 1 2 3; do stop_p $i; done
	for i in 1 2 3; do
		bad=$(grep -E 'ERROR|CRITICAL|ALERT|runtime error' "$TMPD/p$i.log" |
		    grep -vE 'connect.*(refused|failed)|Connection refused' || true)
		[ -z "$bad" ] || { echo "$bad" | head; fail "$ENG: errors in proxy $i's log"; }
	done
}

# cluster mode without a shared table, or without a server_id: refused
# at start-up, saying why
BP=$(free_port)
BADS='modparam("usrloc", "db_mode", 0)|needs usrloc.s db_mode 3'
if command -v sqlite3 >/dev/null 2>&1; then
	printf 'DBENGINE=SQLITE\nDB_PATH=%s\n' "$TMPD/none.db" > "$TMPD/sqlite.rc"
	KAMCTLRC=$TMPD/sqlite.rc kdb create
	BADS="$BADS
"'modparam("usrloc", "db_mode", 3) modparam("usrloc", "db_url", "sqlite://'"$TMPD"'/none.db")|needs usrloc.s server_id'
	BADS="$BADS
"'modparam("usrloc", "db_mode", 3) modparam("usrloc", "server_id", 1) modparam("usrloc", "db_url", "sqlite://'"$TMPD"'/none.db")|needs the rr module'
	BADS="$BADS
"'loadmodule "rr" modparam("usrloc", "db_mode", 3) modparam("usrloc", "server_id", 1) modparam("usrloc", "db_url", "sqlite://'"$TMPD"'/none.db")|needs modparam..rr., .flow_secret_file'
fi
echo "$BADS" | while IFS= read -r bad; do
	cat > "$TMPD/bad.cfg" <<CFG
listen=udp:127.0.0.1:$BP
loadmodule "sl"
loadmodule "tm"
loadmodule "db_sqlite"
loadmodule "usrloc"
loadmodule "registrar"
${bad%%|*}
modparam("registrar", "cluster", 1)
route { save("location"); }
CFG
	timeout 20 "$KAMAILIO" -DD -E -f "$TMPD/bad.cfg" > "$TMPD/bad.log" 2>&1 &&
	    fail "a cluster config without ${bad#*|} started"
	grep -qE "${bad#*|}" "$TMPD/bad.log" || { cat "$TMPD/bad.log"; fail "no clear message"; }
done || exit 1
note "cluster mode without db_mode 3, a server_id, rr or a flow secret file: refused at start-up"

ran=0
if [ $have_mdb = 1 ]; then
	MPORT=$(free_port)
	mdb_start "$TMPD/mdb" "$MPORT" "$ROOTPW" || fail "MariaDB did not start"
	cat > "$TMPD/mysql.rc" <<EOF2
DBENGINE=MYSQL
DBHOST=127.0.0.1
DBPORT=$MPORT
DBNAME=kam_test
DBRWUSER=kamrw
DBRWPW='$RWPW'
DBROOTPW='$ROOTPW'
EOF2
	KAMCTLRC=$TMPD/mysql.rc kdb create
	ENG=mysql URL="mysql://kamrw:$RWPW@127.0.0.1:$MPORT/kam_test"
	LOADMOD='loadmodule "mysql"'
	cluster_run
	mdb_stop
	ran=$((ran + 1))
else
	note "MariaDB not installed: skipped"
fi
if [ $have_pg = 1 ]; then
	PPORT=$(free_port)
	pg_start "$TMPD/pg" "$PPORT" "$ROOTPW" || fail "PostgreSQL did not start"
	cat > "$TMPD/pgsql.rc" <<EOF2
DBENGINE=PGSQL
DBHOST=127.0.0.1
DBPORT=$PPORT
DBNAME=kam_test
DBRWUSER=kamrw
DBRWPW='$RWPW'
DBROOTPW='$ROOTPW'
EOF2
	KAMCTLRC=$TMPD/pgsql.rc kdb create
	ENG=pgsql URL="postgres://kamrw:$RWPW@127.0.0.1:$PPORT/kam_test"
	LOADMOD='loadmodule "postgres"'
	cluster_run
	pg_stop
	ran=$((ran + 1))
else
	note "PostgreSQL not installed: skipped"
fi
note "the cluster scenario passed on $ran engine(s)"
