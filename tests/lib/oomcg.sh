# SPDX-License-Identifier: MIT
# tests/lib/oomcg.sh — sourced by live tests: real OOM kills, only ever inside a
# throwaway memory cgroup created below this test's own cgroup, with a small
# limit, removed afterwards. Works on cgroup v1, v2 and hybrid mounts.
#
#   oomcg_lock                  serialise live tests (the vmstat counter is machine-wide)
#   oomcg_create [LIMIT_BYTES]  make the cgroup; sets OOMCG (its directory) and
#                               OOMCG_PATH (its path as the kernel prints it)
#   oomcg_kill NAME             run build/tests/oom_victim named NAME inside it until
#                               the OOM killer kills it; sets OOMCG_PID; fails if not SIGKILLed
#   oomcg_oom_kill              the cgroup's own oom_kill counter
#   oomcg_remove                remove it (also done by the EXIT trap)
#   oomcg_unavailable           prints why live tests cannot run here, or nothing

OOMCG_VICTIM=${OOMCG_VICTIM:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/tests/oom_victim}
OOMCG=
OOMCG_PATH=
OOMCG_VERSION=

# Prints "<version> <mount dir> <own path>" for the memory controller.
oomcg_own() {
	local line v1 v2
	v1=$(grep -E '^[0-9]+:([^:]*,)?memory(,[^:]*)?:' /proc/self/cgroup | head -1)
	if [ -n "$v1" ] && [ -d /sys/fs/cgroup/memory ]; then
		echo "1 /sys/fs/cgroup/memory ${v1#*:*:}"
		return 0
	fi
	line=$(grep -E '^0::' /proc/self/cgroup | head -1)
	v2=${line#0::}
	for root in /sys/fs/cgroup /sys/fs/cgroup/unified; do
		if [ -n "$line" ] && grep -qw memory "$root/cgroup.controllers" 2>/dev/null; then
			echo "2 $root $v2"
			return 0
		fi
	done
	return 1
}

oomcg_unavailable() {
	[ "$(id -u)" = 0 ] || { echo "live OOM tests need root (to create a memory cgroup)"; return; }
	[ -x "$OOMCG_VICTIM" ] || { echo "missing $OOMCG_VICTIM (run make test-programs)"; return; }
	oomcg_own >/dev/null || echo "no memory cgroup controller mounted under /sys/fs/cgroup"
}

oomcg_lock() {
	exec 9>/tmp/oomwatch-live-test.lock
	flock 9
}

oomcg_create() {
	local limit=${1:-$((16 * 1024 * 1024))} v mnt own parent
	read -r v mnt own < <(oomcg_own) || return 1
	own=${own%/}
	parent=$mnt$own
	if [ "$v" = 2 ] && ! grep -qw memory "$parent/cgroup.subtree_control" 2>/dev/null; then
		echo +memory >"$parent/cgroup.subtree_control" 2>/dev/null || {
			echo "cannot enable the memory controller below $parent" >&2
			return 1
		}
	fi
	OOMCG_VERSION=$v
	OOMCG_PATH=$own/oomwatch-test-$$-$RANDOM
	OOMCG=$mnt$OOMCG_PATH
	mkdir "$OOMCG" || return 1
	trap oomcg_remove EXIT
	if [ "$v" = 1 ]; then
		echo "$limit" >"$OOMCG/memory.limit_in_bytes"
		[ -e "$OOMCG/memory.memsw.limit_in_bytes" ] && echo "$limit" >"$OOMCG/memory.memsw.limit_in_bytes"
	else
		echo "$limit" >"$OOMCG/memory.max"
		[ -e "$OOMCG/memory.swap.max" ] && echo 0 >"$OOMCG/memory.swap.max"
	fi
	return 0
}

oomcg_kill() {
	local name=$1 st
	[ -n "$OOMCG" ] || return 1
	# The child moves itself into the cgroup, then becomes the victim.
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" "$3"' sh "$OOMCG" "$OOMCG_VICTIM" "$name" &
	OOMCG_PID=$!
	{ wait "$OOMCG_PID"; } 2>/dev/null # no "Killed" line from bash: it is expected
	st=$?
	[ "$st" -eq 137 ] || { echo "victim $OOMCG_PID ended with status $st, not SIGKILL" >&2; return 1; }
}

oomcg_oom_kill() {
	if [ "$OOMCG_VERSION" = 1 ]; then
		awk '$1 == "oom_kill" { print $2 }' "$OOMCG/memory.oom_control"
	else
		awk '$1 == "oom_kill" { print $2 }' "$OOMCG/memory.events"
	fi
}

oomcg_remove() {
	[ -n "$OOMCG" ] && [ -d "$OOMCG" ] || return 0
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		rmdir "$OOMCG" 2>/dev/null && break
		sleep 0.2
	done
	OOMCG=
}
