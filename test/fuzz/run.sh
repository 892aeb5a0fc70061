#!/bin/sh
# Runs each libFuzzer target given for SECONDS (default 20) over its corpus
# in test/fuzz/corpus/<name>/ (new inputs go to a work folder next to the
# binary, never into the committed corpus).
# Usage: run.sh SECONDS BINARY... (built by `make fuzz`, test/fuzz/fuzz.mk).
set -e
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP"
if [ $# -lt 2 ]; then
	echo "usage: $0 SECONDS BINARY... (run it as: make fuzz)" >&2
	exit 2
fi
secs=$1
shift
# a UBSan report is a crash for libFuzzer, not just a line in the log
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export UBSAN_OPTIONS
# (no "set -e" around the fuzzer: its status must be looked at, and a
# pipe into tail would hide it)
bad=0
for bin in "$@"; do
	name=$(basename "$bin")
	mkdir -p "$bin.work"
	corpus=test/fuzz/corpus/${name#fuzz_}
	[ -d "$corpus" ] || corpus=""
	echo "== $name: running ${secs}s"
	rc=0
	"$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 \
		-artifact_prefix="$bin-" "$bin.work" $corpus \
		> "$bin.log" 2>&1 || rc=$?
	tail -n 3 "$bin.log"
	if [ "$rc" -ne 0 ]; then
		echo "FAIL $name (exit $rc): log in $bin.log, input in $bin-*"
		bad=$((bad + 1))
	fi
done
if [ "$bad" -ne 0 ]; then
	echo "fuzz: $bad target(s) crashed"
	exit 1
fi
echo "fuzz: all targets ran without a crash"
