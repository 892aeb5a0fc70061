#!/bin/sh
# Config golden tests: every test/cfg/good/*.cfg must parse (and its
# printed routes must parse again to the same text); every
# test/cfg/bad/NAME.cfg must fail with exactly the lines in NAME.err
# (file names shown relative to the repo root).  bad/notls_*.cfg are
# checked with a build without TLS support, everything else with one with
# it.  Uses test/cfg/cfgcheck.c until "kamailio -c" replaces it.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
CC=${CC:-cc}
out=build/cfgtest
mkdir -p "$out"
if [ ! -f build/cfg.tab.c ] || [ cfg.y -nt build/cfg.tab.c ]; then
	bison -Wall -d -o build/cfg.tab.c cfg.y || exit 1
fi
if [ ! -f build/cfg.lex.c ] || [ cfg.lex -nt build/cfg.lex.c ]; then
	flex -o build/cfg.lex.c cfg.lex || exit 1
fi
SRC="test/cfg/cfgcheck.c cfg/cfg.c cfg/cfg_param.c cfg/cfg_tls.c cfg/route_struct.c
	build/cfg.tab.c build/cfg.lex.c base/log.c base/err.c mem/pkg.c"
FL="-g -std=gnu11 -D_GNU_SOURCE -DNAME=\"kamailio\" -DVERSION=\"test\" -I. -Ibuild"
$CC $FL -DUSE_TLS -o $out/cfgcheck $SRC || exit 1
$CC $FL -o $out/cfgcheck-notls $SRC || exit 1
pass=0; fail=0
for f in test/cfg/good/*.cfg; do
	[ -f "$f" ] || continue
	if $out/cfgcheck -p "$f" > $out/p1.cfg 2> $out/err &&
	    $out/cfgcheck -p $out/p1.cfg > $out/p2.cfg 2>> $out/err &&
	    cmp -s $out/p1.cfg $out/p2.cfg; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL $f"; cat $out/err
		diff -u $out/p1.cfg $out/p2.cfg | head -n 20
	fi
done
for f in test/cfg/bad/*.cfg; do
	[ -f "$f" ] || continue
	drv=$out/cfgcheck
	case $(basename "$f") in notls_*) drv=$out/cfgcheck-notls ;; esac
	if $drv "$f" > /dev/null 2> $out/err; then
		fail=$((fail + 1)); echo "FAIL $f: parsed without error"
		continue
	fi
	grep -v ' error(s)$' $out/err > $out/got
	if cmp -s "${f%.cfg}.err" $out/got; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL $f"
		diff -u "${f%.cfg}.err" $out/got
	fi
done
echo "cfg: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
