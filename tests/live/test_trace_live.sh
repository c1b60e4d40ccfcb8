#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/live/test_trace_live.sh — the oom:mark_victim tracepoint against the real
# kernel, as root, with real OOM kills in a throwaway memory cgroup
# (tests/lib/oomcg.sh): a kill is seen by the tracepoint (a bare reader,
# build/tests/bench/trace_reader) and by the kernel log, and a monitor reading
# both counts it once, whichever it reads first, with its cgroup from the
# report the kernel printed before it marked the victim;
# read log first (the monitor stopped while the kill happens), it is one kill;
# with the log unreadable the tracepoint alone names it, where before it was a
# kill without details. Each time the
# events equal the /proc/vmstat oom_kill delta.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/tap.sh"
. "$root/tests/lib/oomcg.sh"
. "$root/tests/lib/sample_out.sh"
SAMPLE=$root/build/tests/oomw_sample
READER=$root/build/tests/bench/trace_reader

skip_if "$(oomcg_unavailable)"
[ -x "$SAMPLE" ] || skip_all "missing $SAMPLE (run make test-programs)"
# The qemu guest carries no bare reader: there case 3 shows what the tracepoint saw.
[ -x "$READER" ] || READER=

oomcg_lock
oomcg_create || { not_ok "create a throwaway memory cgroup"; done_testing; }
tmp=$(mktemp -d)
reader=
trap '[ -n "$reader" ] && kill "$reader" 2>/dev/null; oomcg_remove; rm -rf "$tmp"' EXIT
ok "throwaway cgroup $OOMCG_PATH (cgroup v$OOMCG_VERSION)"

sample() { # STATE OUT [extra args]
	local state=$1 out=$2
	shift 2
	"$SAMPLE" --proc /proc --sys /sys --kmsg /dev/kmsg --state "$state" --trace 1 "$@" >"$out" 2>&1
}
# stored OUT PID: the persisted event line of that pid (see oomw_sample.c)
stored() { awk -F'\t' -v p="$2" '$1 == "stored" && $4 == p' "$1"; }
wait_file() { for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done; return 1; }

state=$tmp/state
sample "$state" "$tmp/base.out"
if [ "$(snap "$tmp/base.out" trace_err)" != 0 ]; then
	not_ok "the monitor opens the tracepoint as root" "trace_err $(snap "$tmp/base.out" trace_err)" \
		"$(mount | grep tracefs)"
	done_testing
fi
ok "the monitor opens the tracepoint as root (tracefs: $(mount | awk '$5 == "tracefs" { print $3 }' | tr '\n' ' '))"
total0=$(snap "$tmp/base.out" oom_kill_total)

# ---- 1: waiting in poll(), both sources ------------------------------------
if [ -n "$READER" ]; then
	"$READER" >"$tmp/reader.out" 2>&1 &
	reader=$!
	wait_file "$tmp/reader.out" || not_ok "the bare tracepoint reader starts" "$(cat "$tmp/reader.out")"
fi
sample "$state" "$tmp/kill.out" --wait-event 20 --ready "$tmp/ready" &
waiter=$!
for _ in $(seq 100); do [ -e "$tmp/ready" ] && break; sleep 0.1; done
name='tr ace|victim'
if oomcg_kill "$name"; then ok "victim $OOMCG_PID killed by the OOM killer"; else not_ok "victim killed"; fi
pid=$OOMCG_PID
wait "$waiter"
if [ -n "$READER" ]; then
	for _ in $(seq 50); do grep -q "^victim	$pid	" "$tmp/reader.out" && break; sleep 0.1; done
	kill "$reader" 2>/dev/null
	wait "$reader" 2>/dev/null
	reader=
	line=$(grep "^victim	$pid	" "$tmp/reader.out")
	check "the bare tracepoint reader saw victim $pid" test -n "$line"
	comm=$(cut -f3 <<<"$line")
	if [ "$comm" = - ]; then
		diag "this kernel's mark_victim has no comm (pid only)"
	else
		check "the tracepoint's comm is the victim's (${name:0:15})" test "$comm" = "${name:0:15}"
	fi
fi
check "the kernel log has its Killed line" grep -q "Killed process $pid (" <(dmesg)
n=$(events "$tmp/kill.out")
if [ "$n" = 1 ]; then ok "the monitor reports exactly one kill"; else not_ok "the monitor reports exactly one kill" "got $n" "$(grep ^event "$tmp/kill.out")"; fi
check "its pid is the victim's" test "$(event_field "$tmp/kill.out" 4)" = "$pid"
check "the counter rose by 1" test "$(snap "$tmp/kill.out" oom_kill_total)" = $((total0 + 1))
if [ "$(event_field "$tmp/kill.out" 10)" = 1 ]; then
	diag "the tracepoint named it first; the log completes it"
else
	diag "the log named it first; the traced victim was the same kill"
fi
# The kernel prints the report before it marks the victim: named by the
# tracepoint or by the Killed line, the kill as notified has its cgroup.
check "as notified, it has its cgroup $OOMCG_PATH and scope memcg" \
	test "$(event_field "$tmp/kill.out" 6)" = "$OOMCG_PATH" -a "$(event_field "$tmp/kill.out" 7)" = memcg
sleep 0.2
sample "$state" "$tmp/after.out"
check "sampling again: no new kill" test "$(events "$tmp/after.out")" = 0
s=$(stored "$tmp/after.out" "$pid")
check "one stored event of pid $pid" test "$(grep -c . <<<"$s")" = 1
check "the log completed it: not awaiting, cgroup $OOMCG_PATH" \
	test "$(cut -f3 <<<"$s")" = 0 -a "$(cut -f6 <<<"$s")" = "$OOMCG_PATH" -a "$(cut -f7 <<<"$s")" = memcg
total1=$(snap "$tmp/after.out" oom_kill_total)

# ---- 2: the log read first ---------------------------------------------------
# Stopped while the kill happens: on waking, one sample finds the Killed record
# and the traced victim together, reads the log first, and counts one kill.
sample "$state" "$tmp/stop.out" --wait-event 20 --ready "$tmp/ready2" &
waiter=$!
for _ in $(seq 100); do [ -e "$tmp/ready2" ] && break; sleep 0.1; done
kill -STOP "$waiter"
if oomcg_kill "log-first"; then ok "victim $OOMCG_PID killed while the monitor is stopped"; else not_ok "victim killed"; fi
pid=$OOMCG_PID
kill -CONT "$waiter"
wait "$waiter"
n=$(events "$tmp/stop.out")
if [ "$n" = 1 ]; then ok "log first: exactly one kill"; else not_ok "log first: exactly one kill" "got $n" "$(grep ^event "$tmp/stop.out")"; fi
check "log first: pid $pid, from the log (cgroup known, not awaiting)" \
	test "$(event_field "$tmp/stop.out" 4)" = "$pid" -a "$(event_field "$tmp/stop.out" 6)" = "$OOMCG_PATH" \
	-a "$(event_field "$tmp/stop.out" 10)" = 0
check "log first: the counter rose by 1" test "$(snap "$tmp/stop.out" oom_kill_total)" = $((total1 + 1))
total2=$(snap "$tmp/stop.out" oom_kill_total)

# ---- 3: the tracepoint alone -------------------------------------------------
# The log unreadable: the monitor's /dev/kmsg is a node of the same device with
# mode 000, and the process lacks CAP_DAC_OVERRIDE (EACCES). Before, such a kill
# was counted without details; the tracepoint names it. (Dropping CAP_SYSLOG
# would not do on Debian's kernels: 6.1 still lets CAP_SYS_ADMIN read the log,
# and perf_event_paranoid=3 there gives perf_event_open to CAP_SYS_ADMIN only.)
mknod "$tmp/kmsg" c "$((16#$(stat -c '%t' /dev/kmsg)))" "$((16#$(stat -c '%T' /dev/kmsg)))"
chmod 000 "$tmp/kmsg"
no_dac() { setpriv --inh-caps=-dac_override,-dac_read_search --bounding-set=-dac_override,-dac_read_search "$@"; }
no_dac "$SAMPLE" --proc /proc --sys /sys --kmsg "$tmp/kmsg" --state "$state" --trace 1 \
	--wait-event 20 --ready "$tmp/ready3" >"$tmp/alone.out" 2>&1 &
waiter=$!
for _ in $(seq 100); do [ -e "$tmp/ready3" ] && break; sleep 0.1; done
if oomcg_kill "trace-alone"; then ok "victim $OOMCG_PID killed"; else not_ok "victim killed"; fi
pid=$OOMCG_PID
wait "$waiter"
check "tracepoint alone: the log is unreadable (klog_err -EACCES)" test "$(snap "$tmp/alone.out" klog_err)" = -13
n=$(events "$tmp/alone.out")
if [ "$n" = 1 ]; then ok "tracepoint alone: exactly one kill"; else not_ok "tracepoint alone: exactly one kill" "got $n" "$(grep ^event "$tmp/alone.out")"; fi
check "tracepoint alone: it has details, pid $pid" \
	test "$(event_field "$tmp/alone.out" 3)" = 1 -a "$(event_field "$tmp/alone.out" 4)" = "$pid"
check "tracepoint alone: no kill without details" \
	test "$(snap "$tmp/alone.out" kills_without_details)" = "$(snap "$tmp/stop.out" kills_without_details)"
check "tracepoint alone: the counter rose by 1" test "$(snap "$tmp/alone.out" oom_kill_total)" = $((total2 + 1))

check "the cgroup's own oom_kill is 3, one per event" test "$(oomcg_oom_kill)" = 3
done_testing
