# A phone with no listening socket registers over TLS and is reached over
# the connection it registered on.  Phone A (its Contact is its own end of
# the connection) gets the INVITE, the ACK and the BYE of a call from a
# UDP caller on that connection.  Phone B says it is behind NAT (its
# Contact is an address it does not listen on, 127.0.0.99:$NAT_PORT,
# where this test listens instead): the INVITE still reaches it over its
# connection, and nothing ever connects to 127.0.0.99.  RFC 5626: B
# registers a flow (+sip.instance, reg-id, Supported: outbound) and gets
# Require: outbound back.  When B closes its connection the binding is
# unreachable at once (usrloc:flows_closed), a call to B gets 480 within a
# second (fr_timer is 10 s), and still nothing connects to 127.0.0.99.
# The connection outlives tcp_connection_lifetime (2 s here) while its
# binding lives.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
. "$TOP/test/integ/lib_reg.sh"
PROXY_PORT=$(free_port); TLS_PORT=$(free_port); NAT_PORT=$(free_port)
mk_ca "$TMPD/ca"
mk_cert "$TMPD/ca" proxy "IP:127.0.0.1"
CERT_DIR=$TMPD/ca/proxy
reg_cfg "$TMPD/k.cfg" "tcp_connection_lifetime=2"
start_proxy "$TMPD/k.cfg"
wait_tcp "$TLS_PORT" || fail "no TLS listener"

python3 - "$PROXY_PORT" "$TLS_PORT" "$NAT_PORT" "$FIFO" > "$TMPD/phone.out" 2>&1 <<'PY' || { cat "$TMPD/phone.out"; fail "TLS phone"; }
import socket, subprocess, sys, time, os
from regua import *
proxy, tls_port, nat_port = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
# "NAT": the address phone B claims; nothing must ever connect to it
trap = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
trap.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
trap.bind(("127.0.0.99", nat_port)); trap.listen(8); trap.setblocking(False)
def trapped():
    try:
        c, a = trap.accept(); c.close(); return True
    except BlockingIOError:
        return False

def stat(name):
    out = subprocess.run(["sh", os.environ["TOP"] + "/scripts/kamctl", "stats", name],
        env=dict(os.environ, FIFO_PATH=sys.argv[4], KAMCTLRC="/dev/null"),
        capture_output=True, text=True, timeout=20).stdout
    return int(out.split("=")[-1]) if "=" in out else -1

a = Flow("tls", tls_port)
ca = "<sip:alice@%s:%d;transport=tls>" % a.local
code, first, h = register(a, "alice", [ca], expires=600)
assert code == 200, first
assert ca + ";expires=600" in hget(h, "contact", True), h
b = Flow("tls", tls_port)
cb = ('<sip:bob@127.0.0.99:%d;transport=tls>;+sip.instance="<urn:uuid:0c1e2f3a-b4d5-4e6f-8a9b-0c1d2e3f4a5b>";reg-id=1'
      % nat_port)
code, first, h = register(b, "bob", [cb], expires=600, extra=["Supported: outbound, path"])
assert code == 200, first
assert "outbound" in (hget(h, "require") or ""), h
print("registered: alice (own address), bob (NAT, outbound flow: Require: outbound)")

# the connections outlive tcp_connection_lifetime while the bindings live
time.sleep(3.5)

# a call to alice: INVITE, ACK and BYE over her registration connection
caller = Flow("udp", proxy)
ia = request(caller, "INVITE", "sip:alice@127.0.0.1", "call-a", 1)
inv = wait_request(a, "INVITE")
assert inv is not None, "no INVITE on alice's connection"
assert inv.split(b"\r\n", 1)[0] == ("INVITE sip:alice@%s:%d;transport=tls SIP/2.0" % a.local).encode(), inv[:80]
a.send(reply(inv, 180, "Ringing", "ta"))
a.send(reply(inv, 200, "OK", "ta", contact=ca))
code, ok = wait_final(caller, inv=ia)
assert code == 200, code
_, oh, _ = parse(ok)
rr = hget(oh, "record-route", True)
to = hget(oh, "to")
route = ["Route: " + r for r in rr[::-1]]
request(caller, "ACK", "sip:alice@%s:%d;transport=tls" % a.local, "call-a", 1, to=to, extra=route)
ack = wait_request(a, "ACK")
assert ack is not None, "no ACK on alice's connection"
request(caller, "BYE", "sip:alice@%s:%d;transport=tls" % a.local, "call-a", 2, to=to, extra=route)
bye = wait_request(a, "BYE")
assert bye is not None, "no BYE on alice's connection"
a.send(reply(bye, 200, "OK", "ta"))
code, _ = wait_final(caller, callid="call-a")
assert code == 200, code
print("alice: INVITE, ACK and BYE arrived over her registration connection")

# a call to bob: over his connection, not to the NAT address
ib = request(caller, "INVITE", "sip:bob@127.0.0.1", "call-b1", 1)
inv = wait_request(b, "INVITE")
assert inv is not None, "no INVITE on bob's connection"
b.send(reply(inv, 486, "Busy Here", "tb"))
code, _ = wait_final(caller, inv=ib)
assert code == 486, code
assert not trapped(), "something connected to bob's NAT address"
print("bob: INVITE over his registration connection, not to 127.0.0.99")

# bob's connection closes: unreachable at once, 480 quickly
closed0 = stat("usrloc:flows_closed")
b.close()
end = time.time() + 3
while stat("usrloc:flows_closed") <= closed0 and time.time() < end:
    time.sleep(0.05)
assert stat("usrloc:flows_closed") == closed0 + 1, "the closed flow was not noted"
t0 = time.time()
ib = request(caller, "INVITE", "sip:bob@127.0.0.1", "call-b2", 1)
code, _ = wait_final(caller, 5, inv=ib)
dt = time.time() - t0
assert code == 480, code
assert dt < 1.0, "480 took %.2fs" % dt
time.sleep(0.5)
assert not trapped(), "something connected to bob's NAT address"
print("bob's connection closed: 480 in %.3fs, nothing connected to his address" % dt)
# alice still works
request(caller, "OPTIONS", "sip:alice@127.0.0.1", "opt-a", 1)
m = wait_request(a, "OPTIONS")
assert m is not None, "alice got no OPTIONS"
a.send(reply(m, 200, "OK", "ta"))
assert wait_final(caller, callid="opt-a")[0] == 200
a.close()
PY
cat "$TMPD/phone.out"
kctl ul show bob > "$TMPD/bob.txt" || fail "ul show bob"
grep -q "State:: unreachable" "$TMPD/bob.txt" || { cat "$TMPD/bob.txt"; fail "bob is not shown unreachable"; }
grep -q "Instance:: <urn:uuid:0c1e2f3a" "$TMPD/bob.txt" || fail "bob's instance not stored"
proxy_alive || fail "proxy died"
assert_clean_log
