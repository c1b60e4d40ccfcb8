#!/bin/bash
# SPDX-License-Identifier: MIT
# plugins/nagios/demo.sh CHECK_OOM — `make demo` for check_oom: runs it against
# this machine, then (as root) against one real OOM kill in a throwaway memory
# cgroup (tests/lib/oomcg.sh), and shows what Nagios would see.
set -u
CHECK_OOM=${1:-build/check_oom}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/oomcg.sh"

DIR=$(mktemp -d /tmp/check_oom-demo.XXXXXX)
cleanup() { oomcg_remove; rm -rf "$DIR"; }
trap cleanup EXIT

show() {
	echo "\$ check_oom $*"
	"$CHECK_OOM" "$@"
	echo "(exit status $?)"
	echo
}

echo "== check_oom on this machine (its own state file in $DIR)"
show --state "$DIR/machine.state" --candidates 3

why=$(oomcg_unavailable)
if [ -n "$why" ]; then
	echo "== no sandboxed OOM kill: $why"
	exit 0
fi
oomcg_lock
oomcg_create || exit 1
trap cleanup EXIT # oomcg_create set its own
# A baseline first, so that only the demo's own kill is new.
"$CHECK_OOM" --state "$DIR/kill.state" >/dev/null
echo "== one real OOM kill of 'demo-victim' in the memory cgroup $OOMCG_PATH"
oomcg_kill demo-victim || exit 1
show --state "$DIR/kill.state" --cgroup "$OOMCG_PATH"
echo "== the same kill as a user without the kernel log (nobody): counted, details missing"
if command -v setpriv >/dev/null; then
	chmod 755 "$DIR"
	mkdir "$DIR/nobody" && chown nobody "$DIR/nobody"
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$CHECK_OOM" --state "$DIR/nobody/state"
	echo "(exit status $?)"
fi
