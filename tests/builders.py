"""Build review workbooks from a few Python lists, so every test states its own data.

Shared by unit, app (AppTest) and browser tests, and by the benchmarks' generator:

    sheets = make_sheets(partnerships=["North", "South"], criteria=["1", "2"],
                         scores={("North", "2023-2026"): ["Fully met", "Not met"]})
    data = workbook_bytes(sheets)          # .xlsx bytes (.ods bytes while FORMAT is "ods")
    data = ods_bytes(sheets)               # .ods bytes, written by odfpy
    review = make_review(partnerships=...)  # read back through the loaders

`make_sheets` fills in everything not given with a small valid default: 4 partnerships in two peer
groups, 3 criteria, the default scale, two cycles (2020-2023, 2023-2026), a submission and a full
row of scores for every partnership and cycle.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from loaders.writer import write_ods, write_workbook

# The format workbook_bytes writes: "xlsx" (openpyxl), or "ods" (odfpy) while a test's fixture sets
# it, so a whole test module runs once per format (tests/test_loaders.py).
FORMAT = "xlsx"

DEFAULT_PARTNERSHIPS = ["North", "South", "East", "West"]
DEFAULT_CRITERIA = ["1", "2", "3"]
DEFAULT_CYCLES = ["2020-2023", "2023-2026"]
LEVELS = ["Fully met", "Partially met", "Not met"]


def make_sheets(partnerships=None, criteria=None, cycles=None, scores=None, submitted=None,
                scale=None, themes=None, national=None, peer_groups=None, drop=()) -> dict:
    """A dict sheet name -> rows (header first) for `write_workbook`.

    partnerships: names; criteria: IDs (names become "Criterion <ID>"); cycles: "YYYY-YYYY";
    scores: {(partnership, cycle): [cell per criterion]} overriding the default pattern;
    submitted: {(partnership, cycle): date or None}; scale: rows [(score, label, met), ...];
    themes / national: rows without header; peer_groups: {partnership: group};
    drop: sheet names to leave out.
    """
    partnerships = list(partnerships or DEFAULT_PARTNERSHIPS)
    criteria = list(criteria or DEFAULT_CRITERIA)
    cycles = list(cycles or DEFAULT_CYCLES)
    scores = scores or {}
    submitted = submitted or {}
    if peer_groups is None:
        peer_groups = {p: ("Group A" if i % 2 == 0 else "Group B") for i, p in enumerate(partnerships)}
    labels = [row[1] for row in scale] if scale else LEVELS

    sheets = {
        "Partnerships": [["Partnership", "Local authorities", "Health board", "Peer group", "Also known as"]]
        + [[p, f"{p} Council", f"NHS {p}", peer_groups.get(p, ""), ""] for p in partnerships],
        "Criteria": [["ID", "Name", "Question", "Group"]]
        + [[c, f"Criterion {c}", f"Does the plan do thing {c}?", ""] for c in criteria],
        "Cycles": [["Cycle", "Due date", "Extended due date", "Review published"]]
        + [[c, dt.date(int(c[:4]), 4, 1), None, None] for c in cycles],
        "Submissions": [["Partnership", "Cycle", "Submitted", "Draft", "Interim statement", "Feedback issued"]],
        "Scores": [["Partnership", "Cycle"] + criteria],
    }
    if scale:
        sheets["Scale"] = [["Score", "Label", "Met"]] + [list(r) for r in scale]
    for cycle in cycles:
        due = dt.date(int(cycle[:4]), 4, 1)
        for i, p in enumerate(partnerships):
            sub = submitted.get((p, cycle), due - dt.timedelta(days=10 - 5 * i))
            sheets["Submissions"].append([p, cycle, sub, "no", None, None])
            row = scores.get((p, cycle))
            if row is None:
                row = [labels[(i + j) % len(labels)] for j in range(len(criteria))]
            sheets["Scores"].append([p, cycle] + list(row))
    if themes is not None:
        sheets["Themes 2019"] = [["Theme", "Finding", "Extent", "Criterion"]] + [list(r) for r in themes]
    if national is not None:
        sheets["National figures"] = [["Cycle", "Criterion", "Fully met", "Partially met", "Not met", "Source"]] \
            + [list(r) for r in national]
    for name in drop:
        sheets.pop(name, None)
    return sheets


def workbook_bytes(sheets: dict | None = None, path: str | Path | None = None, **kwargs) -> bytes:
    sheets = sheets if sheets is not None else make_sheets(**kwargs)
    if FORMAT == "ods":
        data = ods_bytes(sheets)
        if path is not None:
            Path(path).write_bytes(data)
        return data
    return write_workbook(sheets, path)


def ods_bytes(sheets: dict) -> bytes:
    """An OpenDocument spreadsheet (.ods) of `sheets` (as for write_workbook), written with odfpy (the
    library pandas writes .ods with): each cell typed as LibreOffice types it (string, float,
    boolean, date), a blank cell empty."""
    return write_ods(sheets)


def make_review(sheets: dict | None = None, **kwargs):
    from loaders import read_workbook

    return read_workbook(workbook_bytes(sheets, **kwargs))
