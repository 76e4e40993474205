#!/usr/bin/env python3
"""The physical floor of a durable log on this machine: the CPU time (user + system) and
the wall time of one small append made durable with fdatasync, what every batch of a
signed log costs at the least before SQLite, the journal or a signature add anything.

Appends SIZE bytes and calls fdatasync, COUNT times, to a file in the build's temporary
directory (the same file system as the stores), in alternating rounds: a file that grows
with every append (as a log's WAL does) and one written over in place (preallocated).
Prints the medians of ROUNDS rounds. docs/benchmarks.md divides the exchange's CPU budget
per call by it.

    bench/fsync_cost.py [COUNT] [SIZE] [ROUNDS] [DIR]
"""
import os
import resource
import statistics
import sys
import tempfile
import time


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def one_round(directory, count, size, grow):
    fd, path = tempfile.mkstemp(dir=directory, prefix="riik-fsync-")
    try:
        block = b"x" * size
        if not grow:
            os.write(fd, b"\0" * (size * count))
            os.fsync(fd)
            os.lseek(fd, 0, os.SEEK_SET)
        cpu0, wall0 = cpu_seconds(), time.monotonic()
        for _ in range(count):
            if os.write(fd, block) != size:
                raise SystemExit("a short write: is the disk full?")
            os.fdatasync(fd)
        cpu1, wall1 = cpu_seconds(), time.monotonic()
    finally:
        os.close(fd)
        os.unlink(path)
    return (cpu1 - cpu0) / count * 1e6, (wall1 - wall0) / count * 1e6


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 8192
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    directory = sys.argv[4] if len(sys.argv) > 4 else os.environ.get("TMPDIR", "/tmp")
    results = {True: [], False: []}
    for r in range(rounds):
        for grow in (True, False):
            cpu, wall = one_round(directory, count, size, grow)
            results[grow].append((cpu, wall))
            print(f"round {r + 1}: {'growing' if grow else 'in place'} {cpu:.0f} us CPU, {wall:.0f} us wall")
    print(f"fsync_cost: {count} appends of {size} bytes + fdatasync each, medians of {rounds} rounds, in {directory}")
    for grow in (True, False):
        cpu = statistics.median(c for c, _ in results[grow])
        wall = statistics.median(w for _, w in results[grow])
        print(f"{'growing file' if grow else 'in place    ':13} {cpu:6.0f} us CPU  {wall:6.0f} us wall  per durable append")


if __name__ == "__main__":
    main()
