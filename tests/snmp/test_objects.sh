#!/bin/bash
# SPDX-License-Identifier: MIT
# Every accessible object OOMWATCH-MIB defines is served: the OBJECT-TYPE
# names are parsed out of the MIB itself (so a new object that the agent does
# not serve fails here), and one walk of oomwatchMIB, on a fixture machine
# that has every source (a kernel log with kills, candidates, cgroup v1 with
# under_oom), must hold at least one instance of each. GETNEXT order over the
# whole subtree is strictly increasing (snmpwalk -Cc lets the agent answer
# out of order; the OIDs are compared here, numerically).
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/snmp/snmp_env.sh

skip_if "$(snmp_unavailable)"
snmp_env_init
FX=tests/fixtures
MIB=plugins/snmp/OOMWATCH-MIB.txt
P=$SNMP_TMP/proc
# The 6.18 numbers with PSI, and the processes of proc-candidates.
cp -r "$FX/proc-candidates" "$P"
cp -r "$FX/proc-linux-6.18/." "$P/"
grep '^btime ' /proc/stat >"$P/stat"
printf 'interval 1s\ncandidates 3\nkill_window 0\ncgroup /*\n' >"$SNMP_TMP/agent.conf"

snmp_start_snmpd || { not_ok "snmpd starts"; done_testing; }
snmp_start_agent -c "$SNMP_TMP/agent.conf" --proc "$P" --sys "$FX/sys-cgroup-v1" \
	--kmsg "$FX/kernel-log/linux-6.18-memcg-v1.kmsg" --state "$SNMP_TMP/agent.state"
check "the agent registers" snmp_wait_registered 10

# The accessible OBJECT-TYPEs: a name, then its MAX-ACCESS (not-accessible
# tables, entries and indexes are not served by definition).
mapfile -t objects < <(awk '$2 == "OBJECT-TYPE" { name = $1 }
	$1 == "MAX-ACCESS" && name != "" { if ($2 != "not-accessible") print name; name = "" }' "$MIB")
check "the MIB defines more than 60 accessible objects (the parse worked): ${#objects[@]}" test "${#objects[@]}" -gt 60

walk=$(snmpwalk -v2c -c public -t 2 -r 1 -M "$SNMP_MIBDIRS" -m OOMWATCH-MIB -On -Cc "127.0.0.1:$SNMP_PORT" \
	.1.3.6.1.4.1.32473 2>&1 | awk '{ print $1 }')
# Served only for a userspace killer's kill (systemd-oomd, earlyoom), which a
# kernel log does not hold: tests/snmp/test_journal.sh reads it from a journal.
# Served from a cgroup's second sample, from cgroup v2's memory.pressure, and
# while a cgroup is held at its limit: tests/snmp/test_held.sh.
elsewhere=" oomwKillKillerDetail oomwCgroupRecentLimitHits oomwCgroupPressure oomwCgroupVictimPid oomwCgroupVictimName "
missing=()
for name in "${objects[@]}"; do
	[[ $elsewhere == *" $name "* ]] && continue
	oid=$(snmptranslate -M "$SNMP_MIBDIRS" -m OOMWATCH-MIB -On "OOMWATCH-MIB::$name" 2>&1)
	grep -qF -- "$oid." <<<"$walk" || missing+=("$name ($oid)")
done
if [ "${#missing[@]}" -eq 0 ]; then ok "each of the ${#objects[@]} accessible objects has an instance in the walk"
else not_ok "each of the ${#objects[@]} accessible objects has an instance in the walk" "not served:" "${missing[@]}"; fi

increasing() {
	python3 -c '
import sys
prev = None
for line in sys.stdin:
    cur = [int(s) for s in line.strip().lstrip(".").split(".")]
    if prev is not None and not prev < cur:
        print("not increasing: %s then %s" % (".".join(map(str, prev)), ".".join(map(str, cur))))
        sys.exit(1)
    prev = cur'
}
check "GETNEXT over the whole subtree: $(wc -l <<<"$walk") OIDs in strictly increasing order" increasing <<<"$walk"
done_testing
