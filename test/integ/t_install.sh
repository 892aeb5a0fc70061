# make install DESTDIR=... PREFIX=/usr/local lays out the 1.x tree
# (doc/install.md): binary, modules, kamctl and kamdbctl with their
# paths substituted, schema files, configs, unit, logrotate file, docs
# and man pages.  The installed binary checks the installed config (with
# certificates made by the installed kamctl), the installed scripts find
# their files, every man page renders without a warning, a second
# install keeps an edited config, and systemd-analyze verifies the unit
# (when it is there).  Uses the tree's build as it is: the same flavour
# and PREFIX, so nothing is rebuilt.
. "$TOP/test/integ/lib.sh"
case $(cat "$TOP/.last-build" 2>/dev/null) in
build) flavour= ;;
build-tls) flavour=1 ;;
*) skip "the tree's last build is not the plain or the TLS one" ;;
esac
R=$TMPD/root
P=$R/usr/local
inst() {
	TLS=$flavour make -C "$TOP" install DESTDIR="$R" PREFIX=/usr/local \
		> "$TMPD/install.log" 2>&1 || { tail -20 "$TMPD/install.log"; fail "make install failed"; }
}
inst
grep -q -e '^cc ' -e ' -c -o ' "$TMPD/install.log" &&
	fail "make install rebuilt objects of the tree (it must use the build as it is)"

for f in sbin/kamailio sbin/kamctl sbin/kamdbctl; do
	[ -x "$P/$f" ] || fail "no executable $f"
done
for f in etc/kamailio/kamailio.cfg etc/kamailio/kamailio.cfg.sample \
    etc/kamailio/kamctlrc etc/default/kamailio etc/logrotate.d/kamailio \
    lib/kamailio/kamctl/kamctl.db lib/systemd/system/kamailio.service \
    share/man/man8/kamailio.8 share/man/man8/kamctl.8 \
    share/man/man8/kamdbctl.8 share/man/man5/kamailio.cfg.5 \
    share/doc/kamailio/README.md share/doc/kamailio/install.md \
    share/doc/kamailio/params.md share/doc/kamailio/examples/example_1_1.cfg; do
	[ -f "$P/$f" ] || fail "$f is not installed"
done
for e in sqlite mysql postgres; do
	for g in standard auth_db usrloc uri_db; do
		[ -f "$P/share/kamailio/$e/$g-create.sql" ] ||
			fail "share/kamailio/$e/$g-create.sql is not installed"
	done
done
for so in "$TOP"/modules/*/*.so; do
	[ -f "$P/lib/kamailio/modules/$(basename "$so")" ] ||
		fail "module $(basename "$so") is not installed"
done
if [ -n "$flavour" ]; then
	cmp -s "$TOP/etc/kamailio.cfg" "$P/etc/kamailio/kamailio.cfg" ||
		fail "a TLS build must install etc/kamailio.cfg"
else
	cmp -s "$TOP/etc/kamailio-notls.cfg" "$P/etc/kamailio/kamailio.cfg" ||
		fail "a plain build must install etc/kamailio-notls.cfg"
fi
left=$(grep -l '@[A-Z]*@' "$P"/sbin/kamctl "$P"/sbin/kamdbctl \
    "$P"/lib/systemd/system/kamailio.service "$P"/etc/logrotate.d/kamailio \
    "$P"/etc/default/kamailio)
[ -z "$left" ] || fail "placeholders left in: $left"
grep -q '^CFGDIR="/usr/local/etc/kamailio"$' "$P/sbin/kamctl" || fail "kamctl's CFGDIR is not substituted"
grep -q '^SCHEMADIR="/usr/local/share/kamailio"$' "$P/sbin/kamdbctl" || fail "kamdbctl's SCHEMADIR is not substituted"
note "layout as expected"

# The unit: forking with a pid file, the kamailio user, restarts, a check
unit=$P/lib/systemd/system/kamailio.service
for l in 'Type=forking' 'User=kamailio' 'RuntimeDirectory=kamailio' \
    'PIDFile=/run/kamailio/kamailio.pid' 'Restart=on-failure' \
    'ExecStartPre=/usr/local/sbin/kamailio -c -f ${CFGFILE} -m ${SHM_MEMORY}' \
    'ExecStart=/usr/local/sbin/kamailio -P /run/kamailio/kamailio.pid -f ${CFGFILE} -m ${SHM_MEMORY} $EXTRA_OPTIONS' \
    'Environment=CFGFILE=/usr/local/etc/kamailio/kamailio.cfg SHM_MEMORY=64 EXTRA_OPTIONS=' \
    'EnvironmentFile=-/usr/local/etc/default/kamailio'; do
	grep -qxF "$l" "$unit" || fail "the unit lacks the line $l"
done
if command -v systemd-analyze > /dev/null 2>&1; then
	# the unit as installed, but with the binary where DESTDIR put it;
	# Documentation= must name the installed pages
	mkdir -p "$TMPD/unit"
	sed "s|/usr/local/sbin/|$P/sbin/|g" "$unit" > "$TMPD/unit/kamailio.service"
	MANPATH=$P/share/man systemd-analyze verify "$TMPD/unit/kamailio.service" > "$TMPD/verify.log" 2>&1 ||
		{ cat "$TMPD/verify.log"; fail "systemd-analyze verify failed"; }
	[ -s "$TMPD/verify.log" ] && { cat "$TMPD/verify.log"; fail "systemd-analyze verify warns"; }
	note "systemd-analyze verify: clean"
else
	note "no systemd-analyze: the unit is not verified"
fi
grep -q '^/var/log/kamailio.log {' "$P/etc/logrotate.d/kamailio" || fail "logrotate file names no log"
if command -v logrotate > /dev/null 2>&1; then
	# the installed file, pointed at a scratch log, rotates it
	mkdir -p "$TMPD/log"
	echo "a line" > "$TMPD/log/kamailio.log"
	sed "s|^/var/log/kamailio.log|$TMPD/log/kamailio.log|" \
		"$P/etc/logrotate.d/kamailio" > "$TMPD/lr.conf"
	logrotate -f -s "$TMPD/lr.state" "$TMPD/lr.conf" > "$TMPD/lr.log" 2>&1 ||
		{ cat "$TMPD/lr.log"; fail "logrotate rejects the installed file"; }
	[ -s "$TMPD/log/kamailio.log.1" ] || { cat "$TMPD/lr.log"; fail "logrotate did not rotate the log"; }
	note "logrotate rotates with the installed file"
fi

# The installed scripts find their files (relocated: the substituted
# directories do not exist on this machine, so they look beside sbin/).
export KAMCTLRC=/dev/null
if [ -n "$flavour" ]; then
	"$P/sbin/kamctl" tls rootCA --no-passphrase > "$TMPD/ca.log" 2>&1 ||
		{ cat "$TMPD/ca.log"; fail "installed kamctl tls rootCA"; }
	[ -f "$P/etc/kamailio/tls/cacert.pem" ] || fail "kamctl tls rootCA: not in the installed etc/kamailio/tls"
	"$P/sbin/kamctl" tls userCERT --no-passphrase --san "DNS:localhost,IP:127.0.0.1" \
		proxy > "$TMPD/cert.log" 2>&1 || { cat "$TMPD/cert.log"; fail "installed kamctl tls userCERT"; }
fi
(cd "$TMPD" && "$P/sbin/kamailio" -c -f "$P/etc/kamailio/kamailio.cfg") > "$TMPD/check.log" 2>&1 ||
	{ cat "$TMPD/check.log"; fail "the installed binary rejects the installed config"; }
grep -q "config file ok" "$TMPD/check.log" || fail "no 'config file ok' from -c"
"$P/sbin/kamailio" --dump-params | grep -q '^### tm$' ||
	fail "the installed binary does not find the installed modules"
"$P/sbin/kamdbctl" help > "$TMPD/dbhelp.log" 2>&1 || fail "installed kamdbctl help"
grep -qF "schema files in $P/share/kamailio/sqlite" "$TMPD/dbhelp.log" ||
	{ cat "$TMPD/dbhelp.log"; fail "installed kamdbctl does not find the schema files"; }
if command -v sqlite3 > /dev/null 2>&1; then
	export DB_PATH="$TMPD/kamailio.db"
	"$P/sbin/kamdbctl" create > "$TMPD/create.log" 2>&1 ||
		{ cat "$TMPD/create.log"; fail "installed kamdbctl create"; }
	echo secret | "$P/sbin/kamctl" add alice@example.com > "$TMPD/add.log" 2>&1 ||
		{ cat "$TMPD/add.log"; fail "installed kamctl add (kamctl.db)"; }
	"$P/sbin/kamctl" showdb | grep -q alice || fail "installed kamctl showdb"
	unset DB_PATH
fi
note "installed binary and scripts work"

# Man pages render without warnings
for m in "$P"/share/man/man8/*.8 "$P"/share/man/man5/*.5; do
	if command -v man > /dev/null 2>&1; then
		MANWIDTH=80 man --warnings -l "$m" > "$TMPD/man.out" 2> "$TMPD/man.err" ||
			{ cat "$TMPD/man.err"; fail "man -l $m failed"; }
	elif command -v groff > /dev/null 2>&1; then
		groff -man -ww -Tutf8 "$m" > "$TMPD/man.out" 2> "$TMPD/man.err" ||
			{ cat "$TMPD/man.err"; fail "groff $m failed"; }
	else
		note "neither man nor groff: pages not rendered"; break
	fi
	[ -s "$TMPD/man.err" ] && { cat "$TMPD/man.err"; fail "warnings rendering $m"; }
	[ -s "$TMPD/man.out" ] || fail "$m renders empty"
done
note "man pages render cleanly"

# kamctl(8) and kamdbctl(8) document every command of the tools' usage
# text (the leading lower-case words of each usage line: "tls rootCA",
# "ul show", "passwd", ...)
if command -v man > /dev/null 2>&1; then
	for t in kamctl kamdbctl; do
		MANWIDTH=200 man -l "$P/share/man/man8/$t.8" 2> /dev/null > "$TMPD/$t.txt"
		KAMCTLRC=/dev/null "$TOP/scripts/$t" help | grep -E '^  [a-z]' |
			sed -E 's/^  //; s/ {2,}.*$//' | awk '{ o = ""
				for (i = 1; i <= NF && $i ~ /^[a-z][A-Za-z]*$/; i++)
					o = o (o == "" ? "" : " ") $i
				print o }' > "$TMPD/$t.verbs"
		[ "$(wc -l < "$TMPD/$t.verbs")" -ge 8 ] || fail "$t help: too few commands found"
		while read -r v; do
			grep -qE "^ +$v( |\$)" "$TMPD/$t.txt" || fail "$t.8 does not document '$t $v'"
		done < "$TMPD/$t.verbs"
	done
	note "kamctl.8 and kamdbctl.8 document every command of the usage texts"
fi

# A second install keeps an edited config and rewrites the sample
echo "# edited" >> "$P/etc/kamailio/kamailio.cfg"
echo "# edited" >> "$P/etc/kamailio/kamailio.cfg.sample"
inst
tail -n 1 "$P/etc/kamailio/kamailio.cfg" | grep -q '^# edited$' || fail "make install replaced an edited kamailio.cfg"
tail -n 1 "$P/etc/kamailio/kamailio.cfg.sample" | grep -q '^# edited$' && fail "make install did not rewrite kamailio.cfg.sample"
note "reinstall keeps the config"
