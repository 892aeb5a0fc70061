# The proxy's one Makefile (GNU make, non-recursive).
#
#   make all            ./kamailio and modules/<m>/<m>.so
#   TLS=1 make all      the same with the TLS transport (also: export TLS=1,
#                       or uncomment the TLS=1 line below)
#   make test           unit, config and integration tests
#   make unit           unit tests only;  make SAN=address,undefined unit
#   make fuzz           libFuzzer targets, each for FUZZ_SECONDS (clang)
#   make fuzz-replay    every fuzz corpus through its target (ASan+UBSan)
#   make cfgtest        config golden tests (test/cfg/)
#   make check-layers   include layering (scripts/check-layers) + self-test
#   make format-check   clang-format ratchet (doc/development.md)
#   make docs           regenerate doc/params.md, functions.md, fifo-commands.md
#                       and doc/man/kamailio.cfg.5
#   make install PREFIX=/usr/local [SYSCONFDIR=..] [DESTDIR=..] [SUFFIX=..]
#   make deb-test       build the Debian package and test it (test/integ/t_deb.sh)
#
# TLS must be given to every make command (all, clean, install, test).
#TLS=1

CC ?= cc
PREFIX ?= /usr/local
NAME = kamailio
VERSION = 1.5.0-tls
SAN ?=
FUZZ_SECONDS ?= 20

# Installed layout (the 1.x one; doc/install.md).  SUFFIX renames what
# is installed (kamailio$(SUFFIX), kamctl$(SUFFIX), etc/kamailio$(SUFFIX)/,
# lib/kamailio$(SUFFIX)/, ...), so that a package can sit beside another
# Kamailio; the Debian package uses SUFFIX=-tls.  The paths are compiled
# into the binary (default config, module directory): a change of them
# rebuilds the objects that use them.
SUFFIX ?=
INAME = $(NAME)$(SUFFIX)
SYSCONFDIR ?= $(PREFIX)/etc
BINDIR ?= $(PREFIX)/sbin
LIBDIR = $(PREFIX)/lib/$(INAME)
MODDIR = $(LIBDIR)/modules
CFGDIR = $(SYSCONFDIR)/$(INAME)
SHAREDIR = $(PREFIX)/share/$(INAME)
DOCDIR ?= $(PREFIX)/share/doc/$(INAME)
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
LOGROTATEDIR ?= $(SYSCONFDIR)/logrotate.d
DEFAULTSDIR ?= $(SYSCONFDIR)/default
RUNDIR ?= /run/$(INAME)

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wformat=2 -Wvla -Wimplicit-fallthrough
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 $(WARN) -fno-strict-aliasing -D_GNU_SOURCE \
	-DNAME='"$(NAME)"' -DVERSION='"$(VERSION)"' \
	-DDEFAULT_CFG_DIR='"$(CFGDIR)"' -DDEFAULT_MOD_DIR='"$(MODDIR)"' \
	-DMOD_DIR_REL='"../lib/$(INAME)/modules"'
# SAN=address,undefined: a sanitizer flavour.  SAN=fuzzer,... is the
# libFuzzer flavour (make fuzz, clang only): objects get libFuzzer's
# coverage hooks (fuzzer-no-link); only the fuzz targets link libFuzzer.
ifneq ($(findstring fuzzer,$(SAN)),)
CC = clang
endif
ifneq ($(SAN),)
CFLAGS += -fsanitize=$(subst fuzzer,fuzzer-no-link,$(SAN)) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(subst fuzzer,fuzzer-no-link,$(SAN))
endif
ifeq ($(WERROR),1)
CFLAGS += -Werror
endif
LIBS = -ldl -lpthread -lcrypto -lcares

ifeq ($(TLS),1)
CFLAGS += -DUSE_TLS -DOPENSSL_API_COMPAT=30000 -DOPENSSL_NO_DEPRECATED
LIBS += -lssl
TLS_SRC = $(filter-out tls/tls_stub.c,$(wildcard tls/*.c))
else
# without TLS the layer is a stub: callers need no #ifdef
TLS_SRC = tls/tls_stub.c
endif

# Build outputs go under build/ (or build-tls/), so a TLS and a plain build
# never mix objects.
ifeq ($(TLS),1)
DEFAULT_CFG = etc/kamailio.cfg
else
DEFAULT_CFG = etc/kamailio-notls.cfg
endif
ifeq ($(TLS),1)
B = build-tls
else
B = build
endif
ifneq ($(findstring fuzzer,$(SAN)),)
B := $(B)-fuzz
else ifneq ($(SAN),)
B := $(B)-san
endif

# The objects that compile in the installed paths depend on a stamp that
# changes with them (make install PREFIX=... after make all rebuilds them).
PATHS_NOW = $(CFGDIR) $(MODDIR) $(INAME)
ifneq ($(shell cat $(B)/paths.stamp 2>/dev/null),$(PATHS_NOW))
$(shell mkdir -p $(B) && echo '$(PATHS_NOW)' > $(B)/paths.stamp)
endif
$(B)/main.o $(B)/script/sr_module.o $(B)/tls/tls_config.o: $(B)/paths.stamp

PARSE_SRC = $(wildcard parser/*.c)
GEN_SRC = $(B)/cfg.tab.c $(B)/cfg.lex.c
CORE_DIRS = base mem cfg net sip script cmds ctl
DB_SRC = $(wildcard db/*.c)
CORE_SRC = $(filter-out main.c,$(wildcard *.c)) \
	$(foreach d,$(CORE_DIRS),$(wildcard $(d)/*.c)) $(DB_SRC) $(TLS_SRC)
CORE_OBJ = $(CORE_SRC:%.c=$(B)/%.o) $(GEN_SRC:.c=.o)
# The DB API is linked whole into ./kamailio: nothing in the core calls
# it, only the modules do.
DB_OBJ = $(DB_SRC:%.c=$(B)/%.o)
PARSE_OBJ = $(PARSE_SRC:%.c=$(B)/%.o)

MODULES ?= $(notdir $(patsubst %/,%,$(dir $(wildcard modules/*/*.c))))
MOD_SO = $(foreach m,$(sort $(MODULES)),modules/$(m)/$(m).so)

UNIT_SRC = $(wildcard test/unit/t_*.c)
UNIT_BIN = $(UNIT_SRC:test/unit/%.c=$(B)/test/%)

# ./kamailio and the modules are shared by every build flavour (plain,
# TLS, sanitizers): relink them when the flavour changes.
LAST_B := $(shell cat .last-build 2>/dev/null)
ifneq ($(LAST_B),$(B))
FORCE_LINK = force-link
endif
.PHONY: force-link
force-link:

# no built-in rules: cfg.y must never regenerate cfg.c (yacc %.c: %.y)
.SUFFIXES:
%.c: %.y
%.c: %.l

.PHONY: all clean install test unit cfgtest integ fuzz fuzz-replay modules tags \
	check-layers format-check docs docs-check deb-test

all: $(NAME) modules

modules: $(MOD_SO)

# The archives are linked whole: modules call core functions that nothing
# in the core itself calls (contact_set_parse for the registrar), which an
# archive would otherwise leave out ("undefined symbol" at loadmodule);
# the DB API (db/, in libcore.a) is one of them.
$(NAME): $(B)/main.o $(B)/libcore.a $(B)/libparse.a $(FORCE_LINK)
	$(CC) $(LDFLAGS) -rdynamic -o $@ $(B)/main.o -Wl,--whole-archive \
		$(B)/libcore.a $(B)/libparse.a -Wl,--no-whole-archive $(LIBS)
	@echo $(B) > .last-build

$(B)/libcore.a: $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/libparse.a: $(PARSE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# The config grammar: bison + flex (&: one bison run makes both files,
# also under -j).
$(B)/cfg.tab.c $(B)/cfg.tab.h &: cfg.y
	@mkdir -p $(B)
	bison -Wall -d -o $(B)/cfg.tab.c cfg.y

$(B)/cfg.lex.c: cfg.lex $(B)/cfg.tab.h
	@mkdir -p $(B)
	flex -o $@ cfg.lex

$(B)/cfg.tab.o: $(B)/cfg.tab.c
	$(CC) $(CFLAGS) -I. -I$(B) -Wno-unused-function -Wno-missing-prototypes -Wno-shadow -MMD -MP -c -o $@ $<

$(B)/cfg.lex.o: $(B)/cfg.lex.c
	$(CC) $(CFLAGS) -I. -I$(B) -Wno-unused-function -Wno-missing-prototypes -Wno-sign-compare -Wno-shadow -Wno-implicit-fallthrough -MMD -MP -c -o $@ $<

# Modules: every .c in modules/<m>/ makes modules/<m>/<m>.so.
# Per-module link libraries:
MOD_LIBS_auth = -lcrypto
MOD_LIBS_rr = -lcrypto
MOD_LIBS_db_sqlite = -lsqlite3
MYSQL_CFLAGS := $(shell mariadb_config --cflags 2>/dev/null || \
	pkg-config --cflags libmariadb 2>/dev/null || echo -I/usr/include/mariadb)
MYSQL_LIBS := $(shell mariadb_config --libs 2>/dev/null || echo -lmariadb)
PQ_CFLAGS := $(shell pkg-config --cflags libpq 2>/dev/null || \
	echo -I/usr/include/postgresql)
MOD_LIBS_mysql = $(MYSQL_LIBS)
MOD_LIBS_postgres = -lpq
$(B)/modules/mysql/%.pic.o: CFLAGS += $(MYSQL_CFLAGS)
$(B)/modules/postgres/%.pic.o: CFLAGS += $(PQ_CFLAGS)
define MODULE_RULE
modules/$(1)/$(1).so: $(patsubst %.c,$(B)/%.pic.o,$(wildcard modules/$(1)/*.c)) $$(FORCE_LINK)
	$$(CC) $$(LDFLAGS) -shared -o $$@ $$(filter-out force-link,$$^) $$(MOD_LIBS_$(1))
endef
$(foreach m,$(sort $(MODULES)),$(eval $(call MODULE_RULE,$(m))))

$(B)/%.pic.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fPIC -MMD -MP -c -o $@ $<

# Unit tests: one binary per test/unit/t_<unit>.c, linked with the core.
$(B)/test/%: test/unit/%.c $(B)/test/unit.o $(B)/libcore.a $(B)/libparse.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -rdynamic -o $@ $^ $(LIBS)

# t_auth tests the auth module's message-free core, so it also links those
# module sources (not auth_mod.c, the glue).
AUTH_CORE = digest nonce nc_table auth_limit
$(B)/test/t_auth: test/unit/t_auth.c $(B)/test/unit.o \
    $(AUTH_CORE:%=$(B)/modules/auth/%.o) $(B)/libcore.a $(B)/libparse.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -rdynamic -o $@ $^ $(LIBS)

# t_auth_check tests the glue's rules (auth_check.c) on parsed messages.
$(B)/test/t_auth_check: test/unit/t_auth_check.c $(B)/test/unit.o \
    $(AUTH_CORE:%=$(B)/modules/auth/%.o) $(B)/modules/auth/auth_check.o \
    $(B)/libcore.a $(B)/libparse.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -rdynamic -o $@ $^ $(LIBS)

# t_registrar tests the registrar's rules and usrloc's table, so it links
# those module sources (not the *_mod.c glue; ul_db.c is usrloc's DB side).
REG_CORE = registrar/reg_rules registrar/reg_flow rr/rr_flow usrloc/ul_table usrloc/ul_flow usrloc/ul_db
$(B)/test/t_registrar: test/unit/t_registrar.c $(B)/test/unit.o \
    $(REG_CORE:%=$(B)/modules/%.o) $(B)/libcore.a $(B)/libparse.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -rdynamic -o $@ $^ $(LIBS)

$(B)/test/unit.o: test/unit/unit.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# t_db also links the SQLite driver's objects (the driver registers
# itself from a constructor) and test/db/db_cases.c, the conformance
# cases that test/db/db_conformance runs against every engine.
SQLITE_DRV_OBJ = $(patsubst %.c,$(B)/%.pic.o,$(wildcard modules/db_sqlite/*.c))
$(B)/test/t_db: test/unit/t_db.c $(B)/test/unit.o $(B)/test/db/db_cases.o \
    $(SQLITE_DRV_OBJ) $(B)/libcore.a $(B)/libparse.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -rdynamic -o $@ $^ $(LIBS) -lsqlite3

# DB tools, built by "make dbtools" (and "make integ"): the conformance
# suite run against each engine by test/integ/t_db_engines.sh, and the
# benchmark of bench/db_bench.sh.  They load the driver modules with
# dlopen, as ./kamailio does.
DBTOOLS = test/db/db_conformance bench/db_bench
.PHONY: dbtools
dbtools: $(DBTOOLS) modules
test/db/db_conformance: $(B)/test/db/conformance.o $(B)/test/db/db_cases.o \
    $(B)/test/unit.o $(DB_OBJ) $(B)/libcore.a $(B)/libparse.a $(FORCE_LINK)
	$(CC) $(LDFLAGS) -rdynamic -o $@ $(filter-out force-link,$^) $(LIBS)
$(B)/bench/db_bench.o: CFLAGS += $(MYSQL_CFLAGS) $(PQ_CFLAGS)
bench/db_bench: $(B)/bench/db_bench.o $(DB_OBJ) $(B)/libcore.a \
    $(B)/libparse.a $(FORCE_LINK)
	$(CC) $(LDFLAGS) -rdynamic -o $@ $(filter-out force-link,$^) $(LIBS) \
	    -lsqlite3 $(MYSQL_LIBS) -lpq

unit: $(UNIT_BIN)
	@sh test/run_unit.sh $(UNIT_BIN)

# cfgtest, fuzz and fuzz-replay: their binaries link the objects built
# here, described next to their sources.
include test/cfg/cfg.mk test/fuzz/fuzz.mk

integ: all dbtools
	@sh test/integ/run.sh

test: all unit cfgtest integ fuzz-replay

# doc/params.md, doc/functions.md, doc/fifo-commands.md from the tables
# (kamailio --dump-*), and from the first two doc/man/kamailio.cfg.5
# (scripts/gen-man-cfg); test/integ/t_docs.sh fails when they are stale.
docs:
	TLS=1 $(MAKE) all
	sh scripts/gen-docs
docs-check: all
	sh scripts/gen-docs --check

# Tooling checks (doc/development.md): the layering of #include lines
# (scripts/check-layers, after its own self-test) and the clang-format
# ratchet (scripts/format-check, list in scripts/format-todo).
check-layers:
	@python3 scripts/check-layers-test
	@python3 scripts/check-layers

format-check:
	@sh scripts/format-check

# The Debian package (debian/): dpkg-buildpackage in a copy of the tree,
# then its contents, an extracted run and a real install in a namespace
# (test/integ/t_deb.sh, also part of make integ; skipped without
# dpkg-buildpackage).
deb-test:
	@sh test/integ/run.sh test/integ/t_deb.sh

# make install [PREFIX=/usr/local] [SYSCONFDIR=PREFIX/etc] [DESTDIR=]
# [SUFFIX=]: the 1.x layout (doc/install.md).  The configuration files
# (kamailio.cfg, kamctlrc, the unit's defaults file) are not replaced
# when present; kamailio.cfg.sample always is.
LOGDIR ?= /var/log
SUBST = sed -e 's|@CFGDIR@|$(CFGDIR)|g' -e 's|@SCHEMADIR@|$(SHAREDIR)|g' \
	-e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@BINDIR@|$(BINDIR)|g' \
	-e 's|@INAME@|$(INAME)|g' -e 's|@RUNDIR@|$(RUNDIR)|g' \
	-e 's|@UNITDIR@|$(UNITDIR)|g' -e 's|@DEFAULTSDIR@|$(DEFAULTSDIR)|g' \
	-e 's|@LOGDIR@|$(LOGDIR)|g'
MAN8 = kamailio kamctl kamdbctl
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MODDIR) \
		$(DESTDIR)$(LIBDIR)/kamctl $(DESTDIR)$(CFGDIR) \
		$(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(LOGROTATEDIR) $(DESTDIR)$(DEFAULTSDIR)
	install -m 755 $(NAME) $(DESTDIR)$(BINDIR)/$(INAME)
	for s in kamctl kamdbctl; do \
		$(SUBST) scripts/$$s > $(DESTDIR)$(BINDIR)/$$s$(SUFFIX) && \
		chmod 755 $(DESTDIR)$(BINDIR)/$$s$(SUFFIX) || exit 1; \
	done
	install -m 644 scripts/kamctl.db $(DESTDIR)$(LIBDIR)/kamctl/kamctl.db
	for e in sqlite mysql postgres; do \
		install -d $(DESTDIR)$(SHAREDIR)/$$e && \
		install -m 644 scripts/$$e/*.sql $(DESTDIR)$(SHAREDIR)/$$e/ || exit 1; \
	done
	for so in $(MOD_SO); do install -m 644 $$so $(DESTDIR)$(MODDIR)/ || exit 1; done
	install -m 644 $(DEFAULT_CFG) $(DESTDIR)$(CFGDIR)/kamailio.cfg.sample
	[ -f $(DESTDIR)$(CFGDIR)/kamailio.cfg ] || \
		install -m 644 $(DEFAULT_CFG) $(DESTDIR)$(CFGDIR)/kamailio.cfg
	[ -f $(DESTDIR)$(CFGDIR)/kamctlrc ] || \
		install -m 644 etc/kamctlrc $(DESTDIR)$(CFGDIR)/kamctlrc
	[ -f $(DESTDIR)$(DEFAULTSDIR)/$(INAME) ] || { \
		$(SUBST) etc/kamailio.default > $(DESTDIR)$(DEFAULTSDIR)/$(INAME) && \
		chmod 644 $(DESTDIR)$(DEFAULTSDIR)/$(INAME); }
	$(SUBST) etc/kamailio.service > $(DESTDIR)$(UNITDIR)/$(INAME).service
	$(SUBST) etc/kamailio.logrotate > $(DESTDIR)$(LOGROTATEDIR)/$(INAME)
	chmod 644 $(DESTDIR)$(UNITDIR)/$(INAME).service $(DESTDIR)$(LOGROTATEDIR)/$(INAME)
	install -m 644 README.md doc/*.md $(DESTDIR)$(DOCDIR)/
	install -m 644 etc/examples/* $(DESTDIR)$(DOCDIR)/examples/
	for m in $(MAN8); do \
		install -m 644 doc/man/$$m.8 $(DESTDIR)$(MANDIR)/man8/$$m$(SUFFIX).8 || exit 1; \
	done
	install -m 644 doc/man/kamailio.cfg.5 $(DESTDIR)$(MANDIR)/man5/$(INAME).cfg.5

clean:
	rm -rf build build-tls build-san build-tls-san build-fuzz build-tls-fuzz \
		$(NAME) modules/*/*.so test/integ/tmp $(DBTOOLS)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
