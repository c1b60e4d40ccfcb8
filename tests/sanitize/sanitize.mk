# SPDX-License-Identifier: MIT
# tests/sanitize/sanitize.mk — with SANITIZE=1, `make check` builds and runs
# the unit tests only: the front ends are loaded by daemons (collectd) that
# are not built with the sanitizers. Included after the other *.mk files.
ifeq ($(SANITIZE),1)
ALL_TARGETS := $(CORE_LIB)
TEST_BUILD_TARGETS := $(UNIT_BINS) $(OOM_VICTIM)
CHECK_PROGRAMS := $(UNIT_BINS)
# The live tests' victim (tests/lib/oomcg.sh), from this build dir too.
export OOMCG_VICTIM := $(abspath $(OOM_VICTIM))
endif

.PHONY: clean-sanitize
clean: clean-sanitize
clean-sanitize:
	rm -rf build-san
