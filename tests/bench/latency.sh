#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/bench/latency.sh — the kill → alert figures of `make bench` alone (root):
# BENCH_KILLS real kills per front end in a throwaway cgroup, against the bare
# readers of the same kills. Settings as in bench.sh; BENCH_RAW=1 also prints
# each kill's figures (ms after its Killed record). Timing only: no test.
source "$(dirname "$0")/lib.sh" || exit 1
# latency LABEL FILE REGEX [--stamped]: KILLS real kills in a throwaway cgroup
# while the front end runs; medians of its alert, of a bare /dev/kmsg reader and
# of a bare oom:mark_victim reader (build/tests/bench/trace_reader) woken by
# the same kills. The front end reads the tracepoint where it can: its floor is
# then the tracepoint reader's, else the /dev/kmsg reader's.
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
latency() {
	local label=$1 file=$2 regex=$3 out=$TMP/latency.$RANDOM i
	python3 tests/lib/latency.py "$file" "$regex" "$KILLS" 60 "${@:4}" --trace-reader "$B/trace_reader" >"$out" 2>&1 &
	local lat=$!
	for _ in $(seq 50); do grep -q ready "$out" && break; sleep 0.1; done
	for ((i = 0; i < KILLS; i++)); do
		oomcg_kill "oomw-bench-$i" || break
		sleep 0.3
	done
	wait "$lat"
	[ -z "${BENCH_RAW:-}" ] || sed -n "s/^pid /  $label: pid /p" "$out"
	local n med_alert med_reader med_trace
	n=$(grep -c '^pid ' "$out")
	if [ "$n" = 0 ]; then
		note "$label latency not measured: $(tail -2 "$out" | tr '\n' ' ')"
		return
	fi
	med_alert=$(awk '/^pid / { print $4 }' "$out" | median)
	med_reader=$(awk '/^pid / { print $6 }' "$out" | median)
	med_trace=$(awk '/^pid / && $8 != "-" { print $8 }' "$out" | median)
	local cmd="BENCH_KILLS=$KILLS tests/bench/latency.sh (tests/lib/latency.py beside the front end)"
	if [ -n "$med_trace" ]; then
		row "kill -> $label, median of $n" "$med_alert" ms "bare tracepoint reader" "$med_trace" max 1 "$cmd"
		row "  the same kills" "$med_alert" ms "bare /dev/kmsg reader" "$med_reader" - - "$cmd"
	else
		row "kill -> $label, median of $n" "$med_alert" ms "bare /dev/kmsg reader" "$med_reader" max 1 "$cmd"
		note "no bare tracepoint reader: $(grep -m1 trace_reader "$out")"
	fi
}
(
	source tests/lib/oomcg.sh
	why=$(oomcg_unavailable)
	[ -z "$why" ] || { note "latency not measured: $why"; exit 0; }
	source tests/collectd/lib.sh
	source tests/snmp/snmp_env.sh
	live_lock || { note "latency not measured: the live tests' lock was busy for ${LOCK_WAIT}s"; exit 0; }
	oomcg_create || { note "latency not measured: cannot create a memory cgroup"; exit 0; }
	trap 'cd_cleanup; snmp_env_cleanup' EXIT
	if [ -z "$(cd_unavailable)" ]; then
		cd_setup
		trap 'cd_cleanup; snmp_env_cleanup' EXIT
		cd_conf "Cgroup \"$OOMCG_PATH\"" 'KmsgPath "/dev/kmsg"'
		cd_start
		if cd_wait_log 'oomwatch: watching' 10; then
			sleep 1
			latency "collectd notification" "$CD_LOG" 'Notification: severity = FAILURE, .*plugin = oomwatch.* \(pid ([0-9]+),'
		else
			note "collectd latency not measured: collectd did not start"
		fi
		cd_cleanup
	fi
	if [ -z "$(snmp_unavailable)" ]; then
		snmp_env_init
		trap 'cd_cleanup; snmp_env_cleanup' EXIT
		printf 'interval 60s\nstate_file %s\n' "$SNMP_TMP/agent.state" >"$SNMP_TMP/agent.conf"
		if snmp_start_snmpd && snmp_start_trapd && snmp_start_agent -c "$SNMP_TMP/agent.conf" &&
			snmp_wait_registered 10; then
			latency "SNMP trap" "$SNMP_TMP/traps.log" 'oomwKillNotification.*oomwKillPid\.[0-9]+ = Gauge32: ([0-9]+)' --stamped
		else
			note "SNMP latency not measured: the agent did not register"
		fi
	fi
)
