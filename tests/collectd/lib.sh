# SPDX-License-Identifier: MIT
# tests/collectd/lib.sh — sourced by tests/collectd/test_*.sh: a real collectd
# (collectd-core) in a throwaway directory, with logfile, csv and oomwatch.so.
#
#   cd_setup                     temp dir $CD_DIR, plugin dir, hostname $CD_HOST
#   cd_conf [oomwatch lines...]  writes $CD_CONF; each argument is one line
#                                inside <Plugin oomwatch>
#   cd_start                     runs collectd -f in the background ($CD_PID)
#   cd_stop                      SIGTERM, waits; returns collectd's exit status
#   cd_wait_log REGEX [SECONDS]  waits for a line in $CD_LOG
#   cd_wait_file GLOB [SECONDS]  waits for a CSV file below $CD_DIR/csv/$CD_HOST
#   cd_csv_last FILE [COLUMN]    the last value (column 2 by default) of a CSV file
#   cd_exec_notifications USER   after cd_conf: collectd's exec plugin also hands
#                                every notification with its metadata to a
#                                script run as USER, appending to
#                                $CD_DIR/exec/notifications
#   cd_notification_meta PID     the metadata block of the notification naming PID
#   cd_unavailable               prints why collectd tests cannot run here, or nothing
#   cd_cgroup_instance PATH      the plugin instance of a cgroup path (README, Series),
#                                written here independently of the plugin's C

CD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CD_COLLECTD=${CD_COLLECTD:-/usr/sbin/collectd}
CD_PLUGIN=${OOMWATCH_COLLECTD_PLUGIN:-$CD_ROOT/build/plugins/collectd/oomwatch.so}
CD_TYPES_DB=$CD_ROOT/plugins/collectd/oomwatch.types.db
CD_HOST=oomwatch-test
CD_DIR=
CD_PID=

# exec refuses to run programs as root; logfile prints the message only.
cd_exec_notifications() {
	cp /usr/lib/collectd/exec.so "$CD_DIR/plugins/"
	chmod 755 "$CD_DIR"
	mkdir -m 1777 "$CD_DIR/exec"
	printf '#!/bin/sh\n{ cat; echo ----; } >>"%s"\n' "$CD_DIR/exec/notifications" >"$CD_DIR/exec/notify.sh"
	chmod 755 "$CD_DIR/exec/notify.sh"
	cat >>"$CD_CONF" <<CONF
LoadPlugin exec
<Plugin exec>
  NotificationExec "$1" "$CD_DIR/exec/notify.sh"
</Plugin>
CONF
}

cd_notification_meta() {
	awk -v p="pid: $1" '$0 == "----" { if (hit) { print blk; exit } blk = ""; hit = 0; next }
		{ blk = blk $0 "\n"; if ($0 == p) hit = 1 }' "$CD_DIR/exec/notifications" 2>/dev/null
}

cd_unavailable() {
	[ -x "$CD_COLLECTD" ] || { echo "missing $CD_COLLECTD (apt-get install collectd-core)"; return; }
	[ -f "$CD_PLUGIN" ] || echo "missing $CD_PLUGIN (run make)"
}

cd_cleanup() {
	[ -z "${CD_OWNER:-}" ] || [ "$BASHPID" = "$CD_OWNER" ] || return 0
	[ -n "$CD_PID" ] && cd_stop >/dev/null 2>&1
	[ -n "$CD_DIR" ] && rm -rf "$CD_DIR"
	CD_DIR=
}

cd_setup() {
	CD_DIR=$(mktemp -d /tmp/oomwatch-collectd-test.XXXXXX)
	CD_CONF=$CD_DIR/collectd.conf
	CD_LOG=$CD_DIR/collectd.log
	CD_CSV=$CD_DIR/csv/$CD_HOST
	CD_STATE=$CD_DIR/oomwatch.state
	# collectd loads plugins from one directory, ours beside the stock ones,
	# and refuses symbolic links: copies.
	mkdir "$CD_DIR/plugins"
	cp /usr/lib/collectd/logfile.so /usr/lib/collectd/csv.so "$CD_DIR/plugins/"
	cp "$CD_PLUGIN" "$CD_DIR/plugins/oomwatch.so"
	# For this process only, as snmp_env_trap (tests/snmp/snmp_env.sh): a
	# forked copy of the script must not stop collectd under it.
	CD_OWNER=$BASHPID
	trap cd_cleanup EXIT
}

cd_conf() {
	{
		cat <<CONF
Hostname "$CD_HOST"
FQDNLookup false
BaseDir "$CD_DIR"
PIDFile "$CD_DIR/collectd.pid"
PluginDir "$CD_DIR/plugins"
TypesDB "/usr/share/collectd/types.db" "$CD_TYPES_DB"
Interval 1
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$CD_LOG"
  Timestamp true
  PrintSeverity true
</Plugin>
LoadPlugin csv
<Plugin csv>
  DataDir "$CD_DIR/csv"
  StoreRates false
</Plugin>
LoadPlugin oomwatch
<Plugin oomwatch>
CONF
		local l
		for l in "$@"; do echo "  $l"; done
		echo "</Plugin>"
	} >"$CD_CONF"
}

cd_start() {
	"$CD_COLLECTD" -f -C "$CD_CONF" >>"$CD_DIR/collectd.out" 2>&1 &
	CD_PID=$!
}

cd_stop() {
	local pid=$CD_PID st
	[ -n "$pid" ] || return 0
	CD_PID=
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	st=$?
	return "$st"
}

cd_running() { [ -n "$CD_PID" ] && kill -0 "$CD_PID" 2>/dev/null; }

cd_wait_log() {
	local re=$1 limit=$(( ${2:-10} * 10 )) i
	for ((i = 0; i < limit; i++)); do
		grep -Eq -- "$re" "$CD_LOG" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

cd_wait_file() {
	local glob=$1 limit=$(( ${2:-10} * 10 )) i f
	for ((i = 0; i < limit; i++)); do
		for f in $CD_CSV/$glob; do
			# a file with a header and at least one value
			[ -f "$f" ] && [ "$(wc -l <"$f")" -ge 2 ] && return 0
		done
		sleep 0.1
	done
	return 1
}

cd_csv_last() {
	local f
	for f in $CD_CSV/$1; do
		[ -f "$f" ] || return 1
		tail -n 1 "$f" 2>/dev/null | cut -d, -f"${2:-2}"
		return 0
	done
	return 1
}

cd_cgroup_instance() {
	local LC_ALL=C s=${1#/} out= c i
	[ "$1" = / ] && { echo _; return; }
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9.-]) out+=$c ;;
		/) out+=_ ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	echo "$out"
}
