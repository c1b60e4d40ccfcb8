#!/bin/bash
# SPDX-License-Identifier: MIT
# Before the kill: a cgroup of a fake v2 tree whose memory.events max count
# rises between two samples is held at its limit: one WARNING notification
# naming it (with its own memory.pressure), then one OKAY once the count stops.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/collectd/lib.sh

skip_if "$(cd_unavailable)"
cd_setup

proc=$CD_DIR/proc sys=$CD_DIR/sys
mkdir -p "$proc/sys/kernel/random" "$sys/fs/cgroup/app"
cp /proc/meminfo "$proc/meminfo"
echo "5b0e4f0e-8f7c-4d84-9d4e-7a3c2b1f0a99" >"$proc/sys/kernel/random/boot_id"
printf 'cpu  0 0 0 0 0 0 0 0 0 0\nbtime 1\n' >"$proc/stat"
echo "oom_kill 0" >"$proc/vmstat"
echo "memory pids" >"$sys/fs/cgroup/cgroup.controllers"
events() { printf 'low 0\nhigh 0\nmax %d\noom 0\noom_kill 0\n' "$1" >"$sys/fs/cgroup/app/memory.events"; }
events 0
echo 67108864 >"$sys/fs/cgroup/app/memory.current"
echo 67108864 >"$sys/fs/cgroup/app/memory.max"
printf 'some avg10=3.20 avg60=1.00 avg300=0.20 total=123456\nfull avg10=1.00 avg60=0.50 avg300=0.10 total=65432\n' \
	>"$sys/fs/cgroup/app/memory.pressure"

cd_conf "ProcPath \"$proc\"" "SysPath \"$sys\"" 'KmsgPath "none"' "StateFile \"$CD_STATE\"" 'Cgroup "/app"'
cd_start
cd_wait_log 'Initialization complete' 10
sleep 2.5 # the baseline samples
check "no warning while the count does not move" [ "$(grep -c 'held at its limit' "$CD_LOG")" = 0 ]
events 5
check "a rising max count: WARNING, the cgroup held at its limit" \
	cd_wait_log 'severity = WARNING.*message = cgroup /app held at its limit: 5 limit hits since the last sample, memory pressure 3.20%' 10
sleep 1.5
check "said once while held" [ "$(grep -c 'severity = WARNING.*held at its limit' "$CD_LOG")" = 1 ]
check "cleared once the count stops: OKAY" cd_wait_log 'severity = OKAY.*message = cgroup /app no longer held at its limit' 10
cd_stop
done_testing
