#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/locale/test_lctime_table.sh — the committed month-name table
# (common/lctime_table.h) is exactly what common/gen-lctime.py makes of this
# machine's `locale -a` × LC_TIME data: a locale added, a name changed by a
# glibc update, or a hand edit of the generated file fails here.
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/tap.sh"
skip_if "$(dpkg-query -W -f='${Status}' locales-all 2>/dev/null | grep -q 'install ok installed' ||
	echo 'locales-all is not installed (make deps installs it): no LC_TIME data of every locale to compare with')"
skip_if "$(command -v python3 >/dev/null || echo 'python3 is missing')"

new=$(mktemp)
trap 'rm -f "$new"' EXIT
if LC_ALL=C python3 "$root/common/gen-lctime.py" >"$new" 2>&1; then
	ok "common/gen-lctime.py reads the LC_TIME data of $(locale -a | wc -l) locales"
else
	not_ok "common/gen-lctime.py runs" "$(tail -3 "$new")"
	done_testing
fi
if cmp -s "$new" "$root/common/lctime_table.h"; then
	ok "common/lctime_table.h is the table of every locale on this machine"
else
	not_ok "common/lctime_table.h is the table of every locale on this machine" \
		"regenerate: common/gen-lctime.py > common/lctime_table.h" \
		"$(diff "$root/common/lctime_table.h" "$new" | head -8)"
fi
done_testing
