#!/bin/bash
# SPDX-License-Identifier: MIT
# The Debian packages build from this tree (dpkg-buildpackage -us -uc -b), one
# per front end (nagios, collectd, snmp, prometheus), lintian finds no error
# and no warning, and every program, manual page and debian/changelog tell one
# version. Each front end's make target (make nagios, …) builds it alone.
. "$(dirname "$0")/lib.sh"
skip_if "$(pkg_unavailable)"

if pkg_build; then
	ok "dpkg-buildpackage -us -uc -b builds"
else
	not_ok "dpkg-buildpackage -us -uc -b" "$(tail -n 30 "$PKG_DIR/build.log")"
	done_testing
fi
for p in oomwatch-nagios oomwatch-collectd oomwatch-snmp oomwatch-prometheus; do
	check "$p is built" test -f "$PKG_DIR/${p}_0.2.0_$(dpkg --print-architecture).deb"
done

out=$(cd "$PKG_DIR" && lintian --display-info --show-overrides oomwatch_*.changes 2>&1 | grep -v '^running with root')
while IFS= read -r l; do diag "lintian: $l"; done <<<"$out"
bad=$(grep -E '^[EW]: ' <<<"$out")
[ -z "$bad" ] && ok "lintian: no error, no warning" || not_ok "lintian reports errors or warnings" "$bad"

# One version: common/version.h, the changelog, and what the programs print.
v=$(sed -n 's/^#define OOMWATCH_VERSION "\(.*\)"$/\1/p' "$PKG_ROOT/common/version.h")
cl=$(cd "$PKG_ROOT" && dpkg-parsechangelog -S Version)
check "debian/changelog ($cl) agrees with common/version.h ($v)" test -n "$v" -a "$cl" = "$v"
x=$PKG_ROOT/build
cv=$("$x/check_oom" -V)
check "check_oom -V prints $v" test "$cv" = "check_oom $v (oomwatch)"
av=$("$x/plugins/snmp/oomwatch-agent" -V)
check "oomwatch-agent -V prints $v" test "$av" = "oomwatch-agent $v"
av=$("$x/plugins/snmp/oomwatch-agent" --version)
check "oomwatch-agent --version prints $v" test "$av" = "oomwatch-agent $v"
ev=$("$x/plugins/prometheus/oomwatch-exporter" -V)
check "oomwatch-exporter -V prints $v" test "$ev" = "oomwatch-exporter $v (oomwatch)"
# The collectd plugin's log line at init ("oomwatch: watching …; version V"):
# tests/package/test_collectd.sh reads it from a real collectd.
for m in man/check_oom.1 plugins/snmp/oomwatch-agent.8 man/oomwatch-exporter.1; do
	check "$m carries $v" grep -q "^\.TH .*\"oomwatch $v\"" "$PKG_ROOT/$m"
done

# Each front end alone: what make would run for it names no other front end's
# headers or libraries (the tree's own path, which may contain such a word,
# written as ".").
dry_run() { make -C "$PKG_ROOT" -s -B -n "$1" 2>&1 | sed "s|$PKG_ROOT|.|g"; }
n=$(dry_run nagios)
if grep -q 'check_oom' <<<"$n" && ! grep -Eq 'collectd|snmp' <<<"$n"; then
	ok "make nagios builds check_oom with neither collectd nor net-snmp"
else
	not_ok "make nagios is independent" "$n"
fi
n=$(dry_run collectd)
grep -q 'oomwatch.so' <<<"$n" && ! grep -Eq 'snmp|check_oom' <<<"$n" &&
	ok "make collectd builds oomwatch.so alone" || not_ok "make collectd is independent" "$n"
n=$(dry_run snmp)
grep -q 'oomwatch-agent' <<<"$n" && ! grep -Eq 'collectd|check_oom' <<<"$n" &&
	ok "make snmp builds oomwatch-agent alone" || not_ok "make snmp is independent" "$n"
n=$(dry_run prometheus)
grep -q 'oomwatch-exporter' <<<"$n" && ! grep -Eq 'collectd|snmp|check_oom' <<<"$n" &&
	ok "make prometheus builds oomwatch-exporter alone" || not_ok "make prometheus is independent" "$n"

done_testing
