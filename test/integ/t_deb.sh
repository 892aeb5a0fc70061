# The Debian package (debian/, doc/install.md): dpkg-buildpackage -us -uc
# -b builds kamailio-tls-proxy from a copy of the tree; its contents are
# the -tls layout, nothing in it is a path of Debian's kamailio package,
# the maintainer scripts parse, and the extracted binary checks the
# packaged config.  Then, where unshare(1) can make mount, network and
# pid namespaces (root), a real install: dpkg -i in a namespace whose
# /etc, /usr and /var are overlays on tmpfs (this machine is untouched;
# everything goes when the namespace ends) and whose network is its own
# loopback; postinst makes the kamailio user (the namespace drops the one
# Debian's kamailio made) and a CA; the service is started as its systemd unit says (user,
# runtime directory, environment, ExecStartPre, ExecStart, PIDFile) on
# the packaged default config, unchanged (UDP 5060, TLS 5061 on every
# address of the namespace), and must answer OPTIONS over UDP and over
# TLS; then it is stopped, and the package removed and purged.
# Skipped only when dpkg-buildpackage is absent.  `make deb-test` runs
# this test alone.
. "$TOP/test/integ/lib.sh"
PKG=kamailio-tls-proxy

# ------------------------------------------------------------ namespace
# Run as: unshare ... sh t_deb.sh --ns DEB (TOP, TMPD in the environment)
ns_install() {
	deb=$1
	NSD=$TMPD/ns
	mkdir -p "$NSD"
	mount -t tmpfs tmpfs "$NSD" || fail "cannot mount a tmpfs"
	for d in etc usr var; do
		mkdir -p "$NSD/$d.u" "$NSD/$d.w"
		mount -t overlay overlay \
			-o "lowerdir=/$d,upperdir=$NSD/$d.u,workdir=$NSD/$d.w" "/$d" ||
			fail "cannot overlay /$d"
	done
	mount -t tmpfs tmpfs /run || fail "cannot mount /run"
	ip link set lo up || fail "cannot bring up lo"
	peer=false
	if dpkg-query -W -f='${Status}' kamailio 2>/dev/null | grep -q "ok installed"; then
		peer=true
		dpkg --verify kamailio > "$TMPD/peer.before" 2>&1
	fi
	# postinst must make the user: drop the one Debian's kamailio made
	# (only in the namespace's /etc)
	if getent passwd kamailio > /dev/null; then
		userdel kamailio > /dev/null 2>&1 || fail "cannot drop the kamailio user"
	fi
	if getent group kamailio > /dev/null; then
		groupdel kamailio > /dev/null 2>&1 || fail "cannot drop the kamailio group"
	fi
	dpkg -i "$deb" > "$TMPD/dpkg-i.log" 2>&1 ||
		{ cat "$TMPD/dpkg-i.log"; fail "dpkg -i failed"; }
	note "dpkg -i: installed (Debian's kamailio installed beside it: $peer)"
	if $peer; then
		dpkg --verify kamailio > "$TMPD/peer.after" 2>&1
		cmp -s "$TMPD/peer.before" "$TMPD/peer.after" ||
			fail "installing $PKG changed files of Debian's kamailio package"
	fi
	getent passwd kamailio > /dev/null || fail "postinst made no kamailio user"
	getent passwd kamailio | grep -q ':/usr/sbin/nologin$' || fail "the kamailio user has a login shell"
	getent group kamailio > /dev/null || fail "postinst made no kamailio group"
	etc=/etc/kamailio-tls
	for f in cacert.pem proxy/cert.pem proxy/privkey.pem proxy/calist.pem; do
		[ -f "$etc/tls/$f" ] || fail "postinst made no $etc/tls/$f"
	done
	[ "$(stat -c '%U:%G %a' "$etc/tls/proxy/privkey.pem")" = "root:kamailio 640" ] ||
		fail "proxy key is $(stat -c '%U:%G %a' "$etc/tls/proxy/privkey.pem"), not root:kamailio 640"

	# start it as the unit says
	unit=/lib/systemd/system/kamailio-tls.service
	[ -f "$unit" ] || fail "no $unit"
	key() { sed -n "s/^$1=//p" "$unit"; }
	[ "$(key Type)" = forking ] || fail "the unit is not Type=forking"
	user=$(key User); group=$(key Group); rtdir=/run/$(key RuntimeDirectory)
	pidfile=$(key PIDFile)
	for kv in $(key Environment); do export "${kv?}"; done
	envf=$(key EnvironmentFile); envf=${envf#-}
	[ -r "$envf" ] && . "$envf"
	install -d -o "$user" -g "$group" -m "$(key RuntimeDirectoryMode)" "$rtdir"
	run_as() { eval "setpriv --reuid=$user --regid=$group --init-groups $1"; }
	run_as "$(key ExecStartPre)" > "$TMPD/pre.log" 2>&1 ||
		{ cat "$TMPD/pre.log"; fail "ExecStartPre (config check) failed"; }
	run_as "$(key ExecStart)" > "$TMPD/start.log" 2>&1 ||
		{ cat "$TMPD/start.log"; fail "ExecStart failed (exit $?)"; }
	# Type=forking: the started command exits once the daemon is up,
	# with the pid file written
	[ -s "$pidfile" ] || { cat "$TMPD/start.log"; fail "no pid file $pidfile when ExecStart returned"; }
	pid=$(cat "$pidfile")
	PIDS="$PIDS $pid"
	kill -0 "$pid" 2>/dev/null || fail "the pid file's process $pid is not running"
	[ "$(ps -o user= -p "$pid" | tr -d ' ')" = "$user" ] || fail "the proxy does not run as $user"
	note "service started: pid $pid as $user, $pidfile"
	python3 - "$etc/tls/cacert.pem" <<'PY' || fail "smoke test failed"
import socket, ssl, sys, time
def opt(proto, lport, n):
    return ("OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/%s 127.0.0.1:%d;branch=z9hG4bKdeb%d\r\n"
            "Max-Forwards: 70\r\nFrom: <sip:t@test.invalid>;tag=%d\r\nTo: <sip:127.0.0.1>\r\n"
            "Call-ID: deb%d@test\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
            % (proto, lport, n, n, n)).encode()
deadline = time.time() + 20
ok = False
while time.time() < deadline and not ok:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(1)
    s.bind(("127.0.0.1", 0))
    s.sendto(opt("UDP", s.getsockname()[1], 1), ("127.0.0.1", 5060))
    try:
        r = s.recv(65535).decode("latin-1")
        ok = r.startswith("SIP/2.0 200")
        if not ok:
            sys.exit("UDP: unexpected reply: " + r[:200])
    except socket.timeout:
        pass
    s.close()
if not ok:
    sys.exit("UDP 5060: no answer to OPTIONS")
print("-- UDP 5060: 200 to OPTIONS")
ctx = ssl.create_default_context(cafile=sys.argv[1])
raw = socket.create_connection(("127.0.0.1", 5061), timeout=10)
t = ctx.wrap_socket(raw, server_hostname="localhost")
print("-- TLS 5061: handshake", t.version(), "certificate verified by the packaged CA")
t.sendall(opt("TLS", t.getsockname()[1], 2))
data = b""
while b"\r\n\r\n" not in data:
    c = t.recv(4096)
    if not c:
        break
    data += c
if not data.startswith(b"SIP/2.0 200"):
    sys.exit("TLS: unexpected reply: %r" % data[:200])
print("-- TLS 5061: 200 to OPTIONS")
PY
	kill "$pid"
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	kill -0 "$pid" 2>/dev/null && fail "the proxy did not stop on SIGTERM"
	[ -e "$pidfile" ] && fail "the pid file stayed after the stop"
	note "service stopped, pid file removed"

	dpkg -r "$PKG" > "$TMPD/dpkg-r.log" 2>&1 || { cat "$TMPD/dpkg-r.log"; fail "dpkg -r failed"; }
	[ -e /usr/sbin/kamailio-tls ] && fail "dpkg -r left /usr/sbin/kamailio-tls"
	[ -f "$etc/kamailio.cfg" ] || fail "dpkg -r removed the conffile kamailio.cfg"
	dpkg -P "$PKG" > "$TMPD/dpkg-p.log" 2>&1 || { cat "$TMPD/dpkg-p.log"; fail "dpkg -P failed"; }
	[ -e "$etc" ] && fail "dpkg -P left $etc"
	if $peer; then
		dpkg --verify kamailio > "$TMPD/peer.after" 2>&1
		cmp -s "$TMPD/peer.before" "$TMPD/peer.after" ||
			fail "removing $PKG changed files of Debian's kamailio package"
	fi
	note "removed and purged"
}

if [ "${1:-}" = --ns ]; then
	ns_install "$2"
	exit 0
fi

# ---------------------------------------------------------------- build
command -v dpkg-buildpackage > /dev/null 2>&1 || skip "dpkg-buildpackage is not installed"
SRC=$TMPD/src
mkdir -p "$SRC"
(cd "$TOP" && tar -cf - --exclude=./.git --exclude='./build*' \
    --exclude=./test/integ/tmp --exclude=./kamailio --exclude=./.last-build \
    --exclude='./modules/*/*.so' --exclude=./etc/tls \
    --exclude=./test/db/db_conformance --exclude=./bench/db_bench \
    --exclude="./debian/$PKG" --exclude=./debian/.debhelper .) |
	(cd "$SRC" && tar -xf -) || fail "cannot copy the tree"
start=$(date +%s)
# nothing of an outer make or test run may reach the package's build
(cd "$SRC" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u TLS -u SAN \
    -u CFLAGS -u LDFLAGS -u WERROR -u PREFIX -u SYSCONFDIR -u DESTDIR \
    -u SUFFIX DEB_BUILD_OPTIONS=parallel=2 \
    timeout 420 dpkg-buildpackage -us -uc -b) > "$TMPD/build.log" 2>&1 ||
	{ tail -30 "$TMPD/build.log"; fail "dpkg-buildpackage failed"; }
secs=$(($(date +%s) - start))
[ $secs -lt 300 ] || fail "the package took ${secs}s to build (must be well under 300)"
arch=$(dpkg --print-architecture)
deb=$(ls "$TMPD/${PKG}_"*"_$arch.deb" 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "no ${PKG}_*_$arch.deb"
note "built $(basename "$deb") in ${secs}s"

# -------------------------------------------------------------- contents
dpkg-deb -f "$deb" Package | grep -qx "$PKG" || fail "wrong package name"
dpkg-deb -f "$deb" Depends > "$TMPD/depends"
for d in adduser openssl libssl3 libc-ares2; do
	grep -q "$d" "$TMPD/depends" || fail "Depends lacks $d: $(cat "$TMPD/depends")"
done
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' > "$TMPD/files"
for f in /usr/sbin/kamailio-tls /usr/sbin/kamctl-tls /usr/sbin/kamdbctl-tls \
    /etc/kamailio-tls/kamailio.cfg /etc/kamailio-tls/kamctlrc \
    /etc/default/kamailio-tls /etc/logrotate.d/kamailio-tls \
    /lib/systemd/system/kamailio-tls.service \
    /usr/lib/kamailio-tls/modules/tm.so /usr/lib/kamailio-tls/kamctl/kamctl.db \
    /usr/share/kamailio-tls/sqlite/standard-create.sql \
    /usr/share/man/man8/kamailio-tls.8.gz /usr/share/man/man5/kamailio-tls.cfg.5.gz \
    /usr/share/man/man8/kamctl-tls.8.gz /usr/share/man/man8/kamdbctl-tls.8.gz \
    /usr/share/doc/$PKG/copyright; do
	grep -qxF "$f" "$TMPD/files" || fail "the package lacks $f"
done
for f in /usr/sbin/kamailio /usr/sbin/kamctl /usr/sbin/kamdbctl \
    /etc/kamailio/kamailio.cfg /lib/systemd/system/kamailio.service; do
	grep -qxF "$f" "$TMPD/files" && fail "the package holds $f, a path of Debian's kamailio"
done
if dpkg-query -W -f='${Status}' kamailio 2>/dev/null | grep -q "ok installed"; then
	dpkg-query -L kamailio | sort -u > "$TMPD/peer.files"
	# directories may be shared; files may not
	grep -v '/$' "$TMPD/files" | sort -u | comm -12 - "$TMPD/peer.files" |
		while read -r f; do [ -d "$f" ] || echo "$f"; done > "$TMPD/clash"
	[ -s "$TMPD/clash" ] && { cat "$TMPD/clash"; fail "files shared with Debian's kamailio"; }
fi
mkdir -p "$TMPD/ctl"
dpkg-deb -e "$deb" "$TMPD/ctl"
grep -qx /etc/kamailio-tls/kamailio.cfg "$TMPD/ctl/conffiles" || fail "kamailio.cfg is not a conffile"
for s in postinst postrm prerm; do
	[ -f "$TMPD/ctl/$s" ] || fail "no $s"
	sh -n "$TMPD/ctl/$s" || fail "$s does not parse"
done
grep -q "adduser --quiet --system" "$TMPD/ctl/postinst" || fail "postinst makes no system user"
grep -q "deb-systemd-invoke" "$TMPD/ctl/postinst" || fail "postinst does not start the unit (dh_installsystemd)"
note "contents, conffiles and maintainer scripts as expected"

# ------------------------------------------------- the extracted binary
X=$TMPD/x
dpkg-deb -x "$deb" "$X"
"$X/usr/sbin/kamailio-tls" -V | grep -q "^TLS: compiled in" || fail "the packaged binary has no TLS"
"$X/usr/sbin/kamailio-tls" -h | grep -q "/etc/kamailio-tls/kamailio.cfg" ||
	fail "the packaged binary's default config is not /etc/kamailio-tls/kamailio.cfg"
export KAMCTLRC=/dev/null
"$X/usr/sbin/kamctl-tls" tls rootCA --no-passphrase "$X/etc/kamailio-tls/tls" > "$TMPD/ca.log" 2>&1 ||
	{ cat "$TMPD/ca.log"; fail "packaged kamctl-tls tls rootCA"; }
"$X/usr/sbin/kamctl-tls" tls userCERT --no-passphrase --san "DNS:localhost,IP:127.0.0.1" \
	proxy "$X/etc/kamailio-tls/tls" > "$TMPD/cert.log" 2>&1 ||
	{ cat "$TMPD/cert.log"; fail "packaged kamctl-tls tls userCERT"; }
unset KAMCTLRC
(cd "$TMPD" && "$X/usr/sbin/kamailio-tls" -c -f "$X/etc/kamailio-tls/kamailio.cfg") \
	> "$TMPD/xcheck.log" 2>&1 || { cat "$TMPD/xcheck.log"; fail "the packaged config does not check"; }
note "the extracted binary checks the packaged config"
if command -v systemd-analyze > /dev/null 2>&1; then
	mkdir -p "$TMPD/unit"
	sed "s|/usr/sbin/|$X/usr/sbin/|g" "$X/lib/systemd/system/kamailio-tls.service" \
		> "$TMPD/unit/kamailio-tls.service"
	MANPATH=$X/usr/share/man systemd-analyze verify "$TMPD/unit/kamailio-tls.service" > "$TMPD/verify.log" 2>&1 ||
		{ cat "$TMPD/verify.log"; fail "systemd-analyze verify failed on the packaged unit"; }
	[ -s "$TMPD/verify.log" ] && { cat "$TMPD/verify.log"; fail "systemd-analyze verify warns on the packaged unit"; }
	note "systemd-analyze verify: the packaged unit is clean"
fi

# ---------------------------------------------------- a real install
case $TMPD in
/etc/* | /usr/* | /var/* | /run/*)
	note "scratch dir under /etc, /usr, /var or /run: no namespace install"; exit 0 ;;
esac
if ! unshare --mount --net --pid --fork --mount-proc true 2>/dev/null; then
	note "unshare cannot make namespaces here (not root?): no real install"
	exit 0
fi
command -v setpriv > /dev/null 2>&1 || { note "no setpriv: no real install"; exit 0; }
timeout -k 5 240 unshare --mount --net --pid --fork --mount-proc \
	sh "$TOP/test/integ/t_deb.sh" --ns "$deb" || fail "the install in a namespace failed"
