#!/bin/sh
# Builds every test/fuzz/fuzz_*.c with clang's libFuzzer and runs each for
# $1 seconds (default 20) over its corpus in test/fuzz/corpus/<name>/.
# A target names the sources it needs on a line "FUZZ_SOURCES: a.c b/*.c".
set -e
secs=${1:-20}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
out=$TOP/build/fuzz
mkdir -p "$out"
cd "$TOP"
# The config grammar's generated sources (fuzz_cfg links them).
mkdir -p build
if [ ! -f build/cfg.tab.c ] || [ cfg.y -nt build/cfg.tab.c ]; then
	bison -Wall -d -o build/cfg.tab.c cfg.y || exit 1
fi
if [ ! -f build/cfg.lex.c ] || [ cfg.lex -nt build/cfg.lex.c ]; then
	flex -o build/cfg.lex.c cfg.lex || exit 1
fi
for f in test/fuzz/fuzz_*.c; do
	name=$(basename "$f" .c)
	srcs=$(sed -n 's/.*FUZZ_SOURCES: *\(.*\)\*\/.*/\1/p;s/.*FUZZ_SOURCES: *\([^*]*\)$/\1/p' "$f" | head -n 1)
	echo "== $name: building"
	clang -g -O1 -std=gnu11 -D_GNU_SOURCE -DNAME=\"kamailio\" -DVERSION=\"test\" -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -I. -Ibuild -o "$out/$name" "$f" $srcs
	mkdir -p "$out/$name.work"
	corpus=test/fuzz/corpus/${name#fuzz_}
	[ -d "$corpus" ] || corpus=""
	echo "== $name: running ${secs}s"
	"$out/$name" -max_total_time="$secs" -max_len=65536 -timeout=10 \
		"$out/$name.work" $corpus 2>&1 | tail -n 3
done
echo "fuzz: all targets ran without a crash"
