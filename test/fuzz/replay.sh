#!/bin/sh
# Feeds every file of each fuzz target's corpus to the target, built with
# the system compiler under ASan+UBSan and replay_main.c as the driver (no
# libFuzzer needed): a crash or a sanitizer report fails the run.
# Usage: replay.sh BINARY... (built by `make fuzz-replay`, test/fuzz/fuzz.mk);
# the corpus of BINARY fuzz_<name> is test/fuzz/corpus/<name>/.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
if [ $# -eq 0 ]; then
	echo "usage: $0 BINARY... (run it as: make fuzz-replay)" >&2
	exit 2
fi
# a UBSan report is a failure, not just a line in the log
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export UBSAN_OPTIONS
pass=0; fail=0
for bin in "$@"; do
	name=$(basename "$bin")
	corpus=test/fuzz/corpus/${name#fuzz_}
	if [ ! -d "$corpus" ]; then
		echo "FAIL $name: no corpus in $corpus"; fail=$((fail + 1)); continue
	fi
	if "$bin" "$corpus"/* > "$bin.log" 2>&1; then
		pass=$((pass + 1)); echo "ok   $name ($(ls "$corpus" | wc -l) inputs)"
	else
		fail=$((fail + 1)); echo "FAIL $name"; tail -n 20 "$bin.log"
	fi
done
echo "fuzz-replay: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
