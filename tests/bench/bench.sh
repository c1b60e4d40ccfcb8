#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/bench/bench.sh — `make bench`: each figure from this one run, as a ratio
# against its floor or peer measured in the same run, with the goal it meets or
# misses and the command that reproduces it. Timing only: nothing here is a test.
#
#   BENCH_N=21       whole-process runs per command (medians)
#   BENCH_BIG=0      skip the 1 GiB text log (default: on, made in /tmp, removed)
#   BENCH_KILLS=5    real kills per front end for the latency figures (root;
#                    tests/bench/latency.sh alone measures only those)
#   BENCH_LOCK_WAIT=300  seconds to wait for the live tests' lock before the
#                    figures that write to /dev/kmsg or kill are skipped
source "$(dirname "$0")/lib.sh" || exit 1

echo "oomwatch bench — $(uname -r), $(nproc) CPUs, $(date -u +%FT%TZ)"

# ---- check_oom vs check_swap ------------------------------------------------
ring=$(python3 -c 'import ctypes; print(ctypes.CDLL(None).klogctl(10, None, 0))' 2>/dev/null)
if $ROOT_USER && [ -w /dev/kmsg ] && [ -n "$ring" ]; then
	# Twice the ring in debug records, one open() per record (the kernel rate
	# limits each writer after 10 lines), under the live-test lock so that no
	# live test's kill record is pushed out between its kill and its read.
	if (
		live_lock || exit 1
		pad=$(printf '%080d' 0)
		for ((i = 0; i < 2 * ring / 110; i++)); do
			printf '<7>oomwatch-bench %06d %s\n' "$i" "$pad" >/dev/kmsg
		done
	); then
		note "kernel log ring ($((ring / 1024)) KiB, this kernel's log_buf_len) filled with debug records"
	else
		note "the live tests' lock was busy for ${LOCK_WAIT}s: the kernel log ring was not filled"
	fi
else
	note "not root (or /dev/kmsg not writable): the kernel log ring was not filled"
fi
CHECK=("$ROOT/build/check_oom" --state "$TMP/check_oom.state")
"${CHECK[@]}" >/dev/null # the state: later runs are the steady state
read -r t_oom t_swap < <("$B/bench_run" "$N" "${CHECK[@]}" -- "$CHECK_SWAP" -w 20% -c 10%)
row "check_oom (whole process)" "$t_oom" µs "check_swap -w 20% -c 10%" "$t_swap" le 1.2 \
	"build/tests/bench/bench_run $N build/check_oom --state FILE -- $CHECK_SWAP -w 20% -c 10%"
# Each run loads the state: its cost follows the kills it holds (this machine's).
note "check_oom's state held $(grep -c '^event ' "$TMP/check_oom.state") kills (at most 256), $(($(stat -c %s "$TMP/check_oom.state") / 1024)) KiB, read at every run"

# ---- gauge sample vs the pread floor --------------------------------------
# The live-test lock: its wake-up records must not push out a live test's kill.
woken_why="not root: the sample woken by a non-OOM kernel record was not measured"
if ! $ROOT_USER; then
	"$B/bench_core" gauge --no-kmsg-writes >"$TMP/gauge"
elif flock -w "$LOCK_WAIT" "$LOCK" true; then
	flock "$LOCK" "$B/bench_core" gauge >"$TMP/gauge"
else
	"$B/bench_core" gauge --no-kmsg-writes >"$TMP/gauge"
	woken_why="the live tests' lock was busy for ${LOCK_WAIT}s: the sample woken by a non-OOM record was not measured"
fi
row "gauge sample ($(field gauge_kmsg "$TMP/gauge"))" "$(field gauge_sample_usec "$TMP/gauge")" µs \
	"pread meminfo+vmstat+PSI" "$(field gauge_floor_usec "$TMP/gauge")" le 1.5 \
	"build/tests/bench/bench_core gauge"
woken=$(field gauge_woken_usec "$TMP/gauge")
if [ -n "$woken" ]; then
	row "sample woken by a non-OOM record" "$woken" µs "pread meminfo+vmstat+PSI" \
		"$(field gauge_floor_usec "$TMP/gauge")" le 1.5 "build/tests/bench/bench_core gauge (as root)"
else
	note "$woken_why"
fi
allocs=$(field gauge_allocs_per_sample "$TMP/gauge")
printf '%-34s %10s %-4s goal 0: %s\n' "heap allocations per sample" "$allocs" "" \
	"$(awk -v a="$allocs" 'BEGIN { print (a == 0 ? "MET" : "MISSED") }')"
printf '    reproduce: %s\n' "build/tests/bench/bench_core gauge"

# ---- scans over synthetic trees (tmpfs) ------------------------------------
for what in scan walk; do
	if [ "$what" = scan ]; then sizes="1000 10000 100000"; else sizes="1000 10000"; fi
	first=
	for n in $sizes; do
		"$B/bench_core" "$what" "$SHM/$what-$n" "$n" >"$TMP/$what-$n" || { note "$what $n failed"; continue; }
		rm -rf "${SHM:?}/$what-$n"
		per=$(field "${what}_${n}_usec_per_item" "$TMP/$what-$n")
		[ -n "$first" ] || first=$per
		label="candidate scan, $n processes"
		[ "$what" = walk ] && label="cgroup walk, $n cgroups"
		# Linear: the cost per item stays that of the smallest tree.
		row "$label" "$per" µs/1 "per item at ${sizes%% *}" "$first" - - \
			"build/tests/bench/bench_core $what /dev/shm/DIR $n"
	done
done

# ---- text-log parse vs grep -------------------------------------------------
# The log: 6.x kernel OOM reports as dmesg prints them (bench_oomparse makes them).
mklog() { "$B/bench_oomparse" --write "$1" "$2"; }
parse_vs_grep() {
	local file=$1 label=$2 runs=$3 t_parse t_grep bytes
	cat "$file" >/dev/null # both read it from the page cache
	bytes=$(stat -c %s "$file")
	read -r t_parse t_grep < <("$B/bench_run" "$runs" "$B/bench_core" logparse "$file" -- \
		/usr/bin/grep -c 'Killed process' "$file")
	# Speed is bytes per µs: the ratio of speeds is grep's time over ours.
	row "text-log parse, $label" "$(awk -v b="$bytes" -v t="$t_parse" 'BEGIN { printf "%.0f", b / t }')" MB/s \
		"grep -c 'Killed process'" "$(awk -v b="$bytes" -v t="$t_grep" 'BEGIN { printf "%.0f", b / t }')" ge 0.5 \
		"build/tests/bench/bench_run $runs build/tests/bench/bench_core logparse FILE -- /usr/bin/grep -c 'Killed process' FILE"
}
mklog "$TMP/10m.log" $((10 * 1024 * 1024))
parse_vs_grep "$TMP/10m.log" "10 MiB" 5
if [ "$BIG" != 0 ]; then
	for _ in $(seq 100); do cat "$TMP/10m.log"; done >"$TMP/1g.log"
	parse_vs_grep "$TMP/1g.log" "1 GiB" 1
	rm -f "$TMP/1g.log"
else
	note "BENCH_BIG=0: the 1 GiB text log was skipped"
fi

# ---- resident memory --------------------------------------------------------
# mem_kib PID: "VmRSS Pss" in KiB (Pss counts shared libraries pro rata).
mem_kib() {
	echo "$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$1/status")" \
		"$(awk '$1 == "Pss:" { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null)"
}
(
	source tests/snmp/snmp_env.sh
	why=$(snmp_unavailable)
	[ -z "$why" ] || { note "agent memory not measured: $why"; exit 0; }
	snmp_env_init
	echo "state_file $SNMP_TMP/agent.state" >"$SNMP_TMP/agent.conf"
	snmp_start_snmpd && snmp_start_agent -c "$SNMP_TMP/agent.conf" && snmp_wait_registered 10 ||
		{ note "agent memory not measured: the agent did not register"; exit 0; }
	sleep 2 # a few samples and SNMP requests into its life
	snmp_walk >/dev/null 2>&1
	read -r rss pss < <(mem_kib "$AGENT_PID")
	# The floor: a net-snmp AgentX subagent serving nothing, on the same snmpd.
	"$B/bench_agentx_floor" "$SNMP_SOCKET" 6 >/dev/null 2>&1 &
	floor_pid=$!
	sleep 3
	read -r floor_rss _ < <(mem_kib "$floor_pid")
	wait "$floor_pid"
	row "oomwatch-agent VmRSS" "$(awk -v k="$rss" 'BEGIN { printf "%.2f", k / 1024 }')" MiB \
		"bare net-snmp subagent" "$(awk -v k="$floor_rss" 'BEGIN { printf "%.2f", k / 1024 }')" max 4 \
		"tests/snmp/snmp_env.sh's private snmpd; grep VmRSS /proc/AGENT_PID/status; build/tests/bench/bench_agentx_floor SOCKET 6"
	# Where it goes: the agent's own memory (heap, state, stacks) is the
	# anonymous part; the rest is the pages of the libraries it runs.
	anon=$(awk '$1 == "Anonymous:" { print $2 }' "/proc/$AGENT_PID/smaps_rollup" 2>/dev/null)
	[ -n "$anon" ] && note "agent: Pss $((pss / 1024)) MiB; of its VmRSS, $((anon / 1024)) MiB anonymous (heap, state, stacks), $(((rss - anon) / 1024)) MiB pages of files (the program, libnetsnmp and the libraries it links)"
)
(
	source tests/collectd/lib.sh
	why=$(cd_unavailable)
	[ -z "$why" ] || { note "collectd memory not measured: $why"; exit 0; }
	cd_setup
	# collectd_mem_kib: start it with $CD_CONF, let it run a few intervals, stop it.
	collectd_mem_kib() {
		cd_start
		cd_wait_log 'Initialization complete' 10 && sleep 3 && mem_kib "$CD_PID"
		cd_stop >/dev/null
	}
	cd_conf 'KmsgPath "/dev/kmsg"'
	read -r with_rss with_pss < <(collectd_mem_kib)
	: >"$CD_LOG"
	sed -i '/^LoadPlugin oomwatch$/,$d' "$CD_CONF"
	read -r bare_rss bare_pss < <(collectd_mem_kib)
	[ -n "$with_rss" ] && [ -n "$bare_rss" ] || { note "collectd memory not measured (collectd did not start)"; exit 0; }
	row "collectd + oomwatch.so, VmRSS" "$with_rss" KiB "collectd alone" "$bare_rss" - - \
		"tests/collectd/lib.sh's collectd with and without LoadPlugin oomwatch; VmRSS from /proc/PID/status"
	note "the plugin adds $((with_rss - bare_rss)) KiB resident, $((with_pss - bare_pss)) KiB Pss"
)

# ---- kill -> alert latency ---------------------------------------------------
tests/bench/latency.sh
