#!/bin/bash
# SPDX-License-Identifier: MIT
# Low-memory notifications: WARNING / FAILURE when MemAvailable crosses the
# thresholds, OKAY when it recovers past threshold + Hysteresis, and nothing
# while it hovers in between. Driven through a fake ProcPath whose meminfo the
# test rewrites; a host without swap never gets a swap notification.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/collectd/lib.sh

skip_if "$(cd_unavailable)"
cd_setup

proc=$CD_DIR/proc
total_kib=1000000
mkdir -p "$proc/sys/kernel/random"
echo "oom_kill 0" >"$proc/vmstat"
echo "0e7d7a4b-3b9f-4a57-9b0f-2f8e3c1d5a6e" >"$proc/sys/kernel/random/boot_id"
printf 'cpu  0 0 0 0 0 0 0 0 0 0\nbtime %s\n' "$(date +%s)" >"$proc/stat"

# set_available PERCENT: rewrite meminfo atomically (a reader never sees half a file).
set_available() {
	local avail=$((total_kib * $1 / 100))
	cat >"$proc/meminfo.tmp" <<MEM
MemTotal:        $total_kib kB
MemFree:         $avail kB
MemAvailable:    $avail kB
Buffers:               0 kB
Cached:                0 kB
SwapTotal:             0 kB
SwapFree:              0 kB
Shmem:                 0 kB
CommitLimit:      500000 kB
Committed_AS:     100000 kB
MEM
	mv "$proc/meminfo.tmp" "$proc/meminfo"
}

notes() { grep -c 'Notification: severity = .*plugin = oomwatch' "$CD_LOG"; }

# step PERCENT EXPECTED_SEVERITY|none WHAT: after the plugin has read PERCENT,
# exactly one new notification of that severity, or none.
step() {
	local pct=$1 sev=$2 what=$3 before bytes i
	before=$(notes)
	set_available "$pct"
	bytes=$((total_kib * pct / 100 * 1024))
	for ((i = 0; i < 50; i++)); do
		[ "$(cd_csv_last 'oomwatch/memory-available-*' | cut -d. -f1)" = "$bytes" ] && break
		sleep 0.1
	done
	sleep 1.2 # one more read at this value: a flapping plugin would notify again
	local new
	new=$(grep 'Notification: severity = .*plugin = oomwatch' "$CD_LOG" | tail -n +$((before + 1)))
	if [ "$sev" = none ]; then
		if [ -z "$new" ]; then ok "$pct%: $what: no notification"; else not_ok "$pct%: $what: no notification" "$new"; fi
	elif [ "$(printf '%s\n' "$new" | grep -c "severity = $sev,")" = 1 ] &&
		[ "$(printf '%s\n' "$new" | wc -l)" = 1 ]; then
		ok "$pct%: $what: one $sev"
		diag "$new"
	else
		not_ok "$pct%: $what: one $sev" "got: ${new:-nothing}"
	fi
}

set_available 50
cd_conf "ProcPath \"$proc\"" 'KmsgPath "none"' "StateFile \"$CD_STATE\"" \
	'MemAvailableWarning "20%"' 'MemAvailableCritical "10%"' 'Hysteresis "5%"' \
	'SwapFreeWarning "50%"' 'SwapFreeCritical "1GiB"'
cd_start
check "started on the fake ProcPath" cd_wait_log 'oomwatch: watching' 10
cd_wait_file 'oomwatch/memory-available-*' 10
step 50 none "plenty"
step 15 WARNING "below the warning threshold"
step 18 none "still low"
step 22 none "above the threshold but within the hysteresis"
step 8 FAILURE "below the critical threshold"
step 12 none "above critical, within the hysteresis"
step 16 WARNING "out of critical, still below warning"
step 19 none "hovering"
step 26 OKAY "recovered past threshold + hysteresis"
step 24 none "dips within the hysteresis after recovery"
check "type_instance available on memory notifications" \
	grep -q 'type = memory, type_instance = available, message = Available memory is low' "$CD_LOG"
check "no swap notification on a host without swap" [ "$(grep -c 'Free swap' "$CD_LOG")" = 0 ]

# A size threshold works the same way.
cd_stop
rm -f "$CD_LOG"
set_available 50
cd_conf "ProcPath \"$proc\"" 'KmsgPath "none"' "StateFile \"$CD_STATE\"" \
	'MemAvailableWarning "300MiB"' 'Hysteresis "10MiB"'
cd_start
cd_wait_log 'oomwatch: watching' 10
cd_wait_file 'oomwatch/memory-available-*' 10
step 25 WARNING "244 MiB < 300MiB"
step 31 none "303 MiB: within 10MiB of 300MiB"
step 33 OKAY "322 MiB"
cd_stop

# Memory pressure, judged on the "full" line's avg60 (PressureWarning 5,
# PressureCritical 20 by default) with the default hysteresis of 1 (%):
# FAILURE above 20, WARNING once below 19, OKAY once below 4.
# set_pressure AVG60: rewrite /proc/pressure/memory.
set_pressure() {
	printf 'some avg10=0.00 avg60=%s avg300=0.00 total=1\nfull avg10=0.00 avg60=%s avg300=0.00 total=1\n' \
		"$1" "$1" >"$proc/pressure/memory.tmp"
	mv "$proc/pressure/memory.tmp" "$proc/pressure/memory"
}
# pressure_step AVG60 EXPECTED_SEVERITY|none WHAT
pressure_step() {
	local before i new
	before=$(notes)
	set_pressure "$1"
	for ((i = 0; i < 50; i++)); do
		[ "$(cd_csv_last 'oomwatch/memory_pressure-full-*' 3)" = "$1" ] && break
		sleep 0.1
	done
	sleep 1.2
	new=$(grep 'Notification: severity = .*plugin = oomwatch' "$CD_LOG" | tail -n +$((before + 1)))
	if [ "$2" = none ]; then
		if [ -z "$new" ]; then ok "pressure $1: $3: no notification"; else not_ok "pressure $1: $3: no notification" "$new"; fi
	elif [ "$(printf '%s\n' "$new" | grep -c "severity = $2, .*type = memory_pressure, type_instance = full, message = Memory pressure is")" = 1 ] &&
		[ "$(printf '%s\n' "$new" | wc -l)" = 1 ]; then
		ok "pressure $1: $3: one $2"
		diag "$new"
	else
		not_ok "pressure $1: $3: one $2" "got: ${new:-nothing}"
	fi
}
mkdir -p "$proc/pressure"
set_pressure 1.00
rm -f "$CD_LOG"
cd_conf "ProcPath \"$proc\"" 'KmsgPath "none"' "StateFile \"$CD_STATE\""
cd_start
cd_wait_log 'oomwatch: watching' 10
cd_wait_file 'oomwatch/memory_pressure-full-*' 10
pressure_step 1.00 none "calm"
pressure_step 30.00 FAILURE "above PressureCritical"
pressure_step 19.50 none "below PressureCritical, within the hysteresis"
pressure_step 4.50 WARNING "out of critical, within the warning's hysteresis"
pressure_step 2.00 OKAY "recovered"
cd_stop
done_testing
