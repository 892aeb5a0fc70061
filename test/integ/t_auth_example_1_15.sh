# The guide's Example 1.15 with its authentication and registrar parts
# real: a REGISTER is challenged (www_challenge with "0", no qop), checked
# with check_to and saved with save("location"); an INVITE from the local
# domain is challenged with 407 (proxy_challenge, "0"), checked with
# check_from, and relayed by lookup("location") + t_relay() to the
# registered phone, which answers; a From cheating attempt is refused with
# the guide's 403 text; an INVITE to an unregistered user gets 404.
. "$TOP/test/integ/lib.sh"
. "$TOP/test/integ/lib_auth.sh"
for m in usrloc registrar tm rr maxfwd textops; do
	[ -f "$TOP/modules/$m/$m.so" ] || skip "modules/$m/$m.so not built"
done
PROXY_PORT=$(free_port)
auth_db_create
cat > "$TMPD/k.cfg" <<CFG
debug=3
fork=yes
log_stderror=yes
check_via=no
dns=no
rev_dns=no
listen=udp:127.0.0.1:$PROXY_PORT
children=2
fifo="$FIFO"
alias=127.0.0.1
loadmodule "sl"
loadmodule "rr"
loadmodule "maxfwd"
loadmodule "db_sqlite"
loadmodule "usrloc"
loadmodule "registrar"
loadmodule "tm"
loadmodule "auth"
loadmodule "auth_db"
loadmodule "textops"
loadmodule "uri_db"
modparam("auth_db", "db_url", "sqlite://$DB")
modparam("auth_db", "password_column", "password")
modparam("auth_db", "calculate_ha1", 1)
modparam("registrar", "append_branches", 0)
modparam("rr", "enable_full_lr", 1)
route{
  if (!mf_process_maxfwd_header("10")) {
      sl_send_reply("483","Too Many Hops");
      break;
  };
  if (from_uri==myself) {
      setflag(1);
      if ( (method=="INVITE" || method=="SUBSCRIBE" || method=="MESSAGE")
      &&  !(src_ip==myself) ) {
          if  (!(proxy_authorize( "127.0.0.1", "subscriber" ))) {
              proxy_challenge("127.0.0.1","0"/*no-qop*/);
              break;
          };
          if (!check_from()) {
              log("LOG: From Cheating attempt in INVITE\n");
              sl_send_reply("403",
                  "That is ugly -- use From=id next time (OB)");
              break;
          };
      };
  } else if ( method=="INVITE" && uri!=myself ) {
      sl_send_reply("403", "No relaying");
      break;
  };
  if (!(method=="REGISTER"))
      record_route();
  if (loose_route()) {
      t_relay();
      break;
  };
  if (method=="REGISTER") {
      if (!www_authorize( "127.0.0.1", "subscriber" )) {
          www_challenge( "127.0.0.1" /* realm */,
              "0" /* no qop -- some phones can't deal with it */);
          break;
      };
      if (!check_to()) {
          log("LOG: To Cheating attempt\n");
          sl_send_reply("403", "That is ugly -- use To=id in REGISTERs");
          break;
      };
      if (!save("location")) {
          sl_reply_error();
      };
      break;
  };
  if (!lookup("location")) {
      sl_send_reply("404", "Not Found");
      break;
  };
  if (!t_relay()) {
      sl_reply_error();
  };
}
CFG
start_proxy "$TMPD/k.cfg"
python3 - "$PROXY_PORT" <<'PY' || fail "scenario failed"
import socket, sys, threading
from sipauth import Phone, Reply, check
port = int(sys.argv[1])
alice = Phone(port)
r1, r2 = alice.login()
check(r1.code == 401 and "qop" not in r1.get("www-authenticate"), "REGISTER challenged without qop (the guide's \"0\")", r1)
check(r2.code == 200 and r2.get("contact") and str(alice.lport) in r2.get("contact"),
      "REGISTER with digest saved: 200 with alice's binding", r2)
r1, r2 = Phone(port).login(to_user="bob")
check(r2.code == 403 and "To=id" in r2.first, "check_to: alice registering bob: 403", r2)
check(Phone(port).transact(to_user="bob").code == 401, "bob's REGISTER without credentials: 401")

# alice's phone answers the INVITE that lookup() sends it
got = []
def phone():
    alice.s.settimeout(5)
    try:
        while True:
            d, a = alice.s.recvfrom(65535)
            m = d.decode("latin-1")
            if m.startswith("INVITE"):
                got.append(m)
                hs = [l for l in m.split("\r\n") if l.split(":")[0].lower() in ("via", "from", "to", "call-id", "cseq", "record-route")]
                resp = "SIP/2.0 200 OK\r\n" + "\r\n".join(h + (";tag=al" if h.lower().startswith("to:") else "") for h in hs) + \
                    "\r\nContact: <sip:alice@127.0.0.1:%d>\r\nContent-Length: 0\r\n\r\n" % alice.lport
                alice.s.sendto(resp.encode(), a)
                return
    except socket.timeout:
        pass
t = threading.Thread(target=phone); t.start()
# from 127.0.0.2: the guide does not challenge requests from its own
# address (src_ip==myself)
bob = Phone(port, user="bob", password="b0b-pw", local_ip="127.0.0.2")
r1, r2 = bob.login("INVITE", "sip:alice@127.0.0.1", to_user="alice")
t.join()
check(r1.code == 407 and "qop" not in r1.get("proxy-authenticate"), "bob's INVITE: 407 without qop", r1)
check(len(got) == 1 and got[0].startswith("INVITE sip:alice@127.0.0.1:%d" % alice.lport),
      "the INVITE reached alice's registered contact (lookup + t_relay)", got[0] if got else "nothing")
check(r2 is not None and r2.code == 200, "alice's 200 came back to bob", r2)
r1, r2 = Phone(port, user="bob", password="b0b-pw", local_ip="127.0.0.2").login(
    "INVITE", "sip:alice@127.0.0.1", to_user="alice", from_user="alice")
check(r2.code == 403 and "From=id next time" in r2.first, "check_from: bob as alice: the guide's 403", r2)
r1, r2 = Phone(port, user="bob", password="b0b-pw", local_ip="127.0.0.2").login(
    "INVITE", "sip:carol@127.0.0.1", to_user="carol")
check(r2.code == 404, "INVITE to an unregistered user: 404", r2)
PY
proxy_alive || fail "proxy died"
grep -q "LOG: From Cheating attempt in INVITE" "$TMPD/proxy.log" || fail "no From cheating log line"
grep -q "LOG: To Cheating attempt" "$TMPD/proxy.log" || fail "no To cheating log line"
assert_clean_log "Cheating attempt"
