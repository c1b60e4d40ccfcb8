#!/bin/bash
# SPDX-License-Identifier: MIT
# oomwatch-agent on a fake machine (--proc, --sys, --kmsg): a 16 TiB host is
# served without overflow, kills from a log of hostile process names come out
# as valid DisplayStrings that keep every byte, and a malformed or missing
# /proc file makes its objects absent (not 0) until it is readable again.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/snmp/snmp_env.sh

skip_if "$(snmp_unavailable)"
snmp_env_init
P=$SNMP_TMP/proc
mkdir -p "$P/pressure" "$SNMP_TMP/sys"
TIB16_KIB=17179869184
# MemAvailable: 12 TiB (75 %) unless given.
write_meminfo() {
	cat >"$P/meminfo" <<MEM
MemTotal:       $TIB16_KIB kB
MemFree:        8589934592 kB
MemAvailable:   ${1:-12884901888} kB
Buffers:        1024 kB
Cached:         2048 kB
SwapTotal:      0 kB
SwapFree:       0 kB
CommitLimit:    8589934592 kB
Committed_AS:   4294967296 kB
MEM
}
write_meminfo
# Three more kills than the log names: counted, without details, dated at
# boot (this machine's, as the log's timestamps are relative to it).
echo 'oom_kill 10' >"$P/vmstat"
grep '^btime ' /proc/stat >"$P/stat"
cat >"$P/pressure/memory" <<'PSI'
some avg10=12.34 avg60=5.00 avg300=1.00 total=123456789
full avg10=0.50 avg60=0.10 avg300=0.00 total=4567
PSI
# A copy: a kill is appended to it below.
LOG=$SNMP_TMP/kmsg
cp tests/fixtures/kernel-log-hostile/hostile-names.kmsg "$LOG"
# kill_window 0: on a freshly booted machine the log's kills would be recent.
# Below 80 % available is a warning (a bare value on available memory means
# "below", as in check_oom and collectd): the 75 % of the fake machine is one.
printf 'interval 1s\ncandidates 0\nkill_table_size 7\nkill_window 0\navailable_warning 80%%\n' >"$SNMP_TMP/agent.conf"

snmp_start_snmpd || { not_ok "snmpd starts"; done_testing; }
snmp_start_trapd
snmp_start_agent -c "$SNMP_TMP/agent.conf" --proc "$P" --sys "$SNMP_TMP/sys" --kmsg "$LOG" \
	--state "$SNMP_TMP/agent.state"
check "the agent registers on the fake machine" snmp_wait_registered 10
num() { snmp_value "$1" | awk '{ print $1 }'; }

check "oomwMemTotal of a 16 TiB host: $TIB16_KIB KiB, no overflow" test "$(num oomwMemTotal.0)" = "$TIB16_KIB"
check "oomwMemAvailable 12 TiB" test "$(num oomwMemAvailable.0)" = 12884901888
check "oomwMemAvailablePct 75.00" test "$(num oomwMemAvailablePct.0)" = 75.00
check "oomwPsiSomeAvg10 12.34 (hundredths)" test "$(num oomwPsiSomeAvg10.0)" = 12.34
check "oomwPsiSomeTotal in microseconds" test "$(num oomwPsiSomeTotal.0)" = 123456789
check "oomwKillCount is the fake vmstat's 10" test "$(num oomwKillCount.0)" = 10
check "oomwKillsWithoutDetails is the 3 the log does not name" test "$(num oomwKillsWithoutDetails.0)" = 3

# SNMPv1 cannot carry Counter64: the 32-bit twins, read with snmpget -v1.
v1() { snmpget -v1 -c public -t 2 -r 1 -M "$SNMP_MIBDIRS" -m OOMWATCH-MIB -Oqv "127.0.0.1:$SNMP_PORT" "$@" 2>&1; }
check "SNMPv1 reads no Counter64 (oomwMemTotal is refused)" grep -q 'noSuchName' <<<"$(v1 oomwMemTotal.0)"
got=$(v1 oomwMemTotalMiB.0 oomwMemAvailableMiB.0 oomwMemFreeMiB.0 oomwSwapTotalMiB.0 oomwSwapFreeMiB.0 \
	oomwCommittedMiB.0 oomwCommitLimitMiB.0 oomwKillCount32.0 | awk '{ print $1 }' | xargs)
check "snmpget -v1 reads the MiB twins (16 TiB = 16777216 MiB) and oomwKillCount32: $got" \
	test "$got" = "16777216 12582912 8388608 0 0 4194304 8388608 10"
v1walk=$(snmpwalk -v1 -c public -t 2 -r 1 -M "$SNMP_MIBDIRS" -m OOMWATCH-MIB "127.0.0.1:$SNMP_PORT" oomwatchMIB 2>&1)
check "snmpwalk -v1 of the whole MIB passes over the 64-bit objects and finds the twins" \
	test -z "$(grep -E 'Counter64|^Error|^Timeout' <<<"$v1walk")" -a -n "$(grep 'oomwKillCount32.0 = Counter32: 10' <<<"$v1walk")"
check "the twins are Gauge32 and Counter32" \
	test "$(snmpget -v1 -c public -M "$SNMP_MIBDIRS" -m OOMWATCH-MIB "127.0.0.1:$SNMP_PORT" oomwMemTotalMiB.0 oomwKillCount32.0 |
		grep -cE '^OOMWATCH-MIB::(oomwMemTotalMiB.0 = Gauge32: 16777216 MiB|oomwKillCount32.0 = Counter32: 10)$')" = 2

# What the kill table must show: the fixture's names (tsv-escaped) decoded to
# bytes, then escaped as the MIB says (< 0x20, >= 0x7f and '\' as \xNN).
expected=$(python3 - "$LOG" <<'PY'
import re, sys
for line in open("tests/fixtures/kernel-log-hostile/expected.tsv", encoding="latin-1"):
    f = line.rstrip("\n").split("\t")
    if f[0] != "hostile-names.kmsg":
        continue
    raw = b"" if f[2] == "-" else re.sub(rb"\\x([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]),
                                         f[2].encode("latin-1"))
    out = "".join(chr(b) if 0x20 <= b < 0x7f and b != 0x5c else "\\x%02x" % b for b in raw)
    print(f[1] + "\t" + out)
PY
)
rows=$(snmp_walk oomwKillPid | grep -c ' = ')
check "oomwKillTable (7 rows) holds the log's 7 named kills, the most recent" \
	test "$rows" -eq 7 -a "$(snmp_walk oomwKillHasDetails | grep -c 'true(1)')" -eq 7
while IFS=$'\t' read -r pid name; do
	index=$(snmp_walk oomwKillPid | grep -E "= Gauge32: $pid\$" | sed -E 's/.*oomwKillPid\.([0-9]+) .*/\1/')
	got=$(snmpget -v2c -c public -M "$SNMP_MIBDIRS" -m OOMWATCH-MIB -Oqv -Oa "127.0.0.1:$SNMP_PORT" "oomwKillName.${index:-0}")
	# snmpget quotes a value that is empty or contains spaces.
	[ "${got:0:1}" = '"' ] && got=${got:1:${#got}-2}
	if [ "$got" = "$name" ]; then ok "pid $pid: name served as '$name'"; else not_ok "pid $pid: name served as '$name'" "got '$got'"; fi
	check "pid $pid: the name is printable ASCII" test -z "$(LC_ALL=C grep '[^ -~]' <<<"$got")"
done <<<"$expected"

# A new kill in a cgroup whose name holds a newline and text that imitates a
# log line: the agent's log and the notification carry it escaped.
echo 'oom_kill 11' >"$P/vmstat"
cat >>"$LOG" <<'KMSG'
6,40,9000000,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/ev\x0aoomwatch-agent: forged,task_memcg=/ev\x0aoomwatch-agent: forged,task=z,pid=41,uid=0
3,41,9000040,-;Memory cgroup out of memory: Killed process 41 (z) total-vm:8kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0
KMSG
wait_kill_trap() { local i; for i in $(seq 60); do snmp_kill_traps 41 >/dev/null && return 0; sleep 0.05; done; return 1; }
check "a kill appended to the log is notified" wait_kill_trap
check "the notification carries its cgroup escaped" grep -qE 'oomwKillTaskMemcg\.[0-9]+ = STRING: /ev\\x0aoomwatch-agent: forged([[:space:]]|$)' <<<"$(snmp_kill_traps 41)"
check "the notification says why, escaped" grep -qF 'Cgroup /ev\x0aoomwatch-agent: forged hit its memory limit; z (pid 41, 1 KiB resident) was killed; the log lists no other tasks.' <<<"$(snmp_kill_traps 41)"
check "the notification gives the remedy" grep -qF 'Raise memory.max (v1: memory.limit_in_bytes) of cgroup /ev\x0aoomwatch-agent: forged, or make z use less.' <<<"$(snmp_kill_traps 41)"
check "oomwKillWhy and oomwKillRemedy for every named kill in the table" \
	test "$(snmp_walk oomwKillWhy | grep -c ' = ')" -eq 7 -a "$(snmp_walk oomwKillRemedy | grep -c ' = ')" -eq 7
check "the agent logs the kill with the cgroup escaped" grep -qF 'z (pid 41, 1 KiB, /ev\x0aoomwatch-agent: forged) at ' "$SNMP_TMP/agent.log"
check "and no forged line reaches its log" test -z "$(grep '^oomwatch-agent: forged' "$SNMP_TMP/agent.log")"

check "75 % available is a warning: oomwLowMemoryNotification" grep -q 'oomwLowMemoryNotification' "$SNMP_TMP/traps.log"

# A malformed meminfo: its objects disappear, the status says unknown.
printf 'MemTotal: lots\n' >"$P/meminfo"
sleep 1.5
check "malformed meminfo: oomwMemTotal is absent, not 0" grep -q 'No Such Instance' <<<"$(snmp_get oomwMemTotal.0)"
check "malformed meminfo: its SNMPv1 twin oomwMemTotalMiB is absent too" grep -q 'No Such Instance' <<<"$(snmp_get oomwMemTotalMiB.0)"
check "malformed meminfo: oomwStatus unknown" test "$(snmp_value oomwStatus.0)" = "unknown"
check "oomwStatusText says why, in the core's words" grep -q "^\"\\?UNKNOWN: cannot read $P/meminfo: " <<<"$(snmp_value oomwStatusText.0)"
check "the agent logged it once" test "$(grep -c "^cannot read $P/meminfo: " "$SNMP_TMP/agent.log")" -eq 1
check "the rest is still served (oomwKillCount)" test "$(num oomwKillCount.0)" = 11
rm "$P/pressure/memory"
sleep 1.5
check "PSI gone: oomwPsiFullAvg10 is absent" grep -q 'No Such Instance' <<<"$(snmp_get oomwPsiFullAvg10.0)"
# Readable again, and 90 % available: back from warning, through unknown, to ok.
write_meminfo 15461882265
sleep 1.5
check "meminfo readable again: oomwMemTotal is back" test "$(num oomwMemTotal.0)" = "$TIB16_KIB"
check "oomwStatus ok" test "$(snmp_value oomwStatus.0)" = ok
check "the recovery from the warning before the unreadable spell is notified" \
	grep -q 'oomwMemoryRecoveredNotification.*oomwStatus.0 = INTEGER: ok(1)' "$SNMP_TMP/traps.log"
check "and logged that it is readable again" grep -q "^resolved: cannot read $P/meminfo: " "$SNMP_TMP/agent.log"
# 4 PiB (2^42 KiB, 2^32 MiB): one beyond Gauge32, the twin holds at its maximum.
sed -i 's/^MemTotal: .*/MemTotal:       4398046511104 kB/' "$P/meminfo"
sleep 1.5
check "4 PiB: oomwMemTotalMiB holds at 4294967295 (v1), oomwMemTotal is exact" \
	test "$(v1 oomwMemTotalMiB.0 | awk '{ print $1 }') $(num oomwMemTotal.0)" = "4294967295 4398046511104"
check "the agent is still running" kill -0 "$AGENT_PID"
done_testing
