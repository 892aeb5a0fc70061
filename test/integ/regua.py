"""regua.py: a small SIP user agent for the registrar tests (imported by
the python parts of test/integ/t_reg_*.sh).

A Flow is one transport: a UDP socket, or a TCP or TLS connection that
the UA opened (a phone behind NAT has no listening socket: everything it
receives comes over the flow it registered on).  Every wait is bounded.
"""
import random
import socket
import ssl
import time


def parse(raw):
    """(first line, [(name, value)], body) of one message (bytes)."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    hdrs = []
    for ln in lines[1:]:
        if ln[:1] in (" ", "\t") and hdrs:
            hdrs[-1] = (hdrs[-1][0], hdrs[-1][1] + " " + ln.strip())
            continue
        n, _, v = ln.partition(":")
        hdrs.append((n.strip(), v.strip()))
    return lines[0], hdrs, body


COMPACT = {"m": "contact", "v": "via", "f": "from", "t": "to", "i": "call-id",
           "l": "content-length", "k": "supported"}


def hget(hdrs, name, all_=False):
    name = name.lower()
    out = [v for n, v in hdrs if COMPACT.get(n.lower(), n.lower()) == name]
    return out if all_ else (out[0] if out else None)


def code_of(first):
    try:
        return int(first.split(" ", 2)[1])
    except (IndexError, ValueError):
        return 0


class Flow:
    def __init__(self, proto, port, host="127.0.0.1", timeout=5.0,
                 src=("127.0.0.1", 0)):
        self.proto = proto
        self.dst = (host, port)
        self.buf = b""
        if proto == "udp":
            self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.s.bind(src)
        else:
            raw = socket.create_connection(self.dst, timeout=timeout,
                                           source_address=src)
            if proto == "tls":
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                raw = ctx.wrap_socket(raw)
            self.s = raw
        self.s.settimeout(timeout)
        self.local = self.s.getsockname()

    def via(self, branch=None):
        b = branch or "z9hG4bK%08x" % random.getrandbits(32)
        return "SIP/2.0/%s %s:%d;branch=%s;rport" % (
            self.proto.upper(), self.local[0], self.local[1], b)

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        if self.proto == "udp":
            self.s.sendto(data, self.dst)
        else:
            self.s.sendall(data)

    def recv(self, timeout=5.0):
        """One whole message (bytes), or None at the deadline."""
        end = time.time() + timeout
        if self.proto == "udp":
            while time.time() < end:
                self.s.settimeout(max(0.01, end - time.time()))
                try:
                    d, _ = self.s.recvfrom(65535)
                except socket.timeout:
                    return None
                if d.strip():
                    return d
            return None
        while True:
            m = self._frame()
            if m is not None:
                return m
            left = end - time.time()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                d = self.s.recv(65535)
            except (socket.timeout, ssl.SSLError):
                return None
            if not d:
                return None
            self.buf += d

    def _frame(self):
        self.buf = self.buf.lstrip(b"\r\n")
        i = self.buf.find(b"\r\n\r\n")
        if i < 0:
            return None
        _, hdrs, _ = parse(self.buf[:i + 4])
        cl = int(hget(hdrs, "content-length") or 0)
        if len(self.buf) < i + 4 + cl:
            return None
        m, self.buf = self.buf[:i + 4 + cl], self.buf[i + 4 + cl:]
        return m

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass


def register(flow, user, contacts, cseq=1, callid=None, expires=None,
             extra=(), domain="127.0.0.1", timeout=5.0):
    """Send a REGISTER (contacts: list of Contact values, or None for a
    query) and return (code, first line, headers) of its final reply."""
    callid = callid or "reg-%s-%d" % (user, flow.local[1])
    lines = ["REGISTER sip:%s SIP/2.0" % domain, "Via: " + flow.via(),
             "Max-Forwards: 70",
             "From: <sip:%s@%s>;tag=f%d" % (user, domain, cseq),
             "To: <sip:%s@%s>" % (user, domain), "Call-ID: " + callid,
             "CSeq: %d REGISTER" % cseq]
    for c in contacts or []:
        lines.append("Contact: " + c)
    if expires is not None:
        lines.append("Expires: %s" % expires)
    lines += list(extra)
    lines += ["Content-Length: 0", "", ""]
    flow.send("\r\n".join(lines))
    end = time.time() + timeout
    while time.time() < end:
        m = flow.recv(end - time.time())
        if m is None:
            break
        first, hdrs, _ = parse(m)
        if first.startswith("SIP/2.0") and code_of(first) >= 200:
            return code_of(first), first, hdrs
    return 0, "", []


def request(flow, method, ruri, callid, cseq=1, from_tag="c1", to="",
            extra=(), body=""):
    lines = ["%s %s SIP/2.0" % (method, ruri), "Via: " + flow.via(),
             "Max-Forwards: 70",
             "From: <sip:caller@127.0.0.1>;tag=" + from_tag,
             "To: " + (to or "<%s>" % ruri), "Call-ID: " + callid,
             "CSeq: %d %s" % (cseq, method),
             "Contact: <sip:caller@%s:%d;transport=%s>" % (
                 flow.local[0], flow.local[1], flow.proto)]
    lines += list(extra)
    lines += ["Content-Length: %d" % len(body), "", body]
    msg = "\r\n".join(lines)
    flow.send(msg)
    return msg.encode("latin-1")


def ack_for(flow, inv, final):
    """The ACK of a non-2xx final reply: the INVITE's Via and R-URI, the
    reply's To (RFC 3261 §17.1.1.3)."""
    first, ih, _ = parse(inv)
    _, fh, _ = parse(final)
    lines = ["ACK " + first.split(" ")[1] + " SIP/2.0",
             "Via: " + hget(ih, "via"), "Max-Forwards: 70",
             "From: " + hget(ih, "from"), "To: " + hget(fh, "to"),
             "Call-ID: " + hget(ih, "call-id"),
             "CSeq: %s ACK" % hget(ih, "cseq").split()[0],
             "Content-Length: 0", "", ""]
    flow.send("\r\n".join(lines))


def reply(req, code, reason, to_tag="", extra=(), contact=None):
    """A reply to request req (bytes), copying what §8.2.6 says."""
    first, hdrs, _ = parse(req)
    out = ["SIP/2.0 %d %s" % (code, reason)]
    for n, v in hdrs:
        ln = COMPACT.get(n.lower(), n.lower())
        if ln in ("via", "from", "call-id", "cseq", "record-route"):
            out.append("%s: %s" % (n, v))
        elif ln == "to":
            out.append("%s: %s%s" % (n, v, ";tag=" + to_tag
                                     if to_tag and ";tag=" not in v else ""))
    if contact:
        out.append("Contact: " + contact)
    out += list(extra)
    out += ["Content-Length: 0", "", ""]
    return "\r\n".join(out).encode("latin-1")


def wait_request(flow, method, timeout=5.0):
    """The next request of method on flow (others are skipped)."""
    end = time.time() + timeout
    while time.time() < end:
        m = flow.recv(end - time.time())
        if m is None:
            return None
        if m.startswith(method.encode() + b" "):
            return m
    return None


def wait_final(flow, timeout=5.0, callid=None, inv=None):
    """(code, message) of the next final reply on flow (of callid, when
    given), or (0, None).  With inv (the INVITE sent), a non-2xx final is
    ACKed."""
    end = time.time() + timeout
    if inv is not None and callid is None:
        callid = hget(parse(inv)[1], "call-id")
    while time.time() < end:
        m = flow.recv(end - time.time())
        if m is None:
            break
        first, h, _ = parse(m)
        if not first.startswith("SIP/2.0") or code_of(first) < 200:
            continue
        if callid is not None and hget(h, "call-id") != callid:
            continue
        if inv is not None and code_of(first) >= 300:
            ack_for(flow, inv, m)
        return code_of(first), m
    return 0, None
