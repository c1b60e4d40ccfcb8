#!/bin/bash
# check_oom --kmsg journal against real journal files, written by
# systemd-journal-remote from export-format text: the kernel's OOM report of
# tests/fixtures (kernel transport), a forged `logger -t kernel` line,
# systemd-oomd and earlyoom kills, rotation into a second file. Exactly the
# expected kills, each reported once across runs (the cursor in the state), and
# named for a user in group systemd-journal without CAP_SYSLOG.
. "$(dirname "$0")/lib.sh"

REMOTE=/lib/systemd/systemd-journal-remote
[ -x "$REMOTE" ] || skip_all "$REMOTE missing (apt-get install systemd-journal-remote, make deps)"
JGID=$(getent group systemd-journal | cut -d: -f3)
[ -n "$JGID" ] || skip_all "no group systemd-journal"
"$CHECK_OOM" --help | grep -q -- --journal-dir || skip_all "check_oom built without the journal"

M=$TMP/m
FX_BOOT_AGE_SEC=3600 FX_OOM_KILL=1 fx_machine "$M"
BOOT=$(tr -d - <"$M/proc/sys/kernel/random/boot_id")
BTIME=$(awk '$1 == "btime" { print $2 }' "$M/proc/stat")
J=$TMP/journal
mkdir -p "$J"

# One entry: MONO_USEC (since the fake machine's boot) FIELDS... MESSAGE
entry() {
	local mono=$1
	shift
	printf '__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n_BOOT_ID=%s\n' \
		$((BTIME * 1000000 + mono)) "$mono" "$BOOT"
	while [ $# -gt 1 ]; do printf '%s\n' "$1"; shift; done
	printf 'MESSAGE=%s\n\n' "$1"
}
kernel() { entry "$1" _TRANSPORT=kernel SYSLOG_FACILITY=0 SYSLOG_IDENTIFIER=kernel "_SOURCE_MONOTONIC_TIMESTAMP=$1" "$2"; }

# The fixture's records, their \xNN escapes decoded as journald stores them.
{
	while IFS= read -r rec; do
		head=${rec%%;*}
		IFS=, read -r _ _ usec _ <<<"$head"
		kernel "$usec" "$(printf '%b' "${rec#*;}")"
	done <"$ROOT/tests/fixtures/kernel-log/linux-6.18-memcg-v1.kmsg"
	entry 116000000 _TRANSPORT=syslog SYSLOG_IDENTIFIER=kernel SYSLOG_FACILITY=1 _UID=1000 \
		"Out of memory: Killed process 1 (forged) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0"
	entry 200000000 _TRANSPORT=journal SYSLOG_IDENTIFIER=systemd-oomd _SYSTEMD_UNIT=systemd-oomd.service _UID=108 \
		"Killed /user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox-77.scope due to memory pressure for /user.slice/user-1000.slice/user@1000.service being 61.20% > 50.00% for > 20s with reclaim activity"
	entry 300000000 _TRANSPORT=stdout SYSLOG_IDENTIFIER=earlyoom _SYSTEMD_UNIT=earlyoom.service _UID=0 \
		"mem avail:   402 of  7834 MiB ( 5.13%), swap free:    0 of    0 MiB ( 0.00%)"
	entry 300000100 _TRANSPORT=stdout SYSLOG_IDENTIFIER=earlyoom _SYSTEMD_UNIT=earlyoom.service _UID=0 \
		"low memory! at or below SIGTERM limits: mem 10.00%, swap 10.00%"
	entry 300000200 _TRANSPORT=stdout SYSLOG_IDENTIFIER=earlyoom _SYSTEMD_UNIT=earlyoom.service _UID=0 \
		'sending SIGTERM to process 4242 uid 1000 "stress": oom_score 912, oom_score_adj 0, VmRSS 7100 MiB, cmdline "stress -m 1"'
	entry 300000300 _TRANSPORT=syslog SYSLOG_IDENTIFIER=earlyoom _UID=1000 \
		'sending SIGKILL to process 1 uid 0 "imposter": oom_score 1, oom_score_adj 0, VmRSS 1 MiB, cmdline "x"'
} | "$REMOTE" --output="$J/system@0001.journal" - 2>/dev/null || not_ok "journal written" "$REMOTE failed"

ST=$TMP/state
chk() { run_check --proc "$M/proc" --sys "$M/sys" --kmsg journal --journal-dir "$J" --state "$ST" "$@"; }

chk -v
check_state "first run: the fixture's kill and the userspace kills" 2 \
	'^OOM CRITICAL - 1 OOM kill in last 24h: python3 \(pid 3882, .*; 2 userspace OOM kills in last 24h, latest earlyoom killed stress \(pid 4242, SIGTERM, oom_score 912'
MAX_BYTES=4096 check_output "first run"
[[ $OUT == *"'kills'=1;"* && $OUT == *"'oom_kill_total'=1c"* && $OUT == *"'userspace_kills'=2;"* && $OUT == *"'userspace_kill_total'=2c"* ]] &&
	ok "first run: perfdata counts kernel and userspace kills apart" || not_ok "first run perfdata" "$OUT"
[[ $OUT == *"systemd-oomd killed /user.slice/"*"app-firefox-77.scope (pressure)"* ]] &&
	ok "first run: systemd-oomd's cgroup and reason" || not_ok "systemd-oomd kill" "$OUT"
[[ $OUT != *forged* && $OUT != *imposter* ]] && ok "forged kernel and earlyoom lines ignored" || not_ok "forged lines" "$OUT"
grep -q '^klog_cursor=s' "$ST" && ok "the journal cursor is in the state" || not_ok "cursor in state" "$(cat "$ST")"

chk -v
[[ $OUT == *"new since the last check: 0"* && $OUT == *"'kills'=1;"* && $OUT == *"'userspace_kill_total'=2c"* ]] &&
	ok "second run: nothing new, nothing counted twice" || not_ok "second run" "$OUT"

# Rotation: a second file with one more kernel kill; the counter says 2.
{
	kernel 400000000 "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/db.service,task=postgres,pid=5151,uid=105"
	kernel 400000040 "Out of memory: Killed process 5151 (postgres) total-vm:9000kB, anon-rss:8000kB, file-rss:0kB, shmem-rss:0kB, UID:105 pgtables:40kB oom_score_adj:0"
} | "$REMOTE" --output="$J/system.journal" - 2>/dev/null || not_ok "second journal file written"
sed -i 's/^oom_kill .*/oom_kill 2/' "$M/proc/vmstat"
chk -v
[[ $OUT == *"new since the last check: 1"* && $OUT == *"'kills'=2;"* && $OUT == *"postgres (pid 5151"* && $OUT == *"'userspace_kill_total'=2c"* ]] &&
	ok "after rotation: the new file's kill, once" || not_ok "after rotation" "$OUT"
chk
[[ $OUT == *"'kills'=2;"* ]] && ok "after rotation: again nothing twice" || not_ok "after rotation, again" "$OUT"

# A user in group systemd-journal, no capabilities, a fresh state: victims named.
chgrp -R systemd-journal "$J"
chmod 0750 "$J"
chmod 0640 "$J"/*.journal
as_user() { setpriv --reuid=nobody --regid=nogroup --groups="$1" --inh-caps=-all --bounding-set=-all -- "${@:2}"; }
USTATE=$TMP/ustate
rm -f "$USTATE"
OUT=$(as_user "$JGID" "$CHECK_OOM" --proc "$M/proc" --sys "$M/sys" --kmsg journal --journal-dir "$J" --state "$USTATE")
RC=$?
[[ $OUT == *"python3 (pid 3882"* || $OUT == *"postgres (pid 5151"* ]] && [[ $OUT == *"'kills'=2;"* ]] &&
	ok "group systemd-journal without CAP_SYSLOG: victims named" || not_ok "as group systemd-journal" "rc $RC" "$OUT"
rm -f "$USTATE" "$USTATE.lock"
OUT=$(as_user 65534 "$CHECK_OOM" --proc "$M/proc" --sys "$M/sys" --kmsg journal --journal-dir "$J" --state "$USTATE")
RC=$?
[ "$RC" = 3 ] && [[ $OUT == "OOM UNKNOWN - --journal-dir $J: Permission denied"* ]] &&
	ok "outside the group: the unreadable journal directory is refused by name" || not_ok "outside the group" "rc $RC" "$OUT"

# A text log: the killers by their syslog tag (no trust, but reported apart).
T=$TMP/t
FX_BOOT_AGE_SEC=3600 FX_OOM_KILL=1 fx_machine "$T"
fx_text_kill "$T/kern.log" 777 java 600
when=$(date -d "@$(($(date +%s) - 300))" '+%b %e %H:%M:%S')
printf '%s host earlyoom[812]: sending SIGKILL to process 4243 uid 0 "chrome": oom_score 700, oom_score_adj 0, VmRSS 100 MiB, cmdline "chrome"\n' "$when" >>"$T/kern.log"
printf '%s host systemd-oomd[600]: Killed /system.slice/batch.service due to memory used (1) / total (2) and swap used (3) / total (4) being more than 90.00%%\n' "$when" >>"$T/kern.log"
run_check --proc "$T/proc" --sys "$T/sys" --kmsg "$T/kern.log" --state "$TMP/tstate" -v
[[ $OUT == *"'kills'=1;"* && $OUT == *"'userspace_kills'=2;"* && $OUT == *"java (pid 777"* &&
	$OUT == *"earlyoom killed chrome (pid 4243, SIGKILL"* && $OUT == *"systemd-oomd killed /system.slice/batch.service (swap)"* ]] &&
	ok "text log: userspace killers by their syslog tag, apart from the kernel's kill" || not_ok "text log" "$OUT"

# Refusals: --journal-dir without --kmsg journal, or not a directory.
run_check --proc "$M/proc" --sys "$M/sys" --journal-dir "$J" --state "$ST"
check_state "--journal-dir needs --kmsg journal" 3 'needs --kmsg journal'
run_check --proc "$M/proc" --sys "$M/sys" --kmsg journal --journal-dir "$J/system.journal" --state "$ST"
check_state "--journal-dir must be a directory" 3 '^OOM UNKNOWN - --journal-dir'

done_testing
