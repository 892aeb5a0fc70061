# Digest nonces across a cluster: proxies that read the same secret_file
# accept each other's nonces; one with another secret refuses them; the
# nonce-count replay table is per proxy (doc/cluster.md, "Nonces"):
#  - without qop (the guide's www_challenge("", "0")): a nonce of proxy A
#    is accepted by proxy B (200); proxy C, another secret, answers 401
#    with a new challenge that is not stale=true (the nonce is forged to
#    it), with qop too;
#  - qop=auth with nonce_count on (the default): A's nonce at B gets 401
#    stale=true (B's nc table never gave out that nonce) and the client's
#    retry on B's nonce is 200: one more round trip when a client moves to
#    another proxy, never a lockout;
#  - qop=auth with nonce_count = no on D and E: D's nonce is accepted on
#    E, and the same Authorization (the same nc) sent again is accepted
#    again, on E and on D: the replay protection that is given up.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_auth.sh"
auth_db_create
openssl rand -hex 32 > "$TMPD/secret"
openssl rand -hex 32 > "$TMPD/other_secret"

# cfg NAME PORT SECRET_FILE NONCE_COUNT
cfg() {
	cat > "$TMPD/$1.cfg" <<CFG
debug=2
log_stderror=yes
children=2
listen=udp:127.0.0.1:$2
loadmodule "sl"
loadmodule "textops"
loadmodule "db_sqlite"
loadmodule "auth"
loadmodule "auth_db"
modparam("auth", "secret_file", "$3")
modparam("auth", "nonce_count", $4)
modparam("auth_db", "db_url", "sqlite://$DB")
modparam("auth_db", "password_column", "password")
modparam("auth_db", "calculate_ha1", 1)
route {
	if (method == "REGISTER") {
		if (is_present_hf("X-Qop")) {
			if (!www_authorize("", "subscriber")) {
				www_challenge("", "auth");
				exit;
			}
		} else if (!www_authorize("", "subscriber")) {
			www_challenge("", "0");
			exit;
		}
		sl_send_reply("200", "OK");
		exit;
	}
	sl_send_reply("403", "Forbidden");
}
CFG
}
ports=""
for p in a:secret:1 b:secret:1 c:other_secret:1 d:secret:0 e:secret:0; do
	n=${p%%:*}; r=${p#*:}; s=${r%%:*}; nc=${r#*:}
	port=$(free_port); eval "PORT_$n=$port"; ports="$ports $port"
	cfg "$n" "$port" "$TMPD/$s" "$nc"
	"$KAMAILIO" -c -f "$TMPD/$n.cfg" > "$TMPD/check.log" 2>&1 ||
		{ cat "$TMPD/check.log"; fail "config check of proxy $n"; }
	start_bg "$n" "$KAMAILIO" -DD -E -f "$TMPD/$n.cfg"
done
for port in $ports; do
	i=0
	while ! ss -Hlun "sport = :$port" | grep -q . && [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
done

python3 - $ports <<'PY' || fail "nonces across the cluster"
import sys
from sipauth import Phone, check
A, B, C, D, E = (int(x) for x in sys.argv[1:6])
QOP = "X-Qop: 1\r\n"
RURI = "sip:127.0.0.1"


def at(p, port, extra, auth):
    """the request with auth, sent to the proxy on port"""
    p.port = port
    return p.transact(extra=extra + auth)


def stale(r):
    return r is not None and r.code == 401 and \
        r.challenges()[0].get("stale") == "true"


def fresh_401(r):
    return r is not None and r.code == 401 and \
        r.challenges()[0].get("stale") != "true"


# no qop: the nonce is checked by its HMAC alone
p = Phone(A)
r1, r2 = p.login()
check(r2.code == 200, "no qop: REGISTER on A", r2)
a = p.authorization(p.challenge, "REGISTER", RURI)
r = at(p, B, "", a)
check(r is not None and r.code == 200, "no qop: A's nonce accepted by B (same secret_file)", r)
print("no qop: A's nonce on B: 200")
r = at(p, C, "", a)
check(fresh_401(r), "no qop: A's nonce refused by C (another secret), not stale", r)
print("no qop: A's nonce on C: 401, not stale")

# qop=auth, nonce_count on: per-proxy nc tables
p = Phone(A)
r1, r2 = p.login(extra=QOP)
check(r2.code == 200, "qop: REGISTER on A", r2)
r = at(p, B, QOP, p.authorization(p.challenge, "REGISTER", RURI))
check(stale(r), "qop, nonce_count: A's nonce (nc 2) on B: 401 stale=true", r)
print("qop + nonce_count: A's nonce on B: 401 stale=true")
p.nc = 0
r = at(p, B, QOP, p.authorization(r.challenges()[0], "REGISTER", RURI))
check(r is not None and r.code == 200, "qop: the retry on B's nonce: 200", r)
print("qop + nonce_count: the retry with B's nonce: 200")
r = at(p, C, QOP, p.authorization(p.challenge, "REGISTER", RURI))
check(fresh_401(r), "qop: A's nonce refused by C (another secret), not stale", r)
print("qop: A's nonce on C: 401, not stale")

# qop=auth, nonce_count = no on D and E
p = Phone(D)
r1, r2 = p.login(extra=QOP)
check(r2.code == 200, "qop: REGISTER on D", r2)
a = p.authorization(p.challenge, "REGISTER", RURI)
r = at(p, E, QOP, a)
check(r is not None and r.code == 200, "nonce_count=no: D's nonce accepted by E", r)
r = at(p, E, QOP, a)
check(r is not None and r.code == 200, "nonce_count=no: the same nc again on E: accepted", r)
r = at(p, D, QOP, a)
check(r is not None and r.code == 200, "nonce_count=no: the same nc again on D: accepted", r)
print("qop, nonce_count=no: D's nonce on E: 200; the same nc replayed on E and D: 200")
PY
for n in a b c d e; do
	bad=$(grep -E 'ERROR|CRITICAL|ALERT' "$TMPD/$n.log" | grep -v 'auth failed: ' || true)
	[ -z "$bad" ] || { echo "$bad" | head; fail "errors in proxy $n's log"; }
done
note "nonces: shared by the secret_file, nc replay checks per proxy"
