# REGISTER brute force, two bounded loops of 2000 requests on one nonce:
# wrong passwords for alice from 127.0.0.1 (after user_max_failures, 10,
# alice is protected: 403 without a DB query to every address that
# failed), and 2000 user names from 127.0.0.3 (after ip_max_failures,
# 30, the address is blocked).  auth_db:queries counts the DB queries:
# 40 in all.  Each block is logged once; fail2ban's filter matches the
# lines; alice and bob from 127.0.0.2 still register, the attackers are
# refused even with the right password.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_auth.sh"
PROXY_PORT=$(free_port)
auth_db_create
cat > "$TMPD/k.cfg" <<CFG
debug=3
log_stderror=yes
children=2
fifo="$FIFO"
listen=udp:127.0.0.1:$PROXY_PORT
loadmodule "sl"
loadmodule "db_sqlite"
loadmodule "auth"
loadmodule "auth_db"
modparam("auth_db", "db_url", "sqlite://$DB")
modparam("auth_db", "password_column", "password")
modparam("auth_db", "calculate_ha1", 1)
route {
	if (!www_authorize("", "subscriber")) {
		www_challenge("", "0");
		exit;
	}
	sl_send_reply("200", "OK");
}
CFG
start_proxy "$TMPD/k.cfg"
q0=$(kstat auth_db:queries)
# attack A: alice's password from 127.0.0.1; attack B: 2000 user names
# from 127.0.0.3 (enumeration); each loop is bounded (2000 requests, 2 s
# per answer at most)
python3 - "$PROXY_PORT" > "$TMPD/attack.out" <<'PY' || { cat "$TMPD/attack.out"; fail "attack loops"; }
import sys, time
from sipauth import Phone, check
port = int(sys.argv[1])
def attack(ip, users):
    p = Phone(port, local_ip=ip, timeout=2)
    ch = p.transact().challenges()[0]
    codes = {}
    t0 = time.time()
    for i in range(2000):
        a = p.authorization(ch, "REGISTER", "sip:127.0.0.1", user=users(i),
                            password="guess%d" % i)
        r = p.transact(extra=a)
        c = r.code if r else 0
        codes[c] = codes.get(c, 0) + 1
    print(ip, codes, "in %.1f s" % (time.time() - t0))
    return codes
c = attack("127.0.0.1", lambda i: "alice")
check(c.get(401, 0) == 10 and c.get(403, 0) == 1990,
      "2000 guesses at alice's password: 10 x 401 (user_max_failures), then 403", str(c))
c = attack("127.0.0.3", lambda i: "user%d" % i)
check(c.get(401, 0) == 30 and c.get(403, 0) == 1970,
      "2000 user names from one address: 30 x 401 (ip_max_failures), then 403", str(c))
PY
cat "$TMPD/attack.out"
q1=$(kstat auth_db:queries)
note "DB queries during 4000 attempts: $((q1 - q0))"
[ $((q1 - q0)) -eq 40 ] || fail "the attacks reached the DB $((q1 - q0)) times (limits: 10 + 30)"
python3 - "$PROXY_PORT" <<'PY' || fail "legitimate users"
import sys
from sipauth import Phone, check
port = int(sys.argv[1])
r1, r2 = Phone(port, local_ip="127.0.0.2").login()
check(r2 is not None and r2.code == 200, "alice from 127.0.0.2 registers while under attack", r2)
r1, r2 = Phone(port, user="bob", password="b0b-pw", local_ip="127.0.0.2").login()
check(r2 is not None and r2.code == 200, "bob from 127.0.0.2 too", r2)
r1, r2 = Phone(port).login()
check(r2 is not None and r2.code == 403, "alice from the attacking 127.0.0.1: 403 even with the right password", r2)
r1, r2 = Phone(port, user="bob", password="b0b-pw", local_ip="127.0.0.3").login()
check(r2 is not None and r2.code == 403, "bob from the blocked 127.0.0.3: 403", r2)
PY
q2=$(kstat auth_db:queries)
[ $((q2 - q1)) -eq 2 ] || fail "expected 2 DB queries for the legitimate users, got $((q2 - q1))"
proxy_alive || fail "proxy died"
[ "$(grep -c 'auth user protected: ip=127.0.0.1 user="alice" after 10 failures' "$TMPD/proxy.log")" = 1 ] ||
	fail "alice's protection is not logged exactly once"
[ "$(grep -c 'auth blocked: ip=127.0.0.3 after 30 failures' "$TMPD/proxy.log")" = 1 ] ||
	fail "the block of 127.0.0.3 is not logged exactly once"
[ "$(grep -c 'auth failed: ip=127.0.0.[13] reason=' "$TMPD/proxy.log")" = 40 ] ||
	fail "expected 40 failure lines"
[ "$(kstat auth:blocked_ips)" = 1 ] || fail "auth:blocked_ips is not 1"
[ "$(kstat auth:blocked_users)" = 1 ] || fail "auth:blocked_users is not 1"
[ "$(kstat auth:rejected_blocked)" -ge 3960 ] || fail "auth:rejected_blocked too low"
m=$(f2b_count "$TMPD/proxy.log")
[ "$m" = skip ] || [ "$m" = 41 ] || { cat "$TMPD/f2b.out"; fail "fail2ban matched $m lines, expected 41"; }
note "fail2ban-regex: $m lines matched (40 failures, 1 block)"
note "statistics: $(kamctl fifo get_statistics all </dev/null | grep -E '^auth' | tr '\n' ' ')"
assert_clean_log
