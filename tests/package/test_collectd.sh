#!/bin/bash
# SPDX-License-Identifier: MIT
# oomwatch-collectd installed with apt-get on this machine: a real collectd
# with Debian's /etc/collectd/collectd.conf (package collectd) and the
# package's drop-in in collectd.conf.d loads oomwatch.so, notifies a real OOM
# kill naming the victim, and writes oom_kill with the stock rrdtool plugin.
# The test's only addition is a logfile plugin it reads (Debian's config logs
# to syslog). Purge removes the plugin's state.
. "$(dirname "$0")/lib.sh"
. "$PKG_ROOT/tests/lib/oomcg.sh"
skip_if "$(pkg_unavailable)"
skip_if "$(oomcg_unavailable)"
[ -x /usr/sbin/collectd ] || skip_all "collectd is not installed (collectd-core; make deps)"
[ -f /etc/collectd/collectd.conf ] || skip_all "no Debian /etc/collectd/collectd.conf (package collectd; make deps)"

pkg_build || { not_ok "the packages build" "$(tail -n 20 "$PKG_DIR/build.log")"; done_testing; }
pkg_install oomwatch-collectd && ok "apt-get install ./oomwatch-collectd_*.deb" || { not_ok "install"; done_testing; }
check "the plugin is in collectd's PluginDir" test -f /usr/lib/collectd/oomwatch.so
check "the drop-in is in /etc/collectd/collectd.conf.d" grep -q '^LoadPlugin oomwatch' /etc/collectd/collectd.conf.d/oomwatch.conf
check "Debian's collectd.conf includes collectd.conf.d" grep -q '^<Include "/etc/collectd/collectd.conf.d">' /etc/collectd/collectd.conf
check "the types.db is installed" test -f /usr/share/oomwatch/oomwatch.types.db

# What the run leaves in collectd's BaseDir and DataDir goes with the test.
rrd_existed=$([ -d /var/lib/collectd/rrd ] && echo yes)
pkg_at_exit '[ -z "$rrd_existed" ] && rm -rf /var/lib/collectd/rrd'
pkg_tmpdir
L=$PKG_TMP/collectd.log
cat >"$PKG_TMP/collectd.conf" <<CONF
Include "/etc/collectd/collectd.conf"
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$L"
  PrintSeverity true
</Plugin>
CONF
# As Debian's collectd.service: root, in the foreground.
/usr/sbin/collectd -f -C "$PKG_TMP/collectd.conf" -P "$PKG_TMP/collectd.pid" >"$PKG_TMP/stdout" 2>&1 &
cd_pid=$!
pkg_at_exit 'kill $cd_pid 2>/dev/null && wait $cd_pid 2>/dev/null'
wait_log() { # PATTERN SECONDS
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		grep -Eq "$1" "$L" 2>/dev/null && return 0
		kill -0 "$cd_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
v=$(sed -n 's/^#define OOMWATCH_VERSION "\(.*\)"$/\1/p' "$PKG_ROOT/common/version.h")
wait_log "oomwatch: watching proc /proc, .*; version $v\$" 20 && ok "collectd loaded oomwatch $v (its log line at init)" ||
	{ not_ok "collectd loads oomwatch" "$(cat "$L" "$PKG_TMP/stdout" 2>/dev/null | tail -n 20)"; done_testing; }

pkg_lock
oomcg_create || { not_ok "memory cgroup"; done_testing; }
trap pkg_cleanup EXIT
victim=pkg-cd-$$
t0=$(date +%s)
oomcg_kill "$victim" || { not_ok "a real OOM kill"; done_testing; }
ok "one real OOM kill of '$victim' (pid $OOMCG_PID)"
if wait_log "Notification: severity = FAILURE.*OOM killer killed $victim \(pid $OOMCG_PID," 10; then
	ok "collectd notified the kill, naming the victim"
	diag "first alert: $(grep -m1 "killed $victim (pid" "$L")"
else
	not_ok "notification of the kill" "$(tail -n 20 "$L")"
fi
oomcg_remove
# Debian's Interval is 10 s: the next read writes oom_kill to the rrd file.
rrd=
for _ in $(seq 150); do
	rrd=$(find /var/lib/collectd/rrd -path '*/oomwatch/derive-oom_kill.rrd' -newermt "@$t0" 2>/dev/null | head -n 1)
	[ -n "$rrd" ] && break
	sleep 0.1
done
[ -n "$rrd" ] && ok "rrdtool wrote oom_kill after the kill: $rrd" || not_ok "oom_kill written by rrdtool" "$(tail -n 20 "$L")"
errors=$(grep -E '\[error\].*oomwatch' "$L")
check "no oomwatch error in collectd's log" test -z "$errors"
kill "$cd_pid" && wait "$cd_pid" 2>/dev/null

pkg_purge oomwatch-collectd
check "purge removes the plugin, the drop-in and its state" \
	test ! -e /usr/lib/collectd/oomwatch.so -a ! -e /etc/collectd/collectd.conf.d/oomwatch.conf \
	-a ! -e /var/lib/collectd/oomwatch.state
done_testing
