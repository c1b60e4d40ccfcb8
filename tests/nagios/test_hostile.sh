#!/bin/bash
# SPDX-License-Identifier: MIT
# Names a process or cgroup chose (any byte but NUL) never break check_oom's
# output: the kernel-log fixtures and hostile names of our own come out
# escaped (\xNN), on the lines they belong to, and the perfdata still parses.
. "$(dirname "$0")/lib.sh"

# Every kill in the fixtures is old: a window of 100 years takes them all.
LONG=36500d

# ---- the real kernel logs, and the core's hostile ones ----
# expected.tsv holds comm \xNN-escaped; check_oom escapes bytes < 0x20, >= 0x7f,
# '\' and '|': decode the column, then escape it as check_oom must.
as_check_oom_escapes() {
	perl -e 'my $s = shift; $s =~ s/\\x([0-9a-fA-F]{2})/chr hex $1/ge;
		$s =~ s/([\x00-\x1f\x7f-\xff\\|])/sprintf("\\x%02x", ord $1)/ge; print $s' "$1"
}
M=$TMP/m
fx_machine "$M"
rm "$M/proc/stat" # no boot time: kills from other boots in the text logs count too
n=0
for f in "$ROOT"/tests/fixtures/kernel-log*/*.log "$ROOT"/tests/fixtures/kernel-log*/*.kmsg; do
	name=$(basename "$f")
	expected=$(dirname "$f")/expected.tsv
	n=$((n + 1))
	for v in "" -v -vvv; do
		run_check --proc "$M/proc" --sys "$M/sys" --kmsg "$f" --state "$TMP/fx$n$v.state" --window $LONG $v
		if [ -z "$v" ]; then check_output "$name default"; else MAX_BYTES=65536 check_output "$name $v"; fi
	done
	kills=$(awk -F'\t' -v f="$name" '$1 == f' "$expected" | wc -l)
	if [ "$kills" -eq 0 ]; then
		[ "$RC" = 0 ] && ok "$name: no kill line, OK" || not_ok "$name: no kill line, OK" "$OUT"
		continue
	fi
	comm=$(awk -F'\t' -v f="$name" '$1 == f { c = $3 } END { print c }' "$expected")
	[ "$comm" = - ] && comm= # the log named no one: "Killed process 37 ()"
	comm=$(as_check_oom_escapes "$comm")
	pid=$(awk -F'\t' -v f="$name" '$1 == f { p = $2 } END { print p }' "$expected")
	first=${OUT%%$'\n'*}
	[ "$RC" = 2 ] && [[ $first == *"$kills OOM kill"*" $comm (pid $pid"* ]] &&
		ok "$name: CRITICAL, $kills kill(s), latest $comm (pid $pid)" || not_ok "$name: names the latest victim" "$OUT"
done

# ---- our own hostile names and cgroup paths, as /dev/kmsg writes them ----
M=$TMP/h
FX_OOM_KILL=5 fx_machine "$M"
fx_kmsg_kill "$M/kmsg" 1001 'a|b' 300
fx_kmsg_kill "$M/kmsg" 1002 'nl\x0aOOM OK - fake' 250
fx_kmsg_kill "$M/kmsg" 1003 'esc\x1b[31mred' 200
fx_kmsg_kill "$M/kmsg" 1004 'x) total-vm:1kB' 150 '/evil|cg\x0a/OOM OK - | '"'"'kills'"'"'=0'
fx_kmsg_kill "$M/kmsg" 1005 'back\x5cx41sl' 100 '/a,b=c (d)/e'
run_check --proc "$M/proc" --sys "$M/sys" --kmsg "$M/kmsg" --state "$TMP/h.state"
check_output "hostile names"
check_state "hostile names: CRITICAL with all 5 kills" 2 '^OOM CRITICAL - 5 OOM kills in last 24h, latest back\\x5cx41sl \(pid 1005, 66\.6 MiB, /a,b=c \(d\)/e\)'
run_check --proc "$M/proc" --sys "$M/sys" --kmsg "$M/kmsg" --state "$TMP/h.state" -vvv
MAX_BYTES=65536 check_output "hostile names -vvv"
for want in 'kill #1: a\x7cb (pid 1001' 'kill #2: nl\x0aOOM OK - fake (pid 1002' 'kill #3: esc\x1b[31mred (pid 1003' \
	'kill #4: x) total-vm:1kB (pid 1004, 66.6 MiB, /evil\x7ccg\x0a/OOM OK - \x7c '"'"'kills'"'"'=0)'; do
	[[ $OUT == *"$want"* ]] && ok "escaped: $want" || not_ok "escaped: $want" "$OUT"
done
[ "$(grep -c '^kill #' <<<"$OUT")" = 5 ] && ok "hostile names: one line per kill" || not_ok "one line per kill" "$OUT"

# ---- hostile cgroup directory names (--cgroup) ----
M=$TMP/c
fx_machine "$M"
G=1073741824
fx_cgroup "$M" $'/app|x\nOOM OK - y' $((G * 95 / 100)) $G 0
fx_cgroup "$M" $'/app\x1b[0m' 1000 max 0
run_check --proc "$M/proc" --sys "$M/sys" --kmsg none --state "$TMP/c.state" --cgroup '/app*'
check_output "hostile cgroup directories"
check_state "hostile cgroup directory over its limit is WARNING, escaped" 1 '^OOM WARNING - cgroup /app\\x7cx\\x0aOOM OK - y uses'
[[ $OUT == *'cgroup /app\x1b[0m: usage'* ]] && ok "escape byte in a cgroup name escaped" || not_ok "cgroup escape" "$OUT"

# ---- the worst case for size: every signal alerting, long names everywhere ----
M=$TMP/big
FX_OOM_KILL=3 FX_MEM_AVAIL_KIB=100000 FX_SWAP_TOTAL_KIB=2097152 FX_SWAP_FREE_KIB=1000 \
	FX_PSI_FULL="avg10=99.00 avg60=99.99 avg300=99.00 total=1" fx_machine "$M"
seg=$(printf 'y%.0s' $(seq 1 120))
long="/$seg|\x0a/$seg/$seg/$seg"
fx_kmsg_kill "$M/kmsg" 4194304 '\x01\x02|||\x0a\x7f\x1b[0m' 10 "$long"
G=1073741824
for i in 1 2 3 4 5 6; do fx_cgroup "$M" "/c$i|$seg/$seg" $((G - i)) $G 1; done
run_check --proc "$M/proc" --sys "$M/sys" --kmsg "$M/kmsg" --state "$TMP/big.state" --cgroup '/c*' \
	--cgroup-critical 99% --candidates 32 --window 3153600000s -w 0 -c 0
check_output "every signal alerting with long hostile names"
check_state "worst case: CRITICAL" 2 '^OOM CRITICAL - 1 OOM kill in last 36500d: .*; 2 OOM kills at an unknown time since boot'

# ---- an admin's path with a newline (--kmsg, --proc) ----
mkdir -p "$TMP/odd"$'\n'"dir|x"
cp -r "$M/proc" "$TMP/odd"$'\n'"dir|x/"
run_check --proc "$TMP/odd"$'\n'"dir|x/proc" --kmsg "$TMP/missing|log" --state "$TMP/o.state"
check_state "a missing --kmsg with '|' in its path is UNKNOWN on one line" 3 '^OOM UNKNOWN - --kmsg .*missing\\x7clog'
check_output "odd paths"

done_testing
