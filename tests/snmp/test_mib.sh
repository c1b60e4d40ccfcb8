#!/bin/bash
# SPDX-License-Identifier: MIT
# OOMWATCH-MIB: smilint at level 6 prints nothing (it exits 0 even on errors,
# so the output is what is tested), and net-snmp's own parser resolves every
# object the agent serves to the OID the agent uses.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh

MIB=plugins/snmp/OOMWATCH-MIB.txt
# The IETF base modules ship with the source (Debian has none); a system copy also works.
BASE=plugins/snmp/mibs
[ -f "$BASE/SNMPv2-SMI.txt" ] || BASE=/usr/share/snmp/mibs/ietf
[ -f "$BASE/SNMPv2-SMI.txt" ] || skip_all "no SNMPv2-SMI (neither plugins/snmp/mibs nor /usr/share/snmp/mibs/ietf)"
command -v smilint >/dev/null || skip_all "smilint is not installed (Debian package smitools; make deps)"

out=$(SMIPATH=$BASE smilint -s -l 6 "$MIB" 2>&1)
if [ -z "$out" ]; then ok "smilint -s -l 6 prints nothing"; else
	mapfile -t lines <<<"$out"
	not_ok "smilint -s -l 6 prints nothing" "${lines[@]}"
fi

# Strict: a smilint that cannot find an import says so at level 6 too; make
# sure it really parsed the module (one identity, seven notifications).
dump=$(SMIPATH=$BASE smidump -f identifiers "$MIB" 2>&1)
check "smidump sees the module identity at enterprises.32473" grep -qE 'oomwatchMIB +node +1\.3\.6\.1\.4\.1\.32473$' <<<"$dump"
check "seven notifications" test "$(grep -c 'notification' <<<"$dump")" -eq 7

trans() { snmptranslate -M "plugins/snmp:$BASE" -m OOMWATCH-MIB -On "OOMWATCH-MIB::$1" 2>&1; }
# The OIDs the agent hard-codes (plugins/snmp/agent_mib.c, agent_trap.c), by name.
while read -r name oid; do
	got=$(trans "$name")
	if [ "$got" = "$oid" ]; then ok "$name is $oid"; else not_ok "$name is $oid" "snmptranslate: $got"; fi
done <<'OIDS'
oomwKillNotification .1.3.6.1.4.1.32473.0.1
oomwLowMemoryNotification .1.3.6.1.4.1.32473.0.2
oomwMemoryRecoveredNotification .1.3.6.1.4.1.32473.0.3
oomwKillsAtUnknownTimeNotification .1.3.6.1.4.1.32473.0.4
oomwUserspaceKillNotification .1.3.6.1.4.1.32473.0.5
oomwCgroupHeldNotification .1.3.6.1.4.1.32473.0.6
oomwCgroupReleasedNotification .1.3.6.1.4.1.32473.0.7
oomwMemTotal .1.3.6.1.4.1.32473.1.1.1
oomwMemAvailablePct .1.3.6.1.4.1.32473.1.1.8
oomwPsiFullTotal .1.3.6.1.4.1.32473.1.2.8
oomwKillCount .1.3.6.1.4.1.32473.1.3.1
oomwLastKillIndex .1.3.6.1.4.1.32473.1.3.7
oomwUserspaceKillCount .1.3.6.1.4.1.32473.1.3.8
oomwSampleTime .1.3.6.1.4.1.32473.1.4.4
oomwCgroupsUnindexed .1.3.6.1.4.1.32473.1.4.5
oomwMemTotalMiB .1.3.6.1.4.1.32473.1.1.9
oomwCommitLimitMiB .1.3.6.1.4.1.32473.1.1.15
oomwKillCount32 .1.3.6.1.4.1.32473.1.3.9
oomwKillTime .1.3.6.1.4.1.32473.1.5.1.2
oomwKillOomScoreAdj .1.3.6.1.4.1.32473.1.5.1.15
oomwKillWhy .1.3.6.1.4.1.32473.1.5.1.16
oomwKillPodQos .1.3.6.1.4.1.32473.1.5.1.21
oomwKillKiller .1.3.6.1.4.1.32473.1.5.1.22
oomwKillKillerDetail .1.3.6.1.4.1.32473.1.5.1.23
oomwCandidateRss .1.3.6.1.4.1.32473.1.6.1.6
oomwCgroupUnderOom .1.3.6.1.4.1.32473.1.7.1.6
oomwCgroupLimitHits .1.3.6.1.4.1.32473.1.7.1.7
oomwCgroupHeld .1.3.6.1.4.1.32473.1.7.1.8
oomwCgroupRecentLimitHits .1.3.6.1.4.1.32473.1.7.1.9
oomwCgroupPressure .1.3.6.1.4.1.32473.1.7.1.10
oomwCgroupVictimPid .1.3.6.1.4.1.32473.1.7.1.11
oomwCgroupVictimName .1.3.6.1.4.1.32473.1.7.1.12
oomwCgroupHeldText .1.3.6.1.4.1.32473.1.7.1.13
OIDS

# Sizes are 64-bit (a 16 TiB host is 17179869184 KiB, beyond Unsigned32) and
# gauges: HCNUM-TC's CounterBasedGauge64, which NMS tools do not rate.
td() { snmptranslate -M "plugins/snmp:$BASE" -m OOMWATCH-MIB -Td "OOMWATCH-MIB::$1" 2>&1; }
for o in oomwMemTotal oomwMemAvailable oomwSwapFree oomwCommitLimit oomwKillAnonRss oomwCandidateRss \
	oomwCgroupUsage oomwCgroupLimit; do
	check "$o is a CounterBasedGauge64 (Counter64)" \
		grep -qz 'TEXTUAL CONVENTION CounterBasedGauge64.*SYNTAX.Counter64' <<<"$(td $o)"
done
check "HCNUM-TC ships with the source (Debian has none)" test -f plugins/snmp/mibs/HCNUM-TC.txt
check "the MiB twins are Gauge32" grep -q 'SYNTAX.Gauge32' <<<"$(td oomwMemAvailableMiB)"
check "oomwKillCount32 is a Counter32" grep -q 'SYNTAX.Counter32' <<<"$(td oomwKillCount32)"
done_testing
