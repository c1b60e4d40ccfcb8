# SPDX-License-Identifier: MIT
# tests/nagios/lib.sh — sourced by tests/nagios/test_*.sh: fake machines (proc and
# sys trees, kernel logs) in a temp dir, running check_oom, and checking what it
# printed against the Monitoring Plugins rules with Debian's real parsers.
#   fx_machine DIR          a healthy machine; tune with the FX_* variables first
#   fx_kmsg_kill DIR/kmsg PID COMM AGE_SEC [CGROUP]   appends one kill, AGE_SEC ago
#                           by the clock of the fx_machine DIR (its btime)
#   run_check ARGS...       sets OUT and RC (check_oom's stdout and exit status),
#                           and validates the perfdata (perf_valid, after any run)
#   check_output WHAT       ok/not_ok: one first line, no stray '|' or control
#                           byte, under 1 KiB, perfdata valid (perfdata.pl)
#   check_state WHAT RC [REGEX]   RC and, optionally, a first line matching REGEX

NAGIOS_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$NAGIOS_TESTS/../.." && pwd)
CHECK_OOM=${CHECK_OOM:-$ROOT/build/check_oom}
. "$ROOT/tests/lib/tap.sh"

[ -x "$CHECK_OOM" ] || { echo "not ok 1 - $CHECK_OOM missing (run make)"; exit 1; }
command -v perl >/dev/null && perl -MMonitoring::Plugin::Performance -e1 2>/dev/null ||
	skip_all "libmonitoring-plugin-perl is not installed (make deps)"

TMP=$(mktemp -d /tmp/check_oom-test.XXXXXX)
chmod 755 "$TMP"
cleanup_tmp() { rm -rf "$TMP"; }
trap cleanup_tmp EXIT

# The machine's defaults: 8 GiB, 6 GiB available, no swap, calm PSI, no kill.
FX_MEM_TOTAL_KIB=8388608
FX_MEM_AVAIL_KIB=6291456
FX_SWAP_TOTAL_KIB=0
FX_SWAP_FREE_KIB=0
FX_OOM_KILL=0
FX_PSI_SOME="avg10=0.00 avg60=0.00 avg300=0.00 total=0"
FX_PSI_FULL="avg10=0.00 avg60=0.00 avg300=0.00 total=0"

fx_machine() {
	local d=$1
	mkdir -p "$d/proc/pressure" "$d/proc/sys/kernel/random" "$d/sys/fs/cgroup"
	cat >"$d/proc/meminfo" <<-MEM
	MemTotal:       $FX_MEM_TOTAL_KIB kB
	MemFree:        $((FX_MEM_AVAIL_KIB / 2)) kB
	MemAvailable:   $FX_MEM_AVAIL_KIB kB
	Buffers:        1024 kB
	Cached:         $((FX_MEM_AVAIL_KIB / 2)) kB
	SwapCached:     0 kB
	Shmem:          2048 kB
	SwapTotal:      $FX_SWAP_TOTAL_KIB kB
	SwapFree:       $FX_SWAP_FREE_KIB kB
	CommitLimit:    $((FX_MEM_TOTAL_KIB / 2 + FX_SWAP_TOTAL_KIB)) kB
	Committed_AS:   1048576 kB
	MEM
	printf 'pgfault 1000\noom_kill %s\npgmajfault 3\n' "$FX_OOM_KILL" >"$d/proc/vmstat"
	printf 'some %s\nfull %s\n' "$FX_PSI_SOME" "$FX_PSI_FULL" >"$d/proc/pressure/memory"
	cat /proc/sys/kernel/random/uuid >"$d/proc/sys/kernel/random/boot_id"
	# Booted 30 days ago by default, so that dated kills in a text log belong
	# to this boot; FX_BOOT_AGE_SEC=3600 makes every kill since boot recent.
	printf 'cpu  1 2 3 4
btime %d
processes 100
' $(($(date +%s) - ${FX_BOOT_AGE_SEC:-$((30 * 86400))})) >"$d/proc/stat"
	echo "memory pids" >"$d/sys/fs/cgroup/cgroup.controllers"
	: >"$d/kmsg"
}

# A cgroup v2 directory with usage and limit (bytes or "max") and its oom_kill.
fx_cgroup() {
	local d=$1 path=$2 usage=$3 limit=$4 kills=${5:-0}
	local c="$d/sys/fs/cgroup$path"
	mkdir -p "$c"
	echo "$usage" >"$c/memory.current"
	echo "$limit" >"$c/memory.max"
	printf 'low 0\nhigh 0\nmax 3\noom %s\noom_kill %s\noom_group_kill 0\n' "$kills" "$kills" >"$c/memory.events"
}

# Microseconds on the fake machine DIR's log clock (monotonic since its btime)
# AGE_SEC ago: its boot is not the host's, so check_oom dates the log by the
# machine's btime, whatever the host's own uptime.
kmsg_usec_ago() {
	local btime
	btime=$(awk '$1 == "btime" { print $2 }' "$1/proc/stat")
	echo $(($(date +%s%N) / 1000 - ($2 + btime) * 1000000))
}

FX_SEQ=100
# Appends a 6.x memcg kill (summary line, then the Killed line) as /dev/kmsg
# records; COMM and CGROUP are given as the kernel writes them (\xNN escapes).
fx_kmsg_kill() {
	local f=$1 pid=$2 comm=$3 age=$4 cg=${5:-/batch.slice} ts
	ts=$(kmsg_usec_ago "$(dirname "$f")" "$age")
	printf '6,%d,%d,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=%s,task_memcg=%s,task=%s,pid=%d,uid=0\n' \
		"$FX_SEQ" "$ts" "$cg" "$cg" "$comm" "$pid" >>"$f"
	printf '3,%d,%d,-;Memory cgroup out of memory: Killed process %d (%s) total-vm:221368kB, anon-rss:65024kB, file-rss:3208kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0\n' \
		"$((FX_SEQ + 1))" "$((ts + 40))" "$pid" "$comm" >>"$f"
	FX_SEQ=$((FX_SEQ + 2))
}

# Appends one kill to a `dmesg -T` text log, dated AGE_SEC ago (the kernel's
# own clock only covers this boot; a saved log can reach further back).
fx_text_kill() {
	local f=$1 pid=$2 comm=$3 age=$4 when
	when=$(date -d "@$(($(date +%s) - age))" '+%a %b %e %H:%M:%S %Y')
	printf '[%s] Out of memory: Killed process %d (%s) total-vm:4168kB, anon-rss:80kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0\n' \
		"$when" "$pid" "$comm" >>"$f"
}

OUT=
RC=
run_check() {
	OUT=$("$CHECK_OOM" "$@")
	RC=$?
	perf_valid
}

# Every run's perfdata goes through the real parser (perfdata.pl); only a
# failure shows in the TAP output. UNKNOWN lines without perfdata are exempt.
perf_valid() {
	local first=${OUT%%$'\n'*} why
	[[ $first == *"|"* ]] || [ "$RC" != 3 ] || return 0
	why=$(printf '%s\n' "$OUT" | perl "$NAGIOS_TESTS/perfdata.pl") ||
		not_ok "perfdata parses" "$why" "output: $OUT"
}

check_output() {
	local what=$1 first bad=() perf
	first=${OUT%%$'\n'*}
	[[ $first =~ ^OOM\ (OK|WARNING|CRITICAL|UNKNOWN)\ -\  ]] || bad+=("first line: $first")
	[ "$(printf '%s\n' "$OUT" | wc -c)" -le "${MAX_BYTES:-1024}" ] || bad+=("$(printf '%s\n' "$OUT" | wc -c) bytes")
	if printf '%s' "$OUT" | LC_ALL=C grep -q '[^[:print:][:space:]]'; then bad+=("control byte"); fi
	if printf '%s' "$OUT" | LC_ALL=C grep -q $'[\t\r\v\f]'; then bad+=("tab or carriage return"); fi
	if [ "$RC" != 3 ] || [[ $first == *"|"* ]]; then
		perf=$(printf '%s\n' "$OUT" | perl "$NAGIOS_TESTS/perfdata.pl") || bad+=("perfdata: $perf")
	fi
	if [ ${#bad[@]} -eq 0 ]; then ok "$what: output well-formed"; else not_ok "$what: output well-formed" "${bad[@]}" "output: $OUT"; fi
}

check_state() {
	local what=$1 want=$2 re=${3:-} first=${OUT%%$'\n'*}
	if [ "$RC" = "$want" ] && { [ -z "$re" ] || [[ $first =~ $re ]]; }; then
		ok "$what"
	else
		not_ok "$what" "exit $RC, wanted $want${re:+, first line matching /$re/}" "output: $OUT"
	fi
}
