#!/bin/bash
# tests/qemu/test_qemu_v2.sh — the live core tests on a second kernel and on both
# memory controllers: boots Debian's cloud kernel (linux-image-cloud-amd64) under
# qemu-system-x86_64 twice, from a busybox initramfs built here in a temp dir,
# once with cgroup v2 and once with a v1 memory hierarchy. The guest
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

# The newest 6.1 cloud kernel installed, whatever its ABI number.
kernel=$(printf '%s\n' /boot/vmlinuz-6.1.*-cloud-amd64 | sort -V | tail -1)
[ -e "$kernel" ] || kernel=

qemu_unavailable() {
	command -v qemu-system-x86_64 >/dev/null || { echo "no qemu-system-x86_64 (make deps)"; return; }
	[ -x /bin/busybox ] || { echo "no /bin/busybox (busybox-static, make deps)"; return; }
	command -v cpio >/dev/null || { echo "no cpio (make deps)"; return; }
	[ -n "$kernel" ] || { echo "no /boot/vmlinuz-6.1.*-cloud-amd64 (linux-image-cloud-amd64, make deps)"; return; }
	[ -r "$kernel" ] || { echo "$kernel is not readable (run as root)"; return; }
	[ -x "$STATIC/oomw_sample" ] && [ -x "$STATIC/oom_victim" ] ||
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
if [ "$accel" = kvm ]; then boot_timeout=90; else boot_timeout=300; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- the initramfs: busybox, bash (oomcg.sh and tap.sh are bash) and
# setpriv (util-linux; busybox has none) with their libraries, the static test
# programs, laid out as in the repository ------------------------------------
build_initramfs() { # OUT
	local d=$tmp/root prog lib a
	mkdir -p "$d"/{bin,proc,sys,dev,tmp} "$d"/oomw/tests/{lib,qemu} "$d"/oomw/build/tests
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
	cp "$root/tests/qemu/guest_live.sh" "$d/oomw/tests/qemu/"
	cp "$root"/tests/lib/{tap.sh,oomcg.sh,sample_out.sh} "$d/oomw/tests/lib/"
	cp "$STATIC/oomw_sample" "$STATIC/oom_victim" "$d/oomw/build/tests/"
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

# IDs each phase must report (tests/qemu/guest_live.sh names them).
expected_ids() { # PHASE
	echo boot cgroup baseline kill one_event vmstat details pid comm memcg scope cg_count cg_delta \
		cursor_quiet kill_cursor cursor_event nobody_eperm nobody_base kill_nobody nobody_event \
		nobody_counts final_quiet exact no_missed removed
	case $1 in
	v1) echo kmsg_wake no_events_fd oom_control ;;
	v2) echo kill2 pollpri pollpri_event main2 group_kill group_all group_events group_pids \
		group_details group_delta group_counter psi psi_cgroup psi_events ;;
	esac
}

# Relays the guest's TAP lines as ours, then checks that the run was whole.
relay() { # PHASE LOG RC
	local phase=$1 log=$2 rc=$3 line id tail seen=" " results=0 plan='' missing='' t0 tkill tend
	while IFS=$'\t' read -r _ line; do
		if [[ $line =~ ^(not )?ok\ [0-9]+\ -\ ($phase\.[a-z0-9_]+):\ (.*)$ ]]; then
			id=${BASH_REMATCH[2]#"$phase".}
			seen+="$id "
			results=$((results + 1))
			if [ -z "${BASH_REMATCH[1]}" ]; then ok "guest $phase: ${BASH_REMATCH[3]}"; else not_ok "guest $phase: ${BASH_REMATCH[3]}"; fi
		elif [[ $line =~ ^(not )?ok\ [0-9]+\ -\ (.*)$ ]]; then
			# a check without an ID: the guest script broke its own rule
			not_ok "guest $phase: check without an ID: ${BASH_REMATCH[2]}"
		elif [[ $line =~ ^#\  ]]; then
			echo "$line"
		elif [[ $line =~ ^1\.\.([0-9]+)$ ]]; then
			plan=${BASH_REMATCH[1]}
		fi
	done <"$log"
	for id in $(expected_ids "$phase"); do
		[[ $seen == *" $id "* ]] || missing+=" $id"
	done
	if [ -z "$missing" ]; then ok "guest $phase: every expected check reported"; else not_ok "guest $phase: every expected check reported" "missing:$missing"; fi
	if [ "$plan" = "$results" ]; then ok "guest $phase: plan 1..$plan matches its $results results"; else not_ok "guest $phase: plan matches results" "plan '${plan}', results $results"; fi
	if grep -q "	oomw-guest-end $phase status 0 " "$log"; then
		ok "guest $phase: test script finished with status 0"
	else
		mapfile -t tail < <(tail -20 "$log" | cut -f2-)
		not_ok "guest $phase: test script finished with status 0" "console tail:" "${tail[@]}"
	fi
	if [ "$rc" = 0 ]; then ok "guest $phase: powered off by itself"; else not_ok "guest $phase: powered off by itself" "qemu status $rc (124: killed at the ${boot_timeout} s timeout)"; fi
	t0=$(head -1 "$log" | cut -f1)
	tkill=$(grep -m1 '	oomw-first-kill ' "$log" | cut -f1)
	tend=$(tail -1 "$log" | cut -f1)
	[ -n "$tkill" ] && diag "guest $phase ($accel): qemu start to first kill $(awk -v a="$t0" -v b="$tkill" 'BEGIN { printf "%.1f", b - a }') s, to power-off $(awk -v a="$t0" -v b="$tend" 'BEGIN { printf "%.1f", b - a }') s; $(grep -m1 '	oomw-first-kill ' "$log" | cut -f2 | cut -d' ' -f2-) in the guest"
}

for phase in v2 v1; do
	start=$EPOCHREALTIME
	boot "$phase" "$tmp/$phase.log"
	rc=$?
	diag "boot $phase: qemu ran $(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
	relay "$phase" "$tmp/$phase.log" "$rc"
done
done_testing
