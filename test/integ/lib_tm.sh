# test/integ/lib_tm.sh: helpers for the tm tests (sourced after lib.sh).

# tm_cfg FILE ROUTE_BODY [EXTRA]: a proxy config with tm loaded that
# listens on udp+tcp 127.0.0.1:$PROXY_PORT; ROUTE_BODY runs after the
# usual maxfwd / loose_route prologue; EXTRA is appended (other routes).
tm_cfg() {
	cat > "$1" <<CFG
debug=${DEBUG:-2}
log_stderror=yes
children=${CHILDREN:-2}
tcp_children=4
listen=udp:127.0.0.1:$PROXY_PORT
listen=tcp:127.0.0.1:$PROXY_PORT
loadmodule "sl"
loadmodule "tm"
loadmodule "maxfwd"
loadmodule "rr"
modparam("tm", "fr_timer", ${FR_TIMER:-30})
modparam("tm", "wt_timer", ${WT_TIMER:-5})
route {
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	if (loose_route()) {
		if (!t_relay())
			sl_reply_error();
		exit;
	}
	if (method == "INVITE")
		record_route();
$2
}
$3
CFG
}

# sipp_counts LOG: "ok bad" from a sipp screen log
sipp_counts() {
	ok=$(grep "Successful call" "$1" | tail -n 1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
	bad=$(grep "Failed call" "$1" | tail -n 1 | awk -F'|' '{gsub(/ /,"",$3); print $3}')
	echo "${ok:-0} ${bad:-0}"
}
