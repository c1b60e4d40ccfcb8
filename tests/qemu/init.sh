#!/bin/sh
# tests/qemu/init.sh — /init of the qemu guest (busybox sh). Mounts what the
# tests need, the memory controller as the kernel command line's oomw.phase
# says (v2: cgroup2 at /sys/fs/cgroup; v1: a v1 memory hierarchy at
# /sys/fs/cgroup/memory), runs tests/qemu/guest_live.sh on the console and
# powers off. Markers around the run let the host tell a finished run from a
# crash.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
ln -s /proc/self/fd /dev/fd # bash's <(...)
mount -t tmpfs tmp /tmp
phase=$(sed -n 's/.*oomw\.phase=\([a-z0-9]*\).*/\1/p' /proc/cmdline)
case $phase in
v2) mount -t cgroup2 cgroup2 /sys/fs/cgroup ;;
v1)
	mount -t tmpfs cgroup /sys/fs/cgroup
	mkdir /sys/fs/cgroup/memory
	mount -t cgroup -o memory cgroup /sys/fs/cgroup/memory
	;;
esac
echo "oomw-guest-start $phase uptime $(cut -d' ' -f1 /proc/uptime)"
/bin/bash /oomw/tests/qemu/guest_live.sh "$phase"
echo "oomw-guest-end $phase status $? uptime $(cut -d' ' -f1 /proc/uptime)"
poweroff -f
