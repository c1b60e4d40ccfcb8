# SPDX-License-Identifier: MIT
# tests/prometheus/lib.sh — sourced by tests/prometheus/test_*.sh: the exporter,
# a temp dir, free TCP ports on 127.0.0.1, a real prometheus-node-exporter
# reading the exporter's textfile directory, and reading one series' value.
# Everything started here is stopped on exit; nothing listens beyond 127.0.0.1.
#
#   prom_free_port                 a TCP port on 127.0.0.1 nobody listens on
#   prom_start BG_ARGS...          oomwatch-exporter in the background (PROM_PID),
#                                  stderr in $TMP/exporter.log
#   prom_start_node_exporter DIR   node_exporter on 127.0.0.1:$NE_PORT, textfile collector only
#   prom_scrape URL                the body of GET URL (curl), into SCRAPE
#   prom_value TEXT SERIES         the value of the sample named exactly SERIES
#   prom_lint WHAT FILE            ok when `promtool check metrics` says nothing
#   wait_until SECS CMD...         runs CMD every 0.1 s until it succeeds or SECS pass

PROM_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$PROM_TESTS/../.." && pwd)
EXPORTER=${EXPORTER:-$ROOT/build/plugins/prometheus/oomwatch-exporter}
. "$ROOT/tests/lib/tap.sh"

[ -x "$EXPORTER" ] || { echo "not ok 1 - $EXPORTER missing (run make)"; exit 1; }
for t in promtool prometheus-node-exporter curl ss; do
	command -v "$t" >/dev/null || skip_all "$t is not installed (make deps)"
done

TMP=$(mktemp -d /tmp/oomwatch-prom-test.XXXXXX)
chmod 755 "$TMP"
PROM_PIDS=()
# For this process only, as snmp_env_trap (tests/snmp/snmp_env.sh): a forked
# copy of the script must not stop the exporter under it.
PROM_OWNER=$BASHPID
prom_cleanup() {
	[ "$BASHPID" = "$PROM_OWNER" ] || return 0
	local i
	for ((i = ${#PROM_PIDS[@]} - 1; i >= 0; i--)); do
		kill "${PROM_PIDS[i]}" 2>/dev/null && wait "${PROM_PIDS[i]}" 2>/dev/null
	done
	rm -rf "$TMP"
	declare -F oomcg_remove >/dev/null && oomcg_remove
	return 0
}
trap prom_cleanup EXIT

prom_free_port() {
	local p i
	for i in $(seq 100); do
		p=$((20000 + RANDOM % 40000))
		ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
	done
	return 1
}

wait_until() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

prom_start() {
	"$EXPORTER" "$@" 2>>"$TMP/exporter.log" &
	PROM_PID=$!
	PROM_PIDS+=("$PROM_PID")
}

NE_PORT=
prom_start_node_exporter() {
	NE_PORT=$(prom_free_port)
	prometheus-node-exporter --web.listen-address="127.0.0.1:$NE_PORT" \
		--collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$1" >"$TMP/node_exporter.log" 2>&1 &
	PROM_PIDS+=($!)
	wait_until 10 curl -sf -o /dev/null "http://127.0.0.1:$NE_PORT/metrics"
}

SCRAPE=
prom_scrape() {
	SCRAPE=$(curl -sf --max-time 10 "$1")
}

prom_value() { # the series name goes through the environment: awk -v would decode its backslashes
	PROM_SERIES=$2 awk 'index($0, ENVIRON["PROM_SERIES"] " ") == 1 { print substr($0, length(ENVIRON["PROM_SERIES"]) + 2) }' <<<"$1"
}

prom_lint() {
	local out
	if out=$(promtool check metrics <"$2" 2>&1) && [ -z "$out" ]; then
		ok "$1: promtool check metrics says nothing"
	else
		not_ok "$1: promtool check metrics says nothing" "$out"
	fi
}
