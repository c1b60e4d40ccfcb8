#!/bin/bash
# SPDX-License-Identifier: MIT
# make install-nagios honours DESTDIR, PREFIX and NAGIOS_PLUGINDIR, and what it
# installs runs.
. "$(dirname "$0")/lib.sh"

D=$TMP/dest
out=$(make -s -C "$ROOT" install-nagios DESTDIR="$D" PREFIX=/opt/oomwatch 2>&1)
rc=$?
[ $rc = 0 ] && ok "make install-nagios DESTDIR=… PREFIX=/opt/oomwatch" || not_ok "make install-nagios" "$out"
for f in lib/nagios/plugins/check_oom share/man/man1/check_oom.1 \
	share/doc/oomwatch/examples/icinga2-check_oom.conf share/doc/oomwatch/examples/nrpe-check_oom.cfg; do
	[ -f "$D/opt/oomwatch/$f" ] && ok "installed $f" || not_ok "installed $f" "$(find "$D" -type f)"
done
[ "$(stat -c %a "$D/opt/oomwatch/lib/nagios/plugins/check_oom")" = 755 ] && ok "check_oom is 0755" || not_ok "check_oom mode"
OUT=$("$D/opt/oomwatch/lib/nagios/plugins/check_oom" -V)
[[ $OUT =~ ^check_oom\ [0-9.]+\ \(oomwatch\)$ ]] && ok "the installed check_oom runs" || not_ok "installed check_oom -V" "$OUT"
man -l "$D/opt/oomwatch/share/man/man1/check_oom.1" >/dev/null 2>&1 && ok "the manual page renders" || not_ok "man -l check_oom.1"

out=$(make -s -C "$ROOT" install-nagios DESTDIR="$D" NAGIOS_PLUGINDIR=/usr/lib/nagios/plugins 2>&1)
[ -x "$D/usr/lib/nagios/plugins/check_oom" ] && ok "NAGIOS_PLUGINDIR chooses the plugin folder" || not_ok "NAGIOS_PLUGINDIR" "$out"

done_testing
