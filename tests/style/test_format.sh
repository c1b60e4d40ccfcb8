#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/style/test_format.sh — every C file under common/, plugins/ and tests/
# is formatted as .clang-format says (clang-format --dry-run --Werror): one
# line per file, and the first lines clang-format would change.
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/tap.sh"
skip_if "$(command -v clang-format >/dev/null || echo 'clang-format is not installed (make deps installs it)')"
cd "$root" || exit 1
version=$(clang-format --version | sed -n 's/.*version \([0-9]*\).*/\1/p')
[ "$version" = 14 ] || diag "clang-format $version: .clang-format is tuned for 14 (Debian 12); others may format differently"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for f in $(find common plugins tests -name '*.[ch]' | sort); do
	if clang-format --dry-run --Werror "$f" >"$out" 2>&1; then
		ok "$f is formatted"
	else
		not_ok "$f is formatted" "$(grep -c 'code should be clang-formatted' "$out") places, e.g.:" \
			"$(grep -m2 -A1 'code should be clang-formatted' "$out" | cut -c1-160)" \
			"fix: clang-format -i $f"
	fi
done
done_testing
