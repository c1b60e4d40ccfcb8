#!/bin/bash
# SPDX-License-Identifier: MIT
# plugins/collectd/demo.sh PLUGIN TYPES_DB — runs a real collectd in the
# foreground for a few seconds with oomwatch.so, logging to the terminal, and
# shows every value it dispatched, as the csv plugin wrote it.
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
for p in logfile csv; do cp "/usr/lib/collectd/$p.so" "$dir/plugins/"; done
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
LoadPlugin csv
<Plugin csv>
  DataDir "$dir/csv"
  StoreRates false
</Plugin>
LoadPlugin oomwatch
<Plugin oomwatch>
  KmsgPath "$kmsg"
  Cgroup "/"
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
if ! kill -TERM "$pid" 2>/dev/null; then
	echo "demo-collectd: collectd exited early (see above)"
	exit 1
fi
wait "$pid" || true
echo
echo "== What oomwatch dispatched: one CSV file per value (host/plugin-instance/type-instance-date)"
(cd "$dir/csv" && for f in */*/*; do
	printf '%-62s %-28s %s\n' "$f" "$(head -n 1 "$f")" "$(tail -n 1 "$f")"
done)
