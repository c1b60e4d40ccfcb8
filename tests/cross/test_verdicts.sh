#!/bin/bash
# SPDX-License-Identifier: MIT
# One fake machine, the same threshold strings, three front ends: check_oom, a
# real collectd with oomwatch.so, and oomwatch-agent under a private snmpd
# with snmptrapd. On every log of tests/fixtures/kernel-log (its kills are
# expected.tsv's rows, and the fake vmstat counts as many) they must agree:
# the status, which victims are told (pid and name), and the cgroup each names
# (task memcg, else the OOM memcg). Then low memory: all three say WARNING.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/nagios/lib.sh
source tests/collectd/lib.sh
source tests/snmp/snmp_env.sh

skip_if "$(cd_unavailable)"
skip_if "$(snmp_unavailable)"
cd_setup
snmp_env_init
trap 'cd_cleanup; snmp_env_cleanup; cleanup_tmp' EXIT
fixtures=$ROOT/tests/fixtures/kernel-log

# The same strings for every front end. The logs are years old or dated by
# the fake machine's btime (the epoch): a window of a century holds all their
# kills, whatever the host's clock or uptime.
MEM_WARNING=10%
MEM_CRITICAL=5%
WINDOW=36500d
# Booted at the epoch: no dated line of these logs is from an earlier boot.
FX_BOOT_AGE_SEC=$(($(date +%s) - 1))
M=$TMP/machine

snmp_start_snmpd || { not_ok "snmpd starts"; done_testing; }
snmp_start_trapd

# check_oom, first run (no state file): sets OUT and RC.
run_nagios() {
	run_check --proc "$M/proc" --sys "$M/sys" --kmsg "$1" --state "$TMP/check_oom.state.$2" \
		--window "$WINDOW" --mem-warning "$MEM_WARNING" --mem-critical "$MEM_CRITICAL" -v
}

start_collectd() {
	rm -f "$CD_LOG" "$CD_STATE"
	rm -rf "$CD_DIR/csv"
	cd_conf "ProcPath \"$M/proc\"" "SysPath \"$M/sys\"" "KmsgPath \"$1\"" "StateFile \"$CD_STATE\"" \
		"KillWindow \"$WINDOW\"" "MemAvailableWarning \"$MEM_WARNING\"" \
		"MemAvailableCritical \"$MEM_CRITICAL\""
	cd_start
}

start_agent() {
	rm -f "$SNMP_TMP/agent.state" "$SNMP_TMP/agent.log"
	: >"$SNMP_TMP/traps.log"
	printf 'interval 1s\ncandidates 0\nkill_window %s\navailable_warning %s\navailable_critical %s\n' \
		"$WINDOW" "$MEM_WARNING" "$MEM_CRITICAL" >"$SNMP_TMP/agent.conf"
	snmp_start_agent -c "$SNMP_TMP/agent.conf" --proc "$M/proc" --sys "$M/sys" --kmsg "$1" \
		--state "$SNMP_TMP/agent.state"
}

stop_agent() {
	local keep=() p
	kill "$AGENT_PID" 2>/dev/null
	wait "$AGENT_PID" 2>/dev/null
	for p in "${SNMP_PIDS[@]}"; do [ "$p" = "$AGENT_PID" ] || keep+=("$p"); done
	SNMP_PIDS=("${keep[@]}")
}

# Waits until collectd has sent N notifications of SEVERITY and read once
# (a CSV value of the plugin), then half a second for a wrong extra one.
wait_collectd() {
	local n=$1 sev=$2 i
	for i in $(seq 100); do
		[ "$(grep -c "severity = $sev" "$CD_LOG" 2>/dev/null)" -ge "$n" ] && break
		sleep 0.1
	done
	cd_wait_file 'oomwatch/*' 10
	sleep 0.5
}

# Waits until the agent is registered and has sent N kill traps.
wait_agent() {
	local n=$1 i
	snmp_wait_registered 10 || return 1
	for i in $(seq 100); do
		[ "$(grep -c oomwKillNotification "$SNMP_TMP/traps.log")" -ge "$n" ] && break
		sleep 0.1
	done
	sleep 0.5
}

# "pid comm cgroup" per told kill, sorted, from each front end.
nagios_victims() {
	# "(pid, size, cgroup)", or the scope ("global OOM") where no cgroup is known
	printf '%s\n' "$OUT" | sed -nE 's/^kill #[0-9]+: (.*) \(pid ([0-9]+), ([^,]*, )?([^,)]*)\) at .*/\2 \1 \4/p' |
		sed -E 's/ [a-z]+ OOM$/ ?/' | sort
}
collectd_victims() {
	sed -nE 's/.*severity = FAILURE, .*message = OOM killer killed process "(.*)" \(pid ([0-9]+), [^)]*\) at .*: [a-z]+ OOM in cgroup (.*)$/\2 \1 \3/p' \
		"$CD_LOG" | sort
}
agent_victims() {
	grep oomwKillNotification "$SNMP_TMP/traps.log" | python3 -c '
import re, sys
for line in sys.stdin:
    pid = re.search(r"oomwKillPid\.\d+ = Gauge32: (\d+)", line).group(1)
    name = re.search(r"oomwKillName\.\d+ = STRING: (.*?)\s+[A-Z-]+-MIB::", line).group(1)
    cg = re.search(r"oomwKillTaskMemcg\.\d+ = STRING: (.*)$", line.rstrip("\n")).group(1)
    print(pid, name.strip("\""), cg.strip("\"") or "?")
' | sort
}

# One log of DIR (its kills: DIR/expected.tsv), through the three front ends.
fixture() {
	local fixtures=$1 f=$2 n nagios collectd agent want want_rc expected fe got
	n=$(awk -F'\t' -v f="$f" '$1 == f' "$fixtures/expected.tsv" | grep -c .)
	rm -rf "$M"
	FX_OOM_KILL=$n fx_machine "$M"
	start_collectd "$fixtures/$f"
	start_agent "$fixtures/$f"
	run_nagios "$fixtures/$f" "$f"
	wait_collectd "$n" FAILURE
	wait_agent "$n" || not_ok "$f: the agent registers"
	agent=$(snmp_value oomwStatus.0 | tr a-z A-Z)
	cd_stop
	stop_agent
	nagios=$(sed -nE '1s/^OOM ([A-Z]+) - .*/\1/p' <<<"$OUT")
	collectd=OK
	grep -q 'severity = WARNING' "$CD_LOG" && collectd=WARNING
	grep -q 'severity = FAILURE' "$CD_LOG" && collectd=CRITICAL
	want=OK want_rc=0
	[ "$n" -gt 0 ] && want=CRITICAL want_rc=2
	check "$f: check_oom $nagios (exit $RC), collectd $collectd, agent $agent: all $want" \
		test "$nagios/$RC/$collectd/$agent" = "$want/$want_rc/$want/$want"
	check "$f: collectd: $n FAILURE, no other notification" \
		test "$(grep -c 'Notification:' "$CD_LOG")/$(grep -c 'severity = FAILURE' "$CD_LOG")" = "$n/$n"
	if [ "$(grep -c 'snmpTrapOID.0 = OID: OOMWATCH-MIB::' "$SNMP_TMP/traps.log")/$(grep -c oomwKillNotification "$SNMP_TMP/traps.log")" = "$n/$n" ]; then
		ok "$f: agent: $n kill traps, no other of OOMWATCH-MIB"
	else
		not_ok "$f: agent: $n kill traps, no other of OOMWATCH-MIB" "$(cat "$SNMP_TMP/traps.log")"
	fi
	expected=$(awk -F'\t' -v f="$f" '$1 == f { cg = $14 != "-" ? $14 : $13 != "-" ? $13 : "?"; print $2, $3, cg }' \
		"$fixtures/expected.tsv" | sort)
	for fe in nagios collectd agent; do
		got=$("${fe}_victims")
		if [ "$got" = "$expected" ]; then
			ok "$f: $fe tells the victims (pid, name, cgroup) of expected.tsv"
		else
			not_ok "$f: $fe tells the victims (pid, name, cgroup) of expected.tsv" "want: $expected" "got:  $got"
		fi
	done
}

for f in $(cd "$fixtures" && ls -- *.log *.kmsg); do
	fixture "$fixtures" "$f"
done
# memory.oom.group: the victims after the first are named by the kernel only
# as the group's members; every front end places them in the OOM memcg.
fixture "$ROOT/tests/fixtures/kernel-log-hostile" oom-group-victims.log
done_testing
