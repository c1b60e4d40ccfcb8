#!/bin/bash
# SPDX-License-Identifier: MIT
# graph.sh — draws one cgroup's memory and its OOM kills from the RRD files
# collectd's rrdtool plugin wrote for oomwatch.so (README, "Graphs").
#
#   graph.sh HOST_DIR CGROUP_INSTANCE OUT.png [START [END]]
#
# HOST_DIR is <rrdtool DataDir>/<host>; CGROUP_INSTANCE the cgroup's plugin
# instance (README, "Series stay put"), e.g. system.slice_mysql.service;
# START/END as rrdtool takes them (default: the last hour, until now).
# Drawn: the cgroup's usage (area), its limit (line), and a red tick over
# every interval in which the cgroup's oom_kill counter rose.
set -eu
[ $# -ge 3 ] || { echo "usage: $0 HOST_DIR CGROUP_INSTANCE OUT.png [START [END]]" >&2; exit 2; }
dir=$1 inst=$2 out=$3 start=${4:--1h} end=${5:-now}
cg=$dir/oomwatch-$inst
for f in "$cg/memory-usage.rrd" "$cg/derive-oom_kill.rrd"; do
	[ -r "$f" ] || { echo "$0: no $f (is Cgroup set for it, and rrdtool loaded?)" >&2; exit 1; }
done
# rrdtool reads ':' as a separator: escape it in file names.
esc() { printf '%s' "$1" | sed 's/:/\\:/g'; }
args=(
	--start "$start" --end "$end" --width 800 --height 240 --imgformat PNG
	--title "cgroup $inst: memory and OOM kills"
	--vertical-label MiB --lower-limit 0 --base 1024
	"DEF:usage=$(esc "$cg/memory-usage.rrd"):value:MAX"
	"DEF:kills=$(esc "$cg/derive-oom_kill.rrd"):value:MAX"
	"CDEF:usage_mib=usage,1048576,/"
	# oom_kill is a DERIVE: its rate is kills per second; >0 in an interval = a kill.
	"CDEF:killed=kills,UN,0,kills,0,GT,IF"
	"AREA:usage_mib#4e79a7a0:usage"
)
if [ -r "$cg/memory-limit.rrd" ]; then
	args+=("DEF:limit=$(esc "$cg/memory-limit.rrd"):value:MAX" "CDEF:limit_mib=limit,1048576,/"
		"LINE2:limit_mib#e15759:limit")
fi
args+=("TICK:killed#d62728ff:1.0:OOM kill"
	"GPRINT:usage_mib:MAX:peak usage %.1lf MiB")
rrdtool graph "$out" "${args[@]}" >/dev/null
