# SPDX-License-Identifier: MIT
# plugins/nagios/ — check_oom, the Nagios/Icinga/NRPE check, its demo and install.
NAGIOS_SRCS := $(wildcard plugins/nagios/*.c)
NAGIOS_OBJS := $(NAGIOS_SRCS:%.c=$(BUILD)/%.o)
CHECK_OOM := $(BUILD)/check_oom
# Where Debian's monitoring-plugins put their checks, below PREFIX.
NAGIOS_PLUGINDIR ?= $(PREFIX)/lib/nagios/plugins

ALL_TARGETS += $(CHECK_OOM)
# `make nagios` builds check_oom alone: libc and build-essential, nothing else.
DEMO_TARGETS += demo-nagios
INSTALL_TARGETS += install-nagios
# Tests: perfdata and range parsers, a real Icinga 2 and NRPE, the man page renderer.
DEB_DEPS += libmonitoring-plugin-perl icinga2-bin nagios-nrpe-server nagios-nrpe-plugin man-db

.PHONY: nagios demo-nagios install-nagios
nagios: $(CHECK_OOM)

$(BUILD)/plugins/nagios/%.o: plugins/nagios/%.c $(wildcard plugins/nagios/*.h) $(wildcard common/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(CHECK_OOM): $(NAGIOS_OBJS) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(NAGIOS_OBJS) $(CORE_LIB) $(LDFLAGS)

demo-nagios: $(CHECK_OOM) $(OOM_VICTIM)
	@plugins/nagios/demo.sh $(CHECK_OOM)

# check_oom beside the other plugins, its manual page, and the Icinga 2 and
# NRPE snippets as examples to copy into /etc (the NRPE one naming this
# NAGIOS_PLUGINDIR). The Debian package (debian/) installs them in /etc and
# Icinga 2's plugins-contrib.d itself.
install-nagios: $(CHECK_OOM)
	install -d $(DESTDIR)$(NAGIOS_PLUGINDIR) $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/doc/oomwatch/examples
	install -m 0755 $(CHECK_OOM) $(DESTDIR)$(NAGIOS_PLUGINDIR)/check_oom
	install -m 0644 man/check_oom.1 $(DESTDIR)$(PREFIX)/share/man/man1/check_oom.1
	install -m 0644 contrib/icinga2/check_oom.conf $(DESTDIR)$(PREFIX)/share/doc/oomwatch/examples/icinga2-check_oom.conf
	sed 's|/usr/lib/nagios/plugins/|$(NAGIOS_PLUGINDIR)/|g' contrib/nrpe/check_oom.cfg \
		>$(DESTDIR)$(PREFIX)/share/doc/oomwatch/examples/nrpe-check_oom.cfg
