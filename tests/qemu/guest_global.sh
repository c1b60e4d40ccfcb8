#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/qemu/guest_global.sh — runs as root inside the qemu guest (phase
# "global" of tests/qemu/test_qemu_v2.sh) on a kernel booted for it alone: a
# machine-wide OOM, which only a throwaway guest may have. Three processes of
# known sizes and no memory cgroup: a bystander of 8 MiB, a larger one of
# 120 MiB that oom_score_adj -500 puts behind the others, and a grower that
# allocates until the kernel kills it. Then check_oom (built static) must say
# that the machine ran out (RAM and swap as the kernel printed them), name no
# cgroup, and propose memory or swap. The kernel's records of the OOM report
# are printed on the console behind "oomw-kmsg " (the host keeps them with
# OOMW_QEMU_CAPTURE=FILE: tests/fixtures/kernel-log/linux-6.1-qemu-global.kmsg).
set -u
root=/oomw
. "$root/tests/lib/tap.sh"
VICTIM=$root/build/tests/oom_victim
CHECK_OOM=$root/build/tests/check_oom
p=global
tmp=/tmp/oomw-global
mkdir -p "$tmp"
diag "kernel $(uname -r), $(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo) kB RAM, $(awk '$1 == "SwapTotal:" { print $2 }' /proc/meminfo) kB swap"

# This shell and what it starts are never chosen; each test process sets its
# own oom_score_adj before it becomes the program.
echo -1000 >/proc/self/oom_score_adj
holders=()
hold() { # NAME MIB ADJ
	mkfifo "$tmp/$1.ready"
	sh -c 'echo "$1" >/proc/self/oom_score_adj && exec "$2" "$3" "$4"' sh "$3" "$VICTIM" "$1" "$2" \
		>"$tmp/$1.ready" &
	holders+=($!)
	read -r -t 60 _ <"$tmp/$1.ready" || not_ok "$p.global_kill: $1 holds $2 MiB"
}
hold small-holder 8 0
hold adj-holder 120 -500
sh -c 'echo 0 >/proc/self/oom_score_adj && exec "$1" global-grower' sh "$VICTIM" &
grower=$!
{ wait "$grower"; } 2>/dev/null
st=$?
check "$p.global_kill: the grower (pid $grower) was SIGKILLed by the machine's OOM killer (status $st)" test "$st" = 137
for h in "${holders[@]}"; do kill "$h"; done

# The report as /dev/kmsg holds it, from its header on.
timeout 2 cat /dev/kmsg >"$tmp/all.kmsg"
awk '/invoked oom-killer: / { on = 1 } on' "$tmp/all.kmsg" >"$tmp/oom.kmsg"
sed 's/^/oomw-kmsg /' "$tmp/oom.kmsg"
check "$p.global_report: the report has Mem-Info, swap totals and the task dump" \
	grep -q -e ';Mem-Info:$' -e ';Total swap = ' -e ';\[  pid  \]' "$tmp/oom.kmsg"

"$CHECK_OOM" --proc /proc --sys /sys --kmsg /dev/kmsg --state "$tmp/state" -v >"$tmp/v.out" 2>&1
why=$(grep -A3 "kill #[0-9]*: global-grower (pid $grower," "$tmp/v.out" | grep '^  why: ')
remedy=$(grep -A3 "kill #[0-9]*: global-grower (pid $grower," "$tmp/v.out" | grep '^  remedy: ')
diag "check_oom -v: $why"
diag "check_oom -v: $remedy"
[[ $why == "  why: The machine ran out of memory (RAM "*" free of "*", no swap); global-grower (pid $grower, "*" MiB resident, "*"% of the RAM) was first of "*" tasks by the kernel's badness"* ]] &&
	[[ $why != *cgroup* ]] && ok "$p.global_why: the machine, its RAM and no swap, the grower first by badness, no cgroup" ||
	not_ok "$p.global_why: the machine, its RAM and no swap, the grower first by badness, no cgroup" "$(cat "$tmp/v.out")"
[[ $why == *", ahead of "*"small-holder (pid ${holders[0]}, "* && $why == *"adj-holder (pid ${holders[1]}, 12"?.?" MiB, oom_score_adj -500)"* &&
	$why == *"; oom_score_adj changed the order: the larger adj-holder (pid ${holders[1]}, 12"?.?" MiB) has oom_score_adj -500." ]] &&
	ok "$p.global_adj: the runner-up and the larger adj-holder that oom_score_adj -500 put behind" ||
	not_ok "$p.global_adj: the runner-up and the larger adj-holder that oom_score_adj -500 put behind" "$why"
[[ $remedy == "  remedy: Add memory or swap (there is none), or cap global-grower with a memory limit so that it cannot take the machine." ]] &&
	ok "$p.global_remedy: add memory or swap, or cap the grower" || not_ok "$p.global_remedy: add memory or swap, or cap the grower" "$remedy"
"$CHECK_OOM" --proc /proc --sys /sys --kmsg /dev/kmsg --state "$tmp/state2" >"$tmp/default.out" 2>&1
diag "check_oom: $(tr '\n' '|' <"$tmp/default.out")"
brief() { # OUT: the brief why and remedy, and no more than 1 KiB in all
	grep -q "^why: The machine ran out of memory (RAM .* free of .*, no swap); global-grower was first of [0-9]* tasks by the kernel's badness, ahead of adj-holder ([0-9.]* MiB) and small-holder ([0-9.]* MiB), oom_score_adj changing the order\.$" "$1" &&
		grep -q '^remedy: Add memory or swap (there is none), or cap global-grower with a memory limit so that it cannot take the machine\.$' "$1" &&
		[ "$(wc -c <"$1")" -le 1024 ]
}
check "$p.global_brief: the default output ($(wc -c <"$tmp/default.out") bytes) carries the brief why and remedy, within 1 KiB" brief "$tmp/default.out"
done_testing
