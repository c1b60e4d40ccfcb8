#!/bin/bash
# SPDX-License-Identifier: MIT
# check_oom's command line: every bad argument is UNKNOWN with one line saying
# why; --help and --version exit 3 (documented: never OK for a non-check run).
. "$(dirname "$0")/lib.sh"

M=$TMP/m
fx_machine "$M"
base=(--proc "$M/proc" --sys "$M/sys" --kmsg none --state "$TMP/state")

bad() { # bad WHAT REGEX ARGS...
	local what=$1 re=$2
	shift 2
	run_check "$@"
	if [ "$RC" = 3 ] && [ "$(printf '%s\n' "$OUT" | wc -l)" = 1 ] && [[ $OUT =~ ^OOM\ UNKNOWN\ -\ $re ]]; then
		ok "$what"
	else
		not_ok "$what" "exit $RC, wanted 3 and one line matching /$re/" "output: $OUT"
	fi
	check_output "$what"
}

bad "unknown long option" "unknown option '--frobnicate'" "${base[@]}" --frobnicate
bad "unknown short option" "unknown option '-x'" "${base[@]}" -x
bad "missing argument" "missing argument for '--window'" "${base[@]}" --window
bad "a value for an option that takes none" "no value allowed for '--verbose'" "${base[@]}" --verbose=2
bad "an unknown long option with a value" "unknown option '--frobnicate'" "${base[@]}" --frobnicate=2
bad "unknown short option in a cluster, after --opt=VALUE" "unknown option '-x'" --proc "$M/proc" --kmsg none --state="$TMP/state" -xv
bad "missing argument at the end of a cluster" "missing argument for '-w'" --state="$TMP/state" --kmsg none -vw
bad "positional argument" "unexpected argument 'localhost'" "${base[@]}" localhost
bad "malformed -w range" "-w: malformed range '10:5'" "${base[@]}" -w 10:5
bad "malformed -c range" "-c: malformed range 'abc'" "${base[@]}" -c abc
bad "a unit on the kill count" "-c: range '1%'" "${base[@]}" -c 1%
# The same refusal, word for word, as collectd's and the agent's (README, Thresholds).
bad "a size range without unit, with the fix" "--mem-warning: '10:' has no unit; write 10%: or 10M:$" "${base[@]}" --mem-warning 10:
bad "a bare size without unit" "--swap-critical: '512' has no unit; write 512% or 512M$" "${base[@]}" --swap-critical 512
bad "a size on pressure" "--psi-warning: range '1G': pressure is a percentage, not a size$" "${base[@]}" --psi-warning 1G
bad "negative window" "--window: bad duration '-1h'" "${base[@]}" --window -1h
bad "zero window" "--window: bad duration '0'" "${base[@]}" --window 0
bad "window longer than a century" "--window: '36501d' is more than 36500d" "${base[@]}" --window 36501d
bad "window with a bad unit" "--window: bad duration '3w'" "${base[@]}" --window 3w
bad "bad timeout" "-t: bad duration 'soon'" "${base[@]}" -t soon
bad "unreadable --proc" "--proc $TMP/nonexistent: No such file or directory" --proc "$TMP/nonexistent" --kmsg none --state "$TMP/state"
bad "--proc not a directory" "--proc $M/proc/meminfo: not a directory" --proc "$M/proc/meminfo" --kmsg none --state "$TMP/state"
bad "missing --kmsg file" "--kmsg $TMP/nolog: No such file or directory" --proc "$M/proc" --kmsg "$TMP/nolog" --state "$TMP/state"
bad "--kmsg a directory" "--kmsg $TMP: a directory, not a log file" --proc "$M/proc" --kmsg "$TMP" --state "$TMP/state"
bad "too many candidates" "--candidates: '999' is not 0..32" "${base[@]}" --candidates 999
bad "--psi neither some nor full" "--psi: 'half' is not some or full" "${base[@]}" --psi half
bad "empty --cgroup" "--cgroup: empty pattern" "${base[@]}" --cgroup ''
bad "newline and pipe in an argument stay on one line" "unexpected argument 'a\\\\x7cb\\\\x0aOOM OK - c'" "${base[@]}" $'a|b\nOOM OK - c'

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	mkdir -p "$TMP/closed/proc" && chmod 700 "$TMP/closed"
	OUT=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$CHECK_OOM" --proc "$TMP/closed/proc" --kmsg none --state /tmp/x)
	RC=$?
	perf_valid
	[ "$RC" = 3 ] && [[ $OUT =~ ^OOM\ UNKNOWN\ -\ --proc\ .*Permission\ denied$ ]] && ok "--proc without permission" ||
		not_ok "--proc without permission" "exit $RC" "$OUT"
fi

# -t: a source that never answers (a FIFO as meminfo, like a hung NFS /proc).
T=$TMP/hung
fx_machine "$T"
rm "$T/proc/meminfo" && mkfifo "$T/proc/meminfo"
start=$(date +%s%N)
run_check --proc "$T/proc" --sys "$T/sys" --kmsg none --state "$TMP/hung.state" -t 1
ms=$((($(date +%s%N) - start) / 1000000))
[ "$RC" = 3 ] && [ "$OUT" = "OOM UNKNOWN - timed out after 1s while reading /proc, the kernel log and cgroups" ] &&
	ok "-t 1: UNKNOWN naming the stage after ${ms} ms" || not_ok "-t 1 on a hung source" "exit $RC" "$OUT"
[ "$ms" -lt 3000 ] && ok "-t 1 gives up within a second or so" || not_ok "-t 1 took ${ms} ms"

run_check --help
[ "$RC" = 3 ] && [[ $OUT == *"Usage: check_oom"*"--window TIME"*"Exit status"* ]] && ok "--help prints the usage, exits 3" || not_ok "--help" "exit $RC"
run_check -h
[ "$RC" = 3 ] && ok "-h exits 3" || not_ok "-h" "exit $RC"
for opt in -h -V -v -t -w -c --window --mem-warning --mem-critical --swap-warning --swap-critical --psi --psi-avg \
	--psi-warning --psi-critical --cgroup --cgroup-warning --cgroup-critical --candidates --proc --sys --kmsg --state; do
	grep -q -- "$opt" <<<"$OUT" || not_ok "--help documents $opt"
done
ok "--help documents every option"
[ "$(printf '%s\n' "$OUT" | awk 'length > 100' | wc -l)" = 0 ] && ok "--help lines fit a terminal" || not_ok "--help width"
run_check -V
[ "$RC" = 3 ] && [[ $OUT =~ ^check_oom\ [0-9]+\.[0-9]+\.[0-9]+\ \(oomwatch\)$ ]] && ok "-V prints the version, exits 3" || not_ok "-V" "exit $RC: $OUT"
run_check --version
[ "$RC" = 3 ] && ok "--version exits 3" || not_ok "--version" "exit $RC"

run_check "${base[@]}" -vvvvv
[ "$RC" = 0 ] && [[ $OUT == *"sources: proc"* ]] && ok "-v repeats (more than 3 is 3)" || not_ok "-vvvvv" "exit $RC: $OUT"
run_check "${base[@]}" -t 30s
check_state "-t takes a duration" 0

done_testing
