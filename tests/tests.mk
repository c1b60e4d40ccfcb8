# SPDX-License-Identifier: MIT
# tests/ — cmocka unit tests (tests/unit/test_<corefile>.c, one per core file),
# integration scripts (tests/<area>/test_*.sh) and the programs they use.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
SCRIPT_TESTS := $(sort $(wildcard tests/*/test_*.sh))
OOM_VICTIM := $(BUILD)/tests/oom_victim
# Opens a monitor and prints its snapshot and events as TSV, for the live tests.
OOMW_SAMPLE := $(BUILD)/tests/oomw_sample

TEST_BUILD_TARGETS += $(UNIT_BINS) $(OOM_VICTIM) $(OOMW_SAMPLE)
CHECK_PROGRAMS += $(UNIT_BINS) $(SCRIPT_TESTS)

CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)
# What the unit tests share (tests/unit/*.c not named test_*, e.g. fixture.c:
# fixture loading), an archive: a test links only the helpers it calls.
UNIT_HELPER_OBJS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%.o,\
	$(filter-out $(UNIT_SRCS),$(wildcard tests/unit/*.c)))
UNIT_HELPER_LIB := $(BUILD)/tests/unit/libunithelper.a

$(UNIT_HELPER_OBJS): $(BUILD)/tests/unit/%.o: tests/unit/%.c $(wildcard tests/unit/*.h) $(wildcard common/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(CMOCKA_CFLAGS) -c -o $@ $<

$(UNIT_HELPER_LIB): $(UNIT_HELPER_OBJS)
	rm -f $@
	rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/tests/unit/%: tests/unit/%.c $(UNIT_HELPER_LIB) $(CORE_LIB) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(CMOCKA_CFLAGS) -o $@ $< $(UNIT_HELPER_LIB) $(CORE_LIB) $(LDFLAGS) $(CMOCKA_LIBS)

$(OOM_VICTIM): tests/lib/oom_victim.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS)

$(OOMW_SAMPLE): tests/lib/oomw_sample.c $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(CORE_LIB) $(LDFLAGS)
