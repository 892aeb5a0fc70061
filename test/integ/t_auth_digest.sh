# Digest authentication end to end with the python client (sipauth.py)
# over UDP and TLS, against auth + auth_db (SQLite, users made by kamctl
# add) + uri_db, with the guide's Example 1.15 checks:
#  - REGISTER 401 -> 200 with qop=auth and without qop (the guide's "0"),
#    over UDP and TLS; an unknown user gets the same answer as a wrong
#    password; the failures give the fixed log line, which the shipped
#    fail2ban filter matches;
#  - a captured Authorization replayed is refused; a stale nonce gets
#    stale=true and the retry succeeds;
#  - check_to: a REGISTER for another user is 403;
#  - an INVITE is challenged with 407, relayed after proxy_authorize
#    (without the consumed credentials) to a python UAS, and its 200 comes
#    back; check_from: a From that is not the authenticated user is 403;
#  - hostile Authorization headers (10 KB values, missing fields,
#    duplicated parameters, unquoted strings, quotes and SQL in the
#    username): each is answered, the proxy lives, nothing was written.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
. "$TOP/test/integ/lib_auth.sh"
PROXY_PORT=$(free_port); PT=$(free_port); UAS=$(free_port)
C=$TMPD/ca
mk_ca "$C"
mk_cert "$C" srv "DNS:localhost,IP:127.0.0.1"
auth_db_create
cat > "$TMPD/k.cfg" <<CFG
debug=3
log_stderror=yes
children=2
tcp_children=1
fifo="$FIFO"
listen=udp:127.0.0.1:$PROXY_PORT
listen=tls:127.0.0.1:$PT
tls_certificate="$C/srv/cert.pem"
tls_private_key="$C/srv/privkey.pem"
tls_ca_list="$C/cacert.pem"
tls_verify_client=0
tls_require_client_certificate=0
loadmodule "sl"
loadmodule "tm"
loadmodule "textops"
loadmodule "db_sqlite"
loadmodule "auth"
loadmodule "auth_db"
loadmodule "uri_db"
loadmodule "xlog"
modparam("auth", "nonce_expire", 3)
modparam("auth_db", "db_url", "sqlite://$DB")
modparam("auth_db", "password_column", "password")
modparam("auth_db", "calculate_ha1", 1)
modparam("auth_db", "load_credentials", "email_address")
route {
	if (method == "REGISTER") {
		if (is_present_hf("X-Qop")) {
			if (!www_authorize("", "subscriber")) {
				www_challenge("", "auth");
				exit;
			}
		} else if (!www_authorize("", "subscriber")) {
			www_challenge("" /* realm */, "0" /* no qop */);
			exit;
		}
		if (!check_to()) {
			sl_send_reply("403", "That is ugly -- use To=id in REGISTERs");
			exit;
		}
		xlog("L_INFO", "registered \$tU email=\$avp(s:email_address) au=\$au ad=\$ad ar=\$ar aU=\$aU\n");
		sl_send_reply("200", "OK");
		exit;
	}
	if (from_uri == myself && method == "INVITE") {
		if (!proxy_authorize("127.0.0.1", "subscriber")) {
			proxy_challenge("127.0.0.1", "auth");
			exit;
		}
		if (!check_from()) {
			sl_send_reply("403", "That is ugly -- use From=id next time (OB)");
			exit;
		}
		consume_credentials();
	}
	t_relay_to_udp("127.0.0.1", "$UAS");
}
CFG
start_proxy "$TMPD/k.cfg"
wait_tcp "$PT" || fail "no TLS listener"
before=$(db_digest)
python3 - "$PROXY_PORT" "$PT" "$UAS" "$DB" <<'PY' || fail "scenario failed"
import socket, subprocess, sys, threading, time
from sipauth import Phone, Reply, check
pu, pt, uas_port, db = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

for proto, port in (("udp", pu), ("tls", pt)):
    for qop in (True, False):
        p = Phone(port, proto)
        x = "X-Qop: 1\r\n" if qop else ""
        r1, r2 = p.login(extra=x)
        ch = r1.challenges()[0]
        check(r1.code == 401 and ch["realm"] == "127.0.0.1" and ch.get("algorithm") == "MD5",
              "%s REGISTER challenged (401, realm from To, MD5)" % proto, r1)
        check(("qop" in ch) == qop, "%s challenge %s qop" % (proto, "with" if qop else "without"), r1)
        check(r2.code == 200, "%s REGISTER with digest%s: 200" % (proto, " (qop=auth)" if qop else ""), r2)
        p.close()

# bob's password came through kamctl's stdin
p = Phone(pu, user="bob", password="b0b-pw")
r1, r2 = p.login()
check(r2.code == 200, "bob (password given to kamctl add on stdin) registers", r2)

# a captured Authorization replayed: refused
p = Phone(pu)
r1, r2 = p.login(extra="X-Qop: 1\r\n")
check(r2.code == 200, "qop REGISTER", r2)
p.send_raw(p.last_sent)
r3 = p.recv()
check(r3.code == 401 and "stale=true" in r3.get("www-authenticate"),
      "the same Authorization (nc 1) again: refused, 401 with a fresh nonce (stale=true)", r3)
# the next nc on the same nonce is fine
a = p.authorization(p.challenge, "REGISTER", "sip:127.0.0.1")
r4 = p.transact(extra="X-Qop: 1\r\n" + a)
check(r4.code == 200, "the next nonce count on the same nonce: 200", r4)

# wrong password and unknown user: the same answer
p = Phone(pu, password="wrong")
r1, r2 = p.login()
q = Phone(pu, user="nosuchuser", password="wrong")
q1, q2 = q.login()
from sipauth import parse_challenge
def shape(r):
    return [(n, sorted(parse_challenge(v))) if n == "www-authenticate" else (n, v)
            for n, v in r.headers if n not in ("via", "from", "to", "call-id", "cseq")]
check(r2.code == 401 and q2.code == 401, "wrong password and unknown user: 401", r2)
check(shape(r2) == shape(q2), "... with the same headers", "%s\n%s" % (r2, q2))

# stale nonce: stale=true, then the retry works
p = Phone(pu)
r1, r2 = p.login(extra="X-Qop: 1\r\n")
check(r2.code == 200, "REGISTER before the nonce expires", r2)
time.sleep(4)
a = p.authorization(p.challenge, "REGISTER", "sip:127.0.0.1")
r3 = p.transact(extra="X-Qop: 1\r\n" + a)
ch = r3.challenges()[0] if r3 else {}
check(r3.code == 401 and ch.get("stale") == "true", "an expired nonce: 401 with stale=true", r3)
p.nc = 0
a = p.authorization(ch, "REGISTER", "sip:127.0.0.1")
r4 = p.transact(extra="X-Qop: 1\r\n" + a)
check(r4.code == 200, "the retry on the new nonce: 200", r4)

# check_to: alice registering bob
p = Phone(pu)
r1, r2 = p.login(to_user="bob")
check(r2.code == 403, "check_to: alice's credentials for bob's To: 403", r2)

# INVITE: 407, then relayed without the credentials, the 200 comes back
uas = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
uas.bind(("127.0.0.1", uas_port)); uas.settimeout(5)
got = []
def serve():
    try:
        while True:
            d, a = uas.recvfrom(65535)
            m = d.decode("latin-1")
            if not m.startswith("INVITE"):
                continue
            got.append(m)
            hs = [l for l in m.split("\r\n") if l.split(":")[0].lower() in ("via", "from", "to", "call-id", "cseq")]
            resp = "SIP/2.0 200 OK\r\n" + "\r\n".join(h + (";tag=uas" if h.lower().startswith("to:") else "") for h in hs) + \
                "\r\nContact: <sip:bob@127.0.0.1:%d>\r\nContent-Length: 0\r\n\r\n" % uas_port
            uas.sendto(resp.encode(), a)
    except socket.timeout:
        pass
t = threading.Thread(target=serve); t.start()
sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n"
p = Phone(pu)
r1, r2 = p.login("INVITE", "sip:bob@127.0.0.1", body=sdp,
                 extra="Content-Type: application/sdp\r\n")
check(r1.code == 407 and r1.get("proxy-authenticate") and 'qop="auth"' in r1.get("proxy-authenticate"),
      "INVITE from a local user: 407 Proxy-Authenticate", r1)
check(r2 is not None and r2.code == 200, "INVITE with Proxy-Authorization: relayed, 200 back", r2)
t.join()
check(len(got) == 1 and "proxy-authorization" not in got[0].lower(),
      "the UAS got the INVITE without the consumed credentials", got[0] if got else "nothing")
# check_from: bob's credentials, alice's From
p = Phone(pu, user="bob", password="b0b-pw")
r1, r2 = p.login("INVITE", "sip:carol@127.0.0.1", from_user="alice")
check(r1.code == 407 and r2.code == 403 and "From=id" in r2.first,
      "check_from: bob's credentials with alice's From: 403", r2)

# hostile headers: each is answered; nothing written
def dump():
    return subprocess.run(["sqlite3", db, ".dump"], capture_output=True).stdout
base = dump()
good = Phone(pu)
r1 = good.transact()
ch = r1.challenges()[0]
n = ch["nonce"]
big = "A" * 10240
hostile = [
    ("10 KB username", 'Digest username="%s", realm="127.0.0.1", nonce="%s", uri="sip:127.0.0.1", response="0"' % (big, n), (400,)),
    ("10 KB nonce", 'Digest username="alice", realm="127.0.0.1", nonce="%s", uri="sip:127.0.0.1", response="0"' % big, (400,)),
    ("10 KB of parameters", "Digest " + ", ".join("p%d=x" % i for i in range(1500)), (400,)),
    ("no nonce", 'Digest username="alice", realm="127.0.0.1", uri="sip:127.0.0.1", response="00"', (400,)),
    ("no response", 'Digest username="alice", realm="127.0.0.1", nonce="%s", uri="sip:127.0.0.1"' % n, (400,)),
    ("just the scheme", "Digest", (400,)),
    ("two usernames", 'Digest username="alice", username="bob", realm="127.0.0.1", nonce="%s", uri="sip:127.0.0.1", response="0"' % n, (400,)),
    ("two nonces", 'Digest username="alice", realm="127.0.0.1", nonce="%s", nonce="x", uri="sip:127.0.0.1", response="0"' % n, (400,)),
    ("unquoted strings", 'Digest username=alice, realm=127.0.0.1, nonce=%s, uri=sip:127.0.0.1, response=0123' % n, (400, 401)),
    ("unquoted with a blank", 'Digest username=al ice, realm="127.0.0.1", nonce="%s", uri="sip:127.0.0.1", response="0"' % n, (400,)),
    ("unterminated quote", 'Digest username="alice, realm="127.0.0.1', (400,)),
    ("SQL in the username", 'Digest username="x\\"\' OR 1=1; DROP TABLE subscriber; --", realm="127.0.0.1", nonce="%s", uri="sip:127.0.0.1", response="0123"' % n, (401,)),
    ("SQL with @domain", 'Digest username="a@b\' OR \'1\'=\'1", realm="127.0.0.1", nonce="%s", uri="sip:127.0.0.1", response="0123"' % n, (401,)),
    ("NUL escaped in a quote", 'Digest username="al\\\x00ice", realm="127.0.0.1", nonce="%s", uri="sip:127.0.0.1", response="0"' % n, (400,)),
    ("Basic scheme", "Basic YWxpY2U6czNjcjN0", (401,)),
]
for what, value, codes in hostile:
    p = Phone(pu)
    r = p.transact(extra="Authorization: %s\r\n" % value)
    check(r is not None and r.code in codes, "hostile: %s -> %s" % (what, "/".join(map(str, codes))),
          r.first if r else "no answer")
    check(dump() == base, "hostile: %s: nothing written" % what)
# over TLS too
p = Phone(pt, "tls")
r = p.transact(extra="Authorization: %s\r\n" % hostile[0][1])
check(r is not None and r.code == 400, "hostile over TLS: 10 KB username -> 400", r.first if r else "")
r = good.login()[1]
check(r.code == 200, "after all that, alice still registers", r)
PY
proxy_alive || fail "proxy died"
grep -q "registered alice email=alice@example.com au=alice ad=127.0.0.1 ar=127.0.0.1 aU=alice$" "$TMPD/proxy.log" ||
	fail "load_credentials: no email_address AVP, or \$au/\$ad/\$ar/\$aU wrong"
[ "$(db_digest)" = "$before" ] || fail "the database changed"
# every failure has its line; fail2ban's regex matches the wrong
# passwords and unknown users (not the replay: a UDP retransmission
# looks the same)
n_lines=$(grep -cE 'auth failed: ip=127.0.0.1 reason=(wrong-password|unknown-user) ' "$TMPD/proxy.log")
grep -q 'auth failed: ip=127.0.0.1 reason=wrong-password user="alice" realm="127.0.0.1" method=REGISTER' "$TMPD/proxy.log" ||
	fail "no failure line for alice's wrong password"
grep -q 'auth failed: ip=127.0.0.1 reason=unknown-user user="nosuchuser" realm="127.0.0.1"' "$TMPD/proxy.log" ||
	fail "no failure line for the unknown user"
grep -q 'auth failed: ip=127.0.0.1 reason=replay user="alice"' "$TMPD/proxy.log" ||
	fail "no failure line for the replay"
grep -q 'reason=unknown-user user="x\\x22'"'"' OR 1=1; DROP TABLE subscriber; --"' "$TMPD/proxy.log" ||
	fail "the SQL username is not logged escaped"
m=$(f2b_count "$TMPD/proxy.log")
if [ "$m" = skip ]; then
	note "fail2ban-regex not installed: filter not checked"
else
	[ "$m" = "$n_lines" ] || { cat "$TMPD/f2b.out"; fail "fail2ban matched $m of $n_lines failure lines"; }
	note "fail2ban-regex: $m of $n_lines failure lines matched"
fi
note "statistics: $(kamctl fifo get_statistics all </dev/null | grep -E '^auth' | tr '\n' ' ')"
[ "$(kstat auth:replays)" -ge 1 ] || fail "auth:replays not counted"
assert_clean_log
