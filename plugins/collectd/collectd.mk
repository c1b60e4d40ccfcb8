# SPDX-License-Identifier: MIT
# plugins/collectd/ — oomwatch.so, the collectd read plugin, built out of tree
# against Debian's collectd-dev and loaded by collectd-core 5.12.
COLLECTD_PLUGIN := $(BUILD)/plugins/collectd/oomwatch.so
COLLECTD_TYPES_DB := plugins/collectd/oomwatch.types.db
# collectd's headers come with their own config.h (HAVE_CONFIG_H); -isystem
# keeps our warnings-as-errors for our code only.
COLLECTD_CPPFLAGS := -DHAVE_CONFIG_H -isystem /usr/include/collectd
COLLECTD_LIBDIR := $(PREFIX)/lib/collectd
COLLECTD_SHAREDIR := $(PREFIX)/share/oomwatch

ALL_TARGETS += $(COLLECTD_PLUGIN)
# `make collectd` builds oomwatch.so alone: build-essential and collectd-dev.
DEMO_TARGETS += demo-collectd
INSTALL_TARGETS += install-collectd
# collectd: Debian's stock /etc/collectd/collectd.conf, for tests/package/.
DEB_DEPS += collectd-core collectd collectd-dev python3

# The core goes inside the .so (its symbols hidden, so they cannot clash with
# another plugin's); collectd's plugin_* symbols stay undefined until the daemon
# loads it, hence no -z defs.
$(COLLECTD_PLUGIN): plugins/collectd/oomwatch.c $(CORE_LIB) $(wildcard common/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(COLLECTD_CPPFLAGS) $(CFLAGS) -shared -o $@ $< $(CORE_LIB) \
		$(LDFLAGS) -Wl,--exclude-libs,ALL -pthread

.PHONY: collectd demo-collectd install-collectd
collectd: $(COLLECTD_PLUGIN)
demo-collectd: $(COLLECTD_PLUGIN)
	@plugins/collectd/demo.sh $(COLLECTD_PLUGIN) $(COLLECTD_TYPES_DB)

install-collectd: $(COLLECTD_PLUGIN)
	install -d $(DESTDIR)$(COLLECTD_LIBDIR) $(DESTDIR)$(COLLECTD_SHAREDIR)
	install -m 0644 $(COLLECTD_PLUGIN) $(DESTDIR)$(COLLECTD_LIBDIR)/oomwatch.so
	install -m 0644 $(COLLECTD_TYPES_DB) $(DESTDIR)$(COLLECTD_SHAREDIR)/oomwatch.types.db

# The plugin's logic in-process, as collectd tests its own plugins: the test
# includes oomwatch.c and stands in for the daemon's functions. An explicit
# rule, so that it gets collectd's headers (tests.mk lists it among UNIT_BINS).
COLLECTD_UNIT_TEST := $(BUILD)/tests/unit/test_collectd_plugin
$(COLLECTD_UNIT_TEST): tests/unit/test_collectd_plugin.c plugins/collectd/oomwatch.c $(CORE_LIB) \
		$(wildcard common/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(COLLECTD_CPPFLAGS) $(CFLAGS) $(CMOCKA_CFLAGS) -o $@ $< $(CORE_LIB) \
		$(LDFLAGS) $(CMOCKA_LIBS) -pthread
