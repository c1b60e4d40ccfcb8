#!/bin/bash
# SPDX-License-Identifier: MIT
# oomwatch-nagios installed with apt-get on this machine: check_oom holds
# exactly CAP_SYSLOG; Debian's own nrpe.cfg plus the package's nrpe.d file,
# asked by check_nrpe from 127.0.0.1, is CRITICAL naming the victim of a real
# OOM kill as the nagios user; a kill made before an NRPE restart under
# PrivateTmp (a fresh /tmp and /var/tmp per start, as systemd gives Debian's
# nagios-nrpe-server) still alerts, as new, after it. Icinga 2's stock
# includes find the CheckCommand. Purge removes the state.
. "$(dirname "$0")/lib.sh"
. "$PKG_ROOT/tests/lib/oomcg.sh"
skip_if "$(pkg_unavailable)"
skip_if "$(oomcg_unavailable)"
CHECK_NRPE=/usr/lib/nagios/plugins/check_nrpe
command -v nrpe >/dev/null || skip_all "nrpe is not installed (nagios-nrpe-server; make deps)"
[ -x "$CHECK_NRPE" ] || skip_all "check_nrpe is not installed (nagios-nrpe-plugin; make deps)"
[ -f /etc/nagios/nrpe.cfg ] || skip_all "no Debian /etc/nagios/nrpe.cfg"
command -v unshare >/dev/null || skip_all "unshare is missing (util-linux)"

pkg_build || { not_ok "the packages build" "$(tail -n 20 "$PKG_DIR/build.log")"; done_testing; }
pkg_install oomwatch-nagios && ok "apt-get install ./oomwatch-nagios_*.deb" || { not_ok "install"; done_testing; }

P=/usr/lib/nagios/plugins/check_oom
caps=$(getcap "$P")
check "check_oom holds exactly CAP_SYSLOG (getcap: ${caps#* })" test "${caps#* }" = "cap_syslog=ep"
check "the NRPE command is in /etc/nagios/nrpe.d" grep -q "^command\[check_oom\]=$P " /etc/nagios/nrpe.d/oomwatch.cfg
uid=$(id -u nagios)
S=/var/lib/oomwatch/check_oom
check "$S is root's, 0755" test "$(stat -c '%U %a' "$S")" = "root 755"
check "$S/$uid is the nagios user's, 0700" test "$(stat -c '%U %a' "$S/$uid")" = "nagios 700"

# NRPE as Debian's unit runs it: User=nagios, PrivateTmp=true. Debian's
# nrpe.cfg listens on every address: only the address (and, if 5666 is taken,
# the port) is overridden, and the pid file, kept out of /run/nagios.
pkg_tmpdir
mkdir "$PKG_TMP/nrpe" && chown nagios "$PKG_TMP/nrpe"
port=$(pkg_port tcp 5666)
cat >"$PKG_TMP/nrpe.cfg" <<CFG
include=/etc/nagios/nrpe.cfg
server_address=127.0.0.1
server_port=$port
pid_file=$PKG_TMP/nrpe/nrpe.pid
CFG
nrpe_pid=
start_nrpe() {
	unshare -m --propagation private sh -c '
		mount -t tmpfs -o mode=1777 tmpfs /tmp && mount -t tmpfs -o mode=1777 tmpfs /var/tmp &&
		exec setpriv --reuid=nagios --regid=nagios --init-groups -- nrpe -c "$1" -f' sh "$PKG_TMP/nrpe.cfg" \
		>"$PKG_TMP/nrpe.log" 2>&1 &
	nrpe_pid=$!
	local i
	for i in $(seq 50); do
		"$CHECK_NRPE" -H 127.0.0.1 -p "$port" >/dev/null 2>&1 && return 0
		kill -0 "$nrpe_pid" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}
stop_nrpe() {
	[ -n "$nrpe_pid" ] && kill "$nrpe_pid" 2>/dev/null && wait "$nrpe_pid" 2>/dev/null
	nrpe_pid=
}
pkg_at_exit stop_nrpe
nrpe_check() {
	OUT=$("$CHECK_NRPE" -H 127.0.0.1 -p "$port" -c check_oom)
	RC=$?
}

# Nobody else's kill between the checks: the live-test lock from here on.
pkg_lock
oomcg_create || { not_ok "memory cgroup"; done_testing; }
trap pkg_cleanup EXIT
victim=pkg-nrpe-$$

start_nrpe && ok "nrpe (Debian's nrpe.cfg + nrpe.d/oomwatch.cfg) answers on 127.0.0.1:$port" ||
	{ not_ok "nrpe starts" "$(cat "$PKG_TMP/nrpe.log")"; done_testing; }
check "nrpe runs as nagios with its own tmpfs /var/tmp" \
	test "$(stat -c %U /proc/$nrpe_pid)" = nagios -a -n "$(grep ' /var/tmp tmpfs ' /proc/$nrpe_pid/mounts)"
nrpe_check
[[ $RC =~ ^[012]$ ]] && ok "the first check through NRPE: exit $RC" || not_ok "first NRPE check" "exit $RC" "$OUT"
state=$(find "$S/$uid" -name '*.state' -user nagios)
check "the state is in $S/$uid, owned by nagios" test -n "$state"

oomcg_kill "$victim" || { not_ok "a real OOM kill"; done_testing; }
ok "one real OOM kill of '$victim' (pid $OOMCG_PID) in $OOMCG_PATH"
stop_nrpe
start_nrpe && ok "nrpe restarted, with a fresh /tmp and /var/tmp" || not_ok "nrpe restarts" "$(cat "$PKG_TMP/nrpe.log")"
nrpe_check
first=${OUT%%$'\n'*}
diag "first alert: $first"
[ "$RC" = 2 ] && [[ $first =~ ^OOM\ CRITICAL\ -\ .*$victim\ \(pid\ $OOMCG_PID, ]] &&
	ok "after the restart: CRITICAL naming the victim, as the nagios user" ||
	not_ok "CRITICAL naming $victim after the restart" "exit $RC" "$OUT"
[[ $OUT == *"new since the last check: 1"$'\n'* ]] &&
	ok "the state survived the restart: the kill is new since the check before it" ||
	not_ok "state across the NRPE restart" "$OUT"

# The order of the privilege drop, traced (as root, who holds every
# capability): the kernel log is opened, then every capability dropped, and
# only then is the state touched.
if command -v strace >/dev/null; then
	tr=$(cd / && strace -e trace=openat,capset "$P" --state "$PKG_TMP/strace.state" 2>&1 >/dev/null |
		grep -E '"/dev/kmsg"|^capset|strace\.state' | sed -E 's/^(openat\(AT_FDCWD, "[^"]*").*/\1/; s/^(capset).*(\{effective=.*\}).*/\1 \2/')
	want=$'openat(AT_FDCWD, "/dev/kmsg"\ncapset {effective=0, permitted=0, inheritable=0}'
	[[ $tr == "$want"$'\n'*strace.state* ]] && ok "check_oom opens /dev/kmsg, drops every capability, then touches its state" ||
		not_ok "privilege drop order" "$tr"
fi

# The same check without the capability: counted, and the output names the fix.
setcap -r "$P"
out=$(cd / && setpriv --reuid=nagios --regid=nagios --init-groups -- "$P")
[[ $out == *"victim details need CAP_SYSLOG"*"setcap cap_syslog=ep"* ]] &&
	ok "without CAP_SYSLOG the output says what is missing and the fix" || not_ok "no-capability message" "$out"
setcap cap_syslog=ep "$P"
# A state directory others can write is refused.
chmod 0777 "$S/$uid"
out=$(cd / && setpriv --reuid=nagios --regid=nagios --init-groups -- "$P")
rc=$?
[ $rc = 3 ] && [[ $out == *"writable by others"* ]] && ok "a state directory writable by others is refused" ||
	not_ok "unsafe state directory" "exit $rc" "$out"
chmod 0700 "$S/$uid"
stop_nrpe
oomcg_remove

# Icinga 2: the stock includes (<plugins-contrib>) find the CheckCommand.
if command -v icinga2 >/dev/null && [ -f /etc/icinga2/constants.conf ]; then
	I=$PKG_TMP/icinga2
	mkdir -p "$I/cache" "$I/log" "$I/data" "$I/spool" "$I/run"
	icfg() {
		printf '%s\n' 'include "/etc/icinga2/constants.conf"' 'include <itl>' 'include <plugins>' "$1" \
			'object Host "h" { check_command = "dummy" }' \
			'object Service "oom" { host_name = "h"; check_command = "check_oom" }' >"$I/icinga2.conf"
		icinga2 daemon -C -c "$I/icinga2.conf" -DDataDir="$I/data" -DLogDir="$I/log" -DCacheDir="$I/cache" \
			-DSpoolDir="$I/spool" -DInitRunDir="$I/run" -DRunAsUser=root -DRunAsGroup=root >"$I/out" 2>&1
	}
	icfg 'include <plugins-contrib>' && ok "Icinga 2 with include <plugins-contrib> knows CheckCommand check_oom" ||
		not_ok "Icinga 2 finds check_oom" "$(grep -i critical "$I/out" | head -n 5)"
	icfg '' && not_ok "without plugins-contrib the validation should fail" || ok "(without it, Icinga 2 refuses the service)"
fi

pkg_purge oomwatch-nagios
check "purge removes $S" test ! -e "$S"
check "purge removes the nrpe.d file" test ! -e /etc/nagios/nrpe.d/oomwatch.cfg
done_testing
