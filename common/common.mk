# SPDX-License-Identifier: MIT
# common/ — the detection core, built as a static library every front end links.
CORE_SRCS := $(wildcard common/*.c)
CORE_OBJS := $(CORE_SRCS:%.c=$(BUILD)/%.o)
CORE_LIB := $(BUILD)/liboomwatch.a

ALL_TARGETS += $(CORE_LIB)

$(BUILD)/common/%.o: common/%.c $(wildcard common/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(CORE_LIB): $(CORE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

# The systemd journal (common/journal.c) through libsystemd, when pkg-config
# finds its headers; `make WITH_SYSTEMD=no` builds without (kmsg "journal" is
# refused). journal.c loads libsystemd.so.0 with dlopen() when a journal is
# first opened: nothing links it, so no program pays for loading it at start.
DEB_DEPS += libsystemd-dev systemd-journal-remote
WITH_SYSTEMD ?= $(shell pkg-config --exists libsystemd 2>/dev/null && echo yes)
ifeq ($(WITH_SYSTEMD),yes)
CPPFLAGS += -DOOMW_HAVE_SYSTEMD $(shell pkg-config --cflags libsystemd)
endif

# Static programs (the qemu guest's) cannot dlopen libsystemd. They link this
# core, whose journal refuses like a build without libsystemd, and
# LDFLAGS_STATIC (LDFLAGS: nothing links libsystemd any more).
CORE_LIB_NO_SYSTEMD := $(BUILD)/liboomwatch-nosystemd.a
LDFLAGS_STATIC = $(LDFLAGS)

$(BUILD)/common/journal-nosystemd.o: common/journal.c $(wildcard common/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -DOOMW_HAVE_SYSTEMD,$(CPPFLAGS)) $(CFLAGS) -c -o $@ $<

$(CORE_LIB_NO_SYSTEMD): $(filter-out $(BUILD)/common/journal.o,$(CORE_OBJS)) $(BUILD)/common/journal-nosystemd.o
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^
