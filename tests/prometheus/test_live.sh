#!/bin/bash
# SPDX-License-Identifier: MIT
# Live (root): a real OOM kill in a throwaway memory cgroup (tests/lib/oomcg.sh)
# while oomwatch-exporter watches the real /proc, /sys and /dev/kmsg with a
# refresh interval of an hour, so only the kill itself can wake it; a real
# prometheus-node-exporter reading its textfile then serves one more kill,
# the victim by name and pid, and the cgroup's own kill.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/lib/oomcg.sh"

skip_if "$(oomcg_unavailable)"
oomcg_lock
oomcg_create || { not_ok "create a memory cgroup"; done_testing; }
trap prom_cleanup EXIT # oomcg_create set its own; prom_cleanup removes the cgroup too

mkdir "$TMP/out"
F=$TMP/out/oomwatch.prom
prom_start_node_exporter "$TMP/out" || { not_ok "node_exporter starts" "$(cat "$TMP/node_exporter.log")"; done_testing; }
prom_start --cgroup "$OOMCG_PATH" --interval 1h --textfile "$F"
wait_until 10 test -s "$F" || { not_ok "the exporter writes $F" "$(cat "$TMP/exporter.log")"; done_testing; }
NE=http://127.0.0.1:$NE_PORT/metrics
L="{cgroup=\"$OOMCG_PATH\"}"
prom_scrape "$NE"
before=$(prom_value "$SCRAPE" oomwatch_oom_kills_total)
[ -n "$before" ] && [ "$(prom_value "$SCRAPE" "oomwatch_cgroup_oom_kills_total$L")" = 0 ] &&
	ok "before: node_exporter serves $before kills, none in the new cgroup" ||
	not_ok "baseline" "$(grep oomwatch_ <<<"$SCRAPE" | grep -v '^#')"
mtime=$(stat -c %.9Y "$F")

# A quote and a backslash in the name: the kernel logs "prom\"vi\x5cctim".
oomcg_kill 'prom"vi\ctim' || { not_ok "the victim was OOM-killed"; done_testing; }
ok "a real OOM kill of pid $OOMCG_PID in $OOMCG_PATH"
reaped=$(date +%s.%N)
# node_exporter sorts the labels by name.
info="oomwatch_last_oom_kill_info{cgroup=\"$OOMCG_PATH\",comm=\"prom\\\"vi\\\\x5cctim\",pid=\"$OOMCG_PID\",pod=\"\",unit=\"\"}"
served() {
	prom_scrape "$NE" && [ "$(prom_value "$SCRAPE" oomwatch_oom_kills_total)" = $((before + 1)) ] &&
		[ "$(prom_value "$SCRAPE" "$info")" = 1 ]
}
if wait_until 20 served; then
	ok "node_exporter serves kills_total $((before + 1)) and the victim by name and pid"
else
	not_ok "node_exporter after the kill" "wanted $info" "$(grep -E 'oom_kills_total|last_oom' <<<"$SCRAPE")" "$(cat "$TMP/exporter.log")"
fi
[ "$(stat -c %.9Y "$F")" != "$mtime" ] && ok "the file was rewritten on the kill (refresh interval 1h)" || not_ok "rewritten"
# A figure for people, not asserted: the first rewrite after the kill, relative
# to the shell reaping the victim (negative: the file was rewritten first).
first=$(stat -c %.9Y "$F")
diag "textfile rewritten $(awk -v a="$first" -v b="$reaped" 'BEGIN { printf "%+.1f", (a - b) * 1000 }') ms after the victim was reaped (last rewrite)"
[ "$(prom_value "$SCRAPE" "oomwatch_cgroup_oom_kills_total$L")" = 1 ] &&
	ok "the cgroup's own counter: 1 kill" || not_ok "cgroup kills" "$(grep "$OOMCG_PATH" <<<"$SCRAPE")"
[ "$(prom_value "$SCRAPE" 'oomwatch_oom_kills_by_scope_total{scope="memcg"}')" -ge 1 ] &&
	ok "counted as a memcg kill" || not_ok "scope" "$(grep by_scope <<<"$SCRAPE")"
rss=$(prom_value "$SCRAPE" oomwatch_last_oom_kill_rss_bytes)
# anon + file + shmem as the kernel logged them: the file pages (the program
# and its libraries) need not be charged to the 16 MiB cgroup.
awk -v r="$rss" 'BEGIN { exit !(r + 0 > 1048576 && r + 0 <= 64 * 1048576) }' &&
	ok "the victim's RSS is plausible: over 1 MiB, its cgroup holds 16 MiB ($rss)" || not_ok "rss" "$rss"
[ "$(prom_value "$SCRAPE" node_textfile_scrape_error)" = 0 ] && ok "node_exporter read the file without error" || not_ok "scrape error"
prom_lint "after a real kill" "$F"
done_testing
