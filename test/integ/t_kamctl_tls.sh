#!/bin/sh
# kamctl tls rootCA / userCERT: files, modes, extensions, passphrases,
# refusals, and a real mutual-TLS handshake between two issued certificates.
# Run by test/integ/run.sh with $TOP and $TMPD set.

: "${TOP:?run me through test/integ/run.sh}" "${TMPD:?}"
command -v openssl >/dev/null 2>&1 || { echo "openssl not installed"; exit 77; }
command -v timeout >/dev/null 2>&1 || { echo "timeout not installed"; exit 77; }

K=$TOP/scripts/kamctl
KAMCTLRC=$TMPD/kamctlrc; export KAMCTLRC
: >"$KAMCTLRC"
SRV_PID=

fail() {
	echo "FAIL: $*"
	exit 1
}
ok() {
	echo "ok: $*"
}
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null
	return 0
}
trap cleanup EXIT

# kam ARGS: runs kamctl (stdin from /dev/null: no terminal), output in
# $TMPD/out, bounded in time.
kam() {
	echo "+ kamctl $*"
	timeout 60 sh "$K" "$@" </dev/null >"$TMPD/out" 2>&1
	rc=$?
	sed 's/^/  | /' "$TMPD/out"
	return $rc
}

# san_of CERT: the subjectAltName line of CERT.
san_of() {
	openssl x509 -in "$1" -noout -ext subjectAltName | sed -n '2,$p'
}

CA=$TMPD/ca
# ---------------------------------------------------------------- rootCA
kam tls rootCA "$CA" && fail "rootCA without terminal or option succeeded"
grep -q "no terminal" "$TMPD/out" || fail "no-terminal message missing"
[ -e "$CA/cacert.pem" ] && fail "rootCA without terminal left a certificate"
ok "rootCA without a terminal fails fast with a message"

kam tls rootCA --no-passphrase --days 30 --subject "/O=Test/CN=Test CA" "$CA" ||
    fail "rootCA --no-passphrase"
[ -f "$CA/cacert.pem" ] || fail "no $CA/cacert.pem"
[ -f "$CA/private/cakey.pem" ] || fail "no $CA/private/cakey.pem"
openssl x509 -in "$CA/cacert.pem" -noout -text >"$TMPD/ca.txt" ||
    fail "CA certificate unreadable"
grep -A1 "Basic Constraints: critical" "$TMPD/ca.txt" | grep -q "CA:TRUE" ||
    fail "CA lacks basicConstraints critical CA:TRUE"
grep -A1 "Key Usage: critical" "$TMPD/ca.txt" |
    grep -q "Certificate Sign, CRL Sign" || fail "CA keyUsage"
grep -q "Subject: O = Test, CN = Test CA" "$TMPD/ca.txt" || fail "CA subject"
ok "rootCA --no-passphrase"

kam tls rootCA --no-passphrase "$CA" && fail "rootCA overwrote an existing CA"
grep -q -- "--force" "$TMPD/out" || fail "refusal does not mention --force"
cp "$CA/cacert.pem" "$TMPD/ca.before"
kam tls rootCA --no-passphrase --force "$CA" || fail "rootCA --force"
cmp -s "$CA/cacert.pem" "$TMPD/ca.before" && fail "--force did not replace the CA"
ok "rootCA refuses to overwrite, --force overwrites"

# ---------------------------------------------------------------- userCERT
kam tls userCERT --san IP:127.0.0.1,URI:sip:example.com --san DNS:sip.example.com \
    proxy1 "$CA" || fail "userCERT proxy1"
P=$CA/proxy1
for f in privkey.pem cert.pem calist.pem; do
	[ -f "$P/$f" ] || fail "no $P/$f"
done
# shellcheck disable=SC2012 # ls -l is the portable way to read a mode
mode=$(ls -l "$P/privkey.pem" | cut -c1-10)
[ "$mode" = "-rw-------" ] || fail "privkey.pem mode is $mode, not 0600"
grep -q ENCRYPTED "$P/privkey.pem" && fail "privkey.pem is encrypted"
cmp -s "$P/calist.pem" "$CA/cacert.pem" || fail "calist.pem is not the CA certificate"
openssl verify -CAfile "$P/calist.pem" "$P/cert.pem" || fail "verify proxy1"
san=$(san_of "$P/cert.pem")
echo "  SAN: $san"
for want in DNS:proxy1 "IP Address:127.0.0.1" URI:sip:example.com DNS:sip.example.com; do
	case $san in
	*"$want"*) ;;
	*) fail "SAN lacks $want" ;;
	esac
done
openssl x509 -in "$P/cert.pem" -noout -text >"$TMPD/p1.txt"
grep -A1 "X509v3 Key Usage" "$TMPD/p1.txt" |
    grep -q "Digital Signature, Key Encipherment" || fail "RSA keyUsage"
grep -A1 "Extended Key Usage" "$TMPD/p1.txt" |
    grep -q "TLS Web Server Authentication, TLS Web Client Authentication" ||
    fail "extendedKeyUsage"
grep -q "Subject: CN = proxy1" "$TMPD/p1.txt" || fail "subject CN"
grep -q "Public-Key: (2048 bit)" "$TMPD/p1.txt" || fail "default key is not RSA 2048"
ok "userCERT RSA: files, mode, verify, SAN, usages"

kam tls userCERT proxy1 "$CA" && fail "userCERT overwrote proxy1"
grep -q -- "--force" "$TMPD/out" || fail "refusal does not mention --force"
cp "$P/cert.pem" "$TMPD/p1.before"
kam tls userCERT --force --key rsa3072 proxy1 "$CA" || fail "userCERT --force"
cmp -s "$P/cert.pem" "$TMPD/p1.before" && fail "--force did not replace cert.pem"
openssl x509 -in "$P/cert.pem" -noout -text | grep -q "Public-Key: (3072 bit)" ||
    fail "--key rsa3072"
ok "userCERT refuses to overwrite, --force overwrites; rsa3072"

kam tls userCERT --key ecdsa-p256 --cn "client one" --days 10 client "$CA" ||
    fail "userCERT ecdsa client"
C=$CA/client
openssl verify -CAfile "$C/calist.pem" "$C/cert.pem" || fail "verify client"
openssl x509 -in "$C/cert.pem" -noout -text >"$TMPD/c.txt"
grep -q "NIST CURVE: P-256" "$TMPD/c.txt" || fail "client key is not P-256"
grep -A1 "X509v3 Key Usage" "$TMPD/c.txt" | grep -q "Digital Signature$" ||
    fail "EC keyUsage is not digitalSignature only"
grep -q "Subject: CN = client one" "$TMPD/c.txt" || fail "--cn"
case $(san_of "$C/cert.pem") in
*DNS:client*) ;;
*) fail "client SAN lacks DNS:client" ;;
esac
ok "userCERT ECDSA P-256, --cn, --days"

kam tls userCERT --san BOGUS:x bad "$CA"; [ $? -eq 2 ] || fail "bad --san not a usage error"
kam tls userCERT --san IP:999.0.0.1 bad "$CA" && fail "bad IP SAN accepted"
grep -q "openssl:.*bad ip address" "$TMPD/out" || fail "openssl error not shown"
[ -e "$CA/bad" ] && fail "failed userCERT left $CA/bad behind"
kam tls userCERT x "$TMPD/nowhere" && fail "userCERT without CA succeeded"
grep -q "$TMPD/nowhere/cacert.pem" "$TMPD/out" || fail "missing-CA message lacks the path"
kam tls userCERT; [ $? -eq 2 ] || fail "userCERT without NAME: exit not 2"
kam tls; [ $? -eq 2 ] || fail "tls without subcommand: exit not 2"
kam frobnicate; [ $? -eq 2 ] || fail "unknown command: exit not 2"
kam help || fail "help"
ok "errors: usage, openssl output, paths"

# ---------------------------------------------------------------- passphrase CA
ECA=$TMPD/eca
printf 'correct horse\n' >"$TMPD/pass"
printf 'wrong horse\n' >"$TMPD/badpass"
kam tls rootCA --passphrase-file "$TMPD/pass" --key ecdsa-p256 "$ECA" ||
    fail "rootCA --passphrase-file"
grep -q "ENCRYPTED PRIVATE KEY" "$ECA/private/cakey.pem" || fail "CA key not encrypted"
openssl pkey -in "$ECA/private/cakey.pem" -passin "file:$TMPD/pass" -noout ||
    fail "CA key does not open with the passphrase"
kam tls userCERT srv "$ECA" && fail "encrypted CA used without passphrase"
grep -q "no terminal" "$TMPD/out" || fail "no-terminal message for encrypted CA"
kam tls userCERT --no-passphrase srv "$ECA" && fail "--no-passphrase with encrypted CA"
kam tls userCERT --ca-passphrase-file "$TMPD/badpass" srv "$ECA" &&
    fail "wrong CA passphrase accepted"
grep -q "openssl:" "$TMPD/out" || fail "openssl error not shown for a wrong passphrase"
kam tls userCERT --ca-passphrase-file "$TMPD/pass" srv "$ECA" ||
    fail "userCERT --ca-passphrase-file"
openssl verify -CAfile "$ECA/srv/calist.pem" "$ECA/srv/cert.pem" || fail "verify srv"
ok "passphrase-protected CA"

# ---------------------------------------------------------------- handshake
# proxy1 as server, client as client, both from $CA; the server demands
# a client certificate (-Verify 1) and echoes lines reversed (-rev).
S=$TMPD/s_server.log
port=$((20000 + $$ % 10000))
tries=0
while :; do
	tries=$((tries + 1))
	[ $tries -le 5 ] || fail "could not start openssl s_server"
	timeout 30 openssl s_server -accept "127.0.0.1:$port" -naccept 1 -rev \
	    -cert "$P/cert.pem" -key "$P/privkey.pem" -CAfile "$P/calist.pem" \
	    -Verify 1 -verify_return_error </dev/null >"$S" 2>&1 &
	SRV_PID=$!
	i=0
	while [ $i -lt 50 ] && ! grep -q ACCEPT "$S"; do
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	grep -q ACCEPT "$S" && break
	kill "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	SRV_PID=
	port=$((port + 1))
done
echo "s_server on 127.0.0.1:$port (pid $SRV_PID)"
(printf 'hello-from-client\n'; sleep 1) |
    timeout 15 openssl s_client -connect "127.0.0.1:$port" -servername proxy1 \
    -cert "$C/cert.pem" -key "$C/privkey.pem" -CAfile "$C/calist.pem" \
    -verify_return_error >"$TMPD/s_client.log" 2>&1
crc=$?
i=0
while [ $i -lt 50 ] && kill -0 "$SRV_PID" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
kill "$SRV_PID" 2>/dev/null
wait "$SRV_PID" 2>/dev/null
SRV_PID=
echo "--- s_client (exit $crc)"; cat "$TMPD/s_client.log"
echo "--- s_server"; cat "$S"
grep -q "Verify return code: 0 (ok)" "$TMPD/s_client.log" ||
    fail "client did not verify the server certificate"
grep -q "Peer certificate: CN = client one" "$S" ||
    fail "server did not get the client certificate"
grep -q "^Verification: OK" "$S" || fail "server did not verify the client certificate"
grep -qi "verify error" "$S" && fail "server rejected the client certificate"
grep -q "tneilc-morf-olleh" "$TMPD/s_client.log" ||
    fail "no data went through the connection (s_server -rev echo missing)"
ok "mutual TLS handshake with kamctl-issued certificates"

# A client certificate from another CA must be refused.
tries=0
while :; do
	tries=$((tries + 1))
	[ $tries -le 5 ] || fail "could not start the second openssl s_server"
	port=$((20000 + ($$ + tries * 7919) % 10000))
	timeout 30 openssl s_server -accept "127.0.0.1:$port" -naccept 1 -rev \
	    -cert "$P/cert.pem" -key "$P/privkey.pem" -CAfile "$P/calist.pem" \
	    -Verify 1 -verify_return_error </dev/null >"$S" 2>&1 &
	SRV_PID=$!
	i=0
	while [ $i -lt 50 ] && ! grep -q ACCEPT "$S" && kill -0 $SRV_PID 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q ACCEPT "$S" && break
	kill $SRV_PID 2>/dev/null
done
grep -q ACCEPT "$S" || fail "second s_server did not start on port $port"
(printf 'intruder\n'; sleep 1) |
    timeout 15 openssl s_client -connect "127.0.0.1:$port" \
    -cert "$ECA/srv/cert.pem" -key "$ECA/srv/privkey.pem" -CAfile "$P/calist.pem" \
    >"$TMPD/s_client2.log" 2>&1
kill "$SRV_PID" 2>/dev/null
wait "$SRV_PID" 2>/dev/null
SRV_PID=
cat "$S"
grep -q "redurtni" "$TMPD/s_client2.log" && fail "server accepted a client certificate from another CA"
grep -q "certificate verify failed" "$S" ||
    fail "server did not refuse the foreign client certificate at verification"
ok "client certificate from another CA refused"

echo "all kamctl tls checks passed"
exit 0
