#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/fuzz/test_fuzz.sh — replays every saved crash in
# tests/fuzz/regressions/NAME/ through harness fuzz_NAME, then fuzzes each
# harness for FUZZ_SECONDS (default 8; `make fuzz FUZZ_SECONDS=N`) from a
# corpus built out of tests/fixtures (tests/fuzz/seeds.sh). A crash, a
# sanitizer report or a hang (> 10 s on one input) fails, and the input is
# kept in build-fuzz/crashes/ to become a regression file.
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/tap.sh"
bins=${FUZZ_BUILD:-$root/build-fuzz}/tests/fuzz
crashes=${FUZZ_CRASHES:-$root/build-fuzz/crashes}
budget=${FUZZ_SECONDS:-8}
names="kmsg text oomparse procfiles cgroup thresholds state agent_config monitor"
[ -f "$root/common/assess.h" ] && names="$names assess"
flags=(-timeout=10 -rss_limit_mb=2048 -dict="$root/tests/fuzz/fuzz.dict")
export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$crashes"

for name in $names; do
	bin=$bins/fuzz_$name
	if [ ! -x "$bin" ]; then
		not_ok "fuzz_$name is built" "make test-programs builds $bin"
		continue
	fi
	for f in "$root"/tests/fuzz/regressions/"$name"/*; do
		[ -f "$f" ] || continue
		if "$bin" "${flags[@]}" "$f" >"$work/replay" 2>&1; then
			ok "fuzz_$name replays ${f#"$root"/}"
		else
			not_ok "fuzz_$name replays ${f#"$root"/}" "$(grep -m3 -E 'ERROR|runtime error|SUMMARY' "$work/replay")"
		fi
	done
	if ! OOMW_SAMPLE="$root/build/tests/oomw_sample" "$root/tests/fuzz/seeds.sh" "$name" "$work/seeds-$name" 2>"$work/seed.err"; then
		not_ok "fuzz_$name seeds from tests/fixtures" "$(cat "$work/seed.err")"
		continue
	fi
	mkdir -p "$work/corpus-$name"
	nice -n 19 "$bin" "${flags[@]}" -max_total_time="$budget" -print_final_stats=1 \
		-artifact_prefix="$crashes/$name-" "$work/corpus-$name" "$work/seeds-$name" >"$work/log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	seeds=$(ls "$work/seeds-$name" | wc -l)
	if [ "$rc" -eq 0 ]; then
		ok "fuzz_$name: ${execs:-?} execs in ${budget}s from $seeds seeds, no crash"
	else
		not_ok "fuzz_$name: crashed after ${execs:-?} execs (exit $rc)" \
			"$(grep -m5 -E 'ERROR|runtime error|SUMMARY|Test unit written|timeout' "$work/log")" \
			"keep the input as tests/fuzz/regressions/$name/NAME once understood"
	fi
done
done_testing
