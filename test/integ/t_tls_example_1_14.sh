# The guide's Example 1.14 (global TLS settings, socket and server_name
# server domains, name and socket client domains) loads and serves: its
# placeholders are filled with 127.0.0.x addresses, free ports and
# certificates made here (/certs/... -> $TMPD/certs/...).  Its
# tls_method = TLSv1 means TLS 1.0 only (security level 0, with a
# warning), so the clients here use TLS 1.0 as well.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_tls.sh"
PROXY_PORT=$(free_port); P1=$(free_port); P2=$(free_port); P3=$(free_port)
C=$TMPD/ca; D=$TMPD/certs
mk_ca "$C"
for n in default atlanta.com biloxy.com aaa.example.com bbb.example.com ccc.example.com local XYZ client; do
	mk_cert "$C" "$n" "DNS:$n,IP:127.0.0.1"
	mkdir -p "$D/$n"; cp "$C/$n/cert.pem" "$C/$n/privkey.pem" "$D/$n/"
	cp "$C/cacert.pem" "$D/$n/ca.pem"
done
cp "$C/cacert.pem" "$D/default/CAs.pem"; cp "$C/cacert.pem" "$D/wellknownCAs"
cp "$C/cacert.pem" "$D/GWproviderSelfSignedCA"
cp "$D/XYZ/cert.pem" "$D/XYZ/mycert.pem"; cp "$D/XYZ/privkey.pem" "$D/XYZ/myprivkey.pem"
cp "$C/cacert.pem" "$D/XYZ/cacert.pem"
cp "$D/atlanta.com/ca.pem" "$D/atlanta.com/wellknownCAs"
cat > "$TMPD/ex.cfg.in" <<'GUIDE'
# TLS configuration example
# The SIP proxy will listen on 3 sockets for incoming TLS connections
#   IP_1:port1: we do not specify a server domain for this socket, 
#               thus the default TLS settings (=default TLS server 
#               domain) will be used for TLS requests received on 
#               this socket.
#   IP_2:port2: we specify a socket based TLS server domain for this
#               socket. Thus, incoming requests on this socket will 
#               use this TLS settings.
#   IP_3:port3: This socket will be used as server_name based TLS 
#               server domain. Thus, we specify a "default" TLS 
#               domain for this socket which will be used if the 
#               incoming TLS request does not signal the server_name
#               extension or if the specified server_name is not 
#               configured. Further, some server_name based domains 
#               are configured on this socket.

listen=tls:IP_1:port1
listen=tls:IP_2:port2
listen=tls:IP_3:port3

# specify the default TLS settings (will be used 
# for client and server mode)
disable_tls = 0
tls_verify_server = 0
tls_verify_client = 0
tls_method = TLSv1
tls_require_client_certificate = 0
tls_certificate = "/certs/default/cert.pem"
tls_private_key = "/certs/default/privkey.pem"
tls_ca_list     = "/certs/default/CAs.pem"

# set the TLS client domain AVP
tls_client_domain_avp = 400
tls_server_name_avp   = 401


# socket 1: socket based TLS server domain
#   as we do not define TLS settings for socket 1
#   the default TLS settings will be used.


# socket 2: socket based TLS server domain
tls_server_domain[IP_2:port2] {
    #specify parameters for a domain in particular, otherwise, 
    #it will use the default values. 
    tls_certificate   = "/certs/atlanta.com/cert.pem"
    tls_private_key   = "/certs/atlanta.com/privkey.pem"
    tls_ca_list       = "/certs/atlanta.com/wellknownCAs"
    tls_method        = tlsv1
}


# socket 3: server_name based TLS server domain
#   default domain
tls_server_domain[IP_3:port3] {
    tls_certificate   = "/certs/biloxy.com/cert.pem"
    tls_private_key   = "/certs/biloxy.com/privkey.pem"
    tls_ca_list       = "/certs/wellknownCAs"
    tls_method        = tlsv1
    tls_verify_client = 1
    tls_require_client_certificate = 1
}
#   server_name domain: aaa.example.com
tls_server_domain[IP_3:port3] {
    tls_certificate   = "/certs/aaa.example.com/cert.pem"
    tls_private_key   = "/certs/aaa.example.com/privkey.pem"
    tls_ca_list       = "/certs/aaa.example.com/ca.pem"
    tls_method        = tlsv1
    tls_verify_client = 1
    tls_require_client_certificate = 1
	server_name       = "aaa.example.com"
}
#   server_name domain: bbb.example.com
tls_server_domain[IP_3:port3] {
    tls_certificate   = "/certs/bbb.example.com/cert.pem"
    tls_private_key   = "/certs/bbb.example.com/privkey.pem"
    tls_ca_list       = "/certs/bbb.example.com/ca.pem"
    tls_method        = tlsv1
    tls_verify_client = 1
    tls_require_client_certificate = 1
	server_name       = "bbb.example.com"
}
#   server_name domain: ccc.example.com
tls_server_domain[IP_3:port3] {
    tls_certificate   = "/certs/ccc.example.com/cert.pem"
    tls_private_key   = "/certs/ccc.example.com/privkey.pem"
    tls_ca_list       = "/certs/ccc.example.com/ca.pem"
    tls_method        = tlsv1
    tls_verify_client = 1
    tls_require_client_certificate = 1
	server_name       = "ccc.example.com"
}


# TLS client domains: if non of the below TLS client 
# domains match, the default TLS domains (see above) 
# will be used

# a name based TLS client domain
tls_client_domain["atlanta.com"] {
    tls_certificate = "/certs/atlanta.com/cert.pem"
    tls_private_key = "/certs/atlanta.com/privkey.pem"
    tls_ca_list     = "/certs/wellknownCAs"
    tls_method=tlsv1
    tls_verify_server = 1
}

# another name based TLS client domain
tls_client_domain["biloxi.com"] {
    tls_certificate = "/certs/biloxy.com/cert.pem"
    tls_private_key = "/certs/biloxy.com/privkey.pem"
    tls_ca_list     = "/certs/wellknownCAs"
    tls_method=tlsv1
    tls_verify_server = 0
}

# a socket based TLS client domains (e.g. for 
# TLS based upstream to a SIP-PSTN gateway provider)
# GW IP: 1.2.3.4, GW port: 6677
tls_client_domain[1.2.3.4:6677] {
    tls_certificate = "/certs/local/cert.pem"
    tls_private_key = "/certs/local/privkey.pem"
    tls_ca_list     = "/certs/GWproviderSelfSignedCA"
    tls_method=tlsv1
    tls_verify_server = 1
}

# another socket based TLS client domain
# used for peering in our VoIP Provider Federation XYZ.
# Peer A: IP: 5.5.5.5, port: 5061
tls_client_domain[5.5.5.5:5061] {
    tls_certificate = "/certs/XYZ/mycert.pem"
    tls_private_key = "/certs/XYZ/myprivkey.pem"
    tls_ca_list     = "/certs/XYZ/cacert.pem"
    tls_method=tlsv1
    tls_verify_server = 1
}
# Peer B: IP: 6.6.6.6, port: 5061
tls_client_domain[6.6.6.6:5061] {
    tls_certificate = "/certs/XYZ/mycert.pem"
    tls_private_key = "/certs/XYZ/myprivkey.pem"
    tls_ca_list     = "/certs/XYZ/cacert.pem"
    tls_method=tlsv1
    tls_verify_server = 1
}
# Peer B: IP: 7.7.7.7, port: 5061
tls_client_domain[7.7.7.7:5061] {
    tls_certificate = "/certs/XYZ/mycert.pem"
    tls_private_key = "/certs/XYZ/myprivkey.pem"
    tls_ca_list     = "/certs/XYZ/cacert.pem"
    tls_method=tlsv1
    tls_verify_server = 1
}
GUIDE
{
	echo "debug=4"
	echo "log_stderror=yes"
	echo "children=1"
	echo "tcp_children=1"
	echo "listen=udp:127.0.0.1:$PROXY_PORT"
	sed -e "s|IP_1:port1|127.0.0.1:$P1|g" -e "s|IP_2:port2|127.0.0.2:$P2|g" \
	    -e "s|IP_3:port3|127.0.0.3:$P3|g" -e "s|\"/certs/|\"$D/|g" "$TMPD/ex.cfg.in"
	echo 'loadmodule "sl"'
	echo 'route { sl_send_reply("200", "OK"); }'
} > "$TMPD/k.cfg"
start_proxy "$TMPD/k.cfg"
wait_tcp "$P3" || fail "no TLS listener"
grep -q "TLSv1" "$TMPD/proxy.log" || true

# cn HOST PORT SNI: CN of the server certificate over TLS 1.0, with our client certificate
cn() {
	timeout 5 openssl s_client -tls1 -cipher DEFAULT@SECLEVEL=0 -connect "$1:$2" \
		-servername "$3" -cert "$C/client/cert.pem" -key "$C/client/privkey.pem" \
		</dev/null 2>/dev/null | sed -n 's/^subject=.*CN *= *\([^,/]*\).*/\1/p' | head -n 1
}
for c in "127.0.0.1 $P1 x.example.com default" "127.0.0.2 $P2 x.example.com atlanta.com" \
	"127.0.0.3 $P3 aaa.example.com aaa.example.com" "127.0.0.3 $P3 bbb.example.com bbb.example.com" \
	"127.0.0.3 $P3 ccc.example.com ccc.example.com" "127.0.0.3 $P3 zzz.example.com biloxy.com"; do
	set -- $c
	got=$(cn "$1" "$2" "$3")
	[ "$got" = "$4" ] || fail "$1:$2 SNI $3: certificate '$got', expected '$4'"
	note "$1:$2 SNI $3 -> $got"
done
timeout 5 openssl s_client -tls1_2 -connect "127.0.0.1:$P1" </dev/null > "$TMPD/t12.out" 2>&1 &&
	fail "tls_method=TLSv1 accepted TLS 1.2"
note "TLS 1.2 refused by a TLSv1 domain, as configured"
options_ok udp "$PROXY_PORT" || fail "no UDP answer"
proxy_alive || fail "proxy died"
assert_clean_log
note "ok"
