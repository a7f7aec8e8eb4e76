#!/usr/bin/env python3
"""Runs one command and prints its wall seconds, CPU seconds, peak RSS and the bytes it wrote.

The bytes are `wchar` of /proc/PID/io (everything passed to write(), WAL and checkpoint
included), read every 50 ms while the command runs, so the last reading before it exits is
taken. Used for the import's write volume in docs/BENCHMARKS.md ("Import").
Usage: python3 bench/written.py COMMAND [ARGUMENTS...]
"""
import resource
import subprocess
import sys
import time

started = time.time()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
last = {}
while child.poll() is None:
    try:
        with open(f"/proc/{child.pid}/io") as io:
            last = {key: int(value) for key, value in (line.split(": ") for line in io)}
    except OSError:
        pass
    time.sleep(0.05)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"wall {time.time() - started:.2f} s user {usage.ru_utime:.2f} s sys {usage.ru_stime:.2f} s "
      f"peak {usage.ru_maxrss / 1024:.0f} MB written {last.get('wchar', 0) / 1e6:.0f} MB exit {child.returncode}")
sys.exit(child.returncode)
