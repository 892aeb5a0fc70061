# test/integ/lib_tcp.sh: helpers for the TCP tests (sourced after lib.sh).

# wait_tcp PORT: until something listens on 127.0.0.1:PORT/tcp (bounded)
wait_tcp() {
	i=0
	while [ $i -lt 50 ]; do
		if ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; then return 0; fi
		sleep 0.1; i=$((i + 1))
	done
	return 1
}

# sl_tcp_cfg FILE TCP_CHILDREN [EXTRA]: a config that answers every
# request 200 on udp+tcp 127.0.0.1:$PROXY_PORT; EXTRA: more global lines
sl_tcp_cfg() {
	cat > "$1" <<CFG
debug=2
log_stderror=yes
children=1
tcp_children=$2
${3:-}
listen=udp:127.0.0.1:$PROXY_PORT
listen=tcp:127.0.0.1:$PROXY_PORT
loadmodule "sl"
route {
	sl_send_reply("200", "OK");
}
CFG
}

# options_ok PROTO PORT: send one OPTIONS over udp or tcp, succeed on 200
options_ok() {
	python3 - "$1" "$2" <<'PY'
import socket, sys
proto, port = sys.argv[1], int(sys.argv[2])
if proto == "udp":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
else:
    s = socket.create_connection(("127.0.0.1", port), timeout=3)
s.settimeout(3)
lp = s.getsockname()[1]
m = ("OPTIONS sip:ping@127.0.0.1 SIP/2.0\r\n"
     "Via: SIP/2.0/%s 127.0.0.1:%d;branch=z9hG4bKping%d\r\n"
     "From: <sip:t@127.0.0.1>;tag=p\r\nTo: <sip:ping@127.0.0.1>\r\n"
     "Call-ID: ping-%d\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
     "Content-Length: 0\r\n\r\n" % (proto.upper(), lp, lp, lp)).encode()
try:
    if proto == "udp":
        s.sendto(m, ("127.0.0.1", port))
        d = s.recv(65535)
    else:
        s.sendall(m)
        d = b""
        while b"\r\n\r\n" not in d:
            x = s.recv(65535)
            if not x:
                break
            d += x
except OSError as e:
    print("options over %s: %s" % (proto, e)); sys.exit(1)
sys.exit(0 if d.startswith(b"SIP/2.0 200") else 1)
PY
}
