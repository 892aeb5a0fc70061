# The registrar against sipp (an independent UA), over UDP and TCP: 50
# users each run test/integ/sipp/reg_rules.xml: 423 with Min-Expires,
# two contacts listed with their q and the granted expiry (cut to
# max_expires) and a Date, the bindings returned to a REGISTER without
# Contact, `Contact: *` refused without Expires: 0 and removing every
# binding with it.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_tcp.sh"
. "$TOP/test/integ/lib_reg.sh"
command -v sipp >/dev/null || skip "sipp not installed"
PROXY_PORT=$(free_port)
reg_cfg "$TMPD/k.cfg" "" 'modparam("registrar", "min_expires", 60)
modparam("registrar", "max_expires", 600)'
start_proxy "$TMPD/k.cfg"
wait_tcp "$PROXY_PORT" || fail "no TCP listener"
for t in u1 t1; do
	timeout 60 sipp -sf "$TOP/test/integ/sipp/reg_rules.xml" -t "$t" \
		-i 127.0.0.1 -p "$(free_port)" -m 50 -r 25 -nostdin \
		-timeout 30 -timeout_error -trace_err \
		-error_file "$TMPD/err_$t.log" "127.0.0.1:$PROXY_PORT" \
		> "$TMPD/sipp_$t.log" 2>&1
	rc=$?
	ok=$(grep "Successful call" "$TMPD/sipp_$t.log" | tail -n 1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
	note "sipp over $t: $ok of 50 users ran every rule"
	[ $rc -eq 0 ] && [ "$ok" = 50 ] ||
		{ tail -n 30 "$TMPD/err_$t.log"; fail "sipp $t: exit $rc"; }
done
proxy_alive || fail "proxy died"
assert_clean_log
