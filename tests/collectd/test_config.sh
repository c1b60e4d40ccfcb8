#!/bin/bash
# SPDX-License-Identifier: MIT
# Bad <Plugin oomwatch> configurations: each gives a log line naming the key or
# the path, the plugin does not start (no values), and collectd itself stays up.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/collectd/lib.sh

skip_if "$(cd_unavailable)"
cd_setup

# bad_config WHAT EXPECTED_LOG_REGEX oomwatch-lines...
bad_config() {
	local what=$1 re=$2
	shift 2
	rm -rf "$CD_DIR/csv" "$CD_LOG"
	cd_conf "StateFile \"$CD_STATE\"" "$@"
	cd_start
	cd_wait_log 'Initialization complete' 10
	sleep 1.5 # a read interval and then some: values would have appeared
	if grep -Eq -- "\[error\] oomwatch: .*$re" "$CD_LOG"; then
		ok "$what: logged"
	else
		not_ok "$what: logged" "expected /$re/ in:" "$(cat "$CD_LOG")"
	fi
	check "$what: plugin not started" grep -q "Initialization of plugin \`oomwatch' failed" "$CD_LOG"
	check "$what: no values" [ ! -e "$CD_CSV/oomwatch" ]
	check "$what: collectd still running" cd_running
	cd_stop
}

bad_config "unknown key" 'unknown key "MemAvailableWarnig"' 'MemAvailableWarnig "10%"'
bad_config "malformed threshold" '"MemAvailableWarning 10 percent"' 'MemAvailableWarning "10 percent"'
# The refusals are the core's (README, Thresholds), prefixed with the key.
bad_config "threshold without a unit" '"MemAvailableWarning 10": .10. has no unit; write 10% or 10M' \
	'MemAvailableWarning 10'
bad_config "range without a unit" '"SwapFreeCritical 10:": .10:. has no unit; write 10%: or 10M:' \
	'SwapFreeCritical "10:"'
bad_config "pressure as a size" '"PressureWarning 1GiB": .*pressure is a percentage, not a size' \
	'PressureWarning "1GiB"'
bad_config "malformed hysteresis" '"Hysteresis lots"' 'Hysteresis "lots"'
bad_config "hysteresis without a unit" '"Hysteresis 5": .5. has no unit' 'Hysteresis 5'
bad_config "malformed kill window" '"KillWindow soon": ' 'KillWindow "soon"'
bad_config "Candidates not a number" '"Candidates many": must be a whole number from 0 to 32' 'Candidates "many"'
bad_config "Candidates too many" '"Candidates 1000"' 'Candidates 1000'
bad_config "NotifyKills not a boolean" '"NotifyKills" takes true or false' 'NotifyKills "yes please"'
bad_config "ProcPath given twice values" '"ProcPath" takes exactly one value' 'ProcPath "/proc" "/proc"'
bad_config "unreadable ProcPath" "ProcPath \"$CD_DIR/noproc\": cannot read meminfo" \
	"ProcPath \"$CD_DIR/noproc\""
mkdir -p "$CD_DIR/badproc"
printf 'MemTotal: lots\n' >"$CD_DIR/badproc/meminfo"
bad_config "malformed meminfo" "ProcPath \"$CD_DIR/badproc\": cannot read meminfo" \
	"ProcPath \"$CD_DIR/badproc\""
bad_config "SysPath without cgroups" "SysPath \"$CD_DIR\": no memory cgroup controller" \
	"SysPath \"$CD_DIR\"" 'Cgroup "/*"'

# Two errors in one block: both are named, not only the first.
rm -f "$CD_LOG"
cd_conf 'Bogus1 1' 'Bogus2 2'
cd_start
cd_wait_log 'Initialization complete' 10
check "every bad key is named" cd_wait_log 'unknown key "Bogus2"' 1
check "every bad key is named (first)" grep -q 'unknown key "Bogus1"' "$CD_LOG"
cd_stop

# A kernel log that cannot be read is not a configuration error (containers
# have no /dev/kmsg): a warning, once, and kills are counted without details.
rm -rf "$CD_DIR/csv" "$CD_LOG"
cd_conf "StateFile \"$CD_STATE\"" "KmsgPath \"$CD_DIR/nokmsg\""
cd_start
check "missing KmsgPath: values dispatched" cd_wait_file 'oomwatch/derive-oom_kill-*' 10
sleep 1.2
check "missing KmsgPath: warned" \
	grep -q "\[notice\] oomwatch: kernel log $CD_DIR/nokmsg: No such file" "$CD_LOG"
check "missing KmsgPath: warned once" [ "$(grep -c "kernel log $CD_DIR/nokmsg:" "$CD_LOG")" = 1 ]
cd_stop

# And a good configuration in the same directory does start.
rm -rf "$CD_DIR/csv" "$CD_LOG"
cd_conf "StateFile \"$CD_STATE\"" 'MemAvailableWarning "10%"' 'Hysteresis "512MiB"' \
	'SwapFreeCritical "~:90%"' 'PressureWarning ""' 'KillWindow "7d"'
cd_start
check "a good configuration starts" cd_wait_log 'oomwatch: watching' 10
check "and dispatches values" cd_wait_file 'oomwatch/memory-available-*' 10
cd_stop
done_testing
