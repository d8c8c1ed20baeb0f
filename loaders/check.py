"""`python -m loaders check FILE [--json]`: can this workbook be used, and if not, why not.

Exit status: 0 the workbook can be used (warnings allowed), 1 it has errors, 2 it cannot be read
at all (missing file, not a workbook, damaged, anything unexpected). Never a traceback.

With --json, exactly one JSON object on stdout:
    {"ok": bool, "errors": [PROBLEM], "warnings": [PROBLEM], "summary": SUMMARY}
    PROBLEM = {"sheet": str|null, "row": int|null, "column": str|null, "message": str, "record": str|null}
    (record: the partnership and cycle a row of Scores, Submissions or Plans is about, from its own
    Partnership and Cycle cells as written, e.g. "Fife, 2023-2026"; else null)
    SUMMARY = {"partnerships": int, "criteria": int, "cycles": [str], "illustrative": bool,
               "coverage": {CYCLE: {CRITERION: {LABEL: n, ..., "Not assessed": n}}},
               "submitted": {CYCLE: {PARTNERSHIP: "YYYY-MM-DD" | null}}}
Coverage has every cycle with rows in Scores and every criterion, counted with the workbook's own
scale labels (all of them, zeros included); "Not assessed" is the partnerships in the workbook
less those assessed (blank cells, missing rows and missing criterion columns all count).
Submitted has every cycle with rows in Submissions and each partnership with a row there.
Illustrative is true when the workbook's About sheet marks its per-partnership data as made up.

Output into a pipe that closes early (`... | head -1`) ends quietly, with the same exit status.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import pandas as pd

from loaders.model import ILLUSTRATIVE_NOTE, NOT_ASSESSED, Problem, Review, WorkbookUnreadable
from loaders.reader import read_workbook

EMPTY_SUMMARY = {"partnerships": 0, "criteria": 0, "cycles": [], "illustrative": False, "coverage": {},
                 "submitted": {}}


def summary(review: Review) -> dict:
    labels, n = review.labels, len(review.partnerships)
    counts = review.scores.dropna(subset=["label"]).groupby(["cycle", "criterion", "label"]).size().to_dict()
    coverage = {}
    for cycle in sorted(review.scores["cycle"].unique()):
        coverage[cycle] = {}
        for crit in review.criteria["criterion"]:
            row = {label: int(counts.get((cycle, crit, label), 0)) for label in labels}
            row[NOT_ASSESSED] = max(n - sum(row.values()), 0)
            coverage[cycle][crit] = row
    order = {p: i for i, p in enumerate(review.partnerships["partnership"])}
    submitted = {}
    for cycle, group in review.submissions.groupby("cycle", sort=True):
        group = group.sort_values("partnership", key=lambda s: s.map(order))
        submitted[cycle] = {p: (None if pd.isna(d) else d.strftime("%Y-%m-%d"))
                            for p, d in zip(group["partnership"], group["submitted"])}
    return {"partnerships": n, "criteria": len(review.criteria), "cycles": list(review.cycles["cycle"]),
            "illustrative": bool(review.illustrative), "coverage": coverage, "submitted": submitted}


def report(review: Review) -> dict:
    return {"ok": review.ok, "errors": [_plain(p) for p in review.errors],
            "warnings": [_plain(p) for p in review.warnings], "summary": summary(review)}


def _plain(p: Problem) -> dict:
    return {**p.as_dict(), "row": None if p.row is None else int(p.row)}


def describe(p: Problem) -> str:
    """'Sheet Scores, row 7 (Fife, 2023-2026), column E (4. Data): message'."""
    where = Problem(p.sheet, p.row, p.column, p.message).where() if not (p.record and p.row) else ", ".join(
        [f"sheet {p.sheet}"] * bool(p.sheet) + [f"row {p.row} ({p.record})"] + [f"column {p.column}"] * bool(p.column))
    return f"{where[:1].upper()}{where[1:]}: {p.message}" if where else p.message


def text_report(path: str, result: dict) -> str:
    s, errors, warnings = result["summary"], result["errors"], result["warnings"]
    verdict = "can be used" if result["ok"] else "cannot be used until the errors are fixed"
    lines = [f"{path}: {verdict} ({_n(len(errors), 'error')}, {_n(len(warnings), 'warning')}).",
             f"{_n(s['partnerships'], 'partnership')}, {_n(s['criteria'], 'criterion', 'criteria')}, "
             f"cycles: {', '.join(s['cycles']) or 'none'}."]
    if s["illustrative"]:
        lines.append(f"  {ILLUSTRATIVE_NOTE}")
    for cycle, by_criterion in s["coverage"].items():
        assessed = sum(sum(v for k, v in row.items() if k != NOT_ASSESSED) for row in by_criterion.values())
        lines.append(f"  {cycle}: {assessed} scores; {len(s['submitted'].get(cycle, {}))} rows in Submissions.")
    for title, problems in (("Errors", errors), ("Warnings", warnings)):
        if problems:
            lines += ["", f"{title} ({len(problems)}):"]
            lines += [f"  {describe(Problem(**p))}" for p in problems]
    return "\n".join(lines)


def _n(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loaders", description="Check a review workbook.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="check a workbook: exit 0 usable, 1 errors, 2 unreadable")
    check.add_argument("file")
    check.add_argument("--json", action="store_true", help="print one JSON object instead of a report")
    args = parser.parse_args(argv)
    try:
        result = report(read_workbook(args.file))
        status = 0 if result["ok"] else 1
    except WorkbookUnreadable as exc:
        result, status = _unreadable(exc.message), 2
    except Exception as exc:  # never a traceback: say what happened, in one line
        result, status = _unreadable(f"The workbook could not be checked ({exc.__class__.__name__}: {exc})."), 2
    if args.json:
        out = json.dumps(result, ensure_ascii=False)
    elif status == 2:
        out = f"{args.file}: cannot be read. {result['errors'][0]['message']}"
    else:
        out = text_report(args.file, result)
    try:
        print(out)
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader went away (`| head -1`): as Python's docs on SIGPIPE advise, point stdout at
        # devnull so the flush at exit does not fail again, and stop without a traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return status


def _unreadable(message: str) -> dict:
    return {"ok": False, "errors": [Problem(None, None, None, message).as_dict()],
            "warnings": [], "summary": dict(EMPTY_SUMMARY)}


if __name__ == "__main__":
    sys.exit(main())
