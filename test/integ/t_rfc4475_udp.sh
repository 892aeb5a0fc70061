# Every RFC 4475 torture message (valid and invalid) sent over UDP to a
# proxy running a relaying script: the proxy keeps serving after each
# (an OPTIONS to it is answered), and it logs no crash.
. "$TOP/test/integ/lib.sh"
PROXY_PORT=$(free_port)
SINK_PORT=$(free_port)
cat > "$TMPD/k.cfg" <<CFG
debug=3
log_stderror=yes
children=2
listen=udp:127.0.0.1:$PROXY_PORT
loadmodule "sl"
loadmodule "maxfwd"
loadmodule "rr"
loadmodule "textops"
loadmodule "xlog"
route {
	xlog("L_INFO", "got \$rm \$ru from \$si:\$sp\n");
	if (method=="OPTIONS" && uri==myself) {
		sl_send_reply("200", "Alive");
		exit;
	}
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	record_route();
	remove_hf("Alert-Info");
	append_hf("P-hint: torture\r\n");
	# everything goes to a sink on loopback, never elsewhere
	forward("127.0.0.1", $SINK_PORT);
}
CFG
start_proxy "$TMPD/k.cfg"
python3 - "$PROXY_PORT" "$TOP"/test/unit/rfc4475/valid/*.msg "$TOP"/test/unit/rfc4475/invalid/*.msg <<'PY' || fail "proxy stopped answering"
import os, socket, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
lport = s.getsockname()[1]
n = 0
for path in sys.argv[2:]:
    s.sendto(open(path, "rb").read(), ("127.0.0.1", port))
    n += 1
    ping = ("OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKping%d\r\n"
            "Max-Forwards: 70\r\nFrom: <sip:t@test>;tag=1\r\nTo: <sip:127.0.0.1>\r\n"
            "Call-ID: ping%d@test\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n" % (lport, n, n))
    s.sendto(ping.encode(), ("127.0.0.1", port))
    s.settimeout(3)
    while True:
        try:
            r = s.recv(65535).decode("latin-1")
        except socket.timeout:
            print("no answer after", os.path.basename(path)); sys.exit(1)
        if r.startswith("SIP/2.0 200 Alive") and ("ping%d@test" % n) in r:
            break   # (replies to the torture message itself are skipped)
print("-- %d torture messages sent; proxy still answering" % n)
PY
proxy_alive || fail "proxy died"
grep -qE "exited|killed by signal" "$TMPD/proxy.log" && fail "a proxy process died"
# the relaying path logs no ERROR for messages it refuses: those are DBG
assert_clean_log "cannot resolve|forwarding .* failed|not a SIP URI"
