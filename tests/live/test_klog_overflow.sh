#!/bin/bash
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
FLOOD_RECORDS_MAX=100000 # ~90 MB: far beyond any ring (log_buf_len caps at 2 GiB, none is that big here)

skip_if "$(oomcg_unavailable)"
[ -x "$SAMPLE" ] || skip_all "missing $SAMPLE (run make test-programs)"
[ -w /dev/kmsg ] || skip_all "/dev/kmsg is not writable"

oomcg_lock
oomcg_create || { not_ok "create a throwaway memory cgroup"; done_testing; }
tmp=$(mktemp -d)
waiter=
trap '[ -n "$waiter" ] && kill -CONT "$waiter" 2>/dev/null; oomcg_remove; rm -rf "$tmp"' EXIT
ok "throwaway cgroup $OOMCG_PATH (cgroup v$OOMCG_VERSION)"

filler=$(printf '%0900d' 0)
flooded=0
# Writes records until MARKER (written first) is no longer in the ring.
flood_past() { # MARKER
	local i=0 j
	printf '<7>%s marker: %s\n' "$FLOOD_PREFIX" "$1" >/dev/kmsg
	while dmesg | grep -qF "$FLOOD_PREFIX marker: $1"; do
		for ((j = 0; j < FLOOD_BATCH; j++)); do
			printf '<7>%s: %d %s\n' "$FLOOD_PREFIX" "$i" "$filler" >/dev/kmsg
			i=$((i + 1))
		done
		[ "$i" -lt "$FLOOD_RECORDS_MAX" ] || return 1
	done
	flooded=$((flooded + i))
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

# ---- totals -----------------------------------------------------------------
run_sample "$tmp/again.out"
check "sampling again reports nothing" test "$(events "$tmp/again.out")" = 0
n=$(($(events "$tmp/one.out") + $(events "$tmp/two.out") + $(events "$tmp/three.out")))
check "5 kills, 5 events, vmstat delta $((total3 - total0)), cgroup oom_kill $(oomcg_oom_kill)" \
	test "$n" = 5 -a $((total3 - total0)) = 5 -a "$(oomcg_oom_kill)" = 5
check "no flood record became an event" test -z "$(grep "^event.*$FLOOD_PREFIX" "$tmp"/*.out)"
diag "$flooded flood records of ~950 bytes written to /dev/kmsg"
done_testing
