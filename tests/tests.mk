# tests/ — cmocka unit tests (tests/unit/test_<corefile>.c, one per core file),
# integration scripts (tests/<area>/test_*.sh) and the programs they use.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
SCRIPT_TESTS := $(sort $(wildcard tests/*/test_*.sh))
OOM_VICTIM := $(BUILD)/tests/oom_victim

TEST_BUILD_TARGETS += $(UNIT_BINS) $(OOM_VICTIM)
CHECK_PROGRAMS += $(UNIT_BINS) $(SCRIPT_TESTS)

CMOCKA_CFLAGS := $(shell pkg-config --cflags cmocka 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

$(BUILD)/tests/unit/%: tests/unit/%.c $(CORE_LIB) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(CMOCKA_CFLAGS) -o $@ $< $(CORE_LIB) $(LDFLAGS) $(CMOCKA_LIBS)

$(OOM_VICTIM): tests/lib/oom_victim.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS)
