#!/bin/sh
# install-deps.sh [build|test]: install the Debian 12 packages the proxy
# needs to build ("build") or to build and run every test ("test").
# Does nothing when they are all present already.  (dpkg-dev, debhelper,
# fakeroot: test/integ/t_deb.sh builds the Debian package; man-db and
# groff-base render the man pages and logrotate checks the logrotate file
# in test/integ/t_install.sh.)
set -e
BUILD_PKGS="gcc make flex bison libssl-dev openssl pkg-config libc-ares-dev
	libsqlite3-dev libmariadb-dev libpq-dev"
TEST_PKGS="$BUILD_PKGS clang libclang-rt-14-dev clang-format python3 sip-tester sipsak
	iproute2 procps psmisc kamailio kamailio-tls-modules dnsmasq-base
	testssl.sh sqlite3 mariadb-server mariadb-client postgresql baresip-core
	fail2ban kamailio-sqlite-modules
	build-essential dpkg-dev debhelper fakeroot man-db groff-base util-linux
	logrotate"
case "${1:-build}" in
build) pkgs=$BUILD_PKGS ;;
test) pkgs=$TEST_PKGS ;;
*) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# kamailio's, mariadb-server's, postgresql's and fail2ban's packages
# start a service on install; keep them from doing so: the tests run
# their own servers on loopback.  (dnsmasq-base is the dnsmasq binary
# without the system service: the tests run their own instance on
# loopback.)
if echo "$missing" | grep -q -e kamailio -e dnsmasq -e mariadb-server \
    -e postgresql -e fail2ban &&
    [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod 755 /usr/sbin/policy-rc.d
	trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends $missing
