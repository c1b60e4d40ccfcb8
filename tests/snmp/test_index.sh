#!/bin/bash
# SPDX-License-Identifier: MIT
# oomwCgroupTable is indexed by the cgroup's path (IMPLIED OCTET STRING): on a
# fixture /sys tree, cgroups are created and removed between two walks and
# every cgroup still there keeps its row; the index spells the path; rows come
# in strictly increasing OID order; a path too long for an OID is left out and
# counted in oomwCgroupsUnindexed.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/snmp/snmp_env.sh

skip_if "$(snmp_unavailable)"
snmp_env_init
FX=tests/fixtures
SYS=$SNMP_TMP/sys
cp -r "$FX/sys-cgroup-v2" "$SYS"
CG=$SYS/fs/cgroup
printf 'interval 1s\ncandidates 0\ncgroup /*\ncgroup /system.slice/*\n' >"$SNMP_TMP/agent.conf"

snmp_start_snmpd || { not_ok "snmpd starts"; done_testing; }
snmp_start_agent -c "$SNMP_TMP/agent.conf" --proc "$FX/proc-linux-6.18" --sys "$SYS" \
	--kmsg "$FX/kernel-log/linux-6.18-memcg-v1.kmsg" --state "$SNMP_TMP/agent.state"
check "the agent registers" snmp_wait_registered 10

PATH_OID=.1.3.6.1.4.1.32473.1.7.1.2
# "INDEX<TAB>PATH" per row of oomwCgroupPath, in walk order; exits 1 when an
# index does not spell its row's path byte for byte.
rows() {
	snmpwalk -v2c -c public -t 2 -r 1 -M "$SNMP_MIBDIRS" -m OOMWATCH-MIB -On -Cc "127.0.0.1:$SNMP_PORT" "$PATH_OID" |
		python3 -c '
import sys
prefix = sys.argv[1] + "."
bad = 0
for line in sys.stdin:
    name, _, value = line.rstrip("\n").partition(" = STRING: ")
    if not name.startswith(prefix):
        continue
    value = value.strip("\"")
    index = name[len(prefix):]
    if "".join(chr(int(s)) for s in index.split(".")) != value:
        bad = 1
    print(index + "\t" + value)
sys.exit(bad)' "$PATH_OID"
}
# The agent samples every second: wait until the table says `want` of path.
wait_rows() {
	local i
	for i in $(seq 60); do
		rows | cut -f2 | grep -qxF -- "$1" && [ "$2" = present ] && return 0
		rows | cut -f2 | grep -qxF -- "$1" || { [ "$2" = absent ] && return 0; }
		sleep 0.1
	done
	return 1
}
spelled() { rows >/dev/null; }
check "every index spells its row's path" spelled
before=$(rows)
check "the fixture's cgroups are rows" grep -qxF "$(printf '/system.slice/mysql.service')" <<<"$(cut -f2 <<<"$before")"
check "the root's children are rows" grep -qxF /kubepods.slice <<<"$(cut -f2 <<<"$before")"

# Strictly increasing, numerically, sub-identifier by sub-identifier.
increasing() {
	python3 -c '
import sys
prev = None
for line in sys.stdin:
    cur = [int(s) for s in line.split("\t")[0].split(".")]
    if prev is not None and not prev < cur:
        sys.exit(1)
    prev = cur'
}
check "rows come in strictly increasing OID order" increasing <<<"$before"

# Between two walks: one cgroup goes, three come (one sorting before, one
# after the others, one with a path too long for an index).
rm -r "$CG/system.slice/mysql.service"
LONG=/system.slice/$(printf 'x%.0s' $(seq 120)).service
for d in /system.slice/a.service /system.slice/zz.service "$LONG"; do
	mkdir "$CG$d"
	cp "$FX/sys-cgroup-v2/fs/cgroup/system.slice/mysql.service/"memory.* "$CG$d/"
done
check "the new cgroup appears" wait_rows /system.slice/zz.service present
check "the removed cgroup is gone" wait_rows /system.slice/mysql.service absent
after=$(rows)
check "every index still spells its row's path" spelled
kept=0 moved=0
while IFS=$'\t' read -r index path; do
	[ "$path" = /system.slice/mysql.service ] && continue
	kept=$((kept + 1))
	grep -qxF "$index	$path" <<<"$after" || moved=$((moved + 1))
done <<<"$before"
check "each of the $kept remaining cgroups keeps its index" test "$kept" -gt 2 -a "$moved" -eq 0
check "the new cgroups are rows" test "$(grep -cE $'\t/system.slice/(a|zz).service$' <<<"$after")" -eq 2
check "rows still come in strictly increasing OID order" increasing <<<"$after"
check "the ${#LONG}-byte path is no row" test -z "$(grep -F "$LONG" <<<"$after")"
check "oomwCgroupsUnindexed counts it" test "$(snmp_value oomwCgroupsUnindexed.0)" = 1
check "a row answers GET by its path" \
	grep -q '= STRING: "\?/system.slice/a.service"\?$' <<<"$(snmp_get "$PATH_OID.$(printf '/system.slice/a.service' | od -An -tu1 | xargs | tr ' ' .)")"
check "a path that is no row answers noSuchInstance" \
	grep -q 'No Such Instance' <<<"$(snmp_get "$PATH_OID.$(printf '/nothing' | od -An -tu1 | xargs | tr ' ' .)")"
done_testing
