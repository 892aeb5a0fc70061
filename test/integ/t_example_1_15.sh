# The guide's Example 1.15 routing logic, with the pieces that need tm,
# auth, registrar and TLS replaced by stateless equivalents: foreign
# INVITEs get 403, Max-Forwards 0 gets 483, prefix routing strips and
# rewrites, and INVITEs from our own domain get the Alert-Info headers of
# the guide's trusted-call scenario, received by a UAS sink.
. "$TOP/test/integ/lib.sh"
PROXY_PORT=$(free_port)
SINK_PORT=$(free_port)
cat > "$TMPD/k.cfg" <<CFG
# ----------- global configuration parameters ------------------------
debug=3
fork=yes
log_stderror=yes

check_via=no
dns=no
rev_dns=no
listen=udp:127.0.0.1:$PROXY_PORT
port=5060
children=4

alias=domA.net

# ------------------ module loading ----------------------------------
loadmodule "modules/sl/sl.so"
loadmodule "modules/rr/rr.so"
loadmodule "modules/maxfwd/maxfwd.so"
loadmodule "modules/textops/textops.so"

# -- rr params --
# add value to ;lr param to make some broken UAs happy
modparam("rr", "enable_full_lr", 1)

route{

  # initial sanity checks
  if (!mf_process_maxfwd_header("10")) {
      sl_send_reply("483","Too Many Hops");
      break;
  };

  if (from_uri==myself) {
      setflag(1);
  } else if ( method=="INVITE" && uri!=myself ) {
      sl_send_reply("403", "No relaying");
      break;
  };

  /* ********   do record-route and loose-route ******* */
  if (!(method=="REGISTER"))
      record_route();

  if (loose_route()) {
      append_hf("P-hint: rr-enforced\r\n");
      route(1);
      break;
  };

  /* ******* check for requests targeted out of our domain ******* */
  if ( uri!=myself ) {
      append_hf("P-hint: OUTBOUND\r\n");
      if (uri=~".*@domB.net") {
          forward_udp("127.0.0.1","$SINK_PORT");
      } else {
          route(1);
      };
      break;
  };

  /* ******* divert to other domain according to prefixes ******* */
  if (method!="REGISTER") {
      if ( uri=~"sip:201") {
          strip(3);
          sethost("domB.net");
          forward_udp("127.0.0.1","$SINK_PORT");
          break;
      };
  };

  # (lookup("location") stands in as a rewrite to the local UAS)
  rewritehostport("127.0.0.1:$SINK_PORT");

  # remove all present Alert-info headers
  remove_hf("Alert-Info");

  if (method=="INVITE" && (proto==tls || isflagset(1))) {
      append_hf("Alert-info: 1\r\n");                     # cisco 7960
      append_hf("Alert-info: Bellcore-dr4\r\n");          # cisco ATA
      append_hf("Alert-info: http://foo.bar/x.wav\r\n");  # snom
  };

  # do forwarding
  if (!forward()) {
      sl_reply_error();
  };

  #end of script
}

route[1] {
  forward();
}
CFG
start_proxy "$TMPD/k.cfg"
python3 - "$PROXY_PORT" "$SINK_PORT" <<'PY' || fail "scenario failed"
import socket, sys
proxy, sinkp = int(sys.argv[1]), int(sys.argv[2])
sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sink.bind(("127.0.0.1", sinkp)); sink.settimeout(3)
ua = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ua.bind(("127.0.0.1", 0)); ua.settimeout(3)
lport = ua.getsockname()[1]
n = 0
def req(ruri, frm, extra="", maxf=70, method="INVITE"):
    global n; n += 1
    return ("%s %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%d\r\n"
            "Max-Forwards: %d\r\nFrom: <%s>;tag=%d\r\nTo: <%s>\r\nCall-ID: c%d@t\r\n"
            "CSeq: 1 %s\r\n%sContent-Length: 0\r\n\r\n" %
            (method, ruri, lport, n, maxf, frm, n, ruri, n, method, extra)).encode()
def reply():
    return ua.recv(65535).decode()
def sunk():
    return sink.recv(65535).decode()
def check(cond, what, got):
    if not cond:
        print("FAIL:", what); print(got); sys.exit(1)
    print("ok:", what)
ua.sendto(req("sip:bob@elsewhere.org", "sip:eve@evil.org"), ("127.0.0.1", proxy))
r = reply(); check(r.startswith("SIP/2.0 403 No relaying"), "foreign INVITE gets 403", r)
ua.sendto(req("sip:bob@domA.net", "sip:al@domA.net", maxf=0), ("127.0.0.1", proxy))
r = reply(); check(r.startswith("SIP/2.0 483 Too Many Hops"), "Max-Forwards 0 gets 483", r)
ua.sendto(req("sip:bob@domA.net", "sip:al@domA.net", "Alert-Info: forged\r\n"), ("127.0.0.1", proxy))
m = sunk()
check(m.startswith("INVITE sip:bob@127.0.0.1:%d SIP/2.0" % sinkp), "local INVITE relayed to the UAS", m)
check(m.count("Alert-info:") == 3 and "forged" not in m, "trusted INVITE carries the 3 Alert-Info headers, forged one removed", m)
check("Record-Route: <sip:127.0.0.1:%d;ftag=" % proxy in m and ";lr=on>" in m, "Record-Route with lr=on", m)
check("Max-Forwards: 69" in m, "Max-Forwards decremented", m)
vias = [l for l in m.split("\r\n") if l.lower().startswith("via:")]
check(len(vias) == 2 and "branch=z9hG4bK" in vias[0], "our Via on top with an RFC 3261 branch", m)
ua.sendto(req("sip:bob@domA.net", "sip:eve@evil.org", method="MESSAGE"), ("127.0.0.1", proxy))
m = sunk(); check("Alert-info" not in m, "untrusted request has no Alert-Info", m)
ua.sendto(req("sip:201555@domA.net", "sip:al@domA.net"), ("127.0.0.1", proxy))
m = sunk(); check(m.startswith("INVITE sip:555@domB.net SIP/2.0"), "prefix 201 stripped, host set to domB.net", m)
ua.sendto(req("sip:carol@domB.net", "sip:al@domA.net"), ("127.0.0.1", proxy))
m = sunk(); check("P-hint: OUTBOUND" in m and m.startswith("INVITE sip:carol@domB.net"), "outbound request hinted and relayed", m)
# the UAS answers: the reply goes back through the proxy by Via
top = [l for l in m.split("\r\n") if l.lower().startswith("via:")]
resp = "SIP/2.0 200 OK\r\n" + "\r\n".join(top) + "\r\nFrom: <sip:al@domA.net>;tag=x\r\nTo: <sip:carol@domB.net>;tag=y\r\nCall-ID: c%d@t\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n" % n
sink.sendto(resp.encode(), ("127.0.0.1", proxy))
r = reply(); check(r.startswith("SIP/2.0 200 OK") and r.count("Via:") == 1, "reply routed back by Via, our Via removed", r)
# loose routing: our Route entry removed, on to the next (lr) hop
ua.sendto(req("sip:bob@10.9.9.9", "sip:al@domA.net", "Route: <sip:127.0.0.1:%d;lr>, <sip:127.0.0.1:%d;lr>\r\n" % (proxy, sinkp), method="BYE"), ("127.0.0.1", proxy))
m = sunk()
check(m.startswith("BYE sip:bob@10.9.9.9 SIP/2.0") and "Route: <sip:127.0.0.1:%d;lr>" % sinkp in m and "%d;lr>," % proxy not in m and "P-hint: rr-enforced" in m, "loose route: own entry removed, sent to the next hop", m)
# next hop is a strict router: R-URI <- Route, old R-URI appended
ua.sendto(req("sip:bob@10.9.9.9", "sip:al@domA.net", "Route: <sip:127.0.0.1:%d;lr>\r\nRoute: <sip:127.0.0.1:%d>\r\n" % (proxy, sinkp), method="BYE"), ("127.0.0.1", proxy))
m = sunk()
check(m.startswith("BYE sip:127.0.0.1:%d SIP/2.0" % sinkp) and "Route: <sip:bob@10.9.9.9>" in m, "strict next hop: R-URI rewritten, old R-URI appended as Route", m)
# previous hop was a strict router: our R-URI, real target is the last Route
ua.sendto(req("sip:127.0.0.1:%d;lr" % proxy, "sip:al@domA.net", "Route: <sip:bob@127.0.0.1:%d>\r\n" % sinkp, method="BYE"), ("127.0.0.1", proxy))
m = sunk()
check(m.startswith("BYE sip:bob@127.0.0.1:%d SIP/2.0" % sinkp) and "\r\nRoute:" not in m, "previous strict router: R-URI restored from the last Route", m)
PY
proxy_alive || fail "proxy died"
assert_clean_log
