#!/bin/sh
# Config golden tests: every test/cfg/good/*.cfg must parse (and its
# printed routes must parse again to the same text); every
# test/cfg/bad/NAME.cfg must fail with exactly the lines in NAME.err
# (file names shown relative to the repo root).  bad/notls_*.cfg are
# checked with a build without TLS support, everything else with one with
# it.  Uses test/cfg/cfgcheck.c until "kamailio -c" replaces it.
#
# Usage: run.sh CFGCHECK_TLS CFGCHECK_NOTLS (the two checkers that
# `make cfgtest` builds, see test/cfg/cfg.mk); scratch files go next to
# them.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
if [ $# -ne 2 ] || [ ! -x "$1" ] || [ ! -x "$2" ]; then
	echo "usage: $0 CFGCHECK_TLS CFGCHECK_NOTLS (run it as: make cfgtest)" >&2
	exit 2
fi
drv_tls=$1
drv_notls=$2
out=$(dirname "$drv_tls")/run
mkdir -p "$out"
pass=0; fail=0
for f in test/cfg/good/*.cfg; do
	[ -f "$f" ] || continue
	if $drv_tls -p "$f" > $out/p1.cfg 2> $out/err &&
	    $drv_tls -p $out/p1.cfg > $out/p2.cfg 2>> $out/err &&
	    cmp -s $out/p1.cfg $out/p2.cfg; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL $f"; cat $out/err
		diff -u $out/p1.cfg $out/p2.cfg | head -n 20
	fi
done
for f in test/cfg/bad/*.cfg; do
	[ -f "$f" ] || continue
	drv=$drv_tls
	case $(basename "$f") in notls_*) drv=$drv_notls ;; esac
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
