# SPDX-License-Identifier: MIT
# tests/soak/ — `make soak [N=500]`: N real OOM kills in a throwaway memory
# cgroup while collectd, the SNMP agent and snmpd are restarted at random
# (root). `make check` runs the short one, tests/soak/test_soak.sh (20 kills).
N ?= 500

.PHONY: soak
soak: deps
	@$(MAKE) --no-print-directory test-programs
	@tests/soak/soak.sh $(N)
