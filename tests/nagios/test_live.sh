#!/bin/bash
# SPDX-License-Identifier: MIT
# Live: a real OOM kill in a throwaway memory cgroup (tests/lib/oomcg.sh) read
# from the real /proc, /sys and /dev/kmsg: CRITICAL naming the victim, reported
# once, aged out by a short --window, and counted (without details) as nobody;
# as nobody after the state file was lost, the kill is still not OK but "at an
# unknown time since boot".
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/lib/oomcg.sh"

skip_if "$(oomcg_unavailable)"
command -v setpriv >/dev/null || skip_all "setpriv (util-linux) is missing"

oomcg_lock
oomcg_create || { not_ok "create a memory cgroup"; done_testing; }
trap 'oomcg_remove; cleanup_tmp' EXIT
chmod 755 "$TMP"
mkdir "$TMP/nobody" && chown nobody "$TMP/nobody"
ST=$TMP/live.state
# Only the kills are judged: the machine's memory is not this test's business.
quiet=(--mem-warning '' --mem-critical '' --swap-warning '' --swap-critical '' --psi-warning '' --psi-critical '')
as_nobody() {
	OUT=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$CHECK_OOM" --state "$TMP/nobody/state" "$@")
	RC=$?
	perf_valid
}
kills_perf() { sed -n "s/.*'kills'=\([0-9]*\);.*/\1/p" <<<"${OUT%%$'\n'*}"; }
total_perf() { sed -n "s/.*'oom_kill_total'=\([0-9]*\)c;.*/\1/p" <<<"${OUT%%$'\n'*}"; }
new_kills() { sed -n 's/.*new since the last check: \([0-9]*\)$/\1/p' <<<"$OUT"; }

# Baselines: what happened before this test is not what we look for.
run_check --state "$ST" --cgroup "$OOMCG_PATH" "${quiet[@]}"
check_output "baseline as root"
total_before=$(total_perf)
as_nobody "${quiet[@]}"
check_output "baseline as nobody"

# A name with a '|' and a newline: the kernel logs it as "live|vi\x0actim".
oomcg_kill $'live|vi\nctim' || { not_ok "the victim was OOM-killed"; done_testing; }
ok "a real OOM kill of pid $OOMCG_PID in $OOMCG_PATH"
killed_at=$(date +%s)

run_check --state "$ST" --cgroup "$OOMCG_PATH" "${quiet[@]}"
check_output "after the kill"
check_state "CRITICAL naming the victim, escaped" 2 \
	"^OOM CRITICAL - [0-9]+\+? OOM kills? in last 24h(: |, latest )live\\\\x7cvi\\\\x0actim \\(pid $OOMCG_PID, [0-9.]+ [KM]iB, [^ ]*/${OOMCG_PATH##*/}\\) at "
# We hold the live-test lock, so this is the only kill since the baseline.
[ "$(total_perf)" = $((total_before + 1)) ] && [ "$(new_kills)" = 1 ] && ok "one new kill, one more on the counter" ||
	not_ok "one new kill" "counter before $total_before" "$OUT"
after=$(kills_perf)
[[ $OUT == *"'cgroup_kills'=1;"* ]] && ok "--cgroup: cgroup_kills perfdata is 1" || not_ok "cgroup_kills" "$OUT"

run_check --state "$ST" --cgroup "$OOMCG_PATH" "${quiet[@]}" -v
MAX_BYTES=65536 check_output "the next run, -v"
check_state "the next run inside the window is still CRITICAL" 2 "live\\\\x7cvi\\\\x0actim \\(pid $OOMCG_PID"
[ "$(kills_perf)" = "$after" ] && [ "$(new_kills)" = 0 ] && ok "the next run counts the kill once, not twice" ||
	not_ok "counted once" "window count was $after" "$OUT"
[ "$(grep -c "^kill #[0-9]*: .*(pid $OOMCG_PID," <<<"$OUT")" = 1 ] && ok "the victim is listed once" || not_ok "listed once" "$OUT"
[[ $OUT == *"cgroup ${OOMCG_PATH}: usage"*", 1 OOM kills since boot, 1 named in last 24h"* ]] &&
	ok "--cgroup: the throwaway cgroup shows its kill" || not_ok "--cgroup line" "$OUT"
[[ $OUT == *"new since the last check: 0"* ]] && ok "nothing new on the next run" || not_ok "nothing new" "$OUT"

# Let the kill age past a 2 s window.
while [ $(($(date +%s) - killed_at)) -le 3 ]; do sleep 0.5; done
run_check --state "$ST" --window 2s "${quiet[@]}"
check_output "short window"
check_state "a --window shorter than the kill's age is OK" 0 '^OOM OK - no OOM kill in last 2s'

as_nobody "${quiet[@]}"
check_output "as nobody"
check_state "as nobody (log unreadable): CRITICAL from the counters" 2 '^OOM CRITICAL - [0-9]+\+? OOM kills? in last 24h'
[ "$(new_kills)" = 1 ] && ok "as nobody: the kill is counted once" || not_ok "nobody count" "$OUT"
nobody_after=$(kills_perf)
[[ $OUT == *"victim details need CAP_SYSLOG"* ]] && ok "as nobody: the note says details need CAP_SYSLOG" ||
	not_ok "CAP_SYSLOG note" "$OUT"
as_nobody "${quiet[@]}"
[ "$(kills_perf)" = "$nobody_after" ] && [ "$(new_kills)" = 0 ] && ok "as nobody: the next run does not count it again" ||
	not_ok "nobody recount" "window count was $nobody_after" "$OUT"

# The state file is lost (Debian's NRPE runs with PrivateTmp=true) and the log
# is closed to this user: the counter proves the kill, nothing can date it.
rm -f "$TMP/nobody/state"
as_nobody "${quiet[@]}"
check_output "as nobody, state file lost"
check_state "state lost, log unreadable: not OK, the time unknown" 1 \
	'^OOM WARNING - [0-9]+\+? OOM kills? at an unknown time since boot, first noticed [0-9]{4}-[0-9]{2}-[0-9]{2} '
[ "$(kills_perf)" -ge 1 ] 2>/dev/null && ok "state lost: the kills perfdata counts it" ||
	not_ok "state lost kills perfdata" "$OUT"
[[ $OUT == *"victims unknown (kernel log unreadable), at an unknown time since boot"* ||
	$OUT == *"victim unknown (kernel log unreadable), at an unknown time since boot"* ]] &&
	ok "state lost: the long output says the time is unknown" || not_ok "state lost long output" "$OUT"

done_testing
