# test/fuzz/fuzz.mk: fuzz targets (included by the Makefile).
#
# A target is test/fuzz/fuzz_<name>.c defining LLVMFuzzerTestOneInput, with
# its seeds in test/fuzz/corpus/<name>/.  It links the flavour's libcore.a
# and libparse.a like a unit test (and the shared helpers, test/fuzz/*.c
# that are no target), so a new target needs only those two.
#
#   make fuzz-replay   every corpus file through every target, built by the
#                      system compiler under ASan+UBSan (the SAN flavour,
#                      build-san/) with replay_main.c in place of libFuzzer
#   make fuzz          libFuzzer (clang) for FUZZ_SECONDS per target, in the
#                      SAN=fuzzer,... flavour (build-fuzz/)
# Either re-invokes make for its flavour unless SAN already names one.
FUZZ_SRC = $(wildcard test/fuzz/fuzz_*.c)
FUZZ_BIN = $(FUZZ_SRC:test/fuzz/%.c=$(B)/fuzz/%)
# helpers the targets share (test/fuzz/*.c that are no target)
FUZZ_HELP = $(filter-out $(FUZZ_SRC) test/fuzz/replay_main.c, \
	$(wildcard test/fuzz/*.c))
FUZZ_HELP_OBJ = $(FUZZ_HELP:%.c=$(B)/%.o)
FUZZ_REPLAY_SAN = address,undefined
FUZZ_SAN = fuzzer,address,undefined

ifneq ($(findstring fuzzer,$(SAN)),)
FUZZ_DRIVER = -fsanitize=fuzzer
else
FUZZ_DRIVER = $(B)/test/fuzz/replay_main.o
endif

$(B)/fuzz/%: $(B)/test/fuzz/%.o $(filter %.o,$(FUZZ_DRIVER)) \
    $(FUZZ_HELP_OBJ) $(B)/libcore.a $(B)/libparse.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $(filter-out %.o,$(FUZZ_DRIVER)) -o $@ $^ $(LIBS)
# keep the targets' objects (make would delete them as intermediate)
.SECONDARY: $(FUZZ_SRC:%.c=$(B)/%.o) $(B)/test/fuzz/replay_main.o \
    $(FUZZ_HELP_OBJ)

ifeq ($(SAN),)
fuzz-replay:
	@$(MAKE) --no-print-directory SAN=$(FUZZ_REPLAY_SAN) fuzz-replay
else
fuzz-replay: $(FUZZ_BIN)
	@sh test/fuzz/replay.sh $(FUZZ_BIN)
endif

ifeq ($(findstring fuzzer,$(SAN)),)
fuzz:
	@$(MAKE) --no-print-directory SAN=$(FUZZ_SAN) fuzz
else
fuzz: $(FUZZ_BIN)
	@sh test/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)
endif
