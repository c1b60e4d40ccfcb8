#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/snmp/snmp_env.sh's EXIT cleanup runs only in the process that set the
# trap: a forked copy of the script that runs the trap it inherited (a
# subshell, a background command signalled before its exec) leaves the daemons
# and the temp directory to the script. No daemon of net-snmp is needed: a
# sleep stands for one.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/snmp/snmp_env.sh

running() { kill -0 "$1" 2>/dev/null; }

snmp_env_init
sleep 300 &
daemon=$!
SNMP_PIDS+=("$daemon")

(snmp_env_cleanup)
check "a subshell's cleanup leaves the temp directory" test -d "$SNMP_TMP"
check "a subshell's cleanup leaves the daemons running" running "$daemon"

# Signalled before its exec, the forked copy runs the inherited EXIT trap
# (bash then also says "wait_for: No record of process", hence 2>/dev/null).
{
	for ((i = 0; i < 50; i++)); do
		/bin/sleep 100 &
		kill -TERM $!
		wait $!
	done
} 2>/dev/null
check "50 background commands signalled at once leave the temp directory" test -d "$SNMP_TMP"
check "50 background commands signalled at once leave the daemons running" running "$daemon"

dir=$SNMP_TMP
snmp_env_cleanup
check "the script's own cleanup removes the temp directory" test ! -e "$dir"
check "the script's own cleanup stops the daemons" eval '! running "$daemon"'
done_testing
