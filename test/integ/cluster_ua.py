"""cluster_ua.py: the phones of test/integ/t_cluster_db.sh (python3,
standard library and regua.py).  Every wait is bounded.

  cluster_ua.py daemon CTLPORT SECONDS NAME...
      one UDP phone per NAME, each on its own 127.0.0.1 port; a NAME of
      the form tls:NAME is a TLS phone whose connection is opened at its
      first REGISTER.  Every request that reaches a phone is answered
      (INVITE 486, anything else 200) with the phone's name as To tag.
      Commands arrive as datagrams on 127.0.0.1:CTLPORT:
        REG NAME PROXY_IP PROXY_PORT EXPIRES CSEQ
      sends a REGISTER from that phone through that proxy and answers
      the controller with the final code (0: no final reply in 8 s).
  cluster_ua.py reg CTLPORT NAME PROXY_IP PROXY_PORT EXPIRES CSEQ
      one REG command; prints the code.
  cluster_ua.py msg PROXY_IP PROXY_PORT USER [METHOD]
      a MESSAGE (or OPTIONS) to sip:USER@cluster.test through the proxy;
      prints "CODE TOTAG" of the final reply ("0 -" when none in 8 s).
"""
import select
import socket
import sys
import time

from regua import Flow, hget, parse, register, reply, request, \
    wait_final

DOMAIN = "cluster.test"


def daemon(ctlport, seconds, names):
    ctl = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ctl.bind(("127.0.0.1", ctlport))
    phones = {}
    for n in names:
        if n.startswith("tls:"):
            phones[n[4:]] = None      # connected at its first REGISTER
        else:
            phones[n] = Flow("udp", 9, timeout=1.0)
    end = time.time() + seconds
    while time.time() < end:
        socks = [ctl] + [f.s for f in phones.values() if f is not None]
        r, _, _ = select.select(socks, [], [], 0.5)
        for s in r:
            if s is ctl:
                cmd, who = ctl.recvfrom(1000)
                ctl.sendto(do_reg(phones, cmd.decode().split()), who)
                continue
            name = [n for n, f in phones.items() if f is not None
                    and f.s is s][0]
            if not answer(phones[name], name):
                phones[name] = None   # its connection is gone


def answer(f, name):
    """Answer one request on f; False when f's connection is gone."""
    t0 = time.time()
    m = f.recv(0.5)
    if m is None:
        # readable, yet nothing at once: the proxy closed the connection
        if f.proto != "udp" and time.time() - t0 < 0.1:
            f.close()
            return False
        return True
    if m.startswith(b"SIP/2.0") or m.startswith(b"ACK "):
        return True
    code, why = (486, "Busy Here") if m.startswith(b"INVITE ") else \
        (200, "OK")
    f.send(reply(m, code, why, to_tag=name))
    return True


def do_reg(phones, a):
    _, name, ip, port, expires, cseq = a
    f = phones[name]
    if f is None:
        try:
            f = phones[name] = Flow("tls", int(port), host=ip, timeout=5)
        except OSError:
            return b"0"
    f.dst = (ip, int(port))
    tr = ";transport=tls" if f.proto == "tls" else ""
    contact = "<sip:%s@127.0.0.1:%d%s>" % (name, f.local[1], tr)
    code, _, _ = register(f, name, [contact], cseq=int(cseq),
                          callid="cl-%s" % name, expires=int(expires),
                          domain=DOMAIN, timeout=8)
    return str(code).encode()


def reg(ctlport, args):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(12)
    s.sendto(("REG " + " ".join(args)).encode(), ("127.0.0.1", ctlport))
    try:
        print(s.recv(100).decode())
    except socket.timeout:
        print(0)


def msg(ip, port, user, method="MESSAGE"):
    f = Flow("udp", int(port), host=ip)
    cid = "m-%s-%d" % (user, f.local[1])
    body = "hello" if method == "MESSAGE" else ""
    extra = ("Content-Type: text/plain",) if body else ()
    request(f, method, "sip:%s@%s" % (user, DOMAIN), cid, extra=extra,
            body=body)
    code, m = wait_final(f, 8, callid=cid)
    tag = "-"
    if m is not None:
        to = hget(parse(m)[1], "to") or ""
        if ";tag=" in to:
            tag = to.split(";tag=", 1)[1].split(";")[0]
    print(code, tag)


if __name__ == "__main__":
    if sys.argv[1] == "daemon":
        daemon(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:])
    elif sys.argv[1] == "reg":
        reg(int(sys.argv[2]), sys.argv[3:])
    elif sys.argv[1] == "msg":
        msg(*sys.argv[2:])
