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
	$(AR) rcs $@ $^
