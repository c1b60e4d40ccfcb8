#!/bin/bash
# plugins/collectd/demo.sh PLUGIN TYPES_DB — runs a real collectd in the
# foreground for a few seconds with oomwatch.so, logging to the terminal, and
# shows every value it dispatched (write_log) and the CSV files it produced.
set -eu
plugin=$(realpath "$1")
types_db=$(realpath "$2")
seconds=${DEMO_SECONDS:-4}
collectd=/usr/sbin/collectd
[ -x "$collectd" ] || { echo "demo-collectd: $collectd missing (apt-get install collectd-core)"; exit 1; }

dir=$(mktemp -d /tmp/oomwatch-collectd-demo.XXXXXX)
trap 'rm -rf "$dir"' EXIT
# collectd loads plugins from one directory, ours beside the stock ones we use,
# and refuses symbolic links: copies.
mkdir "$dir/plugins"
for p in logfile csv write_log; do cp "/usr/lib/collectd/$p.so" "$dir/plugins/"; done
cp "$plugin" "$dir/plugins/oomwatch.so"
# Reading /dev/kmsg needs root (kernel.dmesg_restrict); otherwise kills are counted only.
kmsg=/dev/kmsg
[ -r "$kmsg" ] || kmsg=none
cat >"$dir/collectd.conf" <<CONF
BaseDir "$dir"
PIDFile "$dir/collectd.pid"
PluginDir "$dir/plugins"
TypesDB "/usr/share/collectd/types.db" "$types_db"
Interval 1
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File STDOUT
  PrintSeverity true
</Plugin>
LoadPlugin write_log
LoadPlugin csv
<Plugin csv>
  DataDir "$dir/csv"
  StoreRates false
</Plugin>
LoadPlugin oomwatch
<Plugin oomwatch>
  KmsgPath "$kmsg"
  Cgroup "/system.slice"
  Candidates 3
  MemAvailableWarning "10%"
  MemAvailableCritical "5%"
  StateFile "$dir/oomwatch.state"
</Plugin>
CONF
echo "== $collectd -f -C $dir/collectd.conf  (for $seconds s)"
"$collectd" -f -C "$dir/collectd.conf" &
pid=$!
sleep "$seconds"
kill -TERM "$pid"
wait "$pid" || true
echo
echo "== CSV files written by the csv plugin (last line of each)"
(cd "$dir/csv" && for f in */*/*; do printf '%-70s %s\n' "$f" "$(tail -n 1 "$f")"; done)
