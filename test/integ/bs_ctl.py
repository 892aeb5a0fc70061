# test/integ/bs_ctl.py: baresip's ctrl_tcp interface for the tests
# (netstrings of JSON commands; events come back the same way), shared
# by bs_call.py and the inline scripts of t_reg_baresip.sh and
# t_cluster.sh (import it with test/integ on sys.path).
import json
import socket
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
