#!/bin/bash
# SPDX-License-Identifier: MIT
# The tests must not depend on the host's uptime (issue 10: tests/nagios dated
# fixture kills "600 s ago" against the real /proc/uptime and failed on a host
# up for 411 s). This runs the unit tests and the fixture suites of the three
# front ends inside a time namespace whose clocks say the host booted
# FRESH_UPTIME_SEC ago: CLOCK_BOOTTIME, CLOCK_MONOTONIC, /proc/uptime and
# /proc/stat btime all move, the wall clock does not.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh

FRESH_UPTIME_SEC=60
SUITES=(build/tests/unit/test_* tests/nagios/test_fixtures.sh tests/nagios/test_hostile.sh
	tests/collectd/test_fixtures.sh tests/snmp/test_fixture.sh)

freshboot_unavailable() {
	if [ "$(id -u)" != 0 ]; then
		echo "a time namespace needs root (unshare --time)"
	elif ! unshare --help 2>/dev/null | grep -q -- --boottime; then
		echo "this unshare (util-linux) has no --boottime"
	elif ! unshare --time --boottime=0 --monotonic=0 true 2>/dev/null; then
		echo "this kernel has no time namespaces (CONFIG_TIME_NS)"
	fi
}
skip_if "$(freshboot_unavailable)"

# Whole seconds the clocks are moved back. A namespace's clock cannot start
# below 0, so a host up for less than FRESH_UPTIME_SEC is left as it is.
# CLOCK_MONOTONIC is behind CLOCK_BOOTTIME by the time spent suspended.
boot_up=$(awk '{ print int($1) }' /proc/uptime)
mono_up=$(python3 -c 'import time; print(int(time.clock_gettime(time.CLOCK_MONOTONIC)))')
boot_off=$((boot_up > FRESH_UPTIME_SEC ? boot_up - FRESH_UPTIME_SEC : 0))
mono_off=$((mono_up > FRESH_UPTIME_SEC ? mono_up - FRESH_UPTIME_SEC : 0))
fresh() { unshare --time --boottime=-"$boot_off" --monotonic=-"$mono_off" "$@"; }

inner_up=$(fresh awk '{ print int($1) }' /proc/uptime)
if [ "$inner_up" -le $((FRESH_UPTIME_SEC + 30)) ]; then
	ok "inside the namespace the host looks booted ${inner_up} s ago (host: ${boot_up} s)"
else
	not_ok "the namespace makes the host look freshly booted" "uptime inside: $inner_up s"
fi
inner_btime=$(fresh awk '$1 == "btime" { print $2 }' /proc/stat)
check "inside the namespace /proc/stat btime is within a minute of now - ${inner_up} s" \
	test $(( $(date +%s) - inner_up - inner_btime )) -ge -60 -a \
	$(( $(date +%s) - inner_up - inner_btime )) -le 60

for suite in "${SUITES[@]}"; do
	if [ ! -x "$suite" ]; then
		not_ok "$suite exists (make test-programs)"
		continue
	fi
	out=$(fresh tests/run.sh "$suite" 2>&1)
	rc=$?
	summary=$(printf '%s\n' "$out" | tail -n 1)
	if [[ $summary =~ ^([0-9]+)\ passed,\ 0\ failed,\ ([0-9]+)\ skipped$ ]] && [ "$rc" = 0 ]; then
		if [ "${BASH_REMATCH[2]}" != 0 ] && [ "${BASH_REMATCH[1]}" = 0 ]; then
			echo "ok $((TAP_N += 1)) - $suite on a fresh boot # SKIP $(printf '%s\n' "$out" | grep -m1 -o 'SKIP.*')"
		else
			ok "$suite on a host booted ${inner_up} s ago: $summary"
		fi
	else
		not_ok "$suite on a host booted ${inner_up} s ago: $summary" \
			"$(printf '%s\n' "$out" | grep -E '^not ok|^#' | head -n 20)"
	fi
done
done_testing
