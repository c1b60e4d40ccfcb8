#!/bin/bash
# SPDX-License-Identifier: MIT
# Live: the set of series (CSV files) a real collectd writes does not grow with
# new pids. Candidates are series by rank and cgroups by path, so after five
# new processes took the first rank in turn and two real OOM kills in a
# throwaway cgroup, the files are the ones there were before.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/lib/oomcg.sh
source tests/collectd/lib.sh

skip_if "$(cd_unavailable)"
skip_if "$(oomcg_unavailable)"

oomcg_lock
oomcg_create || skip_all "cannot create a memory cgroup"
cd_setup
churn=()
trap 'kill "${churn[@]}" 2>/dev/null; cd_cleanup; oomcg_remove' EXIT
cg_inst=$(cd_cgroup_instance "$OOMCG_PATH")

# series: every CSV file below the host, without its date suffix, sorted.
series() { (cd "$CD_CSV" && ls -d */* | sed -E 's/-[0-9]{4}-[0-9]{2}-[0-9]{2}$//' | sort -u); }
# after_rounds N: waits until collectd has written N more rows of the rank1 series.
after_rounds() {
	local f=("$CD_CSV"/oomwatch-candidates/oom_score-rank1-*) n
	n=$(($(cat "${f[@]}" | wc -l) + $1))
	for _ in $(seq 100); do
		[ "$(cat "${f[@]}" | wc -l)" -ge "$n" ] && return 0
		sleep 0.1
	done
	return 1
}

cd_conf "Candidates 3" "Cgroup \"$OOMCG_PATH\""
cd_start
cd_wait_log 'oomwatch: watching' 10
check "the rank series appear" cd_wait_file 'oomwatch-candidates/oom_score-rank3-*' 10
check "the cgroup's series appear ($cg_inst)" cd_wait_file "oomwatch-$cg_inst/derive-oom_kill-*" 10
after_rounds 2
before=$(series)

# Five processes, one after the other, each the OOM killer's first choice for
# two intervals or more.
first=0
for i in 1 2 3 4 5; do
	sleep 60 &
	churn+=($!)
	echo 1000 >"/proc/$!/oom_score_adj"
	after_rounds 2
	# oom_score_adj 1000 puts the score at 1000 or more: this one is rank1.
	[ "$(cd_csv_last 'oomwatch-candidates/oom_score-rank1-*' | cut -d. -f1)" -ge 1000 ] &&
		first=$((first + 1))
	kill "$!"
	wait "$!" 2>/dev/null
done
check "five new pids took the first rank in turn (${churn[*]})" [ "$first" = 5 ]
oomcg_kill oomw-series-1
check "first real kill" [ $? -eq 0 ]
oomcg_kill oomw-series-2
check "second real kill" [ $? -eq 0 ]
for _ in $(seq 100); do
	[ "$(cd_csv_last "oomwatch-$cg_inst/derive-oom_kill-*")" = 2 ] && break
	sleep 0.1
done
check "the cgroup's series counted both kills" \
	[ "$(cd_csv_last "oomwatch-$cg_inst/derive-oom_kill-*")" = 2 ]
after_rounds 2
after=$(series)
if [ "$before" = "$after" ]; then
	ok "the set of series is unchanged ($(echo "$after" | wc -l) files)"
else
	not_ok "the set of series is unchanged" "$(diff <(echo "$before") <(echo "$after"))"
fi
check "no series named by a pid" [ -z "$(echo "$after" | grep -E "_(${churn[*]// /|})\$")" ]
cd_stop
done_testing
