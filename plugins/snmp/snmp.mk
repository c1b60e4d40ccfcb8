# SPDX-License-Identifier: MIT
# plugins/snmp/ — oomwatch-agent, the net-snmp AgentX subagent, and OOMWATCH-MIB.
SNMP_AGENT := $(BUILD)/plugins/snmp/oomwatch-agent
SNMP_SRCS := $(wildcard plugins/snmp/*.c)
SNMP_OBJS := $(SNMP_SRCS:%.c=$(BUILD)/%.o)
SNMP_MIB := plugins/snmp/OOMWATCH-MIB.txt
SNMP_CFLAGS := $(shell pkg-config --cflags netsnmp-agent 2>/dev/null)
SNMP_LIBS := $(shell pkg-config --libs netsnmp-agent 2>/dev/null)
SNMP_MIBDIR := $(PREFIX)/share/snmp/mibs
# The IETF modules OOMWATCH-MIB imports, which Debian does not ship: kept
# apart so that they never shadow a system copy.
SNMP_BASE_MIBDIR := $(PREFIX)/share/oomwatch/mibs
SNMP_MANDIR := $(PREFIX)/share/man/man8

SYSTEMD_UNITDIR ?= $(PREFIX)/lib/systemd/system

ALL_TARGETS += $(SNMP_AGENT)
# `make snmp` builds the agent alone: build-essential, pkg-config and libsnmp-dev.
DEMO_TARGETS += demo-snmp
INSTALL_TARGETS += install-snmp
# snmp: snmpget/walk/table/translate; python3, iproute2 (ss), procps (pgrep),
# groff-base (man page check), libcap2-bin (capsh): the tests.
DEB_DEPS += libsnmp-dev snmpd snmp snmptrapd smitools python3 iproute2 procps groff-base libcap2-bin

$(BUILD)/plugins/snmp/%.o: plugins/snmp/%.c $(wildcard plugins/snmp/*.h) $(wildcard common/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(SNMP_CFLAGS) $(CFLAGS) -c -o $@ $<

$(SNMP_AGENT): $(SNMP_OBJS) $(CORE_LIB)
	$(CC) $(CFLAGS) -o $@ $(SNMP_OBJS) $(CORE_LIB) $(LDFLAGS) $(SNMP_LIBS)

.PHONY: snmp demo-snmp install-snmp
snmp: $(SNMP_AGENT)
demo-snmp: $(SNMP_AGENT)
	@plugins/snmp/demo.sh $(SNMP_AGENT)

install-snmp: $(SNMP_AGENT)
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(SNMP_MIBDIR) $(DESTDIR)$(SNMP_BASE_MIBDIR) $(DESTDIR)$(SNMP_MANDIR)
	install -m 0755 $(SNMP_AGENT) $(DESTDIR)$(PREFIX)/sbin/oomwatch-agent
	install -m 0644 $(SNMP_MIB) $(DESTDIR)$(SNMP_MIBDIR)/OOMWATCH-MIB.txt
	install -m 0644 plugins/snmp/mibs/*.txt $(DESTDIR)$(SNMP_BASE_MIBDIR)/
	install -m 0644 plugins/snmp/oomwatch-agent.8 $(DESTDIR)$(SNMP_MANDIR)/oomwatch-agent.8
	install -d $(DESTDIR)$(SYSTEMD_UNITDIR)
	sed 's|/usr/sbin/oomwatch-agent|$(PREFIX)/sbin/oomwatch-agent|' contrib/snmp/oomwatch-agent.service \
		>$(DESTDIR)$(SYSTEMD_UNITDIR)/oomwatch-agent.service
