#!/usr/bin/env python3
"""The physical floor of a durable log on this machine: the CPU time (user + system) and
the wall time of one small append made durable with fdatasync, what every batch of a
signed log costs at the least before SQLite, the journal or a signature add anything.

Appends SIZE bytes and calls fdatasync, COUNT times, to a file in the build's temporary
directory (the same file system as the stores), in alternating rounds: a file that grows
with every append (as a log's WAL does), one written over in place (preallocated), and
a file replaced whole each time (a temporary written and fsynced, renamed over it, the
directory fsynced: WriteFileAtomic, which the embassy shipper's state file was until
store::StateFile appended a line instead; docs/formats/state-file.md). Prints the medians
of ROUNDS rounds. docs/benchmarks.md divides the exchange's CPU budget per call by it.

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


def replace_round(directory, count, size):
    work = tempfile.mkdtemp(dir=directory, prefix="riik-fsync-")
    path, tmp = os.path.join(work, "state"), os.path.join(work, ".state.tmp")
    block = b"x" * size
    cpu0, wall0 = cpu_seconds(), time.monotonic()
    for _ in range(count):
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        if os.write(fd, block) != size:
            raise SystemExit("a short write: is the disk full?")
        os.fsync(fd)
        os.close(fd)
        os.rename(tmp, path)
        dfd = os.open(work, os.O_RDONLY)
        os.fsync(dfd)
        os.close(dfd)
    cpu1, wall1 = cpu_seconds(), time.monotonic()
    os.unlink(path)
    os.rmdir(work)
    return (cpu1 - cpu0) / count * 1e6, (wall1 - wall0) / count * 1e6


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
    modes = {"growing file": lambda: one_round(directory, count, size, True),
             "in place": lambda: one_round(directory, count, size, False),
             "replaced whole": lambda: replace_round(directory, count, size)}
    results = {name: [] for name in modes}
    for r in range(rounds):
        for name, run in modes.items():
            cpu, wall = run()
            results[name].append((cpu, wall))
            print(f"round {r + 1}: {name} {cpu:.0f} us CPU, {wall:.0f} us wall")
    print(f"fsync_cost: {count} durable writes of {size} bytes each, medians of {rounds} rounds, in {directory}")
    medians = {}
    for name in modes:
        cpu = statistics.median(c for c, _ in results[name])
        wall = statistics.median(w for _, w in results[name])
        medians[name] = (cpu, wall)
        print(f"{name:15} {cpu:6.0f} us CPU  {wall:6.0f} us wall  per durable write")
    # Each way against the appended line of a growing file, the way a log's batch is written.
    base_cpu, base_wall = medians["growing file"]
    for name in ("in place", "replaced whole"):
        cpu, wall = medians[name]
        print(f"ratio {name} / growing file: CPU {cpu / base_cpu:.2f}, wall {wall / base_wall:.2f}")


if __name__ == "__main__":
    main()
