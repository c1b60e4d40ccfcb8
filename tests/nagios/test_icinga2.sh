#!/bin/bash
# SPDX-License-Identifier: MIT
# contrib/icinga2/check_oom.conf in a real Icinga 2: `icinga2 daemon -C`
# validates a minimal config that uses every variable (and rejects one whose
# CheckCommand is missing, so the validation is real); then a daemon with its
# own temp dirs runs the check against a fake machine and its PerfdataWriter
# shows the result Icinga parsed.
. "$(dirname "$0")/lib.sh"

command -v icinga2 >/dev/null || skip_all "icinga2 is not installed (icinga2-bin; make deps)"
[ "$(id -u)" = 0 ] || skip_all "the Icinga 2 daemon test runs as root (RunAsUser root) to keep its own temp dirs"

I=$TMP/icinga2
mkdir -p "$I/cache" "$I/log" "$I/data" "$I/spool" "$I/run"
dirs=(-c "$I/icinga2.conf" -DDataDir="$I/data" -DLogDir="$I/log" -DCacheDir="$I/cache" -DSpoolDir="$I/spool"
	-DInitRunDir="$I/run" -DRunAsUser=root -DRunAsGroup=root)

M=$TMP/m
FX_OOM_KILL=1 fx_machine "$M"
fx_kmsg_kill "$M/kmsg" 4242 'web|app' 60 /app.slice
service() {
	cat <<-CONF
	const PluginDir = "$(dirname "$CHECK_OOM")"
	include <itl>
	$1
	object Host "oomhost" {
	  check_command = "dummy"
	  enable_active_checks = false
	}
	object Service "oom" {
	  host_name = "oomhost"
	  check_command = "check_oom"
	  check_interval = 1s
	  retry_interval = 1s
	  vars.oom_warning = "~:"
	  vars.oom_critical = "0"
	  vars.oom_window = "2h"
	  vars.oom_mem_warning = ""
	  vars.oom_mem_critical = "256MiB:"
	  vars.oom_swap_warning = "20%:"
	  vars.oom_swap_critical = "10%:"
	  vars.oom_psi = "some"
	  vars.oom_psi_avg = 300
	  vars.oom_psi_warning = "10"
	  vars.oom_psi_critical = "30"
	  vars.oom_cgroup = [ "/app*", "/db*" ]
	  vars.oom_cgroup_warning = "90%"
	  vars.oom_cgroup_critical = "99%"
	  vars.oom_candidates = 0
	  vars.oom_proc = "$M/proc"
	  vars.oom_sys = "$M/sys"
	  vars.oom_kmsg = "$M/kmsg"
	  vars.oom_state = "$TMP/icinga.state"
	  vars.oom_timeout = "20s"
	  vars.oom_verbose = false
	}
	CONF
}

service "include \"$ROOT/contrib/icinga2/check_oom.conf\"" >"$I/icinga2.conf"
out=$(icinga2 daemon -C "${dirs[@]}" 2>&1)
rc=$?
[ $rc = 0 ] && [[ $out == *"Finished validating the configuration"* ]] && ok "icinga2 daemon -C accepts the CheckCommand with every variable" ||
	not_ok "icinga2 daemon -C accepts the CheckCommand" "exit $rc" "$(tail -5 <<<"$out")"

service "" >"$I/icinga2.conf"
out=$(icinga2 daemon -C "${dirs[@]}" 2>&1)
rc=$?
[ $rc != 0 ] && [[ $out == *"check_oom"*"does not exist"* ]] && ok "icinga2 daemon -C fails without the CheckCommand (validation is real)" ||
	not_ok "icinga2 -C without the CheckCommand fails" "exit $rc" "$(tail -5 <<<"$out")"

# The daemon itself: check results through the PerfdataWriter.
service "include \"$ROOT/contrib/icinga2/check_oom.conf\"" >"$I/icinga2.conf"
cat >>"$I/icinga2.conf" <<-CONF
object CheckerComponent "checker" { }
object PerfdataWriter "perfdata" {
  service_perfdata_path = "$I/cache/service-perfdata"
  service_temp_path = "$I/cache/service-perfdata.tmp"
  host_perfdata_path = "$I/cache/host-perfdata"
  host_temp_path = "$I/cache/host-perfdata.tmp"
  service_format_template = "STATE::\$service.state\$\tOUTPUT::\$service.output\$\tPERF::\$service.perfdata\$"
  rotation_interval = 1s
}
CONF
icinga2 daemon "${dirs[@]}" >"$I/daemon.log" 2>&1 &
pid=$!
line=
for _ in $(seq 1 100); do
	# The output holds newlines (long output): take the whole record.
	line=$(cat "$I/cache/service-perfdata."* 2>/dev/null)
	[[ $line == *PERF::* ]] && break
	sleep 0.2
done
# The umbrella process stops its worker on SIGTERM; give it 5 s, then make sure
# nothing started from this test's config is left.
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
for _ in $(seq 1 25); do
	left=$(pgrep -f -- "-c $I/icinga2.conf")
	[ -z "$left" ] && break
	sleep 0.2
done
[ -n "$left" ] && kill -9 $left 2>/dev/null
[ -n "$line" ] && ok "the Icinga 2 daemon ran check_oom" || not_ok "the Icinga 2 daemon ran check_oom" "$(tail -20 "$I/daemon.log")"
[[ $line == STATE::CRITICAL$'\t'"OUTPUT::OOM CRITICAL - 1 OOM kill in last 2h: web\x7capp (pid 4242, 66.6 MiB, /app.slice)"* ]] &&
	ok "Icinga 2: CRITICAL with the victim escaped" || not_ok "Icinga 2 state and output" "$line"
[[ $line == *"PERF::kills=1;~:;0;0; "*"mem_available=6442450944B;;268435456:;0;8589934592 mem_available_pct=75.00%;;;0;100"*"psi_some_avg300=0.00%;10;30;0;100 cgroup_kills=0;;;0;"* ]] &&
	ok "Icinga 2: every variable reached check_oom (ranges in the perfdata; \"\" turned the default --mem-warning off)" ||
	not_ok "Icinga 2 perfdata" "$line"

done_testing
