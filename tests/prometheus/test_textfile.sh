#!/bin/bash
# SPDX-License-Identifier: MIT
# oomwatch-exporter --once on fixture machines: the file is written (mode 0644,
# no temp file left), its values are the fixture's, promtool check metrics says
# nothing, hostile process names give valid exposition, and a real
# prometheus-node-exporter serves the file's metrics.
. "$(dirname "$0")/lib.sh"

FX=$ROOT/tests/fixtures
PROC=$FX/proc-linux-6.18
SYS=$FX/sys-cgroup-v2
OUTDIR=$TMP/textfile
mkdir "$OUTDIR"
F=$OUTDIR/oomwatch.prom

"$EXPORTER" --proc "$PROC" --sys "$SYS" --kmsg "$FX/kernel-log/linux-6.18-memcg-v1.kmsg" \
	--cgroup '/system.slice/*' --textfile "$F" --once 2>"$TMP/once.err"
rc=$?
[ "$rc" = 0 ] && [ -s "$F" ] && ok "--once writes the file and exits 0" || not_ok "--once" "exit $rc" "$(cat "$TMP/once.err")"
[ "$(stat -c %a "$F")" = 644 ] && ok "the file is mode 0644 (node_exporter runs as another user)" || not_ok "mode" "$(stat -c %a "$F")"
[ -z "$(ls -A "$OUTDIR" | grep -v '^oomwatch.prom$')" ] && ok "no temporary file is left beside it" || not_ok "leftovers" "$(ls -A "$OUTDIR")"
prom_lint "fixture machine" "$F"
T=$(cat "$F")

# Values straight from the fixture files.
kib() { awk -v k="$1:" '$1 == k { printf "%.0f\n", $2 * 1024 }' "$PROC/meminfo"; }
psi_total() { awk -v l="$1" '$1 == l { sub(/.*total=/, ""); printf "%d.%06d\n", $0 / 1000000, $0 % 1000000 }' "$PROC/pressure/memory"; }
cg=$SYS/fs/cgroup/system.slice/mysql.service
L='{cgroup="/system.slice/mysql.service"}'
expect() { # expect SERIES WANTED
	local got
	got=$(prom_value "$T" "$1")
	[ -n "$2" ] && [ "$got" = "$2" ] && ok "$1 = $2" || not_ok "$1" "got '$got', wanted '$2'"
}
expect oomwatch_memory_total_bytes "$(kib MemTotal)"
expect oomwatch_memory_available_bytes "$(kib MemAvailable)"
expect oomwatch_swap_total_bytes "$(kib SwapTotal)"
expect oomwatch_swap_free_bytes "$(kib SwapFree)"
expect oomwatch_oom_kills_total "$(awk '$1 == "oom_kill" { print $2 }' "$PROC/vmstat")"
expect oomwatch_memory_pressure_some_seconds_total "$(psi_total some)"
expect oomwatch_memory_pressure_full_seconds_total "$(psi_total full)"
expect "oomwatch_cgroup_memory_usage_bytes$L" "$(cat "$cg/memory.current")"
expect "oomwatch_cgroup_memory_limit_bytes$L" "$(cat "$cg/memory.max")"
expect "oomwatch_cgroup_oom_kills_total$L" "$(awk '$1 == "oom_kill" { print $2 }' "$cg/memory.events")"
expect 'oomwatch_cgroup_memory_events_total{cgroup="/system.slice/mysql.service",event="max"}' \
	"$(awk '$1 == "max" { print $2 }' "$cg/memory.events")"
# The kill in the log (tests/fixtures/kernel-log/expected.tsv): python3, pid 3882,
# anon 65024 + file 3208 KiB, in /system.slice/batch.service.
expect 'oomwatch_last_oom_kill_info{comm="python3",pid="3882",cgroup="/system.slice/batch.service",unit="batch.service",pod=""}' 1
expect oomwatch_last_oom_kill_rss_bytes $(((65024 + 3208) * 1024))
expect 'oomwatch_oom_kills_by_scope_total{scope="memcg"}' 1
expect 'oomwatch_oom_kills_by_scope_total{scope="global"}' 0
[[ $(prom_value "$T" oomwatch_last_oom_kill_timestamp_seconds) =~ ^[0-9]+\.[0-9]{6}$ ]] &&
	ok "the last kill's time is in seconds" || not_ok "timestamp" "$T"
# A kill in the window is what every front end calls critical.
expect oomwatch_status 2
expect 'oomwatch_source_problem{source="kernel_log"}' 0
# An unlimited cgroup has no limit sample (never a false 0).
grep -q '^oomwatch_cgroup_memory_limit_bytes{cgroup="/system.slice/cron.service"}' "$F" &&
	not_ok "an unlimited cgroup has no limit" || ok "an unlimited cgroup has no limit sample"
# HELP and TYPE for every family, UNIT only for gauges in a base unit.
fam=$(grep -c '^# TYPE ' "$F")
[ "$fam" = "$(grep -c '^# HELP ' "$F")" ] && [ "$fam" -ge 15 ] && ok "HELP and TYPE for each of $fam families" || not_ok "HELP/TYPE" "$T"
bad_unit=$(awk '$2 == "UNIT" && $3 !~ ("_" $4 "$") { print }' "$F")
[ -z "$bad_unit" ] && grep -q '^# UNIT oomwatch_memory_total_bytes bytes$' "$F" &&
	ok "UNIT lines name a base unit the name ends with" || not_ok "UNIT" "$bad_unit"

# Without a kernel log: kills counted, none named; the problem is flagged.
"$EXPORTER" --proc "$PROC" --sys "$SYS" --kmsg none --textfile "$F" --once 2>"$TMP/none.err"
T=$(cat "$F")
expect oomwatch_oom_kills_without_details_total 1
expect 'oomwatch_source_problem{source="kernel_log"}' 1
grep -q 'kernel_log: kernel log not read (--kmsg none)' "$TMP/none.err" &&
	ok "the problem's sentence goes to stderr" || not_ok "problem logged" "$(cat "$TMP/none.err")"
prom_lint "--kmsg none" "$F"

# The next victims by rank; names and pids only in the info metric.
"$EXPORTER" --proc "$FX/proc-candidates" --sys "$SYS" --kmsg none --candidates 8 --textfile "$F" --once 2>/dev/null
T=$(cat "$F")
expect 'oomwatch_candidate_oom_score{rank="1"}' 1334
[[ $T == *'oomwatch_candidate_info{rank="1",comm="mysqld",pid="'* ]] && ok "rank 1 is mysqld" || not_ok "candidate info" "$T"
[[ $T == *'oomwatch_candidate_info{rank="6",comm="evil\\x0ana|me",pid="'* ]] &&
	ok "a candidate's newline is escaped" || not_ok "candidate escaping" "$(grep candidate_info "$F")"
prom_lint "candidates" "$F"

# Hostile process names, one kill each, as the kernel logs them.
n=0
while IFS= read -r rec; do
	n=$((n + 1))
	printf '%s\n' "$rec" >"$TMP/h$n.kmsg"
	want=$(awk -F'\t' -v n="$n" '$1 == "hostile-names.kmsg" && ++i == n { print $3 }' "$FX/kernel-log-hostile/expected.tsv")
	"$EXPORTER" --proc "$PROC" --sys "$SYS" --kmsg "$TMP/h$n.kmsg" --textfile "$F" --once 2>/dev/null
	prom_lint "hostile name #$n" "$F"
	# promtool's parser read the value back: compare with the name as every
	# front end shows it (expected.tsv escapes the same bytes, and spaces).
	got=$(sed -n 's/^oomwatch_last_oom_kill_info{comm="\(.*\)",pid=.*/\1/p' "$F" |
		sed 's/\\\\/\\/g; s/\\"/"/g; s/ /\\x20/g')
	[ "$want" = - ] && want=
	[ "$got" = "$want" ] && ok "hostile name #$n reads back as '$want'" || not_ok "hostile name #$n" "got '$got', wanted '$want'"
done <"$FX/kernel-log-hostile/hostile-names.kmsg"
LC_ALL=C.UTF-8 iconv -f UTF-8 -t UTF-8 "$F" >/dev/null 2>&1 && ok "the exposition is valid UTF-8" || not_ok "UTF-8"

# A real node_exporter serves the file.
"$EXPORTER" --proc "$PROC" --sys "$SYS" --kmsg "$FX/kernel-log/linux-6.18-memcg-v1.kmsg" \
	--cgroup '/system.slice/*' --textfile "$F" --once 2>/dev/null
if prom_start_node_exporter "$OUTDIR"; then
	prom_scrape "http://127.0.0.1:$NE_PORT/metrics"
	expect_ne() {
		local got
		got=$(prom_value "$SCRAPE" "$1")
		# node_exporter writes floats its own way (2.5e+10): compare numbers.
		[ -n "$got" ] && awk -v a="$got" -v b="$2" 'BEGIN { exit !(a + 0 == b + 0) }' &&
			ok "node_exporter serves $1 = $2" || not_ok "node_exporter: $1" "got '$got'" "$(grep -v '^#' <<<"$SCRAPE" | head -20)"
	}
	expect_ne node_textfile_scrape_error 0
	expect_ne oomwatch_oom_kills_total 1
	expect_ne oomwatch_memory_total_bytes "$(kib MemTotal)"
	# node_exporter sorts labels by name.
	expect_ne 'oomwatch_last_oom_kill_info{cgroup="/system.slice/batch.service",comm="python3",pid="3882",pod="",unit="batch.service"}' 1
	[ "$(grep -c '^# TYPE oomwatch_' <<<"$SCRAPE")" = "$(grep -c '^# TYPE ' "$F")" ] &&
		ok "node_exporter serves every family of the file" || not_ok "families" "$SCRAPE"
else
	not_ok "node_exporter starts on 127.0.0.1:$NE_PORT" "$(cat "$TMP/node_exporter.log")"
fi
done_testing
