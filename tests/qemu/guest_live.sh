#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/qemu/guest_live.sh PHASE [total] — runs as root inside the qemu guest
# (tests/qemu/init.sh) on a kernel booted for this run alone: /proc/vmstat
# oom_kill starts at 0 and every kill is one of ours, so counts are exact from
# boot. The host's live tests (tests/live/) run in the guest too; this script
# adds what only this guest can test. PHASE v2 (cgroup2 at /sys/fs/cgroup):
# memory.events POLLPRI waking the monitor; memory.oom.group killing a whole
# cgroup, each Killed line one event; the PSI trigger waking on pressure made
# inside the cgroup. PHASE v1 (a v1 memory hierarchy): memory.oom_control, and
# only the log to poll. Both: the kernel's Killed lines = the counter = the
# events of one monitor state that followed the boot. With "total" (run last,
# after tests/live/): that monitor's events since boot = the counter.
# Every check is named "PHASE.ID: what"; the host (tests/qemu/test_qemu_v2.sh)
# relays them and wants every ID it expects.
set -u
root=/oomw
. "$root/tests/lib/tap.sh"
. "$root/tests/lib/oomcg.sh"
. "$root/tests/lib/sample_out.sh"
SAMPLE=$root/build/tests/oomw_sample
p=${1:-}
mode=${2:-}
# TCG is slow: a waiter gives the kill this long.
WAIT_SEC=60
# No kill is expected while throttled: the PSI waiter waits this long.
PSI_WAIT_SEC=6

case $p in
v1 | v2) ;;
*) not_ok "known phase (oomw.phase=v1 or v2 on the kernel command line)" "got '$p'"; done_testing ;;
esac
diag "kernel $(uname -r), $(nproc) cpu, $(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo) kB"

vmstat_oom_kill() { awk '$1 == "oom_kill" { print $2 }' /proc/vmstat; }
tmp=/tmp/oomw
mkdir -p "$tmp"
# One monitor state follows the whole boot, sampled after every kill here:
# the sum of its events must be the counter.
main=$tmp/main.state
main_events=0

if [ "$mode" = total ]; then
	# After every test, the log perhaps flooded: the state holds each kill
	# since boot as one event (far fewer than it keeps).
	"$SAMPLE" --proc /proc --sys /sys --kmsg /dev/kmsg --state "$main" >"$tmp/total.out" 2>&1
	total=$(vmstat_oom_kill)
	check "$p.total: the state's events since boot ($(snap "$tmp/total.out" stored_events)) = vmstat oom_kill ($total)" \
		test "$(snap "$tmp/total.out" stored_events)" = "$total" -a "$(snap "$tmp/total.out" oom_kill_total)" = "$total"
	done_testing
fi

# The counter can only hold our kills: nothing else runs on this kernel.
kills=0
check "$p.boot: /proc/vmstat oom_kill is 0 at boot" test "$(vmstat_oom_kill)" = 0
oomcg_create || { not_ok "$p.cgroup: create a memory cgroup"; done_testing; }
check "$p.cgroup: throwaway cgroup $OOMCG_PATH is cgroup v$OOMCG_VERSION" test "$OOMCG_VERSION" = "${p#v}"

run_sample() { # STATE OUT [extra args]
	local state=$1 out=$2
	shift 2
	"$SAMPLE" --proc /proc --sys /sys --kmsg /dev/kmsg --state "$state" --cgroup "$OOMCG_PATH" "$@" >"$out" 2>&1
}
main_sample() { # OUT [extra args]
	run_sample "$main" "$@"
	main_events=$((main_events + $(events "$1")))
}
# Starts a waiting monitor in the background (its pid in $waiter), returns
# once it has taken its first sample.
start_waiter() { # STATE OUT [extra args]
	local state=$1 out=$2
	shift 2
	rm -f "$tmp/ready"
	"$SAMPLE" --proc /proc --sys /sys --state "$state" --cgroup "$OOMCG_PATH" \
		--wait-event "$WAIT_SEC" --ready "$tmp/ready" "$@" >"$out" 2>&1 &
	waiter=$!
	for _ in $(seq 300); do [ -e "$tmp/ready" ] && break; sleep 0.1; done
}
uptime_s() { cut -d' ' -f1 /proc/uptime; }
# Kills as the kernel log tells them, independent of the counter.
klog_kills() { dmesg | grep -c 'Killed process'; }

main_sample "$tmp/base.out"
check "$p.baseline: first sample since boot, counter 0, log readable" \
	test "$(snap "$tmp/base.out" first_sample)" = 1 -a "$(snap "$tmp/base.out" oom_kill_total)" = 0 \
	-a "$(snap "$tmp/base.out" klog_err)" = 0 -a "$(events "$tmp/base.out")" = 0

# ---- a kill, the monitor waiting in poll() (details: tests/live/) --------
start_waiter "$main" "$tmp/kill.out" --kmsg /dev/kmsg
if oomcg_kill first-victim; then
	kills=$((kills + 1))
	echo "oomw-first-kill uptime $(uptime_s)"
	ok "$p.kill: victim $OOMCG_PID killed by the OOM killer"
else
	not_ok "$p.kill: victim killed by the OOM killer"
fi
wait "$waiter"
main_events=$((main_events + $(events "$tmp/kill.out")))
n=$(events "$tmp/kill.out")
if [ "$n" = 1 ]; then ok "$p.one_event: exactly one kill event"; else not_ok "$p.one_event: exactly one kill event" "got $n" "$(cat "$tmp/kill.out")"; fi
check "$p.details: with details, the victim's pid ($OOMCG_PID), counter 1, cgroup delta 1" \
	test "$(event_field "$tmp/kill.out" 3)" = 1 -a "$(event_field "$tmp/kill.out" 4)" = "$OOMCG_PID" \
	-a "$(snap "$tmp/kill.out" oom_kill_total)" = 1 -a "$(cgroup_delta "$tmp/kill.out" "$OOMCG_PATH")" = 1
wall=$(event_field "$tmp/kill.out" 8)
seen=$(event_field "$tmp/kill.out" 9)
[ -n "$wall" ] && [ "$wall" != - ] && [ -n "$seen" ] &&
	diag "victim death (kernel timestamp) to event: $(((seen - wall) / 1000)) ms (emulated clock)"

if [ "$p" = v1 ]; then
	# v1 has no memory.events to poll: the log woke the monitor.
	check "$p.kmsg_wake: the monitor woke on /dev/kmsg POLLIN" woke "$tmp/kill.out" /dev/kmsg 0x1
	check "$p.no_events_fd: no cgroup file among the pollfds" \
		test -z "$(awk -F'\t' '$1 == "wake" && $2 ~ /^\/sys\//' "$tmp/kill.out")"
	check "$p.oom_control: memory.oom_control says oom_kill 1, under_oom 0" \
		test "$(awk '$1 == "oom_kill" || $1 == "under_oom" { printf "%s=%s ", $1, $2 }' "$OOMCG/memory.oom_control")" = "under_oom=0 oom_kill=1 "
fi

if [ "$p" = v2 ]; then
	# ---- memory.events POLLPRI: no log, so only the cgroup can wake it --------
	pstate=$tmp/pollpri.state
	run_sample "$pstate" "$tmp/p0.out" --kmsg none
	start_waiter "$pstate" "$tmp/pollpri.out" --kmsg none
	if oomcg_kill pollpri; then kills=$((kills + 1)); ok "$p.kill2: second victim $OOMCG_PID killed"; else not_ok "$p.kill2: second victim killed"; fi
	wait "$waiter"
	check "$p.pollpri: memory.events woke the monitor with POLLPRI" woke "$tmp/pollpri.out" "$OOMCG/memory.events" 0x2
	check "$p.pollpri_event: and it reported one kill without details" \
		test "$(events "$tmp/pollpri.out")" = 1 -a "$(event_field "$tmp/pollpri.out" 3)" = 0
	main_sample "$tmp/after2.out"
	check "$p.main2: the log-reading monitor saw it with pid $OOMCG_PID" \
		test "$(events "$tmp/after2.out")" = 1 -a "$(event_field "$tmp/after2.out" 4)" = "$OOMCG_PID"

	# ---- memory.oom.group: the whole cgroup is killed, each member counted ----
	klog0=$(klog_kills)
	echo 1 >"$OOMCG/memory.oom.group"
	members=()
	for _ in 1 2 3; do
		sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 600' sh "$OOMCG" &
		members+=($!)
	done
	for _ in $(seq 100); do [ "$(wc -l <"$OOMCG/cgroup.procs")" -ge 3 ] && break; sleep 0.1; done
	if oomcg_kill group-victim; then ok "$p.group_kill: the allocating member $OOMCG_PID was killed"; else not_ok "$p.group_kill: the allocating member was killed"; fi
	killed=1
	for m in "${members[@]}"; do
		{ wait "$m"; } 2>/dev/null
		[ $? -eq 137 ] && killed=$((killed + 1))
	done
	check "$p.group_all: its 3 idle members were SIGKILLed too" test "$killed" = 4
	# 6.1 kills the task that hit the limit once as the victim and once more
	# as a member of the group: it has two Killed lines and two counts (in
	# vmstat and memory.events). The monitor follows the kernel's count.
	group_kills=$(($(klog_kills) - klog0))
	kills=$((kills + group_kills))
	main_sample "$tmp/group.out"
	n=$(events "$tmp/group.out")
	diag "oom.group: 4 processes killed, the kernel logged and counted $group_kills kills"
	if [ "$n" = "$group_kills" ] && [ "$n" -ge 4 ]; then ok "$p.group_events: one event per Killed line ($n)"; else not_ok "$p.group_events: one event per Killed line ($group_kills)" "got $n" "$(cat "$tmp/group.out")"; fi
	want=$(printf '%s\n' "$OOMCG_PID" "${members[@]}" | sort -n | tr '\n' ' ')
	got=$(event_field "$tmp/group.out" 4 | sort -nu | tr '\n' ' ')
	if [ "$got" = "$want" ]; then ok "$p.group_pids: the events name exactly the members' pids"; else not_ok "$p.group_pids: the events name exactly the members' pids" "want: $want" "got:  $got"; fi
	# The group's Killed lines do not name each member's cgroup (it may be one
	# below the group's): unknown ("-") is right, any other path is invented.
	if [ "$(awk -F'\t' -v c="$OOMCG_PATH" '$1 == "event" && $3 == 1 && ($6 == c || $6 == "-")' "$tmp/group.out" | wc -l)" = "$n" ]; then
		ok "$p.group_details: all with details, task_memcg $OOMCG_PATH or unknown, never another"
	else
		mapfile -t lines < <(grep '^event' "$tmp/group.out")
		not_ok "$p.group_details: all with details, task_memcg $OOMCG_PATH or unknown, never another" "${lines[@]}"
	fi
	check "$p.group_delta: the snapshot's cgroup delta is $group_kills" test "$(cgroup_delta "$tmp/group.out" "$OOMCG_PATH")" = "$group_kills"
	check "$p.group_counter: memory.events oom_group_kill 1, oom_kill $((2 + group_kills))" \
		test "$(awk '$1 == "oom_kill" || $1 == "oom_group_kill" { printf "%s=%s ", $1, $2 }' "$OOMCG/memory.events")" = "oom_kill=$((2 + group_kills)) oom_group_kill=1 "
	echo 0 >"$OOMCG/memory.oom.group"

	# ---- PSI: memory.high throttles an allocator inside the cgroup ----------
	# Tasks throttled above memory.high stall on memory, in the cgroup's own
	# memory.pressure and in the system's, where the monitor's trigger is.
	psi_total() { awk '$1 == "some" { sub("total=", "", $5); print $5 }' "$1"; }
	cg_psi0=$(psi_total "$OOMCG/memory.pressure")
	cg_kill0=$(oomcg_oom_kill)
	echo $((4 * 1024 * 1024)) >"$OOMCG/memory.high"
	run_sample "$pstate" "$tmp/psi0.out" --kmsg none # past the group kills
	WAIT_SEC=$PSI_WAIT_SEC start_waiter "$pstate" "$tmp/psi.out" --kmsg none
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" psi-victim' sh "$OOMCG" "$OOMCG_VICTIM" &
	victim=$!
	wait "$waiter"
	kill -9 "$victim" 2>/dev/null
	{ wait "$victim"; } 2>/dev/null
	echo max >"$OOMCG/memory.high"
	psi_kills=$(($(oomcg_oom_kill) - cg_kill0))
	kills=$((kills + psi_kills))
	check "$p.psi: the PSI trigger (/proc/pressure/memory) woke the monitor with POLLPRI" \
		woke "$tmp/psi.out" /proc/pressure/memory 0x2
	check "$p.psi_cgroup: the cgroup's memory.pressure counted the stall" \
		test "$(psi_total "$OOMCG/memory.pressure")" -gt "$cg_psi0"
	diag "psi: in ${PSI_WAIT_SEC} s woken $(grep -c '^wake.*/proc/pressure/memory' "$tmp/psi.out") times by the trigger, $(grep -c '^wake.*memory.events' "$tmp/psi.out") by memory.events; $psi_kills OOM kills while throttled"
	main_sample "$tmp/psi_main.out"
	check "$p.psi_events: the kills made while throttled are the events ($psi_kills)" \
		test "$(events "$tmp/psi_main.out")" = "$psi_kills"
fi

# ---- before the kill: held at the limit, the core's verdict, then released --
# (tests/live/test_held_live.sh drives the front ends on the host.) v2: an
# allocator throttled above memory.high, memory.events high rising; v1: the OOM
# killer disabled, the allocator waits at the limit (under_oom 1). Released by
# our own SIGKILL; no OOM kill.
held_col() { awk -F'\t' -v c="$2" '$1 == "held" { print $c }' "$1"; } # OUT COLUMN
hstate=$tmp/held.state
cg_kill0=$(oomcg_oom_kill)
run_sample "$hstate" "$tmp/held0.out" --kmsg none
high() { awk '$1 == "high" { print $2 }' "$OOMCG/memory.events"; }
under_oom() { awk '$1 == "under_oom" { print $2 }' "$OOMCG/memory.oom_control"; }
if [ "$p" = v2 ]; then
	high0=$(high)
	echo $((4 * 1024 * 1024)) >"$OOMCG/memory.high"
	hold=12 # MiB: above memory.high, below memory.max
else
	echo 1 >"$OOMCG/memory.oom_control"
	hold= # up to the limit, where it waits
fi
sh -c 'echo $$ >"$1/cgroup.procs" && echo 1000 >/proc/self/oom_score_adj && exec "$2" held-victim $3' \
	sh "$OOMCG" "$OOMCG_VICTIM" "$hold" >/dev/null &
hv=$!
for _ in $(seq 100); do
	sleep 0.1
	[ "$p" = v2 ] && [ "$(high)" -gt "$high0" ] && break
	[ "$p" = v1 ] && [ "$(under_oom)" = 1 ] && break
done
run_sample "$hstate" "$tmp/held1.out" --kmsg none --candidates 3
if [ "$p" = v2 ]; then
	diag "held: memory.events $(tr '\n' ' ' <"$OOMCG/memory.events"), memory.pressure some $(awk '$1 == "some" { print $2 }' "$OOMCG/memory.pressure")"
else
	diag "held: under_oom $(under_oom), failcnt $(cat "$OOMCG/memory.failcnt"), memsw.failcnt $(cat "$OOMCG/memory.memsw.failcnt" 2>/dev/null || echo absent)"
fi
kill -9 "$hv"
{ wait "$hv"; } 2>/dev/null
echo max >"$OOMCG/memory.high" 2>/dev/null
[ "$p" = v1 ] && echo 0 >"$OOMCG/memory.oom_control"
run_sample "$hstate" "$tmp/held2.out" --kmsg none # the hits until the SIGKILL
run_sample "$hstate" "$tmp/held3.out" --kmsg none
check "$p.held_baseline: the first sample takes the baseline, not held" test "$(held_col "$tmp/held0.out" 3)" = 0
if [ "$p" = v2 ]; then held_re="[0-9]+ limit hits since the last sample, memory pressure [0-9.]+%"; else held_re="tasks wait for memory \(under_oom\)(, [0-9]+ limit hits since the last sample)?"; fi
if [[ "$(held_col "$tmp/held1.out" 3) $(held_col "$tmp/held1.out" 5)" =~ ^1\ cgroup\ [^\ ]*${OOMCG_PATH##*/}\ held\ at\ its\ limit:\ $held_re\;\ likeliest\ victim\ held-victim\ \(pid\ $hv, ]]; then
	ok "$p.held: held at its limit, naming the allocator $hv as the likeliest victim"
else
	not_ok "$p.held: held at its limit, naming the allocator $hv as the likeliest victim" "$(grep '^held' "$tmp/held1.out")"
fi
check "$p.held_released: released, no new limit hit: not held" \
	test "$(held_col "$tmp/held3.out" 3) $(held_col "$tmp/held3.out" 4)" = "0 0"
check "$p.held_no_kill: no OOM kill meanwhile" test "$(oomcg_oom_kill)" = "$cg_kill0"

# ---- exact counts ----------------------------------------------------------
main_sample "$tmp/final.out"
check "$p.final_quiet: a last sample reports nothing new" test "$(events "$tmp/final.out")" = 0
check "$p.exact: vmstat oom_kill = Killed lines in the log = kills made ($kills) = events of the monitor ($main_events)" \
	test "$(vmstat_oom_kill)" = "$kills" -a "$(klog_kills)" = "$kills" -a "$main_events" = "$kills" \
	-a "$(snap "$tmp/final.out" oom_kill_total)" = "$kills"
check "$p.no_missed: the monitor missed no log record" test "$(snap "$tmp/final.out" klog_missed)" = 0
oomcg_remove
check "$p.removed: the throwaway cgroup is removed" test -z "$OOMCG"
done_testing
