# SPDX-License-Identifier: MIT
# plugins/prometheus/ — oomwatch-exporter, the Prometheus front end: a
# node_exporter textfile or /metrics, its manual page and install.
PROM_SRCS := $(wildcard plugins/prometheus/*.c)
PROM_OBJS := $(PROM_SRCS:%.c=$(BUILD)/%.o)
OOMWATCH_EXPORTER := $(BUILD)/plugins/prometheus/oomwatch-exporter
# The pure parts, for tests/unit/test_prom_*.c.
PROM_PURE_OBJS := $(BUILD)/plugins/prometheus/render.o $(BUILD)/plugins/prometheus/http.o
PROM_UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(wildcard tests/unit/test_prom_*.c))

ALL_TARGETS += $(OOMWATCH_EXPORTER)
INSTALL_TARGETS += install-prometheus
# Tests: a real node_exporter reading the textfile, promtool (check metrics,
# check rules), curl, ss (free ports), man (the manual page renders).
DEB_DEPS += prometheus-node-exporter prometheus curl iproute2 man-db

.PHONY: prometheus install-prometheus
prometheus: $(OOMWATCH_EXPORTER)

$(BUILD)/plugins/prometheus/%.o: plugins/prometheus/%.c $(wildcard plugins/prometheus/*.h) $(wildcard common/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(OOMWATCH_EXPORTER): $(PROM_OBJS) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(PROM_OBJS) $(CORE_LIB) $(LDFLAGS)

# Explicit, so it wins over tests.mk's pattern rule: these tests also link the pure objects.
$(PROM_UNIT_BINS): $(BUILD)/tests/unit/%: tests/unit/%.c $(PROM_PURE_OBJS) $(CORE_LIB) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Iplugins/prometheus -Itests/unit $(CFLAGS) $(CMOCKA_CFLAGS) -o $@ $< $(PROM_PURE_OBJS) $(CORE_LIB) $(LDFLAGS) $(CMOCKA_LIBS)

# The exporter, its manual page, and the systemd unit and alerting rules as examples.
install-prometheus: $(OOMWATCH_EXPORTER)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/doc/oomwatch/examples
	install -m 0755 $(OOMWATCH_EXPORTER) $(DESTDIR)$(PREFIX)/bin/oomwatch-exporter
	install -m 0644 man/oomwatch-exporter.1 $(DESTDIR)$(PREFIX)/share/man/man1/oomwatch-exporter.1
	sed 's|/usr/bin/oomwatch-exporter|$(PREFIX)/bin/oomwatch-exporter|' contrib/prometheus/oomwatch-exporter.service \
		>$(DESTDIR)$(PREFIX)/share/doc/oomwatch/examples/oomwatch-exporter.service
	install -m 0644 contrib/prometheus/oomwatch.rules.yml $(DESTDIR)$(PREFIX)/share/doc/oomwatch/examples/prometheus-oomwatch.rules.yml
