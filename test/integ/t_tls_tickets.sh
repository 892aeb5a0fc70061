# Session tickets across proxies (tls_ticket_key_file, the cluster's
# shared keys): two proxies with the same key file resume each other's
# sessions; after a rotation (a new key first, the old one second, then
# tls_reload) old tickets still resume and new ones use the new key;
# once the old key is gone from the file (and reloaded), its tickets get
# a full handshake.  A key file of the wrong size stops start-up with the
# file name.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
C=$TMPD/ca
mk_ca "$C"
mk_cert "$C" srv "DNS:localhost,IP:127.0.0.1"
openssl rand 80 > "$TMPD/keyA"
openssl rand 80 > "$TMPD/keyB"
cp "$TMPD/keyA" "$TMPD/tickets"
KAMCTLRC=$TMPD/kamctlrc; export KAMCTLRC
cfg() {   # NAME UDP TLS
	cat > "$TMPD/$1.cfg" <<CFG
debug=2
log_stderror=yes
children=1
tcp_children=2
fifo="$TMPD/$1.fifo"
listen=udp:127.0.0.1:$2
listen=tls:127.0.0.1:$3
tls_certificate="$C/srv/cert.pem"
tls_private_key="$C/srv/privkey.pem"
tls_verify_client=0
tls_require_client_certificate=0
tls_ticket_key_file="$TMPD/tickets"
loadmodule "sl"
route {
	sl_send_reply("200", "OK");
}
CFG
}
UA=$(free_port); TA=$(free_port); UB=$(free_port); TB=$(free_port)
cfg a "$UA" "$TA"; cfg b "$UB" "$TB"
PROXY_PORT=$UA start_proxy "$TMPD/a.cfg"; PA=$PROXY_PID
PROXY_PORT=$UB; "$KAMAILIO" -DD -E -f "$TMPD/b.cfg" > "$TMPD/b.log" 2>&1 &
PB=$!; PIDS="$PIDS $PB"
wait_tcp "$TA" && wait_tcp "$TB" || fail "proxies did not start"
python3 - "$TA" "$TB" "$TMPD" <<'PY' || fail "tickets across proxies"
import os, socket, ssl, subprocess, sys
ta, tb, d = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
def talk(port, sess, i):
    """One OPTIONS on a new connection (resuming sess): (resumed, the
    session after the answer, as TLS 1.3 tickets come after the handshake)"""
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5),
                        session=sess)
    s.sendall(("OPTIONS sip:t@127.0.0.1 SIP/2.0\r\n"
               "Via: SIP/2.0/TLS 127.0.0.1:%d;branch=z9hG4bKtix%d\r\n"
               "From: <sip:t@127.0.0.1>;tag=%d\r\nTo: <sip:t@127.0.0.1>\r\n"
               "Call-ID: tix-%d\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
               "Content-Length: 0\r\n\r\n" % (s.getsockname()[1], i, i, i)).encode())
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(4096)
    r, ns = s.session_reused, s.session
    s.close()
    return r, ns
def keys(*names):
    open(d + "/tickets", "wb").write(b"".join(open(d + "/" + n, "rb").read()
                                              for n in names))
    for proxy in ("a", "b"):    # tls_reload on both
        open(d + "/kamctlrc", "w").write("FIFO_PATH=%s/%s.fifo\nFIFO_TIMEOUT=5\n"
                                         % (d, proxy))
        subprocess.run(["timeout", "20", "sh",
                        os.environ["TOP"] + "/scripts/kamctl", "fifo",
                        "tls_reload"], check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL,
                       env=dict(os.environ, KAMCTLRC=d + "/kamctlrc"))
bad = 0
def check(what, got, want):
    global bad
    print("%-56s %s" % (what, "resumed" if got else "full handshake"))
    bad += got != want
_, sA = talk(ta, None, 1)                      # issued by proxy A
check("A's ticket on B (the same key file)", talk(tb, sA, 2)[0], True)
keys("keyB", "keyA")                           # rotation: a new key first
r, sB = talk(tb, sA, 3)
check("A's old ticket on B after the rotation", r, True)
check("a ticket of the new key on A", talk(ta, sB, 4)[0], True)
keys("keyB")                                   # the old key goes
check("A's first ticket once its key is gone", talk(ta, sA, 5)[0], False)
check("the new key's ticket still resumes", talk(tb, sB, 6)[0], True)
sys.exit(1 if bad else 0)
PY
kill "$PB"
# a key file of the wrong size stops start-up, naming the file
head -c 50 "$TMPD/keyA" > "$TMPD/tickets"
"$KAMAILIO" -c -f "$TMPD/a.cfg" > "$TMPD/bad.log" 2>&1 && fail "a 50-byte key file was accepted"
grep -q "tls_ticket_key_file \"$TMPD/tickets\": 50 bytes" "$TMPD/bad.log" ||
	{ cat "$TMPD/bad.log"; fail "no clear error for a bad key file"; }
