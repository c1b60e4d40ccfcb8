#!/bin/bash
# SPDX-License-Identifier: MIT
# A real collectd with oomwatch.so, logfile and csv: a CSV file appears for
# every value, the memory values agree with /proc/meminfo read at the same
# moment, per-cgroup values match the cgroup's own files, and the shipped
# contrib/collectd/oomwatch.conf loads (collectd -t, then a real start).
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/lib/oomcg.sh
source tests/collectd/lib.sh

skip_if "$(cd_unavailable)"

cd_setup
cg_lines=()
# A throwaway cgroup with a known limit (no kill: no lock needed).
if [ -z "$(oomcg_unavailable)" ] && oomcg_create $((64 * 1024 * 1024)); then
	# and a child with a hostile name: the instance must be a safe file name.
	hostile='we ird,(x)|y=\x41"z'
	mkdir "$OOMCG/$hostile"
	cg_lines=("Cgroup \"$OOMCG_PATH*\"")
	cg_inst=$(printf '%s' "${OOMCG_PATH#/}" | tr -c 'A-Za-z0-9._-' _)
	child_inst=$(printf '%s' "${OOMCG_PATH#/}/$hostile" | tr -c 'A-Za-z0-9._-' _)
else
	diag "no throwaway cgroup here (not root?): per-cgroup values not checked"
fi
trap 'cd_cleanup; [ -n "$OOMCG" ] && rmdir "$OOMCG/$hostile"; oomcg_remove' EXIT
# A process with a hostile name (it imitates the rest of /proc/<pid>/stat) made
# the OOM killer's first choice: its candidate instance must be a safe name.
evil=$'ev) R 1 (\n|=x'
cp /bin/sleep "$CD_DIR/$evil"
"$CD_DIR/$evil" 120 &
evil_pid=$!
echo 1000 >"/proc/$evil_pid/oom_score_adj" 2>/dev/null
evil_inst=$(printf '%s' "$evil" | tr -c 'A-Za-z0-9._-' _)_$evil_pid
trap 'kill $evil_pid; cd_cleanup; [ -n "$OOMCG" ] && rmdir "$OOMCG/$hostile"; oomcg_remove' EXIT
cd_conf "Candidates 3" "${cg_lines[@]}"
vmstat_kills() { awk '$1 == "oom_kill" { print $2 }' /proc/vmstat; }
oomcg_lock # no live test of ours kills while the counter is compared
k_before=$(vmstat_kills)
cd_start
cd_wait_log 'Initialization complete' 10
check "collectd started" cd_running
if grep -q '\[error\]' "$CD_LOG"; then
	not_ok "no error in the log" "$(grep '\[error\]' "$CD_LOG")"
else
	ok "no error in the log"
fi

values=(memory-total memory-available memory-free memory-committed memory-commit_limit
	percent-available swap-total swap-free derive-oom_kill derive-oom_kill_without_details)
if [ -r /proc/pressure/memory ] && cat /proc/pressure/memory >/dev/null 2>&1; then
	values+=(memory_pressure-some memory_pressure-full memory_stall-some memory_stall-full)
fi
for v in "${values[@]}"; do
	check "CSV oomwatch/$v" cd_wait_file "oomwatch/$v-*" 10
done
check "CSV PSI has avg10,avg60,avg300" grep -q '^epoch,avg10,avg60,avg300$' \
	$CD_CSV/oomwatch/memory_pressure-some-*
check "CSV candidate oom_score" cd_wait_file "oomwatch-candidates/oom_score-*_[0-9]*" 10
check "CSV candidate RSS" cd_wait_file "oomwatch-candidates/memory-*_[0-9]*" 10
if [ "$(cat "/proc/$evil_pid/oom_score_adj")" = 1000 ]; then
	check "hostile process name: candidate $evil_inst" \
		cd_wait_file "oomwatch-candidates/oom_score-$evil_inst-*" 10
else
	diag "cannot raise oom_score_adj (not root?): hostile candidate name not checked"
fi
if [ ${#cg_lines[@]} -gt 0 ]; then
	check "CSV cgroup oom_kill ($cg_inst)" cd_wait_file "oomwatch-$cg_inst/derive-oom_kill-*" 10
	check "CSV cgroup usage" cd_wait_file "oomwatch-$cg_inst/memory-usage-*" 10
	check "CSV cgroup limit" cd_wait_file "oomwatch-$cg_inst/memory-limit-*" 10
	lim=$(cd_csv_last "oomwatch-$cg_inst/memory-limit-*")
	check "cgroup limit = the cgroup's 64 MiB ($lim)" \
		awk -v v="$lim" 'BEGIN { exit !(v == 64 * 1024 * 1024) }'
	check "cgroup kills = 0" [ "$(cd_csv_last "oomwatch-$cg_inst/derive-oom_kill-*")" = 0 ]
	check "hostile cgroup name: instance $child_inst" cd_wait_file "oomwatch-$child_inst/memory-usage-*" 10
fi

# The last CSV line and /proc/meminfo read together (the next write is a
# second away). Totals are exact; what moves may move by 1/16 of MemTotal.
kib() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
csv_kib() { cd_csv_last "oomwatch/$1-*" | awk '{ printf "%.0f", int($1 / 1024) }'; } # %d: mawk clamps at 2^31
total=$(kib MemTotal)
tol=$((total / 16))
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }
check "MemTotal exact ($total KiB)" [ "$(csv_kib memory-total)" = "$total" ]
check "SwapTotal exact" [ "$(csv_kib swap-total)" = "$(kib SwapTotal)" ]
check "CommitLimit exact" [ "$(csv_kib memory-commit_limit)" = "$(kib CommitLimit)" ]
a=$(csv_kib memory-available) b=$(kib MemAvailable)
check "MemAvailable $a ~ $b KiB" near "$a" "$b" "$tol"
a=$(csv_kib memory-free) b=$(kib MemFree)
check "MemFree $a ~ $b KiB" near "$a" "$b" "$tol"
a=$(csv_kib swap-free) b=$(kib SwapFree)
check "SwapFree $a ~ $b KiB" near "$a" "$b" "$tol"
a=$(csv_kib memory-committed) b=$(kib Committed_AS)
check "Committed_AS $a ~ $b KiB" near "$a" "$b" "$tol"
pct=$(cd_csv_last "oomwatch/percent-available-*")
check "percent-available $pct = available / total" \
	near "$pct" "$(awk -v a="$(kib MemAvailable)" -v t="$total" 'BEGIN { print 100 * a / t }')" 6.25
# Another process may still kill meanwhile: the counter lies between the two reads.
k=$(cd_csv_last "oomwatch/derive-oom_kill-*")
k_after=$(vmstat_kills)
between() { [ "$1" -le "$2" ] && [ "$2" -le "$3" ]; }
check "oom_kill $k = /proc/vmstat oom_kill ($k_before..$k_after)" between "$k_before" "$k" "$k_after"
cd_stop
check "collectd stopped cleanly (joins the watcher)" [ $? -eq 0 ]

# The shipped configuration: collectd -t, then a real start without errors.
cat >"$CD_DIR/contrib.conf" <<CONF
Hostname "$CD_HOST"
FQDNLookup false
BaseDir "$CD_DIR/contrib"
PIDFile "$CD_DIR/contrib.pid"
PluginDir "$CD_DIR/plugins"
Interval 1
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$CD_DIR/contrib.log"
  PrintSeverity true
</Plugin>
LoadPlugin csv
<Plugin csv>
  DataDir "$CD_DIR/contrib-csv"
  StoreRates false
</Plugin>
Include "$CD_ROOT/contrib/collectd/oomwatch.conf"
CONF
mkdir "$CD_DIR/contrib"
if out=$("$CD_COLLECTD" -t -C "$CD_DIR/contrib.conf" 2>&1); then
	ok "collectd -t accepts contrib/collectd/oomwatch.conf"
else
	not_ok "collectd -t accepts contrib/collectd/oomwatch.conf" "$out"
fi
"$CD_COLLECTD" -f -C "$CD_DIR/contrib.conf" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q 'Initialization complete' "$CD_DIR/contrib.log" 2>/dev/null && break; sleep 0.1; done
sleep 1.5
if grep -q 'oomwatch: watching' "$CD_DIR/contrib.log" && ! grep -q '\[error\]' "$CD_DIR/contrib.log"; then
	ok "contrib/collectd/oomwatch.conf starts the plugin without errors"
else
	not_ok "contrib/collectd/oomwatch.conf starts the plugin without errors" "$(cat "$CD_DIR/contrib.log")"
fi
# No TypesDB line here: the plugin's own types must have been registered.
if [ -n "$(ls "$CD_DIR"/contrib-csv/*/oomwatch-candidates/oom_score-* 2>/dev/null)" ]; then
	ok "types registered by the plugin without a TypesDB line (oom_score)"
else
	not_ok "types registered by the plugin without a TypesDB line (oom_score)" "$(cat "$CD_DIR/contrib.log")"
fi
kill -TERM "$pid"
wait "$pid"
done_testing
