#!/bin/bash
# SPDX-License-Identifier: MIT
# oomwatch-exporter's command line: -h and -V, and every bad argument refused
# with exit status 1 and one line on stderr that names the option.
. "$(dirname "$0")/lib.sh"

FX=$ROOT/tests/fixtures
SRC=(--proc "$FX/proc-linux-6.18" --sys "$FX/sys-cgroup-v2" --kmsg none)

OUT=$("$EXPORTER" -h 2>&1)
[ $? = 0 ] && [[ $OUT == *"--textfile FILE"*"--listen ADDR:PORT"*"--interval TIME"*"--candidates N"* ]] &&
	ok "-h prints the options, exit 0" || not_ok "-h" "$OUT"
OUT=$("$EXPORTER" -V 2>&1)
ver=$(sed -n 's/^#define OOMWATCH_VERSION "\(.*\)"/\1/p' "$ROOT/common/version.h")
[ $? = 0 ] && [ "$OUT" = "oomwatch-exporter $ver (oomwatch)" ] && ok "-V prints the core's version" || not_ok "-V" "$OUT"

refuses() { # refuses WHAT EXPECTED-MESSAGE ARGS...
	local what=$1 want=$2 err rc
	shift 2
	err=$("$EXPORTER" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = 1 ] && [ "$err" = "oomwatch-exporter: $want" ]; then
		ok "$what"
	else
		not_ok "$what" "exit $rc" "stderr: $err" "wanted: oomwatch-exporter: $want"
	fi
}
F=$TMP/x.prom
refuses "no output" "no output: give --textfile FILE.prom or --listen 127.0.0.1:PORT" "${SRC[@]}"
refuses "both outputs" "--textfile and --listen: give one of them" "${SRC[@]}" --textfile "$F" --listen 127.0.0.1:9101
refuses "--once with --listen" "--once writes a --textfile; --listen serves until stopped" "${SRC[@]}" --once --listen 127.0.0.1:9101
refuses "a textfile not named *.prom" "--textfile: '$TMP/x.txt' does not end in .prom (node_exporter reads only *.prom files)" \
	"${SRC[@]}" --textfile "$TMP/x.txt" --once
refuses "a textfile named only .prom" "--textfile: '$TMP/.prom' does not end in .prom (node_exporter reads only *.prom files)" \
	"${SRC[@]}" --textfile "$TMP/.prom" --once
refuses "a textfile in a missing directory" "--textfile $TMP/no/x.prom: directory $TMP/no: No such file or directory" \
	"${SRC[@]}" --textfile "$TMP/no/x.prom" --once
refuses "a non-loopback --listen" "--listen '0.0.0.0:9101': not a loopback address: /metrics has no authentication; add --allow-remote to serve it beyond this machine" \
	"${SRC[@]}" --listen 0.0.0.0:9101
refuses "a --listen without port" "--listen '127.0.0.1': expected ADDRESS:PORT, e.g. 127.0.0.1:9101" "${SRC[@]}" --listen 127.0.0.1
refuses "a --listen port out of range" "--listen '127.0.0.1:70000': the port is not 1..65535" "${SRC[@]}" --listen 127.0.0.1:70000
refuses "a --listen host name" "--listen 'example.org:80': not a numeric IPv4 or IPv6 address (or localhost)" "${SRC[@]}" --listen example.org:80
refuses "--allow-remote without --listen" "--allow-remote goes with --listen" "${SRC[@]}" --textfile "$F" --allow-remote
refuses "a bad --interval" "--interval: bad duration '5x': unknown duration unit: use s, m, h or d" \
	"${SRC[@]}" --textfile "$F" --interval 5x
refuses "--interval 0" "--interval: bad duration '0': a duration must be greater than zero" \
	"${SRC[@]}" --textfile "$F" --interval 0
refuses "an --interval over a day" "--interval: '2d' is more than 1d" "${SRC[@]}" --textfile "$F" --interval 2d
refuses "a bad --candidates" "--candidates: '33' is not 0..32" "${SRC[@]}" --textfile "$F" --candidates 33
refuses "an empty --cgroup" "--cgroup: empty pattern" "${SRC[@]}" --textfile "$F" --cgroup ''
refuses "a missing --proc" "--proc $TMP/none: No such file or directory" --proc "$TMP/none" --textfile "$F" --once
refuses "a --kmsg directory" "--kmsg $TMP: a directory, not a log file" "${SRC[@]}" --kmsg "$TMP" --textfile "$F" --once
refuses "an unknown option" "unknown option '--bogus' (see --help)" --bogus
refuses "a missing value" "missing argument for '--textfile' (see --help)" --textfile
refuses "a value on a flag" "no value allowed for '--once' (see --help)" --once=yes
refuses "a positional argument" "unexpected argument 'extra': oomwatch-exporter takes no positional arguments" \
	"${SRC[@]}" --textfile "$F" extra
[ ! -e "$F" ] && ok "nothing was written by a refused run" || not_ok "no file" "$(ls -l "$F")"

# A directory the exporter cannot write: as nobody, --once fails with 2 and says why.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	mkdir "$TMP/ro" && chmod 755 "$TMP/ro"
	err=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$EXPORTER" "${SRC[@]}" --textfile "$TMP/ro/x.prom" --once 2>&1)
	[ $? = 1 ] && [ "$err" = "oomwatch-exporter: --textfile $TMP/ro/x.prom: directory $TMP/ro: Permission denied" ] &&
		ok "an unwritable directory is refused before anything runs" || not_ok "unwritable" "$err"
fi
# A port already taken (by a first exporter): exit 2 (cannot start).
port=$(prom_free_port)
prom_start "${SRC[@]}" --listen "127.0.0.1:$port"
wait_until 10 curl -sf -o /dev/null "http://127.0.0.1:$port/metrics" || not_ok "first exporter on $port" "$(cat "$TMP/exporter.log")"
err=$("$EXPORTER" "${SRC[@]}" --listen "127.0.0.1:$port" 2>&1)
[ $? = 2 ] && [ "$err" = "oomwatch-exporter: cannot listen on 127.0.0.1:$port: Address already in use" ] &&
	ok "a port in use: exit 2, says so" || not_ok "port in use" "$err"
done_testing
