#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/collectd/kmsg_latency.py LOGFILE COUNT TIMEOUT_S — how long after the
kernel stamped a "Killed process" record its notification reached collectd's
log file. Prints "ready" once calibrated (start the kill after that), then one
"pid PID latency_ms MS" line per kill, COUNT kills at most.

The kmsg timestamp clock is not CLOCK_MONOTONIC (KERNEL-FACTS.md, latency):
a probe record written to /dev/kmsg and read back gives the offset. The log
file is watched with inotify, so the time a line appears is known to a few µs.
Only the records this script needs are parsed; nothing of the log is printed."""
import ctypes
import os
import re
import select
import sys
import time

IN_MODIFY = 0x2
KILLED = re.compile(rb"Killed process (\d+) \(")
NOTIFIED = re.compile(rb"Notification: severity = FAILURE, .*plugin = oomwatch.* \(pid (\d+),")


def mono_usec():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000


def records(fd):
    """Pending /dev/kmsg records as (ts_usec, text); one read() per record."""
    while True:
        try:
            rec = os.read(fd, 8192)
        except BlockingIOError:
            return
        except BrokenPipeError:  # overwritten records: reading goes on
            continue
        head, _, text = rec.partition(b";")
        fields = head.split(b",")
        if len(fields) >= 3:
            yield int(fields[2]), text.rstrip(b"\n")


def calibrate(fd):
    """CLOCK_MONOTONIC minus the kmsg clock, from a probe record (one write)."""
    probe = b"oomwatch kmsg_latency probe %d" % os.getpid()
    w = os.open("/dev/kmsg", os.O_WRONLY)
    before = mono_usec()
    os.write(w, probe + b"\n")
    after = mono_usec()
    os.close(w)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        select.select([fd], [], [], 0.5)
        for ts, text in records(fd):
            if text.endswith(probe):
                return (before + after) // 2 - ts
    raise SystemExit("calibration probe not read back from /dev/kmsg")


def main():
    log, count, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    kfd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    os.lseek(kfd, 0, os.SEEK_END)
    offset = calibrate(kfd)
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    ifd = libc.inotify_init1(os.O_NONBLOCK)
    if ifd < 0 or libc.inotify_add_watch(ifd, log.encode(), IN_MODIFY) < 0:
        raise SystemExit("inotify on %s failed" % log)
    with open(log, "rb") as f:
        f.seek(0, os.SEEK_END)
        pos = f.tell()
    print("ready", flush=True)
    killed, woke, seen, done = {}, {}, {}, set()
    deadline = time.monotonic() + timeout
    while len(done) < count and time.monotonic() < deadline:
        select.select([kfd, ifd], [], [], 0.5)
        now = mono_usec()
        for ts, text in records(kfd):
            m = KILLED.search(text)
            if m:
                killed[int(m.group(1))] = ts + offset
                woke[int(m.group(1))] = now
        try:
            os.read(ifd, 4096)
        except BlockingIOError:
            pass
        with open(log, "rb") as f:
            f.seek(pos)
            data = f.read()
        if data.endswith(b"\n"):
            pos += len(data)
            for line in data.splitlines():
                m = NOTIFIED.search(line)
                if m:
                    seen.setdefault(int(m.group(1)), now)
        for pid in sorted(set(killed) & set(seen) - done):
            print("pid %d latency_ms %.2f kmsg_wakeup_ms %.2f"
                  % (pid, (seen[pid] - killed[pid]) / 1000, (woke[pid] - killed[pid]) / 1000), flush=True)
            done.add(pid)


main()
