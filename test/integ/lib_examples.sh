# test/integ/lib_examples.sh: fill the placeholders of etc/examples/*.cfg
# the way etc/examples/README.md documents (sourced after lib.sh).

# fill_example IN OUT ROOT IP ALIAS DB: ROOT is where the guide's absolute
# paths (a quoted value after '=') live (/path/x -> ROOT/path/x, /certs/x -> ROOT/certs/x, ...); IP
# the address for _your_serv_IP_ and the guide's listen=...1.2.3.4; ALIAS
# the SIP domain for _DNS_ALIAS_; DB the SQLite file for "sql_url" (the
# guide's mysql module line then loads db_sqlite, the driver of that URL).
# Example 1.15's realms, the quoted "domA.net" of its auth calls, become
# ALIAS too (a no-op for domA.net; domB.net's copy of the example).
fill_example() {
	sed -e "s|\"sql_url\"|\"sqlite://$6\"|" \
	    -e "s|\"domA\\.net\"|\"$5\"|g" \
	    -e 's|"modules/mysql/mysql.so"|"modules/db_sqlite/db_sqlite.so"|' \
	    -e "s|=\\([[:space:]]*\\)\"/|=\\1\"$3/|g" \
	    -e "s|_your_serv_IP_|$4|g" -e "s|_DNS_ALIAS_|$5|g" \
	    -e "/^listen/s|1\\.2\\.3\\.4|$4|" \
	    -e 's|IP_1:port1|127.0.0.1:5061|g' -e 's|IP_2:port2|127.0.0.2:5061|g' \
	    -e 's|IP_3:port3|127.0.0.3:5061|g' "$1" > "$2"
}
