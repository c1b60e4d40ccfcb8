# SPDX-License-Identifier: MIT
# tests/bench/lib.sh — what bench.sh and latency.sh share: the settings (see
# bench.sh), temporary directories, and how a figure is printed. Sourced.
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
B=$ROOT/build/tests/bench
N=${BENCH_N:-21}
BIG=${BENCH_BIG:-1}
KILLS=${BENCH_KILLS:-5}
LOCK_WAIT=${BENCH_LOCK_WAIT:-300}
LOCK=/tmp/oomwatch-live-test.lock
CHECK_SWAP=/usr/lib/nagios/plugins/check_swap
TMP=$(mktemp -d /tmp/oomwatch-bench.XXXXXX)
SHM=$(mktemp -d /dev/shm/oomwatch-bench.XXXXXX)
cleanup_bench() { rm -rf "$TMP" "$SHM"; }
trap cleanup_bench EXIT
ROOT_USER=false
[ "$(id -u)" = 0 ] && ROOT_USER=true

# row NAME VALUE UNIT PEER_NAME PEER_VALUE GOAL_OP GOAL CMD: one figure.
# The ratio is VALUE / PEER_VALUE; GOAL_OP is "le" or "ge" (ratio vs GOAL),
# "max" (VALUE itself at most GOAL, in UNIT), or "-" for a figure without a goal.
row() {
	local name=$1 value=$2 unit=$3 peer=$4 pv=$5 op=$6 goal=$7 cmd=$8 ratio verdict
	ratio=$(awk -v a="$value" -v b="$pv" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
	case $op in
	le) verdict=$(awk -v r="$ratio" -v g="$goal" 'BEGIN { print (r <= g ? "MET" : "MISSED") }')
	    verdict="goal <= ${goal}x: $verdict" ;;
	ge) verdict=$(awk -v r="$ratio" -v g="$goal" 'BEGIN { print (r >= g ? "MET" : "MISSED") }')
	    verdict="goal >= ${goal}x: $verdict" ;;
	max) verdict=$(awk -v v="$value" -v g="$goal" 'BEGIN { print (v <= g ? "MET" : "MISSED") }')
	     verdict="goal <= $goal $unit: $verdict" ;;
	*) verdict="no goal" ;;
	esac
	printf '%-34s %10s %-4s vs %-26s %10s  ratio %6sx  %s\n' "$name" "$value" "$unit" "$peer" "$pv" "$ratio" "$verdict"
	printf '    reproduce: %s\n' "$cmd"
}
# note TEXT: a line that is no figure (a skip, a caveat).
note() { printf '  note: %s\n' "$*"; }
field() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
# live_lock: tests/lib/oomcg.sh's oomcg_lock (on fd 9), waiting LOCK_WAIT s at most.
live_lock() {
	exec 9>"$LOCK"
	flock -w "$LOCK_WAIT" 9
}
