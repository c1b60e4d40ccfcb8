# SPDX-License-Identifier: MIT
# oomwatch — `make` builds, `make check` tests, `make demo` shows it on this machine.
# `make nagios`, `make collectd`, `make snmp` build one front end with only its
# own build dependencies (install-nagios, install-collectd, install-snmp install
# it); `make deps` installs everything the build, tests and demo need.
# Each folder adds its own targets in its *.mk file (common/, plugins/*/, tests/),
# so a front end can be changed without reading the others.

PREFIX ?= /usr/local
DESTDIR ?=
BUILD := build

# Debian's hardening flags, plus warnings as errors. -fPIC everywhere: the core
# goes into executables and into collectd's oomwatch.so alike.
HARDENING := $(shell DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CFLAGS 2>/dev/null)
HARDENING_CPP := $(shell DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CPPFLAGS 2>/dev/null)
HARDENING_LD := $(shell DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get LDFLAGS 2>/dev/null)
WARNINGS := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -fPIC $(HARDENING) $(WARNINGS)
CPPFLAGS += -D_GNU_SOURCE -Icommon $(HARDENING_CPP)
LDFLAGS += $(HARDENING_LD)

# Debian packages the build, the tests and the demo need; *.mk files add theirs.
DEB_DEPS := build-essential dpkg-dev pkg-config libcmocka-dev util-linux
# tests/package/: build the .debs, lintian them, trace check_oom's privilege
# drop, verify the unit (systemd-analyze).
DEB_DEPS += debhelper lintian strace systemd libcap2-bin

# Filled by the *.mk files.
ALL_TARGETS :=
CHECK_PROGRAMS :=
DEMO_TARGETS :=
INSTALL_TARGETS :=
BENCH_TARGETS :=

.PHONY: all check demo install bench deps clean test-programs
all:

include tests/sanitize/flags.mk
include common/common.mk
include $(sort $(wildcard plugins/*/*.mk))
include tests/tests.mk
include tests/qemu/qemu.mk
include tests/bench/bench.mk
include tests/fuzz/fuzz.mk
include tests/locale/locale.mk
include tests/style/style.mk
include tests/soak/soak.mk
include tests/sanitize/sanitize.mk

all: $(ALL_TARGETS)

# Installs missing packages when root (non-interactive), otherwise prints the
# exact apt-get line and stops.
deps:
	@missing=$$(for p in $(sort $(DEB_DEPS)); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed$$' || echo $$p; \
	done); \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	else \
		echo "oomwatch needs Debian packages that are not installed. As root, run:"; \
		echo "  apt-get update && apt-get install -y --no-install-recommends" $$missing; \
		exit 1; \
	fi

# The flags above are read when make starts, so build in a second make after deps.
check: deps
	@$(MAKE) --no-print-directory test-programs
	@tests/run.sh $(CHECK_PROGRAMS)

# Says what it is about to do before it does it.
demo:
	@echo "== make demo: installs, as root, the missing ones of these Debian packages:"
	@echo "   $(sort $(DEB_DEPS))"
	@echo "   then builds and runs check_oom, a real collectd with oomwatch.so and a private snmpd"
	@echo "   with oomwatch-agent (temp dirs, 127.0.0.1 only), and, as root, makes one real OOM kill"
	@echo "   inside a throwaway 16 MiB memory cgroup (tests/lib/oomcg.sh): never a machine-wide OOM."
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all $(DEMO_TARGETS)

test-programs: all $(TEST_BUILD_TARGETS)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_TARGETS)

install: all $(INSTALL_TARGETS)

clean:
	rm -rf $(BUILD)
