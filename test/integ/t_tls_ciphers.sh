# The TLS server's cipher choice (issue found by testssl.sh: "NOT a
# cipher order configured"): with the default config a TLS 1.2 client
# that lists a plain-RSA CBC suite first still gets ECDHE with AES-GCM
# (server preference); a client offering only non-forward-secret suites
# gets no handshake (the default tls_ciphers_list is ECDHE + AEAD only);
# tls_server_cipher_preference=0 gives the client's order back; an
# explicit tls_ciphers_list still overrides the default.  Then testssl.sh
# (Debian package) must rate protocols, cipher order and forward secrecy
# OK with the default settings.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
PROXY_PORT=$(free_port); PT=$(free_port)
C=$TMPD/ca
mk_ca "$C"
mk_cert "$C" srv "DNS:localhost,IP:127.0.0.1"
cfg() {
	cat > "$TMPD/k.cfg" <<CFG
debug=2
log_stderror=yes
children=1
tcp_children=2
listen=udp:127.0.0.1:$PROXY_PORT
listen=tls:127.0.0.1:$PT
tls_certificate="$C/srv/cert.pem"
tls_private_key="$C/srv/privkey.pem"
tls_verify_client=0
tls_require_client_certificate=0
$1
loadmodule "sl"
route {
	sl_send_reply("200", "OK");
}
CFG
}
# cipher CIPHERS: what a TLS 1.2 s_client offering CIPHERS (in that order)
# negotiates ("" when the handshake fails)
cipher() {
	timeout 5 openssl s_client -connect "127.0.0.1:$PT" -tls1_2 \
		-cipher "$1" </dev/null 2>/dev/null |
		sed -n 's/^ *Cipher *: *//p' | grep -v '0000' | head -n 1
}
cfg ""
start_proxy "$TMPD/k.cfg"
wait_tcp "$PT" || fail "no TLS listener"
got=$(cipher "AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384")
note "client prefers AES128-SHA: got $got"
[ "$got" = "ECDHE-RSA-AES256-GCM-SHA384" ] || fail "server preference: got '$got'"
got=$(cipher "AES128-SHA:AES256-SHA:AES128-GCM-SHA256")
note "client offers no forward-secret suite: got '${got:-no handshake}'"
[ -z "$got" ] || fail "a non-forward-secret suite was accepted: $got"
tls_options "$PT" || fail "TLS 1.3 client not served"
if command -v testssl >/dev/null 2>&1; then
	timeout 600 testssl --quiet --color 0 --warnings off -p -P -f \
		--jsonfile "$TMPD/testssl.json" "127.0.0.1:$PT" > "$TMPD/testssl.log" 2>&1
	python3 - "$TMPD/testssl.json" <<'PY' || { tail -n 40 "$TMPD/testssl.log"; fail "testssl.sh ratings"; }
import json, sys
res = json.load(open(sys.argv[1]))
bad = [r for r in res if r.get("severity") in ("LOW", "MEDIUM", "HIGH", "CRITICAL")
       and not r["id"].startswith("scanProblem")]
for r in res:
    if r["id"] in ("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3",
                   "cipher_order", "FS", "PFS"):
        print(r["id"], r["severity"], r["finding"])
for r in bad:
    print("NOT OK:", r["id"], r["severity"], r["finding"])
ids = {r["id"] for r in res}
sys.exit(1 if bad or "cipher_order" not in ids or "TLS1_2" not in ids
         or not ids & {"FS", "PFS"} else 0)
PY
else
	note "testssl.sh not installed: ratings not checked"
fi
stop_proxy

# an explicit list that also has a plain-RSA suite: the server's order
# by default, the client's with tls_server_cipher_preference=0
LIST='tls_ciphers_list="ECDHE-RSA-AES256-GCM-SHA384:AES128-SHA"'
cfg "$LIST"
start_proxy "$TMPD/k.cfg"
wait_tcp "$PT" || fail "no TLS listener"
got=$(cipher "AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384")
note "explicit list, server order: got $got"
[ "$got" = "ECDHE-RSA-AES256-GCM-SHA384" ] || fail "explicit tls_ciphers_list: got '$got'"
stop_proxy
cfg "$LIST
tls_server_cipher_preference=0"
start_proxy "$TMPD/k.cfg"
wait_tcp "$PT" || fail "no TLS listener"
got=$(cipher "AES128-SHA:ECDHE-RSA-AES256-GCM-SHA384")
note "explicit list, client order: got $got"
[ "$got" = "AES128-SHA" ] || fail "tls_server_cipher_preference=0: got '$got'"
assert_clean_log
