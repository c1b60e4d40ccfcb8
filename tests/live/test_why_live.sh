#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/live/test_why_live.sh — why that victim and how to avoid the next one,
# against the real kernel, through check_oom:
#  - a real memcg OOM with three processes of known sizes in a throwaway cgroup:
#    -v names the largest as the victim, gives the cgroup's limit and usage,
#    lists the other two as runners-up and proposes raising that cgroup's limit.
# (The "held at its limit" warning is not driven live: this kernel's v1
# memory.failcnt stays 0 while page cache is reclaimed at the limit, and anon
# memory at the limit without swap ends in a kill; see tests/unit/test_assess.c.)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/tap.sh"
. "$root/tests/lib/oomcg.sh"
CHECK_OOM=$root/build/check_oom
OOMCG_VICTIM=${OOMCG_VICTIM:-$root/build/tests/oom_victim}

skip_if "$(oomcg_unavailable)"
[ -x "$CHECK_OOM" ] || skip_all "missing $CHECK_OOM (run make)"

oomcg_lock
tmp=$(mktemp -d /var/tmp/oomwatch-why.XXXXXX)
holders=()
cleanup() {
	local p
	for p in "${holders[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	oomcg_remove
	rm -rf "$tmp"
}
trap cleanup EXIT
limit_mib=64
oomcg_create $((limit_mib * 1024 * 1024)) || { not_ok "create a throwaway memory cgroup"; done_testing; }
ok "throwaway cgroup $OOMCG_PATH (cgroup v$OOMCG_VERSION), limit $limit_mib MiB"

check_oom() { "$CHECK_OOM" --proc /proc --sys /sys --kmsg /dev/kmsg --state "$tmp/state" "$@" 2>&1; }
check_oom >/dev/null # the baseline: kills before this test are not news

# ---- a kill with two bystanders ------------------------------------------
hold() { # NAME MIB: a process of known size in the cgroup, once it holds it
	mkfifo "$tmp/$1.ready"
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" "$3" "$4"' sh "$OOMCG" "$OOMCG_VICTIM" "$1" "$2" \
		>"$tmp/$1.ready" &
	holders+=($!)
	read -r -t 30 _ <"$tmp/$1.ready" || not_ok "$1 holds $2 MiB"
}
hold small-holder 8
small=${holders[0]}
hold medium-holder 16
medium=${holders[1]}
oomcg_kill big-grower || not_ok "the grower was SIGKILLed by the cgroup's OOM killer"
ok "big-grower (pid $OOMCG_PID) killed beside small-holder ($small) and medium-holder ($medium)"
out=$(check_oom -v)
why=$(printf '%s\n' "$out" | grep -A3 "kill #[0-9]*: big-grower (pid $OOMCG_PID," | grep '^  why: ')
remedy=$(printf '%s\n' "$out" | grep -A3 "kill #[0-9]*: big-grower (pid $OOMCG_PID," | grep '^  remedy: ')
[[ $why == "  why: Cgroup $OOMCG_PATH hit its memory limit of $limit_mib.0 MiB (usage "*" MiB)"* ]] &&
	ok "why: the cgroup, its limit and its usage" || not_ok "why names the cgroup and limit" "$out"
[[ $why == *"; big-grower (pid $OOMCG_PID, "*" MiB resident, "*"% of the cgroup's usage) was the largest of 3 tasks by resident memory and swap, ahead of medium-holder (pid $medium, 1"?.?" MiB) and small-holder (pid $small, "?.?" MiB)." ]] &&
	ok "why: the largest is the victim, the two others are the runners-up, largest first" ||
	not_ok "why: victim and runners-up" "$why"
if [ "$OOMCG_VERSION" = 1 ]; then knob="memory.limit_in_bytes and memory.memsw.limit_in_bytes"; else knob="memory.max"; fi
[[ $remedy == "  remedy: Raise $knob of cgroup $OOMCG_PATH (now $limit_mib.0 MiB), or make big-grower use less." ]] &&
	ok "remedy: raise that cgroup's limit" || not_ok "remedy" "$remedy"
for p in "${holders[@]}"; do kill "$p"; wait "$p" 2>/dev/null; done
holders=()

done_testing
