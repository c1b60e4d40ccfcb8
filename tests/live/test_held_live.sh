#!/bin/bash
# SPDX-License-Identifier: MIT
# Live, as root: before the kill. A throwaway memory cgroup (tests/lib/oomcg.sh,
# 16 MiB) is really held at its limit without any OOM kill, then released:
#
# - page cache: a reader inside the cgroup reads, over and over, a file of
#   48 MiB written from inside it (on a disk file system, so the cache is
#   reclaimable). Every charge at the limit reclaims first: v1 memory.failcnt
#   (memory+swap left unlimited: Linux 6.15+ counts no failcnt on that counter,
#   and with it as tight as memory none on memory either), v2 memory.events max.
#   Released by stopping the reader.
# - v1 with the OOM killer disabled (memory.oom_control oom_kill_disable 1): an
#   allocator waits at the limit (under_oom 1, failcnt still); released by our
#   own SIGKILL.
#
# A bystander holds 6 MiB with oom_score_adj 1000: the likeliest victim to name.
# Each front end warns while held and clears after the release: check_oom (two
# runs make a delta; WARNING naming the cgroup and the victim, perfdata
# cgroup_limit_hits, then OK), a real collectd (one WARNING notification, one
# OKAY), oomwatch-exporter (oomwatch_cgroup_held_at_limit 1 then 0), and the
# agent under a private snmpd to a real snmptrapd (snmp_held_traps). No OOM kill
# happens: the cgroup's oom_kill and /proc/vmstat oom_kill do not move.
cd "$(dirname "$0")/../.." || exit 1
. tests/nagios/lib.sh
. tests/lib/oomcg.sh
. tests/collectd/lib.sh
. tests/snmp/snmp_env.sh

skip_if "$(oomcg_unavailable)"
skip_if "$(cd_unavailable)"
skip_if "$(snmp_unavailable)"
EXPORTER=$ROOT/build/plugins/prometheus/oomwatch-exporter
[ -x "$EXPORTER" ] || skip_all "missing $EXPORTER (run make)"

READER_PID= HOLDER_PID= WAITER_PID=
cleanup() {
	load_stop
	[ -n "$WAITER_PID" ] && kill -9 "$WAITER_PID" 2>/dev/null && wait "$WAITER_PID" 2>/dev/null
	[ -n "$HOLDER_PID" ] && kill -9 "$HOLDER_PID" 2>/dev/null && wait "$HOLDER_PID" 2>/dev/null
	# Whatever still runs in the throwaway cgroup is ours (a reader's cat).
	[ -n "$OOMCG" ] && kill -9 $(cat "$OOMCG/cgroup.procs") 2>/dev/null
	[ -n "$CD_DIR" ] && cd_cleanup
	[ -n "${SNMP_TMP:-}" ] && snmp_env_cleanup
	oomcg_remove
	rm -rf "$TMP" "${DATA:-}"
}

oomcg_lock
oomcg_create || { not_ok "create a memory cgroup"; done_testing; }
trap cleanup EXIT
# The page cache must be reclaimable: a file on a disk, not on tmpfs.
DATA=$(mktemp -d /var/tmp/oomwatch-held.XXXXXX)
case $(stat -f -c %T "$DATA") in
tmpfs | ramfs) not_ok "/var/tmp is a disk file system (the page cache must be reclaimable)"; done_testing ;;
esac
if [ "$OOMCG_VERSION" = 1 ] && [ -e "$OOMCG/memory.memsw.limit_in_bytes" ]; then
	echo -1 >"$OOMCG/memory.memsw.limit_in_bytes"
fi
# A command run in the cgroup, as "${in_cg[@]}" CMD...: not a function, so that
# with & its pid ($!) is the command's own. Those left running get 9>&-: the
# live tests' lock must not outlive this script.
in_cg=(sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$OOMCG")
vmstat_kills() { awk '$1 == "oom_kill" { print $2 }' /proc/vmstat; }
wait_for() { local i; for i in $(seq $(($1 * 10))); do "${@:2}" && return 0; sleep 0.1; done; return 1; }
procs_are() { [ "$(sort -n "$OOMCG/cgroup.procs" | tr '\n' ' ')" = "$1" ]; }

kills0=$(vmstat_kills)
cg_kills0=$(oomcg_oom_kill)
"${in_cg[@]}" dd if=/dev/zero of="$DATA/cache" bs=1M count=48 status=none ||
	{ not_ok "write 48 MiB from inside the cgroup"; done_testing; }
"${in_cg[@]}" sh -c 'echo 1000 >/proc/self/oom_score_adj && exec "$0" held-holder 6' "$OOMCG_VICTIM" >"$TMP/holder.out" 9>&- &
HOLDER_PID=$!
check "a bystander holds 6 MiB in the cgroup (pid $HOLDER_PID)" wait_for 10 grep -q ready "$TMP/holder.out"

# The reader: a shell loop of cat; stopped, it is gone once the cgroup holds
# only the bystander again (a cat may finish its pass after the shell died).
load_start() {
	"${in_cg[@]}" sh -c 'while :; do cat "$0" >/dev/null; done' "$DATA/cache" 9>&- &
	READER_PID=$!
	sleep 0.5
}
load_stop() {
	[ -n "$READER_PID" ] || return 0
	kill "$READER_PID" 2>/dev/null
	wait "$READER_PID" 2>/dev/null
	READER_PID=
	wait_for 10 procs_are "$HOLDER_PID "
}

# ---- check_oom --------------------------------------------------------------
# Only the cgroup is judged: not the machine's memory, nor kills before this test.
q=(--state "$TMP/check.state" --cgroup "$OOMCG_PATH" --candidates 3 -c '' --cgroup-warning ''
	--mem-warning '' --mem-critical '' --swap-warning '' --swap-critical '' --psi-warning '' --psi-critical '')
hits_perf() { sed -n "s/.*'cgroup_limit_hits'=\([0-9]*\);.*/\1/p" <<<"${OUT%%$'\n'*}"; }
name=${OOMCG_PATH##*/}
victim_re="likeliest victim held-holder \\(pid $HOLDER_PID, [0-9.]+ MiB\\)"
run_check "${q[@]}"
check_output "baseline"
check_state "the first run takes the baseline: OK" 0 '^OOM OK - '
load_start
run_check "${q[@]}"
check_output "page cache held at the limit"
check_state "held: WARNING naming the cgroup, its limit hits and the likeliest victim" 1 \
	"^OOM WARNING - cgroup [^ ]*$name held at its limit: [0-9]+ limit hits since the last sample; $victim_re"
hits=$(hits_perf)
check "perfdata cgroup_limit_hits is the count in the text ($hits)" \
	grep -q "held at its limit: $hits limit hits" <<<"$OUT"
diag "check_oom, one run later: $hits limit hits (v$OOMCG_VERSION $([ "$OOMCG_VERSION" = 1 ] && echo memory.failcnt || echo memory.events max))"
load_stop
run_check "${q[@]}" # the hits made between the last run and the stop
run_check "${q[@]}" -v
MAX_BYTES=65536 check_output "released"
check_state "released: OK" 0 '^OOM OK - '
check "released: cgroup_limit_hits 0" test "$(hits_perf)" = 0

if [ "$OOMCG_VERSION" = 1 ]; then
	# The OOM killer disabled: an allocator waits at the limit, no counter
	# needs to move for the warning.
	echo 1 >"$OOMCG/memory.oom_control"
	"${in_cg[@]}" sh -c 'echo 1000 >/proc/self/oom_score_adj && exec "$0" held-waiter' "$OOMCG_VICTIM" 9>&- &
	WAITER_PID=$!
	under_oom_is() { [ "$(awk '$1 == "under_oom" { print $2 }' "$OOMCG/memory.oom_control")" = "$1" ]; }
	check "v1, oom_kill_disable 1: the allocator $WAITER_PID waits at the limit (under_oom 1)" wait_for 10 under_oom_is 1
	run_check "${q[@]}"
	check_state "tasks waiting at the limit: WARNING naming the waiter as the likeliest victim" 1 \
		"^OOM WARNING - cgroup [^ ]*$name held at its limit: tasks wait for memory \\(under_oom\\)(, [0-9]+ limit hits since the last sample)?; likeliest victim held-waiter \\(pid $WAITER_PID, "
	run_check "${q[@]}"
	# A waiter's retries may still count a few limit hits (77 seen once): the
	# warning rests on under_oom either way (test_assess: under_oom alone).
	check_state "still waiting: still WARNING (under_oom)" 1 \
		"held at its limit: tasks wait for memory \\(under_oom\\)(, [0-9]+ limit hits since the last sample)?; "
	kill -9 "$WAITER_PID"
	wait "$WAITER_PID" 2>/dev/null
	WAITER_PID=
	check "released by our SIGKILL: under_oom 0" wait_for 5 under_oom_is 0
	echo 0 >"$OOMCG/memory.oom_control"
	run_check "${q[@]}"
	check_state "the waiter gone: OK" 0 '^OOM OK - '
fi

# ---- collectd ---------------------------------------------------------------
cd_setup
trap cleanup EXIT
cd_conf "StateFile \"$CD_STATE\"" "Cgroup \"$OOMCG_PATH\"" 'Candidates 3' 'KmsgPath "none"'
cd_start
check "collectd starts with the plugin" cd_wait_log 'Initialization complete' 10
sleep 2.5 # the baseline samples
held_lines() { grep -c "severity = $1.*held at its limit" "$CD_LOG"; }
check "collectd: no held notification before the load" test "$(grep -c 'held at its limit' "$CD_LOG")" = 0
load_start
check "collectd: WARNING, cgroup $name held at its limit" \
	cd_wait_log "severity = WARNING.*message = cgroup [^ ]*$name held at its limit: [0-9]+ limit hits since the last sample" 10
# The likeliest victim: the first of the plugin's Candidates in the cgroup.
if grep -Eq "severity = WARNING.*held at its limit: [0-9]+ limit hits since the last sample; $victim_re" "$CD_LOG"; then
	ok "collectd: the WARNING names the likeliest victim held-holder"
else
	not_ok "collectd: the WARNING names the likeliest victim held-holder" "$(grep 'held at its limit' "$CD_LOG")"
fi
sleep 1.5
load_stop
check "collectd: OKAY once released" cd_wait_log "severity = OKAY.*message = cgroup [^ ]*$name no longer held at its limit" 10
sleep 1.5
check "collectd: one WARNING and one OKAY in all" test "$(held_lines WARNING) $(grep -c 'severity = OKAY.*no longer held' "$CD_LOG")" = "1 1"
cd_stop

# ---- oomwatch-exporter --------------------------------------------------------
prom=$TMP/oomwatch.prom
"$EXPORTER" --textfile "$prom" --interval 1s --kmsg none --cgroup "$OOMCG_PATH" --candidates 3 2>"$TMP/exporter.err" 9>&- &
exporter=$!
held_is() { grep -q "^oomwatch_cgroup_held_at_limit{cgroup=\"$OOMCG_PATH\"} $1\$" "$prom" 2>/dev/null; }
prom_hits() { sed -n "s/^oomwatch_cgroup_limit_hits_total{cgroup=\"${OOMCG_PATH//\//\\/}\"} //p" "$prom"; }
check "exporter: oomwatch_cgroup_held_at_limit 0 before the load" wait_for 5 held_is 0
h0=$(prom_hits)
load_start
check "exporter: oomwatch_cgroup_held_at_limit 1 while held" wait_for 5 held_is 1
check "exporter: oomwatch_cgroup_limit_hits_total rose ($h0 -> $(prom_hits))" test "$(prom_hits)" -gt "$h0"
load_stop
check "exporter: oomwatch_cgroup_held_at_limit 0 once released" wait_for 5 held_is 0
kill "$exporter"
wait "$exporter"

# ---- SNMP -------------------------------------------------------------------
# The agent's traps oomwCgroupHeldNotification and oomwCgroupReleasedNotification
# (OOMWATCH-MIB), through a private snmpd to a real snmptrapd: one each.
snmp_held_traps() {
	snmp_env_init
	trap cleanup EXIT
	cat >"$SNMP_TMP/agent.conf" <<-CONF
	interval 1s
	state_file $SNMP_TMP/agent.state
	kmsg none
	cgroup $OOMCG_PATH
	candidates 3
	CONF
	snmp_start_snmpd || { not_ok "snmpd starts"; return; }
	snmp_start_trapd
	snmp_start_agent -c "$SNMP_TMP/agent.conf"
	check "the agent registers" snmp_wait_registered 10
	sleep 2.5 # the baseline samples
	traps() { grep -c "$1" "$SNMP_TMP/traps.log"; }
	load_start
	check "snmptrapd: oomwCgroupHeldNotification" wait_for 10 grep -q oomwCgroupHeldNotification "$SNMP_TMP/traps.log"
	check "the held trap names the cgroup" grep -q "oomwCgroupHeldNotification.*$name" "$SNMP_TMP/traps.log"
	check "the held trap names the likeliest victim held-holder" \
		grep -q "oomwCgroupHeldNotification.*held-holder" "$SNMP_TMP/traps.log"
	sleep 1.5
	load_stop
	check "snmptrapd: oomwCgroupReleasedNotification once released" \
		wait_for 10 grep -q oomwCgroupReleasedNotification "$SNMP_TMP/traps.log"
	sleep 1.5
	check "one held and one released trap" \
		test "$(traps oomwCgroupHeldNotification) $(traps oomwCgroupReleasedNotification)" = "1 1"
}
snmp_held_traps

check "no OOM kill: the cgroup's oom_kill is still $cg_kills0" test "$(oomcg_oom_kill)" = "$cg_kills0"
check "no OOM kill: /proc/vmstat oom_kill is still $kills0" test "$(vmstat_kills)" = "$kills0"
done_testing
