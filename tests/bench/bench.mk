# SPDX-License-Identifier: MIT
# tests/bench/ — `make bench`: every figure of tests/bench/bench.sh (the whole
# check vs check_swap, a gauge sample vs pread, scans, log parsing vs grep,
# resident memory, kill-to-alert latency), each as a ratio against its floor or
# peer measured in the same run; then the parser's throughput vs line splitting.
BENCH_OOMPARSE := $(BUILD)/tests/bench/bench_oomparse
BENCH_CORE := $(BUILD)/tests/bench/bench_core
BENCH_RUN := $(BUILD)/tests/bench/bench_run
# The agent's memory floor: a bare net-snmp AgentX subagent.
BENCH_AGENTX_FLOOR := $(BUILD)/tests/bench/bench_agentx_floor
# The bare oom:mark_victim reader: the latency floor of the tracepoint, and the
# live test's witness that the tracepoint saw a kill.
TRACE_READER := $(BUILD)/tests/bench/trace_reader
TEST_BUILD_TARGETS += $(TRACE_READER)

BENCH_TARGETS += bench-all bench-oomparse
# check_swap is the peer of check_oom's whole-process cost.
DEB_DEPS += monitoring-plugins-basic

.PHONY: bench-all bench-oomparse
bench-all: $(BENCH_CORE) $(BENCH_RUN) $(BENCH_OOMPARSE) $(BENCH_AGENTX_FLOOR) $(TRACE_READER) $(CHECK_OOM) $(TEST_BUILD_TARGETS)
	tests/bench/bench.sh

bench-oomparse: $(BENCH_OOMPARSE) bench-all
	$(BENCH_OOMPARSE)

$(BUILD)/tests/bench/%: tests/bench/%.c $(CORE_LIB) $(wildcard common/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(CORE_LIB) $(LDFLAGS)

$(BENCH_AGENTX_FLOOR): tests/bench/bench_agentx_floor.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(SNMP_CFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS) $(SNMP_LIBS)
