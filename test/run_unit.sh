#!/bin/sh
# Runs every unit test binary given and prints the total.
LSAN_OPTIONS="suppressions=$(dirname "$0")/unit/lsan.supp:print_suppressions=0"; export LSAN_OPTIONS
pass=0; fail=0; bad=""
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$line" ]; then
		printf '%s\n' "$out"
		echo "$t: crashed or printed no summary (exit $rc)"
		fail=$((fail + 1)); bad="$bad $t"; continue
	fi
	p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
	pass=$((pass + p)); fail=$((fail + f))
	if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
		printf '%s\n' "$out" | grep -v '^[0-9]* passed'
		bad="$bad $t"
	fi
	echo "unit $(basename "$t"): $line"
done
echo "unit: $pass passed, $fail failed"
[ -z "$bad" ]
