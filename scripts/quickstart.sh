#!/bin/sh
# quickstart.sh: from a fresh clone to a running proxy.
#   installs the build packages, builds with TLS (TLS=1 make all), makes a
#   development CA and a certificate for this host in etc/tls/ if missing
#   (scripts/kamctl tls rootCA / userCERT), checks etc/kamailio.cfg and
#   starts the proxy in the foreground, logging to the terminal (Ctrl-C
#   stops it).  Extra arguments go to kamailio (e.g. -f other.cfg).
set -e
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh build
TLS=1 make -j"$(nproc 2>/dev/null || echo 2)" all
if [ ! -f etc/tls/cacert.pem ] && [ -x scripts/kamctl ]; then
	echo "making a development CA and certificate in etc/tls/"
	KAMCTLRC=/dev/null scripts/kamctl tls rootCA --no-passphrase etc/tls
	KAMCTLRC=/dev/null scripts/kamctl tls userCERT --no-passphrase \
		--san "DNS:localhost,IP:127.0.0.1" proxy etc/tls
fi
cfg=etc/kamailio.cfg
./kamailio -c -f "$cfg"
echo "starting: ./kamailio -DD -E -f $cfg $*"
exec ./kamailio -DD -E -f "$cfg" "$@"
