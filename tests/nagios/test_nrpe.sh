#!/bin/bash
# SPDX-License-Identifier: MIT
# check_oom through a real NRPE daemon on 127.0.0.1 (a temp config, pid file
# and free port), asked by the real check_nrpe: the same verdict, the victim
# escaped, valid perfdata, and within NRPE v2's 1 KiB. NRPE runs the command
# as the nagios user, so the run on this machine is the unprivileged case.
. "$(dirname "$0")/lib.sh"

CHECK_NRPE=/usr/lib/nagios/plugins/check_nrpe
command -v nrpe >/dev/null || skip_all "nrpe is not installed (nagios-nrpe-server; make deps)"
[ -x "$CHECK_NRPE" ] || skip_all "check_nrpe is not installed (nagios-nrpe-plugin; make deps)"
[ "$(id -u)" = 0 ] || skip_all "the NRPE test starts nrpe as root so that it drops to the nagios user"
id nagios >/dev/null 2>&1 || skip_all "no nagios user (nagios-nrpe-server creates it)"

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

M=$TMP/m
FX_OOM_KILL=1 fx_machine "$M"
fx_kmsg_kill "$M/kmsg" 4242 'db|x\x0ay' 60 /db.slice
chmod -R a+rX "$TMP"
mkdir "$TMP/nagios" && chown nagios "$TMP/nagios"

N=$TMP/nrpe
mkdir "$N" && chown nagios "$N"
nrpe_pid=
stop_nrpe() {
	[ -n "$nrpe_pid" ] && kill "$nrpe_pid" 2>/dev/null && wait "$nrpe_pid" 2>/dev/null
	nrpe_pid=
}
trap 'stop_nrpe; cleanup_tmp' EXIT

started=
for _ in 1 2 3 4 5; do
	port=$(free_port)
	cat >"$N/nrpe.cfg" <<-CFG
	pid_file=$N/nrpe.pid
	server_port=$port
	server_address=127.0.0.1
	nrpe_user=nagios
	nrpe_group=nagios
	allowed_hosts=127.0.0.1
	dont_blame_nrpe=0
	command_timeout=30
	connection_timeout=60
	command[check_oom_fixture]=$CHECK_OOM --proc $M/proc --sys $M/sys --kmsg $M/kmsg --state $TMP/nagios/fixture.state
	command[check_oom]=$CHECK_OOM --state $TMP/nagios/machine.state
	command[check_oom_bad]=$CHECK_OOM --window -1h
	command[check_oom_default_state]=$CHECK_OOM --proc $M/proc --sys $M/sys --kmsg none -vv
	CFG
	nrpe -c "$N/nrpe.cfg" -f >"$N/nrpe.log" 2>&1 &
	nrpe_pid=$!
	for _ in $(seq 1 50); do
		"$CHECK_NRPE" -H 127.0.0.1 -p "$port" >/dev/null 2>&1 && { started=1; break; }
		kill -0 "$nrpe_pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$started" ] && break
	stop_nrpe # the port was taken meanwhile: another one
done
[ -n "$started" ] && ok "nrpe listens on 127.0.0.1:$port" || { not_ok "nrpe started" "$(cat "$N/nrpe.log")"; done_testing; }

nrpe_check() {
	OUT=$("$CHECK_NRPE" -H 127.0.0.1 -p "$port" "$@")
	RC=$?
	perf_valid
}

nrpe_check -c check_oom_fixture
check_output "NRPE fixture"
check_state "through NRPE: CRITICAL naming the victim, escaped" 2 \
	'^OOM CRITICAL - 1 OOM kill in last 24h: db\\x7cx\\x0ay \(pid 4242, 66\.6 MiB, /db\.slice\)'
nrpe_check -c check_oom_fixture
check_state "through NRPE: the next run still counts one kill" 2 '^OOM CRITICAL - 1 OOM kill in last 24h'

# As the nagios user, on this machine.
nrpe_check -c check_oom
check_output "NRPE on this machine"
[[ $RC =~ ^[012]$ ]] && ok "through NRPE on this machine: exit $RC, not UNKNOWN" || not_ok "NRPE on this machine" "exit $RC" "$OUT"
if [ "$(cat /proc/sys/kernel/dmesg_restrict)" = 1 ]; then
	[[ $OUT == *"victim details need CAP_SYSLOG"* ]] && ok "as nagios under dmesg_restrict: the note on CAP_SYSLOG" ||
		not_ok "CAP_SYSLOG note through NRPE" "$OUT"
fi
nrpe_check -2 -c check_oom
[ "$RC" -le 2 ] && [ "${OUT%%$'\n'*}" != "" ] && [ ${#OUT} -le 1023 ] &&
	ok "NRPE v2 packets (1 KiB) carry the whole output (${#OUT} bytes)" || not_ok "NRPE v2" "exit $RC" "$OUT"

# No --state and no MP_STATE_PATH: the default works for the nagios user as is.
nrpe_check -c check_oom_default_state
state=$(sed -n 's/^sources: .*; state \(.*\)$/\1/p' <<<"$OUT")
uid=$(id -u nagios)
# /var/lib/oomwatch/check_oom/UID when the package made it (tests/package/), else /var/tmp.
if [[ $RC =~ ^[012]$ ]] && [[ $state =~ ^(/var/lib/oomwatch/check_oom/$uid|/var/tmp/check_oom-$uid)/[0-9a-f]{16}\.state$ ]] &&
	[ "$(stat -c %U "$state")" = nagios ]; then
	ok "as nagios with no setup, the state goes to $state"
else
	not_ok "default state file for nagios" "exit $RC, state '$state'" "$OUT"
fi
# Ours alone (keyed by this test's fake /proc): remove it.
[[ $state =~ ^(/var/lib/oomwatch/check_oom/$uid|/var/tmp/check_oom-$uid)/ ]] && rm -f "$state" "$state.lock"

nrpe_check -c check_oom_bad
check_state "through NRPE: a bad argument is UNKNOWN with its reason" 3 "^OOM UNKNOWN - --window: bad duration '-1h'"

done_testing
