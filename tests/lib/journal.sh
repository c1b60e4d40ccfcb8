# SPDX-License-Identifier: MIT
# tests/lib/journal.sh — sourced by the front ends' journal tests: real journal
# files, written by systemd-journal-remote from export-format text.
#   journal_unavailable          why journal files cannot be written here, or nothing
#   jx_boot PROC                 sets JX_BOOT (boot_id, no dashes) and JX_BTIME from
#                                a fake machine's proc tree
#   jx_entry MONO FIELD=V... MESSAGE   one entry, MONO µs after JX_BTIME
#   jx_kernel MONO MESSAGE       one entry of the kernel transport
#   jx_fixture KMSG_FILE         every record of a kmsg fixture, as journald stores it
#   jx_killers                   systemd-oomd's and earlyoom's kills (200 s and 300 s
#                                after boot), a forged kernel line and a forged
#                                earlyoom line
#   jx_write FILE                writes stdin's entries into the journal file FILE
JX_REMOTE=/lib/systemd/systemd-journal-remote

journal_unavailable() {
	[ -x "$JX_REMOTE" ] || echo "$JX_REMOTE missing (apt-get install systemd-journal-remote, make deps)"
}

jx_boot() {
	JX_BOOT=$(tr -d - <"$1/sys/kernel/random/boot_id")
	JX_BTIME=$(awk '$1 == "btime" { print $2 }' "$1/stat")
}

jx_entry() {
	local mono=$1
	shift
	printf '__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n_BOOT_ID=%s\n' \
		$((JX_BTIME * 1000000 + mono)) "$mono" "$JX_BOOT"
	while [ $# -gt 1 ]; do printf '%s\n' "$1"; shift; done
	printf 'MESSAGE=%s\n\n' "$1"
}

jx_kernel() {
	jx_entry "$1" _TRANSPORT=kernel SYSLOG_FACILITY=0 SYSLOG_IDENTIFIER=kernel \
		"_SOURCE_MONOTONIC_TIMESTAMP=$1" "$2"
}

# journald stores the kernel's text with its \xNN escapes decoded.
jx_fixture() {
	local rec head usec
	while IFS= read -r rec; do
		head=${rec%%;*}
		IFS=, read -r _ _ usec _ <<<"$head"
		jx_kernel "$usec" "$(printf '%b' "${rec#*;}")"
	done <"$1"
}

# The wording of systemd-oomd (v252+) and earlyoom (1.8) as they log a kill.
jx_killers() {
	jx_entry 116000000 _TRANSPORT=syslog SYSLOG_IDENTIFIER=kernel SYSLOG_FACILITY=1 _UID=1000 \
		"Out of memory: Killed process 1 (forged) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0"
	jx_entry 200000000 _TRANSPORT=journal SYSLOG_IDENTIFIER=systemd-oomd _SYSTEMD_UNIT=systemd-oomd.service _UID=108 \
		"Killed /user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox-77.scope due to memory pressure for /user.slice/user-1000.slice/user@1000.service being 61.20% > 50.00% for > 20s with reclaim activity"
	jx_entry 300000000 _TRANSPORT=stdout SYSLOG_IDENTIFIER=earlyoom _SYSTEMD_UNIT=earlyoom.service _UID=0 \
		"mem avail:   402 of  7834 MiB ( 5.13%), swap free:    0 of    0 MiB ( 0.00%)"
	jx_entry 300000100 _TRANSPORT=stdout SYSLOG_IDENTIFIER=earlyoom _SYSTEMD_UNIT=earlyoom.service _UID=0 \
		"low memory! at or below SIGTERM limits: mem 10.00%, swap 10.00%"
	jx_entry 300000200 _TRANSPORT=stdout SYSLOG_IDENTIFIER=earlyoom _SYSTEMD_UNIT=earlyoom.service _UID=0 \
		'sending SIGTERM to process 4242 uid 1000 "stress": oom_score 912, oom_score_adj 0, VmRSS 7100 MiB, cmdline "stress -m 1"'
	jx_entry 300000300 _TRANSPORT=syslog SYSLOG_IDENTIFIER=earlyoom _UID=1000 \
		'sending SIGKILL to process 1 uid 0 "imposter": oom_score 1, oom_score_adj 0, VmRSS 1 MiB, cmdline "x"'
}

jx_write() {
	"$JX_REMOTE" --output="$1" - 2>/dev/null
}
