#!/bin/sh
# kamctl's FIFO client against a fake FIFO server written in sh: request
# format, reply handling, error replies, and the timeouts when no proxy is
# there.  Run by test/integ/run.sh with $TOP and $TMPD set.

# shellcheck disable=SC2016 # the sh -c scripts expand their own "$1"
: "${TOP:?run me through test/integ/run.sh}" "${TMPD:?}"
command -v mkfifo >/dev/null 2>&1 || { echo "mkfifo not installed"; exit 77; }
command -v timeout >/dev/null 2>&1 || { echo "timeout not installed"; exit 77; }

K=$TOP/scripts/kamctl
FIFO=$TMPD/kamailio_fifo
KAMCTLRC=$TMPD/kamctlrc; export KAMCTLRC
printf 'FIFO_PATH=%s\n' "$FIFO" >"$KAMCTLRC"
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
	rm -f "$FIFO"
	return 0
}
trap cleanup EXIT

# The fake proxy, in sh: reads one request from $FIFO (":CMD:REPLY\n",
# argument lines, empty line), logs it to $TMPD/request, and writes
# printf-format $1 to /tmp/REPLY.
fake_server() {
	timeout 20 sh -c '
		exec 3<"$1"
		IFS= read -r first <&3 || exit 1
		printf "%s\n" "$first" >"$3"
		while IFS= read -r a <&3; do
			[ -z "$a" ] && break
			printf "%s\n" "$a" >>"$3"
		done
		exec 3<&-
		name=${first##*:}
		case $name in
		kamailio_reply_*) ;;
		*) echo "bad reply fifo name $name" >&2; exit 1 ;;
		esac
		[ -p "/tmp/$name" ] || { echo "no reply fifo /tmp/$name" >&2; exit 1; }
		printf "$2" >"/tmp/$name"
	' fake_server "$FIFO" "$1" "$TMPD/request" &
	SRV_PID=$!
}

# kam ARGS: runs kamctl, stdout in $TMPD/out, stderr in $TMPD/err,
# elapsed seconds in $secs.
kam() {
	echo "+ kamctl $*"
	start=$(date +%s)
	timeout 30 sh "$K" "$@" </dev/null >"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	secs=$(($(date +%s) - start))
	sed 's/^/  out| /' "$TMPD/out"
	sed 's/^/  err| /' "$TMPD/err"
	return $rc
}

reap() {
	wait "$SRV_PID"
	src=$?
	SRV_PID=
	return $src
}

# ---------------------------------------------------------------- no proxy
rm -f "$FIFO"
kam uptime && fail "uptime without a FIFO succeeded"
grep -q "cannot reach the proxy at FIFO $FIFO: is it running?" "$TMPD/err" ||
    fail "missing 'cannot reach the proxy' message"
[ "$secs" -le 2 ] || fail "took ${secs}s without a FIFO"
[ -e "$FIFO" ] && fail "kamctl created $FIFO"
ok "no FIFO: fails at once with the message"

mkfifo -m 600 "$FIFO" || fail "mkfifo $FIFO"
ls /tmp | grep '^kamailio_reply_' | sort > "$TMPD/replies.before"
kam uptime && fail "uptime with nobody reading the FIFO succeeded"
grep -q "cannot reach the proxy at FIFO $FIFO: is it running?" "$TMPD/err" ||
    fail "missing 'cannot reach the proxy' message"
[ "$secs" -le 7 ] || fail "took ${secs}s to time out (want ~5)"
[ "$secs" -ge 4 ] || fail "gave up after ${secs}s, before the 5s timeout"
ok "FIFO without a reader: times out in ${secs}s with the message"
# (only ours: other runs on the machine may have their own reply FIFOs)
ls /tmp | grep '^kamailio_reply_' | sort > "$TMPD/replies.after"
comm -13 "$TMPD/replies.before" "$TMPD/replies.after" | grep . &&
    fail "reply FIFO left in /tmp"

# ---------------------------------------------------------------- fake proxy
fake_server '200 OK\nfake-uptime\n'
kam uptime || fail "uptime against the fake server"
reap || fail "fake server failed"
[ "$(cat "$TMPD/out")" = "fake-uptime" ] || fail "uptime printed '$(cat "$TMPD/out")'"
grep -q '^:uptime:kamailio_reply_[0-9]*_[0-9a-f]*$' "$TMPD/request" ||
    fail "request line is '$(head -n 1 "$TMPD/request")'"
[ "$(wc -l <"$TMPD/request")" -eq 1 ] || fail "uptime sent arguments"
ok "uptime prints the reply body"

fake_server '200 OK\nlevel 3\n'
kam debug 3 || fail "debug 3"
reap || fail "fake server failed"
[ "$(sed -n 1p "$TMPD/request" | cut -d: -f2)" = debug ] || fail "debug: command"
[ "$(sed -n 2p "$TMPD/request")" = 3 ] || fail "debug: argument"
ok "debug N sends ':debug:...' and the argument line"

fake_server '200 OK\n'
kam fifo get_statistics "shmem: tm:" x || fail "fifo with arguments"
reap || fail "fake server failed"
printf 'shmem: tm:\nx\n' >"$TMPD/want"
sed 1d "$TMPD/request" | cmp -s - "$TMPD/want" || fail "fifo arguments mangled"
ok "fifo CMD ARGS: one line per argument, blanks kept"

fake_server '200 OK\ns1 = 1\n'
kam stats || fail "stats"
reap || fail "fake server failed"
[ "$(sed -n 1p "$TMPD/request" | cut -d: -f2)" = get_statistics ] || fail "stats command"
[ "$(sed -n 2p "$TMPD/request")" = all ] || fail "stats default argument"
ok "stats = get_statistics all"

fake_server '200 OK\n'
kam tls reload || fail "tls reload"
reap || fail "fake server failed"
[ "$(sed -n 1p "$TMPD/request" | cut -d: -f2)" = tls_reload ] || fail "tls reload command"
ok "tls reload = tls_reload"

fake_server '500 command not available\nno such thing\n'
kam ps && fail "500 reply counted as success"
reap || fail "fake server failed"
grep -q "500 command not available" "$TMPD/err" || fail "error reply not shown"
grep -q "no such thing" "$TMPD/err" || fail "error body not shown"
ok "error replies go to stderr with exit 1"

# The proxy reads the request but never answers.
timeout 20 sh -c 'exec 3<"$1"; sleep 8' sink "$FIFO" &
SRV_PID=$!
kam version && fail "version without a reply succeeded"
grep -q "no reply from the proxy within 5s" "$TMPD/err" || fail "no-reply message"
[ "$secs" -le 7 ] || fail "took ${secs}s to time out"
kill "$SRV_PID" 2>/dev/null
wait "$SRV_PID" 2>/dev/null
SRV_PID=
ok "no reply: times out in ${secs}s"

kam debug x; [ $? -eq 2 ] || fail "debug x: exit not 2"
kam fifo uptime ""; [ $? -eq 2 ] || fail "empty argument: exit not 2"
ok "bad arguments are usage errors"

echo "all kamctl fifo checks passed"
exit 0
