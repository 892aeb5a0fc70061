# test/integ/lib_tls.sh: helpers for the TLS tests (sourced after lib.sh
# and lib_tcp.sh).  Certificates are made at test time under $TMPD.

command -v openssl >/dev/null 2>&1 || skip "openssl not installed"
"$KAMAILIO" -V | grep -q "USE_TLS" || skip "built without TLS (TLS=1 make all)"

# mk_ca DIR: a root CA in DIR (DIR/cacert.pem, DIR/private/cakey.pem)
mk_ca() {
	KAMCTLRC=/dev/null timeout 60 sh "$TOP/scripts/kamctl" tls rootCA \
		--no-passphrase "$1" > "$TMPD/mk_ca.log" 2>&1 ||
		{ cat "$TMPD/mk_ca.log"; fail "kamctl tls rootCA $1"; }
}

# mk_cert CADIR NAME SAN: DIR/NAME/{cert.pem,privkey.pem,calist.pem}, CN=NAME
mk_cert() {
	KAMCTLRC=/dev/null timeout 60 sh "$TOP/scripts/kamctl" tls userCERT \
		--no-passphrase --san "$3" "$2" "$1" > "$TMPD/mk_cert.log" 2>&1 ||
		{ cat "$TMPD/mk_cert.log"; fail "kamctl tls userCERT $2"; }
}

# mk_expired CADIR NAME: CADIR/NAME/{cert.pem,privkey.pem}, valid only on
# 2020-01-01 (openssl ca with explicit dates: x509 -days cannot go back)
mk_expired() {
	d="$1/$2"; mkdir -p "$d/db"; : > "$d/db/index.txt"; echo 1000 > "$d/db/serial"
	cat > "$d/ca.cnf" <<CNF
[ca]
default_ca = x
[x]
database = $d/db/index.txt
new_certs_dir = $d/db
serial = $d/db/serial
default_md = sha256
policy = pol
unique_subject = no
[pol]
commonName = supplied
CNF
	openssl req -new -newkey rsa:2048 -nodes -keyout "$d/privkey.pem" \
		-subj "/CN=$2" -out "$d/req.pem" > "$TMPD/mk_exp.log" 2>&1 &&
	openssl ca -batch -config "$d/ca.cnf" -cert "$1/cacert.pem" \
		-keyfile "$1/private/cakey.pem" -startdate 20200101000000Z \
		-enddate 20200102000000Z -notext -in "$d/req.pem" \
		-out "$d/cert.pem" >> "$TMPD/mk_exp.log" 2>&1 ||
		{ cat "$TMPD/mk_exp.log"; fail "expired certificate $2"; }
}

# tls_options PORT [CERT KEY [SNI [EXTRA]]]: one OPTIONS over TLS with a
# python ssl client (no server verification); exit 0 on a 200.  CERT "-"
# means no client certificate, SNI "-" no SNI.  EXTRA "tls12": TLS 1.2 only.
tls_options() {
	python3 - "$@" <<'PY'
import socket, ssl, sys
a = sys.argv[1:] + ["-", "-", "-", "-"]
port, cert, key, sni, extra = int(a[0]), a[1], a[2], a[3], a[4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
if extra == "tls12":
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
if cert != "-":
    ctx.load_cert_chain(cert, key)
try:
    raw = socket.create_connection(("127.0.0.1", port), timeout=4)
    s = ctx.wrap_socket(raw, server_hostname=None if sni == "-" else sni)
    lp = s.getsockname()[1]
    m = ("OPTIONS sip:ping@127.0.0.1 SIP/2.0\r\n"
         "Via: SIP/2.0/TLS 127.0.0.1:%d;branch=z9hG4bKtls%d\r\n"
         "From: <sip:t@127.0.0.1>;tag=p\r\nTo: <sip:ping@127.0.0.1>\r\n"
         "Call-ID: tls-%d\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
         "Content-Length: 0\r\n\r\n" % (lp, lp, lp)).encode()
    s.sendall(m)
    d = b""
    while b"\r\n\r\n" not in d:
        x = s.recv(65535)
        if not x:
            break
        d += x
except (OSError, ssl.SSLError) as e:
    print("tls options: %s" % e); sys.exit(1)
print(d.split(b"\r\n")[0].decode("latin-1"))
sys.exit(0 if d.startswith(b"SIP/2.0 200") else 1)
PY
}

# server_cn PORT [SNI]: the CN of the certificate the server presents
server_cn() {
	if [ -n "${2:-}" ]; then set -- "$1" -servername "$2"; else set -- "$1" -noservername; fi
	port=$1; shift
	timeout 5 openssl s_client -connect "127.0.0.1:$port" "$@" </dev/null 2>/dev/null |
		sed -n 's/^subject=.*CN *= *\([^,/]*\).*/\1/p' | head -n 1
}
