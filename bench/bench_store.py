"""The store on its two backends, side by side: a folder (SQLite and files) and PostgreSQL (a
throwaway server started here, as the tests start theirs: tests/pgcluster.py).

    python3 bench/bench_store.py            # about a minute

- publish: `Store.publish` of the sample workbook (27 KB) and the 100x one (1.1 MB), new bytes
  each time (a counter appended), median ms;
- lookup: `datasource.locate()`, what every rerun asks the store (one small query), median µs; and,
  for the folder, the lookup as it was before this backend (a new sqlite3 connection, every row);
- rerun: the Overview's server time for a rerun (AppTest, sample published in each store), median
  ms, the two backends interleaved.
Nothing asserts a time; the machine is shared, so the figures sit next to each other.
"""
from __future__ import annotations

import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import datasource  # noqa: E402
import pgcluster  # noqa: E402
import store  # noqa: E402
from store import Store  # noqa: E402

SAMPLE = (ROOT / "data" / "sample-review.xlsx").read_bytes()
BIG = HERE / "out" / "review-100x.xlsx"


def median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def publish_ms(location: str, data: bytes, n: int) -> float:
    s = Store(location)
    counter = iter(range(10 ** 9))
    return median_ms(lambda: s.publish(data + str(next(counter)).encode(), "bench.xlsx", "bench"), n)


def old_lookup(folder: str) -> None:
    con = sqlite3.connect(os.path.join(folder, "versions.sqlite"), timeout=30, isolation_level=None)
    try:
        con.execute("PRAGMA busy_timeout = 30000")
        con.execute("PRAGMA synchronous = FULL")
        con.execute(f"SELECT {store.COLUMNS} FROM versions ORDER BY number DESC").fetchall()
    finally:
        con.close()


def lookup_us(location: str, n: int) -> float:
    os.environ["CSP_STORE"] = location
    datasource.locate()
    return 1000 * median_ms(datasource.locate, n)


def rerun_ms(locations: dict[str, str], n: int) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    times: dict[str, list[float]] = {k: [] for k in locations}
    apps = {}
    for name, location in locations.items():
        os.environ["CSP_STORE"] = location
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.run()
        assert not at.exception, at.exception
        apps[name] = at
    for _ in range(n):
        for name, at in apps.items():  # interleaved
            os.environ["CSP_STORE"] = locations[name]
            t = time.perf_counter()
            at.run()
            times[name].append(time.perf_counter() - t)
    return {k: 1000 * statistics.median(v) for k, v in times.items()}


def main() -> None:
    os.environ.pop("CSP_WORKBOOK", None)
    cluster = pgcluster.Cluster(durable=True)  # fsync on, as a real server
    try:
        with tempfile.TemporaryDirectory() as tmp:
            where = {"folder": str(Path(tmp) / "store"), "postgresql": cluster.new_database()}
            big = BIG.read_bytes() if BIG.exists() else None
            rows = []
            for name, location in where.items():
                sample = publish_ms(location, SAMPLE, 30)
                large = publish_ms(location, big, 10) if big else float("nan")
                rows.append((name, sample, large))
            count = len(Store(where["folder"]).versions())
            lookups = {name: lookup_us(location, 2000) for name, location in where.items()}
            old = 1000 * median_ms(lambda: old_lookup(where["folder"]), 2000)
            for location in where.values():  # the sample as the current version, for the reruns
                Store(location).publish(SAMPLE, "sample.xlsx", "bench")
            reruns = rerun_ms(where, 15)
    finally:
        cluster.close()
    print("| store | publish, sample (27 KB), ms | publish, 100x (1.1 MB), ms | lookup per rerun "
          "(`datasource.locate`), µs | Overview rerun (AppTest), ms |")
    print("|---|---:|---:|---:|---:|")
    for name, sample, large in rows:
        print(f"| {name} | {sample:.1f} | {large:.1f} | {lookups[name]:.0f} | {reruns[name]:.0f} |")
    print(f"| folder, the lookup before this backend (new sqlite3 connection, every row) | | | {old:.0f} | |")
    print(f"\n({count} versions in each store when looked up; "
          f"medians: publish 30 and 10, lookup 2000, rerun 15 interleaved)")


if __name__ == "__main__":
    main()
