#!/bin/bash
# SPDX-License-Identifier: MIT
# Real kernel logs of many kernels (tests/fixtures/kernel-log) as KmsgPath,
# with a fake ProcPath whose counter agrees: one FAILURE notification per kill
# in expected.tsv, naming the process, pid and scope; none without details.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/collectd/lib.sh

skip_if "$(cd_unavailable)"
cd_setup
fixtures=$CD_ROOT/tests/fixtures/kernel-log

proc=$CD_DIR/proc
mkdir -p "$proc/sys/kernel/random"
cp /proc/meminfo "$proc/meminfo"
echo "5b0e4f0e-8f7c-4d84-9d4e-7a3c2b1f0a99" >"$proc/sys/kernel/random/boot_id"
# Booted at the epoch: no dated line of these logs is from an earlier boot.
printf 'cpu  0 0 0 0 0 0 0 0 0 0\nbtime 1\n' >"$proc/stat"
# A first start notifies the kills of the last KillWindow (24h by default);
# these logs are years old, or dated by this host's uptime: a window of a
# century makes every kill in them news, whatever the host.
old="KillWindow \"36500d\""

files=$(awk -F'\t' 'NR > 1 && !/^#/ && $1 != "file" { print $1 }' "$fixtures/expected.tsv" | sort -u)
for f in $files; do
	rows=$(awk -F'\t' -v f="$f" '$1 == f' "$fixtures/expected.tsv")
	n=$(printf '%s\n' "$rows" | wc -l)
	echo "oom_kill $n" >"$proc/vmstat"
	rm -f "$CD_LOG" "$CD_STATE"
	cd_conf "ProcPath \"$proc\"" "KmsgPath \"$fixtures/$f\"" "StateFile \"$CD_STATE\"" "$old"
	cd_start
	cd_wait_log 'Initialization complete' 10
	for _ in $(seq 50); do
		[ "$(grep -c 'severity = FAILURE' "$CD_LOG")" -ge "$n" ] && break
		sleep 0.1
	done
	sleep 0.5 # time for a wrong extra one to show
	cd_stop
	got=$(grep -c 'severity = FAILURE' "$CD_LOG")
	check "$f: $n notification(s), got $got" [ "$got" = "$n" ]
	check "$f: none without details" [ "$(grep -c 'victim unknown' "$CD_LOG")" = 0 ]
	while IFS=$'\t' read -r _ pid comm _ _ _ _ _ _ _ scope _ oom_memcg task_memcg; do
		# Where, in the words of every front end: the victim's cgroup, else
		# the one whose limit was hit, else the scope ("global OOM").
		where="$scope OOM"
		[ "$oom_memcg" != - ] && where=$oom_memcg
		[ "$task_memcg" != - ] && where=$task_memcg
		line=$(grep -F "message = OOM killer killed $comm (pid $pid, " "$CD_LOG")
		check "$f: pid $pid \"$comm\", $where" grep -qF ", $where) at " <<<"$line"
	done <<<"$rows"
done

# A log line of our own: a cgroup path too long for collectd's 256-byte
# message, with commas and parentheses, and a name that imitates the line.
long=/k8s.slice/pod\(a,b\)/$(printf 'x%.0s' $(seq 300))/the-end.scope
comm='a) b,c=d'
cat >"$CD_DIR/long.log" <<LOG
[  100.000001] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=$long,task_memcg=$long,task=$comm,pid=4242,uid=7
[  100.000002] Memory cgroup out of memory: Killed process 4242 ($comm) total-vm:1000kB, anon-rss:800kB, file-rss:100kB, shmem-rss:0kB, UID:7 pgtables:40kB oom_score_adj:0
LOG
echo "oom_kill 1" >"$proc/vmstat"
rm -f "$CD_LOG" "$CD_STATE"
cd_conf "ProcPath \"$proc\"" "KmsgPath \"$CD_DIR/long.log\"" "StateFile \"$CD_STATE\"" "$old"
cd_start
cd_wait_log 'severity = FAILURE' 10
cd_stop
line=$(grep 'severity = FAILURE' "$CD_LOG")
check "long cgroup: the name as every front end writes it" grep -qF 'killed a) b,c=d (pid 4242, 900 KiB, ...x' <<<"$line"
check "long cgroup: the message keeps the path's end and the time" \
	grep -qE '\(pid 4242, 900 KiB, \.\.\.x+/the-end\.scope\) at [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} ' <<<"$line"
check "long cgroup: the message fills collectd's 255 bytes" \
	[ "$(sed 's/.*message = //' <<<"$line" | tr -d '\n' | wc -c)" -ge 250 ]
diag "$line"

# A first start on a machine whose log no longer names most of its kills since
# boot: the named one is notified as usual, the other 40 in one WARNING worded
# by the core (not 40), and a restart notifies none of them again.
echo "oom_kill 41" >"$proc/vmstat"
rm -f "$CD_LOG" "$CD_STATE"
cd_conf "ProcPath \"$proc\"" "KmsgPath \"$CD_DIR/long.log\"" "StateFile \"$CD_STATE\"" "$old"
cd_start
cd_wait_log 'unknown time since boot' 10
sleep 0.5 # time for a wrong extra one to show
cd_stop
check "backlog: the victim, one FAILURE" [ "$(grep -c 'severity = FAILURE' "$CD_LOG")" = 1 ]
check "backlog: the count, one WARNING" [ "$(grep -c 'severity = WARNING' "$CD_LOG")" = 1 ]
check "backlog: the count says 40 at an unknown time" \
	grep -q 'severity = WARNING, .*message = 40 OOM kills at an unknown time since boot, first noticed ' "$CD_LOG"
diag "$(grep 'unknown time since boot' "$CD_LOG")"
rm -f "$CD_LOG"
cd_start
cd_wait_log 'Initialization complete' 10
sleep 1.5
cd_stop
check "backlog: a restart notifies nothing again" [ "$(grep -c 'Notification:' "$CD_LOG")" = 0 ]

# A first start with the default window (24h) on a log dated 2021 (dmesg -T):
# its kill is history, not notified; the 40 kills of unknown time may be
# recent and are still said.
dated=amzn2-4.14-memcg-v1-dmesg-T.log
n=$(awk -F'\t' -v f="$dated" '$1 == f' "$fixtures/expected.tsv" | wc -l)
echo "oom_kill $((n + 40))" >"$proc/vmstat"
rm -f "$CD_LOG" "$CD_STATE"
cd_conf "ProcPath \"$proc\"" "KmsgPath \"$fixtures/$dated\"" "StateFile \"$CD_STATE\""
cd_start
cd_wait_log 'unknown time since boot' 10
sleep 0.5 # time for a wrong extra one to show
cd_stop
check "first start, default window: a kill of 2021 is not notified" \
	[ "$(grep -c 'severity = FAILURE' "$CD_LOG")" = 0 ]
check "first start, default window: kills of unknown time are" \
	grep -q 'severity = WARNING, .*message = 40 OOM kills at an unknown time since boot' "$CD_LOG"

# A malformed counter is logged with what is wrong with it, not only "Bad message".
echo "oom_kill lots" >"$proc/vmstat"
rm -f "$CD_LOG"
cd_start
cd_wait_log 'oom_kill is not' 10
cd_stop
check "malformed vmstat: the log says why" \
	grep -q "cannot read $proc/vmstat: vmstat: oom_kill is not a non-negative number" "$CD_LOG"

# More matching cgroups than a snapshot holds: the first ones are dispatched
# and the log says so, instead of calling it a read error.
sys=$CD_DIR/sys
mkdir -p "$sys/fs/cgroup"
echo "memory pids" >"$sys/fs/cgroup/cgroup.controllers"
for i in $(seq 70); do
	mkdir "$sys/fs/cgroup/many$i.slice"
	echo 4096 >"$sys/fs/cgroup/many$i.slice/memory.current"
	echo max >"$sys/fs/cgroup/many$i.slice/memory.max"
	printf 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n' >"$sys/fs/cgroup/many$i.slice/memory.events"
done
echo "oom_kill 0" >"$proc/vmstat"
rm -rf "$CD_LOG" "$CD_STATE" "$CD_DIR/csv"
cd_conf "ProcPath \"$proc\"" "SysPath \"$sys\"" 'KmsgPath "none"' "StateFile \"$CD_STATE\"" 'Cgroup "/many*"'
cd_start
cd_wait_log 'cgroups: ' 10
cd_wait_file 'oomwatch-many*/memory-usage-*' 5
cd_stop
check "too many cgroups: the log says only the first are dispatched" \
	grep -q "cgroups: more than [0-9]* match the patterns; only the first [0-9]* are" "$CD_LOG"
check "too many cgroups: no read error is claimed" [ "$(grep -c 'could not be read' "$CD_LOG")" = 0 ]
check "too many cgroups: values of the first ones are dispatched" \
	[ "$(ls -d "$CD_CSV"/oomwatch-many* 2>/dev/null | wc -l)" -gt 0 ]
done_testing
