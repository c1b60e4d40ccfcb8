#!/bin/bash
# SPDX-License-Identifier: MIT
# oomwatch-exporter --listen: /metrics over HTTP/1.x on 127.0.0.1, scraped by
# curl: the same families as the textfile, promtool silent, HEAD, 404, 405,
# 400, a silent client does not block the others, SIGTERM ends it cleanly.
. "$(dirname "$0")/lib.sh"

FX=$ROOT/tests/fixtures
SRC=(--proc "$FX/proc-linux-6.18" --sys "$FX/sys-cgroup-v2" --kmsg "$FX/kernel-log/linux-6.18-memcg-v1.kmsg"
	--cgroup '/system.slice/*')
PORT=$(prom_free_port)
URL=http://127.0.0.1:$PORT

"$EXPORTER" "${SRC[@]}" --textfile "$TMP/once.prom" --once 2>/dev/null
prom_start "${SRC[@]}" --listen "127.0.0.1:$PORT"
if ! wait_until 30 curl -sf --max-time 5 -o /dev/null "$URL/metrics"; then
	not_ok "the exporter answers on 127.0.0.1:$PORT" "log: $(cat "$TMP/exporter.log")" \
		"process: $(ps -o pid,stat,wchan:20,args -p "$PROM_PID" | tail -n +2)" "listening: $(ss -Hltnp "sport = :$PORT")"
	done_testing
fi
ss -Hltn "sport = :$PORT" | awk '{ print $4 }' | grep -qx "127.0.0.1:$PORT" &&
	ok "it listens on 127.0.0.1:$PORT only" || not_ok "listening address" "$(ss -Hltn "sport = :$PORT")"

curl -s -D "$TMP/headers" -o "$TMP/metrics.prom" "$URL/metrics"
head -1 "$TMP/headers" | grep -q '^HTTP/1.1 200 OK' && ok "GET /metrics: 200" || not_ok "200" "$(cat "$TMP/headers")"
grep -qi '^Content-Type: text/plain; version=0.0.4; charset=utf-8' "$TMP/headers" &&
	ok "the text format's content type" || not_ok "content type" "$(cat "$TMP/headers")"
prom_lint "/metrics" "$TMP/metrics.prom"
families() { grep '^# TYPE ' "$1" | sort; }
diff <(families "$TMP/once.prom") <(families "$TMP/metrics.prom") >"$TMP/diff" &&
	ok "the same $(families "$TMP/once.prom" | wc -l) families as --textfile" || not_ok "families" "$(cat "$TMP/diff")"
T=$(cat "$TMP/metrics.prom")
[ "$(prom_value "$T" oomwatch_memory_total_bytes)" = $((24683656 * 1024)) ] &&
	[ "$(prom_value "$T" 'oomwatch_cgroup_oom_kills_total{cgroup="/system.slice/mysql.service"}')" = 3 ] &&
	ok "values as in the textfile" || not_ok "values" "$T"

len=$(wc -c <"$TMP/metrics.prom")
curl -s -I -o "$TMP/head" "$URL/metrics"
grep -qi "^Content-Length: $len" "$TMP/head" && [ "$(grep -c . "$TMP/head")" -ge 3 ] &&
	ok "HEAD: the headers of GET, Content-Length $len" || not_ok "HEAD" "$(cat "$TMP/head")"
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
[ "$(code "$URL/")" = 200 ] && ok "/ answers 200 pointing at /metrics" || not_ok "/"
[ "$(code "$URL/nope")" = 404 ] && ok "another path: 404" || not_ok "404"
curl -s -D "$TMP/post" -o /dev/null -X POST -d x "$URL/metrics"
head -1 "$TMP/post" | grep -q ' 405 ' && grep -qi '^Allow: GET, HEAD' "$TMP/post" &&
	ok "POST: 405 with Allow" || not_ok "405" "$(cat "$TMP/post")"

# A raw, broken request line and an oversized head.
raw() { # raw REQUEST: the status line of the answer
	exec 5<>"/dev/tcp/127.0.0.1/$PORT"
	printf '%s' "$1" >&5
	head -1 <&5 | tr -d '\r'
	exec 5>&-
}
[ "$(raw $'BLAH\r\n\r\n')" = "HTTP/1.1 400 Bad Request" ] && ok "a broken request line: 400" || not_ok "400"
[ "$(raw $'GET /metrics HTTP/2.0\r\n\r\n')" = "HTTP/1.1 400 Bad Request" ] && ok "not HTTP/1.x: 400" || not_ok "HTTP/2"
[ "$(raw "GET /metrics HTTP/1.1"$'\r\n'"X: $(head -c 9000 /dev/zero | tr '\0' a)")" = "HTTP/1.1 431 Request Header Fields Too Large" ] &&
	ok "a head over 8 KiB: 431" || not_ok "431"

# A client that connects and says nothing does not stop the others.
exec 6<>"/dev/tcp/127.0.0.1/$PORT"
[ "$(code --max-time 5 "$URL/metrics")" = 200 ] && ok "answers while another client is silent" || not_ok "silent client"
exec 6>&-

kill -TERM "$PROM_PID"
wait "$PROM_PID"
rc=$?
PROM_PIDS=()
[ "$rc" = 0 ] && ok "SIGTERM: exit 0" || not_ok "SIGTERM" "exit $rc"
! ss -Hltn "sport = :$PORT" | grep -q . && ok "the port is closed" || not_ok "port closed"
done_testing
