# test/cfg/cfg.mk: the config golden tests (included by the Makefile).
#
# test/cfg/cfgcheck.c stands in for "kamailio -c" and links this flavour's
# libcore.a and libparse.a, so it parses with exactly the objects the proxy
# is built from.  It is built twice: cfgcheck-tls (with USE_TLS, so it sets
# cfg_tls_compiled) and cfgcheck-notls (for bad/notls_*.cfg).  The config
# code itself has no #ifdef USE_TLS (a TLS build differs only in that flag),
# so both come from this flavour's objects: `make cfgtest` never builds
# the other flavour (which would also leave its objects built without the
# WERROR=1 that CI's build step of that flavour asks for).
CFGCHECK = $(B)/test/cfg/cfgcheck-tls $(B)/test/cfg/cfgcheck-notls

$(B)/test/cfg/cfgcheck-tls.o: test/cfg/cfgcheck.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DUSE_TLS -MMD -MP -c -o $@ $<

$(B)/test/cfg/cfgcheck-notls.o: test/cfg/cfgcheck.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -UUSE_TLS -MMD -MP -c -o $@ $<

$(CFGCHECK): %: %.o $(B)/libcore.a $(B)/libparse.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

cfgtest: all $(CFGCHECK)
	@sh test/cfg/run.sh $(CFGCHECK)
