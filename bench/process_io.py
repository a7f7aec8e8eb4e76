#!/usr/bin/env python3
"""Runs a command and prints, on one line to the file given by -o: wall seconds, peak RSS in KB,
user + system CPU seconds, and the bytes the process read and wrote through read()/write()-like
calls (rchar and wchar of /proc/PID/io: sockets included, so against a server they are what the
client pulled from it and sent to it, plus the few files it reads). The counters are read after
the process exits but before it is reaped (waitid with WNOWAIT), so nothing it did is missed.

Usage: process_io.py -o OUT command [args...]   (the command's stdout and stderr pass through;
the exit status is the command's)
"""
import os
import subprocess
import sys
import time

if len(sys.argv) < 4 or sys.argv[1] != "-o":
    sys.exit(__doc__)
out, command = sys.argv[2], sys.argv[3:]
started = time.monotonic()
child = subprocess.Popen(command)
os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
seconds = time.monotonic() - started
io = dict(line.split(": ") for line in open(f"/proc/{child.pid}/io").read().splitlines())
_, status, usage = os.wait4(child.pid, 0)
with open(out, "w") as handle:
    handle.write(f"{seconds:.3f} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime:.3f} {int(io['rchar'])} {int(io['wchar'])}\n")
sys.exit(os.waitstatus_to_exitcode(status))
