#!/bin/sh
# run-tests.sh: install what the tests need, build the plain and the TLS
# flavour, and run every test: the layering and formatting checks, unit
# tests (also under ASan+UBSan), config tests, integration tests against
# real peers, and the fuzz corpora.
# Ends with the total as "N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
sh scripts/install-deps.sh test || { echo "installing test packages failed"; exit 1; }
JOBS=${JOBS:-2}
total_p=0; total_f=0; log=build/test-summary.log
mkdir -p build; : > "$log"

step() {
	name=$1; shift
	echo "=== $name"
	"$@" > build/step.log 2>&1
	rc=$?
	cat build/step.log
	# a step's own "N passed, N failed" lines count; a failed step
	# without one counts as one failure
	line=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed' build/step.log | tail -n 1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/.*(^|: )([0-9]+) passed.*/\2/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	else
		p=0; f=0
	fi
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	total_p=$((total_p + p)); total_f=$((total_f + f))
	echo "$name: $p passed, $f failed" >> "$log"
}

# source checks first: they take seconds and need no build
step "layering" sh -c "make check-layers"
step "formatting" sh -c "make format-check"
step "build (plain)" sh -c "make -j$JOBS WERROR=1 all"
step "unit (plain)" sh -c "make -j$JOBS unit"
step "config (plain)" sh -c "make cfgtest"
step "unit (ASan+UBSan)" sh -c "make -j$JOBS SAN=address,undefined unit"
step "build (TLS)" sh -c "TLS=1 make -j$JOBS WERROR=1 all"
step "unit (TLS)" sh -c "TLS=1 make -j$JOBS unit"
step "config (TLS)" sh -c "TLS=1 make cfgtest"
step "integration (TLS build)" sh -c "TLS=1 make integ"
step "fuzz corpora" sh -c "make fuzz-replay"
# the proxy itself under ASan+UBSan, fed malformed input and real peers
SAN_TESTS="t_options t_auth_digest t_example_1_15 t_rfc4475_udp t_tcp_bad t_sipp_tcp t_fifo t_tls_bad t_tls_sclient t_tm_sipp_udp t_tm_cancel"
step "integration (ASan+UBSan build)" sh -c "TLS=1 make -j$JOBS SAN=address,undefined all &&
	ASAN_OPTIONS=detect_leaks=0 sh test/integ/run.sh $(for t in $SAN_TESTS; do printf 'test/integ/%s.sh ' $t; done)"
# leave the normal TLS build in place
TLS=1 make -j$JOBS all > /dev/null 2>&1
echo
echo "=== summary"
cat "$log"
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
