# SPDX-License-Identifier: MIT
# tests/fuzz/ — libFuzzer harnesses, one per parser and one for the whole
# monitor, built with clang under ASan and UBSan into their own build dir.
# `make check` runs each for a few seconds (tests/fuzz/test_fuzz.sh);
# `make fuzz FUZZ_SECONDS=N` runs each for N seconds.
FUZZ_BUILD := build-fuzz
FUZZ_CC := clang
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -g -O1 -std=gnu11 $(WARNINGS) $(FUZZ_SANITIZE)
FUZZ_CPPFLAGS := -D_GNU_SOURCE -Icommon -Iplugins/snmp -Itests/fuzz
FUZZ_NAMES := kmsg text oomparse procfiles cgroup thresholds state agent_config monitor ukill trace
# The one threshold grammar of the front ends, once the core has it.
ifneq ($(wildcard common/assess.h),)
FUZZ_NAMES += assess
endif
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/tests/fuzz/fuzz_%)
FUZZ_CORE_OBJS := $(CORE_SRCS:%.c=$(FUZZ_BUILD)/%.o) $(FUZZ_BUILD)/tests/fuzz/fuzz.o
FUZZ_SECONDS ?= 60

DEB_DEPS += clang libclang-rt-14-dev
TEST_BUILD_TARGETS += $(FUZZ_BINS)

.PHONY: fuzz
fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_BINS) $(OOMW_SAMPLE)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/run.sh tests/fuzz/test_fuzz.sh

# The library code gets the coverage instrumentation; only the harnesses link
# libFuzzer's main.
$(FUZZ_BUILD)/%.o: %.c $(wildcard common/*.h) tests/fuzz/fuzz.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/tests/fuzz/fuzz_agent_config: $(FUZZ_BUILD)/plugins/snmp/agent_config.o
$(FUZZ_BUILD)/tests/fuzz/fuzz_%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_CORE_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ -lm

# Kept between runs (make would delete them as intermediates of the chain).
.SECONDARY: $(FUZZ_CORE_OBJS) $(FUZZ_NAMES:%=$(FUZZ_BUILD)/tests/fuzz/fuzz_%.o) \
	$(FUZZ_BUILD)/plugins/snmp/agent_config.o

.PHONY: clean-fuzz
clean: clean-fuzz
clean-fuzz:
	rm -rf $(FUZZ_BUILD)
