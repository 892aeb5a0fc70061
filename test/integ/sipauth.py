"""sipauth.py: a small SIP digest client for the auth tests (python3,
standard library only).  A Phone sends requests over UDP or TLS from a
chosen loopback address, reads the replies, answers WWW-/Proxy-
Authenticate challenges (MD5, SHA-256, qop auth / auth-int / none), and
lets a test resend or tamper with what it sent.  Every wait is bounded."""
import hashlib
import random
import re
import socket
import ssl
import time

HASH = {"MD5": "md5", "SHA-256": "sha256", "MD5-sess": "md5",
        "SHA-256-sess": "sha256"}


def H(alg, s):
    return hashlib.new(HASH[alg], s.encode("latin-1")).hexdigest()


def parse_challenge(value):
    """'Digest realm="x", nonce="y", ...' -> dict (lower-case keys)."""
    scheme, _, rest = value.partition(" ")
    out = {"scheme": scheme}
    for m in re.finditer(r'\s*([A-Za-z0-9_-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^,\s]+)\s*,?', rest):
        v = m.group(3) if m.group(3) is not None else m.group(2)
        out[m.group(1).lower()] = re.sub(r'\\(.)', r'\1', v)
    return out


class Reply:
    def __init__(self, raw):
        self.raw = raw
        head = raw.split("\r\n\r\n", 1)[0]
        lines = head.split("\r\n")
        self.first = lines[0]
        parts = self.first.split(" ", 2)
        self.code = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        self.headers = []
        for l in lines[1:]:
            if ":" in l:
                n, v = l.split(":", 1)
                self.headers.append((n.strip().lower(), v.strip()))

    def all(self, name):
        return [v for n, v in self.headers if n == name.lower()]

    def get(self, name):
        a = self.all(name)
        return a[0] if a else None

    def challenges(self):
        return [parse_challenge(v) for v in
                self.all("www-authenticate") + self.all("proxy-authenticate")]

    def __str__(self):
        return self.raw


class Phone:
    def __init__(self, proxy_port, proto="udp", local_ip="127.0.0.1",
                 user="alice", password="s3cr3t", domain="127.0.0.1",
                 timeout=3.0):
        self.proto, self.user, self.password = proto, user, password
        self.domain, self.timeout, self.port = domain, timeout, proxy_port
        self.cseq = 0
        self.callid = "%x@%s" % (random.getrandbits(48), local_ip)
        self.nc = 0
        if proto == "udp":
            self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.s.bind((local_ip, 0))
        else:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            raw = socket.create_connection(("127.0.0.1", proxy_port),
                                           timeout=timeout,
                                           source_address=(local_ip, 0))
            self.s = ctx.wrap_socket(raw)
            self.buf = b""
        self.s.settimeout(timeout)
        self.lport = self.s.getsockname()[1]
        self.last_sent = None

    def close(self):
        self.s.close()

    def send_raw(self, data):
        if isinstance(data, str):
            data = data.encode("latin-1")
        self.last_sent = data
        if self.proto == "udp":
            self.s.sendto(data, ("127.0.0.1", self.port))
        else:
            self.s.sendall(data)

    def recv(self, timeout=None):
        """The next message, or None after timeout seconds."""
        end = time.time() + (timeout or self.timeout)
        while True:
            left = end - time.time()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                if self.proto == "udp":
                    d = self.s.recv(65535)
                    r = Reply(d.decode("latin-1"))
                else:
                    r = self._recv_stream()
                    if r is None:
                        return None
            except (socket.timeout, ssl.SSLError):
                return None
            if r.code == 100:
                continue
            return r

    def _recv_stream(self):
        while True:
            if b"\r\n\r\n" in self.buf:
                head, rest = self.buf.split(b"\r\n\r\n", 1)
                m = re.search(rb"(?im)^(content-length|l)\s*:\s*(\d+)", head)
                n = int(m.group(2)) if m else 0
                if len(rest) >= n:
                    self.buf = rest[n:]
                    return Reply((head + b"\r\n\r\n" + rest[:n]).decode("latin-1"))
            d = self.s.recv(65535)
            if not d:
                return None
            self.buf += d

    def request(self, method="REGISTER", ruri=None, to_user=None,
                from_user=None, extra="", body="", cseq=None):
        self.cseq = cseq if cseq is not None else self.cseq + 1
        ruri = ruri or "sip:%s" % self.domain
        tu = to_user or self.user
        fu = from_user or self.user
        t = "TLS" if self.proto == "tls" else "UDP"
        return ("%s %s SIP/2.0\r\n"
                "Via: SIP/2.0/%s 127.0.0.1:%d;branch=z9hG4bK%x;rport\r\n"
                "Max-Forwards: 70\r\n"
                "From: <sip:%s@%s>;tag=%x\r\n"
                "To: <sip:%s@%s>\r\n"
                "Call-ID: %s\r\nCSeq: %d %s\r\n"
                "Contact: <sip:%s@127.0.0.1:%d;transport=%s>\r\n"
                "Expires: 600\r\n%s"
                "Content-Length: %d\r\n\r\n%s" %
                (method, ruri, t, self.lport, random.getrandbits(40), fu,
                 self.domain, hash(self.callid) & 0xffffff, tu, self.domain,
                 self.callid, self.cseq, method, self.user, self.lport,
                 t.lower(), extra, len(body), body))

    def authorization(self, ch, method, ruri, qop=None, body="", user=None,
                      password=None, nc=None, alg=None, proxy=False):
        """The header line answering challenge dict ch."""
        user = user or self.user
        password = self.password if password is None else password
        alg = alg or ch.get("algorithm", "MD5")
        realm, nonce = ch["realm"], ch["nonce"]
        offered = [q.strip() for q in ch.get("qop", "").split(",") if q.strip()]
        if qop is None:
            qop = offered[0] if offered else ""
        ha1 = H(alg, "%s:%s:%s" % (user, realm, password))
        cnonce = "%08x" % random.getrandbits(32)
        if alg.endswith("-sess"):
            ha1 = H(alg, "%s:%s:%s" % (ha1, nonce, cnonce))
        ha2 = H(alg, "%s:%s" % (method, ruri)) if qop != "auth-int" else \
            H(alg, "%s:%s:%s" % (method, ruri, H(alg, body)))
        name = "Proxy-Authorization" if proxy else "Authorization"
        if qop:
            if nc is None:
                self.nc += 1
                nc = self.nc
            ncs = "%08x" % nc
            resp = H(alg, "%s:%s:%s:%s:%s:%s" % (ha1, nonce, ncs, cnonce, qop, ha2))
            return ('%s: Digest username="%s", realm="%s", nonce="%s", '
                    'uri="%s", response="%s", algorithm=%s, qop=%s, '
                    'nc=%s, cnonce="%s"\r\n' %
                    (name, user, realm, nonce, ruri, resp, alg, qop, ncs, cnonce))
        resp = H(alg, "%s:%s:%s" % (ha1, nonce, ha2))
        return ('%s: Digest username="%s", realm="%s", nonce="%s", '
                'uri="%s", response="%s", algorithm=%s\r\n' %
                (name, user, realm, nonce, ruri, resp, alg))

    def transact(self, method="REGISTER", ruri=None, extra="", **kw):
        self.send_raw(self.request(method, ruri, extra=extra, **kw))
        return self.recv()

    def login(self, method="REGISTER", ruri=None, qop=None, body="",
              alg=None, extra="", **kw):
        """Request, challenge, answered request: (first reply, final)."""
        ruri = ruri or "sip:%s" % self.domain
        r1 = self.transact(method, ruri, extra=extra, body=body, **kw)
        if r1 is None or r1.code not in (401, 407):
            return r1, r1
        chs = r1.challenges()
        ch = chs[0]
        if alg:
            ch = [c for c in chs if c.get("algorithm") == alg][0]
        self.nc = 0
        self.challenge = ch
        a = self.authorization(ch, method, ruri, qop=qop, body=body,
                               proxy=r1.code == 407, alg=alg)
        self.last_auth = a
        r2 = self.transact(method, ruri, extra=extra + a, body=body, **kw)
        return r1, r2


def check(cond, what, got=""):
    if not cond:
        print("FAIL:", what)
        if got:
            print(got)
        raise SystemExit(1)
    print("ok:", what)
