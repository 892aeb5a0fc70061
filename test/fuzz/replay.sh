#!/bin/sh
# Builds each fuzz target with the system compiler and a replay driver, and
# feeds it every file of its corpus (no libFuzzer needed): a crash or a
# sanitizer report fails the run.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CC=${CC:-cc}
out=$TOP/build/fuzz-replay
mkdir -p "$out"
cd "$TOP" || exit 1
# The config grammar's generated sources (fuzz_cfg links them).
mkdir -p build
if [ ! -f build/cfg.tab.c ] || [ cfg.y -nt build/cfg.tab.c ]; then
	bison -Wall -d -o build/cfg.tab.c cfg.y || exit 1
fi
if [ ! -f build/cfg.lex.c ] || [ cfg.lex -nt build/cfg.lex.c ]; then
	flex -o build/cfg.lex.c cfg.lex || exit 1
fi
pass=0; fail=0
for f in test/fuzz/fuzz_*.c; do
	name=$(basename "$f" .c)
	srcs=$(sed -n 's/.*FUZZ_SOURCES: *\(.*\)\*\/.*/\1/p;s/.*FUZZ_SOURCES: *\([^*]*\)$/\1/p' "$f" | head -n 1)
	if ! $CC -g -O1 -std=gnu11 -D_GNU_SOURCE -DNAME=\"kamailio\" -DVERSION=\"test\" -fsanitize=address,undefined \
		-fno-sanitize-recover=undefined -I. -Ibuild -o "$out/$name" \
		test/fuzz/replay_main.c "$f" $srcs; then
		echo "FAIL $name: build"; fail=$((fail + 1)); continue
	fi
	corpus=test/fuzz/corpus/${name#fuzz_}
	if [ ! -d "$corpus" ]; then
		echo "FAIL $name: no corpus in $corpus"; fail=$((fail + 1)); continue
	fi
	if "$out/$name" "$corpus"/* > "$out/$name.log" 2>&1; then
		pass=$((pass + 1)); echo "ok   $name ($(ls "$corpus" | wc -l) inputs)"
	else
		fail=$((fail + 1)); echo "FAIL $name"; tail -n 20 "$out/$name.log"
	fi
done
echo "fuzz-replay: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
