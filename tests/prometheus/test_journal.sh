#!/bin/bash
# SPDX-License-Identifier: MIT
# oomwatch-exporter --kmsg journal --journal-dir on real journal files (written
# by systemd-journal-remote, tests/lib/journal.sh): the kernel's kill is named,
# systemd-oomd's and earlyoom's kills are counted in their own counter, never in
# the kernel's, and forged lines are ignored.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/lib/journal.sh"
skip_if "$(journal_unavailable)"
"$EXPORTER" --help | grep -q -- --journal-dir || skip_all "oomwatch-exporter built without the journal"

M=$TMP/m
mkdir -p "$M/sys/kernel/random"
cp -r "$ROOT/tests/fixtures/proc-linux-6.18/." "$M/"
sed -i 's/^oom_kill .*/oom_kill 1/' "$M/vmstat"
echo "3f1d7c2e-5b7a-4c1e-9a53-0d2e8f6b4a11" >"$M/sys/kernel/random/boot_id"
printf 'cpu  0 0 0 0 0 0 0 0 0 0\nbtime %d\n' $(($(date +%s) - 3600)) >"$M/stat"
jx_boot "$M"
J=$TMP/journal
mkdir -p "$J"
{
	jx_fixture "$ROOT/tests/fixtures/kernel-log/linux-6.18-memcg-v1.kmsg"
	jx_killers
} | jx_write "$J/system.journal" || not_ok "journal written" "systemd-journal-remote failed"

F=$TMP/oomwatch.prom
"$EXPORTER" --proc "$M" --sys "$ROOT/tests/fixtures/sys-cgroup-v2" --kmsg journal --journal-dir "$J" \
	--textfile "$F" --once 2>"$TMP/once.err"
rc=$?
[ "$rc" = 0 ] && ok "--once with --kmsg journal --journal-dir" || not_ok "--once" "exit $rc" "$(cat "$TMP/once.err")"
T=$(cat "$F" 2>/dev/null)
[ "$(prom_value "$T" oomwatch_oom_kills_total)" = 1 ] && ok "the kernel's counter: 1" ||
	not_ok "kernel counter" "$(grep oom_kills "$F")"
[ "$(prom_value "$T" oomwatch_userspace_oom_kills_total)" = 2 ] && ok "systemd-oomd and earlyoom: 2 userspace kills, apart" ||
	not_ok "userspace counter" "$(grep userspace "$F")"
[ "$(prom_value "$T" 'oomwatch_oom_kills_by_scope_total{scope="unknown"}')" = 0 ] &&
	ok "userspace kills are not counted as kernel kills of unknown scope" || not_ok "scope counts" "$(grep by_scope "$F")"
grep -q '^oomwatch_last_oom_kill_info{comm="python3",pid="3882"' "$F" && ok "the last kernel kill is named from the journal" ||
	not_ok "last kill info" "$(grep last_oom "$F")"
! grep -q 'forged\|imposter' "$F" && ok "forged kernel and earlyoom lines ignored" || not_ok "forged lines" "$(grep -E 'forged|imposter' "$F")"
prom_lint "journal source" "$F"

"$EXPORTER" --proc "$M" --journal-dir "$J" --textfile "$F" --once 2>"$TMP/bad.err"
rc=$?
[ "$rc" = 1 ] && grep -q -- '--journal-dir .*needs the journal' "$TMP/bad.err" &&
	ok "--journal-dir without --kmsg journal is refused" || not_ok "refusal" "exit $rc" "$(cat "$TMP/bad.err")"
done_testing
