#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/sanitize/test_unit_sanitizers.sh — builds the unit tests with
# SANITIZE=1 (ASan + UBSan, every report fatal) into build-san/ and runs each:
# it passes when all its tests pass and no sanitizer reported anything.
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/tap.sh"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export CMOCKA_MESSAGE_OUTPUT=TAP OOMCG_VICTIM=$root/build-san/tests/oom_victim
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# A make of its own, not one inheriting the settings of a `make check` above it.
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$root" -j"$(nproc)" --no-print-directory \
	SANITIZE=1 test-programs >"$log" 2>&1; then
	not_ok "make SANITIZE=1 test-programs" "$(tail -5 "$log")"
	done_testing
fi
ok "make SANITIZE=1 test-programs builds the unit tests into build-san/"
for t in "$root"/build-san/tests/unit/test_*; do
	name=${t##*/}
	(cd "$root" && "$t") >"$log" 2>&1
	rc=$?
	passed=$(grep -cE '^ok [0-9]+' "$log")
	failed=$(grep -E '^not ok [0-9]+' "$log" | grep -vc '# SKIP')
	# A test the binary skipped is a skip here too (which CI refuses).
	grep -E '^(not )?ok [0-9]+.*# SKIP' "$log" | sed 's/^.*# SKIP *//' | while read -r what; do
		echo "ok - $name: $what # SKIP under ASan+UBSan: $(grep -m1 '^# .*cannot run' "$log" | cut -c3-)"
	done
	report=$(grep -m3 -E 'runtime error|AddressSanitizer|LeakSanitizer' "$log")
	if [ "$rc" -eq 0 ] && [ "$failed" -eq 0 ] && [ -z "$report" ]; then
		ok "$name under ASan+UBSan: $passed passed"
	else
		not_ok "$name under ASan+UBSan (exit $rc, $failed failed)" "$report" "$(grep -m3 '^not ok' "$log")"
	fi
done
done_testing
