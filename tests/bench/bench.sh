#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/bench/bench.sh — `make bench`: each figure from this one run, as a ratio
# against its floor or peer measured in the same run, with the goal it meets or
# misses and the command that reproduces it. Timing only: nothing here is a test.
#
#   BENCH_N=21       whole-process runs per command (medians)
#   BENCH_BIG=0      skip the 1 GiB text log (default: on, made in /tmp, removed)
#   BENCH_KILLS=5    real kills per front end for the latency figures (root)
#   BENCH_LOCK_WAIT=300  seconds to wait for the live tests' lock before the
#                    figures that write to /dev/kmsg or kill are skipped
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
B=$ROOT/build/tests/bench
N=${BENCH_N:-21}
BIG=${BENCH_BIG:-1}
KILLS=${BENCH_KILLS:-5}
LOCK_WAIT=${BENCH_LOCK_WAIT:-300}
LOCK=/tmp/oomwatch-live-test.lock
CHECK_SWAP=/usr/lib/nagios/plugins/check_swap
TMP=$(mktemp -d /tmp/oomwatch-bench.XXXXXX)
SHM=$(mktemp -d /dev/shm/oomwatch-bench.XXXXXX)
cleanup_bench() { rm -rf "$TMP" "$SHM"; }
trap cleanup_bench EXIT
ROOT_USER=false
[ "$(id -u)" = 0 ] && ROOT_USER=true

# row NAME VALUE UNIT PEER_NAME PEER_VALUE GOAL_OP GOAL CMD: one figure.
# The ratio is VALUE / PEER_VALUE; GOAL_OP is "le" or "ge" (ratio vs GOAL),
# "max" (VALUE itself at most GOAL, in UNIT), or "-" for a figure without a goal.
row() {
	local name=$1 value=$2 unit=$3 peer=$4 pv=$5 op=$6 goal=$7 cmd=$8 ratio verdict
	ratio=$(awk -v a="$value" -v b="$pv" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
	case $op in
	le) verdict=$(awk -v r="$ratio" -v g="$goal" 'BEGIN { print (r <= g ? "MET" : "MISSED") }')
	    verdict="goal <= ${goal}x: $verdict" ;;
	ge) verdict=$(awk -v r="$ratio" -v g="$goal" 'BEGIN { print (r >= g ? "MET" : "MISSED") }')
	    verdict="goal >= ${goal}x: $verdict" ;;
	max) verdict=$(awk -v v="$value" -v g="$goal" 'BEGIN { print (v <= g ? "MET" : "MISSED") }')
	     verdict="goal <= $goal $unit: $verdict" ;;
	*) verdict="no goal" ;;
	esac
	printf '%-34s %10s %-4s vs %-26s %10s  ratio %6sx  %s\n' "$name" "$value" "$unit" "$peer" "$pv" "$ratio" "$verdict"
	printf '    reproduce: %s\n' "$cmd"
}
# note TEXT: a line that is no figure (a skip, a caveat).
note() { printf '  note: %s\n' "$*"; }
field() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
# live_lock: tests/lib/oomcg.sh's oomcg_lock (on fd 9), waiting LOCK_WAIT s at most.
live_lock() {
	exec 9>"$LOCK"
	flock -w "$LOCK_WAIT" 9
}

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
	local n med_alert med_reader med_trace
	n=$(grep -c '^pid ' "$out")
	if [ "$n" = 0 ]; then
		note "$label latency not measured: $(tail -2 "$out" | tr '\n' ' ')"
		return
	fi
	med_alert=$(awk '/^pid / { print $4 }' "$out" | median)
	med_reader=$(awk '/^pid / { print $6 }' "$out" | median)
	med_trace=$(awk '/^pid / && $8 != "-" { print $8 }' "$out" | median)
	local cmd="BENCH_KILLS=$KILLS tests/bench/bench.sh (tests/lib/latency.py beside the front end)"
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
