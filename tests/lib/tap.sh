# SPDX-License-Identifier: MIT
# tests/lib/tap.sh — sourced by integration scripts: TAP output that tests/run.sh counts.
#   ok "what"            a passed check
#   not_ok "what" [detail...]
#   check "what" CMD...  runs CMD, ok if it exits 0
#   skip_all "reason"    the whole script cannot run here (exit 77)
#   skip_if "$(x_unavailable)"  skip_all with that reason, unless it is empty
#   done_testing         exit status from the counts
TAP_N=0
TAP_FAILED=0
ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"; }
not_ok() {
	TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"; shift
	for l in "$@"; do printf '#   %s\n' "$l"; done
}
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what" "command: $*"; fi; }
skip_all() { echo "1..0 # SKIP $1"; exit 77; }
skip_if() { [ -z "$1" ] || skip_all "$1"; }
diag() { printf '# %s\n' "$*"; }
done_testing() { echo "1..$TAP_N"; [ "$TAP_FAILED" -eq 0 ]; exit $?; }
