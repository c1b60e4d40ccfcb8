#!/bin/bash
# SPDX-License-Identifier: MIT
# oomwatch-prometheus installed with apt-get on this machine: the unit passes
# systemd-analyze verify and runs /usr/bin/oomwatch-exporter; the exporter,
# started as its unit would (root with CAP_SYSLOG as the only capability,
# oom_score_adj -1000, its state directory), writes oomwatch.prom into Debian's
# node_exporter textfile directory; a real prometheus-node-exporter (textfile
# collector alone, as the prometheus user, 127.0.0.1) serves it, and after a
# real OOM kill a scrape shows oomwatch_oom_kills_total risen and the victim in
# oomwatch_last_oom_kill_info. Removal takes the textfile away, purge the state.
. "$(dirname "$0")/lib.sh"
. "$PKG_ROOT/tests/lib/oomcg.sh"
skip_if "$(pkg_unavailable)"
skip_if "$(oomcg_unavailable)"
for t in prometheus-node-exporter curl ss systemd-analyze setpriv; do
	command -v "$t" >/dev/null || skip_all "$t is not installed (make deps)"
done
# Debian's textfile directory: node_exporter's built-in default, which the unit writes to.
TD=$(prometheus-node-exporter --help 2>&1 | sed -n 's/.*--collector.textfile.directory="\([^"]*\)".*/\1/p')
[ -n "$TD" ] || skip_all "prometheus-node-exporter --help names no textfile directory"
P=$TD/oomwatch.prom
# Never clobber an exporter already running on this machine.
[ -e "$P" ] && skip_all "$P exists already (an oomwatch-exporter runs here)"
dpkg -s oomwatch-prometheus >/dev/null 2>&1 && skip_all "oomwatch-prometheus is installed already"
state_existed=$([ -e /var/lib/oomwatch-exporter ] && echo yes)
[ -n "$state_existed" ] && skip_all "/var/lib/oomwatch-exporter exists already"

pkg_build || { not_ok "the packages build" "$(tail -n 20 "$PKG_DIR/build.log")"; done_testing; }
pkg_install oomwatch-prometheus && ok "apt-get install ./oomwatch-prometheus_*.deb" || { not_ok "install"; done_testing; }
pkg_at_exit 'rm -rf /var/lib/oomwatch-exporter "$P" "$P.tmp"'
U=/lib/systemd/system/oomwatch-exporter.service
out=$(systemd-analyze verify "$U" 2>&1)
check "systemd-analyze verify $U" test -z "$out"
[ -n "$out" ] && diag "$out"
check "the manual page is installed" test -f /usr/share/man/man1/oomwatch-exporter.1.gz
check "the alerting rules are an example in the package's docs" \
	test -f /usr/share/doc/oomwatch-prometheus/examples/prometheus-oomwatch.rules.yml
check "the package depends on no daemon and recommends prometheus-node-exporter" \
	test "$(dpkg-query -W -f='${Recommends}' oomwatch-prometheus)" = 'prometheus-node-exporter, libsystemd0'

# The exporter as oomwatch-exporter.service starts it: its ExecStart (with the
# continuation line), CapabilityBoundingSet, OOMScoreAdjust and StateDirectory,
# read from the unit.
unit() { sed -n "s/^$1=//p" "$U"; }
exec_line=$(awk '/^ExecStart=/ { on = 1; sub(/^ExecStart=/, "") } on { c = sub(/\\$/, ""); printf "%s ", $0; if (!c) exit }' "$U")
read -r -a exec_start <<<"$exec_line"
check "the unit runs the packaged /usr/bin/oomwatch-exporter" test "${exec_start[0]}" = /usr/bin/oomwatch-exporter
check "the unit writes $P" grep -qF -- "--textfile $P " <<<"$exec_line "
check "the unit keeps CAP_SYSLOG alone and sets OOMScoreAdjust=-1000" \
	test "$(unit CapabilityBoundingSet) $(unit NoNewPrivileges) $(unit OOMScoreAdjust)" = "CAP_SYSLOG yes -1000"
install -d -m 0755 "/var/lib/$(unit StateDirectory)"
# Lowering oom_score_adj needs CAP_SYS_RESOURCE, which systemd has; a container's root may not.
sysres=$(((0x$(awk '/^CapEff/ { print $2 }' /proc/self/status) >> 24) & 1))
[ "$sysres" = 1 ] || diag "no CAP_SYS_RESOURCE here: the exporter starts without OOMScoreAdjust"
pkg_tmpdir
(
	[ "$sysres" = 1 ] && echo "$(unit OOMScoreAdjust)" >/proc/self/oom_score_adj
	exec setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all,+syslog --no-new-privs -- "${exec_start[@]}"
) >"$PKG_TMP/exporter.log" 2>&1 &
ex_pid=$!
pkg_at_exit 'kill $ex_pid 2>/dev/null && wait $ex_pid 2>/dev/null'
for _ in $(seq 100); do [ -s "$P" ] && break; kill -0 "$ex_pid" 2>/dev/null || break; sleep 0.05; done
check "the exporter wrote $P" test -s "$P"
st=$(grep -E '^(Uid|CapEff|CapPrm|CapBnd)' /proc/$ex_pid/status | awk '{print $2}' | tr '\n' ' ')
check "the exporter runs as root holding CAP_SYSLOG only (Uid, CapPrm, CapEff, CapBnd: $st)" \
	test "$st" = "0 0000000400000000 0000000400000000 0000000400000000 "
[ "$sysres" = 1 ] && check "the exporter's oom_score_adj is -1000" test "$(cat /proc/$ex_pid/oom_score_adj)" = -1000

# node_exporter as Debian's prometheus-node-exporter.service runs it (user
# prometheus), with the textfile collector alone on 127.0.0.1.
port=$(pkg_port tcp 9100)
setpriv --reuid=prometheus --regid=prometheus --init-groups -- prometheus-node-exporter \
	--web.listen-address="127.0.0.1:$port" --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$TD" >"$PKG_TMP/node_exporter.log" 2>&1 &
ne_pid=$!
pkg_at_exit 'kill $ne_pid 2>/dev/null && wait $ne_pid 2>/dev/null'
scrape() { curl -s --max-time 5 "http://127.0.0.1:$port/metrics"; }
kills() { scrape | awk '$1 == "oomwatch_oom_kills_total" { print $2 }'; }
before=
for _ in $(seq 100); do
	before=$(kills)
	[ -n "$before" ] && break
	kill -0 "$ne_pid" 2>/dev/null || break
	sleep 0.1
done
[ -n "$before" ] && ok "node_exporter serves oomwatch_oom_kills_total $before from $P" ||
	{ not_ok "oomwatch_ metrics through node_exporter" "$(scrape | tail -n 5)" "$(cat "$PKG_TMP"/*.log)"; done_testing; }
check "node_exporter read the textfile without an error" \
	test "$(scrape | awk '$1 == "node_textfile_scrape_error" { print $2 }')" = 0

pkg_lock
oomcg_create || { not_ok "memory cgroup"; done_testing; }
trap pkg_cleanup EXIT
victim=pkg-prom-$$
oomcg_kill "$victim" || { not_ok "a real OOM kill"; done_testing; }
ok "one real OOM kill of '$victim' (pid $OOMCG_PID)"
info=
for _ in $(seq 100); do
	# node_exporter sorts the labels: comm, then pid, wherever they stand.
	info=$(scrape | grep '^oomwatch_last_oom_kill_info{' | grep -F "comm=\"$victim\"" | grep -F "pid=\"$OOMCG_PID\"")
	[ -n "$info" ] && break
	sleep 0.1
done
after=$(kills)
check "oomwatch_oom_kills_total rose ($before -> $after)" test -n "$after" -a "${after:-0}" -gt "$before"
[ -n "$info" ] && ok "oomwatch_last_oom_kill_info names the victim: $info" ||
	not_ok "the victim in oomwatch_last_oom_kill_info" "$(scrape | grep '^oomwatch_last')" "$(cat "$PKG_TMP/exporter.log")"
check "the exporter keeps its state in /var/lib/oomwatch-exporter" test -s /var/lib/oomwatch-exporter/state
oomcg_remove
kill "$ex_pid" && wait "$ex_pid" 2>/dev/null
kill "$ne_pid" && wait "$ne_pid" 2>/dev/null

DEBIAN_FRONTEND=noninteractive apt-get remove -y -q -o DPkg::Lock::Timeout=900 oomwatch-prometheus >/dev/null 2>&1
check "removal takes $P away (node_exporter would serve stale figures)" test ! -e "$P"
check "removal keeps the state" test -e /var/lib/oomwatch-exporter/state
pkg_purge oomwatch-prometheus
check "purge removes /var/lib/oomwatch-exporter" test ! -e /var/lib/oomwatch-exporter
check "purge removes the unit and the program" test ! -e "$U" -a ! -e /usr/bin/oomwatch-exporter
left=$(find /etc/systemd /var/lib/systemd -name 'oomwatch-exporter*' 2>/dev/null)
check "purge leaves no enablement of the unit (deb-systemd-helper)" test -z "$left"
check "purge leaves node_exporter's textfile directory to prometheus-node-exporter" \
	test -d "$TD" -o -z "$(dpkg-query -W -f='${Status}' prometheus-node-exporter 2>/dev/null | grep ' installed$')"
done_testing
