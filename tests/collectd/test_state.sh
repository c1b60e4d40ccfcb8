#!/bin/bash
# SPDX-License-Identifier: MIT
# The state file under bad conditions: corrupt, a symbolic link, in a directory
# that cannot be written. Each is logged clearly, the plugin keeps dispatching
# values, and a corrupt file is replaced by a good one (mode 0600).
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/collectd/lib.sh

skip_if "$(cd_unavailable)"
cd_setup

# run_with_state STATEFILE: one collectd run that dispatched values.
run_with_state() {
	rm -rf "$CD_DIR/csv" "$CD_LOG"
	cd_conf "StateFile \"$1\"" 'KmsgPath "none"'
	cd_start
	cd_wait_log 'oomwatch: watching' 10
	cd_wait_file 'oomwatch/derive-oom_kill-*' 10
	local st=$?
	sleep 1.2 # a second read: a repeated complaint would show
	cd_stop
	return $st
}

printf 'this is not an oomwatch state file\n\0\377garbage\n' >"$CD_STATE"
check "corrupt state: values still dispatched" run_with_state "$CD_STATE"
check "corrupt state: logged" grep -q "\[notice\] oomwatch: state file $CD_STATE was unusable (.*) and has been replaced" "$CD_LOG"
check "corrupt state: said once" [ "$(grep -c 'notice.*was unusable' "$CD_LOG")" = 1 ]
check "corrupt state: replaced by a good one" run_with_state "$CD_STATE"
check "corrupt state: no complaint on the next start" [ "$(grep -c 'was unusable' "$CD_LOG")" = 0 ]
check "state file mode 0600" [ "$(stat -c %a "$CD_STATE")" = 600 ]

: >"$CD_DIR/empty.state"
check "empty state: values still dispatched" run_with_state "$CD_DIR/empty.state"
check "empty state: logged" grep -q "state file $CD_DIR/empty.state was unusable" "$CD_LOG"

ln -s "$CD_STATE" "$CD_DIR/link.state"
check "symlinked state: values still dispatched" run_with_state "$CD_DIR/link.state"
check "symlinked state: logged" grep -q "state file $CD_DIR/link.state was unusable" "$CD_LOG"
check "symlinked state: said once" [ "$(grep -c 'notice.*was unusable' "$CD_LOG")" = 1 ]

check "state in a missing directory: values still dispatched" run_with_state "$CD_DIR/nodir/x.state"
check "state in a missing directory: save error logged" \
	grep -q "\[error\] oomwatch: cannot save state $CD_DIR/nodir/x.state: No such file" "$CD_LOG"
check "state in a missing directory: said once" [ "$(grep -c 'cannot save state' "$CD_LOG")" = 1 ]
done_testing
