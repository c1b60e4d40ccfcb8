#!/bin/bash
# SPDX-License-Identifier: MIT
# oomwatch-snmp installed with apt-get on this machine: the unit passes
# systemd-analyze verify; Debian's untouched /etc/snmp/snmpd.conf plus only the
# package's drop-in makes snmpd the AgentX master; the agent, started as its
# unit would (user oomwatch, CAP_SYSLOG alone, oom_score_adj -1000, its state
# directory), registers; snmpwalk with community public shows the subtree and,
# after a real OOM kill, the victim in the kill table. Purge removes the
# user and the state.
. "$(dirname "$0")/lib.sh"
. "$PKG_ROOT/tests/lib/oomcg.sh"
skip_if "$(pkg_unavailable)"
skip_if "$(oomcg_unavailable)"
for t in snmpd snmpwalk systemd-analyze setpriv prlimit; do
	command -v "$t" >/dev/null || skip_all "$t is not installed (make deps)"
done
[ -f /etc/snmp/snmpd.conf ] || skip_all "no Debian /etc/snmp/snmpd.conf"
changed=$(dpkg -V snmpd | grep ' /etc/snmp/snmpd.conf$')
[ -z "$changed" ] || diag "note: /etc/snmp/snmpd.conf differs from Debian's: $changed"

pkg_build || { not_ok "the packages build" "$(tail -n 20 "$PKG_DIR/build.log")"; done_testing; }
pkg_install oomwatch-snmp && ok "apt-get install ./oomwatch-snmp_*.deb" || { not_ok "install"; done_testing; }
U=/lib/systemd/system/oomwatch-agent.service
out=$(systemd-analyze verify "$U" 2>&1)
check "systemd-analyze verify $U" test -z "$out"
[ -n "$out" ] && diag "$out"
check "the system user oomwatch exists" test "$(getent passwd oomwatch | cut -d: -f7)" = /usr/sbin/nologin
check "the drop-in is in /etc/snmp/snmpd.conf.d" test -f /etc/snmp/snmpd.conf.d/oomwatch.conf
check "OOMWATCH-MIB is in Debian's MIB directory" test -f /usr/share/snmp/mibs/OOMWATCH-MIB.txt

pkg_tmpdir
agentx_existed=$([ -e /var/agentx ] && echo yes)
pkg_at_exit '[ -z "$agentx_existed" ] && rm -rf /var/agentx'
# snmpd as Debian's snmpd.service runs it. Its stock agentaddress is
# 127.0.0.1:161; only if that is taken is another port given. Its persistent
# state goes to the temp dir, not /var/lib/snmp.
port=$(pkg_port udp 161)
addr=()
[ "$port" = 161 ] || addr=("udp:127.0.0.1:$port")
mkdir "$PKG_TMP/persist" && chown Debian-snmp "$PKG_TMP/persist"
SNMP_PERSISTENT_DIR=$PKG_TMP/persist snmpd -LOw -u Debian-snmp -g Debian-snmp -I -smux,mteTrigger,mteTriggerConf -f \
	-p "$PKG_TMP/snmpd.pid" "${addr[@]}" >"$PKG_TMP/snmpd.log" 2>&1 &
snmpd_pid=$!
pkg_at_exit 'kill $snmpd_pid 2>/dev/null && wait $snmpd_pid 2>/dev/null'
for _ in $(seq 100); do [ -S /var/agentx/master ] && break; sleep 0.05; done
check "snmpd made the AgentX socket root:oomwatch 0660" test "$(stat -c '%U:%G %a' /var/agentx/master)" = "root:oomwatch 660"

# The agent as oomwatch-agent.service starts it: its ExecStart, User, Group,
# capabilities, OOMScoreAdjust, LimitMEMLOCK and StateDirectory, read from the unit.
unit() { sed -n "s/^$1=//p" "$U"; }
check "the unit runs the agent as oomwatch with CAP_SYSLOG only" \
	test "$(unit User) $(unit AmbientCapabilities) $(unit CapabilityBoundingSet)" = "oomwatch CAP_SYSLOG CAP_SYSLOG"
install -d -m 0755 /var/lib/oomwatch
install -d -o oomwatch -g oomwatch -m "$(unit StateDirectoryMode)" "/var/lib/$(unit StateDirectory)"
read -r -a exec_start <<<"$(unit ExecStart)"
check "the unit sets OOMScoreAdjust=-1000 and LimitMEMLOCK=infinity" \
	test "$(unit OOMScoreAdjust) $(unit LimitMEMLOCK)" = "-1000 infinity"
# Both need CAP_SYS_RESOURCE, which systemd has; a container's root may not.
sysres=$(((0x$(awk '/^CapEff/ { print $2 }' /proc/self/status) >> 24) & 1))
limits=(prlimit --memlock=unlimited:unlimited --)
[ "$sysres" = 1 ] || { limits=(); diag "no CAP_SYS_RESOURCE here: the agent starts without OOMScoreAdjust and LimitMEMLOCK"; }
(
	[ "$sysres" = 1 ] && echo "$(unit OOMScoreAdjust)" >/proc/self/oom_score_adj
	exec "${limits[@]}" setpriv --reuid="$(unit User)" --regid="$(unit Group)" \
		--init-groups --inh-caps=-all,+syslog --ambient-caps=-all,+syslog --bounding-set=-all,+syslog \
		--no-new-privs -- "${exec_start[@]}"
) >"$PKG_TMP/agent.log" 2>&1 &
agent_pid=$!
pkg_at_exit 'kill $agent_pid 2>/dev/null && wait $agent_pid 2>/dev/null'
walk() { snmpwalk -v2c -c public -M /usr/share/snmp/mibs:/usr/share/oomwatch/mibs -m OOMWATCH-MIB "127.0.0.1:$port" "$@" 2>&1; }
w=
for _ in $(seq 100); do
	w=$(walk oomwatchMIB)
	[[ $w == *oomwKillCount.0* ]] && break
	kill -0 "$agent_pid" 2>/dev/null || break
	sleep 0.1
done
[[ $w == *oomwKillCount.0* ]] && ok "snmpwalk -c public shows OOMWATCH-MIB through Debian's snmpd.conf (view systemonly)" ||
	{ not_ok "the subtree through snmpd" "$w" "$(cat "$PKG_TMP/snmpd.log" "$PKG_TMP/agent.log")"; done_testing; }
st=$(grep -E '^(Uid|CapEff|CapPrm)' /proc/$agent_pid/status | awk '{print $2}' | tr '\n' ' ')
check "the agent runs as oomwatch holding CAP_SYSLOG only (Uid, CapPrm, CapEff: $st)" \
	test "$st" = "$(id -u oomwatch) 0000000400000000 0000000400000000 "
[ "$sysres" = 1 ] && check "the agent's oom_score_adj is -1000" test "$(cat /proc/$agent_pid/oom_score_adj)" = -1000

pkg_lock
oomcg_create || { not_ok "memory cgroup"; done_testing; }
trap pkg_cleanup EXIT
victim=pkg-snmp-$$
oomcg_kill "$victim" || { not_ok "a real OOM kill"; done_testing; }
ok "one real OOM kill of '$victim' (pid $OOMCG_PID)"
row=
for _ in $(seq 100); do
	row=$(walk oomwKillName | grep -F "STRING: $victim")
	[ -n "$row" ] && break
	sleep 0.1
done
if [ -n "$row" ]; then
	ok "the kill table names the victim: $row"
	idx=${row%% =*}
	idx=${idx##*.}
	diag "first alert: $(walk oomwKillTable | grep -E "\.$idx = " | sed 's/^OOMWATCH-MIB:://' | tr '\n' ';')"
else
	not_ok "the victim in oomwKillTable" "$(walk oomwKillTable)"
fi
check "the agent keeps its state in /var/lib/oomwatch/agent" test -n "$(find /var/lib/oomwatch/agent -user oomwatch -name '*.state')"
oomcg_remove
kill "$agent_pid" && wait "$agent_pid" 2>/dev/null
kill "$snmpd_pid" && wait "$snmpd_pid" 2>/dev/null

pkg_purge oomwatch-snmp
check "purge removes the user oomwatch" test -z "$(getent passwd oomwatch)" -a -z "$(getent group oomwatch)"
check "purge removes /var/lib/oomwatch" test ! -e /var/lib/oomwatch
check "purge removes the drop-in and the unit" test ! -e /etc/snmp/snmpd.conf.d/oomwatch.conf -a ! -e "$U"
done_testing
