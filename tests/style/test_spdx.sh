#!/bin/bash
# SPDX-License-Identifier: MIT
# The licence: LICENSE is MIT, and every source file of the project (code,
# scripts, build files, MIB, manual pages, configuration, packaging scripts)
# names it in its first three lines. Fails naming each file that does not. Not
# ours and left as they are: the IETF MIB modules and the test fixtures.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/tap.sh

check "LICENSE is the MIT licence of the oomwatch authors" \
	grep -qx 'Copyright (c) 2026 the oomwatch authors' LICENSE
check "LICENSE starts with 'MIT License'" test "$(head -n 1 LICENSE)" = "MIT License"

missing=()
n=0
while IFS= read -r -d '' f; do
	n=$((n + 1))
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier: MIT' || missing+=("${f#./}")
done < <(find . \( -path ./.git -o -path ./build -o -path ./build-fuzz -o -path ./build-san -o -path ./tests/fixtures -o -path ./plugins/snmp/mibs \) -prune -o \
	-type f \( -name '*.[ch]' -o -name '*.sh' -o -name '*.pl' -o -name '*.py' -o -name '*.mk' -o -name Makefile \
	-o -name '*-MIB.txt' -o -name '*.conf' -o -name '*.conf.*' -o -name '*.cfg' -o -name '*.service' \
	-o -name '*.[1-8]' -o -name '*.types.db' -o -path ./debian/rules -o -path './debian/*.post*' \
	-o -path './debian/*.pre*' -o -name '*.lintian-overrides' -o -path ./.ci/run \) -print0)
check "the search found the sources ($n files)" test "$n" -gt 50
if [ "${#missing[@]}" = 0 ]; then
	ok "every one of the $n source files has SPDX-License-Identifier: MIT in its first 3 lines"
else
	not_ok "source files without SPDX-License-Identifier: MIT in their first 3 lines" "${missing[@]}"
fi
done_testing
