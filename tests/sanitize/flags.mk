# SPDX-License-Identifier: MIT
# tests/sanitize/flags.mk — `make check SANITIZE=1`: the unit tests built with
# ASan and UBSan (every report fatal) into their own build dir. Included before
# the other *.mk files, so that BUILD and the flags apply to every rule.
ifeq ($(SANITIZE),1)
BUILD := build-san
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CFLAGS += $(SANITIZE_FLAGS)
LDFLAGS += $(SANITIZE_FLAGS)
endif
