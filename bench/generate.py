"""Generate review workbooks of a known size for the reader benchmark (deterministic: seeded).

    python bench/generate.py            # writes bench/out/review-1x.xlsx, -10x.xlsx, -100x.xlsx and the .ods of each
    python bench/generate.py 100x       # only that size

Each size is written twice, with the same cells: as .xlsx (openpyxl) and as an OpenDocument
spreadsheet, .ods (odfpy, `loaders.writer.write_ods`; about 40 s at 100x), for the reader's .ods timings.

Sizes (partnerships x cycles with scores x criteria): 1x is about the sample (30 x 2 x 16), 10x
is 100 x 5 x 40, 100x is 300 x 10 x 100. Every workbook is valid (no errors) and has every sheet,
with score cells mixing labels, numbers, "Achieved" wording and blanks as analysts do.
"""
from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "tests")]

from builders import make_sheets  # noqa: E402
from loaders.writer import write_ods, write_workbook  # noqa: E402

OUT = HERE / "out"
SIZES = {"1x": (30, 2, 16), "10x": (100, 5, 40), "100x": (300, 10, 100)}
CELLS = ["Fully met", "Partially met", "Not met", 2, 1, 0, "Achieved", "Partly achieved", None]
WEIGHTS = [30, 25, 10, 10, 8, 4, 4, 4, 5]


def sheets_for(partnerships: int, cycles: int, criteria: int, seed: int = 1) -> dict:
    rng = random.Random(seed)
    names = [f"Partnership {i:03d}" for i in range(1, partnerships + 1)]
    ids = [str(i) for i in range(1, criteria + 1)]
    cycle_names = [f"{y}-{y + 3}" for y in range(2026 - 3 * cycles, 2026, 3)]
    scores = {(p, c): rng.choices(CELLS, WEIGHTS, k=criteria) for c in cycle_names for p in names}
    submitted = {(p, c): dt.date(int(c[:4]), 3, 1) + dt.timedelta(days=rng.randrange(120))
                 for c in cycle_names for p in names}
    national = []
    for c in cycle_names:
        for j, crit in enumerate(ids):
            counts = [0, 0, 0]
            for p in names:
                cell = scores[(p, c)][j]
                if cell is not None:
                    counts[{"Fully met": 0, 2: 0, "Achieved": 0, "Partially met": 1, 1: 1,
                            "Partly achieved": 1}.get(cell, 2)] += 1
            national.append([c, crit, *counts, "Generated"])
    themes = [[f"Theme {i}", f"Finding {i}", "some", ids[i % criteria]] for i in range(8)]
    sheets = make_sheets(partnerships=names, criteria=ids, cycles=cycle_names, scores=scores,
                         submitted=submitted, national=national, themes=themes,
                         peer_groups={p: f"Group {i % 5}" for i, p in enumerate(names)})
    # "ID. Name" headers, as in the sample
    sheets["Scores"][0] = ["Partnership", "Cycle"] + [f"{c}. Criterion {c}" for c in ids]
    return sheets


KINDS = ("xlsx", "ods")


def generate(size: str, kind: str = "xlsx") -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"review-{size}.{kind}"
    (write_workbook if kind == "xlsx" else write_ods)(sheets_for(*SIZES[size]), path)
    return path


if __name__ == "__main__":
    for size in sys.argv[1:] or SIZES:
        for kind in KINDS:
            path = generate(size, kind)
            print(f"{path.relative_to(HERE.parent)}: {path.stat().st_size / 1024:.0f} KB")
