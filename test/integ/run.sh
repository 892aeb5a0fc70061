#!/bin/sh
# Runs every test/integ/t_*.sh (or the ones named) and prints the total.
# Each test is a sh script run from the repository root; it exits 0 when
# it passed, 77 when it was skipped, anything else when it failed.  Tests
# find the built tree through $TOP and put scratch files under $TMPD.
TOP=$(cd "$(dirname "$0")/../.." && pwd); export TOP
pass=0; fail=0; skip=0; failed=""
tests="$*"
[ -n "$tests" ] || tests=$(ls "$TOP"/test/integ/t_*.sh)
for t in $tests; do
	name=$(basename "$t" .sh)
	TMPD="$TOP/test/integ/tmp/$name"; export TMPD
	rm -rf "$TMPD"; mkdir -p "$TMPD"
	start=$(date +%s)
	timeout -k 10 600 sh "$t" > "$TMPD/test.log" 2>&1; rc=$?
	secs=$(( $(date +%s) - start ))
	case $rc in
	0) pass=$((pass + 1)); echo "ok   $name (${secs}s)" ;;
	77) skip=$((skip + 1)); echo "skip $name: $(tail -n 1 "$TMPD/test.log")" ;;
	*) fail=$((fail + 1)); failed="$failed $name"
	   echo "FAIL $name (exit $rc, ${secs}s); last lines of $TMPD/test.log:"
	   tail -n 30 "$TMPD/test.log" | sed 's/^/    /' ;;
	esac
done
echo "integ: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
