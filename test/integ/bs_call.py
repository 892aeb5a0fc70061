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
import os
import sys
import time


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bs_ctl import ctl, event, send  # noqa: E402

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
