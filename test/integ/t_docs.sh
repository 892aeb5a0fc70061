# The generated reference pages (doc/params.md, doc/functions.md,
# doc/fifo-commands.md) match what the tables in the code print: a
# parameter, function or FIFO command added, removed or changed without
# `make docs` fails here.  Also: the dumps run without a config, list
# the TLS tables in every build, and list every module of the tree.
. "$TOP/test/integ/lib.sh"
sh "$TOP/scripts/gen-docs" --check "$KAMAILIO" || fail "a generated page in doc/ is stale: run \`make docs\`"
"$KAMAILIO" -h | grep -q -- "--dump-params" || fail "-h does not mention --dump-params"
"$KAMAILIO" --dump-params > "$TMPD/p.md" || fail "--dump-params failed"
for p in debug log_facility tls_method tls_verify_depth server_name; do
	grep -q "^| \`$p\` |" "$TMPD/p.md" || fail "--dump-params has no row for $p"
done
for m in "$TOP"/modules/*/*.so; do
	name=$(basename "$m" .so)
	grep -q "^### $name\$" "$TMPD/p.md" || fail "--dump-params does not list module $name"
done
"$KAMAILIO" --dump-functions | grep -q "^| \`forward_tls\` | 2 |" || fail "--dump-functions lacks forward_tls"
"$KAMAILIO" --dump-fifo | grep -q "^| \`tls_reload\` |" || fail "--dump-fifo lacks tls_reload"
"$KAMAILIO" --dump-nothing > /dev/null 2>&1; [ $? -eq 2 ] || fail "an unknown long option must exit 2"
note "the reference pages are up to date"
