#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/live/test_klog_overflow.sh — the kernel log's own failure mode, live: the
# /dev/kmsg ring is overwritten between two reads of a monitor while real kills
# happen in a throwaway memory cgroup (tests/lib/oomcg.sh). The reader sees
# EPIPE and a gap in sequence numbers; the kills must still be counted exactly
# (events = /proc/vmstat delta), those whose records were lost reported without
# details and with the records' loss counted (klog_missed), never with another
# kill's pid or comm. As root: root can write records into /dev/kmsg.
#
# The flood is written at debug level (<7>, below the console's level), each
# record through its own open of /dev/kmsg (the kernel rate-limits writes per
# open file), until a marker written after the kill has left the ring: then
# every record of that kill has too, whatever the ring's size.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/tap.sh"
. "$root/tests/lib/oomcg.sh"
. "$root/tests/lib/sample_out.sh"
SAMPLE=$root/build/tests/oomw_sample
FLOOD_PREFIX=oomwatch-test-flood
FLOOD_BATCH=64
FLOOD_RECORDS_MAX=100000 # per call; ~90 MB of big records, far beyond any ring here

skip_if "$(oomcg_unavailable)"
[ -x "$SAMPLE" ] || skip_all "missing $SAMPLE (run make test-programs)"
[ -w /dev/kmsg ] || skip_all "/dev/kmsg is not writable"

oomcg_lock
oomcg_create || { not_ok "create a throwaway memory cgroup"; done_testing; }
tmp=$(mktemp -d)
waiter=
trap '[ -n "$waiter" ] && kill -CONT "$waiter" 2>/dev/null; oomcg_remove; rm -rf "$tmp"' EXIT
ok "throwaway cgroup $OOMCG_PATH (cgroup v$OOMCG_VERSION)"

flooded=0
# Writes records of about SIZE bytes, BATCH at a time, while PATTERN is in the ring.
flood_while() { # PATTERN BATCH SIZE
	local i=0 j fill
	fill=$(printf '%0*d' "$3" 0)
	while dmesg | grep -qF -- "$1"; do
		for ((j = 0; j < $2; j++)); do
			printf '<7>%s: %d %s\n' "$FLOOD_PREFIX" "$flooded" "$fill" >/dev/kmsg
			flooded=$((flooded + 1))
			i=$((i + 1))
		done
		[ "$i" -lt "$FLOOD_RECORDS_MAX" ] || return 1
	done
}
# Writes MARKER, then big records until it has left the ring.
flood_past() { # MARKER
	printf '<7>%s marker: %s\n' "$FLOOD_PREFIX" "$1" >/dev/kmsg
	flood_while "$FLOOD_PREFIX marker: $1" "$FLOOD_BATCH" 900
}
# The pids the kernel logged as killed and still holds in its ring.
logged_pid() { dmesg | grep -q "Killed process $1 "; }

run_sample() { # OUT [extra args]
	local out=$1
	shift
	"$SAMPLE" --proc /proc --sys /sys --kmsg /dev/kmsg --state "$tmp/state" --cgroup "$OOMCG_PATH" "$@" >"$out" 2>&1
}
# A monitor that has taken its first sample, then is stopped: it reads the log
# again only when continued, after whatever happened in between.
start_stopped_waiter() { # OUT
	rm -f "$tmp/ready"
	"$SAMPLE" --proc /proc --sys /sys --kmsg /dev/kmsg --state "$tmp/state" --cgroup "$OOMCG_PATH" \
		--wait-event 60 --ready "$tmp/ready" >"$1" 2>&1 &
	waiter=$!
	for _ in $(seq 100); do [ -e "$tmp/ready" ] && break; sleep 0.1; done
	kill -STOP "$waiter"
}
resume_waiter() { kill -CONT "$waiter"; wait "$waiter"; waiter=; }
# Event lines as "details pid comm", sorted.
event_summary() { awk -F'\t' '$1 == "event" { print $3, $4, $5 }' "$1" | sort; }

run_sample "$tmp/base.out"
total0=$(snap "$tmp/base.out" oom_kill_total)
wd0=$(snap "$tmp/base.out" kills_without_details)
check "baseline: counter and log read" \
	test "$(snap "$tmp/base.out" klog_err)" = 0 -a "$(snap "$tmp/base.out" vmstat_err)" = 0 -a -n "$total0"

# ---- 1: two kills, each buried under a full ring, one monitor between -----
start_stopped_waiter "$tmp/one.out"
oomcg_kill flood-a && pid_a=$OOMCG_PID || pid_a=
if flood_past "after $pid_a"; then ok "the ring overflowed past kill $pid_a"; else not_ok "the ring overflowed past kill $pid_a" "marker still there after $FLOOD_RECORDS_MAX records"; fi
oomcg_kill flood-b && pid_b=$OOMCG_PID || pid_b=
flood_past "after $pid_b"
check "two victims killed ($pid_a, $pid_b) and neither Killed line is in the ring" \
	test -n "$pid_a" -a -n "$pid_b" -a -z "$(logged_pid "$pid_a" && echo a)$(logged_pid "$pid_b" && echo b)"
resume_waiter
total1=$(snap "$tmp/one.out" oom_kill_total)
check "vmstat oom_kill rose by 2 ($total0 -> $total1)" test "$total1" = $((total0 + 2))
got=$(event_summary "$tmp/one.out")
want=$'0 - -\n0 - -'
if [ "$got" = "$want" ]; then ok "two events, both without details (no pid, no comm)"; else not_ok "two events, both without details (no pid, no comm)" "got:" "$got"; fi
check "the missed records are counted (klog_missed $(snap "$tmp/one.out" klog_missed) > 0)" \
	test "$(snap "$tmp/one.out" klog_missed)" -gt 0
check "the log is still read (klog_err 0)" test "$(snap "$tmp/one.out" klog_err)" = 0
check "kills_without_details rose by 2" test "$(snap "$tmp/one.out" kills_without_details)" = $((wd0 + 2))
check "the cgroup delta is 2" test "$(cgroup_delta "$tmp/one.out" "$OOMCG_PATH")" = 2

# ---- 2: a buried kill, then one whose records stay ------------------------
start_stopped_waiter "$tmp/two.out"
oomcg_kill flood-c && pid_c=$OOMCG_PID || pid_c=
flood_past "after $pid_c"
oomcg_kill flood-d && pid_d=$OOMCG_PID || pid_d=
check "victims $pid_c (buried) and $pid_d (kept) killed" \
	test -n "$pid_c" -a -n "$pid_d" -a -z "$(logged_pid "$pid_c" && echo c)" -a -n "$(logged_pid "$pid_d" && echo d)"
resume_waiter
total2=$(snap "$tmp/two.out" oom_kill_total)
check "vmstat oom_kill rose by 2 ($total1 -> $total2)" test "$total2" = $((total1 + 2))
got=$(event_summary "$tmp/two.out")
want=$'0 - -\n1 '"$pid_d"' flood-d'
if [ "$got" = "$want" ]; then
	ok "two events: $pid_d with its details, the buried one without (not given $pid_d's)"
else
	not_ok "two events: $pid_d with its details, the buried one without" "want:" "$want" "got:" "$got"
fi
check "klog_missed > 0" test "$(snap "$tmp/two.out" klog_missed)" -gt 0
check "kills_without_details rose by 1 more" test "$(snap "$tmp/two.out" kills_without_details)" = $((wd0 + 3))

# ---- 3: the saved cursor's records are gone before the next monitor runs --
oomcg_kill flood-e && pid_e=$OOMCG_PID || pid_e=
flood_past "after $pid_e"
run_sample "$tmp/three.out"
total3=$(snap "$tmp/three.out" oom_kill_total)
check "a new monitor after the cursor was overwritten: vmstat +1 ($total2 -> $total3)" test "$total3" = $((total2 + 1))
got=$(event_summary "$tmp/three.out")
if [ "$got" = "0 - -" ]; then ok "one event, without details"; else not_ok "one event, without details" "got:" "$got"; fi
check "klog_missed > 0 (the gap after the saved cursor)" test "$(snap "$tmp/three.out" klog_missed)" -gt 0

# ---- 4: a report cut in the middle ------------------------------------------
# Overwritten up to its "oom-kill:" summary line (which names the cgroup) but
# not its Killed line: the kill has its pid and comm, and its cgroup is the
# right one or unknown, never another.
# The kernel prints a report's header and summary for at most 10 OOMs in 5 s
# (oom_kill.c's DEFAULT_RATELIMIT_BURST/INTERVAL), the Killed line always: after
# 5 s without a kill (we hold the lock) the next report is whole.
sleep 5
start_stopped_waiter "$tmp/four.out"
oomcg_kill flood-p && pid_p=$OOMCG_PID || pid_p=
dmesg | grep -qF ",pid=$pid_p," && summary=logged || summary="not logged"
flood_while "flood-p invoked oom-killer" 1 900
flood_while ",pid=$pid_p," 1 40
check "kill $pid_p: its summary line was $summary, then overwritten; its Killed line is not" \
	test -n "$pid_p" -a "$summary" = logged -a -n "$(logged_pid "$pid_p" && echo p)"
resume_waiter
total4=$(snap "$tmp/four.out" oom_kill_total)
check "vmstat oom_kill rose by 1 ($total3 -> $total4)" test "$total4" = $((total3 + 1))
got=$(event_summary "$tmp/four.out")
if [ "$got" = "1 $pid_p flood-p" ]; then ok "one event, with the Killed line's pid and comm"; else not_ok "one event, with the Killed line's pid and comm" "got:" "$got"; fi
memcg=$(event_field "$tmp/four.out" 6)
check "its task_memcg is $OOMCG_PATH or unknown ('$memcg')" test "$memcg" = - -o "$memcg" = "$OOMCG_PATH"
check "klog_missed > 0" test "$(snap "$tmp/four.out" klog_missed)" -gt 0

# ---- totals -----------------------------------------------------------------
run_sample "$tmp/again.out"
check "sampling again reports nothing" test "$(events "$tmp/again.out")" = 0
n=0
for f in one two three four; do n=$((n + $(events "$tmp/$f.out"))); done
check "6 kills, 6 events, vmstat delta $((total4 - total0)), cgroup oom_kill $(oomcg_oom_kill)" \
	test "$n" = 6 -a $((total4 - total0)) = 6 -a "$(oomcg_oom_kill)" = 6
check "no flood record became an event" test -z "$(grep "^event.*$FLOOD_PREFIX" "$tmp"/*.out)"
diag "$flooded flood records written to /dev/kmsg"
done_testing
