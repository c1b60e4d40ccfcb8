#!/bin/bash
# SPDX-License-Identifier: MIT
# make install-snmp honours DESTDIR and PREFIX, and the installed MIB and base
# modules are enough for net-snmp's tools to name every object.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
# -o: install what make check built; never rebuild under a concurrent build.
[ -x build/plugins/snmp/oomwatch-agent ] || skip_all "build/plugins/snmp/oomwatch-agent missing (run make)"
out=$(make --no-print-directory -s -o build/plugins/snmp/oomwatch-agent install-snmp DESTDIR="$dest" PREFIX=/opt/oomw 2>&1)
check "make install-snmp DESTDIR=... PREFIX=/opt/oomw succeeds" test $? -eq 0
check "the agent is in sbin" test -x "$dest/opt/oomw/sbin/oomwatch-agent"
check "the MIB is in share/snmp/mibs" test -f "$dest/opt/oomw/share/snmp/mibs/OOMWATCH-MIB.txt"
check "the man page is in share/man/man8 and renders without warnings" \
	test -z "$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$dest/opt/oomw/share/man/man8/oomwatch-agent.8" 2>&1)" \
	-a -f "$dest/opt/oomw/share/man/man8/oomwatch-agent.8"
check "nothing is installed outside DESTDIR/PREFIX" test -z "$(find "$dest" -mindepth 1 -maxdepth 1 ! -name opt)"
name=$(snmptranslate -M "$dest/opt/oomw/share/snmp/mibs:$dest/opt/oomw/share/oomwatch/mibs" -m OOMWATCH-MIB \
	-On OOMWATCH-MIB::oomwKillNotification 2>&1)
check "the installed MIB and base modules resolve names" test "$name" = .1.3.6.1.4.1.32473.0.1
check "HCNUM-TC is installed with the base modules, and resolves the sizes' CounterBasedGauge64" \
	grep -q 'TEXTUAL CONVENTION CounterBasedGauge64' <<<"$(snmptranslate \
		-M "$dest/opt/oomw/share/snmp/mibs:$dest/opt/oomw/share/oomwatch/mibs" -m OOMWATCH-MIB \
		-Td OOMWATCH-MIB::oomwMemTotal 2>&1)"
[ -n "$out" ] && diag "$out"
done_testing
