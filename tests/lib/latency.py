#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/lib/latency.py FILE REGEX COUNT TIMEOUT_S [--stamped] [--trace-reader PROG]
— kill to alert latency of a front end, beside the floors: a bare /dev/kmsg
reader (this script) woken by the same "Killed process" record, and with
--trace-reader a bare reader of the oom:mark_victim tracepoint
(build/tests/bench/trace_reader), woken by the same kill.

The kmsg timestamp clock is not CLOCK_MONOTONIC: a probe record written to
/dev/kmsg and read back gives the offset. FILE is where the front end's alert
lands (collectd's log, snmptrapd's output); REGEX's first group is the victim's
pid. With --stamped each line of FILE starts with its CLOCK_MONOTONIC arrival
time in seconds (snmptrapd's output in tests/snmp/snmp_env.sh); otherwise the
time is when this script saw the line (inotify wakes it within µs).
The kill's time is the kmsg stamp of its "Killed process" record (the kernel
marks the victim, which fires the tracepoint, a few µs before).
Prints "ready" once calibrated (start the kills after that), then one line
"pid PID alert_ms MS reader_ms MS trace_ms MS" per kill, COUNT kills at most
(trace_ms "-" without a tracepoint reader, or when it did not see the kill)."""
import ctypes
import os
import re
import select
import subprocess
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
    tracer = None
    if "--trace-reader" in sys.argv[5:]:
        prog = sys.argv[sys.argv.index("--trace-reader") + 1]
        tracer = subprocess.Popen([prog], stdout=subprocess.PIPE)
        if tracer.stdout.readline() != b"ready\n":
            tracer = None  # it said why on stderr: the figures go on without it
        else:
            os.set_blocking(tracer.stdout.fileno(), False)
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
    killed, woke, seen, traced, done = {}, {}, {}, {}, set()
    deadline = time.monotonic() + timeout
    tail = b""
    while len(done) < count and time.monotonic() < deadline:
        select.select([kfd, ifd] + ([tracer.stdout] if tracer else []), [], [], 0.5)
        now = mono_usec()
        if tracer:
            tail += tracer.stdout.read() or b""
            lines, _, tail = tail.rpartition(b"\n")
            for line in lines.splitlines():
                f = line.split(b"\t")
                if f[0] == b"victim":  # victim PID COMM TRACE_USEC WOKE_USEC
                    traced.setdefault(int(f[1]), int(f[4]))
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
            if tracer and pid not in traced and now - killed[pid] < 1000000:
                continue  # its line may still be on the way
            trace_ms = "%.3f" % ((traced[pid] - killed[pid]) / 1000) if pid in traced else "-"
            print("pid %d alert_ms %.3f reader_ms %.3f trace_ms %s"
                  % (pid, (seen[pid] - killed[pid]) / 1000, (woke[pid] - killed[pid]) / 1000, trace_ms),
                  flush=True)
            done.add(pid)
    if tracer:
        tracer.kill()
        tracer.wait()


main()
