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

# Waits until collectd has sent N notifications and read once (a CSV value of
# the plugin), then half a second for a wrong extra one.
wait_collectd() {
	local n=$1 i
	for i in $(seq 100); do
		[ "$(grep -c 'Notification:' "$CD_LOG" 2>/dev/null)" -ge "$n" ] && break
		sleep 0.1
	done
	cd_wait_file 'oomwatch/*' 10
	sleep 0.5
}

agent_traps() { grep 'snmpTrapOID.0 = OID: OOMWATCH-MIB::' "$SNMP_TMP/traps.log"; }

# Waits until the agent is registered and has sent N notifications.
wait_agent() {
	local n=$1 i
	snmp_wait_registered 10 || return 1
	for i in $(seq 100); do
		[ "$(agent_traps | grep -c .)" -ge "$n" ] && break
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
	# the core's words, as check_oom's
	sed -nE 's/.*severity = FAILURE, .*message = OOM killer killed (.*) \(pid ([0-9]+), ([^,]*, )?([^,)]*)\) at .*/\2 \1 \4/p' \
		"$CD_LOG" | sed -E 's/ [a-z]+ OOM$/ ?/' | sort
}
agent_victims() {
	grep oomwKillNotification "$SNMP_TMP/traps.log" | python3 -c '
import re, sys
for line in sys.stdin:
    pid = re.search(r"oomwKillPid\.\d+ = Gauge32: (\d+)", line).group(1)
    name = re.search(r"oomwKillName\.\d+ = STRING: (.*?)\s+[A-Z-]+-MIB::", line).group(1)
    cg = re.search(r"oomwKillTaskMemcg\.\d+ = STRING: (.*?)(\s+[A-Z-]+-MIB::|$)", line.rstrip("\n")).group(1)
    print(pid, name.strip("\""), cg.strip("\"") or "?")
' | sort
}

# Runs the three front ends on the machine $M and kernel log LOG, and asserts:
# status WANT (OK, WARNING, CRITICAL) from all three; N notifications from
# collectd and the agent, of which KILLS are kills (collectd FAILURE,
# oomwKillNotification) and the rest low-memory ones (collectd WARNING or
# FAILURE, oomwLowMemoryNotification with the same status); the victims
# ("pid comm cgroup" lines, sorted) VICTIMS in check_oom's long output, in
# collectd's notifications and in the kill traps.
verdicts() {
	local what=$1 log=$2 want=$3 n=$4 kills=$5 victims=$6 nagios collectd agent fe got low sev pct
	start_collectd "$log"
	start_agent "$log"
	run_nagios "$log" "${what//\//_}"
	wait_collectd "$n"
	wait_agent "$n" || not_ok "$what: the agent registers"
	agent=$(snmp_value oomwStatus.0 | tr '[:lower:]' '[:upper:]')
	pct=$(snmp_value oomwMemAvailablePct.0 | awk '{ print $1 }')
	cd_stop
	stop_agent
	# The three side by side in the TAP output.
	diag "$what: check_oom: ${OUT%%$'\n'*}"
	diag "$what: collectd: $(sed -n 's/.*\] Notification: //p' "$CD_LOG")"
	diag "$what: agent: $(agent_traps | sed 's/^[0-9.]* TRAP //')"
	nagios=$(sed -nE '1s/^OOM ([A-Z]+) - .*/\1/p' <<<"$OUT")
	collectd=OK
	grep -q 'severity = WARNING' "$CD_LOG" && collectd=WARNING
	grep -q 'severity = FAILURE' "$CD_LOG" && collectd=CRITICAL
	declare -A rc=([OK]=0 [WARNING]=1 [CRITICAL]=2)
	check "$what: check_oom $nagios (exit $RC), collectd $collectd, agent $agent: all $want" \
		test "$nagios/$RC/$collectd/$agent" = "$want/${rc[$want]}/$want/$want"
	check "$what: oomwMemAvailablePct $pct is check_oom's mem_available_pct" \
		grep -qF "'mem_available_pct'=$pct%;" <<<"$OUT"
	low=$((n - kills))
	sev=WARNING
	[ "$want" = CRITICAL ] && sev=FAILURE
	got="$(grep -c 'Notification:' "$CD_LOG")/$(grep -c 'message = OOM killer killed' "$CD_LOG")"
	got+="/$(grep "severity = $sev, " "$CD_LOG" | grep -vc 'message = OOM killer killed')"
	if [ "$got" = "$n/$kills/$low" ]; then
		ok "$what: collectd: $kills kill notification(s), $low low-memory ($sev)"
	else
		not_ok "$what: collectd: $kills kill notification(s), $low low-memory ($sev)" "$(grep 'Notification:' "$CD_LOG")"
	fi
	got="$(agent_traps | grep -c .)/$(agent_traps | grep -c oomwKillNotification)"
	got+="/$(agent_traps | grep oomwLowMemoryNotification | grep -ci "oomwStatus.0 = INTEGER: $want")"
	if [ "$got" = "$n/$kills/$low" ]; then
		ok "$what: agent: $kills oomwKillNotification, $low oomwLowMemoryNotification ($want)"
	else
		not_ok "$what: agent: $kills oomwKillNotification, $low oomwLowMemoryNotification ($want)" "$(agent_traps)"
	fi
	for fe in nagios collectd agent; do
		got=$("${fe}_victims")
		if [ "$got" = "$victims" ]; then
			ok "$what: $fe names the victims (pid, name, cgroup)"
		else
			not_ok "$what: $fe names the victims (pid, name, cgroup)" "want: $victims" "got:  $got"
		fi
	done
}

# One log of DIR with a vmstat counting its kills (DIR/expected.tsv): CRITICAL
# and the kills of expected.tsv in the cgroup oomw_kill_cgroup() names, the
# task's memcg, else the OOM memcg.
fixture() {
	local dir=$1 f=$2 n victims want=OK
	n=$(awk -F'\t' -v f="$f" '$1 == f' "$dir/expected.tsv" | grep -c .)
	victims=$(awk -F'\t' -v f="$f" '$1 == f { cg = $14 != "-" ? $14 : $13 != "-" ? $13 : "?"; print $2, $3, cg }' \
		"$dir/expected.tsv" | sort)
	[ "$n" -gt 0 ] && want=CRITICAL
	rm -rf "$M"
	FX_OOM_KILL=$n fx_machine "$M"
	verdicts "$f" "$dir/$f" "$want" "$n" "$n" "$victims"
}

for f in $(cd "$fixtures" && ls -- *.log *.kmsg); do
	fixture "$fixtures" "$f"
done
# memory.oom.group: the victims after the first are named by the kernel only
# as the group's members; every front end places them in the OOM memcg.
fixture "$ROOT/tests/fixtures/kernel-log-hostile" oom-group-victims.log

# Low memory, no kill: 7 % available is below the warning (10 %), 3 % below
# the critical (5 %); collectd and the agent send one low-memory notification.
for pct in 7:WARNING 3:CRITICAL; do
	rm -rf "$M"
	FX_MEM_AVAIL_KIB=$((FX_MEM_TOTAL_KIB * ${pct%:*} / 100)) fx_machine "$M"
	verdicts "${pct%:*}% available" "$M/kmsg" "${pct#*:}" 1 0 ""
done

# The window (here 1d): at a first start check_oom alerts the kills inside it,
# collectd and the agent notify the kills inside it, not older ones (a kill of
# 2021 in a dmesg -T log, followed by one an hour ago).
WINDOW=1d
rm -rf "$M"
FX_OOM_KILL=2 fx_machine "$M"
cp "$fixtures/amzn2-4.14-memcg-v1-dmesg-T.log" "$M/dmesg-T.log"
fx_text_kill "$M/dmesg-T.log" 4242 recent 3600
verdicts "window 1d" "$M/dmesg-T.log" CRITICAL 1 1 "4242 recent ?"
done_testing
