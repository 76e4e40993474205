#!/usr/bin/env python3
"""SQLite's commit cost against its page cache size, for small commits into an index of
random keys (what a signed log's (log_id, leaf_key) index takes at every batch).

Each commit: 7 rows with random 32-hex-digit keys into a table indexed on them, plus a
3.5 kB journal row, under riik's pragmas (WAL, synchronous=FULL), into a table first
filled with ROWS rows. Prints the process's CPU time (user + system) per commit for each
cache size, the same run, alternating rounds, medians: a commit that scans the whole
page cache costs more the larger the cache (docs/benchmarks.md).

    bench/sqlite_commit_cache.py [ROWS] [COMMITS] [ROUNDS]
"""
import os
import random
import resource
import sqlite3
import statistics
import sys
import tempfile

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
COMMITS = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 3
CACHES = {"64 MiB (riik's store)": -65536, "8 MiB": -8192, "2 MiB (SQLite's default)": -2000}
LEAF = "x" * 412


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def key():
    return "%032x" % random.getrandbits(128)


def prepare(path):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL").fetchall()
    db.execute("CREATE TABLE leaves (log_id TEXT, leaf_index INT, leaf_key TEXT, leaf TEXT, "
               "PRIMARY KEY (log_id, leaf_index))")
    db.execute("CREATE INDEX leaves_key ON leaves (log_id, leaf_key)")
    db.execute("CREATE TABLE journal (seq INTEGER PRIMARY KEY, hash BLOB, changes TEXT)")
    db.execute("BEGIN")
    db.executemany("INSERT INTO leaves VALUES ('log', ?, ?, ?)", ((i, key(), LEAF) for i in range(ROWS)))
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    db.close()


def round_(path, cache, first):
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", f"PRAGMA cache_size={cache}",
                   "PRAGMA wal_autocheckpoint=16384"):
        db.execute(pragma).fetchall()
    # Warm the cache as a long-running server's is: the table's and the index's pages.
    db.execute("SELECT sum(length(leaf)) FROM leaves").fetchall()
    db.execute("SELECT count(*) FROM leaves INDEXED BY leaves_key WHERE log_id = 'log'").fetchall()
    n = first
    start = cpu()
    for _ in range(COMMITS):
        db.execute("BEGIN IMMEDIATE")
        for _ in range(7):
            db.execute("INSERT INTO leaves VALUES ('log', ?, ?, ?)", (n, key(), LEAF))
            n += 1
        db.execute("INSERT INTO journal (hash, changes) VALUES (?, ?)", (os.urandom(32), "y" * 3500))
        db.execute("COMMIT")
    spent = cpu() - start
    db.close()
    return spent / COMMITS * 1e6, n


def main():
    with tempfile.TemporaryDirectory(prefix="riik-sqlite-cache-") as work:
        path = os.path.join(work, "store.db")
        print(f"filling {ROWS} rows ...", file=sys.stderr)
        prepare(path)
        results = {name: [] for name in CACHES}
        n = ROWS
        for r in range(ROUNDS):
            for name, cache in CACHES.items():
                us, n = round_(path, cache, n)
                results[name].append(us)
                print(f"round {r + 1}: {name}: {us:.0f} us CPU per commit", file=sys.stderr)
        print(f"sqlite_commit_cache: {COMMITS} commits of 7 random-key rows + a journal row per round, "
              f"table of {ROWS}+ rows, SQLite {sqlite3.sqlite_version}, medians of {ROUNDS} rounds")
        base = statistics.median(results["2 MiB (SQLite's default)"])
        for name in CACHES:
            m = statistics.median(results[name])
            print(f"  cache {name:26s} {m:6.0f} us CPU per commit   ratio to 2 MiB {m / base:.2f}")


if __name__ == "__main__":
    main()
