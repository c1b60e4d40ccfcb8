# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# tests/lib/sample_out.sh — sourced by live tests: reads what build/tests/oomw_sample
# printed (tests/lib/oomw_sample.c describes the lines).
#   snap OUT KEY            last value of a snapshot key
#   events OUT              how many event lines
#   event_field OUT N       field N (1-based, "event" is 1) of every event line
#   cgroup_delta OUT PATH   oom_kill delta of that cgroup, summed over the run's samples
#   woke OUT FILE BIT       true if a wake line names FILE with that revents bit
snap() { awk -F'\t' -v k="$2" '$1 == "snap" && $2 == k { v = $3 } END { print v }' "$1"; }
events() { grep -c '^event' "$1"; }
event_field() { awk -F'\t' -v n="$2" '$1 == "event" { print $n }' "$1"; }
cgroup_delta() { awk -F'\t' -v p="$2" '$1 == "cgroup" && $2 == p { v += $4; n++ } END { if (n) print v }' "$1"; }
woke() {
	local f rev
	while IFS=$'\t' read -r _ f rev; do
		[ "$f" = "$2" ] && [ $((rev & $3)) -ne 0 ] && return 0
	done < <(grep '^wake' "$1")
	return 1
}
