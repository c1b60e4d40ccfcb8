#!/bin/bash
# SPDX-License-Identifier: MIT
# doc/make-graph.sh — makes doc/collectd-oom-kill.png and
# doc/prometheus-oom-kill.png from one real run: a real collectd with
# oomwatch.so and the rrdtool plugin, and oomwatch-exporter writing its
# textfile, watch a throwaway 64 MiB memory cgroup (tests/lib/oomcg.sh) in
# which a shell grows by 1 MiB a second; after 40 s a real OOM kill strikes
# inside it; 20 s later the graphs are drawn: collectd's by
# contrib/collectd/graph.sh, the exporter's from its textfile read every
# second (what a scrape would see) by doc/prom-graph.sh. Root, `make && make
# test-programs` first.
cd "$(dirname "$0")/.." || exit 1
source tests/lib/oomcg.sh
source tests/collectd/lib.sh
set -u
out=${1:-doc/collectd-oom-kill.png}
prom_out=${2:-doc/prometheus-oom-kill.png}
[ -z "$(cd_unavailable)$(oomcg_unavailable)" ] || { echo "$(cd_unavailable)$(oomcg_unavailable)" >&2; exit 1; }
oomcg_lock
oomcg_create $((64 * 1024 * 1024)) || exit 1
cd_setup
filler= exporter= scraper=
trap '[ -n "$filler" ] && kill "$filler"; [ -n "$scraper" ] && kill "$scraper"; [ -n "$exporter" ] && kill "$exporter"; cd_cleanup; oomcg_remove' EXIT
cp /usr/lib/collectd/rrdtool.so "$CD_DIR/plugins/"
cd_conf "Cgroup \"$OOMCG_PATH\"" "Candidates 3"
cat >>"$CD_CONF" <<CONF
LoadPlugin rrdtool
<Plugin rrdtool>
  DataDir "$CD_DIR/rrd"
</Plugin>
CONF
cd_start
cd_wait_log 'oomwatch: watching' 10 || { echo "collectd did not start: $(cat "$CD_LOG")" >&2; exit 1; }
t0=$(date +%s)
# The exporter beside it, event-driven, and a "scrape" of its file every second.
prom=$CD_DIR/oomwatch.prom
build/plugins/prometheus/oomwatch-exporter --cgroup "$OOMCG_PATH" --textfile "$prom" --interval 1s \
	--state "$CD_DIR/exporter.state" 2>"$CD_DIR/exporter.log" &
exporter=$!
L="{cgroup=\"$OOMCG_PATH\"}"
(while sleep 1; do
	[ -r "$prom" ] && awk -v t="$(date +%s)" -v l="$L" '
		$1 == "oomwatch_cgroup_memory_usage_bytes" l { u = $2 }
		$1 == "oomwatch_cgroup_memory_limit_bytes" l { m = $2 }
		$1 == "oomwatch_cgroup_oom_kills_total" l { k = $2 }
		END { if (u != "") print t, u, m, k }' "$prom"
done) >"$CD_DIR/scrapes" &
scraper=$!
sleep 10
# The filler: 1 MiB more each second. When the victim fills the rest, the OOM
# killer may take the filler (the larger) first, then the victim: both are real.
sh -c 'echo $$ >"$1/cgroup.procs"; exec bash -c "x=; for i in \$(seq 40); do x+=\$(head -c 1048576 /dev/zero | tr \"\\\\0\" a); sleep 1; done; sleep 30"' sh "$OOMCG" &
filler=$!
sleep 40
oomcg_kill oomw-graph || { echo "no OOM kill" >&2; exit 1; }
echo "killed pid $OOMCG_PID in $OOMCG_PATH at $(date -u +%T); the cgroup's oom_kill: $(oomcg_oom_kill)"
sleep 20
kill "$filler" 2>/dev/null
filler=
sleep 5
kill "$scraper" "$exporter"
scraper= exporter=
cd_stop
inst=$(cd_cgroup_instance "$OOMCG_PATH")
contrib/collectd/graph.sh "$CD_DIR/rrd/$CD_HOST" "$inst" "$out" "$t0" "$(date +%s)"
echo "wrote $out"
doc/prom-graph.sh "$CD_DIR/scrapes" "$OOMCG_PATH" "$prom_out"
echo "wrote $prom_out"
