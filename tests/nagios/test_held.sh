#!/bin/bash
# SPDX-License-Identifier: MIT
# Before the kill, on fake machines: a v2 cgroup whose memory.events high + max
# rose since the previous run is WARNING with cgroup_limit_hits and its own
# memory pressure as perfdata, and OK again once the count stops; a v1 cgroup
# whose tasks wait at the limit (under_oom 1) is WARNING from the first run on,
# though no failcnt moves. (tests/live/test_held_live.sh does it for real.)
. "$(dirname "$0")/lib.sh"

M=$TMP/m
fx_machine "$M"
fx_cgroup "$M" /app 67108864 67108864
cg=$M/sys/fs/cgroup/app
events() { printf 'low 0\nhigh %d\nmax %d\noom 0\noom_kill 0\n' "$1" "$2" >"$cg/memory.events"; }
printf 'some avg10=3.20 avg60=1.00 avg300=0.20 total=123456\nfull avg10=1.00 avg60=0.50 avg300=0.10 total=65432\n' \
	>"$cg/memory.pressure"
args=(--proc "$M/proc" --sys "$M/sys" --kmsg none --state "$TMP/state" --cgroup /app --cgroup-warning '')

events 2 3
run_check "${args[@]}"
check_output "baseline"
check_state "the first run takes the baseline: OK" 0 '^OOM OK - '
[[ $OUT != *"'cgroup_limit_hits'"* ]] && ok "no cgroup_limit_hits without a baseline" || not_ok "no cgroup_limit_hits" "$OUT"
[[ $OUT == *"'cgroup_pressure_pct'=3.20%;;;0;100"* ]] && ok "perfdata: the cgroup's own pressure" || not_ok "cgroup_pressure_pct" "$OUT"

events 4 8
run_check "${args[@]}"
check_output "held"
check_state "high + max rose by 7: WARNING" 1 \
	'^OOM WARNING - cgroup /app held at its limit: 7 limit hits since the last sample, memory pressure 3.20% \|'
[[ $OUT == *"'cgroup_limit_hits'=7;;;0;"* ]] && ok "perfdata: cgroup_limit_hits 7" || not_ok "cgroup_limit_hits 7" "$OUT"

run_check "${args[@]}" -v
MAX_BYTES=65536 check_output "released"
check_state "the count stopped: OK" 0 '^OOM OK - '
[[ $OUT == *"'cgroup_limit_hits'=0;;;0;"* ]] && ok "perfdata: cgroup_limit_hits 0" || not_ok "cgroup_limit_hits 0" "$OUT"
[[ $OUT != *"held at its limit"* ]] && ok "-v: no held clause once released" || not_ok "no held clause" "$OUT"

# v1: the OOM killer disabled, a task waits at the limit.
V=$TMP/v1
fx_machine "$V"
rm "$V/sys/fs/cgroup/cgroup.controllers"
c1=$V/sys/fs/cgroup/memory/batch
mkdir -p "$c1"
for f in "$V/sys/fs/cgroup/memory" "$c1"; do
	echo 16777216 >"$f/memory.usage_in_bytes"
	echo 16777216 >"$f/memory.limit_in_bytes"
	echo 0 >"$f/memory.failcnt"
	echo 0 >"$f/memory.memsw.failcnt"
	printf 'oom_kill_disable 1\nunder_oom 0\noom_kill 0\n' >"$f/memory.oom_control"
done
printf 'oom_kill_disable 1\nunder_oom 1\noom_kill 0\n' >"$c1/memory.oom_control"
v1args=(--proc "$V/proc" --sys "$V/sys" --kmsg none --state "$TMP/v1state" --cgroup /batch --cgroup-warning '')
run_check "${v1args[@]}" -v
MAX_BYTES=65536 check_output "v1 waiting"
check_state "v1 under_oom 1, no failcnt: WARNING on the first run" 1 \
	'^OOM WARNING - cgroup /batch held at its limit: tasks wait for memory \(under_oom\) \|'
[[ $OUT == *$'\n  cgroup /batch held at its limit: tasks wait for memory (under_oom)\n'* ]] &&
	ok "-v: the held clause under the cgroup's line" || not_ok "-v held clause" "$OUT"
printf 'oom_kill_disable 1\nunder_oom 0\noom_kill 0\n' >"$c1/memory.oom_control"
run_check "${v1args[@]}"
check_state "v1 no task waits, no failcnt rise: OK" 0 '^OOM OK - '
done_testing
