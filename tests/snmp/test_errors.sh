#!/bin/bash
# SPDX-License-Identifier: MIT
# oomwatch-agent refuses bad options and configuration with the reason and
# exit status 1; with no snmpd to talk to it keeps running, says so, retries,
# and registers as soon as snmpd appears.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/snmp/snmp_env.sh

skip_if "$(snmp_unavailable)"
snmp_env_init
A=$SNMP_AGENT_BIN

# Runs the agent in the foreground expecting a quick refusal; sets rc and err.
refuse() { err=$(timeout -k 2 5 "$A" -f -x "$SNMP_TMP/none.sock" "$@" 2>&1); rc=$?; }

conf=$SNMP_TMP/bad.conf
printf 'interval 5s\nbogus_key 1\n' >"$conf"
refuse -c "$conf"
check "unknown key: exit 1" test "$rc" -eq 1
check "unknown key: names file, line and key" grep -q "bad.conf:2: bogus_key: unknown key 'bogus_key'" <<<"$err"

printf 'available_warning ten percent\n' >"$conf"
refuse -c "$conf"
check "bad threshold: exit 1 with the line" test "$rc" -eq 1 -a -n "$(grep 'bad.conf:1: available_warning: ' <<<"$err")"

printf 'psi_warning 10MiB\n' >"$conf"
refuse -c "$conf"
check "a size as a pressure threshold is refused" grep -q "range '10MiB': pressure is a percentage, not a size" <<<"$err"

# The core's grammar (README, Thresholds): a size without unit is never taken
# as bytes (it once was: "available_warning 10:" could never warn).
printf 'available_warning 10:\n' >"$conf"
refuse -c "$conf"
check "available_warning 10: (no unit) is refused with the core's hint" \
	test "$rc" -eq 1 -a -n "$(grep -F "bad.conf:1: available_warning: '10:' has no unit; write 10%: or 10M:" <<<"$err")"
printf 'interval 1s\navailable_critical 5\n' >"$conf"
refuse -c "$conf"
check "available_critical 5 (no unit) is refused the same way" \
	test "$rc" -eq 1 -a -n "$(grep -F "bad.conf:2: available_critical: '5' has no unit; write 5% or 5M" <<<"$err")"
printf 'hysteresis 2\n' >"$conf"
refuse -c "$conf"
check "hysteresis 2 (no unit) is refused" \
	test "$rc" -eq 1 -a -n "$(grep -F "bad.conf:1: hysteresis: '2' has no unit; write 2% or 2M" <<<"$err")"
printf 'psi_warning\n' >"$conf"
refuse -c "$conf"
check "a threshold without value is refused, not turned off" \
	test "$rc" -eq 1 -a -n "$(grep -F 'bad.conf:1: psi_warning: value missing' <<<"$err")"

printf 'kill_table_size 0\n' >"$conf"
refuse -c "$conf"
check "kill_table_size 0 is refused with the allowed range" test "$rc" -eq 1 -a -n "$(grep "kill_table_size: must be a whole number from 1 to 256" <<<"$err")"

printf 'interval 0\n' >"$conf"
refuse -c "$conf"
check "interval 0 is refused" test "$rc" -eq 1

# Beyond what net-snmp's timers hold (these once wrapped to 0 or a negative
# ping interval, and the agent spun and ignored SIGTERM).
for kv in 'interval 4294967296' 'ping_interval 2147483648s' 'interval 2d'; do
	printf '%s\n' "$kv" >"$conf"
	refuse -c "$conf"
	check "$kv is refused with the limit" test "$rc" -eq 1 -a -n "$(grep "bad.conf:1: ${kv%% *}: at most 1d" <<<"$err")"
done
printf 'kill_window 106751991167d\n' >"$conf"
refuse -c "$conf"
check "a kill_window that overflows microseconds is refused" \
	test "$rc" -eq 1 -a -n "$(grep 'bad.conf:1: kill_window: at most 36500d' <<<"$err")"

refuse -c "$SNMP_TMP/missing.conf"
check "missing config file: exit 1 with the reason" \
	test "$rc" -eq 1 -a -n "$(grep 'missing.conf: No such file or directory' <<<"$err")"

refuse -c "$SNMP_TMP"
check "a directory as config file: exit 1 with the reason" \
	test "$rc" -eq 1 -a -n "$(grep "$SNMP_TMP: Is a directory" <<<"$err")"

refuse -u no-such-user-oomwatch
check "unknown user: exit 1" test "$rc" -eq 1 -a -n "$(grep "user 'no-such-user-oomwatch' does not exist" <<<"$err")"

refuse --no-such-option
check "unknown option: exit 1 naming it" test "$rc" -eq 1 -a -n "$(grep -F "unknown option '--no-such-option' (see --help)" <<<"$err")"
refuse stray
check "positional argument: exit 1 naming it" test "$rc" -eq 1 -a -n "$(grep -F "unexpected argument 'stray'" <<<"$err")"

out=$("$A" --help)
check "--help exits 0 and documents the retry" grep -q 'retries' <<<"$out"

# No snmpd yet: documented behaviour is to keep running and retry.
printf "ping_interval 1s\ninterval 1s\n" >"$SNMP_TMP/agent.conf"
snmp_start_agent -c "$SNMP_TMP/agent.conf" --kmsg none
sleep 1.5
check "unreachable socket: the agent keeps running" kill -0 "$AGENT_PID"
check "unreachable socket: it says why and that it retries" \
	grep -q "AgentX master $SNMP_SOCKET not reachable; retrying every 1s" "$SNMP_TMP/agent.log"
t0=$(date +%s.%N)
snmp_start_snmpd
if snmp_wait_registered 10; then
	ok "once snmpd is up the agent registers"
	diag "registration after snmpd start: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s (ping_interval 1s)"
else
	not_ok "once snmpd is up the agent registers" "$(tail -5 "$SNMP_TMP/agent.log")"
fi
check "kmsg none: the log status says kills are counted without details" \
	grep -q 'not read' <<<"$(snmp_value oomwKernelLogStatus.0)"
kill "$AGENT_PID"
wait "$AGENT_PID"

# Without -f: a daemon (the command returns at once) that logs to syslog.
"$A" -x "$SNMP_SOCKET" -c "$SNMP_TMP/agent.conf" --kmsg none --state "$SNMP_TMP/daemon.state" 2>"$SNMP_TMP/daemon.err"
check "without -f the command returns 0 at once" test $? -eq 0
check "the daemon registers" snmp_wait_registered 10
dpid=$(pgrep -f -- "--state $SNMP_TMP/daemon.state")
check "it runs detached from this shell" test -n "$dpid" -a "$(ps -o ppid= -p "${dpid:-1}" | tr -d ' ')" != "$$"
check "and writes nothing to the terminal" test ! -s "$SNMP_TMP/daemon.err"
if [ -n "$dpid" ]; then
	kill "$dpid"
	for i in $(seq 40); do kill -0 "$dpid" 2>/dev/null || break; sleep 0.05; done
	check "SIGTERM stops the daemon" test ! -d "/proc/$dpid"
fi

# The shipped example configuration is valid as it is (its user and state
# directory exist only on an installed system, hence -u and --state).
timeout 2 "$A" -f -x "$SNMP_SOCKET" -c contrib/snmp/oomwatch-agent.conf -u "$(id -un)" \
	--state "$SNMP_TMP/example.state" >"$SNMP_TMP/example.log" 2>&1
check "contrib/snmp/oomwatch-agent.conf is accepted (ran until stopped)" test $? -eq 124

# A corrupt state file is reported and replaced, never trusted.
printf 'not a state file\n\x01\x02' >"$SNMP_TMP/corrupt.state"
snmp_start_agent -c "$SNMP_TMP/agent.conf" --kmsg none --state "$SNMP_TMP/corrupt.state"
check "with a corrupt state file the agent still registers" snmp_wait_registered 10
check "and says the state file was replaced" grep -q "^state file $SNMP_TMP/corrupt.state was unusable (.*) and has been replaced" "$SNMP_TMP/agent.log"
kill "$AGENT_PID"
wait "$AGENT_PID"

# A state file that cannot be written is reported once, retried, and its
# recovery reported (its directory appears later).
snmp_start_agent -c "$SNMP_TMP/agent.conf" --kmsg none --state "$SNMP_TMP/later/agent.state"
check "with an unwritable state file the agent still registers" snmp_wait_registered 10
check "it says it cannot save the state file, once" \
	test "$(grep -c "cannot save state $SNMP_TMP/later/agent.state: No such file or directory" "$SNMP_TMP/agent.log")" -eq 1
mkdir "$SNMP_TMP/later"
sleep 1.5
check "once it can, it saves the state and says so" \
	test -s "$SNMP_TMP/later/agent.state" -a -n "$(grep "^resolved: cannot save state $SNMP_TMP/later/agent.state: " "$SNMP_TMP/agent.log")"
kill "$AGENT_PID"
wait "$AGENT_PID"

# As root: the kernel log is opened first, then root is dropped for good.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	chmod 0711 "$SNMP_TMP"
	chmod 0666 "$SNMP_SOCKET"
	install -d -o nobody -m 0700 "$SNMP_TMP/nobody"
	snmp_start_agent -u nobody --state "$SNMP_TMP/nobody/agent.state" -c "$SNMP_TMP/agent.conf"
	check "dropped to nobody, it still registers" snmp_wait_registered 10
	check "it runs as nobody" test "$(awk '/^Uid:/ { print $2 $3 $4 $5 }' "/proc/$AGENT_PID/status")" = \
		"$(id -u nobody)$(id -u nobody)$(id -u nobody)$(id -u nobody)"
	check "it kept /dev/kmsg (opened before the drop)" test "$(snmp_value oomwKernelLogStatus.0)" = ok
	sleep 1.2
	check "it writes its state file as nobody" test -O "$SNMP_TMP/nobody/agent.state" -o \
		"$(stat -c %U "$SNMP_TMP/nobody/agent.state" 2>/dev/null)" = nobody
	# Root without CAP_IPC_LOCK and CAP_SYS_RESOURCE (a container): RLIMIT_MEMLOCK
	# stays, so locking future pages would make allocations fail later.
	timeout 2 capsh --drop=cap_ipc_lock,cap_sys_resource -- -c \
		"exec $A -f -x $SNMP_TMP/none.sock --kmsg none" >"$SNMP_TMP/nolock.log" 2>&1
	check "root without CAP_IPC_LOCK runs and locks only the memory mapped at start" \
		test $? -eq 124 -a -n "$(grep 'locking only the memory mapped at start' "$SNMP_TMP/nolock.log")"
	# Started without any privilege: it warns about each and keeps running.
	runuser -u nobody -- timeout 2 "$A" -f -x "$SNMP_TMP/none.sock" --kmsg none >"$SNMP_TMP/unpriv.log" 2>&1
	check "started as nobody it runs (until stopped) and says what it could not do" \
		test $? -eq 124 -a -n "$(grep 'oom_score_adj' "$SNMP_TMP/unpriv.log")"
fi
done_testing
