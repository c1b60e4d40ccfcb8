#!/bin/bash
# SPDX-License-Identifier: MIT
# check_oom --kmsg journal against real journal files, written by
# systemd-journal-remote from export-format text: the kernel's OOM report of
# tests/fixtures (kernel transport), a forged `logger -t kernel` line,
# systemd-oomd and earlyoom kills, rotation into a second file. Exactly the
# expected kills, each reported once across runs (the cursor in the state), and
# named for a user in group systemd-journal without CAP_SYSLOG.
. "$(dirname "$0")/lib.sh"

. "$ROOT/tests/lib/journal.sh"
skip_if "$(journal_unavailable)"
JGID=$(getent group systemd-journal | cut -d: -f3)
[ -n "$JGID" ] || skip_all "no group systemd-journal"
"$CHECK_OOM" --help | grep -q -- --journal-dir || skip_all "check_oom built without the journal"

M=$TMP/m
FX_BOOT_AGE_SEC=3600 FX_OOM_KILL=1 fx_machine "$M"
jx_boot "$M/proc"
J=$TMP/journal
mkdir -p "$J"
{
	jx_fixture "$ROOT/tests/fixtures/kernel-log/linux-6.18-memcg-v1.kmsg"
	jx_killers
} | jx_write "$J/system@0001.journal" || not_ok "journal written" "systemd-journal-remote failed"

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
	jx_kernel 400000000 "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/db.service,task=postgres,pid=5151,uid=105"
	jx_kernel 400000040 "Out of memory: Killed process 5151 (postgres) total-vm:9000kB, anon-rss:8000kB, file-rss:0kB, shmem-rss:0kB, UID:105 pgtables:40kB oom_score_adj:0"
} | jx_write "$J/system.journal" || not_ok "second journal file written"
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
check_state "--journal-dir needs --kmsg journal" 3 'needs the journal as the kernel log'
run_check --proc "$M/proc" --sys "$M/sys" --kmsg journal --journal-dir "$J/system.journal" --state "$ST"
check_state "--journal-dir must be a directory" 3 '^OOM UNKNOWN - --journal-dir'

done_testing
