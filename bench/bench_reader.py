"""Benchmark the workbook reader against the bare engine and pandas, in one run.

    python bench/generate.py && python bench/bench_reader.py [--runs 7] [--sizes sample 1x 10x 100x]

For each workbook, the median wall time (and CPU time, steadier on a busy machine) of several
interleaved runs of:
- read_workbook: the whole read and check of an upload (safety checks, every sheet, every rule);
- published: the same for a published version or the sample (trusted=True: the sheet-extent
  scan, already passed at upload, is skipped), which is what the dashboard's viewers wait for;
- of which safety: loaders.safety.check_bytes alone (zip directory and the sheet-extent scan);
- calamine: bare python-calamine reading the same sheets (from_filelike + to_python each);
- pandas+calamine: pandas.read_excel(engine="calamine") of the same sheets;
- pandas+openpyxl: pandas.read_excel(engine="openpyxl") of the same sheets (.xlsx only: openpyxl
  reads no .ods, and pandas' own .ods reader, odfpy, takes minutes at 100x);
and the ratios read_workbook / calamine and pandas+openpyxl / read_workbook.

Each size is timed as .xlsx and as .ods (`1x-ods`, ...: the same cells, bench/generate.py): for an
.ods python-calamine parses every sheet as it opens the file (content.xml holds them all), and the
safety step adds up its repeated rows and cells (`loaders.safety.ods_extent`).
"""
from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import pandas as pd  # noqa: E402
import python_calamine  # noqa: E402

from loaders import read_workbook  # noqa: E402
from loaders.reader import SHEETS, norm  # noqa: E402
from loaders.safety import ODS, check_bytes, workbook_format  # noqa: E402

FILES = {"sample": HERE.parent / "data" / "sample-review.xlsx",
         **{s: HERE / "out" / f"review-{s}.xlsx" for s in ("1x", "10x", "100x")},
         **{f"{s}-ods": HERE / "out" / f"review-{s}.ods" for s in ("1x", "10x", "100x")}}


def sheets_read(data: bytes) -> list[str]:
    """The sheets read_workbook reads: the known ones (and About) that the workbook has."""
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    wanted = {norm(s) for s in SHEETS} | {"about"}
    return [n for n in book.sheet_names if norm(n) in wanted]


def bare_calamine(data: bytes, names: list[str]):
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [book.get_sheet_by_name(n).to_python() for n in names]


def pandas_read(data: bytes, names: list[str], engine: str):
    return pd.read_excel(io.BytesIO(data), sheet_name=names, engine=engine)


def bench(data: bytes, runs: int) -> tuple[dict[str, float], dict[str, float]]:
    names = sheets_read(data)
    ods = workbook_format(data) == ODS
    cases = {
        "read_workbook": lambda: read_workbook(data),
        "published": lambda: read_workbook(data, trusted=True),
        "safety": lambda: check_bytes(data),
        "calamine": lambda: bare_calamine(data, names),
        "pandas+calamine": lambda: pandas_read(data, names, "calamine"),
        "pandas+openpyxl": lambda: pandas_read(data, names, "openpyxl"),
    }
    if ods:
        del cases["pandas+openpyxl"]
    wall: dict[str, list[float]] = {k: [] for k in [*cases, "pandas+openpyxl"]}
    cpu: dict[str, list[float]] = {k: [] for k in [*cases, "pandas+openpyxl"]}
    for case in cases.values():   # warm up: imports, caches
        case()
    # interleaved, so a busy moment hits every case alike; openpyxl (slow, and it leaves the heap
    # fragmented for whatever runs next) goes last, fewer times
    fast = [k for k in cases if k != "pandas+openpyxl"]
    for group, n in ((fast, runs), ([k for k in cases if k == "pandas+openpyxl"], min(runs, 3))):
        for _ in range(n):
            for name in group:
                gc.collect()
                start, start_cpu = time.perf_counter(), time.process_time()
                cases[name]()
                wall[name].append(time.perf_counter() - start)
                cpu[name].append(time.process_time() - start_cpu)
    nan = float("nan")
    return ({k: statistics.median(v) if v else nan for k, v in wall.items()},
            {k: statistics.median(v) if v else nan for k, v in cpu.items()})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--sizes", nargs="*", default=list(FILES))
    args = ap.parse_args()
    print(f"{'workbook':<8} {'clock':<5} {'KB':>6} {'read_workbook':>13} {'(safety)':>9} {'calamine':>9} "
          f"{'pd+calamine':>11} {'pd+openpyxl':>11} {'ours/calamine':>13} {'openpyxl/ours':>13} "
          f"{'published':>10} {'published/calamine':>18}")
    for size in args.sizes:
        path = FILES[size]
        if not path.exists():
            print(f"{size:<8} missing: {path} (run bench/generate.py, scripts/make_workbooks.py)")
            continue
        data = path.read_bytes()
        for clock, t in zip(("wall", "cpu"), bench(data, args.runs)):
            ms = {k: v * 1000 for k, v in t.items()}
            print(f"{size:<8} {clock:<5} {len(data) / 1024:>6.0f} {ms['read_workbook']:>11.1f}ms {ms['safety']:>7.1f}ms "
                  f"{ms['calamine']:>7.1f}ms {ms['pandas+calamine']:>9.1f}ms {ms['pandas+openpyxl']:>9.1f}ms "
                  f"{t['read_workbook'] / t['calamine']:>12.2f}x {t['pandas+openpyxl'] / t['read_workbook']:>12.1f}x "
                  f"{ms['published']:>8.1f}ms {t['published'] / t['calamine']:>17.2f}x",
                  flush=True)


if __name__ == "__main__":
    main()
