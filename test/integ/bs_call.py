# test/integ/bs_call.py: one call between two baresip phones driven
# through their ctrl_tcp ports (netstrings of JSON commands; events come
# back the same way).  Used by t_two_domains.sh.
#
#   python3 bs_call.py CALLER_CTL CALLEE_CTL URI [answer|callee-bye|reject]
#
# The caller dials URI; the callee must see CALL_INCOMING and the caller
# CALL_RINGING; with "answer" (the default) the callee accepts, both see
# CALL_ESTABLISHED, the caller hangs up and both see CALL_CLOSED.  With
# "callee-bye" the callee hangs up instead of the caller; with
# "reject" the callee hangs up while it rings.  Exit 0 when all the
# events came within their deadlines.
import json
import socket
import sys
import time


def ctl(port):
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=5)
    return [s, b""]


def send(c, cmd, params=""):
    j = json.dumps({"command": cmd, "params": params, "token": cmd}).encode()
    c[0].sendall(b"%d:%s," % (len(j), j))


def event(c, want, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        while b":" in c[1]:
            n, _, rest = c[1].partition(b":")
            if len(rest) < int(n) + 1:
                break
            msg, c[1] = rest[:int(n)], rest[int(n) + 1:]
            j = json.loads(msg)
            if j.get("event") and j.get("type") == want:
                return j
        c[0].settimeout(max(0.05, end - time.time()))
        try:
            d = c[0].recv(65535)
        except socket.timeout:
            break
        if not d:
            break
        c[1] += d
    raise SystemExit("no %s event within %d s" % (want, timeout))


caller, callee = ctl(sys.argv[1]), ctl(sys.argv[2])
uri, how = sys.argv[3], (sys.argv[4] if len(sys.argv) > 4 else "answer")
send(caller, "dial", uri)
ev = event(callee, "CALL_INCOMING")
print("incoming call from", ev.get("peeruri"), flush=True)
event(caller, "CALL_RINGING")
print("ringing", flush=True)
if how == "reject":
    send(callee, "hangup")
    event(caller, "CALL_CLOSED")
    event(callee, "CALL_CLOSED")
    print("rejected", flush=True)
    sys.exit(0)
send(callee, "accept")
event(callee, "CALL_ESTABLISHED")
event(caller, "CALL_ESTABLISHED")
print("established", flush=True)
time.sleep(0.5)
send(callee if how == "callee-bye" else caller, "hangup")
event(caller, "CALL_CLOSED")
event(callee, "CALL_CLOSED")
print("closed", flush=True)
