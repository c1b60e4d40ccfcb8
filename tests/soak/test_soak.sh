#!/bin/bash
# SPDX-License-Identifier: MIT
# The short soak of `make check`: SOAK_N (20) real OOM kills while collectd,
# the SNMP agent and snmpd are restarted at random (SIGTERM, SIGKILL) and two
# state files are truncated (tests/soak/soak.sh). Fails on any kill missing
# from, or duplicated in, any front end, a vmstat delta that is not N, or a
# line in its output that is not the soak's own (shell noise).
# The seed is printed: SOAK_SEED=<seed> tests/soak/test_soak.sh replays it.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh

n=${SOAK_N:-20}
out=$(tests/soak/soak.sh "$n" 2>&1)
rc=$?
[ "$rc" -eq 77 ] && skip_all "${out##*cannot run: }"
while IFS= read -r line; do diag "$line"; done <<<"$out"
for fe in "collectd notifications" "SNMP traps" "check_oom runs"; do
	row=$(grep -E "^  $fe " <<<"$out")
	# expected received distinct duplicates re-reported after-SIGKILL missing
	read -r expected _ distinct dup _ _ missing <<<"${row#  "$fe"}"
	if [ -n "$row" ] && [ "$expected" = "$n" ] && [ "$distinct" = "$n" ] && [ "$dup" = 0 ] &&
		[ "$missing" = 0 ]; then
		ok "$fe: all $n kills, none missing, none duplicated"
	else
		not_ok "$fe: all $n kills, none missing, none duplicated" "${row:-no table row}"
	fi
done
check "/proc/vmstat oom_kill rose by exactly $n" grep -qE "oom_kill delta $n \(expected $n\)" <<<"$out"
# Every line is the soak's own ("soak: ..." or the table): no shell noise such as
# bash's "wait_for: No record of process" from a daemon signalled before it ran.
noise=$(grep -vE '^(soak: |  )' <<<"$out")
if [ -z "$noise" ]; then ok "no line but the soak's own"; else not_ok "no line but the soak's own" "$noise"; fi
check "the soak itself passed (exit status $rc)" test "$rc" -eq 0
done_testing
