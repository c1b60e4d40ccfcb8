#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/live/test_why_live.sh — why that victim and how to avoid the next one,
# against the real kernel, through all three front ends at once:
#  - a real memcg OOM with three processes of known sizes in a throwaway cgroup
#    (8 MiB and 16 MiB held, a grower killed at the 64 MiB limit);
#  - check_oom -v, a real collectd (oomwatch.so, the notification's metadata
#    as exec's NotificationExec receives it) and the SNMP agent (oomwKillWhy
#    and oomwKillRemedy through a real snmpd) each name the largest as the
#    victim, the cgroup's limit and usage, the two others as runners-up, and
#    propose raising that cgroup's limit; their texts are printed as comments.
# (The "held at its limit" warning is not driven live: this kernel's v1
# memory.failcnt stays 0 while page cache is reclaimed at the limit, and anon
# memory at the limit without swap ends in a kill; see tests/unit/test_assess.c.)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 1
. tests/lib/tap.sh
. tests/lib/oomcg.sh
. tests/collectd/lib.sh
. tests/snmp/snmp_env.sh
CHECK_OOM=$root/build/check_oom
OOMCG_VICTIM=${OOMCG_VICTIM:-$root/build/tests/oom_victim}

skip_if "$(oomcg_unavailable)"
[ -x "$CHECK_OOM" ] || skip_all "missing $CHECK_OOM (run make)"
skip_if "$(cd_unavailable)"
skip_if "$(snmp_unavailable)"
exec_user=nobody
id "$exec_user" >/dev/null 2>&1 || skip_all "no user $exec_user for collectd's exec plugin"

oomcg_lock
tmp=$(mktemp -d /var/tmp/oomwatch-why.XXXXXX)
holders=()
cleanup() {
	local p
	for p in "${holders[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	cd_cleanup
	snmp_env_cleanup # removes the cgroup too
	rm -rf "$tmp"
}
snmp_env_init
cd_setup
trap cleanup EXIT
limit_mib=64
oomcg_create $((limit_mib * 1024 * 1024)) || { not_ok "create a throwaway memory cgroup"; done_testing; }
trap cleanup EXIT # oomcg_create set its own
ok "throwaway cgroup $OOMCG_PATH (cgroup v$OOMCG_VERSION), limit $limit_mib MiB"
vmstat_kills() { awk '$1 == "oom_kill" { print $2 }' /proc/vmstat; }
wait_for() { local i; for i in $(seq $(($1 * 10))); do "${@:2}" && return 0; sleep 0.1; done; return 1; }

# ---- the three front ends, before the kill ---------------------------------
check_oom() { "$CHECK_OOM" --proc /proc --sys /sys --kmsg /dev/kmsg --state "$tmp/state" "$@" 2>&1; }
check_oom >/dev/null # the baseline: kills before this test are not news

# collectd's exec plugin hands the notification with its metadata to a script.
cd_conf "Cgroup \"$OOMCG_PATH\"" 'KmsgPath "/dev/kmsg"'
cd_exec_notifications "$exec_user"
k0=$(vmstat_kills)
cd_start
collectd_ready() { [ "$(cd_csv_last 'oomwatch/derive-oom_kill-*')" = "$k0" ]; }
check "collectd started and dispatched the counter" wait_for 10 collectd_ready

cat >"$SNMP_TMP/agent.conf" <<CONF
state_file $SNMP_TMP/agent.state
CONF
snmp_start_snmpd || { not_ok "snmpd starts"; done_testing; }
snmp_start_agent -c "$SNMP_TMP/agent.conf"
check "the SNMP agent registers with snmpd" snmp_wait_registered 10

# ---- a kill with two bystanders ------------------------------------------
hold() { # NAME MIB: a process of known size in the cgroup, once it holds it
	mkfifo "$tmp/$1.ready"
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" "$3" "$4"' sh "$OOMCG" "$OOMCG_VICTIM" "$1" "$2" \
		>"$tmp/$1.ready" &
	holders+=($!)
	read -r -t 30 _ <"$tmp/$1.ready" || not_ok "$1 holds $2 MiB"
}
hold small-holder 8
small=${holders[0]}
hold medium-holder 16
medium=${holders[1]}
oomcg_kill big-grower || not_ok "the grower was SIGKILLed by the cgroup's OOM killer"
victim=$OOMCG_PID
ok "big-grower (pid $victim) killed beside small-holder ($small) and medium-holder ($medium)"

if [ "$OOMCG_VERSION" = 1 ]; then knob="memory.limit_in_bytes and memory.memsw.limit_in_bytes"; else knob="memory.max"; fi
# The whole sentences (check_oom -v, collectd's metadata, SNMP when they fit).
WHY_CGROUP="Cgroup $OOMCG_PATH hit its memory limit of $limit_mib.0 MiB (usage "*" MiB)"
WHY_TASKS="; big-grower (pid $victim, "*" MiB resident, "*"% of the cgroup's usage) was first of 3 tasks by the kernel's badness (resident memory, swap and page tables), ahead of medium-holder (pid $medium, 1"?.?" MiB) and small-holder (pid $small, "?.?" MiB)."
REMEDY="Raise $knob of cgroup $OOMCG_PATH (now $limit_mib.0 MiB), or make big-grower use less."
# The brief ones (SNMP's 255 bytes, check_oom's default output).
BRIEF_WHY="Cgroup "*" hit its memory limit of $limit_mib.0 MiB (usage "*" MiB)"*"; big-grower was first of 3 tasks by the kernel's badness, ahead of medium-holder (1"?.?" MiB) and small-holder ("?.?" MiB)."
BRIEF_REMEDY="Raise $knob of that cgroup (now $limit_mib.0 MiB), or make big-grower use less."

# ---- check_oom ---------------------------------------------------------------
out=$(check_oom -v)
why=$(printf '%s\n' "$out" | grep -A3 "kill #[0-9]*: big-grower (pid $victim," | sed -n 's/^  why: //p')
remedy=$(printf '%s\n' "$out" | grep -A3 "kill #[0-9]*: big-grower (pid $victim," | sed -n 's/^  remedy: //p')
diag "check_oom -v why: $why"
diag "check_oom -v remedy: $remedy"
[[ $why == $WHY_CGROUP* ]] && ok "check_oom why: the cgroup, its limit and its usage" || not_ok "check_oom why names the cgroup and limit" "$out"
[[ $why == *$WHY_TASKS ]] && ok "check_oom why: the largest is the victim, the two others the runners-up, largest first" ||
	not_ok "check_oom why: victim and runners-up" "$why"
[[ $remedy == "$REMEDY" ]] && ok "check_oom remedy: raise that cgroup's limit" || not_ok "check_oom remedy" "$remedy"
out=$("$CHECK_OOM" --proc /proc --sys /sys --kmsg /dev/kmsg --state "$tmp/state2" 2>&1)
diag "check_oom (default output, ${#out} bytes):"
while IFS= read -r l; do diag "  $l"; done <<<"$out"
bwhy=$(sed -n 's/^why: //p' <<<"$out")
bremedy=$(sed -n 's/^remedy: //p' <<<"$out")
[[ $bwhy == $BRIEF_WHY && $bremedy == "$BRIEF_REMEDY" && ${#out} -lt 1024 ]] &&
	ok "check_oom default output: the brief why and remedy of this kill, within 1 KiB" ||
	not_ok "check_oom default output: the brief why and remedy" "$out"

# ---- collectd ------------------------------------------------------------------
notified() { [ -n "$(cd_notification_meta "$victim")" ]; }
if wait_for 10 notified; then
	meta=$(cd_notification_meta "$victim")
	cwhy=$(sed -n 's/^why: //p' <<<"$meta")
	cremedy=$(sed -n 's/^remedy: //p' <<<"$meta")
	diag "collectd notification: $(grep -F "(pid $victim," "$CD_LOG" | head -1 | sed 's/^.*message = //')"
	diag "collectd meta why: $cwhy"
	diag "collectd meta remedy: $cremedy"
	[[ $cwhy == $WHY_CGROUP* && $cwhy == *$WHY_TASKS ]] &&
		ok "collectd why: the cgroup, limit and usage; the victim first, the two runners-up" || not_ok "collectd why" "$meta"
	[[ $cremedy == "$REMEDY" ]] && ok "collectd remedy: raise that cgroup's limit" || not_ok "collectd remedy" "$meta"
else
	not_ok "collectd notified the kill of pid $victim" "$(tail -5 "$CD_LOG")"
fi

# ---- SNMP ----------------------------------------------------------------------
row_of() { # PID: the oomwKillTable index of the kill of PID
	snmp_walk oomwKillPid 2>/dev/null | awk -v p="$1" '$NF == p { split($1, a, "."); print a[2]; exit }'
}
has_row() { [ -n "$(row_of "$victim")" ]; }
if wait_for 10 has_row; then
	index=$(row_of "$victim")
	swhy=$(snmp_value "oomwKillWhy.$index" | sed 's/^"//; s/"$//')
	sremedy=$(snmp_value "oomwKillRemedy.$index" | sed 's/^"//; s/"$//')
	diag "SNMP oomwKillWhy.$index: $swhy"
	diag "SNMP oomwKillRemedy.$index: $sremedy"
	# The whole sentence when it fits 255 bytes, else the brief one.
	[[ ($swhy == $WHY_CGROUP* && $swhy == *$WHY_TASKS) || $swhy == $BRIEF_WHY ]] && [ "${#swhy}" -le 255 ] &&
		ok "SNMP why (${#swhy} bytes): the cgroup, limit and usage; the victim first, the two runners-up" ||
		not_ok "SNMP why" "$swhy"
	[[ $sremedy == "$REMEDY" || $sremedy == "$BRIEF_REMEDY" ]] && [ "${#sremedy}" -le 255 ] &&
		ok "SNMP remedy: raise that cgroup's limit" || not_ok "SNMP remedy" "$sremedy"
else
	not_ok "the SNMP agent has the kill of pid $victim in oomwKillTable" "$(tail -5 "$SNMP_TMP/agent.log")"
fi
for p in "${holders[@]}"; do kill "$p"; wait "$p" 2>/dev/null; done
holders=()

done_testing
