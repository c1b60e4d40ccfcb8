# SPDX-License-Identifier: MIT
# tests/bench/ — `make bench`: throughput of the kernel-log reader and OOM parser,
# as a ratio against splitting the same text into lines, measured in the same run.
BENCH_OOMPARSE := $(BUILD)/tests/bench/bench_oomparse

BENCH_TARGETS += bench-oomparse

.PHONY: bench-oomparse
bench-oomparse: $(BENCH_OOMPARSE)
	$(BENCH_OOMPARSE)

$(BENCH_OOMPARSE): tests/bench/bench_oomparse.c $(CORE_LIB) $(wildcard common/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(CORE_LIB) $(LDFLAGS)
