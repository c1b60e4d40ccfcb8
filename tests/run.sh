#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/run.sh PROGRAM... — runs each test program (cmocka binaries and
# integration scripts, all speaking TAP), prints their output and the totals.
# A program that exits 77 was skipped as a whole; in CI (CI=true) a skip fails
# the run, because CI must test everything.
set -u
export CMOCKA_MESSAGE_OUTPUT=TAP
passed=0 failed=0 skipped=0
failed_names=()
for prog in "$@"; do
	echo "=== $prog"
	out=$(mktemp)
	timeout --kill-after=10 600 "$prog" >"$out" 2>&1
	rc=$?
	cat "$out"
	s=$(grep -cE '^(not )?ok [0-9]+.*# SKIP' "$out")
	p=$(grep -E '^ok [0-9]+' "$out" | grep -vc '# SKIP')
	f=$(grep -E '^not ok [0-9]+' "$out" | grep -vc '# SKIP')
	rm -f "$out"
	if [ "$rc" -eq 77 ]; then
		skipped=$((skipped + 1))
		continue
	fi
	skipped=$((skipped + s))
	# cmocka exits with the number of failed tests; a skipped test alone is not a failure.
	[ "$f" -eq 0 ] && [ "$s" -gt 0 ] && rc=0
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $prog exited with status $rc"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -gt 0 ] && failed_names+=("$prog")
done
echo
[ "${#failed_names[@]}" -gt 0 ] && echo "failed: ${failed_names[*]}"
if [ "$skipped" -gt 0 ] && [ "${CI:-}" = true ]; then
	echo "CI must not skip tests: $skipped skipped"
	failed=$((failed + skipped))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
