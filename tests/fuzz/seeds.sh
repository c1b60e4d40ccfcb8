#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/fuzz/seeds.sh NAME DIR — writes the seed corpus of harness fuzz_NAME
# into DIR, built from tests/fixtures (and, for the state file, from what the
# monitor saves over them), so that the seeds follow the fixtures as they grow.
# OOMW_SAMPLE names build/tests/oomw_sample (used for state files).
set -eu
name=$1 out=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
fx=$root/tests/fixtures
mark=$'\n--8<--\n'
mkdir -p "$out"
logs() { ls "$fx"/kernel-log/*.log "$fx"/kernel-log/*.kmsg "$fx"/kernel-log-hostile/*.log "$fx"/kernel-log-hostile/*.kmsg; }
seed() { cat >"$(mktemp "$out/seed-XXXXXX")"; }

# State files the monitor writes after reading each kernel log on the
# monitor-v2 machine, without their end line (the harnesses seal them).
state_seeds() {
	local sample=${OOMW_SAMPLE:-$root/build/tests/oomw_sample} tmp i=0
	[ -x "$sample" ] || { echo "seeds.sh: $sample not built" >&2; exit 1; }
	tmp=$(mktemp -d)
	for log in $(logs); do
		i=$((i + 1))
		"$sample" --proc "$fx/monitor-v2/proc" --sys "$fx/monitor-v2/sys" --kmsg "$log" \
			--state "$tmp/$i" --cgroup '/*' >/dev/null 2>&1 || true
		[ -f "$tmp/$i" ] && grep -v '^end fnv1a64=' "$tmp/$i" >"$1/state-$i"
	done
	rm -rf "$tmp"
}

case $name in
kmsg)
	cat "$fx"/kernel-log*/*.kmsg | while IFS= read -r line; do printf '%s' "$line" | seed; done
	grep -ohE '"[0-9 -][^"]*;[^"]*"' "$root"/tests/unit/test_klog.c | sed 's/^"//; s/"$//' | sort -u |
		while IFS= read -r t; do printf '%b' "$t" | seed; done ;;
text | oomparse)
	for f in $(logs); do seed <"$f"; done
	# and the lines the kernel-log unit tests parse: every prefix format the
	# reader knows, including those no fixture log shows
	grep -ohE '"[^"]{12,}"' "$root"/tests/unit/test_klog.c | sed 's/^"//; s/"$//' | sort -u |
		while IFS= read -r t; do printf '%b' "$t" | seed; done ;;
procfiles)
	for f in $(find "$fx" -path '*/proc*' -type f \( -name meminfo -o -name vmstat -o -name memory \)); do
		seed <"$f"
	done ;;
cgroup)
	for d in $(find "$fx"/sys-cgroup-* "$fx"/monitor-v2/sys -type d); do
		if [ -f "$d/memory.events" ]; then
			{ cat "$d/memory.events"; printf '%s' "$mark"; cat "$d/memory.current" 2>/dev/null
			  printf '%s' "$mark"; cat "$d/memory.max" 2>/dev/null; } | seed
		elif [ -f "$d/memory.oom_control" ]; then
			{ cat "$d/memory.oom_control"; printf '%s' "$mark"; cat "$d/memory.usage_in_bytes" 2>/dev/null
			  printf '%s' "$mark"; cat "$d/memory.limit_in_bytes" 2>/dev/null; } | seed
		fi
	done ;;
thresholds | assess)
	# The short string literals of the unit tests of the range, size and
	# duration parsers and of the threshold grammar (accepted and refused).
	grep -ohE '"[^" ]{1,24}"' "$root"/tests/unit/test_thresholds.c $(ls "$root"/tests/unit/test_assess.c 2>/dev/null) | sed 's/^"//; s/"$//' | sort -u | while IFS= read -r t; do printf '%s' "$t" | seed; done ;;
trace)
	# each format file alone, and each followed by a NUL and a record of
	# 6.18's layout (pid 4242, comm "vic tim" at offset 72)
	for f in "$fx"/tracefs/*.format; do
		seed <"$f"
		{ cat "$f"; printf '\0\x61\x02\0\0\x4d\0\0\0\x92\x10\0\0\x48\0\x08\0'; head -c 56 /dev/zero; printf 'vic tim\0'; } | seed
	done ;;
ukill)
	# the killers' messages of the unit tests, in every wording they know
	grep -ohE '"(Killed|mem avail|low memory|sending)[^"]*"' "$root"/tests/unit/test_ukill.c "$root"/tests/unit/test_journal.c |
		sed 's/^"//; s/"$//' | sort -u | while IFS= read -r t; do printf '%b\n' "$t" | seed; done ;;
state)
	state_seeds "$out" ;;
agent_config)
	seed <"$root/contrib/snmp/oomwatch-agent.conf"
	sed 's/^#\([a-z]\)/\1/' "$root/contrib/snmp/oomwatch-agent.conf" | seed ;;
monitor)
	m=$fx/monitor-v2
	tmp=$(mktemp -d)
	state_seeds "$tmp"
	states=("$tmp"/state-*)
	i=0
	for log in $(logs); do
		state=${states[$((i % ${#states[@]}))]}
		i=$((i + 1))
		{
			cat "$m/proc/vmstat"; printf '%s' "$mark"
			cat "$m/proc/meminfo"; printf '%s' "$mark"
			cat "$m/proc/pressure/memory"; printf '%s' "$mark"
			cat "$m/proc/stat"; printf '%s' "$mark"
			cat "$m/proc/sys/kernel/random/boot_id"; printf '%s' "$mark"
			cat "$m/sys/fs/cgroup/db.service/memory.events"; printf '%s' "$mark"
			cat "$m/sys/fs/cgroup/db.service/memory.max"; printf '%s' "$mark"
			cat "$log"; printf '%s' "$mark"
			# every other seed starts with a saved state
			[ $((i % 2)) = 0 ] && cat "$state"
			printf '%s' "$mark"
			sed 's/^oom_kill .*/oom_kill 7/' "$m/proc/vmstat"; printf '%s' "$mark"
			printf '%s' "$mark"
			sed 's/^oom_kill .*/oom_kill 3/' "$m/sys/fs/cgroup/db.service/memory.events"
		} | seed
	done
	rm -rf "$tmp" ;;
*)
	echo "seeds.sh: no harness $name" >&2; exit 2 ;;
esac
[ -n "$(ls "$out")" ] || { echo "seeds.sh: no seeds for $name" >&2; exit 1; }
