#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/live/test_core_live.sh — the core against the real kernel: a real OOM kill
# in a throwaway memory cgroup (tests/lib/oomcg.sh) must show in the monitor once,
# with the right pid, exact comm bytes and cgroup, as root; and still be counted
# (without details, klog_err = -EPERM) by an unprivileged user under dmesg_restrict.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/tap.sh"
. "$root/tests/lib/oomcg.sh"
. "$root/tests/lib/sample_out.sh"
SAMPLE=$root/build/tests/oomw_sample
EPERM=1

skip_if "$(oomcg_unavailable)"
[ -x "$SAMPLE" ] || skip_all "missing $SAMPLE (run make test-programs)"

oomcg_lock
oomcg_create || { not_ok "create a throwaway memory cgroup"; done_testing; }
tmp=$(mktemp -d)
trap 'oomcg_remove; rm -rf "$tmp"' EXIT
ok "throwaway cgroup $OOMCG_PATH (cgroup v$OOMCG_VERSION)"

run_sample() { # STATE_FILE OUT [extra args]
	local state=$1 out=$2
	shift 2
	"$SAMPLE" --proc /proc --sys /sys --kmsg /dev/kmsg --state "$state" --cgroup "$OOMCG_PATH" "$@" >"$out" 2>&1
}

# ---- as root ---------------------------------------------------------------
state=$tmp/root.state
run_sample "$state" "$tmp/base.out"
total0=$(snap "$tmp/base.out" oom_kill_total)
check "baseline sample as root reads the counter and the log" \
	test "$(snap "$tmp/base.out" klog_err)" = 0 -a "$(snap "$tmp/base.out" vmstat_err)" = 0 -a -n "$total0"
check "baseline creates the state file" test -s "$state"

# A name that imitates the rest of the Killed line, with '|', spaces and a
# backslash; the kernel keeps 15 bytes of it (TASK_COMM_LEN - 1).
name='ev|l) \x41 vm:1kB'
comm=${name:0:15}
want_comm=${comm//\\/\\x5c} # the helper re-escapes '\' as oomw_escape does

"$SAMPLE" --proc /proc --sys /sys --kmsg /dev/kmsg --state "$state" --cgroup "$OOMCG_PATH" \
	--wait-event 20 --ready "$tmp/ready" >"$tmp/kill.out" 2>&1 &
waiter=$!
for _ in $(seq 100); do [ -e "$tmp/ready" ] && break; sleep 0.1; done
if oomcg_kill "$name"; then ok "victim $OOMCG_PID killed by the OOM killer"; else not_ok "victim killed"; fi
wait "$waiter"

total1=$(snap "$tmp/kill.out" oom_kill_total)
check "vmstat oom_kill rose by 1 ($total0 -> $total1)" test "$total1" = $((total0 + 1))
n=$(events "$tmp/kill.out")
if [ "$n" = 1 ]; then ok "exactly one kill event"; else not_ok "exactly one kill event" "got $n" "$(cat "$tmp/kill.out")"; fi
check "event has details" test "$(event_field "$tmp/kill.out" 3)" = 1
check "event pid is the victim's ($OOMCG_PID)" test "$(event_field "$tmp/kill.out" 4)" = "$OOMCG_PID"
got=$(event_field "$tmp/kill.out" 5)
if [ "$got" = "$want_comm" ]; then ok "event comm is the exact bytes"; else not_ok "event comm is the exact bytes" "want: $want_comm" "got:  $got"; fi
check "event task_memcg is $OOMCG_PATH" test "$(event_field "$tmp/kill.out" 6)" = "$OOMCG_PATH"
check "event scope is memcg" test "$(event_field "$tmp/kill.out" 7)" = memcg
check "the cgroup's own oom_kill is 1" test "$(oomcg_oom_kill)" = 1
check "the snapshot's cgroup delta is 1" test "$(cgroup_delta "$tmp/kill.out" "$OOMCG_PATH")" = 1
wall=$(event_field "$tmp/kill.out" 8)
seen=$(event_field "$tmp/kill.out" 9)
if [ -n "$wall" ] && [ -n "$seen" ] && [ "$wall" != - ]; then
	# The kmsg clock is not CLOCK_REALTIME - offset to the µs (doc/kernel-interfaces.md: ~2 ms
	# apart), so a very fast wake-up can even print as negative.
	diag "victim death (kernel timestamp) to event: $(awk -v d=$((seen - wall)) 'BEGIN { printf "%.1f", d / 1000 }') ms (poll on /dev/kmsg; kernel clock uncalibrated, ±2 ms)"
fi

run_sample "$state" "$tmp/again.out"
check "sampling again reports no new event" test "$(events "$tmp/again.out")" = 0
check "and no cgroup delta" test "$(cgroup_delta "$tmp/again.out" "$OOMCG_PATH")" = 0

# A state whose counter baseline exists but has no log cursor (the log was not
# read before): /dev/kmsg is then read from its end, not from the oldest record
# (the counter already counted those kills), and the next kill has details.
cstate=$tmp/cursor.state
"$SAMPLE" --proc /proc --sys /sys --kmsg none --state "$cstate" >"$tmp/c0.out" 2>&1
run_sample "$cstate" "$tmp/c1.out"
check "log opened after a baseline without it: no old kill reported again" \
	test "$(events "$tmp/c1.out")" = 0 -a "$(snap "$tmp/c1.out" klog_err)" = 0
if oomcg_kill cursor-victim; then ok "third victim $OOMCG_PID killed"; else not_ok "third victim killed"; fi
run_sample "$cstate" "$tmp/c2.out"
check "then the next kill is one event with details (pid $OOMCG_PID)" \
	test "$(events "$tmp/c2.out")" = 1 -a "$(event_field "$tmp/c2.out" 3)" = 1 -a "$(event_field "$tmp/c2.out" 4)" = "$OOMCG_PID"

# ---- as an unprivileged user ----------------------------------------------
# setpriv (util-linux): drop to nobody with no capabilities at all, so that
# dmesg_restrict denies /dev/kmsg like it does for a monitoring user.
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all --bounding-set=-all "$@"; }
if [ "$(as_nobody id -u 2>/dev/null)" != 65534 ]; then
	not_ok "setpriv can drop to nobody" "$(as_nobody id -u 2>&1)"
	done_testing
fi
if [ "$(cat /proc/sys/kernel/dmesg_restrict)" != 1 ]; then
	diag "kernel.dmesg_restrict is not 1 here: nobody can read the log"
fi
udir=$tmp/nobody
mkdir "$udir"
chown nobody:nogroup "$udir"
chmod 755 "$tmp"
ustate=$udir/state
as_nobody "$SAMPLE" --proc /proc --sys /sys --kmsg /dev/kmsg --state "$ustate" --cgroup "$OOMCG_PATH" >"$tmp/ubase.out" 2>&1
utotal0=$(snap "$tmp/ubase.out" oom_kill_total)
uwd0=$(snap "$tmp/ubase.out" kills_without_details)
check "unprivileged baseline: klog_err is -EPERM" test "$(snap "$tmp/ubase.out" klog_err)" = -$EPERM
check "unprivileged baseline: counter read, state saved" \
	test -n "$utotal0" -a "$utotal0" != - -a "$(snap "$tmp/ubase.out" sample_ret)" = 0 -a -s "$ustate"

if oomcg_kill unprivileged; then ok "second victim $OOMCG_PID killed"; else not_ok "second victim killed"; fi
as_nobody "$SAMPLE" --proc /proc --sys /sys --kmsg /dev/kmsg --state "$ustate" --cgroup "$OOMCG_PATH" >"$tmp/ukill.out" 2>&1
n=$(events "$tmp/ukill.out")
if [ "$n" = 1 ]; then ok "unprivileged: exactly one kill event"; else not_ok "unprivileged: exactly one kill event" "got $n" "$(cat "$tmp/ukill.out")"; fi
check "unprivileged: the event has no details" test "$(event_field "$tmp/ukill.out" 3)" = 0
check "unprivileged: klog_err is still -EPERM" test "$(snap "$tmp/ukill.out" klog_err)" = -$EPERM
check "unprivileged: counter +1" test "$(snap "$tmp/ukill.out" oom_kill_total)" = $((utotal0 + 1))
check "unprivileged: kills_without_details +1" test "$(snap "$tmp/ukill.out" kills_without_details)" = $((uwd0 + 1))
check "unprivileged: the cgroup delta is 1" test "$(cgroup_delta "$tmp/ukill.out" "$OOMCG_PATH")" = 1
as_nobody "$SAMPLE" --proc /proc --sys /sys --kmsg /dev/kmsg --state "$ustate" --cgroup "$OOMCG_PATH" >"$tmp/uagain.out" 2>&1
check "unprivileged: sampling again reports nothing" test "$(events "$tmp/uagain.out")" = 0

oomcg_remove
check "the throwaway cgroup is removed" test -z "$OOMCG"
done_testing
