#!/bin/bash
# SPDX-License-Identifier: MIT
# oomwatch-exporter without --once keeps the textfile current: a kill added to
# a fixture machine shows within a bounded wait; SIGTERM exits 0. As root, with
# the real /dev/kmsg waking it hundreds of times, a reader looping over the
# file never sees it half-written.
. "$(dirname "$0")/lib.sh"

FX=$ROOT/tests/fixtures
cp -r "$FX/proc-linux-6.18" "$TMP/proc"
: >"$TMP/kmsg"
mkdir "$TMP/out"
F=$TMP/out/oomwatch.prom
SRC=(--proc "$TMP/proc" --sys "$FX/sys-cgroup-v2")

prom_start "${SRC[@]}" --kmsg "$TMP/kmsg" --interval 1s --textfile "$F"
wait_until 10 test -s "$F" && ok "the file appears" || not_ok "file" "$(cat "$TMP/exporter.log")"
T=$(cat "$F")
[ "$(prom_value "$T" oomwatch_oom_kills_total)" = 1 ] && ! grep -q '^oomwatch_last_oom_kill_info' "$F" &&
	ok "before: 1 kill counted, none named" || not_ok "before" "$T"
[ "$(prom_value "$T" 'oomwatch_oom_kills_by_scope_total{scope="unknown"}')" = 1 ] &&
	ok "the kill without details has an unknown scope" || not_ok "scope unknown" "$T"

# A kill arrives: the counter and the log, as the kernel writes them.
ts=120000000 # 120 s after the fixture machine's boot: nothing here depends on the host's uptime
printf '6,1,%d,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/app.slice/w.service,task_memcg=/app.slice/w.service,task=watch-victim,pid=777,uid=0\n' "$ts" >>"$TMP/kmsg"
printf '3,2,%d,-;Memory cgroup out of memory: Killed process 777 (watch-victim) total-vm:1000kB, anon-rss:2048kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0\n' "$((ts + 10))" >>"$TMP/kmsg"
sed -i 's/^oom_kill 1$/oom_kill 2/' "$TMP/proc/vmstat"
named() { grep -q '^oomwatch_last_oom_kill_info{comm="watch-victim",pid="777",cgroup="/app.slice/w.service",unit="w.service",pod=""} 1$' "$F"; }
wait_until 15 named && ok "the kill shows in the file while it runs" || not_ok "kill shown" "$(cat "$F")"
T=$(cat "$F")
[ "$(prom_value "$T" oomwatch_oom_kills_total)" = 2 ] && [ "$(prom_value "$T" 'oomwatch_oom_kills_by_scope_total{scope="memcg"}')" = 1 ] &&
	[ "$(prom_value "$T" oomwatch_last_oom_kill_rss_bytes)" = $((2048 * 1024)) ] &&
	ok "kills_total 2, one memcg kill, the victim's RSS" || not_ok "after" "$T"
prom_lint "watch mode" "$F"

kill -TERM "$PROM_PID"
wait "$PROM_PID"
rc=$?
PROM_PIDS=()
[ "$rc" = 0 ] && [ -s "$F" ] && ok "SIGTERM: exit 0, the file stays" || not_ok "SIGTERM" "exit $rc"

# Never half-written: readers race the rewrites that /dev/kmsg records cause.
if [ "$(id -u)" != 0 ] || [ ! -r /dev/kmsg ]; then
	diag "not root: the rewrite race against /dev/kmsg is not run"
	done_testing
fi
# 200 short user records: a few KiB of the kernel's ring, which holds hundreds
# of KiB, so no other test's kill records are pushed out of it.
rm -f "$F"
prom_start "${SRC[@]}" --kmsg /dev/kmsg --interval 1h --textfile "$F"
wait_until 10 test -s "$F" || not_ok "file in kmsg mode" "$(cat "$TMP/exporter.log")"
last=$(tail -1 "$F")
reader() {
	local seen=0 torn=0 prev= ino content
	while [ ! -e "$TMP/stop" ]; do
		content=$(<"$F")
		if [[ $content != "# HELP oomwatch_build_info "* || $content != *"$last" ]]; then
			torn=$((torn + 1))
			printf '%s\n----\n' "$content" >>"$TMP/torn"
		fi
		ino=$(stat -c %i "$F")
		[ "$ino" != "$prev" ] && seen=$((seen + 1)) && prev=$ino
	done
	echo "$seen $torn" >"$TMP/reader"
}
reader &
rpid=$!
for i in $(seq 200); do
	echo "<14>oomwatch-exporter test: rewrite $i" >/dev/kmsg
	sleep 0.005
done
touch "$TMP/stop"
wait "$rpid"
read -r seen torn <"$TMP/reader"
diag "the reader saw $seen versions of the file"
[ "$seen" -ge 10 ] && ok "the file was rewritten while read ($seen versions seen)" || not_ok "rewrites" "only $seen versions"
[ "$torn" = 0 ] && ok "no read saw a partial file" || not_ok "torn reads: $torn" "$(head -c 2000 "$TMP/torn")"
done_testing
