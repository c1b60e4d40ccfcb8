#!/bin/bash
# SPDX-License-Identifier: MIT
# check_oom against fake machines: every signal (kills, MemAvailable, swap, PSI,
# cgroups) reaches OK, WARNING, CRITICAL and UNKNOWN, and every output is
# well-formed (perfdata checked by Monitoring::Plugin::Performance).
. "$(dirname "$0")/lib.sh"

# Each case gets a fresh machine and state file unless it says otherwise.
N=0
machine() {
	N=$((N + 1))
	M=$TMP/m$N
	fx_machine "$M"
	ST=$TMP/m$N.state
}
chk() { run_check --proc "$M/proc" --sys "$M/sys" --kmsg "$M/kmsg" --state "$ST" "$@"; }
expect() { # expect WHAT RC REGEX
	check_state "$1" "$2" "$3"
	check_output "$1"
}

# ---- kills ----
machine
chk
expect "kills: none is OK" 0 '^OOM OK - no OOM kill in last 24h'
[[ $OUT == *"'kills'=0;;0;0;"* ]] && ok "kills: perfdata with the default critical range 0" || not_ok "kills perfdata" "$OUT"

machine
FX_OOM_KILL=1 fx_machine "$M"
fx_kmsg_kill "$M/kmsg" 4242 python3 600 /batch.slice
chk
expect "kills: one 10 min ago is CRITICAL naming the victim" 2 \
	'^OOM CRITICAL - 1 OOM kill in last 24h: python3 \(pid 4242, 66\.6 MiB, /batch\.slice\) at [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} '
chk
expect "kills: the next run reports the same kill once, not twice" 2 '^OOM CRITICAL - 1 OOM kill in last 24h: python3'
[[ $OUT == *"OOM kills since boot: 1 ($M/proc/vmstat oom_kill); new since the last check: 0"* ]] &&
	ok "kills: second run sees nothing new, in the --proc given" || not_ok "nothing new" "$OUT"
chk --window 15m
expect "kills: --window just longer than the kill's age still alerts" 2 '^OOM CRITICAL - 1 OOM kill in last 15m: python3'
chk --window 5m
expect "kills: --window shorter than the kill's age is OK" 0 '^OOM OK - no OOM kill in last 5m'
chk --window 5m -vvv
[[ $OUT == *"older kill #1: python3 (pid 4242, 66.6 MiB, /batch.slice)"* ]] &&
	ok "kills: -vvv lists the kills outside the window" || not_ok "-vvv older kills" "$OUT"
chk -w 0 -c 2
expect "kills: -w 0 -c 2 with one kill is WARNING" 1 '^OOM WARNING - 1 OOM kill'
[[ $OUT == *"'kills'=1;0;2;0;"* ]] && ok "kills: ranges printed as given" || not_ok "kills ranges" "$OUT"
chk -c ''
expect "kills: -c '' turns the default off" 0 '^OOM OK'
chk -v
[[ $OUT == *"kill #1: python3 (pid 4242, 66.6 MiB, /batch.slice)"*"anon-rss KiB 65024"*"CONSTRAINT_MEMCG"* ]] &&
	ok "kills: -v gives every field" || not_ok "kills -v" "$OUT"

# A real memcg OOM report (6.18, three tasks): -v says why and how to avoid it,
# and says it again from the state file on the next run (the log is not re-read).
machine
FX_OOM_KILL=1 fx_machine "$M"
cp "$ROOT/tests/fixtures/kernel-log/linux-6.18-memcg-v1-task-dump.kmsg" "$M/kmsg"
CG=/process_api/b38a4d09e1a5a6163998d62c904327ab/oomwatch-test-8279-5663
WHY="  why: Cgroup $CG hit its memory limit of 64.0 MiB (usage 64.0 MiB), memory+swap 64.0 MiB of 64.0 MiB; big-grower (pid 21957, 40.4 MiB resident, 63% of the cgroup's usage) was first of 3 tasks by the kernel's badness (resident memory, swap and page tables), ahead of medium-holder (pid 21956, 17.3 MiB) and small-holder (pid 21955, 9.3 MiB)."
REMEDY="  remedy: Raise memory.limit_in_bytes and memory.memsw.limit_in_bytes of cgroup $CG (now 64.0 MiB), or make big-grower use less."
for run in first second; do
	chk -vvv
	[[ $OUT == *$'\n'"$WHY"$'\n'"$REMEDY"$'\n'* ]] &&
		ok "kills: -v says why and the remedy ($run run)" || not_ok "why/remedy $run run" "$OUT"
done
chk --window 60d # the kill is 30 days old on this machine
BRIEF="why: Cgroup ...${CG: -45} hit its memory limit of 64.0 MiB (usage 64.0 MiB); big-grower was first of 3 tasks by the kernel's badness, ahead of medium-holder (17.3 MiB) and small-holder (9.3 MiB).
remedy: Raise memory.limit_in_bytes and memory.memsw.limit_in_bytes of that cgroup (now 64.0 MiB), or make big-grower use less."
[[ $OUT == *$'\n'"$BRIEF"$'\n'* && ${#OUT} -lt 1024 ]] && ok "kills: the default output says why and the remedy in fewer words, within 1 KiB (${#OUT} bytes)" ||
	not_ok "default why" "$OUT"

machine
FX_OOM_KILL=2 fx_machine "$M"
fx_text_kill "$M/dmesg-T.log" 111 old-one $((3 * 86400))
fx_text_kill "$M/dmesg-T.log" 222 recent 60
chk --kmsg "$M/dmesg-T.log"
expect "kills: a first run counts only kills inside the window" 2 '^OOM CRITICAL - 1 OOM kill in last 24h: recent \(pid 222, 80 KiB, global OOM\)'
chk --kmsg "$M/dmesg-T.log" --window 4d
expect "kills: the older kill is kept and counts in a longer window" 2 '^OOM CRITICAL - 2 OOM kills in last 4d, latest recent'

machine
FX_OOM_KILL=3 fx_machine "$M"
for pid in 301 302 303; do fx_kmsg_kill "$M/kmsg" $pid "php-fpm" 30 /lxc/39004; done
chk
expect "kills: one OOM taking three processes names the latest and counts the rest" 2 \
	'^OOM CRITICAL - 3 OOM kills in last 24h, latest php-fpm \(pid 303, 66\.6 MiB, /lxc/39004\) at .* \(\+2 killed with it\)'

# Kills the counter proves but nothing can date (first run, log not read) are
# neither "no OOM kill" nor dated at boot: WARNING, of unknown time.
machine
FX_OOM_KILL=3 fx_machine "$M"
chk --kmsg none
expect "kills: a first run says kills of unknown time since a boot 30 days ago, WARNING" 1 \
	'^OOM WARNING - 3 OOM kills at an unknown time since boot, first noticed [0-9]{4}-[0-9]{2}-[0-9]{2} '
[[ $OUT == *"'kills'=3;;0;0;"* ]] && ok "kills: perfdata counts them" || not_ok "backlog perfdata" "$OUT"
chk --kmsg none -c '' --state "$ST.off"
expect "kills: -c '' turns their alert off too" 0 '^OOM OK - 3 OOM kills at an unknown time since boot'

machine
chk --kmsg none
printf 'pgfault 1000\noom_kill 3\npgmajfault 3\n' >"$M/proc/vmstat"
chk --kmsg none
expect "kills: counted from /proc/vmstat alone" 2 '^OOM CRITICAL - 3 OOM kills in last 24h, latest victim unknown'
[[ $OUT == *"--kmsg none"* ]] && ok "kills: --kmsg none is explained" || not_ok "kmsg none note" "$OUT"
chk --kmsg none
expect "kills: counter-only kills are not counted twice" 2 '^OOM CRITICAL - 3 OOM kills'
chk --kmsg none -c 5
expect "kills: -c 5 with 3 counted kills is OK" 0 '^OOM OK'

machine
FX_OOM_KILL=1 fx_machine "$M"
fx_kmsg_kill "$M/kmsg" 4242 python3 60
printf 'oom_kill lots\n' >"$M/proc/vmstat"
chk
expect "kills: a malformed vmstat still counts from the log" 2 '^OOM CRITICAL - 1 OOM kill in last 24h: python3'
[[ $OUT == *"cannot read $M/proc/vmstat: "*"kills are counted from the kernel log"* ]] &&
	ok "kills: the malformed vmstat is reported" || not_ok "malformed vmstat note" "$OUT"
sed -i '/^oom_kill/d' "$M/proc/vmstat"
chk --state "$ST.2"
expect "kills: no oom_kill (kernel < 4.13) counts from the log" 2 '^OOM CRITICAL - 1 OOM kill in last 24h: python3'
[[ $OUT == *"no oom_kill in $M/proc/vmstat (kernel < 4.13)"* ]] && ok "kills: the old kernel is noted" || not_ok "old kernel note" "$OUT"

machine
FX_BOOT_AGE_SEC=3600 FX_OOM_KILL=300 fx_machine "$M"
chk --kmsg none
expect "kills: more kills than the state keeps are all counted on the run that sees them" 1 '^OOM WARNING - 300 OOM kills at an unknown time since boot'
[[ $OUT == *"'kills'=300;"* ]] && ok "kills: perfdata holds the whole count" || not_ok "300 perfdata" "$OUT"
[[ $OUT == *"victims unknown (kernel log not read), at an unknown time since boot"* ]] &&
	ok "kills: kills from before the first run are said to be of unknown time since boot" ||
	not_ok "backlog wording" "$OUT"
chk --kmsg none
[[ $RC == 1 && $OUT == *"victims unknown (kernel log not read), at an unknown time since boot"* ]] &&
	ok "kills: ... also on the next run, within the window (the state keeps them)" ||
	not_ok "backlog wording after reload" "$OUT"

machine
sed -i '/^oom_kill/d' "$M/proc/vmstat"
chk --kmsg none
expect "kills: no counter (kernel < 4.13) and no log is UNKNOWN" 3 \
	'^OOM UNKNOWN - cannot count OOM kills: .*/vmstat has no oom_kill \(kernel < 4\.13\) and kernel log not read \(--kmsg none\) \|'

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	machine
	FX_BOOT_AGE_SEC=3600 FX_OOM_KILL=1 fx_machine "$M"
	fx_kmsg_kill "$M/kmsg" 4242 python3 60
	chmod -R a+rX "$M"
	chmod 600 "$M/kmsg"
	mkdir "$TMP/nobody" && chown nobody "$TMP/nobody"
	OUT=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$CHECK_OOM" --proc "$M/proc" \
		--sys "$M/sys" --kmsg "$M/kmsg" --state "$TMP/nobody/state" 2>&1)
	RC=$?
	perf_valid
	expect "kills: unreadable log as nobody, first run: of unknown time, WARNING from the counter" 1 \
		'^OOM WARNING - 1 OOM kill at an unknown time since boot'
	[[ $OUT == *"victim details need CAP_SYSLOG: $M/kmsg is not readable by this user (kernel.dmesg_restrict=1); kills are still counted from $M/proc/vmstat"* ]] &&
		ok "kills: the note says details need CAP_SYSLOG" ||
		not_ok "CAP_SYSLOG note" "$OUT"
fi

# ---- MemAvailable ----
machine
chk
expect "memory: 75% available is OK" 0 '^OOM OK - no OOM kill in last 24h, 75\.0% memory available'
[[ $OUT == *"'mem_available'=6442450944B;;;0;8589934592 'mem_available_pct'=75.00%;10:;5:;0;100"* ]] &&
	ok "memory: perfdata in bytes and percent, % ranges on the percentage" || not_ok "mem perfdata" "$OUT"
FX_MEM_AVAIL_KIB=$((FX_MEM_TOTAL_KIB * 8 / 100)) fx_machine "$M"
chk
expect "memory: 8% available is WARNING" 1 '^OOM WARNING - memory available 8\.0%'
FX_MEM_AVAIL_KIB=$((FX_MEM_TOTAL_KIB * 3 / 100)) fx_machine "$M"
chk
expect "memory: 3% available is CRITICAL" 2 '^OOM CRITICAL - memory available 3\.0%'
FX_MEM_AVAIL_KIB=524288 fx_machine "$M"
chk --mem-warning 2GiB: --mem-critical 1G:
expect "memory: 512 MiB under a 1G: size range is CRITICAL" 2 '^OOM CRITICAL - memory available'
[[ $OUT == *"'mem_available'=536870912B;2147483648:;1073741824:;0;8589934592 'mem_available_pct'=6.25%;;;0;100"* ]] &&
	ok "memory: size ranges go to the bytes perfdata, in bytes" || not_ok "mem size perfdata" "$OUT"
chk --mem-warning 2GiB: --mem-critical 256M:
expect "memory: 512 MiB between 256M: and 2GiB: is WARNING" 1 '^OOM WARNING'
rm "$M/proc/meminfo"
chk
expect "memory: no meminfo is UNKNOWN" 3 '^OOM UNKNOWN - cannot read .*/meminfo'
printf 'MemTotal: lots kB\n' >"$M/proc/meminfo"
chk
expect "memory: malformed meminfo is UNKNOWN" 3 '^OOM UNKNOWN - cannot read .*/meminfo'
chk --mem-warning 10
expect "memory: a range without unit is UNKNOWN, with the fix" 3 "^OOM UNKNOWN - --mem-warning: '10' has no unit; write 10% or 10M\$"

# ---- swap ----
machine
chk
[[ $RC == 0 && $OUT == *"swap: none"* && $OUT != *swap_free* ]] && ok "swap: none is OK, no swap perfdata" || not_ok "no swap" "$OUT"
FX_SWAP_TOTAL_KIB=2097152 FX_SWAP_FREE_KIB=1048576 fx_machine "$M"
chk
expect "swap: 50% free is OK" 0 '^OOM OK'
[[ $OUT == *"'swap_free'=1073741824B;;;0;2147483648 'swap_free_pct'=50.00%;20:;10:;0;100"* ]] && ok "swap: perfdata" || not_ok "swap perfdata" "$OUT"
FX_SWAP_TOTAL_KIB=2097152 FX_SWAP_FREE_KIB=314572 fx_machine "$M"
chk
expect "swap: 15% free is WARNING" 1 '^OOM WARNING - swap free 15\.0%'
FX_SWAP_TOTAL_KIB=2097152 FX_SWAP_FREE_KIB=104857 fx_machine "$M"
chk
expect "swap: 5% free is CRITICAL" 2 '^OOM CRITICAL - swap free 5\.0%'
chk --swap-critical 100M: --swap-warning ''
expect "swap: 100 MiB free is OK against 100M:" 0 '^OOM OK'
chk --swap-critical 200M --swap-warning ''
expect "swap: a bare size alerts below it, as check_swap" 2 '^OOM CRITICAL - swap free 5\.0%'
[[ $OUT == *"'swap_free'=107373568B;;209715200:;"* ]] && ok "swap: a bare size is N: in perfdata" || not_ok "bare size perfdata" "$OUT"
chk --swap-critical '~:200M' --swap-warning ''
expect "swap: an explicit Nagios range keeps its meaning (~:200M alerts above)" 0 '^OOM OK'
chk --swap-critical abc
expect "swap: malformed range is UNKNOWN" 3 '^OOM UNKNOWN - --swap-critical: malformed range'

# ---- PSI ----
machine
chk
[[ $OUT == *"'psi_full_avg60'=0.00%;5;20;0;100"* ]] && ok "psi: perfdata of full avg60 by default" || not_ok "psi perfdata" "$OUT"
FX_PSI_FULL="avg10=9.00 avg60=7.50 avg300=1.00 total=12345" fx_machine "$M"
chk
expect "psi: full avg60 7.5% is WARNING" 1 '^OOM WARNING - memory pressure full avg60 7\.50%'
FX_PSI_FULL="avg10=40.00 avg60=31.25 avg300=10.00 total=12345" fx_machine "$M"
chk
expect "psi: full avg60 31.25% is CRITICAL" 2 '^OOM CRITICAL - memory pressure full avg60 31\.25%'
FX_PSI_SOME="avg10=55.00 avg60=2.00 avg300=1.00 total=12345" fx_machine "$M"
chk --psi some --psi-avg 10 --psi-critical 50
expect "psi: --psi some --psi-avg 10 selects some avg10" 2 '^OOM CRITICAL - memory pressure some avg10 55\.00%'
[[ $OUT == *"'psi_some_avg10'=55.00%;5;50;0;100"* ]] && ok "psi: perfdata label follows the selection" || not_ok "psi label" "$OUT"
chk --psi some --psi-avg 300
expect "psi: some avg300 1% is OK" 0 '^OOM OK'
printf 'some avg10=50.00 avg60=50.00 avg300=50.00 total=1\n' >"$M/proc/pressure/memory"
chk
expect "psi: a kernel printing only 'some' is OK for --psi full" 0 '^OOM OK'
[[ $OUT == *"no 'full' line here, not judged"* ]] && ok "psi: the missing line is noted" || not_ok "psi some-only note" "$OUT"
rm "$M/proc/pressure/memory"
chk
expect "psi: a kernel without PSI is OK" 0 '^OOM OK'
[[ $OUT == *"memory pressure: not available"* ]] && ok "psi: absence is noted" || not_ok "psi absent note" "$OUT"
chk --psi-avg 30
expect "psi: --psi-avg 30 is UNKNOWN" 3 '^OOM UNKNOWN - --psi-avg'
chk --psi-warning 5GiB
expect "psi: a size range is UNKNOWN" 3 '^OOM UNKNOWN - --psi-warning'

# ---- cgroups ----
machine
G=$((1024 * 1024 * 1024))
fx_cgroup "$M" /app.slice $((G / 2)) $G 0
fx_cgroup "$M" /app.slice/web.service $((G / 4)) max 0
fx_cgroup "$M" /other.slice $((G - 1)) $G 0
chk --cgroup '/app*'
expect "cgroup: 50% of its limit is OK" 0 '^OOM OK'
[[ $OUT == *"cgroup /app.slice: usage 512.0 MiB of 1.0 GiB (50.0%)"* && $OUT == *"cgroup /app.slice/web.service: usage 256.0 MiB of no limit"* && $OUT != *other.slice* ]] &&
	ok "cgroup: the glob matches the subtree, not the others" || not_ok "cgroup glob" "$OUT"
[[ $OUT == *"'cgroup_kills'=0c;;;0; 'cgroup_usage'=536870912B;;;0; 'cgroup_usage_pct'=50.00%;90;;0;"* ]] &&
	ok "cgroup: perfdata" || not_ok "cgroup perfdata" "$OUT"
# cg_label PATH WHAT: README's label scheme, written again here (python3):
# cg_<low 32 bits of FNV-1a 64 of the path, hex>_<WHAT>:<series name, its
# last 24 bytes behind '~' when longer>.
cg_label() {
	python3 - "$1" "$2" <<'PY'
import sys
path, what = sys.argv[1].encode(), sys.argv[2]
h = 0xcbf29ce484222325
for b in path:
    h = ((h ^ b) * 0x100000001b3) % 2**64
name = "_" if path == b"/" else "".join(
    chr(b) if chr(b).isascii() and (chr(b).isalnum() or chr(b) in ".-") else "_" if b == 47 else "%%%02X" % b
    for b in path[1:])
print("cg_%08x_%s:%s" % (h & 0xffffffff, what, name if len(name) <= 24 else "~" + name[-23:]))
PY
}
app=$(cg_label /app.slice usage) web=$(cg_label /app.slice/web.service usage)
[[ $OUT == *"'$app'=536870912B;;;0;1073741824 '$(cg_label /app.slice oom_kill)'=0c;;;0; '$web'=268435456B;;;0; '$(cg_label /app.slice/web.service oom_kill)'=0c;;;0;"* ]] &&
	ok "cgroup: perfdata per cgroup in path order ($app, $web)" || not_ok "cgroup perfdata per cgroup" "$OUT"
chk --cgroup '/app*'
[[ $OUT == *"'$app'=536870912B"* ]] && ok "cgroup: the same labels on the next run" || not_ok "labels stable" "$OUT"
fx_cgroup "$M" /app.slice $((G * 93 / 100)) $G 0
chk --cgroup '/app*'
expect "cgroup: 93% of its limit is WARNING" 1 '^OOM WARNING - cgroup /app\.slice uses .* \(93\.0% of its limit\)'
chk --cgroup '/app*' --cgroup-critical 92%
expect "cgroup: --cgroup-critical 92% is CRITICAL" 2 '^OOM CRITICAL - cgroup /app\.slice'
chk --cgroup '/app*' --cgroup-warning '' --cgroup-critical 200M
expect "cgroup: a size range judges usage in bytes" 2 '^OOM CRITICAL - cgroup /app\.slice'
chk --cgroup '/app*' --cgroup-warning '' --cgroup-critical 100M
expect "cgroup: a size range also judges cgroups without a limit" 2 '^OOM CRITICAL - cgroup /app\.slice uses 952\.3 MiB \(93\.0% of its limit\)'
chk --cgroup '/app.slice/*' --cgroup-warning '' --cgroup-critical 100M
expect "cgroup: ... and says it has no limit" 2 '^OOM CRITICAL - cgroup /app\.slice/web\.service uses 256\.0 MiB \(no limit\)'
chk --cgroup '/app*' --cgroup-warning 90
expect "cgroup: a range without unit is UNKNOWN" 3 '^OOM UNKNOWN - --cgroup-warning'
FX_OOM_KILL=1 fx_machine "$M"
# cgroup v2 counts a kill in every ancestor too.
fx_cgroup "$M" /app.slice $((G / 2)) $G 1
fx_cgroup "$M" /app.slice/web.service $((G / 4)) max 1
fx_kmsg_kill "$M/kmsg" 777 gunicorn 120 /app.slice/web.service
chk --cgroup '/app*' --cgroup-warning '' -v
MAX_BYTES=4096 expect "cgroup: a kill inside is CRITICAL, named with its cgroup" 2 '^OOM CRITICAL - 1 OOM kill in last 24h: gunicorn \(pid 777, 66\.6 MiB, /app\.slice/web\.service\)'
[[ $OUT == *"'cgroup_kills'=1c;"* && $OUT == *"cgroup /app.slice/web.service: usage 256.0 MiB of no limit, 1 OOM kills since boot, 1 named in last 24h"* ]] &&
	ok "cgroup: kills inside are counted per cgroup" || not_ok "cgroup kills" "$OUT"
[[ $OUT == *"'$(cg_label /app.slice/web.service oom_kill)'=1c;"* ]] &&
	ok "cgroup: its kill counter in its own perfdata" || not_ok "cgroup kill perfdata" "$OUT"
# The counters, not the log: without the log the kill is still counted once.
run_check --proc "$M/proc" --sys "$M/sys" --kmsg none --state "$ST.nolog" --cgroup '/app*'
[[ $OUT == *"'cgroup_kills'=1c;"* && $OUT == *"'$(cg_label /app.slice oom_kill)'=1c;"* ]] &&
	ok "cgroup: kills counted with --kmsg none" || not_ok "cgroup kills without the log" "$OUT"
chk --cgroup '/nothing*'
[[ $OUT == *"none matches --cgroup"* ]] && ok "cgroup: a glob matching nothing is said" || not_ok "cgroup none" "$OUT"
machine
for i in $(seq 70); do fx_cgroup "$M" /many$i.slice 4096 max; done
chk --cgroup '/many*' -v
MAX_BYTES=65536 expect "cgroup: more matches than are kept is still OK" 0 '^OOM OK'
[[ $OUT == *"cgroups: more than 64 match the patterns; only the first 64 are checked"* ]] &&
	ok "cgroup: too many matches are said as such" || not_ok "cgroup too many" "$OUT"
[[ $(grep -o "'cg_[0-9a-f]*_usage:" <<<"$OUT" | wc -l) = 4 ]] &&
	ok "cgroup: perfdata for 4 cgroups at most" || not_ok "cgroup perfdata bounded" "$OUT"
echo 'oom_kill x' >"$M/sys/fs/cgroup/many3.slice/memory.events"
chk --cgroup '/many3*' -v
[[ $OUT == *"cgroups: some under $M/sys could not be read (Bad message); the list is incomplete"* &&
	$OUT == *"cgroup /many30.slice: usage"* ]] &&
	ok "cgroup: a malformed memory.events is reported, the others still listed" || not_ok "cgroup malformed" "$OUT"
mkdir "$M/nocg"
chk --sys "$M/nocg" --cgroup '/app*'
[[ $OUT == *"cgroups: no memory cgroup controller under $M/nocg"* ]] &&
	ok "cgroup: no memory controller under --sys is said" || not_ok "cgroup no controller" "$OUT"

# ---- candidates, from this machine's /proc ----
run_check --kmsg none --state "$TMP/cand.state" --candidates 3 --mem-warning '' --mem-critical '' \
	--swap-warning '' --swap-critical '' --psi-warning '' --psi-critical '' -c '' -v
check_state "candidates: a run on this machine with no thresholds is OK" 0
MAX_BYTES=65536 check_output "candidates"
[ "$(grep -c '^next victim #[0-9]: .* (pid [0-9]*) oom_score [0-9]*, rss .*, oom_score_adj -\?[0-9]*$' <<<"$OUT")" = 3 ] &&
	ok "candidates: --candidates 3 lists three processes" || not_ok "candidates" "$OUT"

# ---- candidates from a fake /proc: hostile name, no oom_score_adj ----
machine
mkdir "$M/proc/4242"
sed 's/^[0-9]* ([^)]*)/4242 (web|x) 1 ()/' /proc/self/stat >"$M/proc/4242/stat"
echo 900 >"$M/proc/4242/oom_score"
echo "1000 500 0 0 0 0 0" >"$M/proc/4242/statm"
chk --candidates 2
expect "candidates: a fake process is listed" 0 '^OOM OK'
[[ $OUT == *'next victim #1: web\x7cx) 1 ( (pid 4242) oom_score 900, rss 2.0 MiB, oom_score_adj ?'* ]] &&
	ok "candidates: name escaped, a missing oom_score_adj is '?'" || not_ok "candidate without oom_score_adj" "$OUT"

# ---- the default state file ----
machine
FX_BOOT_AGE_SEC=3600 FX_OOM_KILL=1 fx_machine "$M"
mkdir "$TMP/mp"
OUT=$(MP_STATE_PATH=$TMP/mp "$CHECK_OOM" --proc "$M/proc" --sys "$M/sys" --kmsg none)
RC=$?
perf_valid
check_state "state: the default under MP_STATE_PATH works" 1
n=$(find "$TMP/mp/check_oom" -name '*.state' | wc -l)
OUT=$(MP_STATE_PATH=$TMP/mp "$CHECK_OOM" --proc "$M/proc" --sys "$M/sys" --kmsg none --cgroup '/x*')
RC=$?
perf_valid
check_state "state: a differently configured check sees the kill too" 1 '^OOM WARNING - 1 OOM kill at an unknown time since boot'
[ "$(find "$TMP/mp/check_oom" -name '*.state' | wc -l)" = $((n + 1)) ] &&
	ok "state: keyed by the options: a second file for the second configuration" || not_ok "state keyed" "$(ls -la "$TMP/mp/check_oom")"
[ "$(stat -c %a "$TMP/mp/check_oom")" = 700 ] && ok "state: directory is 0700" || not_ok "state dir mode"
chmod 777 "$TMP/mp/check_oom"
OUT=$(MP_STATE_PATH=$TMP/mp "$CHECK_OOM" --proc "$M/proc" --sys "$M/sys" --kmsg none)
RC=$?
perf_valid
check_state "state: a state directory others can write is refused" 3 '^OOM UNKNOWN - cannot use the default state directory'
check_output "state: refused directory"
OUT=$("$CHECK_OOM" --proc "$M/proc" --sys "$M/sys" --kmsg none --state "$TMP/no/such/dir/state" -c '')
RC=$?
perf_valid
check_state "state: a state file that cannot be saved is UNKNOWN, saying so" 3 '^OOM UNKNOWN - cannot save state .*/no/such/dir/state: No such file or directory'
check_output "state: cannot save"
printf 'garbage\n' >"$TMP/corrupt.state"
OUT=$("$CHECK_OOM" --proc "$M/proc" --sys "$M/sys" --kmsg none --state "$TMP/corrupt.state" -c '')
RC=$?
perf_valid
check_state "state: a corrupt state file is replaced, not UNKNOWN" 0
[[ $OUT == *"was unusable"*"has been replaced"* ]] && ok "state: the corruption is reported" || not_ok "corrupt note" "$OUT"
check_output "state: corrupt"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	mkdir "$TMP/ro" && printf 'garbage\n' >"$TMP/ro/state" && chmod -R a+rX "$M" "$TMP/ro"
	OUT=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$CHECK_OOM" --proc "$M/proc" --sys "$M/sys" \
		--kmsg none --state "$TMP/ro/state" -c '')
	RC=$?
	perf_valid
	check_state "state: a corrupt state file that cannot be replaced is UNKNOWN" 3 '^OOM UNKNOWN - cannot save state'
	[[ $OUT == *"was unusable"*"could not be replaced"* && $OUT != *"has been replaced"* ]] &&
		ok "state: ... and is not claimed to be replaced" || not_ok "corrupt, not replaced" "$OUT"
fi

# ---- locale ----
machine
FX_PSI_FULL="avg10=9.00 avg60=7.50 avg300=1.00 total=12345" fx_machine "$M"
OUT=$(LC_ALL=de_DE.UTF-8 LANG=de_DE.UTF-8 LC_NUMERIC=de_DE.UTF-8 "$CHECK_OOM" --proc "$M/proc" --sys "$M/sys" \
	--kmsg none --state "$ST" --psi-warning 7,5)
RC=$?
perf_valid
check_state "locale: a comma is not a decimal point in a range" 3 '^OOM UNKNOWN - --psi-warning'
OUT=$(LC_ALL=de_DE.UTF-8 LANG=de_DE.UTF-8 "$CHECK_OOM" --proc "$M/proc" --sys "$M/sys" --kmsg none --state "$ST")
RC=$?
perf_valid
check_state "locale: German locale, same verdict" 1 '^OOM WARNING - memory pressure full avg60 7\.50%'
check_output "locale: German locale"

done_testing
