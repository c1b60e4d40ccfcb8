#!/bin/bash
# SPDX-License-Identifier: MIT
# Live: three real OOM kills in a throwaway cgroup, with collectd restarted
# between them and one kill while it is stopped: three FAILURE notifications
# naming the right pids, each exactly once; the CSV oom_kill counter rises by
# exactly three; the latency from the kernel's timestamp to the log line is
# printed. Then a kill with KmsgPath "none" gives a notification without details.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/lib/oomcg.sh
source tests/collectd/lib.sh

skip_if "$(cd_unavailable)"
skip_if "$(oomcg_unavailable)"
[ -w /dev/kmsg ] || skip_all "/dev/kmsg not writable (needed to calibrate the latency)"
command -v python3 >/dev/null || skip_all "python3 missing (apt-get install python3)"

oomcg_lock
oomcg_create || skip_all "cannot create a memory cgroup"
cd_setup
trap 'cd_cleanup; oomcg_remove' EXIT
cg_inst=$(cd_cgroup_instance "$OOMCG_PATH")
vmstat_kills() { awk '$1 == "oom_kill" { print $2 }' /proc/vmstat; }

# start_collectd: and wait until it has dispatched the counter as it is now.
start_collectd() {
	local want
	want=$(vmstat_kills)
	cd_start
	cd_wait_log 'oomwatch: watching' 10 || return 1
	for _ in $(seq 100); do
		[ "$(cd_csv_last 'oomwatch/derive-oom_kill-*')" = "$want" ] && return 0
		sleep 0.1
	done
	return 1
}

# notified PID: the number of FAILURE notifications naming PID.
notified() { grep -c "Notification: severity = FAILURE, .*plugin = oomwatch.* (pid $1," "$CD_LOG"; }
wait_notified() {
	for _ in $(seq 100); do [ "$(notified "$1")" -ge 1 ] && return 0; sleep 0.1; done
	return 1
}

# kill_measured NAME: one kill while collectd runs, with its latency as a diag line.
kill_measured() {
	local out=$CD_DIR/latency.$1
	python3 tests/lib/latency.py "$CD_LOG" 'Notification: severity = FAILURE, .*plugin = oomwatch.* \(pid (\d+),' 1 20 >"$out" 2>&1 &
	local lat=$!
	for _ in $(seq 50); do grep -q ready "$out" && break; sleep 0.1; done
	oomcg_kill "$1" || return 1
	wait "$lat"
	local ms wake
	read -r _ _ _ ms _ wake _ < <(grep "^pid $OOMCG_PID " "$out")
	if [ -n "$ms" ]; then
		diag "notification latency, kernel timestamp to collectd log line: $ms ms (pid $OOMCG_PID; a bare /dev/kmsg reader woke after $wake ms)"
	else
		diag "latency not measured: $(cat "$out")"
	fi
}

# exec's NotificationExec gets the metadata too (logfile prints the message only);
# exec refuses to run programs as root.
exec_user=nobody
id "$exec_user" >/dev/null 2>&1 || skip_all "no user $exec_user for collectd's exec plugin"
cd_conf "Cgroup \"$OOMCG_PATH\"" 'KmsgPath "/dev/kmsg"'
cd_exec_notifications "$exec_user"
check "collectd started, counter dispatched" start_collectd
k0=$(cd_csv_last 'oomwatch/derive-oom_kill-*')
diag "oom_kill before: $k0"

kill_measured oomw-cd-1
pid1=$OOMCG_PID
check "kill 1 (pid $pid1) notified" wait_notified "$pid1"

cd_stop
check "collectd stopped cleanly" [ $? -eq 0 ]
oomcg_kill oomw-cd-2
pid2=$OOMCG_PID
check "collectd restarted" start_collectd
check "kill 2 (pid $pid2), while collectd was stopped, notified after the start" wait_notified "$pid2"

# A hostile name: a quote, parentheses and text that imitates the message.
kill_measured 'x") (pid 1, '
pid3=$OOMCG_PID
check "kill 3 (pid $pid3) notified" wait_notified "$pid3"
# The core's words end with the victim's own pid, size, cgroup and time: read
# from the end, a name cannot pose as them.
check "its name as it is, then its own pid" grep -qF "killed x\") (pid 1,  (pid $pid3, " "$CD_LOG"

cd_stop
check "collectd restarted again" start_collectd
sleep 1.5
for p in "$pid1" "$pid2" "$pid3"; do
	n=$(notified "$p")
	check "pid $p notified exactly once across restarts ($n)" [ "$n" = 1 ]
done
k=$(cd_csv_last 'oomwatch/derive-oom_kill-*')
check "CSV oom_kill rose by exactly three ($k0 -> $k)" [ "$k" = $((k0 + 3)) ]
check "CSV cgroup oom_kill = 3" [ "$(cd_csv_last "oomwatch-$cg_inst/derive-oom_kill-*")" = 3 ]
check "notification is severity FAILURE, host, plugin, type derive/oom_kill" \
	grep -q "Notification: severity = FAILURE, host = $CD_HOST, plugin = oomwatch, type = derive, type_instance = oom_kill, message = OOM killer killed oomw-cd-1 (pid $pid1, [0-9.]* [KM]iB, $OOMCG_PATH) at [0-9-]* [0-9:]* " "$CD_LOG"
diag "$(grep "(pid $pid1," "$CD_LOG")"
# The metadata of kill 1, as exec received it.
meta=$(cd_notification_meta "$pid1")
for field in "pid: $pid1" "comm: oomw-cd-1" "uid: 0" "cgroup: $OOMCG_PATH" "scope: memcg" \
	"constraint: CONSTRAINT_MEMCG" "has_details: true" "Severity: FAILURE" "Host: $CD_HOST"; do
	check "metadata $field" grep -qxF -- "$field" <<<"$meta"
done
check "metadata rss_kib" grep -qE '^rss_kib: [0-9]+$' <<<"$meta"
check "metadata why: the cgroup at its limit, the victim" \
	grep -qE "^why: Cgroup $OOMCG_PATH hit its memory limit.*; oomw-cd-1 \(pid $pid1, " <<<"$meta"
check "metadata remedy: raise that cgroup's limit" \
	grep -qE "^remedy: Raise .* of cgroup $OOMCG_PATH.*, or make oomw-cd-1 use less\.$" <<<"$meta"
check "state file is 0600" [ "$(stat -c %a "$CD_DIR/oomwatch.state")" = 600 ]
cd_stop

# Without a kernel log the kill is still notified, without details.
cd_conf "Cgroup \"$OOMCG_PATH\"" 'KmsgPath "none"'
check "collectd started with KmsgPath none" start_collectd
before=$(grep -c 'victim unknown (kernel log not read)' "$CD_LOG")
oomcg_kill oomw-cd-4
for _ in $(seq 50); do
	[ "$(grep -c 'victim unknown (kernel log not read)' "$CD_LOG")" -gt "$before" ] && break
	sleep 0.1
done
n=$(( $(grep -c 'victim unknown (kernel log not read)' "$CD_LOG") - before ))
check "a kill without details is notified once ($n)" [ "$n" = 1 ]
diag "$(grep 'victim unknown (kernel log not read)' "$CD_LOG" | tail -1)"
k=$(cd_csv_last 'oomwatch/derive-oom_kill_without_details-*')
check "CSV oom_kill_without_details counts it ($k)" [ "${k:-0}" -ge 1 ]
cd_stop
done_testing
