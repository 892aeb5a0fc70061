# test/integ/lib_reg.sh: helpers for the registrar tests (sourced after
# lib.sh; lib_tcp.sh and lib_tls.sh before it for TLS).  The python side
# is test/integ/regua.py (PYTHONPATH is set here).

PYTHONPATH="$TOP/test/integ${PYTHONPATH:+:$PYTHONPATH}"; export PYTHONPATH
FIFO="$TMPD/fifo"

# reg_cfg FILE [GLOBALS [MODPARAMS]]: a registrar in the shape of the
# guide's Example 1.15 (without authentication): REGISTER -> save(),
# in-dialog -> loose_route, the rest -> lookup() -> t_relay().  Listens
# on udp and tcp 127.0.0.1:$PROXY_PORT, and on tls $TLS_PORT when
# $TLS_PORT is set (certificates $CERT_DIR/{cert,privkey}.pem).
# $SAVE overrides the save call, $DB_LOAD adds loadmodule lines.
reg_cfg() {
	tls_lines=""
	if [ -n "${TLS_PORT:-}" ]; then
		tls_lines="listen=tls:127.0.0.1:$TLS_PORT
tls_certificate=\"$CERT_DIR/cert.pem\"
tls_private_key=\"$CERT_DIR/privkey.pem\"
tls_ca_list=\"$CERT_DIR/calist.pem\"
tls_verify_client=${TLS_VERIFY_CLIENT:-0}
tls_require_client_certificate=${TLS_VERIFY_CLIENT:-0}"
	fi
	cat > "$1" <<CFG
debug=${DEBUG:-2}
log_stderror=yes
children=${CHILDREN:-1}
tcp_children=${TCP_CHILDREN:-2}
listen=udp:127.0.0.1:$PROXY_PORT
listen=tcp:127.0.0.1:$PROXY_PORT
$tls_lines
fifo="$FIFO"
alias=127.0.0.1
${2:-}
loadmodule "sl"
loadmodule "tm"
loadmodule "rr"
loadmodule "maxfwd"
loadmodule "textops"
${DB_LOAD:-}
loadmodule "usrloc"
loadmodule "registrar"
modparam("tm", "fr_timer", ${FR_TIMER:-10})
modparam("usrloc", "timer_interval", ${UL_TIMER:-60})
${3:-}
route {
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	# before loose_route(): a phone with an outbound proxy preloads a
	# Route to us, which loose_route() would follow back to us
	if (method == "REGISTER") {
		${SAVE:-if (!save("location")) sl_reply_error();}
		exit;
	}
	record_route();
	# in-dialog: follow the Route; an initial request whose only Route
	# is the one its phone preloads to us (an outbound proxy) goes on
	# to lookup()
	if (loose_route() && search("^(To|t)[ \\t]*:[^\\r\\n]*;[ \\t]*tag=")) {
		if (!t_relay())
			sl_reply_error();
		exit;
	}
	if (\$rU == "registered") {
		if (registered("location"))
			sl_send_reply("299", "Registered");
		else
			sl_send_reply("499", "Not Registered");
		exit;
	}
	if (!lookup("location")) {
		sl_send_reply("404", "Not Found");
		exit;
	}
	if (!t_relay())
		sl_reply_error();
}
CFG
}

# kamctl against this test's proxy
kctl() {
	FIFO_PATH="$FIFO" KAMCTLRC=/dev/null timeout 20 sh "$TOP/scripts/kamctl" "$@"
}

# ul_count: the number of contacts in every location table
ul_count() {
	kctl stats usrloc:location-contacts | sed -n 's/.* = //p'
}
