#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/lib/latency.py FILE REGEX COUNT TIMEOUT_S [--stamped] — kill to alert
latency of a front end, beside the floor: a bare /dev/kmsg reader (this script)
woken by the same "Killed process" record.

The kmsg timestamp clock is not CLOCK_MONOTONIC: a probe record written to
/dev/kmsg and read back gives the offset. FILE is where the front end's alert
lands (collectd's log, snmptrapd's output); REGEX's first group is the victim's
pid. With --stamped each line of FILE starts with its CLOCK_MONOTONIC arrival
time in seconds (snmptrapd's output in tests/snmp/snmp_env.sh); otherwise the
time is when this script saw the line (inotify wakes it within µs).
Prints "ready" once calibrated (start the kills after that), then one line
"pid PID alert_ms MS reader_ms MS" per kill, COUNT kills at most."""
import ctypes
import os
import re
import select
import sys
import time

IN_MODIFY = 0x2
KILLED = re.compile(rb"Killed process (\d+) \(")


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
    """CLOCK_MONOTONIC minus the kmsg clock, from a probe record."""
    probe = b"oomwatch bench latency probe %d" % os.getpid()
    w = os.open("/dev/kmsg", os.O_WRONLY)
    before = mono_usec()
    os.write(w, b"<7>" + probe + b"\n")
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
    path, regex, count, timeout = sys.argv[1], re.compile(sys.argv[2].encode()), int(sys.argv[3]), float(sys.argv[4])
    stamped = "--stamped" in sys.argv[5:]
    kfd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    os.lseek(kfd, 0, os.SEEK_END)
    offset = calibrate(kfd)
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    ifd = libc.inotify_init1(os.O_NONBLOCK)
    if ifd < 0 or libc.inotify_add_watch(ifd, path.encode(), IN_MODIFY) < 0:
        raise SystemExit("inotify on %s failed" % path)
    with open(path, "rb") as f:
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
        with open(path, "rb") as f:
            f.seek(pos)
            data = f.read()
        cut = data.rfind(b"\n") + 1
        pos += cut
        for line in data[:cut].splitlines():
            m = regex.search(line)
            if m:
                when = int(float(line.split()[0]) * 1e6) if stamped else now
                seen.setdefault(int(m.group(1)), when)
        for pid in sorted(set(killed) & set(seen) - done):
            print("pid %d alert_ms %.3f reader_ms %.3f"
                  % (pid, (seen[pid] - killed[pid]) / 1000, (woke[pid] - killed[pid]) / 1000), flush=True)
            done.add(pid)


main()
