#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/qemu/init.sh — /init of the qemu guest (busybox sh). Mounts what the
# tests need, the memory controller as the kernel command line's oomw.phase
# says (v2: cgroup2 at /sys/fs/cgroup; v1: a v1 memory hierarchy at
# /sys/fs/cgroup/memory), runs tests/qemu/guest_live.sh, the live tests of
# tests/live/ copied in, and the total since boot on the console, and powers off.
# Phase global (cgroup2 mounted, unused) runs tests/qemu/guest_global.sh alone:
# a machine-wide OOM.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
ln -s /proc/self/fd /dev/fd # bash's <(...)
mount -t tmpfs tmp /tmp
phase=$(sed -n 's/.*oomw\.phase=\([a-z0-9]*\).*/\1/p' /proc/cmdline)
case $phase in
v2 | global) mount -t cgroup2 cgroup2 /sys/fs/cgroup ;;
v1)
	mount -t tmpfs cgroup /sys/fs/cgroup
	mkdir /sys/fs/cgroup/memory
	mount -t cgroup -o memory cgroup /sys/fs/cgroup/memory
	;;
esac
# Markers around each script let the host tell a finished one from a crash.
run() { # NAME COMMAND...
	name=$1
	shift
	echo "oomw-script-start $name"
	"$@"
	echo "oomw-script-end $name status $?"
}
echo "oomw-guest-start $phase uptime $(cut -d' ' -f1 /proc/uptime)"
if [ "$phase" = global ]; then
	run guest_global bash /oomw/tests/qemu/guest_global.sh
else
	run guest_live bash /oomw/tests/qemu/guest_live.sh "$phase"
	for t in /oomw/tests/live/test_*.sh; do
		run "$(basename "$t" .sh)" bash "$t"
	done
	run guest_total bash /oomw/tests/qemu/guest_live.sh "$phase" total
fi
echo "oomw-guest-end $phase uptime $(cut -d' ' -f1 /proc/uptime)"
poweroff -f
