#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/soak/soak.sh [N] — as root: N real OOM kills in a throwaway memory
# cgroup, at random intervals, while collectd (with oomwatch.so), the SNMP
# agent and snmpd are stopped at random (SIGTERM or SIGKILL) and started again
# after 0-3 s; once in the run the agent's and once collectd's state file is
# truncated while that daemon is down. check_oom runs at random moments with a
# state file of its own. At the end: one line per front end — expected,
# distinct, duplicates, re-reported, missing — and the /proc/vmstat oom_kill
# delta. Exit status 0 only with nothing missing and nothing duplicated.
#
# Victims are named "s<seed>-<i>" and counted by name (pids may wrap). A front end that finds
# its state file truncated cannot know what it already notified; it notifies
# the kills since boot still in the kernel log again (README, "Nothing lost").
# Those repeats are "re-reported": allowed once per victim killed before such a
# start, and for no other victim (a daemon killed again before it replaced the
# file finds it truncated once more: another such start). Every other repeat
# is a duplicate.
#
# SOAK_SEED=n replays a run's random choices (the seed is printed first);
# SOAK_KEEP=1 keeps the temp directories. Daemons only ever listen on
# 127.0.0.1 and unix sockets in the temp directories.
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
source tests/lib/oomcg.sh
source tests/snmp/snmp_env.sh
source tests/collectd/lib.sh

N=${1:-20}
SEED=${SOAK_SEED:-$(( $(od -An -N2 -tu2 /dev/urandom) ))}
echo "soak: N=$N SOAK_SEED=$SEED"
RANDOM=$SEED
CHECK_OOM=$ROOT/build/check_oom

why=$(oomcg_unavailable)
[ -z "$why" ] && why=$(snmp_unavailable)
[ -z "$why" ] && why=$(cd_unavailable)
[ -z "$why" ] && [ ! -x "$CHECK_OOM" ] && why="missing $CHECK_OOM (run make)"
if [ -n "$why" ]; then
	echo "soak: cannot run: $why"
	exit 77
fi

snmp_env_init
cd_setup
SOAK=$SNMP_TMP
SOAK_MAIN=$BASHPID
soak_cleanup() {
	# Only the script itself: a subshell killed by a signal may run the
	# EXIT trap it inherited, and must not tear the run down under it.
	[ "$BASHPID" = "$SOAK_MAIN" ] || return 0
	[ -n "$CD_PID" ] && kill -TERM "$CD_PID" 2>/dev/null && wait "$CD_PID" 2>/dev/null
	CD_PID=
	[ -n "${SOAK_KEEP:-}" ] && { echo "soak: kept $SNMP_TMP and $CD_DIR"; SNMP_KEEP=1; }
	[ -n "${SOAK_KEEP:-}" ] || rm -rf "$CD_DIR"
	snmp_env_cleanup
}
trap soak_cleanup EXIT

cat >"$SOAK/agent.conf" <<CONF
interval 5s
ping_interval 1s
trap_queue_size 256
state_file $SOAK/agent.state
CONF
cd_conf "StateFile \"$CD_DIR/oomwatch.state\"" "NotifyKills true"
AGENT_STATE=$SOAK/agent.state
CD_STATE=$CD_DIR/oomwatch.state

vmstat_kills() { awk '$1 == "oom_kill" { print $2 }' /proc/vmstat; }
now_ms() { date +%s%3N; }
step=0 # ordinal of what happened, to order kills and corrupt-state restarts
: >"$SOAK/victims"   # step pid name
: >"$SOAK/corrupt"   # step frontend
: >"$SOAK/checks"    # each run's count of new kills

run_check_oom() {
	local out new
	out=$("$CHECK_OOM" --state "$SOAK/check.state" 2>&1)
	new=$(grep -oE 'new since the last check: [0-9]+' <<<"$out" | grep -oE '[0-9]+$')
	echo "new ${new:-?}" >>"$SOAK/checks"
}

# Each daemon: start, stop SIG, and when it is due back (0 = running).
declare -A due=([snmpd]=0 [agent]=0 [collectd]=0)
declare -A restarts=()
start_daemon() {
	case $1 in
	snmpd) rm -f "$SNMP_SOCKET"; snmp_start_snmpd ;;
	agent) note_corrupt agent "$AGENT_STATE"; snmp_start_agent -c "$SOAK/agent.conf" ;;
	collectd) note_corrupt collectd "$CD_STATE"; cd_start ;;
	esac
	due[$1]=0
}
# A start that will find its state file corrupt (a truncated file has no end
# line) may re-report every kill before it. Killed again before it replaced
# the file, the next start finds it corrupt too, and counts again.
note_corrupt() { # NAME FILE
	[ -s "$2" ] && ! tail -n 1 "$2" | grep -q '^end fnv1a64=' || return 0
	step=$((step + 1))
	echo "$step $1" >>"$SOAK/corrupt"
	echo "soak: step $step: $1 starts with a truncated state file"
}
# A process that has not exited (a zombie has: it waits to be reaped).
alive() {
	local st
	st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ]
}
# Whether PID is still the forked copy of this script that has not exec'd its
# daemon yet. Signalled then, that copy runs this script's EXIT trap (bash
# keeps the parent's traps until the exec) and bash prints "wait_for: No
# record of process PID": the daemon is signalled only once it runs.
read -r SOAK_COMM </proc/$$/comm
unexeced() {
	local comm
	read -r comm 2>/dev/null </proc/"$1"/comm && [ "$comm" = "$SOAK_COMM" ]
}
stop_daemon() { # NAME SIG
	local pid
	case $1 in
	snmpd) pid=$SNMPD_PID ;;
	agent) pid=$AGENT_PID ;;
	collectd) pid=$CD_PID; CD_PID= ;;
	esac
	local sig=$2 w
	for ((w = 0; w < 50; w++)); do unexeced "$pid" || break; sleep 0.1; done
	# snmpd loses a SIGTERM that comes while it is still starting: after 5 s,
	# SIGKILL (said, and counted as such). Bash's "Killed" notes go to null.
	{
		kill -"$sig" "$pid"
		for ((w = 0; w < 50; w++)); do alive "$pid" || break; sleep 0.1; done
		if alive "$pid"; then
			echo "soak: $1 did not exit within 5 s of SIG$sig: SIGKILL" >&3
			sig=KILL
			kill -KILL "$pid"
		fi
		wait "$pid"
	} 3>&2 2>/dev/null
	# Gone: the final cleanup must not signal its pid again.
	local keep=() q
	for q in "${SNMP_PIDS[@]}"; do [ "$q" = "$pid" ] || keep+=("$q"); done
	SNMP_PIDS=("${keep[@]}")
	restarts[$1 $sig]=$(( ${restarts[$1 $sig]:-0} + 1 ))
	# Where its reports are, a mark: what it was about to record may come again.
	if [ "$sig" = KILL ]; then
		case $1 in
		collectd) echo "SOAK SIGKILL collectd" >>"$CD_LOG" ;;
		*) echo "SOAK SIGKILL $1" >>"$SOAK/traps.log" ;;
		esac
	fi
}
# Down for 0-3 s from now.
take_down() { # NAME SIG
	stop_daemon "$1" "$2"
	due[$1]=$(( $(now_ms) + RANDOM % 3001 ))
}
bring_back_due() {
	local d t
	t=$(now_ms)
	for d in snmpd agent collectd; do
		[ "${due[$d]}" -ne 0 ] && [ "${due[$d]}" -le "$t" ] && start_daemon "$d"
	done
}
# The state file is cut in half while its daemon is down, so that the next
# process finds it truncated (a running one would just overwrite it).
truncate_state() { # NAME FILE
	[ "${due[$1]}" -ne 0 ] || take_down "$1" KILL
	[ -s "$2" ] && truncate -s $(( $(stat -c %s "$2") / 2 )) "$2"
	echo "soak: $1's state file truncated while it is down"
}

oomcg_lock
snmp_oomcg_create || { echo "soak: cannot create the throwaway cgroup"; exit 1; }
trap soak_cleanup EXIT # snmp_oomcg_create set its own
start_daemon snmpd
snmp_start_trapd
start_daemon agent
start_daemon collectd
snmp_wait_registered 15 || { echo "soak: the agent did not register"; tail "$SOAK/agent.log"; exit 1; }
cd_wait_log 'oomwatch' 10
run_check_oom # its first run reads the kills since boot: not counted
: >"$SOAK/checks"
vm_before=$(vmstat_kills)
t_start=$(now_ms)

daemons=(snmpd agent collectd)
sigs=(TERM KILL)
for ((i = 1; i <= N; i++)); do
	# Restarts at a random moment between kills, not right after one.
	sleep "0.$(printf '%03d' $((RANDOM % 300)))"
	bring_back_due
	[ "$i" -eq $(( N / 2 )) ] && truncate_state agent "$AGENT_STATE"
	[ "$i" -eq $(( 3 * N / 4 )) ] && truncate_state collectd "$CD_STATE"
	r=$((RANDOM % 100))
	if [ "$r" -lt 30 ]; then
		d=${daemons[RANDOM % 3]}
		s=${sigs[RANDOM % 2]}
		[ "${due[$d]}" -eq 0 ] && take_down "$d" "$s"
	elif [ "$r" -lt 40 ]; then
		run_check_oom
	fi
	sleep "0.$(printf '%03d' $((RANDOM % 200)))"
	bring_back_due
	name="s$SEED-$i"
	oomcg_kill "$name" 2>/dev/null || echo "soak: victim $i was not OOM-killed"
	step=$((step + 1))
	echo "$step $OOMCG_PID $name" >>"$SOAK/victims"
done
for d in snmpd agent collectd; do
	[ "${due[$d]}" -ne 0 ] && start_daemon "$d"
done
vm_after=$(vmstat_kills)

# Settle: the agent registers and sends what it owes; collectd samples.
snmp_wait_registered 15 || echo "soak: the agent did not register again"
want=$(awk '{ print $3 }' "$SOAK/victims")
delivered() { # FILE REGEX — every victim's name appears where %s is
	local p
	for p in $want; do grep -qE "${2//%s/$p}" "$1" || return 1; done
}
for ((w = 0; w < 150; w++)); do
	delivered "$SOAK/traps.log" 'oomwKillName\.[0-9]+ = STRING: "?%s([^0-9]|$)' &&
		delivered "$CD_LOG" 'message = OOM killer killed %s \(pid ' && break
	sleep 0.2
done
sleep 1 # anything still in flight that would be a duplicate
run_check_oom
t_end=$(now_ms)

python3 - "$SOAK" "$CD_LOG" "$N" "$((vm_after - vm_before))" "$(( (t_end - t_start) / 1000 ))" \
	"$(for k in "${!restarts[@]}"; do echo "$k=${restarts[$k]}"; done | sort | tr '\n' ' ')" <<'PY'
import collections, re, sys
soak, cd_log, n, vm_delta, secs, restarts = sys.argv[1:7]
n, vm_delta = int(n), int(vm_delta)
victims = {}  # name -> step
for line in open(soak + "/victims"):
    step, _, name = line.split()
    victims[name] = int(step)
corrupt = collections.defaultdict(list)
for line in open(soak + "/corrupt"):
    step, fe = line.split()
    corrupt[fe].append(int(step))

# A repeat right after a SIGKILL is the documented at-least-once window: the
# daemon died after the report left and before its state file recorded it
# (for traps: the agent, or snmpd between sending the trap and answering).
# A repeat counts as "after SIGKILL" when such a kill came between the two
# reports, with at most WINDOW reports between the first one and the kill.
WINDOW = 3

def read_seq(path, report_re, killers):
    """Victim names in the order reported, None for a SIGKILL of one of killers."""
    seq = []
    for line in open(path, errors="replace"):
        if line.startswith("SOAK SIGKILL "):
            if line.split()[2] in killers:
                seq.append(None)
            continue
        seq.extend(m.group(1) for m in re.finditer(report_re, line))
    return seq

def tally(label, seq, fe):
    got = collections.Counter()
    last = {}       # victim -> how many reports had come before its last one
    kills = []      # how many reports had come before each SIGKILL
    seen = 0
    rere = dup = after_kill = 0
    for v in seq:
        if v is None:
            kills.append(seen)
            continue
        if v in victims:
            got[v] += 1
            if v in last:
                prev = last[v]
                allowed = sum(1 for s in corrupt.get(fe, []) if s > victims[v])
                if rere_of[v] < allowed:
                    rere_of[v] += 1
                    rere += 1
                elif any(prev < k <= prev + 1 + WINDOW for k in kills):
                    after_kill += 1
                else:
                    dup += 1
            last[v] = seen
        seen += 1
    return [label, len(victims), sum(got.values()), len(got), dup, rere, after_kill, len(victims) - len(got)]

rere_of = collections.Counter()
notes = read_seq(cd_log, r'message = OOM killer killed (s\d+-\d+) \(pid ', {"collectd"})
rows = [tally("collectd notifications", notes, "collectd")]
rere_of = collections.Counter()
traps = read_seq(soak + "/traps.log", r'oomwKillName\.\d+ = STRING: "?(s\d+-\d+)', {"agent", "snmpd"})
rows.append(tally("SNMP traps", traps, "agent"))
# check_oom by counts: the sum of "new since the last check" over its runs
# (its output lists only the newest kills, so names cannot be matched).
news = 0
for line in open(soak + "/checks"):
    v = line.split()[1]
    news += int(v) if v.isdigit() else 0
rows.append(["check_oom runs", len(victims), news, min(news, len(victims)), max(0, news - len(victims)), 0, 0,
             max(0, len(victims) - news)])
print("soak: %d kills in %s s; restarts: %s" % (n, secs, restarts.strip() or "none"))
print("soak: /proc/vmstat oom_kill delta %d (expected %d)" % (vm_delta, n))
hdr = ["front end", "expected", "received", "distinct", "duplicates", "re-reported", "after-SIGKILL",
       "missing"]
w = [max(len(str(r[i])) for r in rows + [hdr]) for i in range(len(hdr))]
for r in [hdr] + rows:
    print("  " + "  ".join(str(c).rjust(w[i]) if i else str(c).ljust(w[i]) for i, c in enumerate(r)))
bad = vm_delta != n or len(victims) != n or any(r[4] or r[7] for r in rows)
print("soak: %s" % ("FAILED" if bad else "ok: nothing missing, nothing duplicated"))
sys.exit(1 if bad else 0)
PY
