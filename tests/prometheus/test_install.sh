#!/bin/bash
# SPDX-License-Identifier: MIT
# make install-prometheus honours DESTDIR and PREFIX, what it installs runs and
# renders, and the contrib examples are what their tools accept.
. "$(dirname "$0")/lib.sh"

D=$TMP/dest
out=$(make -s -C "$ROOT" install-prometheus DESTDIR="$D" PREFIX=/opt/oomwatch 2>&1)
[ $? = 0 ] && ok "make install-prometheus DESTDIR=… PREFIX=/opt/oomwatch" || not_ok "make install-prometheus" "$out"
for f in bin/oomwatch-exporter share/man/man1/oomwatch-exporter.1 \
	share/doc/oomwatch/examples/oomwatch-exporter.service share/doc/oomwatch/examples/prometheus-oomwatch.rules.yml; do
	[ -f "$D/opt/oomwatch/$f" ] && ok "installed $f" || not_ok "installed $f" "$(find "$D" -type f)"
done
[ "$(stat -c %a "$D/opt/oomwatch/bin/oomwatch-exporter")" = 755 ] && ok "oomwatch-exporter is 0755" || not_ok "mode"
OUT=$("$D/opt/oomwatch/bin/oomwatch-exporter" -V)
[[ $OUT =~ ^oomwatch-exporter\ [0-9.]+\ \(oomwatch\)$ ]] && ok "the installed exporter runs" || not_ok "-V" "$OUT"
warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$D/opt/oomwatch/share/man/man1/oomwatch-exporter.1" 2>&1 >/dev/null)
[ -z "$warn" ] && ok "the manual page renders without a warning" || not_ok "man -l" "$warn"
# Every metric family the exporter writes is in the manual page.
"$EXPORTER" --proc "$ROOT/tests/fixtures/proc-linux-6.18" --sys "$ROOT/tests/fixtures/sys-cgroup-v2" \
	--kmsg "$ROOT/tests/fixtures/kernel-log/linux-6.18-memcg-v1.kmsg" --cgroup '/*' --textfile "$TMP/x.prom" --once 2>/dev/null
missing=$(awk '$2 == "TYPE" { print $3 }' "$TMP/x.prom" | while read -r m; do
	grep -qwF "$m" "$ROOT/man/oomwatch-exporter.1" || echo "$m"; done)
[ -z "$missing" ] && ok "the manual page names every family" || not_ok "families missing from the manual" "$missing"

out=$(promtool check rules "$ROOT/contrib/prometheus/oomwatch.rules.yml" 2>&1)
[ $? = 0 ] && ok "promtool check rules accepts contrib/prometheus/oomwatch.rules.yml" || not_ok "rules" "$out"
unit=$ROOT/contrib/prometheus/oomwatch-exporter.service
grep -q '^ExecStart=/usr/bin/oomwatch-exporter --textfile /var/lib/prometheus/node-exporter/oomwatch.prom' "$unit" &&
	ok "the unit writes to Debian's textfile directory" || not_ok "unit ExecStart"
grep -q '^ExecStart=/opt/oomwatch/bin/oomwatch-exporter ' "$D/opt/oomwatch/share/doc/oomwatch/examples/oomwatch-exporter.service" &&
	ok "the installed example unit runs \$(PREFIX)/bin/oomwatch-exporter" || not_ok "installed unit ExecStart"
ne_dir=$(prometheus-node-exporter --help 2>&1 | sed -n 's/.*--collector.textfile.directory="\([^"]*\)".*/\1/p')
[ "$ne_dir" = /var/lib/prometheus/node-exporter ] && ok "which is node_exporter's built-in default ($ne_dir)" || not_ok "default dir" "$ne_dir"
done_testing
