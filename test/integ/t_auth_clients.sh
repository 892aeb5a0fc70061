# Real clients register with digest through auth + auth_db: sipsak 0.9.8
# over UDP and TLS (401 -> 200), and baresip 1.0 over TLS (headless, its
# config in $TMPD, bounded with -t), with the default challenge (MD5,
# qop=auth).  sipsak over TLS reads no TLS 1.3 reply and ignores
# GNUTLS_SYSTEM_PRIORITY_FILE here, so the TLS socket's domain is
# TLSv1.2; it mangles a 5-digit port in -s, so the port goes in -r.
# baresip does not verify the server certificate.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
. "$TOP/test/integ/lib_auth.sh"
PROXY_PORT=$(free_port); PT=$(free_port); BS=$(free_port)
C=$TMPD/ca
mk_ca "$C"
mk_cert "$C" srv "DNS:localhost,IP:127.0.0.1"
auth_db_create
cat > "$TMPD/k.cfg" <<CFG
debug=3
log_stderror=yes
children=2
tcp_children=1
fifo="$FIFO"
listen=udp:127.0.0.1:$PROXY_PORT
listen=tls:127.0.0.1:$PT
tls_certificate="$C/srv/cert.pem"
tls_private_key="$C/srv/privkey.pem"
tls_ca_list="$C/cacert.pem"
tls_verify_client=0
tls_require_client_certificate=0
loadmodule "sl"
loadmodule "xlog"
loadmodule "db_sqlite"
loadmodule "auth"
loadmodule "auth_db"
loadmodule "uri_db"
modparam("auth_db", "db_url", "sqlite://$DB")
modparam("auth_db", "password_column", "password")
modparam("auth_db", "calculate_ha1", 1)
route {
	if (method == "REGISTER") {
		if (!www_authorize("127.0.0.1", "subscriber")) {
			www_challenge("127.0.0.1", "auth");
			exit;
		}
		if (!check_to()) {
			sl_send_reply("403", "That is ugly -- use To=id in REGISTERs");
			exit;
		}
		xlog("L_INFO", "REGISTER of \$tU over \$proto authorized\n");
		sl_send_reply("200", "OK");
		exit;
	}
	sl_send_reply("404", "Not here");
}
tls_server_domain[127.0.0.1:$PT] {
	tls_method = "TLSv1.2"
}
CFG
start_proxy "$TMPD/k.cfg"
wait_tcp "$PT" || fail "no TLS listener"

command -v sipsak >/dev/null 2>&1 || skip "sipsak not installed"
# (-vvv prints the messages; sipsak sends username="alice@", which is
# hashed as sent)
timeout 20 sipsak -U -C "sip:alice@127.0.0.1:9" -s sip:alice@127.0.0.1 \
	-r "$PROXY_PORT" -a s3cr3t -vvv > "$TMPD/sipsak_udp.out" 2>&1 ||
	{ tail -30 "$TMPD/sipsak_udp.out"; fail "sipsak REGISTER over UDP failed"; }
grep -q "^SIP/2.0 401" "$TMPD/sipsak_udp.out" && grep -q "^SIP/2.0 200" "$TMPD/sipsak_udp.out" ||
	{ tail -30 "$TMPD/sipsak_udp.out"; fail "sipsak REGISTER over UDP: no 401 -> 200"; }
note "sipsak over UDP: 401 -> 200"
timeout 20 sipsak -U -C "sip:alice@127.0.0.1:9" -s sip:alice@127.0.0.1 \
	-r "$PROXY_PORT" -a wrong -vvv > "$TMPD/sipsak_bad.out" 2>&1 &&
	fail "sipsak with a wrong password succeeded"
grep -q "^SIP/2.0 200" "$TMPD/sipsak_bad.out" && fail "sipsak with a wrong password got a 200"
printf '[priorities]\nSYSTEM=NORMAL:-VERS-TLS1.3\n' > "$TMPD/gnutls.prio"
GNUTLS_SYSTEM_PRIORITY_FILE=$TMPD/gnutls.prio timeout 20 sipsak -E tls -U \
	-C "sip:alice@127.0.0.1:9;transport=tls" -s sip:alice@127.0.0.1 -r "$PT" \
	--tls-ca-cert "$C/cacert.pem" -a s3cr3t -vvv > "$TMPD/sipsak_tls.out" 2>&1 ||
	{ tail -30 "$TMPD/sipsak_tls.out"; fail "sipsak REGISTER over TLS failed"; }
grep -q "^SIP/2.0 401" "$TMPD/sipsak_tls.out" && grep -q "^SIP/2.0 200" "$TMPD/sipsak_tls.out" ||
	{ tail -30 "$TMPD/sipsak_tls.out"; fail "sipsak REGISTER over TLS: no 401 -> 200"; }
grep -q "REGISTER of alice over tls authorized" "$TMPD/proxy.log" ||
	fail "the proxy did not see sipsak's REGISTER over TLS"
note "sipsak over TLS 1.2: 401 -> 200"

# baresip's module directory, from its package
BMOD=$(dpkg -L baresip-core 2>/dev/null | sed -n 's|/account\.so$||p' | head -n 1)
if command -v baresip >/dev/null 2>&1 && [ -n "$BMOD" ] && [ -d "$BMOD" ]; then
	B=$TMPD/baresip; mkdir -p "$B"
	cat > "$B/config" <<BCFG
poll_method epoll
sip_listen 127.0.0.1:$BS
sip_trans_def tls
sip_verify_server no
module_path $BMOD
module_app account.so
module g711.so
audio_player aufile,/dev/null
audio_source aufile,/dev/null
BCFG
	printf '<sip:alice@127.0.0.1:%s;transport=tls>;auth_pass=s3cr3t;regint=600\n' "$PT" > "$B/accounts"
	: > "$B/contacts"
	timeout 30 baresip -f "$B" -t 6 -v > "$TMPD/baresip.out" 2>&1 </dev/null
	grep -q "REGISTER of alice over tls authorized" "$TMPD/proxy.log" &&
	grep -qi "200 OK" "$TMPD/baresip.out" ||
		{ tail -30 "$TMPD/baresip.out"; fail "baresip did not register over TLS"; }
	note "baresip over TLS: $(grep -i 'ua: .*200 OK\|200 OK' "$TMPD/baresip.out" | head -n 1)"
else
	note "baresip not installed: skipped"
fi
[ "$(grep -c 'auth failed: ip=127.0.0.1 reason=wrong-password user="alice@"' "$TMPD/proxy.log")" -ge 1 ] ||
	fail "no failure line for sipsak's wrong password"
proxy_alive || fail "proxy died"
assert_clean_log
