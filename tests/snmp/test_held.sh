#!/bin/bash
# SPDX-License-Identifier: MIT
# Before the kill: a cgroup of a fake v2 tree whose memory.events max count
# rises between samples is held at its limit. A real snmptrapd receives
# exactly one oomwCgroupHeldNotification naming it (its path, the limit hits
# since the last sample, its own memory.pressure, the likeliest victim among
# the candidates, the core's sentence) while the count keeps rising, and
# exactly one oomwCgroupReleasedNotification once it stops; the cgroup table
# shows the held state meanwhile.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/snmp/snmp_env.sh

skip_if "$(snmp_unavailable)"
snmp_env_init
P=$SNMP_TMP/proc S=$SNMP_TMP/sys
# The processes of proc-candidates; pid 1300 (oom_score 650, named
# "x) S 0 0 0 0 -1 2129984 (" to fool a parser of /proc/PID/stat) lives in /app/worker.
cp -r tests/fixtures/proc-candidates "$P"
echo '0::/app/worker' >"$P/1300/cgroup"
mkdir -p "$P/sys/kernel/random" "$S/fs/cgroup/app"
echo "5b0e4f0e-8f7c-4d84-9d4e-7a3c2b1f0a99" >"$P/sys/kernel/random/boot_id"
printf 'cpu  0 0 0 0 0 0 0 0 0 0\nbtime 1\n' >"$P/stat"
echo "oom_kill 0" >"$P/vmstat"
echo "memory pids" >"$S/fs/cgroup/cgroup.controllers"
events() {
	printf 'low 0\nhigh 0\nmax %d\noom 0\noom_kill 0\n' "$1" >"$S/fs/cgroup/app/memory.events.new"
	mv "$S/fs/cgroup/app/memory.events.new" "$S/fs/cgroup/app/memory.events"
}
events 0
echo 67108864 >"$S/fs/cgroup/app/memory.current"
echo 67108864 >"$S/fs/cgroup/app/memory.max"
printf 'some avg10=3.20 avg60=1.00 avg300=0.20 total=123456\nfull avg10=1.00 avg60=0.50 avg300=0.10 total=65432\n' \
	>"$S/fs/cgroup/app/memory.pressure"
printf 'interval 1s\ncandidates 5\ncgroup /app\nkmsg none\n' >"$SNMP_TMP/agent.conf"

snmp_start_snmpd || { not_ok "snmpd starts"; done_testing; }
snmp_start_trapd
snmp_start_agent -c "$SNMP_TMP/agent.conf" --proc "$P" --sys "$S" --state "$SNMP_TMP/agent.state"
check "the agent registers on the fake machine" snmp_wait_registered 10

APP=$(printf '/app' | od -An -tu1 | xargs | tr ' ' .) # the IMPLIED index of /app
cell() { snmp_value "OOMWATCH-MIB::$1.$APP" 2>&1; }
traps() { grep -c "$1" "$SNMP_TMP/traps.log"; }
wait_trap() {
	local i
	for i in $(seq 100); do
		[ "$(traps "$1")" -ge 1 ] && return 0
		sleep 0.1
	done
	return 1
}

sleep 2.5 # the baseline samples
# oomwSampleTime is a DateAndTime in UTC ("2026-11-29,11:40:3.4,+0:0"), a second or so old.
sample_age() {
	python3 -c '
import calendar, re, sys, time
m = re.fullmatch(r"(\d+)-(\d+)-(\d+),(\d+):(\d+):(\d+)\.(\d),\+0:0", sys.argv[1])
t = calendar.timegm(tuple(int(g) for g in m.groups()[:6])) + int(m.group(7)) / 10
print(abs(time.time() - t) < 3)' "$(snmp_value oomwSampleTime.0)"
}
check "oomwSampleTime is this moment, in UTC" test "$(sample_age)" = True
check "no held notification while the count does not move" test "$(traps oomwCgroupHeldNotification)" -eq 0
check "oomwCgroupHeld is false" test "$(cell oomwCgroupHeld)" = false
check "oomwCgroupRecentLimitHits is 0" test "$(cell oomwCgroupRecentLimitHits)" = 0

# The count rises faster than the agent samples, for a few samples.
(for n in $(seq 5 5 60); do events "$n"; sleep 0.25; done) &
riser=$!
check "a rising max count: one oomwCgroupHeldNotification" wait_trap oomwCgroupHeldNotification
held=$(grep oomwCgroupHeldNotification "$SNMP_TMP/traps.log")
check "it carries the path" grep -q 'oomwCgroupPath[^=]*= STRING: "\?/app"\?' <<<"$held"
check "the limit hits since the last sample (Gauge32)" grep -qE 'oomwCgroupRecentLimitHits[^=]*= Gauge32: [1-9]' <<<"$held"
check "its memory pressure, 3.20 %" grep -q 'oomwCgroupPressure[^=]*= Gauge32: 3.20' <<<"$held"
check "the likeliest victim, pid 1300 in /app/worker" grep -q 'oomwCgroupVictimPid[^=]*= Gauge32: 1300' <<<"$held"
check "its name" grep -qF "oomwCgroupVictimName.'/app' = STRING: x) S 0 0 0 0 -1 2129984 (" <<<"$held"
hits=$(sed -E 's/.*oomwCgroupRecentLimitHits[^=]*= Gauge32: ([0-9]+).*/\1/' <<<"$held")
check "the core's sentence, as the agent logged it" grep -qF "oomwCgroupHeldText.'/app' = STRING: $(grep -m1 'held at its limit:' "$SNMP_TMP/agent.log")" <<<"$held"
check "which names it all" grep -qF "cgroup /app held at its limit: $hits limit hits since the last sample, memory pressure 3.20%; likeliest victim x) S 0 0 0 0 -1 2129984 ( (pid 1300, 400 KiB)" "$SNMP_TMP/agent.log"
check "no Counter64 in it (an SNMPv1 trap can carry it)" bash -c '! grep -q Counter64 <<<"$1"' _ "$held"
check "oomwCgroupHeld is true while held" test "$(cell oomwCgroupHeld)" = true
check "oomwCgroupVictimPid is 1300 while held" test "$(cell oomwCgroupVictimPid)" = 1300
check "oomwCgroupHeldText says it" grep -q 'held at its limit' <<<"$(cell oomwCgroupHeldText)"
wait "$riser"
check "said once while held" test "$(traps oomwCgroupHeldNotification)" -eq 1

check "the count stops: one oomwCgroupReleasedNotification" wait_trap oomwCgroupReleasedNotification
released=$(grep oomwCgroupReleasedNotification "$SNMP_TMP/traps.log")
check "it carries the path" grep -q 'oomwCgroupPath[^=]*= STRING: "\?/app"\?' <<<"$released"
check "and oomwCgroupHeld false" grep -q 'oomwCgroupHeld[^=]*= INTEGER: false' <<<"$released"
sleep 2
check "said once" test "$(traps oomwCgroupReleasedNotification)" -eq 1
check "still one held notification" test "$(traps oomwCgroupHeldNotification)" -eq 1
check "oomwCgroupHeld is false again" test "$(cell oomwCgroupHeld)" = false
check "oomwCgroupVictimPid is absent when not held" grep -q 'No Such Instance' <<<"$(cell oomwCgroupVictimPid)"
check "the agent logged both" \
	test "$(grep -c 'cgroup /app held at its limit\|cgroup /app no longer held at its limit' "$SNMP_TMP/agent.log")" -eq 2
done_testing
