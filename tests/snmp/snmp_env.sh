# SPDX-License-Identifier: MIT
# tests/snmp/snmp_env.sh — sourced by the SNMP tests: a private snmpd (AgentX
# master on a unix socket, SNMP on 127.0.0.1), a snmptrapd whose output lines
# are stamped with CLOCK_MONOTONIC, and the agent, all in one temp directory
# on free ports, stopped on exit. Nothing listens beyond 127.0.0.1.
#
#   snmp_env_init                 temp dir $SNMP_TMP, ports, MIB search path
#   snmp_start_snmpd / snmp_stop_snmpd
#   snmp_start_trapd              traps land in $SNMP_TMP/traps.log
#   snmp_start_agent [ARGS...]    oomwatch-agent -f, log in $SNMP_TMP/agent.log
#   snmp_wait_registered [SECS]   until OOMWATCH-MIB answers through snmpd
#   snmp_get OBJECT / snmp_walk [OBJECT] / snmp_value OBJECT (value only)
#   snmp_oomcg_create             oomcg_create, keeping this file's EXIT cleanup
#   snmp_env_cleanup              what the EXIT trap runs; only in the process
#                                 that set it (not in a forked copy)

SNMP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SNMP_AGENT_BIN=${SNMP_AGENT_BIN:-$SNMP_ROOT/build/plugins/snmp/oomwatch-agent}
SNMP_MIBDIRS="$SNMP_ROOT/plugins/snmp:$SNMP_ROOT/plugins/snmp/mibs"
SNMP_PIDS=()

snmp_unavailable() {
	local t
	for t in snmpd snmptrapd snmpget snmpwalk snmptable smilint python3; do
		command -v "$t" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin command -v "$t" >/dev/null 2>&1 ||
			{ echo "$t is not installed (make deps installs it)"; return; }
	done
	[ -x "$SNMP_AGENT_BIN" ] || echo "missing $SNMP_AGENT_BIN (run make)"
}

# A UDP port on 127.0.0.1 nobody listens on now.
snmp_free_port() {
	local p i
	for i in $(seq 100); do
		p=$((20000 + RANDOM % 40000))
		ss -Hlun "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
	done
	return 1
}

snmp_env_init() {
	export PATH=$PATH:/usr/sbin
	SNMP_TMP=$(mktemp -d /tmp/oomwatch-snmp.XXXXXX)
	SNMP_PORT=$(snmp_free_port)
	SNMP_TRAP_PORT=$(snmp_free_port)
	SNMP_SOCKET=$SNMP_TMP/agentx.sock
	# Private persistent state: never touch /var/lib/snmp of the host.
	export SNMP_PERSISTENT_DIR=$SNMP_TMP/persist
	mkdir -p "$SNMP_PERSISTENT_DIR"
	snmp_env_trap
	cat >"$SNMP_TMP/snmpd.conf" <<CONF
agentAddress udp:127.0.0.1:$SNMP_PORT
rocommunity public 127.0.0.1
master agentx
agentXSocket $SNMP_SOCKET
agentXPerms 0660 0755
trap2sink 127.0.0.1:$SNMP_TRAP_PORT public
CONF
	cat >"$SNMP_TMP/snmptrapd.conf" <<CONF
snmpTrapdAddr udp:127.0.0.1:$SNMP_TRAP_PORT
authCommunity log public
CONF
}

# The EXIT trap, for this process only. A forked copy of the script (a
# background command signalled before its exec, a subshell) that runs the trap
# it inherited must not stop the daemons or remove the directory under the
# script that set it.
snmp_env_trap() {
	SNMP_ENV_PID=$BASHPID
	trap snmp_env_cleanup EXIT
}

snmp_env_cleanup() {
	[ -z "${SNMP_ENV_PID:-}" ] || [ "$BASHPID" = "$SNMP_ENV_PID" ] || return 0
	local i
	# Newest first: the agent leaves before the snmpd it is registered with.
	for ((i = ${#SNMP_PIDS[@]} - 1; i >= 0; i--)); do
		kill "${SNMP_PIDS[i]}" 2>/dev/null && wait "${SNMP_PIDS[i]}" 2>/dev/null
	done
	[ -n "${SNMP_KEEP:-}" ] || rm -rf "$SNMP_TMP"
	declare -F oomcg_remove >/dev/null && oomcg_remove
}

snmp_start_snmpd() {
	rm -f "$SNMP_TMP/snmpd.pid"
	snmpd -f -C -c "$SNMP_TMP/snmpd.conf" -m '' -Lf "$SNMP_TMP/snmpd.log" -p "$SNMP_TMP/snmpd.pid" &
	SNMPD_PID=$!
	SNMP_PIDS+=("$SNMPD_PID")
	local i
	for i in $(seq 100); do
		[ -S "$SNMP_SOCKET" ] && return 0
		sleep 0.05
	done
	echo "snmpd did not create $SNMP_SOCKET" >&2
	return 1
}

snmp_stop_snmpd() {
	kill "$SNMPD_PID" 2>/dev/null
	wait "$SNMPD_PID" 2>/dev/null
	rm -f "$SNMP_SOCKET"
}

# Each trap line gets the receiver's CLOCK_MONOTONIC time in front.
snmp_start_trapd() {
	: >"$SNMP_TMP/traps.log"
	snmptrapd -f -C -c "$SNMP_TMP/snmptrapd.conf" -Lo -M "$SNMP_MIBDIRS" -m SNMPv2-MIB:OOMWATCH-MIB \
		-F 'TRAP %v\n' 2>"$SNMP_TMP/snmptrapd.err" |
		python3 -u -c '
import sys, time
for line in sys.stdin:
    print("%.6f %s" % (time.clock_gettime(time.CLOCK_MONOTONIC), line), end="", flush=True)
' >>"$SNMP_TMP/traps.log" &
	SNMP_PIDS+=($!)
	local i
	for i in $(seq 100); do
		ss -Hlun "sport = :$SNMP_TRAP_PORT" 2>/dev/null | grep -q . && break
		sleep 0.05
	done
	SNMPTRAPD_PID=$(pgrep -n -f "snmptrapd -f -C -c $SNMP_TMP/snmptrapd.conf")
	[ -n "$SNMPTRAPD_PID" ] && SNMP_PIDS+=("$SNMPTRAPD_PID")
}

snmp_start_agent() {
	"$SNMP_AGENT_BIN" -f -x "$SNMP_SOCKET" "$@" >>"$SNMP_TMP/agent.log" 2>&1 &
	AGENT_PID=$!
	SNMP_PIDS+=("$AGENT_PID")
}

snmp_get() {
	snmpget -v2c -c public -t 2 -r 1 -M "$SNMP_MIBDIRS" -m OOMWATCH-MIB "127.0.0.1:$SNMP_PORT" "$@"
}

snmp_value() {
	snmpget -v2c -c public -t 2 -r 1 -M "$SNMP_MIBDIRS" -m OOMWATCH-MIB -Oqv "127.0.0.1:$SNMP_PORT" "$@"
}

snmp_walk() {
	snmpwalk -v2c -c public -t 2 -r 1 -M "$SNMP_MIBDIRS" -m OOMWATCH-MIB "127.0.0.1:$SNMP_PORT" "${1:-oomwatchMIB}"
}

snmp_wait_registered() {
	local secs=${1:-10} i
	for i in $(seq $((secs * 20))); do
		snmp_value oomwStatus.0 2>/dev/null | grep -qE '^(ok|warning|critical|unknown)$' && return 0
		sleep 0.05
	done
	return 1
}

# oomcg_create replaces the EXIT trap with its own; ours also removes the cgroup.
snmp_oomcg_create() {
	oomcg_create "$@" || return 1
	snmp_env_trap
}

# Lines of the trap log that are kill notifications for PID.
snmp_kill_traps() {
	grep -E "oomwKillNotification.*oomwKillPid\.[0-9]+ = Gauge32: $1([^0-9]|\$)" "$SNMP_TMP/traps.log"
}

# The kernel's timestamp (µs since boot) of the "Killed process PID" record,
# read non-blocking from /dev/kmsg (bounded by the ring buffer, never printed).
snmp_kmsg_kill_usec() {
	python3 - "$1" <<'PY'
import os, re, sys
pid = sys.argv[1]
fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
found = ""
while True:
    try:
        rec = os.read(fd, 8192).decode("utf-8", "replace")
    except BlockingIOError:
        break
    except BrokenPipeError:
        continue
    head, _, text = rec.partition(";")
    if re.search(r"Killed process %s \(" % pid, text):
        found = head.split(",")[2]
print(found)
PY
}
