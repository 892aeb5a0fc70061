# RFC 3261 §10.3 end to end over UDP: the 200 lists every binding with
# its expiry and each Contact as the UA wrote it, with a Date; Expires
# header vs param; 423 with Min-Expires; "*" only with Expires: 0; an
# older CSeq refused, the same one a retransmission; a REGISTER without
# Contact returns the bindings; Require of an unknown extension: 420.
# lookup(): several contacts forked in parallel, the R-URI the best q;
# registered(); a binding that expires goes (timer).  Bad input: 1000
# contacts (403 from max_contacts), a 4 KB contact URI, Expires 2^40
# (cut to max_expires), negative, garbage; a flood from 500 AORs; after
# each the proxy serves and the table counts what it should.  kamctl ul
# show / rm / add.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_reg.sh"
PROXY_PORT=$(free_port)
UL_TIMER=1 reg_cfg "$TMPD/k.cfg" "" 'modparam("registrar", "max_contacts", 4)
modparam("registrar", "max_expires", 7200)
modparam("registrar", "min_expires", 2)'
start_proxy "$TMPD/k.cfg"

python3 - "$PROXY_PORT" > "$TMPD/rules.out" 2>&1 <<'PY' || { cat "$TMPD/rules.out"; fail "registrar rules"; }
import re, socket, sys, time
from regua import *
P = int(sys.argv[1])
f = Flow("udp", P)
def contacts(h):
    return hget(h, "contact", True)

# two contacts, one with its own expiry; Date; echo as written
c1 = '"Alice" <sip:alice@127.0.0.1:%d;line=1>;q=0.5;foo=bar' % f.local[1]
c2 = '<sip:alice@127.0.0.1:%d;line=2>;expires=300;q=1' % f.local[1]
code, first, h = register(f, "alice", [c1, c2], cseq=1, expires=120)
assert code == 200, first
got = contacts(h)
assert c1 + ";expires=120" in got, got
assert '<sip:alice@127.0.0.1:%d;line=2>;q=1;expires=300' % f.local[1] in got, got
assert re.match(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$", hget(h, "date")), hget(h, "date")
print("200: both contacts echoed as written, expiries 120 and 300, Date")
# a query: the same bindings
code, _, h = register(f, "alice", None, cseq=2)
assert code == 200 and len(contacts(h)) == 2, h
# 423 with Min-Expires; nothing changes
code, _, h = register(f, "alice", ["<sip:alice@127.0.0.1:9>"], cseq=3, expires=1)
assert code == 423 and hget(h, "min-expires") == "2", (code, h)
# an older CSeq of the same call: refused; the same one: a retransmission
code, first, _ = register(f, "alice", [c1], cseq=0, expires=60)
assert code == 400 and "CSeq" in first, first
code, _, h = register(f, "alice", [c1], cseq=1, expires=120)
assert code == 200 and c1 + ";expires=120" in contacts(h), h
# Contact: * needs Expires: 0
code, _, _ = register(f, "alice", ["*"], cseq=4, expires=10)
assert code == 400, code
code, _, _ = register(f, "alice", ["*", "<sip:x@y>"], cseq=4, expires=0)
assert code == 400, code
# Require of an extension we do not know
code, _, h = register(f, "alice", [c1], cseq=4, extra=["Require: foo"])
assert code == 420 and hget(h, "unsupported") == "foo", h
print("423 + Min-Expires, older CSeq 400, * without Expires 0: 400, Require foo: 420")

# lookup: the R-URI goes to the best q, the other contact is a branch
u1, u2 = Flow("udp", P), Flow("udp", P)
# each phone registers itself (its Contact is where its REGISTER came
# from: no NAT); u2 has the better q
assert register(u1, "bob", ["<sip:bob@127.0.0.1:%d>;q=0.2" % u1.local[1]])[0] == 200
code, _, h = register(u2, "bob", ["<sip:bob@127.0.0.1:%d>;q=0.9" % u2.local[1]])
assert code == 200 and len(contacts(h)) == 2, h
caller = Flow("udp", P)
inv = request(caller, "INVITE", "sip:bob@127.0.0.1", "fork-1")
i2 = wait_request(u2, "INVITE", 3)
i1 = wait_request(u1, "INVITE", 3)
assert i1 is not None and i2 is not None, "not forked to both"
# the R-URI is the best q (branch .0), the other one is the next branch
assert b"branch=z9hG4bK" in i2 and i2.split(b"\r\n", 1)[0].endswith(("%d SIP/2.0" % u2.local[1]).encode())
u1.send(reply(i1, 486, "Busy", "t1")); u2.send(reply(i2, 486, "Busy", "t2"))
assert wait_final(caller, inv=inv)[0] == 486
print("lookup forks to both contacts of bob")
# registered()
request(caller, "OPTIONS", "sip:registered@127.0.0.1", "r1", extra=[])
# registered() reads the R-URI's AOR: here "registered", not a user
assert wait_final(caller, callid="r1")[0] == 499
# expiry by the timer
code, _, _ = register(f, "carol", ["<sip:carol@127.0.0.1:7>"], cseq=1, expires=2)
assert code == 200
time.sleep(3.5)
inv = request(caller, "INVITE", "sip:carol@127.0.0.1", "exp-1")
assert wait_final(caller, inv=inv)[0] == 404, "carol did not expire"
print("carol expired after 2 s")

# bad input
many = ["<sip:m%d@127.0.0.1:9>" % i for i in range(1000)]
code, first, _ = register(f, "many", many, cseq=1)
assert code == 403, first
code, first, _ = register(f, "many", many[:5], cseq=2)
assert code == 403, first                       # max_contacts 4
code, _, _ = register(f, "many", many[:4], cseq=3)
assert code == 200
code, _, _ = register(f, "long", ["<sip:%s@127.0.0.1>" % ("x" * 4096)], cseq=1)
assert code == 400, code
code, _, h = register(f, "big", ["<sip:big@127.0.0.1:9>"], cseq=1, expires=2**40)
assert code == 200 and contacts(h)[0].endswith(";expires=7200"), contacts(h)
for i, e in enumerate(["-1", "abc", "1e3", ""]):
    code, _, _ = register(f, "bad", ["<sip:bad@127.0.0.1:9>"], cseq=i + 1, expires=e)
    assert code == 400, (e, code)
code, _, _ = register(f, "bad", ["<sip:bad@127.0.0.1:9>;expires=-5"], cseq=9)
assert code == 400, code
print("1000 contacts: 403; 5 over max_contacts 4: 403; 4 KB URI: 400; Expires 2^40 cut to 7200; -1/abc/1e3/empty: 400")
# a flood from 500 AORs (each REGISTER waits for its answer)
fl = Flow("udp", P)
ok = 0
t0 = time.time()
for i in range(500):
    code, _, _ = register(fl, "flood%d" % i, ["<sip:flood%d@127.0.0.1:9>" % i], cseq=1, timeout=2)
    ok += code == 200
assert ok == 500, ok
print("500 AORs registered in %.2fs" % (time.time() - t0))
PY
cat "$TMPD/rules.out"
# alice 2 + bob 2 + many 4 + big 1 + flood 500
[ "$(ul_count)" = 509 ] || fail "the table has $(ul_count) contacts, not 509"
kctl ul show alice | grep -c "Contact::" | grep -qx 2 || fail "ul show alice"
kctl ul rm alice "sip:alice@127.0.0.1" 2>/dev/null && fail "ul rm of an unknown contact succeeded"
kctl ul add dora sip:dora@127.0.0.1:9 0 500 || fail "ul add"
kctl ul show dora | grep -q "Expires:: permanent" || fail "ul add: not permanent"
kctl ul rm dora || fail "ul rm dora"
kctl ul show dora 2>/dev/null && fail "dora still there"
kctl ul rm flood7 || fail "ul rm flood7"
[ "$(ul_count)" = 508 ] || fail "the table has $(ul_count) contacts after ul rm"
kctl fifo ul_dump json > "$TMPD/dump.json" || fail "ul_dump json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); n=sum(len(a['contacts']) for t in d['tables'] for a in t['aors']); sys.exit(0 if n == 508 else 1)" "$TMPD/dump.json" ||
    fail "ul_dump json does not hold 508 contacts"
kctl stats registrar: | grep -q "accepted_regs" || fail "registrar statistics"
proxy_alive || fail "proxy died"
assert_clean_log
