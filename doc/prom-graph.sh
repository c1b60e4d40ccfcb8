#!/bin/bash
# SPDX-License-Identifier: MIT
# doc/prom-graph.sh — draws what Prometheus would have scraped from
# oomwatch-exporter for one cgroup: SCRAPES holds one line a second,
# "EPOCH USAGE_BYTES LIMIT_BYTES OOM_KILLS_TOTAL" (doc/make-graph.sh reads them
# from the exporter's textfile); drawn like contrib/collectd/graph.sh: usage
# (area), limit (line), a red tick where oomwatch_cgroup_oom_kills_total rose.
#
#   prom-graph.sh SCRAPES CGROUP OUT.png
set -eu
[ $# -eq 3 ] || { echo "usage: $0 SCRAPES CGROUP OUT.png" >&2; exit 2; }
scrapes=$1 cg=$2 out=$3
first=$(head -n 1 "$scrapes" | cut -d' ' -f1)
last=$(tail -n 1 "$scrapes" | cut -d' ' -f1)
rrd=$(mktemp --suffix=.rrd)
trap 'rm -f "$rrd"' EXIT
rrdtool create "$rrd" --start $((first - 1)) --step 1 \
	DS:usage:GAUGE:5:0:U DS:limit:GAUGE:5:0:U DS:kills:GAUGE:5:0:U RRA:LAST:0:1:3600
awk '{ printf "%s:%s:%s:%s\n", $1, $2, ($3 == "" ? "U" : $3), $4 }' "$scrapes" | xargs rrdtool update "$rrd"
rrdtool graph "$out" --start "$first" --end "$last" --width 800 --height 240 --imgformat PNG \
	--title "oomwatch-exporter, cgroup ${cg##*/}: memory and OOM kills" \
	--vertical-label MiB --lower-limit 0 --base 1024 \
	"DEF:usage=$rrd:usage:LAST" "DEF:limit=$rrd:limit:LAST" "DEF:kills=$rrd:kills:LAST" \
	"CDEF:usage_mib=usage,1048576,/" "CDEF:limit_mib=limit,1048576,/" \
	"CDEF:killed=kills,PREV(kills),-,0,GT" \
	"AREA:usage_mib#59a14fa0:oomwatch_cgroup_memory_usage_bytes" \
	"LINE2:limit_mib#e15759:oomwatch_cgroup_memory_limit_bytes" \
	"TICK:killed#d62728ff:1.0:oom_kills_total rose" >/dev/null
