#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/qemu/test_qemu_v2.sh — the live core tests on a second kernel and on both
# memory controllers: boots Debian's cloud kernel (linux-image-cloud-amd64) under
# qemu-system-x86_64 three times, from a busybox initramfs built here in a temp
# dir: once with cgroup v2, once with a v1 memory hierarchy, once for a
# machine-wide OOM (tests/qemu/guest_global.sh). The guest
# (tests/qemu/init.sh, tests/qemu/guest_live.sh) makes real OOM kills in its own
# memory cgroup and prints TAP on the serial console; this script relays those
# lines, fails a guest that hangs (qemu is killed at the timeout), crashes or
# leaves out any expected check. The guest has no network device at all.
#
# KVM is used when /dev/kvm is usable: readable and writable and the CPU has
# hardware virtualisation (vmx/svm). A /dev/kvm without it (e.g. a software
# backend such as kvm_pvm, which only runs kernels built for it) hangs a stock
# kernel, so TCG is used then. OOMW_QEMU_ACCEL=kvm|tcg overrides the choice.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/tap.sh"
STATIC=$root/build/tests/static
GUEST_MEM_MIB=256
# The scripts the guest runs, in order (tests/qemu/init.sh): this directory's
# guest script, the host's live tests as they are, then the total since boot.
LIVE_TESTS=(test_core_live test_klog_overflow test_trace_live)
guest_scripts() { # PHASE
	if [ "$1" = global ]; then echo guest_global; else echo guest_live "${LIVE_TESTS[@]}" guest_total; fi
}


# The newest 6.1 cloud kernel installed, whatever its ABI number.
kernel=$(printf '%s\n' /boot/vmlinuz-6.1.*-cloud-amd64 | sort -V | tail -1)
[ -e "$kernel" ] || kernel=

qemu_unavailable() {
	command -v qemu-system-x86_64 >/dev/null || { echo "no qemu-system-x86_64 (make deps)"; return; }
	[ -x /bin/busybox ] || { echo "no /bin/busybox (busybox-static, make deps)"; return; }
	command -v cpio >/dev/null || { echo "no cpio (make deps)"; return; }
	[ -n "$kernel" ] || { echo "no /boot/vmlinuz-6.1.*-cloud-amd64 (linux-image-cloud-amd64, make deps)"; return; }
	[ -r "$kernel" ] || { echo "$kernel is not readable (run as root)"; return; }
	[ -x "$STATIC/oomw_sample" ] && [ -x "$STATIC/oom_victim" ] && [ -x "$STATIC/check_oom" ] ||
		echo "missing static test programs in $STATIC (make test-programs)"
}
skip_if "$(qemu_unavailable)"

case ${OOMW_QEMU_ACCEL:-auto} in
kvm | tcg) accel=$OOMW_QEMU_ACCEL ;;
*)
	accel=tcg
	[ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qw -e vmx -e svm /proc/cpuinfo && accel=kvm
	;;
esac
# Kills in TCG take seconds each; a hang is far beyond either.
if [ "$accel" = kvm ]; then boot_timeout=90; else boot_timeout=240; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- the initramfs: busybox, bash (oomcg.sh and tap.sh are bash) and
# setpriv (util-linux; busybox has none) with their libraries, the static test
# programs, laid out as in the repository ------------------------------------
build_initramfs() { # OUT
	local d=$tmp/root prog lib a t
	mkdir -p "$d"/{bin,etc,proc,sys,dev,tmp} "$d"/oomw/tests/{lib,live,qemu} "$d"/oomw/build/tests
	cp /bin/busybox "$d/bin/" || return 1
	for prog in bash setpriv; do
		prog=$(command -v "$prog") || return 1
		cp "$prog" "$d/bin/" || return 1
		for lib in $(ldd "$prog" | grep -o '/[^ ]*'); do
			mkdir -p "$d$(dirname "$lib")"
			cp -L "$lib" "$d$lib" || return 1
		done
	done
	for a in $(/bin/busybox --list); do
		[ -e "$d/bin/$a" ] || ln -s busybox "$d/bin/$a"
	done
	cp "$root/tests/qemu/init.sh" "$d/init"
	cp "$root/tests/qemu/guest_live.sh" "$root/tests/qemu/guest_global.sh" "$d/oomw/tests/qemu/"
	for t in "${LIVE_TESTS[@]}"; do cp "$root/tests/live/$t.sh" "$d/oomw/tests/live/" || return 1; done
	# The live tests drop to nobody:nogroup by name.
	printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$d/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$d/etc/group"
	printf 'passwd: files\ngroup: files\n' >"$d/etc/nsswitch.conf"
	cp "$root"/tests/lib/{tap.sh,oomcg.sh,sample_out.sh} "$d/oomw/tests/lib/"
	cp "$STATIC/oomw_sample" "$STATIC/oom_victim" "$STATIC/check_oom" "$d/oomw/build/tests/"
	(cd "$d" && find . | cpio -o -H newc --quiet) | gzip -1 >"$1"
}
initrd=$tmp/initrd.gz
if build_initramfs "$initrd"; then
	ok "initramfs built ($(($(stat -c %s "$initrd") / 1024)) KiB) for $(basename "$kernel"), $accel"
else
	not_ok "initramfs built"
	done_testing
fi

# Console lines, each prefixed with the host's $EPOCHREALTIME when it arrived,
# without SeaBIOS's terminal escapes; the first line is qemu's start.
boot() { # PHASE LOG
	local accel_args=(-accel tcg)
	[ "$accel" = kvm ] && accel_args=(-accel kvm)
	printf '%s\tqemu start\n' "$EPOCHREALTIME" >"$2"
	timeout --kill-after=5 "$boot_timeout" qemu-system-x86_64 "${accel_args[@]}" \
		-m "$GUEST_MEM_MIB" -smp 1 -nographic -no-reboot -nic none \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 quiet loglevel=1 oomw.phase=$1" </dev/null 2>&1 |
		sed -u 's/\x1b\[[?0-9;]*[a-zA-Z]//g; s/\x1bc//g; s/\r$//' |
		while IFS= read -r line; do printf '%s\t%s\n' "$EPOCHREALTIME" "$line"; done >>"$2"
	return "${PIPESTATUS[0]}"
}

# IDs the guest scripts must report (tests/qemu/guest_live.sh names them).
expected_ids() { # PHASE SCRIPT
	case $2 in
	guest_total) echo total ;;
	guest_global) echo global_kill global_report global_why global_adj global_remedy global_brief ;;
	guest_live)
		echo boot cgroup baseline kill one_event details final_quiet exact no_missed removed
		case $1 in
		v1) echo kmsg_wake no_events_fd oom_control ;;
		v2) echo kill2 pollpri pollpri_event main2 group_kill group_all group_events group_pids \
			group_details group_delta group_counter psi psi_cgroup psi_events ;;
		esac
		echo held_baseline held held_released held_no_kill
		;;
	esac
}

# Relays the guest's TAP lines as ours, script by script (between the markers
# init.sh prints), then checks that each script ran whole.
relay() { # PHASE LOG RC
	local phase=$1 log=$2 rc=$3 line id tail script='' failed name t0 tkill tend
	local -A seen=() results=() plan=() status=()
	while IFS=$'\t' read -r _ line; do
		if [[ $line =~ ^oomw-script-start\ ([a-z0-9_]+)$ ]]; then
			script=${BASH_REMATCH[1]}
			seen[$script]=" " results[$script]=0
		elif [[ $line =~ ^oomw-script-end\ ([a-z0-9_]+)\ status\ ([0-9]+)$ ]]; then
			status[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
			script=''
		elif [ -z "$script" ]; then
			continue
		elif [[ $line =~ ^(not )?ok\ [0-9]+\ -\ (.*)$ ]]; then
			results[$script]=$((results[$script] + 1))
			failed=${BASH_REMATCH[1]} name=${BASH_REMATCH[2]}
			if [[ $script == guest_* ]]; then
				if [[ $name =~ ^$phase\.([a-z0-9_]+):\ (.*)$ ]]; then
					seen[$script]+="${BASH_REMATCH[1]} "
					name=${BASH_REMATCH[2]}
				else
					not_ok "guest $phase $script: a check without an ID: $name"
				fi
			fi
			if [ -z "$failed" ]; then ok "guest $phase $script: $name"; else not_ok "guest $phase $script: $name"; fi
		elif [[ $line =~ ^#\  ]]; then
			echo "$line"
		elif [[ $line =~ ^1\.\.([0-9]+) ]]; then
			plan[$script]=${BASH_REMATCH[1]}
		fi
	done <"$log"
	for script in $(guest_scripts "$phase"); do
		local missing=''
		for id in $(expected_ids "$phase" "$script"); do
			[[ ${seen[$script]:-} == *" $id "* ]] || missing+=" $id"
		done
		[ -z "$missing" ] || not_ok "guest $phase $script: every expected check reported" "missing:$missing"
		if [ "${status[$script]:-}" = 0 ] && [ -n "${plan[$script]:-}" ] && [ "${plan[$script]}" = "${results[$script]}" ]; then
			ok "guest $phase $script: ran whole (status 0, plan 1..${plan[$script]}, $((results[$script])) results)"
		else
			mapfile -t tail < <(tail -20 "$log" | cut -f2-)
			not_ok "guest $phase $script: ran whole" "status '${status[$script]:-}', plan '${plan[$script]:-}', results '${results[$script]:-}'" "console tail:" "${tail[@]}"
		fi
	done
	if [ "$rc" = 0 ]; then ok "guest $phase: powered off by itself"; else not_ok "guest $phase: powered off by itself" "qemu status $rc (124: killed at the ${boot_timeout} s timeout)"; fi
	t0=$(head -1 "$log" | cut -f1)
	tkill=$(grep -m1 '	oomw-first-kill ' "$log" | cut -f1)
	tend=$(tail -1 "$log" | cut -f1)
	[ -n "$tkill" ] && diag "guest $phase ($accel): qemu start to first kill $(awk -v a="$t0" -v b="$tkill" 'BEGIN { printf "%.1f", b - a }') s, to power-off $(awk -v a="$t0" -v b="$tend" 'BEGIN { printf "%.1f", b - a }') s; $(grep -m1 '	oomw-first-kill ' "$log" | cut -f2 | cut -d' ' -f2-) in the guest"
}

# Phase global: a machine-wide OOM (tests/qemu/guest_global.sh); its kernel
# records go to OOMW_QEMU_CAPTURE when set (the fixture's provenance).
# OOMW_QEMU_PHASES chooses fewer boots while working on one.
for phase in ${OOMW_QEMU_PHASES:-v2 v1 global}; do
	start=$EPOCHREALTIME
	boot "$phase" "$tmp/$phase.log"
	rc=$?
	diag "boot $phase: qemu ran $(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
	relay "$phase" "$tmp/$phase.log" "$rc"
done
[ -n "${OOMW_QEMU_CAPTURE:-}" ] && sed -n 's/^[^\t]*\toomw-kmsg //p' "$tmp/global.log" >"$OOMW_QEMU_CAPTURE"
done_testing
